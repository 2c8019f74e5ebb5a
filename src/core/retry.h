// SPDX-License-Identifier: Apache-2.0
// When and how long to wait before trying a request again: exponential backoff with jitter,
// only for failures that a later attempt can fix.
#pragma once

#include <chrono>
#include <random>
#include <string_view>

namespace tidb_backups {

struct RetryPolicy {
    int retries = 3;                      // attempts after the first
    std::chrono::milliseconds base{250};  // the first backoff is about this long
    std::chrono::milliseconds cap{8000};  // no backoff is longer than this

    // The wait before retry number `retry` (1-based): half of base*2^(retry-1), capped, plus a
    // random part of the same size ("equal jitter"), so workers retrying together spread out.
    std::chrono::milliseconds backoff(int retry, std::mt19937_64& random) const;
};

// A Retry-After header (delta seconds only) as a duration, capped; zero when absent or unusable.
std::chrono::milliseconds parse_retry_after(std::string_view header, std::chrono::milliseconds cap);

}  // namespace tidb_backups
