// SPDX-License-Identifier: Apache-2.0
// "Did you mean ...?": the known words nearest to a mistyped one, by edit distance, for the
// messages of an unknown command, flag or value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups {

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates nearest to `typed`, in their given order, when near enough to be a typo of it
// (about a third of the word may be wrong); none otherwise.
std::vector<std::string> nearest(std::string_view typed,
                                 const std::vector<std::string>& candidates);

// "did you mean --max-age?", "did you mean list or check?"; empty when there is no candidate.
std::string did_you_mean(const std::vector<std::string>& suggestions);

}  // namespace tidb_backups
