// SPDX-License-Identifier: Apache-2.0
// The completion scripts in real bash, zsh and fish: what each offers after a command line is
// typed, and that the copies in completions/ are exactly what the binary generates.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "cli_help.h"
#include "completion_shells.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using testing::TempDir;

namespace {

const std::vector<std::string> kCommands = {"check", "completion", "configure", "list", "wait"};
const std::vector<std::string> kFormats = {"csv", "json", "ndjson", "table", "tsv"};

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The long flags `list --help` shows (its own and the global ones): what `list --` offers.
std::vector<std::string> list_long_flags() {
    std::vector<std::string> flags;
    for (const auto& command : {std::string(), std::string("list")}) {
        for (const auto& flag : help_flags(command)) {
            if (flag.rfind("--", 0) == 0 && flag != "--version") {
                flags.push_back(flag);
            }
        }
    }
    return flags;
}

// Whether `name` occurs in `script` as a whole name, not as the start of a longer one.
bool mentions(const std::string& script, const std::string& name) {
    for (auto at = script.find(name); at != std::string::npos; at = script.find(name, at + 1)) {
        char next = at + name.size() < script.size() ? script[at + name.size()] : ' ';
        if (!std::isalnum(static_cast<unsigned char>(next)) && next != '-' && next != '_') {
            return true;
        }
    }
    return false;
}

void check_offers_all(const std::vector<std::string>& offered,
                      const std::vector<std::string>& expected) {
    for (const auto& flag : expected) {
        INFO("offered: " << joined(offered));
        CHECK(contains(offered, flag));
    }
}

// A config file with three profiles where the scripts look by default, and another one.
struct Profiles {
    ShellRun run;
    std::string other;
    Profiles() {
        run.home.write_file("config/tidb-backups/config.toml",
                            "# profiles\n[default]\nregion = \"cn-zj\"\n\n[prod] # production\n"
                            "region = \"cn-bj2\"\n\n[\"ci\"]\nregion = \"cn-zj\"\n");
        other = run.home.write_file("other.toml", "[elsewhere]\nregion = \"cn-zj\"\n");
    }
};

}  // namespace

TEST_CASE("completions/ holds exactly what `tidb-backups completion SHELL` prints",
          "[e2e][completion]") {
    for (const auto& [shell, file] : committed_completion_files()) {
        INFO("completions/" << file << " differs from `tidb-backups completion " << shell
                            << "`: the command line changed. Regenerate them all with\n"
                            << "  cmake --build BUILD_DIR --target completions\n"
                            << "or: tidb-backups completion " << shell << " > completions/"
                            << file);
        CHECK(read_text(source_path("completions/" + file)) == generated_script(shell));
    }
}

TEST_CASE("every flag that --help shows for every command is in each completion script",
          "[e2e][completion]") {
    const auto every = every_help_flag();
    REQUIRE(every.size() >= 5);  // the program and its commands
    for (const auto& shell : {"bash", "zsh", "fish"}) {
        const std::string script = generated_script(shell);
        for (const auto& [command, flags] : every) {
            REQUIRE(!flags.empty());
            if (!command.empty()) {
                INFO(shell << ": command " << command);
                CHECK(script.find(command) != std::string::npos);
            }
            for (const auto& flag : flags) {
                // bash and zsh write flags whole; fish writes "-l output" and "-s o".
                std::string form = flag;
                if (std::string(shell) == "fish") {
                    form =
                        flag.rfind("--", 0) == 0 ? "-l " + flag.substr(2) : "-s " + flag.substr(1);
                }
                INFO(shell << ": " << (command.empty() ? "tidb-backups" : command) << " " << flag);
                CHECK(mentions(script, form));
            }
        }
    }
}

TEST_CASE("option completion without a shell, or with an unknown one, is a usage error",
          "[e2e][completion]") {
    TempDir home;
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"completion"}, {"completion", "tcsh"}}) {
        auto result = testing::run_cli(args, testing::base_env(home));
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
    }
    auto help = testing::run_cli({"completion", "--help"}, testing::base_env(home));
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Examples:") != std::string::npos);
}

TEST_CASE("bash completes commands, flags, their values and profiles", "[e2e][completion]") {
    if (!have_shell("bash")) {
        TIDB_SKIP("bash is not installed (apt-get install bash)");
    }
    Profiles profiles;
    ShellRun& run = profiles.run;
    auto complete = [&run](std::vector<std::string> words) {
        return sorted(bash_complete(run, words));
    };
    CHECK(complete({"tidb-backups", ""}) == kCommands);
    CHECK(complete({"tidb-backups", "--region", "cn-zj", "li"}) ==
          std::vector<std::string>{"list"});
    check_offers_all(complete({"tidb-backups", "list", "--"}), list_long_flags());
    CHECK(complete({"tidb-backups", "list", "--out"}) == std::vector<std::string>{"--output"});
    CHECK(complete({"tidb-backups", "list", "-o", ""}) == kFormats);
    CHECK(complete({"tidb-backups", "list", "--id", "x", "--output", "=", "nd"}) ==
          std::vector<std::string>{"ndjson"});
    CHECK(complete({"tidb-backups", "--color", ""}) ==
          std::vector<std::string>{"always", "auto", "never"});
    CHECK(complete({"tidb-backups", "list", "--color", "al"}) ==
          std::vector<std::string>{"always"});
    CHECK(complete({"tidb-backups", "list", "--fields", "BackupId,State,Backup"}) ==
          std::vector<std::string>{"BackupId,State,BackupEndTime", "BackupId,State,BackupName",
                                   "BackupId,State,BackupSize", "BackupId,State,BackupStartTime",
                                   "BackupId,State,BackupType"});
    CHECK(complete({"tidb-backups", "list", "--sort-by", "c"}) ==
          std::vector<std::string>{"ClusterId"});
    CHECK(complete({"tidb-backups", "list", "--state", ""}) ==
          std::vector<std::string>{"Failed", "Running", "Success"});
    CHECK(complete({"tidb-backups", "check", "--state", "S"}) ==
          std::vector<std::string>{"Success"});
    CHECK(complete({"tidb-backups", "completion", ""}) ==
          std::vector<std::string>{"bash", "fish", "zsh"});
    CHECK(complete({"tidb-backups", "completion", "bash", ""}).empty());
    CHECK(complete({"tidb-backups", "--profile", ""}) ==
          std::vector<std::string>{"ci", "default", "prod"});
    CHECK(complete({"tidb-backups", "list", "--id", "x", "--profile", "p"}) ==
          std::vector<std::string>{"prod"});
    CHECK(complete({"tidb-backups", "--config", profiles.other, "list", "--profile", ""}) ==
          std::vector<std::string>{"elsewhere"});
    run.env["TIDB_BACKUPS_CONFIG"] = profiles.other;
    CHECK(complete({"tidb-backups", "--profile", ""}) == std::vector<std::string>{"elsewhere"});
    // A flag's file value completes file names.
    CHECK(complete({"tidb-backups", "list", "--ids-from", run.home.file("oth")}) ==
          std::vector<std::string>{profiles.other});
}

TEST_CASE("zsh completes commands, flags, their values and profiles", "[e2e][completion]") {
    if (!have_shell("zsh")) {
        TIDB_SKIP("zsh is not installed (apt-get install zsh)");
    }
    Profiles profiles;
    ShellRun& run = profiles.run;
    const std::string script = run.home.write_file("_tidb-backups", generated_script("zsh"));
    auto complete = [&](const std::string& line) {
        return sorted(zsh_complete(run, ZshLoad::Source, script, line));
    };
    CHECK(complete("tidb-backups ") == kCommands);
    CHECK(complete("tidb-backups --region cn-zj li") == std::vector<std::string>{"list"});
    check_offers_all(complete("tidb-backups list --"), list_long_flags());
    CHECK(complete("tidb-backups list -o ") == kFormats);
    CHECK(complete("tidb-backups list --output=") == kFormats);
    CHECK(complete("tidb-backups --color ") == std::vector<std::string>{"always", "auto", "never"});
    // _values offers the fields not listed yet, after the comma.
    CHECK(complete("tidb-backups list --fields BackupId,State,") ==
          std::vector<std::string>{"BackupEndTime", "BackupName", "BackupSize", "BackupStartTime",
                                   "BackupType", "ClusterId", "Region"});
    CHECK(complete("tidb-backups check --state ") ==
          std::vector<std::string>{"Failed", "Running", "Success"});
    CHECK(complete("tidb-backups completion ") == std::vector<std::string>{"bash", "fish", "zsh"});
    CHECK(complete("tidb-backups --profile ") == std::vector<std::string>{"ci", "default", "prod"});
    CHECK(complete("tidb-backups --config " + profiles.other + " list --id x --profile ") ==
          std::vector<std::string>{"elsewhere"});
}

TEST_CASE("fish completes commands, flags, their values and profiles", "[e2e][completion]") {
    if (!have_shell("fish")) {
        TIDB_SKIP("fish is not installed (apt-get install fish)");
    }
    Profiles profiles;
    ShellRun& run = profiles.run;
    const std::string script = run.home.write_file("tidb-backups.fish", generated_script("fish"));
    auto complete = [&](const std::string& line) {
        return sorted(fish_complete(run, script, line));
    };
    CHECK(complete("tidb-backups ") == kCommands);
    CHECK(complete("tidb-backups --region cn-zj li") == std::vector<std::string>{"list"});
    check_offers_all(complete("tidb-backups list --"), list_long_flags());
    CHECK(complete("tidb-backups list -o ") == kFormats);
    CHECK(complete("tidb-backups list --output=nd") == std::vector<std::string>{"--output=ndjson"});
    CHECK(complete("tidb-backups --color ") == std::vector<std::string>{"always", "auto", "never"});
    CHECK(complete("tidb-backups list --fields BackupId,State,Backup") ==
          std::vector<std::string>{"BackupId,State,BackupEndTime", "BackupId,State,BackupName",
                                   "BackupId,State,BackupSize", "BackupId,State,BackupStartTime",
                                   "BackupId,State,BackupType"});
    CHECK(complete("tidb-backups list --state ") ==
          std::vector<std::string>{"Failed", "Running", "Success"});
    CHECK(complete("tidb-backups completion ") == std::vector<std::string>{"bash", "fish", "zsh"});
    CHECK(complete("tidb-backups completion zsh ").empty());
    CHECK(complete("tidb-backups --profile ") == std::vector<std::string>{"ci", "default", "prod"});
    CHECK(complete("tidb-backups --config " + profiles.other + " list --profile ") ==
          std::vector<std::string>{"elsewhere"});
}
