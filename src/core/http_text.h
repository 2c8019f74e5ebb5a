// SPDX-License-Identifier: Apache-2.0
// Small pieces of HTTP/1.1 text handling that the head and body parsers of http_wire.h share.
// Internal to the core.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups::http {

// A peer that breaks the protocol (exit 4, like any network failure).
inline Error wire_error(std::string message) {
    return make_error(ErrorKind::Network, std::move(message));
}

// A short, printable piece of what the peer sent, for an error message.
inline std::string excerpt(std::string_view text) {
    constexpr std::size_t kExcerptLength = 40;
    std::string out;
    for (char c : text.substr(0, kExcerptLength)) {
        auto byte = static_cast<unsigned char>(c);
        out.push_back(byte < 0x20 || byte >= 0x7f ? '.' : c);
    }
    if (text.size() > kExcerptLength) {
        out += "...";
    }
    return out;
}

// `text` without the spaces and tabs around it (HTTP's optional white space).
inline std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace tidb_backups::http
