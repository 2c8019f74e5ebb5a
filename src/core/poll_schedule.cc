// SPDX-License-Identifier: Apache-2.0
#include "core/poll_schedule.h"

#include <algorithm>
#include <cstdint>

namespace tidb_backups {

std::chrono::milliseconds PollSchedule::pause(int poll, std::mt19937_64& random) const {
    const std::int64_t ceiling = std::max<std::int64_t>(cap.count(), 0);
    std::int64_t nominal =
        std::min<std::int64_t>(std::max<std::int64_t>(first.count(), 1), ceiling);
    for (int i = 1; i < poll && nominal < ceiling; ++i) {
        nominal = std::min(nominal * 2, ceiling);
    }
    // Jitter only shortens: --interval stays a promise about the longest pause.
    std::uniform_int_distribution<std::int64_t> jitter(0, nominal / 5);
    return std::chrono::milliseconds(nominal - jitter(random));
}

}  // namespace tidb_backups
