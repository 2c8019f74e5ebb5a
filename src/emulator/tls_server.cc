// SPDX-License-Identifier: Apache-2.0
#include "emulator/tls_server.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace tidb_backups::emulator {

namespace {

constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

}  // namespace

Expected<std::unique_ptr<TlsServerContext>> TlsServerContext::load(const std::string& cert_file,
                                                                   const std::string& key_file) {
    for (const std::string& path : {cert_file, key_file}) {
        if (!std::ifstream(path)) {
            return make_error(ErrorKind::Usage,
                              fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
        }
    }
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    bool usable = context != nullptr &&
                  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 &&
                  SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) == 1 &&
                  SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
                  SSL_CTX_check_private_key(context) == 1;
    ERR_clear_error();
    if (!usable) {
        SSL_CTX_free(context);
        return make_error(
            ErrorKind::Usage,
            fmt::format("cannot use certificate '{}' with key '{}'", cert_file, key_file),
            "both must be PEM files, and the key must match the certificate");
    }
    // Idle connections give their buffers back; a client cannot make the server renegotiate.
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    return std::unique_ptr<TlsServerContext>(new TlsServerContext(context));
}

TlsServerContext::~TlsServerContext() {
    SSL_CTX_free(context_);
}

TlsSession::TlsSession(SSL_CTX* context) {
    SSL* ssl = SSL_new(context);
    BIO* input = BIO_new(BIO_s_mem());
    BIO* output = BIO_new(BIO_s_mem());
    if (ssl == nullptr || input == nullptr || output == nullptr) {
        SSL_free(ssl);
        BIO_free(input);
        BIO_free(output);
        ERR_clear_error();
        return;
    }
    // An empty input asks for more rather than reporting the end of the stream.
    BIO_set_mem_eof_return(input, -1);
    SSL_set_bio(ssl, input, output);
    SSL_set_accept_state(ssl);
    ssl_ = ssl;
    input_ = input;
    output_ = output;
}

TlsSession::~TlsSession() {
    SSL_free(ssl_);
}

void TlsSession::received(std::string_view ciphertext) {
    while (!ciphertext.empty()) {
        int chunk = static_cast<int>(std::min<std::size_t>(ciphertext.size(), INT_MAX));
        int written = BIO_write(input_, ciphertext.data(), chunk);
        if (written <= 0) {
            return;  // only when memory runs out; the session then fails on its own
        }
        ciphertext.remove_prefix(static_cast<std::size_t>(written));
    }
}

TlsSession::Result TlsSession::handshake() {
    int rc = SSL_do_handshake(ssl_);
    if (rc == 1) {
        return Result::Progress;
    }
    int error = SSL_get_error(ssl_, rc);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        return Result::Progress;
    }
    return error == SSL_ERROR_ZERO_RETURN ? Result::Closed : Result::Failed;
}

bool TlsSession::handshake_done() const {
    return SSL_is_init_finished(ssl_) == 1;
}

TlsSession::Result TlsSession::read(std::string& plaintext, std::size_t limit) {
    char buffer[kReadChunk];
    while (plaintext.size() < limit) {
        int want = static_cast<int>(std::min(sizeof buffer, limit - plaintext.size()));
        int got = SSL_read(ssl_, buffer, want);
        if (got > 0) {
            plaintext.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        int error = SSL_get_error(ssl_, got);
        ERR_clear_error();
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            return Result::Progress;
        }
        return error == SSL_ERROR_ZERO_RETURN ? Result::Closed : Result::Failed;
    }
    return Result::Progress;
}

bool TlsSession::write(std::string_view plaintext) {
    while (!plaintext.empty()) {
        int chunk = static_cast<int>(std::min<std::size_t>(plaintext.size(), INT_MAX));
        int written = SSL_write(ssl_, plaintext.data(), chunk);
        if (written <= 0) {
            ERR_clear_error();
            return false;  // a memory BIO takes everything: anything else is an error
        }
        plaintext.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

void TlsSession::close() {
    if (handshake_done()) {
        SSL_shutdown(ssl_);
        ERR_clear_error();
    }
}

void TlsSession::take_output(std::string& ciphertext) {
    char buffer[kReadChunk];
    for (;;) {
        int got = BIO_read(output_, buffer, sizeof buffer);
        if (got <= 0) {
            return;
        }
        ciphertext.append(buffer, static_cast<std::size_t>(got));
    }
}

}  // namespace tidb_backups::emulator
