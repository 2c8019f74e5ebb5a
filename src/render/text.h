// Text for people: sanitising server strings before they reach a terminal, display widths,
// and the human forms of the API's epoch seconds and megabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tidb_backups {

// Replaces C0 and C1 control characters, DEL and invalid UTF-8 with U+FFFD, so a string from
// the server cannot move the cursor, ring the bell or rewrite the screen.
std::string sanitize_for_terminal(std::string_view text);

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

// "45s", "12m05s", "1h02m", "3d04h".
std::string human_duration(std::int64_t seconds);

}  // namespace tidb_backups
