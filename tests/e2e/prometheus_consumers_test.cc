// SPDX-License-Identifier: Apache-2.0
// `-o prometheus` read by its real consumers: `promtool check metrics` (Debian package
// prometheus) must accept the output, hostile cluster ids included, and a real
// prometheus-node-exporter must serve our series from its textfile collector directory.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>

#include <httplib.h>

#include "core/atomic_file.h"
#include "e2e/e2e.h"
#include "render/prometheus.h"
#include "support/skip.h"

namespace tidb_backups::e2e {

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kNodeExporter = "/usr/bin/prometheus-node-exporter";

bool executable(const char* path) {
    return ::access(path, X_OK) == 0;
}

// A report over what the emulator serves, plus a failed cluster, with the ids given.
HealthReport report_for(const std::vector<std::string>& ids) {
    HealthRules rules;
    rules.warning_age = 20 * 3600;
    rules.critical_age = 26 * 3600;
    rules.size_drop = HealthStatus::Ok;  // the catalog's sizes are random: keep the verdict OK
    HealthReport report;
    report.checked_at = kNow;
    report.rules = rules;
    for (const auto& id : ids) {
        report.clusters.push_back(
            assess_cluster(id, "cn-zj", expected_backups(id, 8), rules, kNow));
    }
    report.clusters.push_back(
        assess_failure("unreachable", "cn-bj2", make_error(ErrorKind::Network, "timeout"), rules));
    return report;
}

ProcessResult promtool_check(const std::string& text) {
    testing::ProcessSpec spec;
    spec.argv = {kPromtool, "check", "metrics"};
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.stdin_data = text;
    return testing::run_process(spec);
}

// A loopback port nobody listens on at the moment of asking.
int unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("promtool check metrics accepts -o prometheus, hostile ids included",
          "[e2e][prometheus]") {
    if (!executable(kPromtool)) {
        TIDB_SKIP("promtool is not installed (Debian package prometheus)");
    }
    const std::vector<std::string> ids = {"MlaMfzgZ",           "quote\"d",
                                          "back\\slash\\",      "new\nline",
                                          "not utf-8 \xff\xfe", "\xE4\xB8\x8A\xE6\xB5\xB7",
                                          "tab\tand\rcr",       ""};
    const std::string text = prometheus_text(report_for(ids));
    ProcessResult result = promtool_check(text);
    INFO(result.describe());
    INFO(text);
    CHECK(result.exit_code == 0);
    CHECK(result.out.empty());
    CHECK(result.err.empty());

    // And it is not a checker that accepts anything: a broken escape, a label value that is not
    // UTF-8 (what escape_label_value repairs) and a repeated HELP fail.
    CHECK(promtool_check("tidb_backup_api_up{cluster=\"a\\\"} 1\n").exit_code != 0);
    CHECK(promtool_check("tidb_backup_api_up{cluster=\"\xff\"} 1\n").exit_code != 0);
    CHECK(promtool_check("# HELP a x\n# HELP a y\na 1\n").exit_code != 0);
}

TEST_CASE("node_exporter's textfile collector serves the series with their values",
          "[e2e][prometheus]") {
    if (!executable(kNodeExporter)) {
        TIDB_SKIP("prometheus-node-exporter is not installed");
    }
    TempDir dir;
    const std::string textfiles = dir.file("textfile");
    std::filesystem::create_directory(textfiles);
    const HealthReport report = report_for({"MlaMfzgZ", "quote\"d"});
    REQUIRE(write_file_atomically(textfiles + "/tidb_backups.prom", prometheus_text(report)));

    std::optional<std::string> metrics;
    for (int attempt = 0; attempt < 3 && !metrics; ++attempt) {
        // The port may be taken between asking and binding: then the exporter exits, and the
        // next attempt takes another.
        const int port = unused_port();
        testing::ProcessSpec spec;
        spec.argv = {kNodeExporter, "--web.listen-address=127.0.0.1:" + std::to_string(port),
                     "--collector.disable-defaults", "--collector.textfile",
                     "--collector.textfile.directory=" + textfiles};
        spec.env = {{"PATH", "/usr/bin:/bin"}};
        spec.timeout = std::chrono::seconds(60);
        testing::ChildProcess exporter(spec);
        httplib::Client client("127.0.0.1", port);
        client.set_connection_timeout(1);
        testing::eventually([&] {
            auto response = client.Get("/metrics");
            if (response && response->status == 200) {
                metrics = response->body;
                return true;
            }
            return exporter.err_so_far().find("level=error") != std::string::npos;
        });
    }
    REQUIRE(metrics);
    const std::vector<BackupObject> served = expected_backups("MlaMfzgZ", 8);
    const ClusterHealth& first = report.clusters[0];
    REQUIRE(first.newest);
    CHECK(first.newest->id == backup_id(served[0]));
    auto has = [&](const std::string& line) {
        INFO(line);
        CHECK(metrics->find(line + "\n") != std::string::npos);
    };
    // node_exporter writes the values as floats: 1.794989200e+09 style for big numbers.
    has("tidb_backup_last_success_start_timestamp_seconds{cluster=\"MlaMfzgZ\",region=\"cn-zj\"}"
        " 1.7949892e+09");
    has("tidb_backup_check_status{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 0");
    has("tidb_backup_check_status{cluster=\"unreachable\",region=\"cn-bj2\"} 3");
    has("tidb_backup_api_up{cluster=\"unreachable\",region=\"cn-bj2\"} 0");
    has("tidb_backup_api_up{cluster=\"quote\\\"d\",region=\"cn-zj\"} 1");
    has("tidb_backup_backups{cluster=\"MlaMfzgZ\",region=\"cn-zj\",state=\"Running\"} 0");
    has("tidb_backup_check_timestamp_seconds 1.795e+09");
    // The collector read the file without complaint.
    has("node_textfile_scrape_error 0");
}

}  // namespace tidb_backups::e2e
