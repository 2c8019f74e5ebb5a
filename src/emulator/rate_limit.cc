// SPDX-License-Identifier: Apache-2.0
#include "emulator/rate_limit.h"

#include <algorithm>

namespace tidb_backups::emulator {

TokenBucket::TokenBucket(double per_second, Clock::time_point now)
    : per_second_(per_second),
      capacity_(std::max(per_second, 1.0)),
      tokens_(capacity_),
      refilled_(now) {}

bool TokenBucket::take(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (now > refilled_) {
        const std::chrono::duration<double> elapsed = now - refilled_;
        tokens_ = std::min(capacity_, tokens_ + elapsed.count() * per_second_);
        refilled_ = now;
    }
    if (tokens_ < 1.0) {
        return false;
    }
    tokens_ -= 1.0;
    return true;
}

}  // namespace tidb_backups::emulator
