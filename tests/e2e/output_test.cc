// SPDX-License-Identifier: Apache-2.0
// stdout that cannot be written: a full disk, a closed stdout, a pipe whose reader is gone. Exit 0
// promises the data was written, so each is exit 7 with one error line, in every command and
// format; a streaming listing stops at once instead of fetching what it cannot write. A reader
// that goes away under the default SIGPIPE still ends the run quietly with 141, as `| head` wants;
// and no SIGPIPE can kill the run while it talks to the network.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kDiskFull =
    "tidb-backups: error: could not write the output: No space left on device\n";
const std::string kClosedStdout =
    "tidb-backups: error: could not write the output: Bad file descriptor\n";
const std::string kBrokenPipe = "tidb-backups: error: could not write the output: Broken pipe\n";

int requests(const EmulatorProcess& emulator) {
    return emulator.stats()["requests"].get<int>();
}

// tidb-backups `args` run by a real shell: `script` runs it as "$@".
testing::ProcessSpec shell_spec(const Cli& cli, const std::string& script,
                                const std::vector<std::string>& args) {
    testing::ProcessSpec spec = cli_spec(cli, {});
    spec.argv = {"/bin/sh", "-c", script, "sh", TIDB_BACKUPS_BIN};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    return spec;
}

// tidb-backups `args` with stdout redirected by the shell (`> /dev/full`, `>&-`).
ProcessResult run_redirected(const Cli& cli, const std::string& redirect,
                             const std::vector<std::string>& args) {
    return testing::run_process(shell_spec(cli, "exec \"$@\" " + redirect, args));
}

// What a pipeline `tidb-backups ARGS | head -c 1` did to tidb-backups: its exit status as the
// shell reports it (141 for SIGPIPE) and its stderr. `ignore_sigpipe` runs `trap '' PIPE` first,
// so tidb-backups starts with SIGPIPE ignored, as under such a parent.
struct PipelineResult {
    ProcessResult shell;
    std::string status;  // "$?" of tidb-backups
    std::string err;     // its stderr
};

PipelineResult run_into_head(const Cli& cli, bool ignore_sigpipe,
                             const std::vector<std::string>& args) {
    TempDir dir;
    testing::ProcessSpec spec =
        shell_spec(cli,
                   std::string(ignore_sigpipe ? "trap '' PIPE; " : "") +
                       "{ \"$@\" 2>\"$ERR_FILE\"; echo $? >\"$STATUS_FILE\"; } | head -c 1 "
                       ">/dev/null",
                   args);
    spec.env["ERR_FILE"] = dir.file("err");
    spec.env["STATUS_FILE"] = dir.file("status");
    PipelineResult result;
    result.shell = testing::run_process(spec);
    result.status = dir.read_file("status");
    result.err = dir.read_file("err");
    return result;
}

}  // namespace

TEST_CASE("output: a full disk is exit 7 in every command and format", "[e2e][output]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    const std::vector<std::vector<std::string>> commands = {
        {"list", "--id", "c1"},
        {"list", "--id", "c1", "-o", "json"},
        {"list", "--id", "c1", "-o", "ndjson"},
        {"list", "--id", "c1", "-o", "csv"},
        {"list", "--id", "c1", "-o", "tsv"},
        {"list", "--id", "c1", "--id", "c2", "-o", "tsv", "--sort-by", "BackupSize"},
        {"list", "--id", "c1", "--dry-run"},
        {"list", "--id", "c1", "--dry-run", "--limit", "100"},
        {"check", "--id", "c1", "--max-age", "26h"},
        {"check", "--id", "c1", "--id", "c2", "--max-age", "26h"},
        {"completion", "bash"},
        {"completion", "zsh"},
        {"completion", "fish"},
        {"--help"},
        {"list", "--help"},
        {"--version"},
    };
    for (const auto& args : commands) {
        INFO("tidb-backups " << fmt::format("{}", fmt::join(args, " ")) << " > /dev/full");
        ProcessResult result = run_redirected(cli, "> /dev/full", args);
        INFO(result.describe());
        CHECK_FALSE(result.timed_out);
        CHECK(result.exit_code == 7);
        CHECK(result.err == kDiskFull);
    }
}

TEST_CASE("output: a closed stdout is exit 7, never data written elsewhere", "[e2e][output]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"list", "--id", "c1", "-o", "json"},
                                               {"list", "--id", "c1", "-o", "ndjson"},
                                               {"check", "--id", "c1", "--max-age", "26h"},
                                               {"--version"}}) {
        INFO("tidb-backups " << fmt::format("{}", fmt::join(args, " ")) << " >&-");
        ProcessResult result = run_redirected(cli, ">&-", args);
        INFO(result.describe());
        CHECK(result.exit_code == 7);
        CHECK(result.err == kClosedStdout);
    }
}

TEST_CASE("output: a streaming listing into a full disk stops at once", "[e2e][output]") {
    // 200 pages, each answered after 100 ms, one at a time: the whole listing takes 20 s.
    EmulatorProcess emulator(emulator_args(2000, {"--latency", "100"}));
    Cli cli(emulator);
    for (const char* format : {"ndjson", "csv", "tsv"}) {
        INFO("-o " << format);
        int before = requests(emulator);
        auto started = std::chrono::steady_clock::now();
        ProcessResult result = run_redirected(
            cli, "> /dev/full",
            {"list", "--id", "c1", "-o", format, "--page-size", "10", "--concurrency", "1"});
        INFO(result.describe());
        CHECK(result.exit_code == 7);
        CHECK(result.err == kDiskFull);  // one line: no "interrupted", no count of backups
        // The first page fails to be written: only the one or two requests already sent then
        // (one at a time, 100 ms each) follow it, not the other 198.
        CHECK(requests(emulator) - before < 10);
        CHECK(std::chrono::steady_clock::now() - started < 10s);
    }
}

TEST_CASE("output: check into a full disk stops after the first verdict", "[e2e][output]") {
    EmulatorProcess emulator(emulator_args(5, {"--latency", "100"}));
    Cli cli(emulator);
    std::vector<std::string> args = {"check", "--max-age", "26h", "--concurrency", "1"};
    for (int i = 0; i < 20; ++i) {
        args.insert(args.end(), {"--id", "cluster-" + std::to_string(i)});
    }
    ProcessResult result = run_redirected(cli, "> /dev/full", args);
    INFO(result.describe());
    CHECK(result.exit_code == 7);
    CHECK(result.err == kDiskFull);
    CHECK(requests(emulator) < 10);  // of 20, one per cluster, 100 ms each, one at a time
}

TEST_CASE("output: a closed pipe under a parent that ignores SIGPIPE is exit 7", "[e2e][output]") {
    // 200 pages answered 100 ms apart: the reader, gone after the first byte, is gone long
    // before the listing could end, whatever the scheduling.
    EmulatorProcess emulator(emulator_args(2000, {"--latency", "100"}));
    Cli cli(emulator);
    SECTION("streaming formats stop at once") {
        for (const char* format : {"ndjson", "csv", "tsv"}) {
            INFO("-o " << format);
            int before = requests(emulator);
            PipelineResult result = run_into_head(
                cli, true,
                {"list", "--id", "c1", "-o", format, "--page-size", "10", "--concurrency", "1"});
            INFO(result.shell.describe());
            CHECK_FALSE(result.shell.timed_out);
            CHECK(result.status == "7\n");
            CHECK(result.err == kBrokenPipe);
            CHECK(requests(emulator) - before < 50);  // of 200
        }
    }
    SECTION("json and the table, written at the end, more than a pipe holds") {
        for (const char* format : {"json", "table"}) {
            INFO("-o " << format);
            PipelineResult result = run_into_head(cli, true, {"list", "--id", "c1", "-o", format});
            INFO(result.shell.describe());
            CHECK(result.status == "7\n");
            CHECK(result.err == kBrokenPipe);
        }
    }
}

TEST_CASE("output: a closed pipe under the default SIGPIPE ends quietly with 141",
          "[e2e][output]") {
    EmulatorProcess emulator(emulator_args(2000, {"--latency", "100"}));
    Cli cli(emulator);
    for (const char* format : {"ndjson", "csv"}) {
        INFO("-o " << format);
        int before = requests(emulator);
        PipelineResult result = run_into_head(
            cli, false,
            {"list", "--id", "c1", "-o", format, "--page-size", "10", "--concurrency", "1"});
        INFO(result.shell.describe());
        CHECK_FALSE(result.shell.timed_out);
        CHECK(result.status == "141\n");
        CHECK(result.err.empty());
        CHECK(requests(emulator) - before < 50);  // of 200
    }
    PipelineResult json = run_into_head(cli, false, {"list", "--id", "c1", "-o", "json"});
    INFO(json.shell.describe());
    CHECK(json.status == "141\n");
    CHECK(json.err.empty());
}

TEST_CASE("output: SIGPIPE cannot kill a run that is talking to the network", "[e2e][output]") {
    // A network write to a peer that reset the connection raises SIGPIPE; sent from outside,
    // the signal is the same. It must be ignored, so the run goes on until Ctrl-C ends it.
    EmulatorProcess emulator(emulator_args(5, {"--hang"}));
    Cli cli(emulator);
    testing::ChildProcess child(
        cli_spec(cli, {"list", "--id", "c1", "-o", "json", "--timeout", "60"}));
    REQUIRE(eventually([&] { return requests(emulator) >= 1; }));
    child.send_signal(SIGPIPE);
    child.send_signal(SIGINT);
    ProcessResult result = child.wait();
    INFO(result.describe());
    CHECK(result.signal == 0);
    CHECK(result.exit_code == 130);
    CHECK(result.err == "tidb-backups: interrupted\n");
    CHECK(result.out.empty());
}
