// Choosing and ordering what `list` shows, against the emulator: --state, --type, --since,
// --until, --sort-by, --reverse and --time-format, each output compared with the emulator's
// catalog filtered and sorted by the test itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "core/time_spec.h"
#include "e2e.h"
#include "render/text.h"

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
    CHECK(table.err == "No backups found.\n");
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
    const std::string since = iso_time_utc(start_of(all[9]));
    const std::string until = iso_time_utc(start_of(all[3]));

    auto range =
        cli.run({"list", "--id", kCluster, "--since", since, "--until", until, "-o", "json"});
    INFO(range.describe());
    REQUIRE(range.exit_code == 0);
    CHECK(json_array(range) == std::vector<BackupObject>(all.begin() + 4, all.begin() + 10));

    auto from = cli.run({"list", "--id", kCluster, "--since", since, "-o", "json"});
    REQUIRE(from.exit_code == 0);
    CHECK(json_array(from) == std::vector<BackupObject>(all.begin(), all.begin() + 10));

    // A date without a time is midnight in the local zone (TZ=UTC here).
    const std::string day = iso_time_utc(start_of(all[0])).substr(0, 10);
    auto today = cli.run({"list", "--id", kCluster, "--since", day, "-o", "json"});
    REQUIRE(today.exit_code == 0);
    CHECK(json_array(today) == where(all, [&](const BackupObject& b) {
              return start_of(b) >= *parse_time_point(day + "T00:00:00Z", 0);
          }));
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
        {{"--sort-by", "Size"}, "--sort-by"},
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

TEST_CASE("option --reverse alone reverses API order; a sort spans every cluster",
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
                // Parsed back, the ISO text is the epoch second the API sent.
                REQUIRE(cells[f].ends_with("Z"));
                CHECK(parse_time_point(cells[f], 0) == field_integer(expected[i], field));
            } else {
                CHECK(cells[f] == field_text(expected[i], field));
            }
        }
    }

    auto json = cli.run({"list", "--id", kCluster, "-o", "json", "--time-format", "iso"});
    REQUIRE(json.exit_code == 0);
    auto parsed = json_array(json);
    REQUIRE(parsed.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        BackupObject restored = parsed[i];
        for (const char* field : {"BackupStartTime", "BackupEndTime"}) {
            REQUIRE(parsed[i][field].is_string());
            restored[field] = *parse_time_point(parsed[i][field].get<std::string>(), 0);
        }
        CHECK(restored.dump() == expected[i].dump());  // everything else, key order too
    }

    // The default stays raw epoch seconds, and the table is unaffected.
    auto raw = cli.run({"list", "--id", kCluster, "-o", "json", "--limit", "1"});
    CHECK(BackupObject::parse(raw.out)[0]["BackupStartTime"].is_number_integer());
    auto table = cli.run({"list", "--id", kCluster, "--limit", "1", "--time-format", "iso"});
    REQUIRE(table.exit_code == 0);
    CHECK(table.out == cli.run({"list", "--id", kCluster, "--limit", "1"}).out);
}
