// SPDX-License-Identifier: Apache-2.0
#include "render/text.h"

#include "core/time_spec.h"
#include "core/utf8.h"

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace tidb_backups {

namespace {

constexpr std::string_view kReplacement = kReplacementCharacter;

bool is_wide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
           (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

bool is_combining(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F;
}

std::size_t width_of(char32_t c) {
    if (is_combining(c)) {
        return 0;
    }
    return is_wide(c) ? 2 : 1;
}

// `text` code point by code point: a byte that is not valid UTF-8 becomes invalid(byte), a code
// point what replace(c) returns, or itself when that is nullopt.
template <typename Invalid, typename Replace>
std::string rewrite_code_points(std::string_view text, Invalid invalid, Replace replace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        std::size_t length = decode_utf8(text, i, c);
        if (length == 0) {
            out += invalid(text[i]);
            ++i;
            continue;
        }
        if (std::optional<std::string> replacement = replace(c)) {
            out += *replacement;
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    return out;
}

}  // namespace

bool is_terminal_control(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 ||
           c == 0x2029;
}

std::string sanitize_for_terminal(std::string_view text) {
    return rewrite_code_points(
        text, [](char) { return std::string(kReplacement); },
        [](char32_t c) {
            return is_terminal_control(c) ? std::optional<std::string>(kReplacement) : std::nullopt;
        });
}

std::string escape_json_for_terminal(std::string_view json) {
    return rewrite_code_points(
        json,
        [](char byte) {
            return std::string(1, byte);  // not from dump(), which writes valid UTF-8; kept
        },
        [](char32_t c) -> std::optional<std::string> {
            // Each of these is one UTF-16 unit (all below U+10000), so one \uXXXX says it exactly.
            if (c >= 0x20 && is_terminal_control(c)) {
                return fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c));
            }
            return std::nullopt;
        });
}

std::size_t display_width(std::string_view text) {
    // Nearly every cell is printable ASCII: a column a byte, nothing to decode.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
        return text.size();
    }
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        std::size_t length = decode_utf8(text, i, c);
        width += length == 0 ? 1 : width_of(c);
        i += length == 0 ? 1 : length;
    }
    return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
    if (display_width(text) <= width) {
        return std::string(text);
    }
    if (width == 0) {
        return {};
    }
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        std::size_t length = decode_utf8(text, i, c);
        std::size_t step = length == 0 ? 1 : length;
        std::size_t w = length == 0 ? 1 : width_of(c);
        if (used + w > width - 1) {
            break;
        }
        out.append(text.substr(i, step));
        used += w;
        i += step;
    }
    return out + "\xE2\x80\xA6";  // …
}

std::string human_size_mb(std::int64_t megabytes) {
    if (megabytes < 0) {
        return fmt::format("{} MiB", megabytes);
    }
    if (megabytes < 1024) {
        return fmt::format("{} MiB", megabytes);
    }
    double gib = static_cast<double>(megabytes) / 1024.0;
    if (gib < 1024.0) {
        return gib < 10 ? fmt::format("{:.1f} GiB", gib) : fmt::format("{:.0f} GiB", gib);
    }
    double tib = gib / 1024.0;
    return tib < 10 ? fmt::format("{:.1f} TiB", tib) : fmt::format("{:.0f} TiB", tib);
}

std::string human_time(std::int64_t epoch_seconds, bool utc) {
    // localtime_r need not read TZ itself; tzset once makes a changed TZ count.
    static const bool zone_loaded = (tzset(), true);
    (void)zone_loaded;
    std::time_t time = static_cast<std::time_t>(epoch_seconds);
    std::tm parts{};
    bool converted =
        utc ? gmtime_r(&time, &parts) != nullptr : localtime_r(&time, &parts) != nullptr;
    if (!converted) {
        return std::to_string(epoch_seconds);
    }
    char buffer[32];
    std::size_t written = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &parts);
    return written == 0 ? std::to_string(epoch_seconds) : std::string(buffer, written);
}

std::optional<long> utc_offset_at(std::int64_t epoch_seconds) {
    static const bool zone_loaded = (tzset(), true);
    (void)zone_loaded;
    std::time_t time = static_cast<std::time_t>(epoch_seconds);
    std::tm parts{};
    if (localtime_r(&time, &parts) == nullptr) {
        return std::nullopt;
    }
    return parts.tm_gmtoff;
}

std::string utc_offset_label(long offset_seconds) {
    if (offset_seconds == 0) {
        return "UTC";
    }
    const long magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    const char sign = offset_seconds < 0 ? '-' : '+';
    const long hours = magnitude / 3600;
    const long minutes = magnitude % 3600 / 60;
    return minutes == 0 ? fmt::format("UTC{}{}", sign, hours)
                        : fmt::format("UTC{}{}:{:02}", sign, hours, minutes);
}

std::string iso_time_utc(std::int64_t epoch_seconds) {
    std::time_t time = static_cast<std::time_t>(epoch_seconds);
    std::tm parts{};
    if (gmtime_r(&time, &parts) == nullptr) {
        return std::to_string(epoch_seconds);
    }
    char buffer[48];
    std::size_t written = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return written == 0 ? std::to_string(epoch_seconds) : std::string(buffer, written);
}

std::string human_duration(std::int64_t seconds) {
    return seconds < 0 ? "-" : format_age(seconds);
}

}  // namespace tidb_backups
