// SPDX-License-Identifier: Apache-2.0
#include "cli/suggest.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/ascii.h"

namespace tidb_backups {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: Levenshtein plus the swap of two neighbours ("lsit" is 1 away).
    const std::size_t columns = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * columns);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * columns + j]; };
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i <= a.size(); ++i) {
        at(i, 0) = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        at(0, j) = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1])) {
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
            }
        }
    }
    return at(a.size(), b.size());
}

std::vector<std::string> nearest(std::string_view typed,
                                 const std::vector<std::string>& candidates) {
    // Dashes say what kind of word it is, not which: "--maxage" is judged on "maxage".
    auto bare = [](std::string_view word) {
        return word.substr(word.find_first_not_of('-') == std::string_view::npos
                               ? word.size()
                               : word.find_first_not_of('-'));
    };
    const std::string_view word = bare(typed);
    std::size_t best = std::max<std::size_t>(1, (word.size() + 1) / 3) + 1;
    std::vector<std::string> found;
    for (const auto& candidate : candidates) {
        const std::size_t distance = edit_distance(word, bare(candidate));
        if (distance < best) {
            best = distance;
            found.clear();
        }
        if (distance == best && std::find(found.begin(), found.end(), candidate) == found.end()) {
            found.push_back(candidate);
        }
    }
    return found;
}

std::string did_you_mean(const std::vector<std::string>& suggestions) {
    if (suggestions.empty()) {
        return {};
    }
    if (suggestions.size() == 1) {
        return fmt::format("did you mean {}?", suggestions.front());
    }
    return fmt::format("did you mean {} or {}?",
                       fmt::join(suggestions.begin(), suggestions.end() - 1, ", "),
                       suggestions.back());
}

}  // namespace tidb_backups
