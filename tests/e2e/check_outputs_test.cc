// SPDX-License-Identifier: Apache-2.0
// `check -o nagios|json|prometheus` and its rules against the emulator on the real clock (its
// newest backup of a cluster starts 3 hours before the test's start), read by strict consumers:
// the monitoring-plugins parser, JSON, promtool and node_exporter's textfile collector.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "e2e.h"
#include "support/plugin_output.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using tidb_backups::testing::parse_plugin_output;
using tidb_backups::testing::PluginOutput;

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

struct RealClockEmulator {
    explicit RealClockEmulator(std::vector<std::string> extra = {})
        : now(std::time(nullptr)), emulator(args(now, std::move(extra))) {}

    static std::vector<std::string> args(std::int64_t now, std::vector<std::string> extra) {
        std::vector<std::string> all = {"--now", std::to_string(now), "--backups", "5"};
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    }

    std::vector<BackupObject> backups(const std::string& cluster_id) const {
        emulator::CatalogOptions options;
        options.default_count = 5;
        options.now = now;
        return emulator::Catalog(options).backups(cluster_id);
    }

    std::int64_t now;
    EmulatorProcess emulator;
};

PluginOutput nagios(const ProcessResult& result) {
    INFO(result.describe());
    return parse_plugin_output(result.out, "TIDB BACKUPS");
}

// The emulator's newest backup started exactly 3h before its clock; the CLI judges a moment
// later, on the real clock.
void check_age(const std::string& seconds) {
    INFO(seconds);
    const long age = std::stol(seconds);
    CHECK(age >= 10800);
    CHECK(age < 10800 + 60);
}

}  // namespace

TEST_CASE("check -o nagios: OK, exit 0, with perfdata", "[e2e][check][nagios]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "-o", "nagios", "-w", "4h", "-c", "5h"});
    CHECK(result.exit_code == 0);
    PluginOutput output = nagios(result);
    CHECK(output.status == "OK");
    const std::string newest = backup_id(fake.backups("c1").front());
    CHECK(output.summary.rfind("c1: newest Success backup " + newest + " is 3h00m old", 0) == 0);
    REQUIRE(output.perfdata.size() == 1);
    CHECK(output.perfdata[0].label == "age_c1");
    check_age(output.perfdata[0].value);
    CHECK(output.perfdata[0].uom == "s");
    CHECK(output.perfdata[0].warn == "14400");
    CHECK(output.perfdata[0].crit == "18000");
    CHECK(output.perfdata[0].min == "0");
    REQUIRE(output.long_output.size() == 1);
    CHECK(output.long_output[0].rfind("c1 OK: newest Success backup " + newest, 0) == 0);
}

TEST_CASE("check -o nagios: WARNING by age, exit 1", "[e2e][check][nagios]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "-o", "nagios", "-w", "2h", "-c", "5h"});
    CHECK(result.exit_code == 1);
    PluginOutput output = nagios(result);
    CHECK(output.status == "WARNING");
    CHECK(output.summary.find("(warning above 2h00m)") != std::string::npos);
    REQUIRE(output.perfdata.size() == 1);
    CHECK(output.perfdata[0].warn == "7200");
}

TEST_CASE("check -o nagios: CRITICAL by --max-age and with no backup, exit 2",
          "[e2e][check][nagios]") {
    RealClockEmulator fake({"--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    auto stale = cli.run({"check", "--id", "c1", "-o", "nagios", "--max-age", "2h"});
    CHECK(stale.exit_code == 2);
    CHECK(nagios(stale).status == "CRITICAL");

    auto none = cli.run({"check", "--id", "empty", "-o", "nagios"});
    CHECK(none.exit_code == 2);
    PluginOutput output = nagios(none);
    CHECK(output.status == "CRITICAL");
    CHECK(output.summary == "empty: no backups at all");
    REQUIRE(output.perfdata.size() == 1);
    CHECK(output.perfdata[0].value == "U");
    CHECK(output.perfdata[0].warn.empty());
    CHECK(output.perfdata[0].crit.empty());
}

TEST_CASE("check -o nagios: UNKNOWN when the call fails, exit 3", "[e2e][check][nagios]") {
    RealClockEmulator fake({"--unknown-id", "ghost"});
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "ghost", "-o", "nagios", "-c", "1d"});
    CHECK(result.exit_code == 3);
    PluginOutput output = nagios(result);
    CHECK(output.status == "UNKNOWN");
    CHECK(output.summary.rfind("ghost: ", 0) == 0);
    REQUIRE(output.perfdata.size() == 1);
    CHECK(output.perfdata[0].value == "U");
    CHECK(output.perfdata[0].crit == "86400");
    CHECK(result.err.find("230") != std::string::npos);
}

TEST_CASE("check -o nagios: several clusters, the worst wins and is named",
          "[e2e][check][nagios]") {
    RealClockEmulator fake({"--unknown-id", "ghost", "--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "--id", "ghost", "--id", "empty", "-o", "nagios",
                           "-w", "4h", "-c", "1d"});
    CHECK(result.exit_code == 2);
    PluginOutput output = nagios(result);
    CHECK(output.status == "CRITICAL");
    CHECK(output.summary == "1 of 3 clusters CRITICAL: empty: no backups at all");
    REQUIRE(output.perfdata.size() == 3);
    CHECK(output.perfdata[0].label == "age_c1");
    CHECK(output.perfdata[1].label == "age_ghost");
    CHECK(output.perfdata[2].label == "age_empty");
    REQUIRE(output.long_output.size() == 3);
    CHECK(output.long_output[0].rfind("c1 OK: ", 0) == 0);
    CHECK(output.long_output[1].rfind("ghost UNKNOWN: ", 0) == 0);
    CHECK(output.long_output[2] == "empty CRITICAL: no backups at all");
}

TEST_CASE("check rules: a backup Running too long, then the newest Failed",
          "[e2e][check][nagios]") {
    // c1's newest backup answers Running to the first request, then Failed.
    RealClockEmulator fake({"--running-for", "1", "--then", "Failed", "--running-cluster", "c1"});
    Cli cli(fake.emulator);
    const std::string newest = backup_id(fake.backups("c1").front());

    auto running = cli.run({"check", "--id", "c1", "-o", "nagios", "--max-running", "2h"});
    CHECK(running.exit_code == 1);
    PluginOutput output = nagios(running);
    CHECK(output.status == "WARNING");
    CHECK(output.summary.rfind("c1: backup " + newest + " has been Running for 3h0", 0) == 0);
    CHECK(output.summary.find("(limit 2h00m)") != std::string::npos);

    auto failed = cli.run({"check", "--id", "c1", "-o", "nagios"});
    CHECK(failed.exit_code == 1);
    CHECK(nagios(failed).summary == "c1: newest backup " + newest + " is Failed");

    auto paging = cli.run({"check", "--id", "c1", "-o", "nagios", "--on-failed", "critical"});
    CHECK(paging.exit_code == 2);
    CHECK(nagios(paging).status == "CRITICAL");

    auto ignored = cli.run({"check", "--id", "c1", "-o", "nagios", "--on-failed", "ok"});
    CHECK(ignored.exit_code == 0);
    CHECK(nagios(ignored).status == "OK");
}

TEST_CASE("check rules: the newest Success much smaller than the one before",
          "[e2e][check][nagios]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    // A cluster whose newest Success is below half the size of the Success before it.
    std::string cluster;
    std::int64_t newest_mb = 0;
    std::int64_t previous_mb = 0;
    for (int n = 0; n < 200 && cluster.empty(); ++n) {
        std::vector<std::int64_t> sizes;
        for (const auto& backup : fake.backups("c" + std::to_string(n))) {
            if (field_text(backup, "State") == "Success") {
                sizes.push_back(*field_integer(backup, "BackupSize"));
            }
        }
        if (sizes.size() >= 2 && sizes[0] * 100 < sizes[1] * 50) {
            cluster = "c" + std::to_string(n);
            newest_mb = sizes[0];
            previous_mb = sizes[1];
        }
    }
    REQUIRE_FALSE(cluster.empty());
    auto dropped = cli.run({"check", "--id", cluster, "-o", "nagios"});
    CHECK(dropped.exit_code == 1);
    PluginOutput output = nagios(dropped);
    CHECK(output.status == "WARNING");
    CHECK(output.summary.find(std::to_string(newest_mb) + " MB, ") != std::string::npos);
    CHECK(output.summary.find(std::to_string(previous_mb) + " MB of ") != std::string::npos);
    CHECK(output.summary.find("(minimum 50%)") != std::string::npos);

    auto off = cli.run({"check", "--id", cluster, "-o", "nagios", "--min-size-percent", "off"});
    CHECK(off.exit_code == 0);
    CHECK(nagios(off).status == "OK");
}

TEST_CASE("check -o json: one object per cluster, with literal values", "[e2e][check][json]") {
    RealClockEmulator fake({"--unknown-id", "ghost", "--backups-for", "empty=0"});
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "--id", "empty", "--id", "ghost", "-o", "json",
                           "-w", "4h", "-c", "1d"});
    INFO(result.describe());
    CHECK(result.exit_code == 3);  // the failed call's code wins, as in the human output
    auto document = nlohmann::json::parse(result.out);
    REQUIRE(document.size() == 3);

    const auto& c1 = document[0];
    const BackupObject newest = fake.backups("c1").front();
    CHECK(c1["id"] == "c1");
    CHECK(c1["region"] == "cn-zj");
    CHECK(c1["verdict"] == "OK");
    CHECK(c1["reasons"] == nlohmann::json::array());
    CHECK(c1["state"] == "Success");
    CHECK(c1["newest"]["id"] == backup_id(newest));
    CHECK(c1["newest"]["start"] == fake.now - 10800);
    CHECK(c1["newest"]["size_bytes"] == *field_integer(newest, "BackupSize") * 1048576);
    check_age(c1["age_seconds"].dump());
    CHECK(c1["error"].is_null());

    const auto& empty = document[1];
    CHECK(empty == nlohmann::json::parse(R"({"id":"empty","region":"cn-zj","verdict":"CRITICAL",
        "reasons":["no backups at all"],"state":"Success","newest":null,"age_seconds":null,
        "counts":{"Success":0,"Failed":0,"Running":0},"total":0,"newest_failed":false,
        "running":null,"size_drop":null,"notes":[],"error":null})"));

    const auto& ghost = document[2];
    CHECK(ghost["verdict"] == "UNKNOWN");
    CHECK(ghost["error"]["kind"] == "api");
    CHECK(ghost["error"]["exit_code"] == 3);
    CHECK(ghost["error"]["ret_code"] == 230);
}

TEST_CASE("check -o json: exit 1 when a cluster is not OK, 0 when all are", "[e2e][check][json]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    auto warning = cli.run({"check", "--id", "c1", "-o", "json", "-w", "2h"});
    CHECK(warning.exit_code == 1);
    CHECK(nlohmann::json::parse(warning.out)[0]["verdict"] == "WARNING");
    auto fine = cli.run({"check", "--id", "c1", "-o", "json", "-w", "4h"});
    CHECK(fine.exit_code == 0);
    CHECK(nlohmann::json::parse(fine.out)[0]["verdict"] == "OK");
}

TEST_CASE("check -o prometheus: promtool accepts it", "[e2e][check][prometheus]") {
    if (::access(kPromtool, X_OK) != 0) {
        TIDB_SKIP("promtool is not installed (Debian package prometheus)");
    }
    RealClockEmulator fake({"--unknown-id", "ghost"});
    Cli cli(fake.emulator);
    auto result = cli.run({"check", "--id", "c1", "--id", "ghost", "-o", "prometheus", "-c", "1d"});
    INFO(result.describe());
    CHECK(result.exit_code == 3);
    CHECK(result.out.find("tidb_backup_api_up{cluster=\"ghost\",region=\"cn-zj\"} 0\n") !=
          std::string::npos);
    CHECK(result.out.find("tidb_backup_check_status{cluster=\"c1\",region=\"cn-zj\"} 0\n") !=
          std::string::npos);
    CHECK(result.out.find("tidb_backup_last_success_start_timestamp_seconds{cluster=\"c1\","
                          "region=\"cn-zj\"} " +
                          std::to_string(fake.now - 10800) + "\n") != std::string::npos);
    testing::ProcessSpec spec;
    spec.argv = {kPromtool, "check", "metrics"};
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.stdin_data = result.out;
    ProcessResult checked = testing::run_process(spec);
    INFO(checked.describe());
    CHECK(checked.exit_code == 0);
    CHECK(checked.err.empty());
}

TEST_CASE("check --textfile replaces the file atomically, mode 0644, nothing on stdout",
          "[e2e][check][prometheus]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    TempDir dir;
    const std::string path = dir.write_file("tidb_backups.prom", "old\n");
    ::chmod(path.c_str(), 0600);
    // A second name for the old file: a rename leaves it whole, an in-place write would not.
    const std::string old_link = dir.file("old-link");
    REQUIRE(::link(path.c_str(), old_link.c_str()) == 0);

    auto result = cli.run({"check", "--id", "c1", "--textfile", path, "-c", "1d"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out.empty());
    CHECK(result.err.empty());
    const std::string text = dir.read_file("tidb_backups.prom");
    CHECK(text.find("tidb_backup_check_status{cluster=\"c1\",region=\"cn-zj\"} 0\n") !=
          std::string::npos);
    CHECK(dir.read_file("old-link") == "old\n");
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0644);
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"old-link", "tidb_backups.prom"});

    auto missing = cli.run({"check", "--id", "c1", "--textfile", dir.file("no/such/x.prom")});
    CHECK(missing.exit_code == 7);
    CHECK(missing.err.rfind("tidb-backups: error: ", 0) == 0);
}

TEST_CASE("check -o human keeps its lines and exit codes", "[e2e][check]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    auto by_critical = cli.run({"check", "--id", "c1", "-c", "2h"});
    CHECK(by_critical.exit_code == 1);
    CHECK(by_critical.out.rfind("STALE: newest Success backup ", 0) == 0);
    CHECK(by_critical.out.find(" old (max 2h)\n") != std::string::npos);
    auto explicit_human = cli.run({"check", "--id", "c1", "-o", "human", "--max-age", "4h"});
    CHECK(explicit_human.exit_code == 0);
    CHECK(explicit_human.out.rfind("OK: newest Success backup ", 0) == 0);
}

TEST_CASE(
    "check: bad output and rule values are exit 2 and send nothing, with -o nagios the "
    "plugin's UNKNOWN, exit 3",
    "[e2e][check]") {
    RealClockEmulator fake;
    Cli cli(fake.emulator);
    TempDir dir;
    const std::string three_words = dir.write_file("ids.txt", "cn-zj c1 extra\n");
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"-o", "xml"},
         "invalid value for --output: 'xml' (expected human, json, prometheus or "
         "nagios)"},
        {{"-o", "json", "--textfile", "x.prom"}, "--textfile writes the prometheus output"},
        {{"-o", "nagios", "-w", "5x"}, "invalid value for --warning: '5x'"},
        {{"-o", "nagios", "-w", "3h", "-c", "2h"}, "the warning age (3h00m) is above the critical"},
        {{"--max-age", "1h", "-c", "2h"}, "--max-age and --critical are the same setting"},
        {{"-o", "nagios", "--on-failed", "page"}, "invalid value for --on-failed: 'page'"},
        {{"-o", "nagios", "--on-no-backup", "Critical"}, "invalid value for --on-no-backup"},
        {{"-o", "nagios", "--min-size-percent", "0"}, "invalid value for --min-size-percent: '0'"},
        {{"-o", "nagios", "--min-size-percent", "101"}, "--min-size-percent: '101'"},
        {{"-o", "nagios", "--max-running", "6"}, "hint: a unit is required: 6m, 6h or 6d"},
        {{"--max-age", "26h", "-w", "1h"}, "--warning is for -o json, prometheus or nagios"},
        {{"--max-age", "26h", "--textfile", ""}, "--textfile"},
        {{"-o", "nagios", "--ids-from", three_words}, "line 1 has 3 words"},
        // Words the command line itself refuses, before any flag is read.
        {{"--bogus"}, "--bogus"},
        {{"-o", "nagios", "--bogus"}, "--bogus"},
        {{"--output=NAGIOS", "--max-age"}, "--max-age"},
        {{"-onagios", "-w"}, "-w needs a value"},
    };
    for (const auto& [extra, message] : bad) {
        std::vector<std::string> args = {"check", "--id", "c1"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto result = cli.run(args);
        INFO(result.describe());
        CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
        CHECK(result.err.find(message) != std::string::npos);
        const std::vector<std::string> err_lines = lines_of(result.err);
        CHECK(err_lines.size() <= 2);
        const bool plugin = std::any_of(extra.begin(), extra.end(), [](const std::string& word) {
            return word.find("nagios") != std::string::npos ||
                   word.find("NAGIOS") != std::string::npos;
        });
        if (!plugin) {
            CHECK(result.exit_code == 2);
            CHECK(result.out.empty());
            continue;
        }
        // Nagios reads 2 as CRITICAL: a check that could not run is UNKNOWN, with the reason.
        CHECK(result.exit_code == 3);
        PluginOutput output = nagios(result);
        CHECK(output.status == "UNKNOWN");
        CHECK(output.perfdata.empty());
        REQUIRE_FALSE(err_lines.empty());
        CHECK(result.out ==
              "TIDB BACKUPS UNKNOWN - " +
                  err_lines.front().substr(std::string("tidb-backups: error: ").size()) + "\n");
    }
    CHECK(fake.emulator.stats()["requests"] == 0);
}
