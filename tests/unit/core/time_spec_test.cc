// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/time_spec.h"

using namespace tidb_backups;

TEST_CASE("parse_duration takes units and combinations", "[time_spec]") {
    CHECK(parse_duration("90m") == 5400);
    CHECK(parse_duration("26h") == 93600);
    CHECK(parse_duration("7d") == 604800);
    CHECK(parse_duration("2w") == 1209600);
    CHECK(parse_duration("45s") == 45);
    CHECK(parse_duration("1h30m") == 5400);
}

TEST_CASE("parse_duration refuses what is ambiguous or wrong", "[time_spec]") {
    for (const char* bad :
         {"", "30", "m", "7x", "-5m", "0m", "1.5h", "h1", "1h30", "99999999999999999999d", " 7d"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration(bad));
    }
}

TEST_CASE("parse_duration_millis takes milliseconds as well", "[time_spec]") {
    CHECK(parse_duration_millis("100ms") == 100);
    CHECK(parse_duration_millis("2s") == 2000);
    CHECK(parse_duration_millis("1s500ms") == 1500);
    CHECK(parse_duration_millis("1m30s") == 90000);
    CHECK(parse_duration_millis("2h") == 7200000);
    for (const char* bad : {"", "100", "0ms", "ms", "1.5s", "-1s", "10x", "1mss", "5 s"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration_millis(bad));
    }
    // Whole seconds only where only they make sense.
    CHECK_FALSE(parse_duration("1500ms"));
}

TEST_CASE("parse_time_point reads ISO dates and times with zones", "[time_spec]") {
    CHECK(parse_time_point("2025-11-27T03:00:00Z", 0) == 1764212400);
    CHECK(parse_time_point("2025-11-27 03:00Z", 0) == 1764212400);
    CHECK(parse_time_point("2025-11-27T11:00+08:00", 0) == 1764212400);
    CHECK(parse_time_point("2025-11-26T22:00-05:00", 0) == 1764212400);
    CHECK(parse_time_point("2024-02-29Z", 0) == 1709164800);
}

TEST_CASE("parse_time_point without a zone is local time", "[time_spec]") {
    setenv("TZ", "Asia/Shanghai", 1);
    CHECK(parse_time_point("2025-11-27 11:00", 0) == 1764212400);
    CHECK(parse_time_point("2025-11-27", 0) == 1764172800);
    setenv("TZ", "UTC", 1);
    CHECK(parse_time_point("2025-11-27 03:00", 0) == 1764212400);
}

TEST_CASE("parse_time_point takes an age before now", "[time_spec]") {
    CHECK(parse_time_point("7d", 1000000) == 1000000 - 604800);
    CHECK(parse_time_point("90m", 10000) == 4600);
}

TEST_CASE("parse_time_point refuses malformed dates", "[time_spec]") {
    for (const char* bad :
         {"2025-13-01", "2025-02-30", "2023-02-29", "2025-11-27T25:00", "2025-11-27T03:00+8",
          "27/11/2025", "yesterday", "2025-11-27T03:00:00ZZ"}) {
        INFO(bad);
        CHECK_FALSE(parse_time_point(bad, 0));
    }
}

TEST_CASE("format_age shows the two largest units", "[time_spec]") {
    CHECK(format_age(11520) == "3h12m");
    CHECK(format_age(45) == "45s");
    CHECK(format_age(2 * 86400 + 4 * 3600 + 59) == "2d04h");
}
