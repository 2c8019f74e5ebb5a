// SPDX-License-Identifier: Apache-2.0
// TLS for the emulator's server. A session runs in memory: the event loop hands it the bytes
// that came off the socket and sends the bytes it produces, so a handshake never blocks the
// loop, a client that stalls its handshake holds nothing but its own connection, and no write
// can raise SIGPIPE (the loop sends with MSG_NOSIGNAL).
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups::emulator {

class TlsServerContext {
  public:
    // A Usage error when either file cannot be read, is not PEM, or the key does not match.
    static Expected<std::unique_ptr<TlsServerContext>> load(const std::string& cert_file,
                                                            const std::string& key_file);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext&) = delete;
    TlsServerContext& operator=(const TlsServerContext&) = delete;

    SSL_CTX* get() const { return context_; }

  private:
    explicit TlsServerContext(SSL_CTX* context) : context_(context) {}
    SSL_CTX* context_;
};

class TlsSession {
  public:
    // The server side of one connection; ok() is false if OpenSSL could not make it.
    explicit TlsSession(SSL_CTX* context);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    bool ok() const { return ssl_ != nullptr; }

    enum class Result {
        Progress,  // did what it could; more input may let it go on
        Closed,    // the client sent close_notify
        Failed,    // a TLS error: the connection is beyond use
    };

    // Bytes received from the client.
    void received(std::string_view ciphertext);

    // Moves the handshake on with what was received.
    Result handshake();
    bool handshake_done() const;

    // Appends what can be decrypted to `plaintext`, as long as it holds fewer than `limit` bytes.
    Result read(std::string& plaintext, std::size_t limit);

    // Encrypts `plaintext` (after the handshake); false on a TLS error.
    bool write(std::string_view plaintext);

    // Queues close_notify.
    void close();

    // Appends the bytes to send to the client, and forgets them.
    void take_output(std::string& ciphertext);

  private:
    SSL* ssl_ = nullptr;
    BIO* input_ = nullptr;   // owned by ssl_
    BIO* output_ = nullptr;  // owned by ssl_
};

}  // namespace tidb_backups::emulator
