// SPDX-License-Identifier: Apache-2.0
// The table for a person at a terminal, through a real pseudo-terminal: State in colour only
// there (and never with NO_COLOR or --color never), fitted to the width by shortening free text
// with "…" while ids stay whole; a pipe gets plain, uncut text.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr const char* kGreenSuccess = "\x1b[32mSuccess\x1b[0m";
constexpr const char* kRedFailed = "\x1b[31mFailed\x1b[0m";
constexpr const char* kEllipsis = "\xE2\x80\xA6";
constexpr int kBackups = 30;

// A cluster whose backups include a Failed one, so both colours show.
std::string cluster_with_failure() {
    for (int i = 0;; ++i) {
        std::string id = "cluster-" + std::to_string(i);
        for (const auto& backup : expected_backups(id, kBackups)) {
            if (field_text(backup, "State") == "Failed") {
                return id;
            }
        }
    }
}

// tidb-backups with stdout on a terminal (80 columns), stderr a pipe.
ProcessResult run_on_terminal(const Cli& cli, const std::vector<std::string>& args) {
    return testing::run_in_pty(cli_spec(cli, args), true, false);
}

std::string without_colour(const std::string& text) {
    return std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
}

// Terminal columns of a line of ASCII and "…" (one column each), counted here rather than by
// the renderer's display_width; a line with anything else fails the test.
std::size_t columns(const std::string& line) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size(); ++count) {
        if (line.compare(i, 3, kEllipsis) == 0) {
            i += 3;
        } else {
            CHECK(static_cast<unsigned char>(line[i]) < 0x80);
            i += 1;
        }
    }
    return count;
}

}  // namespace

TEST_CASE("on a terminal the table colours State: green Success, red Failed", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const std::string id = cluster_with_failure();
    auto result = run_on_terminal(cli, {"list", "--id", id});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find(kGreenSuccess) != std::string::npos);
    CHECK(result.out.find(kRedFailed) != std::string::npos);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == kBackups + 1);
    CHECK(lines[0].find('\x1b') == std::string::npos);  // the header is plain

    // Colour does not move a column: without the codes it is exactly what a pipe gets.
    auto piped = cli.run({"list", "--id", id});
    REQUIRE(piped.exit_code == 0);
    CHECK(without_colour(result.out) == piped.out);
}

TEST_CASE("piped, the table has no colour and no escape at all", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", cluster_with_failure()});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find('\x1b') == std::string::npos);
    CHECK(result.out.find("Success") != std::string::npos);
}

TEST_CASE("NO_COLOR and --color never turn colour off on a terminal", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const std::string id = cluster_with_failure();

    auto never = run_on_terminal(cli, {"list", "--id", id, "--color", "never"});
    INFO(never.describe());
    REQUIRE(never.exit_code == 0);
    CHECK(never.out.find('\x1b') == std::string::npos);
    CHECK(never.out.find("Failed") != std::string::npos);

    auto forced = run_on_terminal(cli, {"--color", "never", "list", "--id", id});  // global
    REQUIRE(forced.exit_code == 0);
    CHECK(forced.out.find('\x1b') == std::string::npos);

    cli.env()["NO_COLOR"] = "1";
    auto no_color = run_on_terminal(cli, {"list", "--id", id});
    INFO(no_color.describe());
    REQUIRE(no_color.exit_code == 0);
    CHECK(no_color.out.find('\x1b') == std::string::npos);
    // An explicit --color always is a newer, more specific wish than the environment.
    auto always = run_on_terminal(cli, {"list", "--id", id, "--color", "always"});
    CHECK(always.out.find(kGreenSuccess) != std::string::npos);
}

TEST_CASE("option --color always and CLICOLOR_FORCE colour a pipe too", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const std::string id = cluster_with_failure();
    auto always = cli.run({"list", "--id", id, "--color", "always"});
    INFO(always.describe());
    REQUIRE(always.exit_code == 0);
    CHECK(always.out.find(kGreenSuccess) != std::string::npos);
    CHECK(always.out.find(kRedFailed) != std::string::npos);

    cli.env()["CLICOLOR_FORCE"] = "1";
    auto forced = cli.run({"list", "--id", id});
    CHECK(forced.out.find(kGreenSuccess) != std::string::npos);
    auto never = cli.run({"list", "--id", id, "--color", "never"});
    CHECK(never.out.find('\x1b') == std::string::npos);
    cli.env()["CLICOLOR_FORCE"] = "0";
    auto zero = cli.run({"list", "--id", id});
    CHECK(zero.out.find('\x1b') == std::string::npos);

    // Other formats are data: never coloured.
    auto json = cli.run({"list", "--id", id, "--color", "always", "-o", "json"});
    REQUIRE(json.exit_code == 0);
    CHECK(BackupObject::parse(json.out) == BackupObject(expected_backups(id, kBackups)));
}

TEST_CASE("option --color with another value is a usage error", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "--color", "sometimes"});
    INFO(result.describe());
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("--color") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("COLUMNS=60 on a terminal shortens free text with an ellipsis, ids stay whole",
          "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    REQUIRE(cluster_with_failure() == "cluster-0");
    cli.env()["COLUMNS"] = "60";
    auto result = run_on_terminal(cli, {"list", "--id", "cluster-0"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    // Written out once and checked against an independent derivation: the catalog by Python's
    // hashlib, times by `date -u -d @EPOCH`, durations and sizes (MB / 1024, one decimal under
    // 10 GiB) by hand.
    const std::vector<std::string> expected = {
        "BACKUP ID      ST\xE2\x80\xA6  TY\xE2\x80\xA6  STARTED (UTC)     DURATION     SIZE",
        "bk-29dff12d9b  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-18 08:06     1h21m   45 GiB",
        "bk-5f4582b0f0  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-11-17 08:05     6m09s   15 GiB",
        "bk-1e73128050  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-16 07:29    32m22s   37 GiB",
        "bk-9a2047a149  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-11-15 07:41    42m51s   29 GiB",
        "bk-f20224785f  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-14 07:51    26m30s   33 GiB",
        "bk-f46245cbe0  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-13 07:50    30m13s   17 GiB",
        "bk-f5737367c8  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-12 08:01    16m20s   41 GiB",
        "bk-0c7698d00a  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-11 07:57    20m29s   16 GiB",
        "bk-2c159df7e8  Fa\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-10 07:50    54m19s   34 GiB",
        "bk-0990f9c525  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-09 07:29    27m15s   22 GiB",
        "bk-c59cbddf36  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-08 07:47    10m02s   54 GiB",
        "bk-307a49f69a  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-07 07:45    44m37s   32 GiB",
        "bk-1791380f18  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-06 07:42    11m31s   52 GiB",
        "bk-021ac65061  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-05 07:52    26m16s   45 GiB",
        "bk-982ac35e4c  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-11-04 07:36     1h26m   24 GiB",
        "bk-e91e0b6158  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-11-03 07:45    24m03s   32 GiB",
        "bk-8059a4eb42  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-11-02 07:48    10m48s   55 GiB",
        "bk-ad39933322  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-11-01 07:50    12m34s   32 GiB",
        "bk-773c56b0ed  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-31 07:45     1h04m   41 GiB",
        "bk-4a9b33e652  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-30 07:26    16m26s  7.0 GiB",
        "bk-01f06972e8  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-29 07:26     9m18s   22 GiB",
        "bk-b7350717ce  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-28 07:50    34m41s  5.9 GiB",
        "bk-96df0a35e3  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-27 07:47     1h29m   44 GiB",
        "bk-c26398dfc4  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-26 08:03     1h06m   53 GiB",
        "bk-467345708f  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-25 07:50    17m21s   27 GiB",
        "bk-f0f3c603ce  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-24 07:32     1h10m   35 GiB",
        "bk-9b20246259  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-23 07:27    53m19s   16 GiB",
        "bk-0b299efa52  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-22 07:53    50m27s   11 GiB",
        "bk-151f8330a9  Su\xE2\x80\xA6  Ma\xE2\x80\xA6  2026-10-21 07:55    54m20s   43 GiB",
        "bk-bd11ed8783  Su\xE2\x80\xA6  Au\xE2\x80\xA6  2026-10-20 07:37     1h28m   23 GiB",
    };
    const std::string plain = without_colour(result.out);
    CHECK(lines_of(plain) == expected);
    for (const auto& line : lines_of(plain)) {
        INFO(line);
        CHECK(columns(line) <= 60);
    }
    // Colour still wraps the shortened state.
    CHECK(result.out.find("\x1b[32mSu") != std::string::npos);
}

TEST_CASE("the terminal's own width is used, and a pipe is never cut", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const std::string id = cluster_with_failure();
    // The default columns fit the pseudo-terminal's 80 columns: nothing to cut.
    auto wide = run_on_terminal(cli, {"list", "--id", id});
    REQUIRE(wide.exit_code == 0);
    CHECK(wide.out.find(kEllipsis) == std::string::npos);
    for (const auto& line : lines_of(without_colour(wide.out))) {
        CHECK(columns(line) <= 80);
    }

    cli.env()["COLUMNS"] = "40";
    auto piped = cli.run({"list", "--id", id});
    INFO(piped.describe());
    REQUIRE(piped.exit_code == 0);
    CHECK(piped.out.find(kEllipsis) == std::string::npos);
    CHECK(lines_of(piped.out)[1].find("Automatic") != std::string::npos);
}

TEST_CASE("an empty table on a terminal says so on stderr only", "[e2e][table]") {
    EmulatorProcess emulator(emulator_args(0));
    Cli cli(emulator);
    auto result = run_on_terminal(cli, {"list", "--id", "empty"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.empty());
    CHECK(result.err == "No backups found.\n");
}
