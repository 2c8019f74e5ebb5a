// SPDX-License-Identifier: Apache-2.0
// Text for people: sanitising server strings before they reach a terminal, display widths,
// and the human forms of the API's epoch seconds and megabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tidb_backups {

// What may not reach a terminal from the server: C0 and C1 control characters and DEL (they move
// the cursor, ring the bell, start escape sequences), the bidi controls U+061C, U+200E, U+200F,
// U+202A-U+202E and U+2066-U+2069 (they reorder what is shown, so text can pose as other text),
// and the line and paragraph separators U+2028 and U+2029.
bool is_terminal_control(char32_t c);

// Replaces every is_terminal_control character and invalid UTF-8 with U+FFFD, so a string from
// the server cannot move the cursor, ring the bell, rewrite the screen or reorder a line.
std::string sanitize_for_terminal(std::string_view text);

// JSON text as nlohmann::json::dump writes it (valid UTF-8, controls below U+0020 escaped) with
// every other is_terminal_control character written as a \uXXXX escape: still valid JSON
// meaning exactly the same data, but nothing in it can drive a terminal.
std::string escape_json_for_terminal(std::string_view json);

// Columns `text` takes on a terminal (UTF-8; East Asian wide characters count two).
std::size_t display_width(std::string_view text);

// `text` cut to at most `width` columns, ending in "…" when it was cut.
std::string truncate_to_width(std::string_view text, std::size_t width);

// "512 MiB", "1.2 GiB", "3.4 TiB" from a size in MB (the API's unit, taken as MiB).
std::string human_size_mb(std::int64_t megabytes);

// "2026-11-27 03:00" in the local time zone (TZ honoured) or UTC.
std::string human_time(std::int64_t epoch_seconds, bool utc);

// "2026-11-27T03:00:00Z": ISO 8601 in UTC, for --time-format iso.
std::string iso_time_utc(std::int64_t epoch_seconds);

// The local zone's offset from UTC at `epoch_seconds`, in seconds (TZ honoured); nullopt when
// the time cannot be converted.
std::optional<long> utc_offset_at(std::int64_t epoch_seconds);

// "UTC", "UTC+8", "UTC-3:30": an offset from UTC, as the table's time headers show it.
std::string utc_offset_label(long offset_seconds);

// "45s", "12m05s", "1h02m", "3d04h".
std::string human_duration(std::int64_t seconds);

}  // namespace tidb_backups
