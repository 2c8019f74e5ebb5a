// SPDX-License-Identifier: Apache-2.0
#include "core/backup.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace tidb_backups {

namespace {

constexpr double kLargestFloat = 9.0e18;  // below 2^63 (about 9.22e18)

const BackupObject* find_field(const BackupObject& backup, std::string_view field) {
    if (!backup.is_object()) {
        return nullptr;
    }
    auto it = backup.find(field);
    return it == backup.end() ? nullptr : &*it;
}

}  // namespace

std::string field_text(const BackupObject& backup, std::string_view field) {
    const BackupObject* value = find_field(backup, field);
    if (value == nullptr || value->is_null()) {
        return {};
    }
    if (value->is_string()) {
        return value->get<std::string>();
    }
    return value->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<std::int64_t> integer_value(const BackupObject& value) {
    if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(value.get<std::uint64_t>());
    }
    if (value.is_number_integer()) {
        return value.get<std::int64_t>();
    }
    if (value.is_number_float()) {
        double number = value.get<double>();
        // Whole numbers only, and well inside the range of int64 so that the cast is defined.
        if (!std::isfinite(number) || std::fabs(number) > kLargestFloat ||
            std::trunc(number) != number) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(number);
    }
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        std::int64_t number = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) {
            return number;
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> field_integer(const BackupObject& backup, std::string_view field) {
    const BackupObject* value = find_field(backup, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    return integer_value(*value);
}

}  // namespace tidb_backups
