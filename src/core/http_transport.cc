// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 client over net:: sockets and tls:: sessions: one kept-alive connection, one
// deadline for the whole of an attempt (name lookup, connect, proxy tunnel, TLS handshake,
// request, headers and body), every wait cut at once by abort(), and every byte that comes
// back bounded (the head by http::kMaxHeadBytes, the body by kMaxBodyBytes).
#include <netdb.h>

#include <cstring>

#include <fmt/format.h>
#include <openssl/x509_vfy.h>

#include "core/http_wire.h"
#include "core/net.h"
#include "core/proxy_tunnel.h"
#include "core/tls.h"
#include "core/transport.h"

namespace tidb_backups {

namespace {

using net::Clock;
using net::Io;

// Far above any real page (30 backups are a few KB), far below what would hurt.
constexpr std::size_t kMebibyte = std::size_t{1} << 20;
constexpr std::size_t kMaxBodyBytes = 16 * kMebibyte;
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// How one exchange on a connection ended.
struct Exchange {
    std::optional<HttpResponse> response;
    std::optional<Error> error;
    bool keep_alive = false;
    // Nothing of a response arrived before the connection ended: on a kept-alive connection,
    // the server had closed it while idle, and a fresh connection may carry the request.
    bool nothing_received = false;
};

class HttpTransport final : public Transport {
  public:
    explicit HttpTransport(const TransportOptions& options)
        : options_(options),
          tls_(options.tls ? options.tls
                           : std::make_shared<net::TlsClientContext>(
                                 net::TlsOptions{options.ca_bundle, options.insecure})) {
        const Endpoint& endpoint = options_.endpoint;
        bool default_port = endpoint.port == (endpoint.is_https() ? 443 : 80);
        authority_ = default_port ? bracketed(endpoint.host)
                                  : fmt::format("{}:{}", bracketed(endpoint.host), endpoint.port);
        // A plain-HTTP request through a proxy names the whole URL (RFC 9112 absolute-form).
        target_ = options_.proxy && !endpoint.is_https()
                      ? fmt::format("http://{}{}", authority_, endpoint.path)
                      : endpoint.path;
        seconds_ = fmt::format("{:g}s", std::chrono::duration<double>(options_.timeout).count());
    }

    Expected<HttpResponse> post_form(const std::string& form_body) override {
        if (wakeup_.is_cut()) {
            return interrupted();
        }
        const Clock::time_point deadline = Clock::now() + options_.timeout;
        const std::string request = build_request(form_body);
        for (bool fresh_retry = false;; fresh_retry = true) {
            bool reused = connection_ && connection_->reusable();
            if (!reused) {
                connection_.reset();
                Expected<std::unique_ptr<net::Stream>> opened = open_connection(deadline);
                if (!opened) {
                    return opened.error();
                }
                connection_ = std::move(*opened);
            }
            Exchange exchange = exchange_on(*connection_, request, deadline);
            if (!exchange.keep_alive) {
                connection_.reset();
            }
            if (exchange.response) {
                return std::move(*exchange.response);
            }
            if (reused && exchange.nothing_received && !fresh_retry) {
                continue;  // an idle connection the server had closed: not a failed attempt
            }
            return std::move(*exchange.error);
        }
    }

    void abort() override { wakeup_.cut(); }

  private:
    std::string build_request(const std::string& form_body) const {
        std::vector<http::Header> headers = {
            {"Host", authority_},
            {"User-Agent", options_.user_agent},
            {"Accept", "application/json"},
            {"Content-Type", "application/x-www-form-urlencoded"},
            {"Content-Length", std::to_string(form_body.size())},
        };
        if (options_.proxy && !options_.endpoint.is_https() && !options_.proxy->user.empty()) {
            headers.push_back({"Proxy-Authorization", proxy_basic_credentials(*options_.proxy)});
        }
        std::string request = http::format_request("POST", target_, headers, form_body);
        for (auto& header : headers) {
            explicit_bzero(header.value.data(), header.value.size());
        }
        return request;
    }

    static Error interrupted() { return make_error(ErrorKind::Interrupted, "interrupted"); }

    std::string origin() const { return options_.endpoint.origin(); }

    Expected<std::unique_ptr<net::Stream>> open_connection(Clock::time_point deadline) {
        const Endpoint& endpoint = options_.endpoint;
        const bool via_proxy = options_.proxy.has_value();
        const std::string& host = via_proxy ? options_.proxy->host : endpoint.host;
        const int port = via_proxy ? options_.proxy->port : endpoint.port;

        net::Resolution resolution = net::resolve(host, port, wakeup_, deadline);
        if (resolution.status != Io::Ok) {
            return resolve_failure(resolution, host, via_proxy);
        }
        net::Connected connected = net::connect_any(resolution.addresses, wakeup_, deadline);
        if (connected.status != Io::Ok) {
            return connect_failure(connected);
        }
        if (!endpoint.is_https()) {
            return std::unique_ptr<net::Stream>(
                std::make_unique<net::PlainStream>(std::move(connected.socket)));
        }
        if (via_proxy) {
            // The tunnel is asked for on the plain socket, which TLS then takes over.
            net::PlainStream plain(std::move(connected.socket));
            Status tunnel =
                open_tunnel(plain, *options_.proxy,
                            fmt::format("{}:{}", bracketed(endpoint.host), endpoint.port), wakeup_,
                            deadline, options_.timeout);
            if (!tunnel) {
                return tunnel.error();
            }
            connected.socket = plain.release_socket();
        }
        Expected<SSL_CTX*> context = tls_->get();
        if (!context) {
            return context.error();
        }
        net::TlsHandshake handshake =
            net::start_tls(*context, std::move(connected.socket), endpoint.host, wakeup_, deadline);
        if (handshake.status != Io::Ok) {
            return handshake_failure(handshake);
        }
        return std::move(handshake.stream);
    }

    Error resolve_failure(const net::Resolution& resolution, const std::string& host,
                          bool proxy) const {
        if (resolution.status == Io::Cut) {
            return interrupted();
        }
        std::string name =
            proxy ? fmt::format("the proxy host '{}'", host) : fmt::format("host '{}'", host);
        std::string hint = proxy ? "check the host in --proxy or HTTPS_PROXY"
                                 : "check the host name in --endpoint, and DNS";
        if (resolution.status == Io::TimedOut) {
            return make_network_error(fmt::format("could not resolve {} within {}", name, seconds_),
                                      std::move(hint), true);
        }
        std::string why = resolution.gai_error == EAI_NONAME || resolution.gai_error == EAI_NODATA
                              ? std::string()
                              : fmt::format(" ({})", gai_strerror(resolution.gai_error));
        return make_network_error(fmt::format("could not resolve {}{}", name, why), std::move(hint),
                                  true);
    }

    Error connect_failure(const net::Connected& connected) const {
        if (connected.status == Io::Cut) {
            return interrupted();
        }
        if (options_.proxy) {
            std::string shown = options_.proxy->shown();
            return make_network_error(
                connected.status == Io::TimedOut
                    ? fmt::format("could not connect to the proxy {} within {}", shown, seconds_)
                    : fmt::format("could not connect to the proxy {}: {}", shown,
                                  std::strerror(connected.error)),
                "check --proxy or HTTPS_PROXY, and that the proxy is running", true);
        }
        return make_network_error(
            connected.status == Io::TimedOut
                ? fmt::format("could not connect to {} within {}", origin(), seconds_)
                : fmt::format("could not connect to {}: {}", origin(),
                              std::strerror(connected.error)),
            "check --endpoint and that the host is reachable", true);
    }

    Error handshake_failure(const net::TlsHandshake& handshake) const {
        switch (handshake.status) {
            case Io::Cut:
                return interrupted();
            case Io::TimedOut:
                return make_network_error(
                    fmt::format("TLS handshake with {} did not finish within {}", origin(),
                                seconds_),
                    "the server or a proxy is slow or hanging; raise --timeout or try later", true);
            case Io::Closed:
                return make_network_error(
                    fmt::format("TLS handshake with {} failed: the server closed the connection",
                                origin()),
                    "", true);
            default:
                break;
        }
        if (handshake.certificate_refused) {
            bool wrong_host = handshake.verify_result == X509_V_ERR_HOSTNAME_MISMATCH ||
                              handshake.verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH;
            return make_network_error(
                wrong_host ? fmt::format("TLS certificate of {} could not be verified: it is not "
                                         "for host '{}'",
                                         origin(), options_.endpoint.host)
                           : fmt::format("TLS certificate of {} could not be verified: {}",
                                         origin(), handshake.detail),
                "pass the issuing CA with --ca-bundle FILE (or --insecure to skip verification)",
                false);
        }
        return make_network_error(
            handshake.detail.empty()
                ? fmt::format("TLS handshake with {} failed", origin())
                : fmt::format("TLS handshake with {} failed: {}", origin(), handshake.detail),
            "", true);
    }

    // Why the connection stopped carrying the response.
    Error stopped(const net::IoResult& result, const char* while_doing) const {
        switch (result.status) {
            case Io::Cut:
                return interrupted();
            case Io::TimedOut:
                return make_network_error(
                    fmt::format("{} from {} within {}", while_doing, origin(), seconds_),
                    "the server or a proxy is slow or hanging; raise --timeout or try later", true);
            default:
                break;
        }
        std::string why;
        if (result.status == Io::Failed) {
            why = result.error == ECONNRESET ? " (reset by the peer)"
                  : !result.detail.empty()   ? fmt::format(" ({})", result.detail)
                                             : fmt::format(" ({})", std::strerror(result.error));
        }
        return make_network_error(
            fmt::format("connection to {} closed before a full response{}", origin(), why), "",
            true);
    }

    Error not_http(const Error& wire) const {
        return make_network_error(
            fmt::format("the response from {} is not valid HTTP: {}", origin(), wire.message),
            "check --endpoint: it should be the API's base URL", false);
    }

    Exchange exchange_on(net::Stream& stream, const std::string& request,
                         Clock::time_point deadline) {
        Exchange exchange;
        net::IoResult sent = stream.write_all(request, wakeup_, deadline);
        if (sent.status != Io::Ok) {
            exchange.nothing_received = sent.status == Io::Failed || sent.status == Io::Closed;
            exchange.error =
                sent.status == Io::TimedOut
                    ? make_network_error(fmt::format("could not send the request to {} within {}",
                                                     origin(), seconds_),
                                         "the server or a proxy is slow or hanging", true)
                    : stopped(sent, "");
            return exchange;
        }

        std::string buffer;
        char chunk[kReadChunk];
        std::size_t head_bytes = 0;  // informational heads count against the bound too
        http::ResponseHead head;
        std::size_t head_end = 0;
        while (true) {
            std::size_t searched = 0;
            std::optional<std::size_t> end;
            while (!(end = http::find_head_end(buffer, searched))) {
                if (head_bytes + buffer.size() > http::kMaxHeadBytes) {
                    exchange.error = head_too_large();
                    return exchange;
                }
                searched = buffer.size();
                net::IoResult got = stream.read_some(chunk, sizeof chunk, wakeup_, deadline);
                if (got.status != Io::Ok) {
                    exchange.nothing_received = buffer.empty() && head_bytes == 0 &&
                                                got.status != Io::TimedOut && got.status != Io::Cut;
                    exchange.error = stopped(got, "no response");
                    return exchange;
                }
                buffer.append(chunk, got.bytes);
            }
            head_bytes += *end;
            if (head_bytes > http::kMaxHeadBytes) {
                exchange.error = head_too_large();
                return exchange;
            }
            auto parsed = http::parse_response_head(std::string_view(buffer).substr(0, *end));
            if (!parsed) {
                exchange.error = not_http(parsed.error());
                return exchange;
            }
            if (parsed->status >= 200) {
                head = std::move(*parsed);
                head_end = *end;
                break;
            }
            buffer.erase(0, *end);  // 100 Continue and the like: the real answer follows
        }

        auto framing = http::response_framing(head);
        if (!framing) {
            exchange.error = not_http(framing.error());
            return exchange;
        }
        http::BodyReader reader(*framing, kMaxBodyBytes);
        HttpResponse response;
        response.status = head.status;
        if (const std::string* retry_after = head.headers.find("Retry-After")) {
            response.retry_after = *retry_after;
        }
        std::string_view pending = std::string_view(buffer).substr(head_end);
        bool extra = false;
        while (true) {
            auto used = reader.feed(pending, response.body);
            if (!used) {
                exchange.error = body_failure(used.error());
                return exchange;
            }
            if (reader.done()) {
                extra = *used < pending.size();
                break;
            }
            net::IoResult got = stream.read_some(chunk, sizeof chunk, wakeup_, deadline);
            if (got.status == Io::Closed) {
                // Over TLS, a close without close_notify may be a cut, not the body's end.
                Status ended = got.detail.empty() ? reader.end_of_input()
                                                  : make_error(ErrorKind::Network, got.detail);
                if (!ended) {
                    exchange.error = stopped(got, "");
                    return exchange;
                }
                break;
            }
            if (got.status != Io::Ok) {
                exchange.error = stopped(got, "no response body");
                return exchange;
            }
            pending = std::string_view(chunk, got.bytes);
        }
        exchange.keep_alive = !extra && framing->kind != http::Framing::Kind::UntilClose &&
                              http::keeps_alive(head.minor_version, head.headers);
        exchange.response = std::move(response);
        return exchange;
    }

    Error head_too_large() const {
        return make_network_error(fmt::format("the response headers from {} are longer than {} KiB",
                                              origin(), http::kMaxHeadBytes / 1024),
                                  "check --endpoint: it should be the API's base URL", false);
    }

    Error body_failure(const Error& error) const {
        if (error.kind == ErrorKind::Response) {
            return make_error(ErrorKind::Response,
                              fmt::format("the response from {} is larger than {} MiB", origin(),
                                          kMaxBodyBytes / kMebibyte),
                              "a page of 30 backups is a few kilobytes; check --endpoint");
        }
        return not_http(error);
    }

    TransportOptions options_;
    std::shared_ptr<net::TlsClientContext> tls_;
    net::Wakeup wakeup_;
    std::unique_ptr<net::Stream> connection_;
    std::string authority_;  // Host: host[:port]
    std::string target_;     // the request target: the path, or the whole URL for a proxy
    std::string seconds_;    // --timeout as shown in messages
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const TransportOptions& options) {
    return std::make_unique<HttpTransport>(options);
}

}  // namespace tidb_backups
