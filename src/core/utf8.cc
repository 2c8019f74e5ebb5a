// SPDX-License-Identifier: Apache-2.0
#include "core/utf8.h"

namespace tidb_backups {

std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& code_point) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    std::size_t length = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code_point = lead & 0x1F;
        minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code_point = lead & 0x0F;
        minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code_point = lead & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < minimum || code_point > 0x10FFFF || surrogate) {
        return 0;
    }
    return length;
}

namespace {

// The value of the four hex digits at json[at], or nullopt.
std::optional<char32_t> hex4(std::string_view json, std::size_t at) {
    if (at + 4 > json.size()) {
        return std::nullopt;
    }
    char32_t value = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
        char c = json[k];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0) {
            return std::nullopt;
        }
        value = value * 16 + static_cast<char32_t>(digit);
    }
    return value;
}

// The code unit of a \uXXXX escape at json[at], or nullopt.
std::optional<char32_t> unicode_escape(std::string_view json, std::size_t at) {
    if (at + 2 > json.size() || json[at] != '\\' || json[at + 1] != 'u') {
        return std::nullopt;
    }
    return hex4(json, at + 2);
}

bool is_high_surrogate(char32_t unit) {
    return unit >= 0xD800 && unit <= 0xDBFF;
}

bool is_low_surrogate(char32_t unit) {
    return unit >= 0xDC00 && unit <= 0xDFFF;
}

}  // namespace

std::optional<std::string> repair_json_surrogates(std::string_view json) {
    constexpr std::string_view kReplacementEscape = "\\ufffd";  // as long as the escape it replaces
    std::optional<std::string> repaired;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (!in_string) {
            in_string = c == '"';
            ++i;
            continue;
        }
        if (c == '"') {
            in_string = false;
            ++i;
            continue;
        }
        if (c != '\\') {
            ++i;
            continue;
        }
        std::optional<char32_t> unit = unicode_escape(json, i);
        if (!unit) {
            i += 2;  // \", \\, \n...: the escaped character is never a quote that ends the string
            continue;
        }
        if (is_high_surrogate(*unit)) {
            std::optional<char32_t> next = unicode_escape(json, i + 6);
            if (next && is_low_surrogate(*next)) {
                i += 12;  // a pair: one code point
                continue;
            }
        }
        if (is_high_surrogate(*unit) || is_low_surrogate(*unit)) {
            if (!repaired) {
                repaired.emplace(json);
            }
            repaired->replace(i, kReplacementEscape.size(), kReplacementEscape);
        }
        i += 6;
    }
    return repaired;
}

bool is_valid_utf8(std::string_view text) {
    char32_t ignored = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = decode_utf8(text, i, ignored);
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string repair_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    char32_t ignored = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = decode_utf8(text, i, ignored);
        if (length == 0) {
            out += kReplacementCharacter;
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
}

}  // namespace tidb_backups
