// SPDX-License-Identifier: Apache-2.0
#include "core/cancellation.h"

#include <vector>

namespace tidb_backups {

void Cancellation::cancel() {
    std::vector<std::function<void()>> to_run;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_) {
            return;
        }
        cancelled_ = true;
        for (auto& [id, callback] : callbacks_) {
            to_run.push_back(callback);
        }
    }
    wake_.notify_all();
    for (auto& callback : to_run) {
        callback();
    }
}

bool Cancellation::cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
}

bool Cancellation::sleep_for(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, delay, [this] { return cancelled_; });
}

std::size_t Cancellation::on_cancel(std::function<void()> callback) {
    std::unique_lock lock(mutex_);
    if (cancelled_) {
        lock.unlock();
        callback();
        return 0;
    }
    std::size_t id = ++next_id_;
    callbacks_.emplace(id, std::move(callback));
    return id;
}

void Cancellation::remove(std::size_t id) {
    std::lock_guard lock(mutex_);
    callbacks_.erase(id);
}

}  // namespace tidb_backups
