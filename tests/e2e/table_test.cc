// The table for a person at a terminal, through a real pseudo-terminal: State in colour only
// there (and never with NO_COLOR or --color never), fitted to the width by shortening free text
// with "…" while ids stay whole; a pipe gets plain, uncut text.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "e2e.h"
#include "render/text.h"

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
    const std::string id = cluster_with_failure();
    const auto expected = expected_backups(id, kBackups);
    cli.env()["COLUMNS"] = "60";
    auto result = run_on_terminal(cli, {"list", "--id", id});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    std::string plain = without_colour(result.out);
    auto lines = lines_of(plain);
    REQUIRE(lines.size() == expected.size() + 1);
    CHECK(plain.find(kEllipsis) != std::string::npos);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        CHECK(display_width(lines[i]) <= 60);
        if (i > 0) {
            const auto& backup = expected[i - 1];
            CHECK(lines[i].rfind(backup_id(backup) + "  ", 0) == 0);
            auto start = field_integer(backup, "BackupStartTime");
            REQUIRE(start);
            CHECK(lines[i].find(human_time(*start, true)) != std::string::npos);  // TZ=UTC
            CHECK(lines[i].find(human_size_mb(*field_integer(backup, "BackupSize"))) !=
                  std::string::npos);
        }
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
        CHECK(display_width(line) <= 80);
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
