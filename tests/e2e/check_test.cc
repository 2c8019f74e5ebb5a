// SPDX-License-Identifier: Apache-2.0
// `check` against the emulator running on the real clock, so ages are real: the emulator's
// newest backup of a cluster starts 3 hours before now and is never Failed.
#include <catch2/catch.hpp>

#include <ctime>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// The emulator's clock for these tests: the real time when the test starts.
struct RealClockEmulator {
    explicit RealClockEmulator(int backups, std::vector<std::string> extra = {})
        : now(std::time(nullptr)), emulator(args(now, backups, std::move(extra))) {}

    static std::vector<std::string> args(std::int64_t now, int backups,
                                         std::vector<std::string> extra) {
        std::vector<std::string> all = {"--now", std::to_string(now), "--backups",
                                        std::to_string(backups)};
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    }

    // What the emulator serves for `cluster_id`, newest first.
    std::vector<BackupObject> backups(const std::string& cluster_id, int count) const {
        emulator::CatalogOptions options;
        options.default_count = count;
        options.now = now;
        return emulator::Catalog(options).backups(cluster_id);
    }

    std::int64_t now;
    EmulatorProcess emulator;
};

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

// The newest backup of `backups` in `state`, by start time.
const BackupObject* newest_in(const std::vector<BackupObject>& backups, const std::string& state) {
    const BackupObject* newest = nullptr;
    for (const auto& backup : backups) {
        if (field_text(backup, "State") == state &&
            (newest == nullptr || *field_integer(backup, "BackupStartTime") >
                                      *field_integer(*newest, "BackupStartTime"))) {
            newest = &backup;
        }
    }
    return newest;
}

// One `tidb-backups: error:` line, optionally a `hint:` line, and nothing on stdout.
void check_one_error(const ProcessResult& result) {
    INFO(result.describe());
    std::size_t errors = 0;
    for (const auto& line : lines_of(result.err)) {
        if (starts_with(line, "tidb-backups: error: ")) {
            ++errors;
        } else if (!starts_with(line, "hint: ")) {
            FAIL_CHECK("unexpected stderr line: " << line);
        }
    }
    CHECK(errors == 1);
    CHECK(result.out.empty());
    CHECK(result.signal == 0);
}

}  // namespace

TEST_CASE("check: a backup newer than --max-age is OK, exit 0", "[e2e][check]") {
    RealClockEmulator fake(5);
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "MlaMfzgZ", "--max-age", "4h"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    std::string newest = backup_id(fake.backups("MlaMfzgZ", 5).front());
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 1);
    // Started 3 hours before the emulator's clock, which is the test's start.
    CHECK(starts_with(lines[0], "OK: newest Success backup " + newest + " is 3h0"));
    CHECK(result.err.empty());
}

TEST_CASE("check: a backup older than --max-age is STALE, exit 1", "[e2e][check]") {
    RealClockEmulator fake(5);
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "MlaMfzgZ", "--max-age", "2h"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    std::string newest = backup_id(fake.backups("MlaMfzgZ", 5).front());
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 1);
    CHECK(starts_with(lines[0], "STALE: newest Success backup " + newest + " is 3h0"));
    CHECK(lines[0].find(" old (max 2h)") != std::string::npos);
    CHECK(result.err.empty());
}

TEST_CASE("check: a cluster without backups is STALE, exit 1", "[e2e][check]") {
    RealClockEmulator fake(5, {"--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "empty", "--max-age", "7d"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    CHECK(result.out == "STALE: no Success backup found\n");
}

TEST_CASE("check: every page is read, and -q still prints the verdict", "[e2e][check]") {
    RealClockEmulator fake(70);
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "--max-age", "90m", "-q", "--concurrency", "1"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    CHECK(starts_with(result.out,
                      "STALE: newest Success backup " + backup_id(fake.backups("c1", 70).front())));
    CHECK(result.err.empty());
    CHECK(fake.emulator.stats()["requests"] == 3);
}

TEST_CASE("check: several clusters get one line each, exit 1 if one is stale", "[e2e][check]") {
    RealClockEmulator fake(5, {"--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    auto result =
        cli.run({"check", "--id", "c1", "--id", "empty", "--max-age", "4h", "--ids-from", "-"},
                "# more\nc2\n");
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 3);
    CHECK(starts_with(lines[0],
                      "c1 OK: newest Success backup " + backup_id(fake.backups("c1", 5).front())));
    CHECK(lines[1] == "empty STALE: no Success backup found");
    CHECK(starts_with(lines[2],
                      "c2 OK: newest Success backup " + backup_id(fake.backups("c2", 5).front())));
    CHECK(result.err.empty());

    auto fresh = cli.run({"check", "--id", "c1", "--id", "c2", "--max-age", "4h"});
    INFO(fresh.describe());
    CHECK(fresh.exit_code == 0);
    CHECK(lines_of(fresh.out).size() == 2);
}

TEST_CASE("check: --state picks the newest backup in that state, in any case", "[e2e][check]") {
    constexpr int kBackups = 30;
    RealClockEmulator fake(kBackups);
    // A cluster whose catalog has a Failed backup (about one in ten is).
    std::string cluster;
    const BackupObject* failed = nullptr;
    std::vector<BackupObject> backups;
    for (int i = 0; i < 100 && failed == nullptr; ++i) {
        cluster = "cluster-" + std::to_string(i);
        backups = fake.backups(cluster, kBackups);
        failed = newest_in(backups, "Failed");
    }
    REQUIRE(failed != nullptr);
    const std::int64_t age = fake.now - *field_integer(*failed, "BackupStartTime");
    REQUIRE(age > 86400);  // never the newest, and backups are about a day apart

    Cli cli(fake.emulator);
    auto ok = cli.run({"check", "--id", cluster, "--max-age", "60d", "--state", "failed"});
    INFO(ok.describe());
    CHECK(ok.exit_code == 0);
    CHECK(starts_with(ok.out, "OK: newest Failed backup " + backup_id(*failed) + " is "));

    auto stale = cli.run({"check", "--id", cluster, "--max-age", "1d", "--state", "Failed"});
    INFO(stale.describe());
    CHECK(stale.exit_code == 1);
    CHECK(starts_with(stale.out, "STALE: newest Failed backup " + backup_id(*failed) + " is "));
    CHECK(stale.out.find("(max 1d)") != std::string::npos);

    auto none = cli.run({"check", "--id", cluster, "--max-age", "7d", "--state", "Running"});
    INFO(none.describe());
    CHECK(none.exit_code == 1);
    CHECK(none.out == "STALE: no Running backup found\n");
}

TEST_CASE("check: bad flags are exit 2 with one error line and send nothing", "[e2e][check]") {
    RealClockEmulator fake(5);
    Cli cli(fake.emulator);
    const std::vector<std::vector<std::string>> bad = {
        {"check", "--id", "c1", "--max-age", "5x"},
        {"check", "--id", "c1", "--max-age", "30"},
        {"check", "--id", "c1", "--max-age", "0h"},
        {"check", "--id", "c1", "--max-age", ""},
        {"check", "--id", "c1"},
        {"check", "--max-age", "26h"},
        {"check", "--id", "c1", "--max-age", "26h", "--state", ""},
        {"check", "--id", "c1", "--max-age", "26h", "--concurrency", "0"},
        {"check", "--id", "c1", "--max-age", "26h", "--ids-from", "/nonexistent/ids"},
        {"check", "--id", "c1", "--max-age", "26h", "--limit", "3"},
        {"check", "--id", "c1", "--max-age", "26h", "extra"},
    };
    for (const auto& args : bad) {
        std::string shown;
        for (const auto& a : args) {
            shown += "'" + a + "' ";
        }
        INFO("tidb-backups " << shown);
        auto result = cli.run(args);
        CHECK(result.exit_code == 2);
        check_one_error(result);
    }
    auto bare = cli.run({"check", "--id", "c1", "--max-age", "30"});
    CHECK(bare.err.find("'30'") != std::string::npos);
    CHECK(bare.err.find("hint: a unit is required: 30m, 30h or 30d") != std::string::npos);
    CHECK(fake.emulator.stats()["requests"] == 0);
}

TEST_CASE("check: a bad --max-age is exit 2 even without credentials", "[e2e][check]") {
    RealClockEmulator fake(5);
    Cli cli(fake.emulator);
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    auto result = cli.run({"check", "--id", "c1", "--max-age", "5x"});
    CHECK(result.exit_code == 2);
    check_one_error(result);
}

TEST_CASE("check: a failed cluster is reported on stderr, the others still get their line",
          "[e2e][check]") {
    RealClockEmulator fake(5, {"--unknown-id", "ghost", "--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    // Exit 3 wins over the stale cluster.
    auto result =
        cli.run({"check", "--id", "ghost", "--id", "c1", "--id", "empty", "--max-age", "4h"});
    INFO(result.describe());
    CHECK(result.exit_code == 3);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 2);
    CHECK(starts_with(lines[0], "c1 OK: newest Success backup "));
    CHECK(lines[1] == "empty STALE: no Success backup found");
    auto errors = lines_of(result.err);
    REQUIRE(errors.size() >= 1);
    CHECK(starts_with(errors[0], "tidb-backups: error: cluster ghost: "));
    CHECK(result.err.find("230") != std::string::npos);
    for (std::size_t i = 1; i < errors.size(); ++i) {
        CHECK(starts_with(errors[i], "hint: "));
    }
}

TEST_CASE("check: a wrong key is exit 3 and prints no verdict", "[e2e][check]") {
    RealClockEmulator fake(5);
    Cli cli(fake.emulator);
    cli.env()["SIGCALCLOUD_PRIVATE_KEY"] = "not-the-key";
    auto result = cli.run({"check", "--id", "c1", "--max-age", "26h"});
    CHECK(result.exit_code == 3);
    check_one_error(result);
    CHECK(result.err.find("171") != std::string::npos);
}

TEST_CASE("check: an unreachable endpoint is exit 4", "[e2e][check]") {
    Cli cli("http://127.0.0.1:1");
    auto result = cli.run({"check", "--id", "c1", "--max-age", "26h", "--retries", "0"});
    CHECK(result.exit_code == 4);
    check_one_error(result);
}
