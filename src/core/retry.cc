// SPDX-License-Identifier: Apache-2.0
#include "core/retry.h"

#include <algorithm>
#include <charconv>

namespace tidb_backups {

std::chrono::milliseconds RetryPolicy::backoff(int retry, std::mt19937_64& random) const {
    std::int64_t ceiling = base.count();
    for (int i = 1; i < retry && ceiling < cap.count(); ++i) {
        ceiling *= 2;
    }
    ceiling = std::min<std::int64_t>(ceiling, cap.count());
    std::int64_t half = ceiling / 2;
    std::uniform_int_distribution<std::int64_t> jitter(0, ceiling - half);
    return std::chrono::milliseconds(half + jitter(random));
}

std::chrono::milliseconds parse_retry_after(std::string_view header,
                                            std::chrono::milliseconds cap) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
    if (header.empty() || ec != std::errc{} || end != header.data() + header.size() ||
        seconds < 0) {
        return std::chrono::milliseconds(0);
    }
    return std::min<std::chrono::milliseconds>(
        std::chrono::seconds(std::min<std::int64_t>(seconds, 3600)), cap);
}

}  // namespace tidb_backups
