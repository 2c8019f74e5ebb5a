// SPDX-License-Identifier: Apache-2.0
// Epoch seconds as UTC dates and times, worked out by the test itself with the standard
// library's civil calendar (<chrono>): never with the project's formatting or parsing, which
// is what the tests that use this check.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace tidb_backups::e2e {

// "2026-11-18T08:06:40Z".
inline std::string iso_utc(std::int64_t epoch_seconds) {
    using namespace std::chrono;
    const sys_seconds time{seconds{epoch_seconds}};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

// Epoch seconds of midnight UTC on the day of `epoch_seconds`.
inline std::int64_t utc_midnight(std::int64_t epoch_seconds) {
    using namespace std::chrono;
    return floor<days>(sys_seconds{seconds{epoch_seconds}}).time_since_epoch().count() * 86400;
}

}  // namespace tidb_backups::e2e
