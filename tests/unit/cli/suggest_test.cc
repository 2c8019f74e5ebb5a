// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "cli/suggest.h"

using namespace tidb_backups;

TEST_CASE("edit distance counts a swap of neighbours as one edit, any case", "[suggest]") {
    CHECK(edit_distance("lsit", "list") == 1);
    CHECK(edit_distance("maxage", "max-age") == 1);
    CHECK(edit_distance("versoin", "version") == 1);
    CHECK(edit_distance("JSON", "json") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest keeps only words close enough to be a typo", "[suggest]") {
    const std::vector<std::string> commands = {"list", "check", "configure", "completion", "help"};
    CHECK(nearest("lsit", commands) == std::vector<std::string>{"list"});
    CHECK(nearest("chek", commands) == std::vector<std::string>{"check"});
    CHECK(nearest("confgure", commands) == std::vector<std::string>{"configure"});
    CHECK(nearest("frobnicate", commands).empty());
    CHECK(nearest("--maxage", {"--max-age", "--id", "--state"}) ==
          std::vector<std::string>{"--max-age"});
    CHECK(nearest("Succes", {"Success", "Failed", "Running"}) ==
          std::vector<std::string>{"Success"});
}

TEST_CASE("did you mean names one or several words", "[suggest]") {
    CHECK(did_you_mean({}).empty());
    CHECK(did_you_mean({"list"}) == "did you mean list?");
    CHECK(did_you_mean({"a", "b", "c"}) == "did you mean a, b or c?");
}
