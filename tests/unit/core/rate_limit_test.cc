// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <chrono>

#include "core/rate_limit.h"

using namespace tidb_backups;
using std::chrono::milliseconds;
using Clock = AdaptiveRate::Clock;

namespace {

const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1);

// Sends `count` requests at `at` (whatever their slots) and has all of them accepted.
void accept(AdaptiveRate& rate, int count, Clock::time_point at) {
    for (int i = 0; i < count; ++i) {
        (void)rate.reserve(at);
        rate.accepted(at);
    }
}

milliseconds wait_ms(AdaptiveRate& rate, Clock::time_point at) {
    return std::chrono::duration_cast<milliseconds>(rate.reserve(at));
}

}  // namespace

TEST_CASE("rate: nothing is paced until the API says 153", "[rate]") {
    AdaptiveRate rate;
    for (int i = 0; i < 1000; ++i) {
        CHECK(rate.reserve(kStart) == Clock::duration::zero());
        rate.accepted(kStart);
    }
    CHECK_FALSE(rate.rate().has_value());
    CHECK(rate.throttled_count() == 0);
}

TEST_CASE("rate: a 153 paces at 90% of what was accepted in the last second", "[rate]") {
    AdaptiveRate rate;
    accept(rate, 5, kStart - milliseconds(1500));  // older than a second: not counted
    accept(rate, 20, kStart - milliseconds(500));
    REQUIRE(rate.throttled(kStart).value_or(0) == Approx(18.0));
    // Slots 1/18 s apart: 0, 55.5, 111.1, 166.6 ms.
    CHECK(wait_ms(rate, kStart) == milliseconds(0));
    CHECK(wait_ms(rate, kStart) == milliseconds(55));
    CHECK(wait_ms(rate, kStart) == milliseconds(111));
    CHECK(wait_ms(rate, kStart + milliseconds(100)) == milliseconds(66));
    // Idle time is not saved up as a burst.
    CHECK(wait_ms(rate, kStart + std::chrono::seconds(10)) == milliseconds(0));
    CHECK(wait_ms(rate, kStart + std::chrono::seconds(10)) == milliseconds(55));
}

TEST_CASE("rate: 153s within a second of a decrease are one episode", "[rate]") {
    AdaptiveRate rate;
    accept(rate, 10, kStart);
    REQUIRE(rate.throttled(kStart).value_or(0) == Approx(9.0));
    CHECK_FALSE(rate.throttled(kStart + milliseconds(300)).has_value());
    CHECK_FALSE(rate.throttled(kStart + milliseconds(999)).has_value());
    CHECK(rate.rate().value_or(0) == Approx(9.0));
    CHECK(rate.throttled_count() == 3);
    // A second later it is a new episode: 4 accepted since (the rate is 9.08 by then), 90% of
    // 4 is 3.6, but the rate falls to half of 9.08 at the most.
    accept(rate, 4, kStart + milliseconds(1500));
    auto lowered = rate.throttled(kStart + milliseconds(1600));
    REQUIRE(lowered.has_value());
    CHECK(*lowered == Approx(4.54));
    CHECK(rate.throttled_count() == 4);
}

TEST_CASE("rate: a 153 with nothing accepted paces at half of what was sent", "[rate]") {
    AdaptiveRate rate;
    for (int i = 0; i < 8; ++i) {
        CHECK(rate.reserve(kStart) == Clock::duration::zero());
    }
    CHECK(rate.throttled(kStart).value_or(0) == Approx(4.0));
}

TEST_CASE("rate: never below the minimum rate", "[rate]") {
    AdaptiveRate rate;
    CHECK(rate.reserve(kStart) == Clock::duration::zero());
    CHECK(rate.throttled(kStart).value_or(0) == Approx(0.5));
    CHECK(rate.throttled(kStart + std::chrono::seconds(2)).value_or(0) == Approx(0.5));
    CHECK(AdaptiveRate::kMinRate == 0.5);
    // 0.5 a second: slots 2 s apart.
    CHECK(wait_ms(rate, kStart + std::chrono::seconds(3)) == milliseconds(0));
    CHECK(wait_ms(rate, kStart + std::chrono::seconds(3)) == milliseconds(2000));
}

TEST_CASE("rate: each accepted answer raises the rate by 0.02 a second", "[rate]") {
    AdaptiveRate rate;
    accept(rate, 10, kStart);
    REQUIRE(rate.throttled(kStart).value_or(0) == Approx(9.0));
    for (int i = 0; i < 50; ++i) {
        rate.accepted(kStart + milliseconds(100));
    }
    CHECK(*rate.rate() == Approx(10.0));
    // A 153 never raises the rate, whatever was accepted.
    auto lowered = rate.throttled(kStart + milliseconds(1050));
    REQUIRE(lowered.has_value());
    CHECK(*lowered == Approx(10.0));
}
