// SPDX-License-Identifier: Apache-2.0
#include "core/endpoint.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/host_port.h"

namespace tidb_backups {

namespace {

Error bad_url(std::string_view url, std::string_view why) {
    return make_error(ErrorKind::Usage,
                      fmt::format("invalid endpoint '{}': {}", redact_url_credentials(url), why),
                      "expected a URL like https://api.sigcalcloud.com or http://127.0.0.1:8080");
}

}  // namespace

std::string Endpoint::origin() const {
    bool default_port = (is_https() && port == 443) || (!is_https() && port == 80);
    if (default_port) {
        return fmt::format("{}://{}", scheme, url_host(host));
    }
    return fmt::format("{}://{}:{}", scheme, url_host(host), port);
}

std::string Endpoint::url() const {
    return origin() + path;
}

std::string redact_url_credentials(std::string_view url) {
    std::size_t at = url.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(url);
    }
    std::size_t scheme_end = url.find("://");
    std::size_t start =
        scheme_end != std::string_view::npos && scheme_end < at ? scheme_end + 3 : 0;
    return fmt::format("{}***{}", url.substr(0, start), url.substr(at));
}

Expected<Endpoint> parse_endpoint(std::string_view url) {
    // First: a password may hold any character, so no later check may quote a part of the URL
    // (a port, a scheme) that could be a piece of it. An '@' in a path is refused with it.
    if (url.find('@') != std::string_view::npos) {
        return bad_url(url, "a user or password in the URL is not allowed");
    }
    Endpoint endpoint;
    std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return bad_url(url, "it has no http:// or https:// scheme");
    }
    endpoint.scheme = ascii_lowercase(url.substr(0, scheme_end));
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
        return bad_url(url, fmt::format("unsupported scheme '{}'", endpoint.scheme));
    }
    std::string_view rest = url.substr(scheme_end + 3);
    std::size_t path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path =
        path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (!path.empty() && path.front() != '/') {
        return bad_url(url, "a query or fragment is not allowed");
    }
    if (path.find_first_of("?#") != std::string_view::npos) {
        return bad_url(url, "a query or fragment is not allowed");
    }
    Expected<HostPort> split = split_host_port(authority);
    if (!split) {
        return bad_url(url, split.error().message);
    }
    endpoint.host = ascii_lowercase(split->host);
    if (endpoint.host.empty()) {
        return bad_url(url, "the host is empty");
    }
    endpoint.port = endpoint.is_https() ? 443 : 80;
    if (!split->port_text.empty()) {
        std::optional<int> port = parse_port(split->port_text);
        if (!port) {
            return bad_url(url,
                           fmt::format("'{}' is not a port number (1-65535)", split->port_text));
        }
        endpoint.port = *port;
    }
    endpoint.path = path.empty() ? "/" : std::string(path);
    return endpoint;
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost" || host == "localhost.") {
        return true;
    }
    std::string text(host);
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        return IN6_IS_ADDR_LOOPBACK(&v6);
    }
    return false;
}

}  // namespace tidb_backups
