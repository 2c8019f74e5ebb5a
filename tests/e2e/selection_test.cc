// SPDX-License-Identifier: Apache-2.0
// Choosing and ordering what `list` shows, against the emulator: --state, --type, --since,
// --until, --sort-by, --reverse and --time-format, each output compared with the emulator's
// catalog filtered and sorted by the test itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "civil_time.h"
#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kBackups = 75;  // three pages of 30
constexpr const char* kCluster = "MlaMfzgZ";

std::vector<BackupObject> where(const std::vector<BackupObject>& backups,
                                const std::function<bool(const BackupObject&)>& keep) {
    std::vector<BackupObject> kept;
    std::copy_if(backups.begin(), backups.end(), std::back_inserter(kept), keep);
    return kept;
}

std::int64_t start_of(const BackupObject& backup) {
    return *field_integer(backup, "BackupStartTime");
}

std::vector<BackupObject> json_array(const ProcessResult& result) {
    return BackupObject::parse(result.out).get<std::vector<BackupObject>>();
}

std::vector<std::string> split(const std::string& line, char separator) {
    std::vector<std::string> parts;
    std::istringstream in(line + separator);
    for (std::string part; std::getline(in, part, separator);) {
        parts.push_back(part);
    }
    return parts;
}

}  // namespace

TEST_CASE("option --state keeps the backups in that state, in API order", "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const auto all = expected_backups(kCluster, kBackups);
    const auto failed =
        where(all, [](const BackupObject& b) { return field_text(b, "State") == "Failed"; });
    REQUIRE_FALSE(failed.empty());

    auto json = cli.run({"list", "--id", kCluster, "--state", "Failed", "-o", "json"});
    INFO(json.describe());
    REQUIRE(json.exit_code == 0);
    CHECK(json_array(json) == failed);
    CHECK(emulator.stats()["requests"] == 3);  // every page is still fetched: the API has no filter

    // Any case, repeated or as a list: both states are everything the emulator serves here.
    auto both = cli.run(
        {"list", "--id", kCluster, "--state", "failed", "--state", "SUCCESS", "-o", "json"});
    REQUIRE(both.exit_code == 0);
    CHECK(json_array(both) == all);
    auto listed = cli.run({"list", "--id", kCluster, "--state", "failed,success", "-o", "json"});
    CHECK(json_array(listed) == all);

    // The table shows just those rows.
    auto table = cli.run({"list", "--id", kCluster, "--state", "Failed"});
    REQUIRE(table.exit_code == 0);
    auto lines = lines_of(table.out);
    REQUIRE(lines.size() == failed.size() + 1);
    for (std::size_t i = 0; i < failed.size(); ++i) {
        CHECK(lines[i + 1].rfind(backup_id(failed[i]) + "  Failed", 0) == 0);
    }
}

TEST_CASE("option --type filters BackupType, streaming ndjson page by page", "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const auto manual = where(expected_backups(kCluster, kBackups), [](const BackupObject& b) {
        return field_text(b, "BackupType") == "Manual";
    });
    REQUIRE_FALSE(manual.empty());
    auto result = cli.run(
        {"list", "--id", kCluster, "--type", "Manual", "-o", "ndjson", "--page-size", "10"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == manual.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CHECK(BackupObject::parse(lines[i]) == manual[i]);
    }
}

TEST_CASE("a filter matching nothing: No backups found for the table, [] for json",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    auto table = cli.run({"list", "--id", "c1", "--state", "Deleted"});
    INFO(table.describe());
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.empty());
    // Deleted is no documented State and no backup has it: most likely a typo, so it is said.
    CHECK(table.err ==
          "tidb-backups: warning: --state 'Deleted' matches no backup (State values seen: "
          "Success)\nNo backups found.\n");
    auto json = cli.run({"list", "--id", "c1", "--type", "Nightly", "-o", "json"});
    REQUIRE(json.exit_code == 0);
    CHECK(json.out == "[]\n");
    auto csv = cli.run({"list", "--id", "c1", "--type", "Nightly", "-o", "csv"});
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out == "BackupId,BackupStartTime,BackupEndTime,BackupSize,State,BackupType\n");
}

TEST_CASE("option --since is inclusive, --until exclusive, on BackupStartTime",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const auto all = expected_backups(kCluster, kBackups);  // newest first
    // The starts of backups 9 and 3 (date -u -d @1794209771, @1794727615).
    const std::string since = "2026-11-09T07:36:11Z";
    const std::string until = "2026-11-15T07:26:55Z";
    REQUIRE(start_of(all[9]) == 1794209771);
    REQUIRE(start_of(all[3]) == 1794727615);
    CHECK(iso_utc(start_of(all[9])) == since);
    CHECK(iso_utc(start_of(all[3])) == until);

    auto range =
        cli.run({"list", "--id", kCluster, "--since", since, "--until", until, "-o", "json"});
    INFO(range.describe());
    REQUIRE(range.exit_code == 0);
    CHECK(json_array(range) == std::vector<BackupObject>(all.begin() + 4, all.begin() + 10));

    auto from = cli.run({"list", "--id", kCluster, "--since", since, "-o", "json"});
    REQUIRE(from.exit_code == 0);
    CHECK(json_array(from) == std::vector<BackupObject>(all.begin(), all.begin() + 10));

    // A date without a time is midnight in the local zone (TZ=UTC here): the newest backup
    // starts on 2026-11-18, which began at 1794960000 (date -u -d 2026-11-18 +%s).
    REQUIRE(start_of(all[0]) == 1794989200);
    CHECK(utc_midnight(start_of(all[0])) == 1794960000);
    auto today = cli.run({"list", "--id", kCluster, "--since", "2026-11-18", "-o", "json"});
    REQUIRE(today.exit_code == 0);
    CHECK(json_array(today) == std::vector<BackupObject>(all.begin(), all.begin() + 1));
    CHECK(json_array(today) ==
          where(all, [&](const BackupObject& b) { return start_of(b) >= 1794960000; }));
}

TEST_CASE("option --since and --until take ages counted back from now", "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(10));
    Cli cli(emulator);
    // The emulator's clock is fixed and the CLI's is real, so only ages far beyond both agree.
    auto everything = cli.run({"list", "--id", "c1", "--since", "100000d", "-o", "json"});
    INFO(everything.describe());
    REQUIRE(everything.exit_code == 0);
    CHECK(json_array(everything) == expected_backups("c1", 10));
    auto nothing = cli.run({"list", "--id", "c1", "--until", "100000d"});
    REQUIRE(nothing.exit_code == 0);
    CHECK(nothing.err == "No backups found.\n");
}

TEST_CASE("a bad --since, --until, --sort-by or --time-format is exit 2 and sends nothing",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--since", "last week"}, "--since"},
        {{"--until", "2026-02-30"}, "--until"},
        {{"--since", "2026-11-28", "--until", "2026-11-01"}, "--since"},
        {{"--sort-by", "Sizes"}, "--sort-by"},  // "Size" is the table's header of BackupSize
        {{"--time-format", "unix"}, "--time-format"},
        {{"--state", ""}, "--state"},
    };
    for (const auto& [flags, named] : cases) {
        std::vector<std::string> args = {"list", "--id", "c1"};
        args.insert(args.end(), flags.begin(), flags.end());
        auto result = cli.run(args);
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
        CHECK(result.err.find(named) != std::string::npos);
    }
    auto unknown = cli.run({"list", "--id", "c1", "--sort-by", "nope"});
    CHECK(unknown.err.find("BackupSize") != std::string::npos);  // the valid fields are listed
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("option --sort-by BackupSize --reverse: largest first, numerically, stable",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    auto expected = expected_backups(kCluster, kBackups);
    std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
        return *field_integer(a, "BackupSize") > *field_integer(b, "BackupSize");
    });
    auto result =
        cli.run({"list", "--id", kCluster, "--sort-by", "BackupSize", "--reverse", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(json_array(result) == expected);

    // Any case; csv buffers when sorting and still writes the header first.
    auto csv = cli.run({"list", "--id", kCluster, "--sort-by", "backupsize", "-o", "csv",
                        "--fields", "BackupSize"});
    REQUIRE(csv.exit_code == 0);
    auto lines = lines_of(csv.out);
    REQUIRE(lines.size() == kBackups + 1);
    CHECK(lines[0] == "BackupSize");
    for (std::size_t i = 2; i < lines.size(); ++i) {
        CHECK(std::stoll(lines[i - 1]) <= std::stoll(lines[i]));  // numbers, not text
    }
}

TEST_CASE("option --reverse alone reverses API order, a sort spans every cluster",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(12));
    Cli cli(emulator);
    auto reversed = cli.run({"list", "--id", "c1", "--reverse", "-o", "ndjson"});
    INFO(reversed.describe());
    REQUIRE(reversed.exit_code == 0);
    auto expected = expected_backups("c1", 12);
    std::reverse(expected.begin(), expected.end());
    auto lines = lines_of(reversed.out);
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CHECK(BackupObject::parse(lines[i]) == expected[i]);
    }

    auto both = cli.run({"list", "--id", "zeta", "--id", "alpha", "--sort-by", "BackupStartTime",
                         "-o", "tsv", "--fields", "ClusterId,BackupId,BackupStartTime"});
    REQUIRE(both.exit_code == 0);
    auto rows = lines_of(both.out);
    REQUIRE(rows.size() == 25);
    std::int64_t previous = 0;
    std::size_t clusters_seen = 0;
    std::string last_cluster;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        auto cells = split(rows[i], '\t');
        REQUIRE(cells.size() == 3);
        CHECK(std::stoll(cells[2]) >= previous);
        previous = std::stoll(cells[2]);
        clusters_seen += cells[0] != last_cluster ? 1 : 0;
        last_cluster = cells[0];
    }
    CHECK(clusters_seen > 2);  // interleaved: one order across clusters, not cluster by cluster
}

TEST_CASE("option --time-format iso writes UTC ISO 8601 times in csv and json",
          "[e2e][selection]") {
    EmulatorProcess emulator(emulator_args(kBackups));
    Cli cli(emulator);
    const auto expected = expected_backups(kCluster, kBackups);
    const auto& fields = documented_fields();

    auto csv = cli.run({"list", "--id", kCluster, "-o", "csv", "--time-format", "iso"});
    INFO(csv.describe());
    REQUIRE(csv.exit_code == 0);
    auto lines = lines_of(csv.out);
    REQUIRE(lines.size() == expected.size() + 1);
    CHECK(lines[0] == "BackupId,BackupStartTime,BackupEndTime,BackupSize,State,BackupType");
    for (std::size_t i = 0; i < expected.size(); ++i) {
        auto cells = split(lines[i + 1], ',');
        REQUIRE(cells.size() == fields.size());
        for (std::size_t f = 0; f < fields.size(); ++f) {
            const std::string& field = fields[f];
            if (field == "BackupStartTime" || field == "BackupEndTime") {
                // The epoch second the API sent, as the test's own calendar writes it.
                CHECK(cells[f] == iso_utc(*field_integer(expected[i], field)));
            } else {
                CHECK(cells[f] == field_text(expected[i], field));
            }
        }
    }

    // The first and the last rows, written out (date -u -d @1794989200 +%FT%TZ, and so on).
    CHECK(lines[1] ==
          "bk-e48d4432aa,2026-11-18T08:06:40Z,2026-11-18T09:24:07Z,41082,Success,Automatic");
    CHECK(lines[75] ==
          "bk-cedb4f47f7,2026-09-05T07:44:20Z,2026-09-05T08:40:41Z,23993,Success,Automatic");

    auto json = cli.run({"list", "--id", kCluster, "-o", "json", "--time-format", "iso"});
    REQUIRE(json.exit_code == 0);
    auto parsed = json_array(json);
    REQUIRE(parsed.size() == expected.size());
    CHECK(parsed[0]["BackupStartTime"] == "2026-11-18T08:06:40Z");
    CHECK(parsed[74]["BackupEndTime"] == "2026-09-05T08:40:41Z");
    for (std::size_t i = 0; i < expected.size(); ++i) {
        BackupObject want = expected[i];
        for (const char* field : {"BackupStartTime", "BackupEndTime"}) {
            want[field] = iso_utc(*field_integer(expected[i], field));
        }
        CHECK(parsed[i].dump() == want.dump());  // everything else as served, key order too
    }

    // The default stays raw epoch seconds, and the table is unaffected.
    auto raw = cli.run({"list", "--id", kCluster, "-o", "json", "--limit", "1"});
    CHECK(BackupObject::parse(raw.out)[0]["BackupStartTime"].is_number_integer());
    auto table = cli.run({"list", "--id", kCluster, "--limit", "1", "--time-format", "iso"});
    REQUIRE(table.exit_code == 0);
    CHECK(table.out == cli.run({"list", "--id", kCluster, "--limit", "1"}).out);
}
