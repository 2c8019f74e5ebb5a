// SPDX-License-Identifier: Apache-2.0
// Durations and points in time as people type them: "90m", "26h", "7d", "1h30m" for ages, and
// ISO 8601 dates ("2026-11-27", "2026-11-27T03:00", "2026-11-27 03:00:00Z", "+08:00") or ages
// ("7d": that long before now) for --since and --until.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tidb_backups {

// Seconds in "90m", "26h", "7d", "2w", "45s", "1h30m"; nullopt for anything else (including
// a bare number, zero or a negative value: units are required so "30" is not ambiguous).
std::optional<std::int64_t> parse_duration(std::string_view text);

// Milliseconds in the same forms, plus "ms" for a part shorter than a second: "100ms", "2s",
// "1m30s", "1s500ms"; nullopt for anything else, zero or negative included.
std::optional<std::int64_t> parse_duration_millis(std::string_view text);

// Epoch seconds of an ISO 8601 date or date-time, or of `now` minus an age; a date or time
// without a zone is local time (TZ honoured). nullopt when it is neither.
std::optional<std::int64_t> parse_time_point(std::string_view text, std::int64_t now);

// "3h12m", "2d04h", "45s": an age for people, the two largest units.
std::string format_age(std::int64_t seconds);

}  // namespace tidb_backups
