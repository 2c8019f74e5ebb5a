// SPDX-License-Identifier: Apache-2.0
// --dry-run is bounded: at most three requests of each cluster, then one line telling how many
// more would follow and at which offsets, however large --limit is; and Ctrl-C stops it.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/form.h"
#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;

namespace {

// The form bodies --dry-run printed (the lines that start with "Action="), in order.
std::vector<Params> bodies_of(const std::string& out) {
    std::vector<Params> bodies;
    for (const auto& line : lines_of(out)) {
        if (line.rfind("Action=", 0) == 0) {
            auto params = form_decode(line);
            REQUIRE(params);
            bodies.push_back(*params);
        }
    }
    return bodies;
}

std::string param(const Params& params, const std::string& name) {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return value;
        }
    }
    return "(absent)";
}

// The lines that start with "# ".
std::vector<std::string> notes_of(const std::string& out) {
    std::vector<std::string> notes;
    for (const auto& line : lines_of(out)) {
        if (line.rfind("# ", 0) == 0) {
            notes.push_back(line);
        }
    }
    return notes;
}

ProcessResult dry_run(const Cli& cli, std::vector<std::string> args) {
    testing::ProcessSpec spec = cli_spec(cli, args);
    spec.timeout = 20s;  // a dry run that walks 3 billion pages would take minutes
    return testing::run_process(spec);
}

}  // namespace

TEST_CASE("dry run: a huge --limit shows three requests and how many more would follow",
          "[e2e][dry-run]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    auto started = std::chrono::steady_clock::now();
    ProcessResult result =
        dry_run(cli, {"list", "--id", "c1", "--dry-run", "--limit", "100000000000"});
    INFO(result.describe());
    REQUIRE_FALSE(result.timed_out);
    REQUIRE(result.exit_code == 0);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(result.err.empty());
    CHECK(emulator.stats()["requests"] == 0);
    auto bodies = bodies_of(result.out);
    REQUIRE(bodies.size() == 3);
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        CHECK(param(bodies[i], "Id") == "c1");
        CHECK(param(bodies[i], "Limit") == "30");
        CHECK(param(bodies[i], "Offset") == std::to_string(30 * i));
    }
    // 100000000000 backups in pages of 30: 3333333334 requests, the last for 10 at offset
    // 99999999990.
    CHECK(notes_of(result.out) ==
          std::vector<std::string>{"# 3333333331 more requests not shown for cluster c1: "
                                   "Offset=90, 120, ..., 99999999990; Limit=30, the last "
                                   "Limit=10"});
    CHECK(lines_of(result.out).back() == notes_of(result.out).back());
}

TEST_CASE("dry run: three requests per cluster, each cluster with its own line", "[e2e][dry-run]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    ProcessResult result = dry_run(cli, {"list", "--id", "a", "--id", "b", "--dry-run", "--limit",
                                         "1000", "--offset", "5", "--page-size", "20"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto bodies = bodies_of(result.out);
    REQUIRE(bodies.size() == 6);
    CHECK(param(bodies[0], "Id") == "a");
    CHECK(param(bodies[2], "Offset") == "45");
    CHECK(param(bodies[3], "Id") == "b");
    CHECK(param(bodies[3], "Offset") == "5");
    CHECK(notes_of(result.out) ==
          std::vector<std::string>{
              "# 47 more requests not shown for cluster a: Offset=65, 85, ..., 985; Limit=20",
              "# 47 more requests not shown for cluster b: Offset=65, 85, ..., 985; Limit=20"});
}

TEST_CASE("dry run: the line for the rest names one or two requests exactly", "[e2e][dry-run]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    struct Case {
        const char* limit;
        std::size_t shown;
        std::vector<std::string> notes;
    };
    const std::vector<Case> cases = {
        {"90", 3, {}},
        {"100", 3, {"# 1 more request not shown for cluster c1: Offset=90; Limit=10"}},
        {"120", 3, {"# 1 more request not shown for cluster c1: Offset=90; Limit=30"}},
        {"150", 3, {"# 2 more requests not shown for cluster c1: Offset=90, 120; Limit=30"}},
        {"140",
         3,
         {"# 2 more requests not shown for cluster c1: Offset=90, 120; Limit=30, the last "
          "Limit=20"}},
        {"7", 1, {}},
    };
    for (const auto& c : cases) {
        INFO("--limit " << c.limit);
        ProcessResult result =
            dry_run(cli, {"list", "--id", "c1", "--dry-run", "--limit", c.limit});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(bodies_of(result.out).size() == c.shown);
        CHECK(notes_of(result.out) == c.notes);
    }
}

TEST_CASE("dry run: Ctrl-C stops a long one with exit 130", "[e2e][dry-run][interrupt]") {
    // Three signed requests for each of many clusters (10000, the most --ids-from takes) take a
    // while to print.
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::string ids;
    for (int i = 0; i < 10000; ++i) {
        ids += "cluster-" + std::to_string(i) + "\n";
    }
    std::string file = cli.home().write_file("ids.txt", ids);
    testing::ProcessSpec spec =
        cli_spec(cli, {"list", "--ids-from", file, "--dry-run", "--limit", "1000"});
    testing::ChildProcess child(spec);
    REQUIRE(
        eventually([&] { return child.out_so_far().find("Id=cluster-") != std::string::npos; }));
    auto sent = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    ProcessResult result = child.wait();
    INFO(result.err);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 130);
    CHECK(std::chrono::steady_clock::now() - sent < 5s);
    CHECK(result.err == "tidb-backups: interrupted\n");
    // It stopped part-way: the last cluster's requests were never printed.
    CHECK(result.out.find("Id=cluster-9999&") == std::string::npos);
}
