// SPDX-License-Identifier: Apache-2.0
// Case folding for protocol words (schemes, hosts, field and state names): ASCII only, so the
// answer never depends on the process locale.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace tidb_backups {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

inline bool same_ignoring_ascii_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace tidb_backups
