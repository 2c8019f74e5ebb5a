// SPDX-License-Identifier: Apache-2.0
#include "core/proxy_tunnel.h"

#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "core/http_wire.h"

namespace tidb_backups {

namespace {

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

void wipe(std::string& text) {
    explicit_bzero(text.data(), text.size());
}

}  // namespace

std::string proxy_basic_credentials(const Proxy& proxy) {
    std::string pair = proxy.user + ":" + proxy.password;
    std::string value = "Basic " + base64(pair);
    wipe(pair);
    return value;
}

Error proxy_refusal(const Proxy& proxy, int status, std::string_view reason,
                    std::string_view target) {
    std::string said =
        reason.empty() ? fmt::format("{}", status) : fmt::format("{} {}", status, reason);
    std::string message =
        fmt::format("the proxy {} refused to connect to {}: {}", proxy.shown(), target, said);
    if (status == 407 || status == 401) {
        return make_network_error(
            std::move(message),
            proxy.user.empty() ? "the proxy wants credentials: http://USER:PASSWORD@HOST:PORT"
                               : "check the user and password in the proxy URL",
            false);
    }
    if (status == 403) {
        return make_network_error(std::move(message),
                                  "the proxy does not allow this destination; ask its operator, or "
                                  "exempt the host with NO_PROXY",
                                  false);
    }
    return make_network_error(std::move(message),
                              "the proxy could not reach the endpoint; try later", status >= 500);
}

Status open_tunnel(net::Stream& stream, const Proxy& proxy, const std::string& target,
                   const net::Wakeup& wakeup, net::Clock::time_point deadline,
                   std::chrono::milliseconds timeout) {
    const std::string seconds =
        fmt::format("{:g}s", std::chrono::duration<double>(timeout).count());
    auto stopped = [&](net::Io status) -> Error {
        if (status == net::Io::Cut) {
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
        if (status == net::Io::TimedOut) {
            return make_network_error(
                fmt::format("no answer from the proxy {} within {}", proxy.shown(), seconds),
                "the proxy is slow or hanging; raise --timeout or try later", true);
        }
        return make_network_error(
            fmt::format("the proxy {} closed the connection without an answer", proxy.shown()),
            "check --proxy or HTTPS_PROXY", true);
    };

    std::string request = fmt::format("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", target);
    // It carries the proxy's password: wiped however this returns.
    std::unique_ptr<std::string, void (*)(std::string*)> wipe_request(
        &request, [](std::string* text) { wipe(*text); });
    if (!proxy.user.empty()) {
        std::string credentials = proxy_basic_credentials(proxy);
        request += "Proxy-Authorization: " + credentials + "\r\n";
        wipe(credentials);
    }
    request += "\r\n";
    net::IoResult sent = stream.write_all(request, wakeup, deadline);
    if (sent.status != net::Io::Ok) {
        return stopped(sent.status);
    }

    std::string head;
    std::size_t searched = 0;
    std::optional<std::size_t> end;
    char buffer[4096];
    while (!(end = http::find_head_end(head, searched))) {
        if (head.size() > http::kMaxHeadBytes) {
            return make_network_error(
                fmt::format("the proxy {} answered CONNECT with more than {} KiB of headers",
                            proxy.shown(), http::kMaxHeadBytes / 1024),
                "--proxy and HTTPS_PROXY expect an HTTP proxy (http://HOST:PORT)", false);
        }
        searched = head.size();
        net::IoResult got = stream.read_some(buffer, sizeof buffer, wakeup, deadline);
        if (got.status != net::Io::Ok) {
            return stopped(got.status);
        }
        head.append(buffer, got.bytes);
    }
    auto answer = http::parse_response_head(std::string_view(head).substr(0, *end));
    if (!answer || *end > http::kMaxHeadBytes) {
        return make_network_error(
            fmt::format("the proxy {} did not answer CONNECT with HTTP", proxy.shown()),
            "--proxy and HTTPS_PROXY expect an HTTP proxy (http://HOST:PORT)", true);
    }
    if (answer->status < 200 || answer->status > 299) {
        return proxy_refusal(proxy, answer->status, answer->reason, target);
    }
    if (*end < head.size()) {
        // The tunnel is the endpoint's from here: bytes before our TLS hello are not its.
        return make_network_error(
            fmt::format("the proxy {} sent data into the tunnel before it was used", proxy.shown()),
            "check --proxy or HTTPS_PROXY", true);
    }
    return ok();
}

}  // namespace tidb_backups
