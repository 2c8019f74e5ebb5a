// Transport over cpp-httplib (Debian's build, with OpenSSL): HTTP/1.1 keep-alive, per-attempt
// timeouts, system CA store or a given bundle.
#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <openssl/x509.h>

#include "core/proxy_tunnel.h"
#include "core/transport.h"

namespace tidb_backups {

namespace {

using Clock = std::chrono::steady_clock;

// Far above any real page (30 backups are a few KB), far below what would hurt.
constexpr std::size_t kMebibyte = std::size_t{1} << 20;
constexpr std::size_t kMaxBodyBytes = 16 * kMebibyte;

// Whether `host` resolves at all: tells "no such host" apart from "nothing listens there",
// which cpp-httplib reports alike.
bool resolves(const std::string& host) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (found != nullptr) {
        freeaddrinfo(found);
    }
    return rc == 0 || rc == EAI_AGAIN;
}

// Swaps a fresh, not yet connected socket for a descriptor of /dev/null: cpp-httplib's
// connect() then fails at once (ENOTSOCK) and it closes the stand-in. The one way to refuse a
// connection from inside its socket hook (shutdown() does nothing to an unconnected socket).
// dup3 onto a descriptor that exists needs no new slot, so it cannot run out of them.
void make_unconnectable(int socket, int stand_in) {
    ::dup3(stand_in, socket, O_CLOEXEC);
}

class HttpTransport final : public Transport {
  public:
    explicit HttpTransport(const TransportOptions& options)
        : options_(options), client_(options.endpoint.origin()) {
        auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.timeout);
        auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(options.timeout - seconds);
        client_.set_connection_timeout(seconds.count(), micros.count());
        client_.set_read_timeout(seconds.count(), micros.count());
        client_.set_write_timeout(seconds.count(), micros.count());
        client_.set_keep_alive(true);
        client_.set_tcp_nodelay(true);  // headers and body go in two writes: no Nagle delay
        stand_in_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (stand_in_ < 0) {  // no /dev in a sandbox: a Unix socket cannot connect to IP either
            stand_in_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        }
        client_.set_socket_options([this](socket_t socket) { on_new_socket(socket); });
        client_.set_follow_location(false);
        client_.set_default_headers(
            {{"User-Agent", options.user_agent}, {"Accept", "application/json"}});
        if (options.proxy) {
            client_.set_proxy(options.proxy->host, options.proxy->port);
            if (!options.proxy->user.empty()) {
                client_.set_proxy_basic_auth(options.proxy->user, options.proxy->password);
            }
        }
        if (options.endpoint.is_https()) {
            if (options.insecure) {
                client_.enable_server_certificate_verification(false);
            } else if (!options.ca_bundle.empty()) {
                client_.set_ca_cert_path(options.ca_bundle);
            }
        }
    }

    Expected<HttpResponse> post_form(const std::string& form_body) override {
        if (aborted_) {
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
        tunnel_failure_.reset();
        tunnel_granted_ = false;
        if (options_.proxy && options_.endpoint.is_https() && stand_in_ < 0) {
            // Without a stand-in a refused tunnel could not be kept from httplib, which hangs
            // on it (see on_new_socket); only running out of descriptors gets here.
            return make_network_error(
                "no file descriptor left to guard the proxy connection with",
                "raise the open-files limit (ulimit -n) or lower --concurrency", true);
        }
        auto started = Clock::now();
        httplib::Request request;
        request.method = "POST";
        request.path = options_.endpoint.path;
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        request.body = form_body;
        // The body is read through a receiver so that a runaway response (a misconfigured
        // endpoint streaming a file) is cut at a bound instead of filling memory.
        std::string body;
        bool too_large = false;
        request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                       std::uint64_t) {
            if (body.size() + length > kMaxBodyBytes) {
                too_large = true;
                return false;
            }
            body.append(data, length);
            return true;
        };
        httplib::Result result = send_within_deadline(request);
        if (too_large) {
            return make_error(ErrorKind::Response,
                              fmt::format("the response from {} is larger than {} MiB",
                                          options_.endpoint.origin(), kMaxBodyBytes / kMebibyte),
                              "a page of 30 backups is a few kilobytes; check --endpoint");
        }
        if (!result) {
            if (aborted_) {
                return make_error(ErrorKind::Interrupted, "interrupted");
            }
            if (tunnel_failure_ && tunnel_failure_->kind != ErrorKind::Interrupted) {
                return *tunnel_failure_;
            }
            if (overran_) {
                return make_network_error(
                    fmt::format("no complete response from {} within {:g}s",
                                options_.endpoint.origin(),
                                std::chrono::duration<double>(options_.timeout).count()),
                    "the server or a proxy is slow or hanging; raise --timeout or try later", true);
            }
            return describe_failure(result.error(), Clock::now() - started);
        }
        HttpResponse response;
        response.status = result->status;
        response.body = std::move(body);
        response.retry_after = result->get_header_value("Retry-After");
        return response;
    }

    void abort() override {
        aborted_ = true;
        tunnel_probe_.cut();
        client_.stop();
    }

    ~HttpTransport() override {
        {
            std::lock_guard lock(watch_mutex_);
            watch_stop_ = true;
        }
        watch_wake_.notify_all();
        if (watchdog_.joinable()) {
            watchdog_.join();
        }
        if (stand_in_ >= 0) {
            ::close(stand_in_);
        }
    }

  private:
    // Runs on the sending thread, for every socket cpp-httplib opens, before it connects.
    void on_new_socket(int socket) {
        // abort() can land between a request's start and its socket's creation, where stop()
        // has nothing to cut.
        if (aborted_ || tunnel_failure_) {
            make_unconnectable(socket, stand_in_);
            return;
        }
        // cpp-httplib 0.11 deadlocks on a proxy that refuses CONNECT (see proxy_tunnel.h), so
        // the tunnel it is about to ask for is asked for first on a socket of our own, once an
        // attempt. A proxy that says yes to us and no to httplib a moment later would still
        // hang it; that window is the time of one round trip.
        if (options_.proxy && options_.endpoint.is_https() && !tunnel_granted_) {
            Status tunnel =
                tunnel_probe_.run(*options_.proxy, options_.endpoint.host, options_.endpoint.port,
                                  options_.timeout, attempt_deadline_);
            if (!tunnel) {
                tunnel_failure_ = tunnel.error();
                make_unconnectable(socket, stand_in_);
                return;
            }
            tunnel_granted_ = true;
        }
    }

    // cpp-httplib's timeouts bound each read, not the attempt: a peer that trickles bytes, or
    // a proxy that answers CONNECT and then waits, could hold a request for ever. A watchdog
    // cuts any attempt that outlives twice --timeout (connect, then read).
    httplib::Result send_within_deadline(const httplib::Request& request) {
        {
            std::lock_guard lock(watch_mutex_);
            deadline_ = Clock::now() + 2 * options_.timeout;
            // The socket hook reads this copy: taking watch_mutex_ there, inside httplib's
            // socket mutex, would deadlock with watch(), which takes them the other way round.
            attempt_deadline_ = deadline_;
            in_flight_ = true;
            overran_ = false;
            if (!watchdog_.joinable()) {
                watchdog_ = std::thread([this] { watch(); });
            }
        }
        watch_wake_.notify_all();
        httplib::Result result = client_.send(request);
        {
            std::lock_guard lock(watch_mutex_);
            in_flight_ = false;
        }
        return result;
    }

    void watch() {
        std::unique_lock lock(watch_mutex_);
        while (!watch_stop_) {
            if (!in_flight_) {
                watch_wake_.wait(lock);
                continue;
            }
            if (watch_wake_.wait_until(lock, deadline_) == std::cv_status::timeout && in_flight_ &&
                Clock::now() >= deadline_) {
                overran_ = true;
                in_flight_ = false;
                client_.stop();
            }
        }
    }

    Error describe_failure(httplib::Error error, Clock::duration elapsed) {
        const std::string where = options_.endpoint.origin();
        const double limit = std::chrono::duration<double>(options_.timeout).count();
        // cpp-httplib reports a read that timed out as a plain read error; the clock tells them
        // apart.
        bool timed_out = elapsed >= options_.timeout - options_.timeout / 10;
        Error failure = make_error(ErrorKind::Network, "");
        failure.retryable = true;
        switch (error) {
            case httplib::Error::Connection:
                if (!resolves(options_.endpoint.host)) {
                    failure.message =
                        fmt::format("could not resolve host '{}'", options_.endpoint.host);
                    failure.hint = "check the host name in --endpoint, and DNS";
                    break;
                }
                failure.message =
                    timed_out ? fmt::format("could not connect to {} within {:g}s", where, limit)
                              : fmt::format("could not connect to {}", where);
                failure.hint = "check --endpoint and that the host is reachable";
                break;
            case httplib::Error::ConnectionTimeout:
                failure.message = fmt::format("could not connect to {} within {:g}s", where, limit);
                break;
            case httplib::Error::Read:
                failure.message =
                    timed_out
                        ? fmt::format("no response from {} within {:g}s", where, limit)
                        : fmt::format("connection to {} closed before a full response", where);
                if (timed_out) {
                    failure.hint = "the server is slow or hanging; raise --timeout or try later";
                }
                break;
            case httplib::Error::Write:
                failure.message =
                    fmt::format("connection to {} failed while sending the request", where);
                break;
            case httplib::Error::SSLConnection:
                failure.message = fmt::format("TLS handshake with {} failed", where);
                break;
            case httplib::Error::SSLServerVerification: {
                long verify = client_.get_openssl_verify_result();
                failure.retryable = false;
                // cpp-httplib checks the host name itself, after OpenSSL found the chain fine.
                failure.message =
                    verify == X509_V_OK
                        ? fmt::format(
                              "TLS certificate of {} could not be verified: it is not for host "
                              "'{}'",
                              where, options_.endpoint.host)
                        : fmt::format("TLS certificate of {} could not be verified: {}", where,
                                      X509_verify_cert_error_string(verify));
                failure.hint =
                    "pass the issuing CA with --ca-bundle FILE (or --insecure to skip "
                    "verification)";
                break;
            }
            case httplib::Error::SSLLoadingCerts:
                failure.retryable = false;
                failure.message = options_.ca_bundle.empty()
                                      ? "could not load the system's CA certificates"
                                      : fmt::format("could not load CA certificates from '{}'",
                                                    options_.ca_bundle);
                failure.hint = "--ca-bundle expects a PEM file of certificates";
                break;
            default:
                failure.message =
                    fmt::format("request to {} failed: {}", where, httplib::to_string(error));
                break;
        }
        return failure;
    }

    TransportOptions options_;
    httplib::Client client_;
    std::atomic<bool> aborted_{false};
    TunnelProbe tunnel_probe_;
    // This attempt's probe verdict; set and read on the sending thread only.
    std::optional<Error> tunnel_failure_;
    bool tunnel_granted_ = false;
    Clock::time_point attempt_deadline_{};
    int stand_in_ = -1;

    std::mutex watch_mutex_;
    std::condition_variable watch_wake_;
    std::thread watchdog_;
    Clock::time_point deadline_{};
    bool in_flight_ = false;
    bool watch_stop_ = false;
    std::atomic<bool> overran_{false};
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const TransportOptions& options) {
    return std::make_unique<HttpTransport>(options);
}

}  // namespace tidb_backups
