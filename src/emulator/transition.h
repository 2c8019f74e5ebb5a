// SPDX-License-Identifier: Apache-2.0
// A backup whose state changes while a client watches, for `wait`: the newest backup of a cluster
// is Running for the first N API requests answered for that cluster, then Success (or Failed).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/backup.h"

namespace tidb_backups::emulator {

// --running-for at most; and clusters tracked at most (a client could send any number of ids):
// a cluster first seen after that many others is answered as if its backup had finished.
inline constexpr std::int64_t kMaxRunningFor = 1'000'000;
inline constexpr std::size_t kMaxTrackedClusters = 100'000;

struct TransitionOptions {
    std::int64_t running_for = 0;        // requests answered Running per cluster; 0: off
    std::string then = "Success";        // the state afterwards: Success or Failed
    std::optional<std::string> cluster;  // only this cluster's newest backup; unset: every one
};

// Counts the page requests answered for each cluster (whatever their Offset: a listing of many
// pages counts each) and rewrites the newest backup as the count says. Thread-safe.
class BackupTransition {
  public:
    explicit BackupTransition(TransitionOptions options);

    bool enabled() const { return options_.running_for > 0; }

    // Counts one answered request for `cluster`; returns its number for the cluster, from 1
    // (0 when the transition does not apply to the cluster).
    std::int64_t count_request(std::string_view cluster);

    // Rewrites `newest` as request number `request` of its cluster sees it: while request <=
    // running_for, State "Running" and BackupEndTime 0; afterwards State `then` and its own end
    // time. Request 0 leaves it alone.
    void apply(BackupObject& newest, std::int64_t request) const;

  private:
    TransitionOptions options_;
    std::mutex mutex_;
    std::map<std::string, std::int64_t, std::less<>> requests_;
};

}  // namespace tidb_backups::emulator
