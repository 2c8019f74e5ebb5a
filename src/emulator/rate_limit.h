// SPDX-License-Identifier: Apache-2.0
// The API's rate limit as the emulator plays it (--rate-limit N): a token bucket that holds one
// second of requests (one request at least) and refills at N a second. A request that finds it
// empty is answered with RetCode 153, as the real API answers a client that asks too fast.
#pragma once

#include <chrono>
#include <mutex>

namespace tidb_backups::emulator {

// --rate-limit at most: far above what one loopback client can send.
inline constexpr double kMaxRateLimit = 1'000'000;

class TokenBucket {
  public:
    using Clock = std::chrono::steady_clock;

    // Full at first: `per_second` requests (at least one) may arrive at once.
    TokenBucket(double per_second, Clock::time_point now);

    // Takes one token if there is one at `now`; false: the request is over the limit.
    bool take(Clock::time_point now);

  private:
    std::mutex mutex_;
    double per_second_;
    double capacity_;
    double tokens_;
    Clock::time_point refilled_;
};

}  // namespace tidb_backups::emulator
