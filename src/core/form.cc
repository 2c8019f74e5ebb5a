// SPDX-License-Identifier: Apache-2.0
#include "core/form.h"

namespace tidb_backups {

namespace {

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// plus_is_space: a form body's '+' is a space; in the rest of a URL it is itself.
std::optional<std::string> decode_escapes(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (is_unreserved(byte)) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0f]);
        }
    }
    return out;
}

std::string form_encode(const Params& params) {
    std::string body;
    for (const auto& [name, value] : params) {
        if (!body.empty()) {
            body.push_back('&');
        }
        body += percent_encode(name);
        body.push_back('=');
        body += percent_encode(value);
    }
    return body;
}

std::optional<Params> form_decode(std::string_view body) {
    Params params;
    while (!body.empty()) {
        std::size_t amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        std::size_t eq = pair.find('=');
        auto name = decode_escapes(pair.substr(0, eq), true);
        auto value = decode_escapes(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!name || !value) {
            return std::nullopt;
        }
        params.emplace_back(std::move(*name), std::move(*value));
    }
    return params;
}

std::optional<std::string> percent_decode(std::string_view text) {
    return decode_escapes(text, false);
}

}  // namespace tidb_backups
