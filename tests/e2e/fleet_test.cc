// SPDX-License-Identifier: Apache-2.0
// Fleets across regions: --ids-from lines "REGION ID" beside "ID"; each cluster is asked with its
// own region (the emulator records the Region of every request), and every output carries it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// (Id, Region) of every request the emulator answered.
std::multiset<std::pair<std::string, std::string>> asked(const EmulatorProcess& emulator) {
    std::multiset<std::pair<std::string, std::string>> pairs;
    const nlohmann::json stats = emulator.stats();  // kept: the loop reads into it
    for (const auto& request : stats["recent"]) {
        pairs.emplace(request["Id"].get<std::string>(), request["Region"].get<std::string>());
    }
    return pairs;
}

const std::multiset<std::pair<std::string, std::string>> kAskedOnce = {
    {"a", "cn-bj2"}, {"b", "cn-zj"}, {"c", "cn-sh2"}};

constexpr const char* kFleet = "# fleet\ncn-bj2 a\nb\n  cn-sh2\tc  \n";

}  // namespace

TEST_CASE("list: each cluster is asked with its own region, and json carries it", "[e2e][fleet]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);  // SIGCALCLOUD_REGION=cn-zj: the region of "b"
    auto result = cli.run({"list", "--ids-from", "-", "-o", "json", "--concurrency", "2"}, kFleet);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(asked(emulator) == kAskedOnce);
    auto backups = nlohmann::ordered_json::parse(result.out);
    REQUIRE(backups.size() == 6);
    CHECK(backups[0].begin().key() == "ClusterId");
    CHECK(std::next(backups[0].begin()).key() == "Region");
    CHECK(backups[0]["ClusterId"] == "a");
    CHECK(backups[0]["Region"] == "cn-bj2");
    CHECK(backups[2]["Region"] == "cn-zj");
    CHECK(backups[5]["ClusterId"] == "c");
    CHECK(backups[5]["Region"] == "cn-sh2");
}

TEST_CASE("list: csv, tsv, ndjson and the table show the Region column when regions differ",
          "[e2e][fleet]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    auto csv = cli.run({"list", "--ids-from", "-", "-o", "csv"}, kFleet);
    INFO(csv.describe());
    const std::string a = backup_id(expected_backups("a", 1)[0]);
    CHECK(lines_of(csv.out)[0] ==
          "ClusterId,Region,BackupId,BackupStartTime,BackupEndTime,BackupSize,State,BackupType");
    CHECK(lines_of(csv.out)[1].rfind("a,cn-bj2," + a + ",", 0) == 0);

    auto tsv =
        cli.run({"list", "--ids-from", "-", "-o", "tsv", "--fields", "Region,ClusterId"}, kFleet);
    CHECK(tsv.out == "Region\tClusterId\ncn-bj2\ta\ncn-zj\tb\ncn-sh2\tc\n");

    auto ndjson = cli.run({"list", "--ids-from", "-", "-o", "ndjson"}, kFleet);
    CHECK(nlohmann::json::parse(lines_of(ndjson.out)[2])["Region"] == "cn-sh2");

    auto table = cli.run({"list", "--ids-from", "-"}, kFleet);
    auto rows = lines_of(table.out);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].rfind("CLUSTER  REGION  ", 0) == 0);
    CHECK(rows[1].rfind("a        cn-bj2  " + a, 0) == 0);

    // One region for all: no Region column, as before.
    auto same = cli.run({"list", "--id", "a", "--id", "b", "-o", "csv"});
    CHECK(lines_of(same.out)[0].rfind("ClusterId,BackupId,", 0) == 0);
}

TEST_CASE("list: every line naming its region needs no --region", "[e2e][fleet]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_REGION");
    auto result = cli.run({"list", "--ids-from", "-", "-o", "tsv", "--fields", "ClusterId,Region"},
                          "cn-bj2 a\ncn-sh2 c\n");
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out == "ClusterId\tRegion\na\tcn-bj2\nc\tcn-sh2\n");
    auto missing = cli.run({"list", "--ids-from", "-"}, "cn-bj2 a\nb\n");
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("no region given") != std::string::npos);
}

TEST_CASE("list --dry-run signs each cluster's request for its region", "[e2e][fleet]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    auto result = cli.run({"list", "--ids-from", "-", "--dry-run"}, "cn-bj2 a\nb\n");
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("&Id=a&") != std::string::npos);
    CHECK(result.out.find("Region=cn-bj2") != std::string::npos);
    CHECK(result.out.find("Region=cn-zj") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("check: each cluster in its region, region in every output", "[e2e][fleet]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    auto human = cli.run({"check", "--ids-from", "-", "--max-age", "10000d"}, kFleet);
    INFO(human.describe());
    CHECK(human.exit_code == 0);
    CHECK(asked(emulator) == kAskedOnce);
    auto lines = lines_of(human.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind("cn-bj2 a OK: ", 0) == 0);
    CHECK(lines[1].rfind("cn-zj b OK: ", 0) == 0);
    CHECK(lines[2].rfind("cn-sh2 c OK: ", 0) == 0);

    auto prometheus = cli.run({"check", "--ids-from", "-", "-o", "prometheus"}, kFleet);
    CHECK(prometheus.out.find("tidb_backup_api_up{cluster=\"a\",region=\"cn-bj2\"} 1\n") !=
          std::string::npos);
    CHECK(prometheus.out.find("tidb_backup_api_up{cluster=\"c\",region=\"cn-sh2\"} 1\n") !=
          std::string::npos);

    auto json = cli.run({"check", "--ids-from", "-", "-o", "json"}, kFleet);
    auto document = nlohmann::json::parse(json.out);
    REQUIRE(document.size() == 3);
    CHECK(document[0]["region"] == "cn-bj2");
    CHECK(document[1]["region"] == "cn-zj");
    CHECK(document[2]["region"] == "cn-sh2");
}
