// SPDX-License-Identifier: Apache-2.0
// A backup as the API sent it: a JSON object whose key order and unknown fields are kept, so
// `-o json` can print it exactly as received. Typed accessors read the documented fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tidb_backups {

using BackupObject = nlohmann::ordered_json;

// The documented BackupData fields, in the document's order: the default columns.
inline const std::vector<std::string>& documented_fields() {
    static const std::vector<std::string> fields = {
        "BackupId", "BackupStartTime", "BackupEndTime", "BackupSize", "State", "BackupType"};
    return fields;
}

// The extra field a backup gains when several clusters are listed; --fields and --sort-by may
// name it like an API field.
inline constexpr std::string_view kClusterIdField = "ClusterId";

// A field the API sends without documenting it (the emulator too), shown in json.
inline constexpr std::string_view kBackupNameField = "BackupName";

// The extra field a backup gains when the clusters listed are in more than one region (--ids-from
// lines "REGION ID"): the region its cluster was asked in.
inline constexpr std::string_view kRegionField = "Region";

// The fields --fields and --sort-by accept: the documented ones, BackupName, then ClusterId and
// Region.
inline const std::vector<std::string>& selectable_fields() {
    static const std::vector<std::string> fields = [] {
        std::vector<std::string> all = documented_fields();
        all.emplace_back(kBackupNameField);
        all.emplace_back(kClusterIdField);
        all.emplace_back(kRegionField);
        return all;
    }();
    return fields;
}

// A field as text: strings as they are, numbers in decimal, absent or null as "", anything
// else as compact JSON. Invalid UTF-8 in a string is kept byte for byte.
std::string field_text(const BackupObject& backup, std::string_view field);

// A value as an integer when it is a whole number in 64 bits (1.7e9 and 1764212400.0 count; a
// fraction never does: 0.5 is not truncated to 0) or a string of digits (the API is loose).
std::optional<std::int64_t> integer_value(const BackupObject& value);

// A field as integer_value() reads it; nullopt when absent.
std::optional<std::int64_t> field_integer(const BackupObject& backup, std::string_view field);

inline std::string backup_id(const BackupObject& backup) {
    return field_text(backup, "BackupId");
}

}  // namespace tidb_backups
