// SPDX-License-Identifier: Apache-2.0
#include "emulator/hostile.h"

#include <algorithm>

namespace tidb_backups::emulator {

namespace {

// A JSON library will not write these values (deep nesting would recurse through the writer),
// so a string stands in for each and the text is put in place once the body is written.
constexpr std::string_view kNestPlaceholder = "@@NEST@@";
constexpr std::string_view kHugePlaceholder = "@@HUGE@@";
constexpr std::string_view kSurrogatePlaceholder = "@@SURROGATE@@";

// How long the backup dated in the future runs.
constexpr std::int64_t kFutureDuration = 600;

std::string nested_arrays(std::int64_t depth) {
    const auto size = static_cast<std::size_t>(depth);
    return std::string(size, '[') + std::string(size, ']');
}

void replace_quoted(std::string& text, std::string_view placeholder, std::string_view raw) {
    const std::string quoted = "\"" + std::string(placeholder) + "\"";
    for (auto at = text.find(quoted); at != std::string::npos;
         at = text.find(quoted, at + raw.size())) {
        text.replace(at, quoted.size(), raw);
    }
}

// The first "RetCode" value of the written body (the page's own: it comes before Data).
void replace_ret_code(std::string& text, std::string_view raw) {
    constexpr std::string_view kKey = "\"RetCode\":";
    auto key = text.find(kKey);
    if (key == std::string::npos) {
        return;
    }
    const std::size_t value = key + kKey.size();
    const std::size_t end = text.find_first_of(",}", value);
    if (end != std::string::npos) {
        text.replace(value, end - value, raw);
    }
}

}  // namespace

bool is_nestable_field(std::string_view field) {
    return field == "BackupName" || field == "RetCode" || field == "TotalCount";
}

std::int64_t served_offset(const HostileOptions& options, std::int64_t offset) {
    return options.ignore_offset ? 0 : offset;
}

std::int64_t served_limit(const HostileOptions& options, std::int64_t limit) {
    return options.page_cap ? std::min(limit, *options.page_cap) : limit;
}

void tamper_backup(const HostileOptions& options, BackupObject& backup, std::int64_t index,
                   std::int64_t now) {
    if (options.future_backup && index == 0) {
        const std::int64_t start = now + *options.future_backup;
        backup["BackupStartTime"] = start;
        backup["BackupEndTime"] = start + kFutureDuration;
        backup["State"] = "Success";
    }
    if (options.milliseconds) {
        for (const char* field : {"BackupStartTime", "BackupEndTime"}) {
            backup[field] = backup[field].get<std::int64_t>() * 1000;
        }
    }
    if (options.omit_backup_id) {
        backup.erase("BackupId");
    }
    if (options.huge_number) {
        backup["BackupSize"] = std::string(kHugePlaceholder);
    }
    if (options.lone_surrogate) {
        backup["BackupName"] = std::string(kSurrogatePlaceholder);
    }
    if (options.nest_field == "BackupName" && options.nest_depth > 0) {
        backup["BackupName"] = std::string(kNestPlaceholder);
    }
}

void tamper_body(const HostileOptions& options, nlohmann::ordered_json& body) {
    if (options.nest_field == "TotalCount" && options.nest_depth > 0) {
        body["TotalCount"] = std::string(kNestPlaceholder);
    }
}

void splice(const HostileOptions& options, std::string& text) {
    if (options.nest_depth > 0) {
        const std::string arrays = nested_arrays(options.nest_depth);
        if (options.nest_field == "RetCode") {
            replace_ret_code(text, arrays);
        } else {
            replace_quoted(text, kNestPlaceholder, arrays);
        }
    }
    if (options.raw_ret_code) {
        replace_ret_code(text, *options.raw_ret_code);
    }
    if (options.huge_number) {
        replace_quoted(text, kHugePlaceholder, kHugeNumber);
    }
    if (options.lone_surrogate) {
        replace_quoted(text, kSurrogatePlaceholder, kLoneSurrogateText);
    }
}

}  // namespace tidb_backups::emulator
