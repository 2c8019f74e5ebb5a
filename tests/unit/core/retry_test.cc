// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <set>

#include "core/retry.h"

using namespace tidb_backups;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles per retry within equal-jitter bounds and is capped", "[retry]") {
    RetryPolicy policy;
    policy.base = milliseconds(100);
    policy.cap = milliseconds(1000);
    std::mt19937_64 random(42);
    for (int trial = 0; trial < 50; ++trial) {
        auto first = policy.backoff(1, random);
        CHECK(first >= milliseconds(50));
        CHECK(first <= milliseconds(100));
        auto third = policy.backoff(3, random);
        CHECK(third >= milliseconds(200));
        CHECK(third <= milliseconds(400));
        auto tenth = policy.backoff(10, random);
        CHECK(tenth >= milliseconds(500));
        CHECK(tenth <= milliseconds(1000));
    }
}

TEST_CASE("backoff has jitter", "[retry]") {
    RetryPolicy policy;
    std::mt19937_64 random(7);
    std::set<long> seen;
    for (int i = 0; i < 20; ++i) {
        seen.insert(static_cast<long>(policy.backoff(2, random).count()));
    }
    CHECK(seen.size() > 1);
}

TEST_CASE("Retry-After in seconds is honoured up to the cap", "[retry]") {
    CHECK(parse_retry_after("3", milliseconds(8000)) == milliseconds(3000));
    CHECK(parse_retry_after("120", milliseconds(8000)) == milliseconds(8000));
    CHECK(parse_retry_after("", milliseconds(8000)) == milliseconds(0));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", milliseconds(8000)) ==
          milliseconds(0));
    CHECK(parse_retry_after("-1", milliseconds(8000)) == milliseconds(0));
}
