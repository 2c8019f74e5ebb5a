// SPDX-License-Identifier: Apache-2.0
#include "core/tls.h"

#include <arpa/inet.h>
#include <poll.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace tidb_backups::net {

namespace {

// OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE on a connection the
// peer has reset: a CLI must never die of that. This one sends with MSG_NOSIGNAL.
struct BioState {
    int fd = -1;
    bool eof = false;
    int last_errno = 0;
};

enum class Direction { Read, Write };

// After a send or recv that failed (not by EINTR): asks OpenSSL to retry when the socket would
// block, else keeps errno for the error message. Returns what the BIO call returns then.
int io_failed(BIO* bio, BioState& state, Direction direction) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (direction == Direction::Read) {
            BIO_set_retry_read(bio);
        } else {
            BIO_set_retry_write(bio);
        }
    } else {
        state.last_errno = errno;
    }
    return -1;
}

int bio_write(BIO* bio, const char* data, int length) {
    auto* state = static_cast<BioState*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    while (true) {
        ssize_t sent = ::send(state->fd, data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
        if (sent >= 0) {
            return static_cast<int>(sent);
        }
        if (errno != EINTR) {
            return io_failed(bio, *state, Direction::Write);
        }
    }
}

int bio_read(BIO* bio, char* out, int length) {
    auto* state = static_cast<BioState*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    while (true) {
        ssize_t got = ::recv(state->fd, out, static_cast<std::size_t>(length), 0);
        if (got > 0) {
            return static_cast<int>(got);
        }
        if (got == 0) {
            state->eof = true;
            return 0;
        }
        if (errno != EINTR) {
            return io_failed(bio, *state, Direction::Read);
        }
    }
}

long bio_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
    switch (command) {
        case BIO_CTRL_FLUSH:
            return 1;
        case BIO_CTRL_EOF:
            return static_cast<BioState*>(BIO_get_data(bio))->eof ? 1 : 0;
        default:
            return 0;
    }
}

BIO_METHOD* socket_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* made =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tidb-backups socket");
        if (made != nullptr) {
            BIO_meth_set_write(made, bio_write);
            BIO_meth_set_read(made, bio_read);
            BIO_meth_set_ctrl(made, bio_ctrl);
        }
        return made;
    }();
    return method;
}

bool is_ip_literal(const std::string& host) {
    in6_addr address{};
    return ::inet_pton(AF_INET, host.c_str(), &address) == 1 ||
           ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

// OpenSSL's reason for the last failure on this thread, or errno's.
std::string openssl_reason(int saved_errno) {
    unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code != 0) {
        const char* reason = ERR_reason_error_string(code);
        if (reason != nullptr) {
            return reason;
        }
    }
    return saved_errno != 0 ? std::strerror(saved_errno) : std::string();
}

class TlsStream final : public Stream {
  public:
    TlsStream(Socket socket, SSL* ssl, std::unique_ptr<BioState> state)
        : socket_(std::move(socket)), ssl_(ssl), state_(std::move(state)) {}

    ~TlsStream() override {
        if (healthy_) {
            // A close_notify, once, without waiting for the peer's; MSG_NOSIGNAL keeps a dead
            // socket from raising SIGPIPE.
            SSL_shutdown(ssl_);
        }
        SSL_free(ssl_);
        ERR_clear_error();
    }
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    IoResult read_some(char* buffer, std::size_t size, const Wakeup& wakeup,
                       Clock::time_point deadline) override {
        int chunk = size > INT_MAX ? INT_MAX : static_cast<int>(size);
        while (true) {
            ERR_clear_error();
            int got = SSL_read(ssl_, buffer, chunk);
            if (got > 0) {
                return IoResult{Io::Ok, static_cast<std::size_t>(got), 0, {}};
            }
            int error = SSL_get_error(ssl_, got);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                Io waited = wait_for(socket_.fd(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                     wakeup, deadline);
                if (waited != Io::Ok) {
                    return IoResult{waited, 0, 0, {}};
                }
                continue;
            }
            healthy_ = false;
            if (error == SSL_ERROR_ZERO_RETURN) {
                return IoResult{Io::Closed, 0, 0, {}};
            }
            if (state_->eof) {
                ERR_clear_error();
                // The peer closed the socket without ending TLS first: fine for a framed
                // body, a possible truncation for one framed by the close.
                return IoResult{Io::Closed, 0, 0, "the TLS connection ended without close_notify"};
            }
            return IoResult{Io::Failed, 0, state_->last_errno, openssl_reason(state_->last_errno)};
        }
    }

    IoResult write_all(std::string_view data, const Wakeup& wakeup,
                       Clock::time_point deadline) override {
        std::size_t written = 0;
        while (written < data.size()) {
            std::size_t left = data.size() - written;
            int chunk = left > INT_MAX ? INT_MAX : static_cast<int>(left);
            ERR_clear_error();
            int sent = SSL_write(ssl_, data.data() + written, chunk);
            if (sent > 0) {
                written += static_cast<std::size_t>(sent);
                continue;
            }
            int error = SSL_get_error(ssl_, sent);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                Io waited = wait_for(socket_.fd(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                     wakeup, deadline);
                if (waited != Io::Ok) {
                    return IoResult{waited, written, 0, {}};
                }
                continue;
            }
            healthy_ = false;
            return IoResult{Io::Failed, written, state_->last_errno,
                            openssl_reason(state_->last_errno)};
        }
        return IoResult{Io::Ok, written, 0, {}};
    }

    bool reusable() override {
        if (!healthy_) {
            return false;
        }
        pollfd watch{socket_.fd(), POLLIN, 0};
        if (::poll(&watch, 1, 0) == 0) {
            return true;
        }
        // Something arrived while idle: TLS 1.3 session tickets are harmless, anything else
        // (data, an alert, the end) means the connection is done.
        char byte = 0;
        ERR_clear_error();
        int got = SSL_read(ssl_, &byte, 1);
        if (got <= 0 && SSL_get_error(ssl_, got) == SSL_ERROR_WANT_READ) {
            return true;
        }
        ERR_clear_error();
        healthy_ = false;
        return false;
    }

    void mark_healthy() { healthy_ = true; }

  private:
    Socket socket_;
    SSL* ssl_;
    std::unique_ptr<BioState> state_;
    bool healthy_ = false;
};

}  // namespace

TlsClientContext::TlsClientContext(TlsOptions options) : options_(std::move(options)) {}

TlsClientContext::~TlsClientContext() {
    SSL_CTX_free(context_);
}

Expected<SSL_CTX*> TlsClientContext::get() {
    std::lock_guard lock(mutex_);
    if (context_ != nullptr) {
        return context_;
    }
    if (failure_) {
        return *failure_;
    }
    SSL_CTX* made = SSL_CTX_new(TLS_client_method());
    if (made == nullptr) {
        ERR_clear_error();
        failure_ = make_network_error("could not set up TLS", "", false);
        return *failure_;
    }
    SSL_CTX_set_min_proto_version(made, TLS1_2_VERSION);
    SSL_CTX_set_mode(made, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (options_.insecure) {
        SSL_CTX_set_verify(made, SSL_VERIFY_NONE, nullptr);
    } else {
        SSL_CTX_set_verify(made, SSL_VERIFY_PEER, nullptr);
        bool loaded =
            options_.ca_bundle.empty()
                ? SSL_CTX_set_default_verify_paths(made) == 1
                : SSL_CTX_load_verify_locations(made, options_.ca_bundle.c_str(), nullptr) == 1;
        if (!loaded) {
            ERR_clear_error();
            SSL_CTX_free(made);
            failure_ = make_network_error(
                options_.ca_bundle.empty()
                    ? std::string("could not load the system's CA certificates")
                    : fmt::format("could not load CA certificates from '{}'", options_.ca_bundle),
                "--ca-bundle expects a PEM file of certificates", false);
            return *failure_;
        }
    }
    context_ = made;
    return context_;
}

TlsHandshake start_tls(SSL_CTX* context, Socket socket, const std::string& host,
                       const Wakeup& wakeup, Clock::time_point deadline) {
    TlsHandshake handshake;
    auto fail = [&](Io status, std::string detail) {
        handshake.status = status;
        handshake.detail = std::move(detail);
        ERR_clear_error();
        return std::move(handshake);
    };
    BIO_METHOD* method = socket_method();
    SSL* ssl = SSL_new(context);
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (ssl == nullptr || bio == nullptr) {
        BIO_free(bio);
        SSL_free(ssl);
        return fail(Io::Failed, "could not set up TLS");
    }
    auto state = std::make_unique<BioState>();
    state->fd = socket.fd();
    BIO_set_data(bio, state.get());
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl, bio, bio);  // the SSL owns the BIO from here
    int fd = socket.fd();
    BioState* bio_state = state.get();
    auto stream = std::make_unique<TlsStream>(std::move(socket), ssl, std::move(state));

    bool ip = is_ip_literal(host);
    if (!ip) {
        SSL_set_tlsext_host_name(ssl, host.c_str());
    }
    if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
        int named = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str())
                       : SSL_set1_host(ssl, host.c_str());
        if (named != 1) {
            return fail(Io::Failed, fmt::format("cannot check a certificate for host '{}'", host));
        }
    }
    SSL_set_connect_state(ssl);
    while (true) {
        ERR_clear_error();
        int done = SSL_do_handshake(ssl);
        if (done == 1) {
            break;
        }
        int error = SSL_get_error(ssl, done);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            Io waited =
                wait_for(fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, wakeup, deadline);
            if (waited != Io::Ok) {
                return fail(waited, {});
            }
            continue;
        }
        long verified = SSL_get_verify_result(ssl);
        if (verified != X509_V_OK) {
            handshake.certificate_refused = true;
            handshake.verify_result = verified;
            return fail(Io::Failed, X509_verify_cert_error_string(verified));
        }
        if (bio_state->eof) {
            return fail(Io::Closed, {});
        }
        return fail(Io::Failed, openssl_reason(bio_state->last_errno));
    }
    stream->mark_healthy();
    handshake.stream = std::move(stream);
    return handshake;
}

}  // namespace tidb_backups::net
