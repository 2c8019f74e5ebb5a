// SPDX-License-Identifier: Apache-2.0
#include "core/host_port.h"

#include <charconv>

namespace tidb_backups {

Expected<HostPort> split_host_port(std::string_view authority) {
    HostPort split;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return make_error(ErrorKind::Usage, "unclosed '[' in the host");
        }
        split.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return make_error(ErrorKind::Usage, "unexpected text after the host");
            }
            split.port_text = after.substr(1);
        }
        return split;
    }
    std::size_t colon = authority.rfind(':');
    split.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
        split.port_text = authority.substr(colon + 1);
    }
    return split;
}

std::optional<int> parse_port(std::string_view text) {
    int port = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || port < 1 ||
        port > 65535) {
        return std::nullopt;
    }
    return port;
}

std::string url_host(std::string_view host) {
    if (host.find(':') == std::string_view::npos) {
        return std::string(host);
    }
    // Appended rather than "[" + host + "]": GCC 12 at -O3 takes that concatenation for a copy
    // of more than PTRDIFF_MAX bytes (-Wstringop-overflow, a false positive).
    std::string bracketed;
    bracketed.reserve(host.size() + 2);
    bracketed.append("[").append(host).append("]");
    return bracketed;
}

}  // namespace tidb_backups
