// SPDX-License-Identifier: Apache-2.0
// Waiting for a real event in a test: poll a condition another thread or process makes true,
// never a blind sleep that hopes it happened.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace tidb_backups::testing {

// Polls `condition` every few milliseconds until it holds (true) or `limit` passes (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace tidb_backups::testing
