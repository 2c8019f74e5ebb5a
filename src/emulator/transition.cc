// SPDX-License-Identifier: Apache-2.0
#include "emulator/transition.h"

#include <limits>

namespace tidb_backups::emulator {

BackupTransition::BackupTransition(TransitionOptions options) : options_(std::move(options)) {}

std::int64_t BackupTransition::count_request(std::string_view cluster) {
    if (!enabled() || (options_.cluster && *options_.cluster != cluster)) {
        return 0;
    }
    std::lock_guard lock(mutex_);
    auto found = requests_.find(cluster);
    if (found == requests_.end()) {
        if (requests_.size() >= kMaxTrackedClusters) {
            return std::numeric_limits<std::int64_t>::max();  // finished, see the header
        }
        found = requests_.emplace(std::string(cluster), 0).first;
    }
    if (found->second < std::numeric_limits<std::int64_t>::max()) {
        ++found->second;
    }
    return found->second;
}

void BackupTransition::apply(BackupObject& newest, std::int64_t request) const {
    if (request <= 0) {
        return;
    }
    if (request <= options_.running_for) {
        newest["State"] = "Running";
        newest["BackupEndTime"] = 0;
    } else {
        newest["State"] = options_.then;
    }
}

}  // namespace tidb_backups::emulator
