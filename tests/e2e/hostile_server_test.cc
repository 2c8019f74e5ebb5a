// SPDX-License-Identifier: Apache-2.0
// A server that lies, repeats itself, nests JSON deep or sends numbers and times no API would:
// the real CLI against the emulator's hostile flags. Nothing may crash, hang, page for ever or
// print a partial json/table; every refusal is one `tidb-backups: error:` line and exit 5.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "e2e.h"
#include "emulator/hostile.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

// Exit `code`, nothing on stdout, one error line holding `message`, at most a hint after it.
void check_refused(const ProcessResult& result, int code, const std::string& message) {
    INFO(result.describe());
    CHECK(result.exit_code == code);
    CHECK(result.signal == 0);
    CHECK_FALSE(result.timed_out);
    CHECK(result.out.empty());
    auto lines = lines_of(result.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(starts_with(lines[0], "tidb-backups: error: "));
    CHECK(lines[0].find(message) != std::string::npos);
    CHECK(lines.size() <= 2);
    if (lines.size() == 2) {
        CHECK(starts_with(lines[1], "hint: "));
    }
}

int requests_of(const EmulatorProcess& emulator) {
    return emulator.stats()["requests"].get<int>();
}

// The emulator on the real clock (check judges ages against it), `backups` per cluster.
struct RealClock {
    explicit RealClock(int backups, std::vector<std::string> extra)
        : now(std::time(nullptr)), emulator(args(now, backups, std::move(extra))), count(backups) {}

    static std::vector<std::string> args(std::int64_t now, int backups,
                                         std::vector<std::string> extra) {
        std::vector<std::string> all = {"--now", std::to_string(now), "--backups",
                                        std::to_string(backups)};
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    }

    // What the catalog holds for `cluster_id`, newest first, before any hostile change.
    std::vector<BackupObject> backups(const std::string& cluster_id) const {
        emulator::CatalogOptions options;
        options.default_count = count;
        options.now = now;
        return emulator::Catalog(options).backups(cluster_id);
    }

    std::int64_t now;
    EmulatorProcess emulator;
    int count;
};

}  // namespace

TEST_CASE("hostile: JSON nested 100,000 deep in a field, RetCode or TotalCount is exit 5",
          "[e2e][hostile]") {
    for (const std::string field : {"BackupName", "RetCode", "TotalCount"}) {
        INFO(field);
        EmulatorProcess emulator(emulator_args(5, {"--nest", field + "=100000"}));
        Cli cli(emulator);
        const std::string message =
            "the response nests arrays and objects more than 64 levels deep";
        check_refused(cli.run({"list", "--id", "c1", "-o", "json"}), 5, message);
        check_refused(cli.run({"list", "--id", "c1"}), 5, message);
        check_refused(cli.run({"check", "--id", "c1", "--max-age", "26h"}), 5, message);
    }
}

TEST_CASE("hostile: an integer past 64 bits is refused, naming the field and the value",
          "[e2e][hostile]") {
    EmulatorProcess emulator(emulator_args(5, {"--huge-number"}));
    Cli cli(emulator);
    check_refused(cli.run({"list", "--id", "c1", "-o", "json"}), 5,
                  "the response's BackupSize holds the integer 18446744073709551616, too large "
                  "to keep exactly");
}

TEST_CASE("hostile: a RetCode that is not an integer is exit 5, a string of digits is fine",
          "[e2e][hostile]") {
    for (const std::string raw : {"0.5", "0.0", "\"0.5\"", "true"}) {
        INFO(raw);
        EmulatorProcess emulator(emulator_args(5, {"--raw-retcode", raw}));
        Cli cli(emulator);
        check_refused(cli.run({"list", "--id", "c1", "-o", "json"}), 5,
                      "the response RetCode " + raw + " is not an integer");
    }
    EmulatorProcess digits(emulator_args(5, {"--raw-retcode", "\"0\""}));
    auto result = Cli(digits).run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 5)));
}

TEST_CASE("hostile: a lone surrogate escape becomes U+FFFD and the page is kept",
          "[e2e][hostile]") {
    EmulatorProcess emulator(emulator_args(3, {"--lone-surrogate"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto expected = expected_backups("c1", 3);
    for (auto& backup : expected) {
        // The escaped backslash stays a backslash followed by text.
        backup["BackupName"] = "lone \xEF\xBF\xBD surrogate, escaped \\ud800";
    }
    CHECK(BackupObject::parse(result.out) == BackupObject(expected));
}

TEST_CASE("hostile: pages capped at 20 under Limit 30 are all fetched", "[e2e][hostile]") {
    for (const std::string concurrency : {"1", "8"}) {
        INFO("concurrency " << concurrency);
        EmulatorProcess emulator(emulator_args(100, {"--page-cap", "20"}));
        Cli cli(emulator);
        auto result = cli.run({"list", "--id", "c1", "-o", "json", "--concurrency", concurrency});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 100)));
        // Pages at 0, 30, 60 and 90 bring 20, 20, 20 and 10; the rests 20, 50, 80 bring 10 each.
        CHECK(requests_of(emulator) == 7);
    }
}

TEST_CASE("hostile: a TotalCount that empty pages never reach is exit 5, not a short list",
          "[e2e][hostile]") {
    EmulatorProcess emulator(emulator_args(20, {"--page-cap", "20", "--total-count", "100"}));
    Cli cli(emulator);
    const std::string message =
        "TotalCount says 100 backups, but the page at offset 20 came back empty (20 backups in ";
    check_refused(cli.run({"list", "--id", "c1", "-o", "json"}), 5, message);
    check_refused(cli.run({"list", "--id", "c1"}), 5, message);
    CHECK(requests_of(emulator) <= 2 * (2 + 2 * 8));

    // A stream has written what it had; stderr says how much.
    auto ndjson = cli.run({"list", "--id", "c1", "-o", "ndjson"});
    INFO(ndjson.describe());
    CHECK(ndjson.exit_code == 5);
    auto lines = lines_of(ndjson.out);
    auto expected = expected_backups("c1", 20);
    REQUIRE(lines.size() == 20);
    CHECK(BackupObject::parse(lines.back()) == expected.back());
    CHECK(ndjson.err.find("(20 backups of this cluster were written before the failure)") !=
          std::string::npos);
}

TEST_CASE("hostile: a server that ignores Offset is stopped by its repeating pages",
          "[e2e][hostile]") {
    SECTION("with a TotalCount of 2^62") {
        EmulatorProcess emulator(emulator_args(
            40, {"--ignore-offset", "--total-count", std::to_string(std::int64_t{1} << 62)}));
        Cli cli(emulator);
        auto started = std::chrono::steady_clock::now();
        check_refused(cli.run({"list", "--id", "c1", "-o", "json"}), 5,
                      "the pages repeat: the page at offset 30 holds only backups already "
                      "received (30 backups in ");
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
        // The first page, then at most the pages planned ahead: two per worker.
        CHECK(requests_of(emulator) <= 1 + 2 * 8);
    }
    SECTION("without TotalCount or BackupIds") {
        EmulatorProcess emulator(
            emulator_args(40, {"--ignore-offset", "--omit-total-count", "--omit-backup-id"}));
        Cli cli(emulator);
        check_refused(cli.run({"list", "--id", "c1"}), 5,
                      "the pages repeat: the page at offset 30 holds only backups already "
                      "received (30 backups in 2 requests, no TotalCount)");
        CHECK(requests_of(emulator) == 2);
    }
}

TEST_CASE("hostile: backups without BackupId are all listed once", "[e2e][hostile]") {
    EmulatorProcess emulator(emulator_args(75, {"--omit-backup-id"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto expected = expected_backups("c1", 75);
    for (auto& backup : expected) {
        backup.erase("BackupId");
    }
    CHECK(BackupObject::parse(result.out) == BackupObject(expected));
}

TEST_CASE("hostile: pages that never end stop at 10000 requests", "[e2e][hostile]") {
    // An honest list too long for any real cluster stands for a server inventing backups.
    EmulatorProcess emulator(emulator_args(10001));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--page-size", "1"});
    check_refused(result, 5,
                  "stopped after 10000 requests (10000 backups, TotalCount says 10001): more "
                  "pages than any cluster has");
    CHECK(requests_of(emulator) == 10000);
}

TEST_CASE("hostile: check does not take milliseconds for seconds", "[e2e][hostile][check]") {
    RealClock fake(8, {"--time-unit", "ms"});
    Cli cli(fake.emulator);
    // What the warning and the verdict say of a cluster, from the catalog.
    auto expected_for = [&fake](const std::string& cluster) {
        std::vector<BackupObject> success;
        for (const auto& backup : fake.backups(cluster)) {
            if (field_text(backup, "State") == "Success") {
                success.push_back(backup);
            }
        }
        REQUIRE(success.size() > 1);
        std::string warning = fmt::format(
            "backup {} has BackupStartTime {}000, which looks like milliseconds, not epoch "
            "seconds: not counted (and {} more)",
            backup_id(success[0]), field_text(success[0], "BackupStartTime"), success.size() - 1);
        std::string stale = fmt::format(
            "STALE: no Success backup has a usable start time ({} passed over: not epoch "
            "seconds, or in the future)",
            success.size());
        return std::pair{warning, stale};
    };
    auto [warning, stale] = expected_for("c1");

    auto result = cli.run({"check", "--id", "c1", "--max-age", "26h"});
    INFO(result.describe());
    CHECK(result.exit_code == 1);
    CHECK(result.out == stale + "\n");
    CHECK(result.err == "tidb-backups: warning: " + warning + "\n");

    // Several clusters: one warning line each, never one per backup.
    auto [warning2, stale2] = expected_for("c2");
    auto several = cli.run({"check", "--id", "c1", "--id", "c2", "--max-age", "26h"});
    INFO(several.describe());
    CHECK(several.exit_code == 1);
    CHECK(several.out == "c1 " + stale + "\nc2 " + stale2 + "\n");
    CHECK(several.err == "tidb-backups: warning: cluster c1: " + warning +
                             "\ntidb-backups: warning: cluster c2: " + warning2 + "\n");
}

TEST_CASE("hostile: a backup dated ten years ahead hides no staleness", "[e2e][hostile][check]") {
    const std::int64_t ten_years = std::int64_t{3650} * 86400;
    RealClock fake(5, {"--future-backup", std::to_string(ten_years)});
    Cli cli(fake.emulator);
    auto backups = fake.backups("c1");
    // The verdict comes from the newest Success backup after the one dated in the future.
    const BackupObject* usable = nullptr;
    for (std::size_t i = 1; i < backups.size(); ++i) {
        if (field_text(backups[i], "State") == "Success" &&
            (usable == nullptr || *field_integer(backups[i], "BackupStartTime") >
                                      *field_integer(*usable, "BackupStartTime"))) {
            usable = &backups[i];
        }
    }
    REQUIRE(usable != nullptr);
    const std::string warning_start =
        fmt::format("tidb-backups: warning: backup {} has BackupStartTime {}, ",
                    backup_id(backups[0]), fake.now + ten_years);
    const std::string warning_end =
        " in the future (more than the 15m00s clock skew allowed): not counted\n";

    auto stale = cli.run({"check", "--id", "c1", "--max-age", "4h"});
    INFO(stale.describe());
    CHECK(stale.exit_code == 1);
    CHECK(starts_with(stale.out, "STALE: newest Success backup " + backup_id(*usable) + " is "));
    CHECK(starts_with(stale.err, warning_start));
    CHECK(stale.err.size() > warning_end.size());
    CHECK(stale.err.substr(stale.err.size() - warning_end.size()) == warning_end);
    CHECK(lines_of(stale.err).size() == 1);

    auto fresh = cli.run({"check", "--id", "c1", "--max-age", "30d"});
    INFO(fresh.describe());
    CHECK(fresh.exit_code == 0);
    CHECK(starts_with(fresh.out, "OK: newest Success backup " + backup_id(*usable) + " is "));
    CHECK(starts_with(fresh.err, warning_start));
}

TEST_CASE("hostile: the emulator refuses hostile flags it cannot honour", "[e2e][hostile]") {
    const std::vector<std::vector<std::string>> cases = {
        {"--nest", "BackupSize=3"},
        {"--nest", "RetCode=0"},
        {"--nest", "RetCode"},
        {"--nest", "TotalCount=10000001"},
        {"--nest", "RetCode=3", "--raw-retcode", "1"},
        {"--time-unit", "us"},
        {"--page-cap", "0"},
    };
    for (const auto& args : cases) {
        INFO(args[0] << " " << args[1]);
        testing::ProcessSpec spec;
        spec.argv = {TIDB_BACKUPS_EMULATOR_BIN, "--port", "0"};
        spec.argv.insert(spec.argv.end(), args.begin(), args.end());
        spec.env = {{"PATH", "/usr/bin:/bin"}};
        spec.timeout = std::chrono::seconds(20);
        auto result = testing::run_process(spec);
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(starts_with(result.err, "tidb-backups-emulator: error: "));
    }
}
