// SPDX-License-Identifier: Apache-2.0
#include "cli/filter_census.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/report.h"
#include "cli/suggest.h"
#include "core/ascii.h"
#include "render/text.h"

namespace tidb_backups {

void FilterCensus::count(const BackupObject& backup) {
    if (std::string state = field_text(backup, "State"); !state.empty()) {
        states_.insert(std::move(state));
    }
    if (std::string type = field_text(backup, "BackupType"); !type.empty()) {
        types_.insert(std::move(type));
    }
}

void FilterCensus::count(const std::vector<BackupObject>& backups) {
    for (const auto& backup : backups) {
        count(backup);
    }
}

std::vector<Error> unmatched_filter_values(const std::vector<std::string>& wanted,
                                           std::string_view flag, std::string_view field,
                                           const std::set<std::string>& seen,
                                           const std::vector<std::string>& documented) {
    std::vector<Error> unmatched;
    if (seen.empty()) {
        return unmatched;
    }
    const std::vector<std::string> values(seen.begin(), seen.end());
    for (const auto& value : wanted) {
        auto same = [&](const std::string& known) {
            return same_ignoring_ascii_case(known, value);
        };
        if (std::any_of(values.begin(), values.end(), same) ||
            std::any_of(documented.begin(), documented.end(), same)) {
            continue;
        }
        std::vector<std::string> shown;
        shown.reserve(values.size());
        for (const auto& known : values) {
            shown.push_back(sanitize_for_terminal(known));
        }
        std::vector<std::string> candidates = shown;
        for (const auto& known : documented) {
            if (std::find(candidates.begin(), candidates.end(), known) == candidates.end()) {
                candidates.push_back(known);
            }
        }
        unmatched.push_back(usage(fmt::format("{} '{}' matches no backup ({} values seen: {})",
                                              flag, value, field, fmt::join(shown, ", ")),
                                  did_you_mean(nearest(value, candidates))));
    }
    return unmatched;
}

}  // namespace tidb_backups
