// SPDX-License-Identifier: Apache-2.0
// The emulator's backup that changes state while a client polls it (--running-for, --then,
// --running-cluster), seen through the real CLI, as the future `wait` command will see it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// The newest backup of `cluster` as one `list --limit 1` (one request) sees it.
BackupObject newest(const Cli& cli, const std::string& cluster) {
    ProcessResult result = cli.run({"list", "--id", cluster, "--limit", "1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    BackupObject list = BackupObject::parse(result.out);
    REQUIRE(list.size() == 1);
    return list[0];
}

ProcessResult run_emulator(const std::vector<std::string>& args) {
    testing::ProcessSpec spec;
    spec.argv = {TIDB_BACKUPS_EMULATOR_BIN, "--port", "0"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
    spec.timeout = std::chrono::seconds(10);
    return testing::run_process(spec);
}

}  // namespace

TEST_CASE("emulator: --running-for N --then Failed", "[e2e][emulator][transition]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "2", "--then", "Failed"}));
    Cli cli(emulator);
    const BackupObject served = expected_backups("c1", 3).front();
    for (int poll = 1; poll <= 2; ++poll) {
        INFO("poll " << poll);
        BackupObject backup = newest(cli, "c1");
        CHECK(backup["BackupId"] == served["BackupId"]);
        CHECK(backup["State"] == "Running");
        CHECK(backup["BackupEndTime"] == 0);
    }
    BackupObject failed = newest(cli, "c1");
    CHECK(failed["State"] == "Failed");
    CHECK(failed["BackupEndTime"] == served["BackupEndTime"]);
    // Each cluster counts its own requests.
    CHECK(newest(cli, "c2")["State"] == "Running");
}

TEST_CASE("emulator: --running-cluster and the default --then Success",
          "[e2e][emulator][transition]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "1", "--running-cluster", "c1"}));
    Cli cli(emulator);
    CHECK(newest(cli, "c2")["State"] == "Success");
    CHECK(newest(cli, "c1")["State"] == "Running");
    CHECK(newest(cli, "c1") == expected_backups("c1", 3).front());
}

TEST_CASE("emulator: transition flags out of place are usage errors",
          "[e2e][emulator][transition]") {
    const std::vector<std::vector<std::string>> refused = {
        {"--running-for", "-1"},
        {"--running-for", "2", "--then", "Deleted"},
        {"--then", "Failed"},
        {"--running-cluster", "c1"},
    };
    for (const auto& args : refused) {
        ProcessResult result = run_emulator(args);
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err.rfind("tidb-backups-emulator: error: ", 0) == 0);
    }
}
