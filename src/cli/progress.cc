// SPDX-License-Identifier: Apache-2.0
#include "cli/progress.h"

#include <fmt/format.h>

namespace tidb_backups {

void ProgressLine::update(const ListingProgress& progress) {
    if (!enabled_ || progress.requests < kMinRequests) {
        return;
    }
    auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100)) {
        return;  // at most ten redraws a second
    }
    last_ = now;
    std::string line = progress.expected > 0 ? fmt::format("fetched {}/{} backups",
                                                           progress.backups, progress.expected)
                                             : fmt::format("fetched {} backups", progress.backups);
    if (progress.clusters > 1) {
        line += fmt::format(", {}/{} clusters", progress.clusters_done, progress.clusters);
    }
    err_ << "\r\x1b[K" << line << std::flush;
    shown_ = true;
}

void ProgressLine::clear() {
    if (shown_) {
        err_ << "\r\x1b[K" << std::flush;
        shown_ = false;
    }
}

}  // namespace tidb_backups
