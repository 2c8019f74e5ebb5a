// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <set>

#include "core/poll_schedule.h"

using namespace tidb_backups;
using std::chrono::milliseconds;

TEST_CASE("poll pauses start short, double, and stop at the cap", "[poll_schedule]") {
    PollSchedule schedule;  // 2 s first, 30 s cap
    std::mt19937_64 random(1);
    for (int trial = 0; trial < 200; ++trial) {
        // Each pause is its nominal value shortened by at most a fifth.
        auto first = schedule.pause(1, random);
        CHECK(first >= milliseconds(1600));
        CHECK(first <= milliseconds(2000));
        auto second = schedule.pause(2, random);
        CHECK(second >= milliseconds(3200));
        CHECK(second <= milliseconds(4000));
        auto fourth = schedule.pause(4, random);
        CHECK(fourth >= milliseconds(12800));
        CHECK(fourth <= milliseconds(16000));
        // 32 s would pass the cap: 30 s, whatever the poll number.
        for (int poll : {5, 6, 50, 1000000}) {
            auto capped = schedule.pause(poll, random);
            CHECK(capped >= milliseconds(24000));
            CHECK(capped <= milliseconds(30000));
        }
    }
}

TEST_CASE("a cap below the first pause is every pause", "[poll_schedule]") {
    PollSchedule schedule;
    schedule.cap = milliseconds(100);  // --interval 100ms
    std::mt19937_64 random(2);
    for (int poll = 1; poll < 40; ++poll) {
        auto pause = schedule.pause(poll, random);
        CHECK(pause >= milliseconds(80));
        CHECK(pause <= milliseconds(100));
    }
}

TEST_CASE("poll pauses have jitter, and only ever shorten", "[poll_schedule]") {
    PollSchedule schedule;
    std::mt19937_64 random(3);
    std::set<long> seen;
    for (int i = 0; i < 50; ++i) {
        auto pause = schedule.pause(6, random);
        seen.insert(static_cast<long>(pause.count()));
        CHECK(pause <= milliseconds(30000));
    }
    CHECK(seen.size() > 10);
    CHECK(*seen.begin() < 29000);  // drawn across the range, not just below the top
}

TEST_CASE("the same seed gives the same pauses", "[poll_schedule]") {
    PollSchedule schedule;
    std::mt19937_64 a(9);
    std::mt19937_64 b(9);
    for (int poll = 1; poll < 10; ++poll) {
        CHECK(schedule.pause(poll, a) == schedule.pause(poll, b));
    }
}
