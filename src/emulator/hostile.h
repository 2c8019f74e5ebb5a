// SPDX-License-Identifier: Apache-2.0
// Pages from a broken or hostile server, so that what the client's tests check can be reproduced
// by hand: pages capped below Limit, Offset ignored, no BackupId, JSON nested deep, integers past
// 64 bits, a RetCode that is not an integer, lone surrogate escapes, times in milliseconds, a
// backup dated in the future. Each is an emulator flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/backup.h"

namespace tidb_backups::emulator {

// The integer --huge-number puts in BackupSize: 2^64, one past the largest 64-bit integer.
inline constexpr std::string_view kHugeNumber = "18446744073709551616";
// The raw JSON text --lone-surrogate puts in BackupName: a high surrogate with no low half, then
// an escaped backslash followed by the same letters (which is not an escape).
inline constexpr std::string_view kLoneSurrogateText =
    R"("lone \ud800 surrogate, escaped \\ud800")";

struct HostileOptions {
    std::optional<std::int64_t> page_cap;  // at most this many backups a page, whatever Limit says
    bool ignore_offset = false;            // every request answered as Offset 0
    bool omit_backup_id = false;           // backups without BackupId
    std::string nest_field;                // BackupName, RetCode or TotalCount: nested arrays
    std::int64_t nest_depth = 0;           // how deep; 0: no nesting
    bool huge_number = false;              // BackupSize is kHugeNumber
    std::optional<std::string> raw_ret_code;    // RetCode of a successful page, as raw JSON text
    bool lone_surrogate = false;                // BackupName is kLoneSurrogateText
    bool milliseconds = false;                  // BackupStartTime and BackupEndTime in milliseconds
    std::optional<std::int64_t> future_backup;  // the newest backup starts this long after now
};

// The fields --nest accepts.
bool is_nestable_field(std::string_view field);

// The Offset and Limit a page is served for, after --ignore-offset and --page-cap.
std::int64_t served_offset(const HostileOptions& options, std::int64_t offset);
std::int64_t served_limit(const HostileOptions& options, std::int64_t limit);

// Changes one backup of a page; `index` is its place in the whole list (0: the newest) and `now`
// the catalog's clock. Values no JSON library writes are left as placeholders for splice().
void tamper_backup(const HostileOptions& options, BackupObject& backup, std::int64_t index,
                   std::int64_t now);

// Changes the body of a successful page before it is written (placeholders, as above).
void tamper_body(const HostileOptions& options, nlohmann::ordered_json& body);

// Replaces the placeholders in the written body with their raw text, and RetCode's value with
// --raw-retcode's text or --nest RetCode's arrays.
void splice(const HostileOptions& options, std::string& text);

}  // namespace tidb_backups::emulator
