// SPDX-License-Identifier: Apache-2.0
// What a new user meets: typos, no arguments, a first run without configuration, a wrong key or
// id. Each mistake is exit 2 (or the API's 3) with a first line naming the word and a hint
// saying what to do next.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

struct Expected {
    std::vector<std::string> args;
    int exit_code;
    std::string first_line;
    std::string hint;
};

void check_message(const Cli& cli, const Expected& expected) {
    auto result = cli.run(expected.args);
    INFO(result.describe());
    CHECK(result.exit_code == expected.exit_code);
    CHECK(result.out.empty());
    auto lines = lines_of(result.err);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == expected.first_line);
    CHECK(lines[1] == expected.hint);
}

}  // namespace

TEST_CASE("typos name the word and suggest the nearest command or flag", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    const std::vector<Expected> cases = {
        {{"lsit"}, 2, "tidb-backups: error: unknown command 'lsit'", "hint: did you mean list?"},
        {{"chekc", "--id", "c1"},
         2,
         "tidb-backups: error: unknown command 'chekc'",
         "hint: did you mean check?"},
        {{"version"},
         2,
         "tidb-backups: error: unknown command 'version'",
         "hint: did you mean --version?"},
        {{"--versoin"},
         2,
         "tidb-backups: error: unknown flag '--versoin'",
         "hint: did you mean --version?"},
        {{"check", "--id", "c1", "--maxage", "26h"},
         2,
         "tidb-backups: error: unknown flag '--maxage' for check",
         "hint: did you mean --max-age?"},
        {{"list", "--id", "c1", "--sortby", "size"},
         2,
         "tidb-backups: error: unknown flag '--sortby' for list",
         "hint: did you mean --sort-by?"},
        {{"list", "MlaMfzgZ"},
         2,
         "tidb-backups: error: unexpected argument 'MlaMfzgZ'",
         "hint: a cluster id is given with --id: tidb-backups list --id MlaMfzgZ"},
        {{"list", "--id", "c1", "--state"},
         2,
         "tidb-backups: error: --state needs a value (S)",
         "hint: run 'tidb-backups list --help' for usage"},
        {{"check", "--id", "c1", "--max-age", "26h", "--limit", "3"},
         2,
         "tidb-backups: error: unknown flag '--limit' for check",
         "hint: --limit is a flag of 'tidb-backups list'"},
        {{"completion", "bsh"},
         2,
         "tidb-backups: error: invalid value for shell: 'bsh' (expected bash, zsh or fish)",
         "hint: did you mean bash or zsh?"},
        {{"help", "lsit"},
         2,
         "tidb-backups: error: unknown command 'lsit'",
         "hint: did you mean list?"},
        {{},
         2,
         "tidb-backups: error: no command given",
         "hint: commands: list, check, wait, configure, completion, help; try 'tidb-backups list "
         "--region REGION --id ID'"},
    };
    for (const auto& expected : cases) {
        check_message(cli, expected);
    }
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("help and help COMMAND print the help on stdout", "[e2e][newcomer]") {
    TempDir home;
    Environment env = testing::base_env(home);
    auto program = testing::run_cli({"help"}, env);
    CHECK(program.exit_code == 0);
    CHECK(program.out == testing::run_cli({"--help"}, env).out);
    auto list = testing::run_cli({"help", "list"}, env);
    CHECK(list.exit_code == 0);
    CHECK(list.out == testing::run_cli({"list", "--help"}, env).out);
    CHECK(list.err.empty());
}

TEST_CASE("bare tidb-backups at a terminal prints a short help and exits 0", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    ProcessResult result = testing::run_in_pty(cli_spec(cli, {}), true, false);
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("Commands:") != std::string::npos);
    CHECK(result.out.find("  list        List the backups of one or more clusters") !=
          std::string::npos);
    CHECK(result.out.find("tidb-backups configure") != std::string::npos);
    CHECK(result.out.find("tidb-backups list --id CLUSTER_ID") != std::string::npos);
}

TEST_CASE("option --id c1,c2 is two clusters", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1,c2", "-o", "csv", "--fields", "ClusterId"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out == "ClusterId\nc1\nc1\nc2\nc2\n");
}

TEST_CASE("a first run lists everything missing at once and names configure", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    cli.env().erase("SIGCALCLOUD_REGION");
    auto result = cli.run({"list", "--id", "c1"});
    INFO(result.describe());
    CHECK(result.exit_code == 2);
    CHECK(lines_of(result.err) ==
          std::vector<std::string>{
              "tidb-backups: error: not configured: no public key, private key or region found "
              "(profile 'default', config '" +
                  cli.home().path() + "/config/tidb-backups/config.toml')",
              "hint: run 'tidb-backups configure', or set SIGCALCLOUD_PUBLIC_KEY, "
              "SIGCALCLOUD_PRIVATE_KEY and SIGCALCLOUD_REGION"});
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("RetCode 171 says where the keys came from and that env overrides the profile",
          "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    cli.env()["SIGCALCLOUD_PRIVATE_KEY"] = "not-the-key";
    auto from_env = cli.run({"list", "--id", "c1"});
    CHECK(from_env.exit_code == 3);
    CHECK(lines_of(from_env.err) ==
          std::vector<std::string>{
              "tidb-backups: error: API error RetCode 171: Signature VerifyAC Error",
              "hint: the keys came from the environment (SIGCALCLOUD_PUBLIC_KEY, "
              "SIGCALCLOUD_PRIVATE_KEY); the environment overrides the profile; check both, or "
              "run 'tidb-backups configure'"});

    cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    std::string config = cli.home().write_file(
        "config/tidb-backups/config.toml",
        "[prod]\npublic_key = \"demo-public-key\"\nprivate_key = \"stale-key\"\n");
    auto from_profile = cli.run({"list", "--id", "c1", "--profile", "prod"});
    CHECK(from_profile.exit_code == 3);
    CHECK(lines_of(from_profile.err) ==
          std::vector<std::string>{
              "tidb-backups: error: API error RetCode 171: Signature VerifyAC Error",
              "hint: the keys came from profile 'prod' in '" + config +
                  "'; the environment overrides the profile; check both, or run 'tidb-backups "
                  "configure'"});
}

TEST_CASE("RetCode 230 for Id names the cluster and the region", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5, {"--unknown-id", "ghost"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "ghost", "--region", "cn-bj2"});
    CHECK(result.exit_code == 3);
    CHECK(lines_of(result.err) ==
          std::vector<std::string>{
              "tidb-backups: error: API error RetCode 230: Params [Id] not available",
              "hint: no cluster 'ghost' in region 'cn-bj2' (from --region)? check the id, and "
              "--region"});
}

TEST_CASE("RetCode 230 for an --ids-from line's own region names that line", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(5, {"--unknown-id", "ghost"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--ids-from", "-", "--region", "cn-bj2"}, "cn-sh2 ghost\n");
    CHECK(result.exit_code == 3);
    CHECK(lines_of(result.err) ==
          std::vector<std::string>{
              "tidb-backups: error: API error RetCode 230: Params [Id] not available",
              "hint: no cluster 'ghost' in region 'cn-sh2' (from --ids-from)? check the id and "
              "its region"});
}

TEST_CASE("a --state value that matches nothing names the values seen", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(20));
    Cli cli(emulator);
    auto listed = cli.run({"list", "--id", "c1", "--state", "Succes"});
    INFO(listed.describe());
    CHECK(listed.exit_code == 0);
    CHECK(listed.out.empty());
    CHECK(lines_of(listed.err) ==
          std::vector<std::string>{"tidb-backups: warning: --state 'Succes' matches no backup "
                                   "(State values seen: Failed, Success); did you mean Success?",
                                   "No backups found."});

    auto checked = cli.run({"check", "--id", "c1", "--max-age", "26h", "--state", "Sucess"});
    INFO(checked.describe());
    CHECK(checked.exit_code == 2);
    CHECK(checked.out.empty());
    CHECK(lines_of(checked.err) ==
          std::vector<std::string>{"tidb-backups: error: --state 'Sucess' matches no backup "
                                   "(State values seen: Failed, Success)",
                                   "hint: did you mean Success?"});
}

TEST_CASE("table headers name fields, BackupName is one, and -o takes any case",
          "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(6));
    Cli cli(emulator);
    auto by_header = cli.run({"list", "--id", "c1", "-o", "CSV", "--sort-by", "size", "--fields",
                              "BackupId,started,size,name"});
    INFO(by_header.describe());
    CHECK(by_header.exit_code == 0);
    auto by_name = cli.run({"list", "--id", "c1", "-o", "csv", "--sort-by", "BackupSize",
                            "--fields", "BackupId,BackupStartTime,BackupSize,BackupName"});
    CHECK(by_name.exit_code == 0);
    CHECK(by_header.out == by_name.out);
    CHECK(lines_of(by_name.out).front() == "BackupId,BackupStartTime,BackupSize,BackupName");

    auto json = cli.run({"list", "--id", "c1", "-o", "JSON"});
    CHECK(json.exit_code == 0);
    CHECK(BackupObject::parse(json.out).size() == 6);

    auto unknown = cli.run({"list", "--id", "c1", "--sort-by", "sise"});
    CHECK(unknown.exit_code == 2);
    CHECK(lines_of(unknown.err).front() ==
          "tidb-backups: error: unknown field 'sise' in --sort-by");
}

TEST_CASE("configure list shows each setting, masked, and where it comes from", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    const std::string config = cli.home().write_file(
        "config/tidb-backups/config.toml",
        "[default]\nregion = \"cn-bj2\"\nprivate_key = \"profile-private-key-value\"\n");
    auto result = cli.run({"configure", "list", "--region", "cn-sh"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(result.out.find("profile-private-key-value") == std::string::npos);
    const std::string endpoint = emulator.url();
    CHECK(
        lines_of(result.out) ==
        std::vector<std::string>{
            fmt::format("SETTING      {:<{}}  SOURCE", "VALUE", config.size()),
            fmt::format("profile      {:<{}}  default", "default", config.size()),
            fmt::format("config       {}  default", config),
            fmt::format("region       {:<{}}  --region", "cn-sh", config.size()),
            fmt::format("public_key   {:<{}}  env SIGCALCLOUD_PUBLIC_KEY", "demo****-key",
                        config.size()),
            fmt::format("private_key  {:<{}}  profile 'default' in '{}'", "****************",
                        config.size(), config),
            fmt::format("project_id   {:<{}}  -", "<not set>", config.size()),
            fmt::format("endpoint     {:<{}}  env SIGCALCLOUD_ENDPOINT", endpoint, config.size())});
}

TEST_CASE("a retry shows a short line on a terminal, and none in a pipe", "[e2e][newcomer]") {
    EmulatorProcess emulator(emulator_args(3, {"--fail-first", "1"}));
    Cli cli(emulator);
    ProcessResult watched =
        testing::run_in_pty(cli_spec(cli, {"list", "--id", "c1", "-o", "json"}), false, true);
    INFO(watched.describe());
    CHECK(watched.exit_code == 0);
    CHECK(watched.err.find("tidb-backups: retrying c1 page 1 (2/4): ") != std::string::npos);

    EmulatorProcess again(emulator_args(3, {"--fail-first", "1"}));
    Cli piped(again);
    auto result = piped.run({"list", "--id", "c1", "-o", "json"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
}
