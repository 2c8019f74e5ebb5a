// SPDX-License-Identifier: Apache-2.0
// docs/monitoring.md's recipes, run: the crontab line, the Prometheus alert rules and the Nagios
// command definition live in docs/monitoring/, the guide quotes them verbatim (checked here),
// and this test runs them against the emulator and the real consumers.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "e2e.h"
#include "support/plugin_output.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

std::string source_file(const std::string& name) {
    std::ifstream in(std::string(TIDB_BACKUPS_SOURCE_DIR) + "/" + name);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// `command` run by /bin/sh with `cli`'s environment and the binary's directory first in PATH.
ProcessResult run_shell(const Cli& cli, const std::string& command) {
    testing::ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", command};
    spec.env = cli.env_copy();
    spec.env["PATH"] =
        std::filesystem::path(TIDB_BACKUPS_BIN).parent_path().string() + ":/usr/bin:/bin";
    return testing::run_process(spec);
}

ProcessResult promtool(const std::vector<std::string>& args, const std::string& input = {}) {
    testing::ProcessSpec spec;
    spec.argv = {kPromtool};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.stdin_data = input;
    return testing::run_process(spec);
}

}  // namespace

TEST_CASE("docs/monitoring.md quotes its recipe files verbatim", "[e2e][docs]") {
    const std::string guide = source_file("docs/monitoring.md");
    for (const char* name : {"docs/monitoring/crontab", "docs/monitoring/tidb_backups.rules.yml",
                             "docs/monitoring/nagios.cfg"}) {
        INFO(name);
        CHECK(guide.find(source_file(name)) != std::string::npos);
    }
}

TEST_CASE("the documented alert rules pass promtool and use metrics check writes",
          "[e2e][docs][prometheus]") {
    if (::access(kPromtool, X_OK) != 0) {
        TIDB_SKIP("promtool is not installed (Debian package prometheus)");
    }
    const std::string rules_path =
        std::string(TIDB_BACKUPS_SOURCE_DIR) + "/docs/monitoring/tidb_backups.rules.yml";
    ProcessResult rules = promtool({"check", "rules", rules_path});
    INFO(rules.describe());
    CHECK(rules.exit_code == 0);
    CHECK(rules.out.find("SUCCESS: 6 rules found") != std::string::npos);

    // The crontab line, with this machine's paths for the clusters file and the textfile
    // directory.
    EmulatorProcess emulator({"--now", std::to_string(std::time(nullptr)), "--backups", "5"});
    Cli cli(emulator);
    TempDir dir;
    const std::string clusters = dir.write_file("clusters", "MlaMfzgZ\ncn-bj2 c2\n");
    std::filesystem::create_directory(dir.file("textfile"));
    std::string line;
    std::istringstream crontab(source_file("docs/monitoring/crontab"));
    for (std::string next; std::getline(crontab, next);) {
        if (!next.empty() && next[0] != '#') {
            line = next;
        }
    }
    // Drop the five time fields.
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) {
        fields >> field;
    }
    std::string command;
    std::getline(fields, command);
    replace_all(command, "/etc/tidb-backups/clusters", clusters);
    replace_all(command, "/var/lib/prometheus/node-exporter", dir.file("textfile"));
    ProcessResult run = run_shell(cli, command);
    INFO(command);
    INFO(run.describe());
    CHECK(run.exit_code == 0);
    CHECK(run.out.empty());
    const std::string text = dir.read_file("textfile/tidb_backups.prom");
    CHECK(text.find("tidb_backup_check_status{cluster=\"c2\",region=\"cn-bj2\"} 0\n") !=
          std::string::npos);
    CHECK(promtool({"check", "metrics"}, text).exit_code == 0);

    // Every metric an alert names is one that check writes.
    const std::string rules_text = source_file("docs/monitoring/tidb_backups.rules.yml");
    const std::regex metric(R"(tidb_backup_[a-z_]+)");
    std::set<std::string> named;
    for (std::sregex_iterator it(rules_text.begin(), rules_text.end(), metric), end; it != end;
         ++it) {
        named.insert(it->str());
    }
    CHECK(named.size() == 5);
    for (const auto& name : named) {
        INFO(name);
        CHECK(text.find("# TYPE " + name + " gauge\n") != std::string::npos);
    }
}

TEST_CASE("the documented Nagios command runs and its output parses", "[e2e][docs][nagios]") {
    EmulatorProcess emulator({"--now", std::to_string(std::time(nullptr)), "--backups", "5"});
    Cli cli(emulator);
    const std::string config = source_file("docs/monitoring/nagios.cfg");
    std::smatch match;
    REQUIRE(std::regex_search(config, match, std::regex(R"(command_line\s+(.*)\n)")));
    std::string command = match[1];
    REQUIRE(std::regex_search(config, match,
                              std::regex(R"(check_command\s+check_tidb_backups!(.*)\n)")));
    std::vector<std::string> args;
    std::istringstream bang(match[1].str());
    for (std::string arg; std::getline(bang, arg, '!');) {
        args.push_back(arg);
    }
    REQUIRE(args.size() == 4);
    for (std::size_t i = 0; i < args.size(); ++i) {
        replace_all(command, "$ARG" + std::to_string(i + 1) + "$", args[i]);
    }
    replace_all(command, "/usr/bin/tidb-backups", TIDB_BACKUPS_BIN);
    ProcessResult run = run_shell(cli, command);
    INFO(command);
    INFO(run.describe());
    CHECK(run.exit_code == 0);
    auto output = testing::parse_plugin_output(run.out, "TIDB BACKUPS");
    CHECK(output.status == "OK");
    REQUIRE(output.perfdata.size() == 1);
    CHECK(output.perfdata[0].label == "age_MlaMfzgZ");
    CHECK(output.perfdata[0].warn == "93600");
    CHECK(output.perfdata[0].crit == "180000");
}
