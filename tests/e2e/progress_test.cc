// SPDX-License-Identifier: Apache-2.0
// The self-updating progress line: on stderr, only when stderr is a terminal and the listing
// takes several requests, never with -q or -v, and stdout stays exactly the data.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ProcessSpec;

namespace {

// "\r" then "erase to the end of the line": how the line is redrawn and, at the end, removed.
constexpr const char* kErase = "\r\x1b[K";

// The CLI with stderr on a terminal and stdout a pipe, as in `tidb-backups list ... > file`.
ProcessResult run_with_terminal_stderr(Cli& cli, const std::vector<std::string>& args) {
    return testing::run_in_pty(cli_spec(cli, args), false, true);
}

// The redraws of the line, in order, if stderr holds nothing but the progress line and its
// final erasure; fails the test otherwise.
std::vector<std::string> progress_lines(const std::string& err) {
    std::vector<std::string> drawn;
    const std::string erase = kErase;
    REQUIRE(err.starts_with(erase));
    REQUIRE(err.ends_with(erase));  // the line is gone once the listing has finished
    std::size_t start = 0;
    while (start < err.size()) {
        REQUIRE(err.compare(start, erase.size(), erase) == 0);
        start += erase.size();
        std::size_t next = err.find(erase, start);
        if (next == std::string::npos) {
            next = err.size();
        }
        if (next > start) {
            drawn.push_back(err.substr(start, next - start));
        }
        start = next;
    }
    REQUIRE_FALSE(drawn.empty());
    return drawn;
}

std::int64_t number_at(const std::smatch& match, std::size_t group) {
    return std::stoll(match[group].str());
}

}  // namespace

TEST_CASE("a long listing draws one self-updating line on a terminal stderr", "[e2e][progress]") {
    EmulatorProcess emulator(emulator_args(300, {"--latency", "20"}));
    Cli cli(emulator);
    ProcessResult result =
        run_with_terminal_stderr(cli, {"list", "--id", "c1", "-o", "json", "--page-size", "10"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    // stdout is exactly the data.
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 300)));
    CHECK(emulator.stats()["requests"] == 30);

    CHECK(result.err.find('\n') == std::string::npos);  // one line, redrawn in place
    const std::regex shape(R"(fetched (\d+)/(\d+) backups)");
    std::int64_t previous = 0;
    for (const std::string& line : progress_lines(result.err)) {
        INFO("drawn: " << line);
        std::smatch match;
        REQUIRE(std::regex_match(line, match, shape));
        CHECK(number_at(match, 2) == 300);
        CHECK(number_at(match, 1) >= previous);  // it never goes backwards
        CHECK(number_at(match, 1) <= 300);
        previous = number_at(match, 1);
    }
}

TEST_CASE("with many clusters the progress line counts clusters too", "[e2e][progress]") {
    EmulatorProcess emulator(emulator_args(100, {"--latency", "20"}));
    Cli cli(emulator);
    std::vector<std::string> args = {"list", "-o", "json", "--page-size", "10"};
    for (const char* id : {"a", "b", "c", "d", "e"}) {
        args.insert(args.end(), {"--id", id});
    }
    ProcessResult result = run_with_terminal_stderr(cli, args);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto backups = BackupObject::parse(result.out);
    REQUIRE(backups.is_array());
    CHECK(backups.size() == 500);
    CHECK(backups.front()["ClusterId"] == "a");
    CHECK(backups.back()["ClusterId"] == "e");

    const std::regex shape(R"(fetched (\d+)/(\d+) backups, (\d)/5 clusters)");
    for (const std::string& line : progress_lines(result.err)) {
        INFO("drawn: " << line);
        std::smatch match;
        REQUIRE(std::regex_match(line, match, shape));
        CHECK(number_at(match, 1) <= number_at(match, 2));
        CHECK(number_at(match, 2) <= 500);
        CHECK(number_at(match, 3) <= 5);
    }
}

TEST_CASE("no progress line unless stderr is a terminal", "[e2e][progress]") {
    EmulatorProcess emulator(emulator_args(300, {"--latency", "20"}));
    Cli cli(emulator);
    const std::vector<std::string> args = {"list", "--id", "c1", "-o", "json", "--page-size", "10"};

    SECTION("stderr a pipe") {
        ProcessResult result = cli.run(args);
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(BackupObject::parse(result.out).size() == 300);
    }

    SECTION("stdout a terminal, stderr a pipe: the line never goes to stdout") {
        ProcessResult result = testing::run_in_pty(cli_spec(cli, args), true, false);
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out.find("fetched") == std::string::npos);
        CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 300)));
    }

    SECTION("TERM=dumb cannot erase a line") {
        cli.env()["TERM"] = "dumb";
        ProcessResult result = run_with_terminal_stderr(cli, args);
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
    }
}

TEST_CASE("no progress line with -q or -v", "[e2e][progress]") {
    EmulatorProcess emulator(emulator_args(300, {"--latency", "20"}));
    Cli cli(emulator);
    const std::vector<std::string> args = {"list", "--id", "c1", "-o", "json", "--page-size", "10"};
    for (const char* flag : {"-q", "-v"}) {
        INFO(flag);
        std::vector<std::string> with_flag = args;
        with_flag.push_back(flag);
        ProcessResult result = run_with_terminal_stderr(cli, with_flag);
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.find("fetched") == std::string::npos);
        CHECK(result.err.find(kErase) == std::string::npos);
        CHECK(BackupObject::parse(result.out).size() == 300);
    }
}

TEST_CASE("a listing of fewer than four requests shows no progress line", "[e2e][progress]") {
    EmulatorProcess emulator(emulator_args(
        0, {"--backups-for", "one=20", "--backups-for", "three=90", "--backups-for", "four=120"}));
    Cli cli(emulator);
    for (const char* id : {"one", "three"}) {
        INFO("cluster " << id);
        ProcessResult result = run_with_terminal_stderr(cli, {"list", "--id", id, "-o", "json"});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
    }
    // Four requests are enough, as the line that appears shows.
    ProcessResult four = run_with_terminal_stderr(cli, {"list", "--id", "four", "-o", "json"});
    INFO(four.describe());
    REQUIRE(four.exit_code == 0);
    CHECK(BackupObject::parse(four.out).size() == 120);
    CHECK(four.err.find("fetched") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 1 + 3 + 4);
}
