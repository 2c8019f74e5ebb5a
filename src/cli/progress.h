// SPDX-License-Identifier: Apache-2.0
// The self-updating progress line on stderr ("fetched 120/300 backups, 2/16 clusters"): only
// when stderr is a terminal, never with -q or -v, and erased before anything else is printed.
#pragma once

#include <chrono>
#include <ostream>

#include "core/listing.h"

namespace tidb_backups {

class ProgressLine {
  public:
    ProgressLine(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
    ~ProgressLine() { clear(); }

    void update(const ListingProgress& progress);
    // Erases the line (before an error message, and at the end).
    void clear();

  private:
    // A listing this short finishes before a progress line would help.
    static constexpr std::int64_t kMinRequests = 4;

    std::ostream& err_;
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace tidb_backups
