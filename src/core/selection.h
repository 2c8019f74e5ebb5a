// SPDX-License-Identifier: Apache-2.0
// Which of the listed backups are shown, and in what order: filters on State, BackupType and
// start time, and a sort on one field. The API filters nothing, so these run on the backups as
// they arrive; filters page by page (output can stream), a sort once everything is in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"

namespace tidb_backups {

struct Selection {
    std::vector<std::string> states;     // State is one of these (any case); empty: any State
    std::vector<std::string> types;      // BackupType is one of these (any case); empty: any
    std::optional<std::int64_t> since;   // BackupStartTime >= since (epoch seconds)
    std::optional<std::int64_t> until;   // BackupStartTime < until: half-open, so a day is
                                         // --since 2026-11-27 --until 2026-11-28
    std::optional<std::string> sort_by;  // an API field, ClusterId or Region, as documented
    bool reverse = false;                // descending sort; without sort_by, API order reversed

    // Whether `backup` passes every filter. A backup without an integer BackupStartTime fails
    // --since and --until: it cannot be shown to be in the range.
    bool matches(const BackupObject& backup) const;

    // Whether the output order differs from the API's, so every backup must be in before the
    // first can be written.
    bool reorders() const { return sort_by.has_value() || reverse; }
};

// Removes the backups that do not match, keeping the order of the others.
void filter_backups(std::vector<BackupObject>& backups, const Selection& selection);

// A backup with the cluster it was listed for, as a sort across clusters needs it.
struct ClusterBackup {
    std::string_view cluster_id;  // points into the caller's list of ids
    BackupObject backup;
    std::string_view region = {};  // the same
};

// Fields whose values sort as numbers: the epoch-second times and the size in MB.
bool is_numeric_field(std::string_view field);

// Orders `backups` as `selection` says. By sort_by: numeric fields by value, others byte by
// byte (UTF-8 code point order); stable, so equal values keep API order, in either direction;
// empty, absent or null values last, in either direction; in a numeric field, a value that is
// not a number after all the numbers. Without sort_by, `reverse` reverses the order given.
void order_backups(std::vector<ClusterBackup>& backups, const Selection& selection);

// The same order, of backups held elsewhere: the positions 0..count-1 as order_backups would
// order them, where `row_at(i)` gives the i-th backup (asked for once each, and only with a
// sort_by).
std::vector<std::size_t> ordered_positions(std::size_t count,
                                           const std::function<ClusterBackup(std::size_t)>& row_at,
                                           const Selection& selection);

}  // namespace tidb_backups
