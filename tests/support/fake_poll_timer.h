// SPDX-License-Identifier: Apache-2.0
// For the tests of waiting (core/backup_watch and the CLI's wait): a timer whose time passes
// only when it is asked to pause (or when the test moves `now`), so nothing sleeps.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/backup_watch.h"

namespace tidb_backups::testing {

class FakePollTimer final : public PollTimer {
  public:
    std::chrono::milliseconds elapsed() override { return now; }
    bool pause(std::chrono::milliseconds delay) override {
        pauses.push_back(delay);
        now += delay;
        return !(cut_after && pauses.size() >= *cut_after);
    }

    std::chrono::milliseconds now{0};
    std::vector<std::chrono::milliseconds> pauses;
    std::optional<std::size_t> cut_after;  // this pause returns as if Ctrl-C cut it
};

// A backup as a list of the cluster carries it: id, start, State.
inline BackupObject watched_backup(const std::string& id, std::int64_t start,
                                   const std::string& state) {
    return BackupObject{{"BackupId", id}, {"BackupStartTime", start}, {"State", state}};
}

}  // namespace tidb_backups::testing
