// SPDX-License-Identifier: Apache-2.0
// The request rate of a whole run, learned from the API's "rate limit exceeded" (RetCode 153)
// and shared by every worker, so that a fleet at high --concurrency slows down together instead
// of each worker retrying on its own into the same limit.
//
// Until the first 153 nothing is paced: a run that is never limited pays one mutex a request.
// On a 153 the rate becomes 90% of the answers the API accepted over the last second (what it
// let through is the best measure of what it allows; half of what was sent when nothing was
// accepted), but never less than half the rate in force: one short window must not stall a
// run. Further 153s within a second are the same episode and lower nothing. Requests are then
// spaced evenly at that rate, and each accepted answer raises it by 0.02 a second (2% a second
// at a steady rate) to find the limit again when it rises. Never below kMinRate.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace tidb_backups {

class AdaptiveRate {
  public:
    using Clock = std::chrono::steady_clock;

    // Requests a second at the least: patient, but a run still moves.
    static constexpr double kMinRate = 0.5;

    // Takes the next slot to send in: how long to wait from `now` first (zero while unpaced).
    Clock::duration reserve(Clock::time_point now);

    // An answer that was RetCode 153 / any other answer of the API. throttled() returns the new
    // rate when it lowered it.
    std::optional<double> throttled(Clock::time_point now);
    void accepted(Clock::time_point now);

    // Requests a second in force; unset while nothing was limited.
    std::optional<double> rate() const;
    std::int64_t throttled_count() const;

  private:
    static void forget_before(std::deque<Clock::time_point>& times, Clock::time_point start);

    mutable std::mutex mutex_;
    std::optional<double> rate_;
    Clock::time_point next_slot_{};
    Clock::time_point last_decrease_{};
    std::deque<Clock::time_point> sent_;      // requests of the last second
    std::deque<Clock::time_point> accepted_;  // accepted answers of the last second
    std::int64_t throttled_ = 0;
};

}  // namespace tidb_backups
