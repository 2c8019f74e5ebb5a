// SPDX-License-Identifier: Apache-2.0
#include "core/time_spec.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <limits>

#include <fmt/format.h>

namespace tidb_backups {

namespace {

std::optional<std::int64_t> unit_seconds(char unit) {
    switch (unit) {
        case 's':
            return 1;
        case 'm':
            return 60;
        case 'h':
            return 3600;
        case 'd':
            return 86400;
        case 'w':
            return 7 * 86400;
        default:
            return std::nullopt;
    }
}

// Reads exactly `digits` decimal digits at text[pos].
std::optional<int> fixed_number(std::string_view text, std::size_t pos, std::size_t digits) {
    if (pos + digits > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + digits; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_date(int year, int month, int day) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) {
        return false;
    }
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month != 2 || day <= 28 || leap;
}

std::optional<std::int64_t> parse_iso(std::string_view text) {
    auto year = fixed_number(text, 0, 4);
    auto month = fixed_number(text, 5, 2);
    auto day = fixed_number(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-' ||
        !valid_date(*year, *month, *day)) {
        return std::nullopt;
    }
    int hour = 0, minute = 0, second = 0;
    std::size_t pos = 10;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
        auto h = fixed_number(text, pos + 1, 2);
        auto m = fixed_number(text, pos + 4, 2);
        if (!h || !m || text[pos + 3] != ':' || *h > 23 || *m > 59) {
            return std::nullopt;
        }
        hour = *h;
        minute = *m;
        pos += 6;
        if (pos < text.size() && text[pos] == ':') {
            auto s = fixed_number(text, pos + 1, 2);
            if (!s || *s > 60) {
                return std::nullopt;
            }
            second = *s;
            pos += 3;
        }
    }
    std::string_view zone = text.substr(pos);
    std::int64_t civil =
        days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
        std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
    if (zone == "Z" || zone == "z") {
        return civil;
    }
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        auto zh = fixed_number(zone, 1, 2);
        auto zm = fixed_number(zone, 4, 2);
        if (!zh || !zm || *zh > 23 || *zm > 59) {
            return std::nullopt;
        }
        std::int64_t offset = *zh * 3600 + *zm * 60;
        return zone[0] == '+' ? civil - offset : civil + offset;
    }
    if (!zone.empty()) {
        return std::nullopt;
    }
    // No zone: local time, as the table shows it.
    std::tm parts{};
    parts.tm_year = *year - 1900;
    parts.tm_mon = *month - 1;
    parts.tm_mday = *day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    parts.tm_isdst = -1;
    tzset();
    std::time_t local = std::mktime(&parts);
    if (local == static_cast<std::time_t>(-1)) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(local);
}

}  // namespace

namespace {

// Milliseconds in "90m", "1h30m" (and "100ms" when `millis` allows it), or nullopt.
std::optional<std::int64_t> duration_millis(std::string_view text, bool millis) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::int64_t total = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::int64_t amount = 0;
        auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), amount);
        if (ec != std::errc{} || end == text.data() + pos || end == text.data() + text.size()) {
            return std::nullopt;  // no number, or a number without a unit
        }
        pos = static_cast<std::size_t>(end - text.data());
        std::optional<std::int64_t> unit;
        if (millis && text.substr(pos, 2) == "ms") {
            unit = 1;
            pos += 2;
        } else if (auto seconds = unit_seconds(text[pos])) {
            unit = *seconds * 1000;
            ++pos;
        }
        constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 4;
        if (!unit || amount < 0 || amount > kLimit / *unit || total > kLimit - amount * *unit) {
            return std::nullopt;
        }
        total += amount * *unit;
    }
    if (total <= 0) {
        return std::nullopt;
    }
    return total;
}

}  // namespace

std::optional<std::int64_t> parse_duration(std::string_view text) {
    std::optional<std::int64_t> millis = duration_millis(text, false);
    if (!millis) {
        return std::nullopt;
    }
    return *millis / 1000;
}

std::optional<std::int64_t> parse_duration_millis(std::string_view text) {
    return duration_millis(text, true);
}

std::optional<std::int64_t> parse_time_point(std::string_view text, std::int64_t now) {
    if (auto age = parse_duration(text)) {
        return now - *age;
    }
    return parse_iso(text);
}

std::string format_age(std::int64_t seconds) {
    if (seconds < 0) {
        return fmt::format("-{}", format_age(-seconds));
    }
    if (seconds < 60) {
        return fmt::format("{}s", seconds);
    }
    if (seconds < 3600) {
        return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
    }
    if (seconds < 86400) {
        return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
    }
    return fmt::format("{}d{:02}h", seconds / 86400, (seconds % 86400) / 3600);
}

}  // namespace tidb_backups
