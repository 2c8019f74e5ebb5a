// SPDX-License-Identifier: Apache-2.0
// Ctrl-C (and SIGTERM, SIGHUP) while requests are in flight: the CLI stops at once rather than at
// the end of --timeout, exits 128 + the signal, and stdout never holds a truncated document.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::ProcessSpec;

namespace {

using Clock = std::chrono::steady_clock;

// The CLI as a child the test can signal; the timeout only guards against a CLI that ignores
// the signal, far above anything a passing test waits.
// Polls `condition` until it holds or `limit` passes; true if it held.
int requests(const EmulatorProcess& emulator) {
    return emulator.stats()["requests"].get<int>();
}

// Sends `sig` and waits; `elapsed` is how long the CLI took to go after it.
ProcessResult interrupt(ChildProcess& cli, int sig, Clock::duration& elapsed) {
    auto sent = Clock::now();
    cli.send_signal(sig);
    ProcessResult result = cli.wait();
    elapsed = Clock::now() - sent;
    return result;
}

// The run ended because of the signal, promptly and in the documented way.
void check_interrupted(const ProcessResult& result, int expected_code, Clock::duration elapsed) {
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == expected_code);
    CHECK(elapsed < 5s);  // --timeout is 60 s: nothing waited for the hung request
    CHECK(result.err.find("interrupted") != std::string::npos);
    CHECK(result.err.find("terminate called") == std::string::npos);
    CHECK(result.err.find("internal error") == std::string::npos);
}

}  // namespace

TEST_CASE("Ctrl-C during a hanging request exits 130 at once with nothing on stdout",
          "[e2e][interrupt]") {
    EmulatorProcess emulator(emulator_args(100, {"--hang"}));
    Cli cli(emulator);
    for (const char* format : {"json", "ndjson", "csv", "table"}) {
        INFO("-o " << format);
        int before = requests(emulator);
        ChildProcess child(cli_spec(cli, {"list", "--id", "c1", "-o", format, "--timeout", "60"}));
        REQUIRE(eventually([&] { return requests(emulator) > before; }));
        Clock::duration elapsed{};
        ProcessResult result = interrupt(child, SIGINT, elapsed);
        check_interrupted(result, 130, elapsed);
        CHECK(result.out.empty());
    }
}

TEST_CASE("SIGTERM and SIGHUP cancel the same way and exit 128 plus the signal",
          "[e2e][interrupt]") {
    EmulatorProcess emulator(emulator_args(100, {"--hang"}));
    Cli cli(emulator);
    for (int sig : {SIGTERM, SIGHUP}) {
        INFO("signal " << sig);
        int before = requests(emulator);
        ChildProcess child(cli_spec(cli, {"list", "--id", "c1", "-o", "json", "--timeout", "60"}));
        REQUIRE(eventually([&] { return requests(emulator) > before; }));
        Clock::duration elapsed{};
        ProcessResult result = interrupt(child, sig, elapsed);
        check_interrupted(result, 128 + sig, elapsed);
        CHECK(result.out.empty());
    }
}

TEST_CASE("Ctrl-C with several clusters in flight stops them all", "[e2e][interrupt]") {
    EmulatorProcess emulator(emulator_args(100, {"--hang"}));
    Cli cli(emulator);
    ChildProcess child(cli_spec(cli, {"list", "--id", "a", "--id", "b", "--id", "c", "--id", "d",
                                      "-o", "ndjson", "--timeout", "60", "--concurrency", "4"}));
    REQUIRE(eventually([&] { return requests(emulator) >= 4; }));  // a first page per cluster
    Clock::duration elapsed{};
    ProcessResult result = interrupt(child, SIGINT, elapsed);
    check_interrupted(result, 130, elapsed);
    CHECK(result.out.empty());
}

TEST_CASE("Ctrl-C after some pages: json and table show nothing, streams end on a full line",
          "[e2e][interrupt]") {
    // One request at a time, each answered after 300 ms: a request arriving means the pages
    // before it were answered, and the first one has long been handed to the renderer.
    EmulatorProcess emulator(emulator_args(300, {"--latency", "300"}));
    Cli cli(emulator);
    const std::vector<std::string> listing = {"list", "--id", "c1", "--page-size", "10"};
    auto interrupted = [&](const std::string& format) {
        std::vector<std::string> args = listing;
        args.insert(args.end(), {"-o", format, "--concurrency", "1", "--timeout", "60"});
        int before = requests(emulator);
        ChildProcess child(cli_spec(cli, args));
        REQUIRE(eventually([&] { return requests(emulator) >= before + 4; }));
        Clock::duration elapsed{};
        ProcessResult result = interrupt(child, SIGINT, elapsed);
        check_interrupted(result, 130, elapsed);
        return result;
    };

    SECTION("held-back formats print nothing") {
        for (const char* format : {"json", "table"}) {
            INFO("-o " << format);
            ProcessResult result = interrupted(format);
            INFO(result.describe());
            CHECK(result.out.empty());
        }
    }

    SECTION("ndjson: whole pages of served objects, each line complete") {
        ProcessResult result = interrupted("ndjson");
        INFO(result.describe());
        REQUIRE(result.out.ends_with("\n"));
        auto lines = lines_of(result.out);
        CHECK(lines.size() >= 10);
        CHECK(lines.size() < 300);
        CHECK(lines.size() % 10 == 0);
        auto expected = expected_backups("c1", 300);
        for (std::size_t i = 0; i < lines.size() && i < expected.size(); ++i) {
            INFO("line " << i);
            CHECK(BackupObject::parse(lines[i]) == expected[i]);
        }
    }

    SECTION("csv: a prefix of the full output, ending at a line end") {
        std::vector<std::string> args = listing;
        args.insert(args.end(), {"-o", "csv"});
        ProcessResult full = cli.run(args);
        INFO(full.describe());
        REQUIRE(full.exit_code == 0);
        REQUIRE(lines_of(full.out).size() == 301);
        ProcessResult result = interrupted("csv");
        INFO(result.describe());
        REQUIRE(result.out.ends_with("\n"));
        CHECK(full.out.starts_with(result.out));
        auto lines = lines_of(result.out);
        CHECK(lines.size() >= 11);  // the header and at least the first page
        CHECK(lines.size() < 301);
    }
}

TEST_CASE("Ctrl-C erases the progress line before saying interrupted",
          "[e2e][interrupt][progress]") {
    EmulatorProcess emulator(emulator_args(300, {"--latency", "200"}));
    Cli cli(emulator);
    ProcessSpec spec = cli_spec(cli, {"list", "--id", "c1", "-o", "json", "--page-size", "10",
                                      "--concurrency", "2", "--timeout", "60"});
    spec.stderr_terminal = true;
    ChildProcess child(spec);
    REQUIRE(eventually([&] { return child.err_so_far().find("fetched") != std::string::npos; }));
    Clock::duration elapsed{};
    ProcessResult result = interrupt(child, SIGINT, elapsed);
    check_interrupted(result, 130, elapsed);
    CHECK(result.out.empty());
    // The line is erased ("\r", erase to end of line) and the message starts at column 0.
    CHECK(result.err.ends_with("\r\x1b[Ktidb-backups: interrupted\n"));
}
