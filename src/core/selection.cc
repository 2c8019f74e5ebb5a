// SPDX-License-Identifier: Apache-2.0
#include "core/selection.h"

#include <algorithm>
#include <numeric>

#include "core/ascii.h"

namespace tidb_backups {

namespace {

bool one_of(const std::string& value, const std::vector<std::string>& wanted) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
               return same_ignoring_ascii_case(value, w);
           });
}

// What a backup is sorted by, computed once per backup rather than once per comparison.
struct SortKey {
    enum Rank { Number, Text, Missing };
    Rank rank = Missing;
    std::int64_t number = 0;
    std::string text;
};

SortKey sort_key(const ClusterBackup& row, const std::string& field) {
    SortKey key;
    if (field == kClusterIdField) {
        key.text = std::string(row.cluster_id);
    } else if (field == kRegionField) {
        key.text = std::string(row.region);
    } else {
        if (is_numeric_field(field)) {
            if (auto number = field_integer(row.backup, field)) {
                key.rank = SortKey::Number;
                key.number = *number;
                return key;
            }
        }
        key.text = field_text(row.backup, field);
    }
    key.rank = key.text.empty() ? SortKey::Missing : SortKey::Text;
    return key;
}

// -1, 0 or 1 for a before, equal to, or after b, by value alone.
int compare_values(const SortKey& a, const SortKey& b) {
    if (a.rank == SortKey::Number) {
        return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
    }
    int order = a.text.compare(b.text);
    return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

}  // namespace

bool Selection::matches(const BackupObject& backup) const {
    if (!states.empty() && !one_of(field_text(backup, "State"), states)) {
        return false;
    }
    if (!types.empty() && !one_of(field_text(backup, "BackupType"), types)) {
        return false;
    }
    if (since || until) {
        auto start = field_integer(backup, "BackupStartTime");
        if (!start || (since && *start < *since) || (until && *start >= *until)) {
            return false;
        }
    }
    return true;
}

void filter_backups(std::vector<BackupObject>& backups, const Selection& selection) {
    std::erase_if(backups, [&](const BackupObject& backup) { return !selection.matches(backup); });
}

bool is_numeric_field(std::string_view field) {
    return field == "BackupStartTime" || field == "BackupEndTime" || field == "BackupSize";
}

std::vector<std::size_t> ordered_positions(std::size_t count,
                                           const std::function<ClusterBackup(std::size_t)>& row_at,
                                           const Selection& selection) {
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!selection.sort_by) {
        if (selection.reverse) {
            std::reverse(order.begin(), order.end());
        }
        return order;
    }
    std::vector<SortKey> keys;
    keys.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        keys.push_back(sort_key(row_at(i), *selection.sort_by));
    }
    const bool descending = selection.reverse;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t left, std::size_t right) {
        const SortKey& a = keys[left];
        const SortKey& b = keys[right];
        if (a.rank != b.rank) {
            return a.rank < b.rank;  // numbers, then text, then nothing: whatever the direction
        }
        if (a.rank == SortKey::Missing) {
            return false;
        }
        int by_value = compare_values(a, b);
        return descending ? by_value > 0 : by_value < 0;
    });
    return order;
}

void order_backups(std::vector<ClusterBackup>& backups, const Selection& selection) {
    const std::vector<std::size_t> order = ordered_positions(
        backups.size(), [&](std::size_t i) { return backups[i]; }, selection);
    std::vector<ClusterBackup> ordered;
    ordered.reserve(backups.size());
    for (std::size_t index : order) {
        ordered.push_back(std::move(backups[index]));
    }
    backups = std::move(ordered);
}

}  // namespace tidb_backups
