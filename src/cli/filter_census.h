// SPDX-License-Identifier: Apache-2.0
// The State and BackupType values the listed backups carried, so a --state or --type value that
// matched nothing can be told from one that had nothing to match: "Succes" among Success and
// Failed is a typo, and is said so with the values that exist.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"
#include "core/error.h"

namespace tidb_backups {

class FilterCensus {
  public:
    // Counts the values of `backup` (before any filter drops it).
    void count(const BackupObject& backup);
    void count(const std::vector<BackupObject>& backups);

    const std::set<std::string>& states() const { return states_; }
    const std::set<std::string>& types() const { return types_; }

  private:
    std::set<std::string> states_;
    std::set<std::string> types_;
};

// For a value of --state or --type (`flag`, filtering `field`) that no counted backup had while
// others were seen, and that is not one of the `documented` values either (no Running backup
// at the moment is no typo): "--state 'Succes' matches no backup (State values seen: Failed,
// Success)" with the hint "did you mean Success?". Nothing when no backup was seen at all.
std::vector<Error> unmatched_filter_values(const std::vector<std::string>& wanted,
                                           std::string_view flag, std::string_view field,
                                           const std::set<std::string>& seen,
                                           const std::vector<std::string>& documented);

}  // namespace tidb_backups
