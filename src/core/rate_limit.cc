// SPDX-License-Identifier: Apache-2.0
#include "core/rate_limit.h"

#include <algorithm>

namespace tidb_backups {

namespace {

constexpr std::chrono::seconds kWindow{1};
constexpr double kAcceptedShare = 0.9;  // of what the API accepted in the last second
constexpr double kSentShare = 0.5;      // of what was sent, when nothing was accepted
constexpr double kLargestCut = 0.5;     // the rate in force falls to half at the most
constexpr double kIncreasePerAnswer = 0.02;

}  // namespace

void AdaptiveRate::forget_before(std::deque<Clock::time_point>& times, Clock::time_point start) {
    while (!times.empty() && times.front() < start) {
        times.pop_front();
    }
}

AdaptiveRate::Clock::duration AdaptiveRate::reserve(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    sent_.push_back(now);
    forget_before(sent_, now - kWindow);
    if (!rate_) {
        return Clock::duration::zero();
    }
    const auto interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / *rate_));
    const Clock::time_point slot = std::max(now, next_slot_);
    next_slot_ = slot + interval;
    return slot - now;
}

std::optional<double> AdaptiveRate::throttled(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    ++throttled_;
    if (rate_ && now - last_decrease_ < kWindow) {
        return std::nullopt;  // the same episode: answers to requests sent before the decrease
    }
    forget_before(accepted_, now - kWindow);
    forget_before(sent_, now - kWindow);
    double learned = accepted_.empty() ? kSentShare * static_cast<double>(sent_.size())
                                       : kAcceptedShare * static_cast<double>(accepted_.size());
    if (rate_) {
        learned = std::clamp(learned, *rate_ * kLargestCut, *rate_);
    }
    rate_ = std::max(learned, kMinRate);
    last_decrease_ = now;
    return rate_;
}

void AdaptiveRate::accepted(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    accepted_.push_back(now);
    forget_before(accepted_, now - kWindow);
    if (rate_) {
        *rate_ += kIncreasePerAnswer;
    }
}

std::optional<double> AdaptiveRate::rate() const {
    std::lock_guard lock(mutex_);
    return rate_;
}

std::int64_t AdaptiveRate::throttled_count() const {
    std::lock_guard lock(mutex_);
    return throttled_;
}

}  // namespace tidb_backups
