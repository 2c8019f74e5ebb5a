// SPDX-License-Identifier: Apache-2.0
// Exit codes and error output: every bad input of the contract is exit 2 and sends nothing;
// API, network, response and configuration failures get their own codes, one error line, and
// nothing on stdout.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// One `tidb-backups: error:` line, optionally one `hint:` line, nothing else, and no crash.
void check_one_error(const ProcessResult& result) {
    INFO(result.describe());
    auto lines = lines_of(result.err);
    std::size_t errors = 0;
    for (const auto& line : lines) {
        if (line.rfind("tidb-backups: error: ", 0) == 0) {
            ++errors;
        } else if (line.rfind("tidb-backups: ", 0) != 0 && line.rfind("hint: ", 0) != 0) {
            FAIL_CHECK("unexpected stderr line: " << line);
        }
    }
    CHECK(errors == 1);
    CHECK(result.out.empty());
    CHECK(result.err.find("terminate called") == std::string::npos);
    CHECK(result.signal == 0);
}

}  // namespace

TEST_CASE("every bad input of the contract is exit 2 and sends no request", "[e2e][errors]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    const std::vector<std::vector<std::string>> bad = {
        {"list", "--id", "c1", "--limit", "-1"},
        {"list", "--id", "c1", "--limit", "abc"},
        {"list", "--id", "c1", "--page-size", "31"},
        {"list", "--id", "c1", "--page-size", "0"},
        {"list", "--id", "c1", "--offset", "-2"},
        {"list", "--id", "c1", "-o", "xml"},
        {"list"},
        {"list", "--id", "c1", "--unknown-flag"},
        {"--unknown-flag", "list", "--id", "c1"},
        {"list", "--id", "c1", "--timeout", "0"},
        {"list", "--id", "c1", "--retries", "many"},
        {"list", "--id", "c1", "--fields", "BackupId,Bogus"},
        {"list", "--id", "c1", "--endpoint", "not a url"},
        {"list", "--id", "c1", "--endpoint", "http://api.example.com"},
        {"list", "--id", "c1", "--limit"},
        {"frobnicate"},
        {},
    };
    for (const auto& args : bad) {
        std::string shown;
        for (const auto& a : args) {
            shown += a + " ";
        }
        INFO("tidb-backups " << shown);
        auto result = cli.run(args);
        CHECK(result.exit_code == 2);
        check_one_error(result);
    }
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("a missing region is exit 2 before any request", "[e2e][errors]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_REGION");
    auto result = cli.run({"list", "--id", "c1"});
    CHECK(result.exit_code == 2);
    check_one_error(result);
    CHECK(result.err.find("region") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("missing credentials are exit 6 naming what is missing, before any request",
          "[e2e][errors]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    auto result = cli.run({"list", "--id", "c1"});
    CHECK(result.exit_code == 6);
    check_one_error(result);
    CHECK(result.err.find("private key") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("an unknown profile is exit 6", "[e2e][errors][config]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::string config = cli.home().write_file("config.toml", "[default]\nregion = \"cn-zj\"\n");
    auto result = cli.run({"list", "--id", "c1", "--config", config, "--profile", "prod"});
    CHECK(result.exit_code == 6);
    check_one_error(result);
    CHECK(result.err.find("'prod'") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("a broken config file is exit 6 with its line", "[e2e][errors][config]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::string config = cli.home().write_file("config.toml", "[default]\nregion \"cn-zj\"\n");
    auto result = cli.run({"list", "--id", "c1", "--config", config});
    CHECK(result.exit_code == 6);
    check_one_error(result);
    CHECK(result.err.find("config.toml:2") != std::string::npos);
}

TEST_CASE("a symlinked config file is exit 6 for list and check, before any request",
          "[e2e][errors][config]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::string real = cli.home().write_file("real.toml", "[default]\nregion = \"cn-zj\"\n");
    std::string link = cli.home().file("config.toml");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"list"}, std::vector<std::string>{"check", "--max-age", "1d"}}) {
        std::vector<std::string> args = command;
        args.insert(args.end(), {"--id", "c1", "--config", link});
        auto result = cli.run(args);
        CHECK(result.exit_code == 6);
        check_one_error(result);
        CHECK(result.err.find("error: config file " + link +
                              " is a symbolic link; refusing to read it") != std::string::npos);
    }
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("an unreadable config file is exit 6 naming it and the reason", "[e2e][errors][config]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::string config = cli.home().write_file("config.toml", "[default]\nregion = \"cn-zj\"\n");
    REQUIRE(::chmod(config.c_str(), 0) == 0);
    testing::ProcessSpec spec = cli_spec(cli, {"list", "--id", "c1", "--config", config});
    if (::geteuid() == 0) {
        // root reads any file; without these two capabilities it reads like everybody else.
        spec.argv.insert(spec.argv.begin(),
                         {"/usr/bin/setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                          "--inh-caps=-all", "--ambient-caps=-all"});
    }
    auto result = testing::run_process(spec);
    CHECK(result.exit_code == 6);
    check_one_error(result);
    CHECK(result.err.find("error: cannot read config file " + config + ": Permission denied") !=
          std::string::npos);
    CHECK(result.err.find("hint: check the permissions") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("credentials and settings come from the profile in the config file", "[e2e][config]") {
    EmulatorProcess emulator(emulator_args(4));
    Cli cli("");
    cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    cli.env().erase("SIGCALCLOUD_REGION");
    cli.env().erase("SIGCALCLOUD_ENDPOINT");
    cli.home().write_file(
        "config/tidb-backups/config.toml",
        "[default]\nregion = \"cn-zj\"\n\n[lab]\nregion = \"cn-zj\"\npublic_key = \"" +
            std::string(kPublicKey) + "\"\nprivate_key = \"" + kPrivateKey + "\"\nendpoint = \"" +
            emulator.url() + "\"\n");
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--profile", "lab"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out).size() == 4);
}

TEST_CASE("a wrong private key is exit 3 with RetCode 171 and the message", "[e2e][errors][api]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    cli.env()["SIGCALCLOUD_PRIVATE_KEY"] = "not-the-key";
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    CHECK(result.exit_code == 3);
    check_one_error(result);
    CHECK(result.err.find("171") != std::string::npos);
    CHECK(result.err.find("Signature VerifyAC Error") != std::string::npos);
    // A signature error is never retried.
    CHECK(emulator.stats()["requests"] == 1);
}

TEST_CASE("a parameter RetCode is exit 3 and not retried", "[e2e][errors][api]") {
    EmulatorProcess emulator(emulator_args(5, {"--retcode", "230"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1"});
    CHECK(result.exit_code == 3);
    check_one_error(result);
    CHECK(result.err.find("230") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 1);
}

TEST_CASE("a body that is not JSON is exit 5", "[e2e][errors][response]") {
    EmulatorProcess emulator(emulator_args(5, {"--malformed-first", "1000"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    CHECK(result.exit_code == 5);
    check_one_error(result);
}

TEST_CASE("HTTP 5xx forever is retried, then exit 4 naming the status", "[e2e][errors][network]") {
    EmulatorProcess emulator(emulator_args(5, {"--fail-first", "1000", "--fail-status", "502"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "--retries", "2", "-o", "json"});
    CHECK(result.exit_code == 4);
    check_one_error(result);
    CHECK(result.err.find("HTTP 502") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 3);
}

TEST_CASE("a refused connection is exit 4", "[e2e][errors][network]") {
    int port = 0;
    {
        EmulatorProcess emulator(emulator_args(1));
        port = emulator.port();
    }  // stopped: nothing listens on the port now
    Cli cli("http://127.0.0.1:" + std::to_string(port));
    auto result = cli.run({"list", "--id", "c1", "--retries", "1"});
    CHECK(result.exit_code == 4);
    check_one_error(result);
    CHECK(result.err.find("could not connect") != std::string::npos);
}

TEST_CASE("a hanging server is bounded by --timeout", "[e2e][errors][network]") {
    EmulatorProcess emulator(emulator_args(5, {"--hang"}));
    Cli cli(emulator);
    auto started = std::chrono::steady_clock::now();
    auto result = cli.run({"list", "--id", "c1", "--timeout", "0.5", "--retries", "1"});
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(result.exit_code == 4);
    check_one_error(result);
    CHECK_FALSE(result.timed_out);
    CHECK(result.err.find("no response") != std::string::npos);
    CHECK(emulator.stats()["requests"] == 2);
    // Two attempts of 0.5 s and one backoff: far from the 60 s the harness would allow.
    CHECK(elapsed < std::chrono::seconds(20));
}
