// SPDX-License-Identifier: Apache-2.0
// TLS for the client transport: one context per run (the trust store is loaded once and shared
// by every connection) and sessions over non-blocking sockets, whose every wait keeps to the
// attempt's deadline and its Wakeup. OpenSSL verifies the chain and the host name.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/net.h"

namespace tidb_backups::net {

struct TlsOptions {
    std::string ca_bundle;  // PEM file of trusted certificates; empty: the system store
    bool insecure = false;  // verify nothing (--insecure)
};

class TlsClientContext {
  public:
    explicit TlsClientContext(TlsOptions options);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext&) = delete;
    TlsClientContext& operator=(const TlsClientContext&) = delete;

    // The context, made on first use (from any thread). An error, not retryable, when the
    // trust store cannot be loaded.
    Expected<SSL_CTX*> get();

    const TlsOptions& options() const { return options_; }

  private:
    TlsOptions options_;
    std::mutex mutex_;
    SSL_CTX* context_ = nullptr;
    std::optional<Error> failure_;
};

struct TlsHandshake {
    Io status = Io::Ok;  // Ok, TimedOut, Cut, Closed (the peer left mid-handshake) or Failed
    bool certificate_refused = false;
    long verify_result = 0;  // X509_V_OK, or why the certificate was refused
    std::string detail;      // OpenSSL's reason for another failure
    std::unique_ptr<Stream> stream;
};

// Runs the client handshake for `host` over `socket` (SNI, and the certificate checked for
// `host`, a name or an IP address, unless the context is insecure).
TlsHandshake start_tls(SSL_CTX* context, Socket socket, const std::string& host,
                       const Wakeup& wakeup, Clock::time_point deadline);

}  // namespace tidb_backups::net
