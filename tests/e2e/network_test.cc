// SPDX-License-Identifier: Apache-2.0
// Retries that rescue a listing: injected HTTP 5xx, dropped connections, rate limiting.
#include <catch2/catch.hpp>

#include <chrono>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

TEST_CASE("injected 5xx responses are retried and the listing completes", "[e2e][network]") {
    EmulatorProcess emulator(emulator_args(40, {"--fail-first", "2"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 40)));
    CHECK(emulator.stats()["requests"] == 4);  // 2 failures, then 2 pages
}

TEST_CASE("dropped connections are retried and the listing completes", "[e2e][network]") {
    EmulatorProcess emulator(emulator_args(10, {"--drop-first", "2"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--retries", "3"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 10)));
    auto stats = emulator.stats();
    CHECK(stats["requests"] == 3);     // 2 dropped, then the page
    CHECK(stats["connections"] == 3);  // each drop cost its connection
}

TEST_CASE("rate limiting (RetCode 153) is retried", "[e2e][network]") {
    EmulatorProcess emulator(emulator_args(6, {"--retcode", "153", "--retcode-first", "1"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out).size() == 6);
    CHECK(emulator.stats()["requests"] == 2);
}

TEST_CASE("a hang on the first attempt is cut by --timeout and the retry succeeds",
          "[e2e][network]") {
    EmulatorProcess emulator(emulator_args(6, {"--hang-first", "1"}));
    Cli cli(emulator);
    auto started = std::chrono::steady_clock::now();
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--timeout", "0.5"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out).size() == 6);
    CHECK(emulator.stats()["requests"] == 2);  // the hung one, then its retry
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(500));
}

TEST_CASE("option -v logs each request and status to stderr with secrets masked",
          "[e2e][network]") {
    EmulatorProcess emulator(emulator_args(3, {"--fail-first", "1"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "-v"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.find("POST " + emulator.url() + "/ Action=ListTiDBClusterBackup") !=
          std::string::npos);
    CHECK(result.err.find("HTTP 503") != std::string::npos);
    CHECK(result.err.find("HTTP 200") != std::string::npos);
    CHECK(result.err.find("retry 1/3") != std::string::npos);
    CHECK(result.err.find("Signature=%2A%2A%2A") != std::string::npos);
    CHECK(result.err.find(kPublicKey) == std::string::npos);
    CHECK(result.err.find(kPrivateKey) == std::string::npos);
    // stdout is still only data.
    CHECK(BackupObject::parse(result.out).size() == 3);
    CHECK(emulator.stats()["requests"] == 2);
}
