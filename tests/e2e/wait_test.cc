// SPDX-License-Identifier: Apache-2.0
// `wait` against the emulator's backup that goes Running -> Success or Failed after a number of
// requests (--running-for, --then): exit codes, the exact lines in a pipe, --backup-id, usage
// errors that send nothing, the timeout, Ctrl-C during a pause, the progress line on a terminal.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ChildProcess;

namespace {

using SteadyClock = std::chrono::steady_clock;

int requests(const EmulatorProcess& emulator) {
    return emulator.stats()["requests"].get<int>();
}

std::string newest_id(const std::string& cluster) {
    return backup_id(expected_backups(cluster, 3).front());
}

}  // namespace

TEST_CASE("wait: Running then Success is exit 0, one stdout line per change of state",
          "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "3", "--then", "Success"}));
    Cli cli(emulator);
    ProcessResult result = cli.run({"wait", "--id", "c1", "--interval", "100ms"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    const std::string id = newest_id("c1");
    CHECK(result.out == id + " Running\n" + id + " Success\n");
    CHECK(result.err.empty());
    CHECK(requests(emulator) == 4);  // three answered Running, the fourth Success
}

TEST_CASE("wait: Running then Failed is exit 1", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "2", "--then", "Failed"}));
    Cli cli(emulator);
    ProcessResult result = cli.run({"wait", "--id", "c1", "--interval", "100ms"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    const std::string id = newest_id("c1");
    CHECK(result.out == id + " Running\n" + id + " Failed\n");
    CHECK(result.err.empty());
}

TEST_CASE("wait: still Running at --max-wait is exit 124, soon after it", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "1000000"}));
    Cli cli(emulator);
    const auto started = SteadyClock::now();
    ProcessResult result =
        cli.run({"wait", "--id", "c1", "--max-wait", "600ms", "--interval", "100ms"});
    const auto took = SteadyClock::now() - started;
    INFO(result.describe());
    CHECK(result.exit_code == 124);
    const std::string id = newest_id("c1");
    CHECK(result.out == id + " Running\n");
    CHECK(result.err == "tidb-backups: error: timed out: backup " + id +
                            " is still Running after --max-wait 600ms\n"
                            "hint: the backup goes on; wait longer with a larger --max-wait\n");
    CHECK(took >= 600ms);
    CHECK(took < 10s);
    CHECK(requests(emulator) >= 4);  // 0.6 s of pauses of at most 0.1 s, and a last poll
}

TEST_CASE("wait: --backup-id follows the named backup", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "2"}));
    Cli cli(emulator);
    const std::vector<BackupObject> served = expected_backups("c1", 3);

    SECTION("an older one, already Success: exit 0 at the first poll") {
        const std::string older = backup_id(served[1]);
        ProcessResult result = cli.run({"wait", "--id", "c1", "--backup-id", older});
        INFO(result.describe());
        CHECK(result.exit_code == 0);
        CHECK(result.out == older + " Success\n");
        CHECK(requests(emulator) == 1);
    }
    SECTION("the newest, Running until the third request") {
        const std::string newest = backup_id(served[0]);
        ProcessResult result =
            cli.run({"wait", "--id", "c1", "--backup-id", newest, "--interval", "100ms"});
        INFO(result.describe());
        CHECK(result.exit_code == 0);
        CHECK(result.out == newest + " Running\n" + newest + " Success\n");
        CHECK(requests(emulator) == 3);
    }
    SECTION("one the cluster does not list: exit 2 at once, naming the newest") {
        ProcessResult result = cli.run({"wait", "--id", "c1", "--backup-id", "bk-nope"});
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err ==
              "tidb-backups: error: backup bk-nope not found among the 3 backups "
              "of cluster c1 (the newest is " +
                  backup_id(served[0]) + ")\nhint: see them with: tidb-backups list --id c1\n");
        CHECK(requests(emulator) == 1);
    }
}

TEST_CASE("wait: an API error is exit 3, as for list", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--unknown-id", "gone"}));
    Cli cli(emulator);
    ProcessResult result = cli.run({"wait", "--id", "gone"});
    INFO(result.describe());
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(result.err.find("230") != std::string::npos);
}

TEST_CASE("wait: bad flags are exit 2 and send nothing", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    const std::vector<std::vector<std::string>> refused = {
        {"wait"},
        {"wait", "--id", "c1", "--id", "c2", "--backup-id", "bk-1"},
        {"wait", "--id", ""},
        {"wait", "--id", "c1", "--backup-id", ""},
        {"wait", "--id", "c1", "--max-wait", "2"},
        {"wait", "--id", "c1", "--max-wait", "0s"},
        {"wait", "--id", "c1", "--interval", "10ms"},
        {"wait", "--id", "c1", "--interval", "soon"},
        {"wait", "--id", "c1", "--for", "2h"},
        {"wait", "--id", "c1", "--timeout", "x"},
    };
    for (const auto& args : refused) {
        ProcessResult result = cli.run(args);
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
    }
    CHECK(requests(emulator) == 0);
}

TEST_CASE("wait: Ctrl-C during the pause between polls stops it at once", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "1000000"}));
    Cli cli(emulator);
    // The pause after the second poll is 3.2 to 4 s (2 s doubled, less up to a fifth).
    ChildProcess child(cli_spec(cli, {"wait", "--id", "c1", "--interval", "30s"}));
    REQUIRE(eventually([&] { return requests(emulator) >= 2; }));
    const auto sent = SteadyClock::now();
    child.send_signal(SIGINT);
    ProcessResult result = child.wait();
    const auto took = SteadyClock::now() - sent;
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 130);
    CHECK(took < 2s);
    CHECK(result.out == newest_id("c1") + " Running\n");
    CHECK(result.err == "tidb-backups: interrupted\n");
    CHECK(requests(emulator) == 2);  // no poll after the signal
}

TEST_CASE("wait: a progress line on a terminal's stderr, stdout unchanged", "[e2e][wait]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "1"}));
    Cli cli(emulator);
    // The first pause: 2 s nominal, 1.6 s at the least, so the line is drawn twice.
    ProcessResult result =
        testing::run_in_pty(cli_spec(cli, {"wait", "--id", "c1", "--interval", "2s"}), false, true);
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    const std::string id = newest_id("c1");
    CHECK(result.out == id + " Running\n" + id + " Success\n");
    // The backup's age comes from the real clock, not the emulator's: not compared.
    const std::string erase = "\r\x1b[K";
    const std::string start = erase + "waiting for backup " + id + ": Running, started ";
    CHECK(result.err.rfind(start, 0) == 0);
    const std::size_t second = result.err.find(", next poll in 2s" + start);
    CHECK(second != std::string::npos);
    CHECK(result.err.find(", next poll in 1s" + erase, second) != std::string::npos);
    CHECK(result.err.ends_with("s" + erase));
    CHECK(result.err.find('\n') == std::string::npos);
}

TEST_CASE("wait: several clusters, each line prefixed with its cluster, exit 0 when all succeed",
          "[e2e][wait][fleet]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "2", "--then", "Success"}));
    Cli cli(emulator);
    ProcessResult result = cli.run({"wait", "--id", "c1,c2", "--interval", "100ms"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    const std::string c1 = newest_id("c1");
    const std::string c2 = newest_id("c2");
    // Each round asks both clusters; a line only where a State changed.
    CHECK(result.out == "c1 " + c1 + " Running\nc2 " + c2 + " Running\nc1 " + c1 + " Success\nc2 " +
                            c2 + " Success\n");
    CHECK(result.err.empty());
    CHECK(requests(emulator) == 6);
}

TEST_CASE("wait: a finished cluster is not asked again, one Failed among them is exit 1",
          "[e2e][wait][fleet]") {
    // Only c2's newest backup runs; c1's is as the catalog has it.
    EmulatorProcess emulator(
        emulator_args(3, {"--running-for", "3", "--then", "Failed", "--running-cluster", "c2"}));
    const BackupObject c1 = expected_backups("c1", 3).front();
    const std::string c1_state = c1.at("State").get<std::string>();
    REQUIRE((c1_state == "Success" || c1_state == "Failed"));
    Cli cli(emulator);
    ProcessResult result = cli.run({"wait", "--id", "c1", "--id", "c2", "--interval", "100ms"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    const std::string c2 = newest_id("c2");
    CHECK(result.out == "c1 " + backup_id(c1) + " " + c1_state + "\nc2 " + c2 + " Running\nc2 " +
                            c2 + " Failed\n");
    CHECK(requests(emulator) == 1 + 4);  // c1 once; c2 three times Running, then Failed
}

TEST_CASE("wait: --ids-from across regions names each cluster with its region",
          "[e2e][wait][fleet]") {
    EmulatorProcess emulator(emulator_args(3, {"--running-for", "1", "--then", "Success"}));
    Cli cli(emulator);  // SIGCALCLOUD_REGION=cn-zj: the region of c2
    ProcessResult result =
        cli.run({"wait", "--ids-from", "-", "--interval", "100ms"}, "cn-bj2 c1\nc2\n");
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    const std::string c1 = newest_id("c1");
    const std::string c2 = newest_id("c2");
    CHECK(result.out == "cn-bj2 c1 " + c1 + " Running\ncn-zj c2 " + c2 + " Running\ncn-bj2 c1 " +
                            c1 + " Success\ncn-zj c2 " + c2 + " Success\n");
    const nlohmann::json stats = emulator.stats();
    std::vector<std::pair<std::string, std::string>> asked;
    for (const auto& request : stats["recent"]) {
        asked.emplace_back(request["Id"].get<std::string>(), request["Region"].get<std::string>());
    }
    std::sort(asked.begin(), asked.end());
    CHECK(asked == std::vector<std::pair<std::string, std::string>>{
                       {"c1", "cn-bj2"}, {"c1", "cn-bj2"}, {"c2", "cn-zj"}, {"c2", "cn-zj"}});
}

TEST_CASE("wait: at --max-wait a fleet's message names what is still running, exit 124",
          "[e2e][wait][fleet]") {
    EmulatorProcess emulator(
        emulator_args(3, {"--running-for", "1000000", "--running-cluster", "c2"}));
    Cli cli(emulator);
    ProcessResult result =
        cli.run({"wait", "--id", "c1,c2", "--interval", "100ms", "--max-wait", "300ms"});
    INFO(result.describe());
    CHECK(result.exit_code == 124);
    CHECK(result.err == "tidb-backups: error: timed out: c2 backup " + newest_id("c2") +
                            " is still Running after --max-wait 300ms\n"
                            "hint: the backup goes on; wait longer with a larger --max-wait\n");
}
