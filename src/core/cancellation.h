// SPDX-License-Identifier: Apache-2.0
// Cooperative cancellation for Ctrl-C: a flag that long waits (backoff sleeps, the listing's
// result queue) watch, and callbacks that cut what cannot watch it (a socket mid-read).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

namespace tidb_backups {

class Cancellation {
  public:
    // Sets the flag, wakes every sleeper and runs the callbacks; later calls do nothing.
    void cancel();
    bool cancelled() const;

    // Waits `delay` or until cancelled; false when cancelled.
    bool sleep_for(std::chrono::milliseconds delay);

    // Runs `callback` on cancel (at once if already cancelled). The id removes it again.
    std::size_t on_cancel(std::function<void()> callback);
    void remove(std::size_t id);

  private:
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool cancelled_ = false;
    std::size_t next_id_ = 0;
    std::map<std::size_t, std::function<void()>> callbacks_;
};

}  // namespace tidb_backups
