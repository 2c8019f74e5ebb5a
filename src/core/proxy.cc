// SPDX-License-Identifier: Apache-2.0
#include "core/proxy.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/form.h"
#include "core/host_port.h"

namespace tidb_backups {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

Error bad_proxy(std::string_view source, std::string_view why) {
    return make_error(ErrorKind::Usage, fmt::format("invalid proxy in {}: {}", source, why),
                      "expected a URL like http://proxy.example.com:3128 (credentials as "
                      "http://user:password@host:port)");
}

}  // namespace

std::string Proxy::shown() const {
    return fmt::format("http://{}:{}", url_host(host), port);
}

Expected<Proxy> parse_proxy_url(std::string_view url, std::string_view source) {
    url = trim(url);
    std::string_view rest = url;
    if (auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
        std::string scheme = ascii_lowercase(url.substr(0, scheme_end));
        if (scheme != "http") {
            return bad_proxy(source,
                             fmt::format("the '{}' scheme is not supported, only http://", scheme));
        }
        rest = url.substr(scheme_end + 3);
    }
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (rest.substr(slash) != "/") {
            return bad_proxy(source, "a path is not allowed");
        }
        rest = rest.substr(0, slash);
    }
    Proxy proxy;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        std::size_t colon = credentials.find(':');
        // RFC 3986 percent-decoding, as curl does: '+' is a plus sign, "%2B" too, "%20" a space.
        auto user = percent_decode(credentials.substr(0, colon));
        auto password = percent_decode(
            colon == std::string_view::npos ? std::string_view{} : credentials.substr(colon + 1));
        if (!user || !password) {
            return bad_proxy(source, "the credentials are not valid percent-encoding");
        }
        proxy.user = std::move(*user);
        proxy.password = std::move(*password);
    }
    Expected<HostPort> split = split_host_port(rest);
    if (!split) {
        return bad_proxy(source, split.error().message);
    }
    proxy.host = std::move(split->host);
    if (proxy.host.empty()) {
        return bad_proxy(source, "the host is empty");
    }
    proxy.port = 80;
    if (!split->port_text.empty()) {
        std::optional<int> port = parse_port(split->port_text);
        if (!port) {
            return bad_proxy(source, "the port is not a number from 1 to 65535");
        }
        proxy.port = *port;
    }
    return proxy;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, int port) {
    const std::string wanted = ascii_lowercase(host);
    std::size_t start = 0;
    while (start <= no_proxy.size()) {
        std::size_t end = no_proxy.find_first_of(", ", start);
        std::string entry = ascii_lowercase(
            trim(no_proxy.substr(start, end == std::string_view::npos ? end : end - start)));
        start = end == std::string_view::npos ? no_proxy.size() + 1 : end + 1;
        if (entry.empty()) {
            continue;
        }
        if (entry == "*") {
            return true;
        }
        // "host:port" exempts only that port (IPv6 literals come in brackets).
        if (auto colon = entry.rfind(':'); colon != std::string::npos &&
                                           entry.find(']') == std::string::npos &&
                                           entry.find(':') == colon) {
            if (entry.substr(colon + 1) != std::to_string(port)) {
                continue;
            }
            entry.resize(colon);
        }
        if (entry.size() > 1 && entry.front() == '[' && entry.back() == ']') {
            entry = entry.substr(1, entry.size() - 2);
        }
        if (entry.front() == '.') {
            entry.erase(0, 1);
        }
        if (wanted == entry || (wanted.size() > entry.size() && wanted.ends_with(entry) &&
                                wanted[wanted.size() - entry.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

Expected<std::optional<Proxy>> choose_proxy(std::string_view scheme, std::string_view host,
                                            int port, const std::optional<std::string>& flag,
                                            const ProxyEnvironment& environment) {
    std::string url;
    std::string source;
    if (flag && !flag->empty()) {
        url = *flag;
        source = "--proxy";
    } else {
        if (no_proxy_matches(environment.no_proxy, host, port)) {
            return std::optional<Proxy>{};
        }
        url = scheme == "https" ? environment.https_proxy : environment.http_proxy;
        source = scheme == "https" ? "HTTPS_PROXY" : "HTTP_PROXY";
    }
    if (url.empty()) {
        return std::optional<Proxy>{};
    }
    Expected<Proxy> proxy = parse_proxy_url(url, source);
    if (!proxy) {
        return proxy.error();
    }
    return std::optional<Proxy>(std::move(*proxy));
}

}  // namespace tidb_backups
