// SPDX-License-Identifier: Apache-2.0
// The Prometheus text exposition of a health report, line by line.
#include <catch2/catch.hpp>

#include "render/prometheus.h"

using namespace tidb_backups;

namespace {

constexpr std::int64_t kNow = 1795000000;
constexpr std::int64_t kHour = 3600;

BackupObject backup(const std::string& id, std::int64_t start, const std::string& state,
                    std::int64_t size_mb) {
    return BackupObject{{"BackupId", id},
                        {"BackupStartTime", start},
                        {"BackupEndTime", state == "Running" ? 0 : start + 600},
                        {"BackupSize", size_mb},
                        {"State", state}};
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

HealthReport report_of(std::vector<ClusterHealth> clusters) {
    HealthReport report;
    report.checked_at = kNow;
    report.clusters = std::move(clusters);
    return report;
}

}  // namespace

TEST_CASE("prometheus: every metric of a healthy and a failed cluster", "[prometheus]") {
    HealthRules rules;
    rules.critical_age = 26 * kHour;
    ClusterHealth healthy = assess_cluster("MlaMfzgZ", "cn-zj",
                                           {backup("bk-2", kNow - 3 * kHour, "Success", 1000),
                                            backup("bk-1", kNow - 27 * kHour, "Failed", 10),
                                            backup("bk-3", kNow - kHour, "Running", 0)},
                                           rules, kNow);
    ClusterHealth failed =
        assess_failure("c2", "cn-bj2", make_error(ErrorKind::Network, "connection refused"), rules);
    CHECK(prometheus_text(report_of({healthy, failed})) ==
          "# HELP tidb_backup_last_success_start_timestamp_seconds Start of the newest backup in "
          "the checked state (Success by default), epoch seconds.\n"
          "# TYPE tidb_backup_last_success_start_timestamp_seconds gauge\n"
          "tidb_backup_last_success_start_timestamp_seconds{cluster=\"MlaMfzgZ\",region=\"cn-zj\"}"
          " 1794989200\n"
          "# HELP tidb_backup_last_success_end_timestamp_seconds End of the newest backup in the "
          "checked state, epoch seconds.\n"
          "# TYPE tidb_backup_last_success_end_timestamp_seconds gauge\n"
          "tidb_backup_last_success_end_timestamp_seconds{cluster=\"MlaMfzgZ\",region=\"cn-zj\"}"
          " 1794989800\n"
          "# HELP tidb_backup_last_success_size_bytes Size of the newest backup in the checked "
          "state, bytes.\n"
          "# TYPE tidb_backup_last_success_size_bytes gauge\n"
          "tidb_backup_last_success_size_bytes{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 1048576000\n"
          "# HELP tidb_backup_last_success_duration_seconds How long the newest backup in the "
          "checked state took, seconds.\n"
          "# TYPE tidb_backup_last_success_duration_seconds gauge\n"
          "tidb_backup_last_success_duration_seconds{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 600\n"
          "# HELP tidb_backup_backups Backups the API lists, by state.\n"
          "# TYPE tidb_backup_backups gauge\n"
          "tidb_backup_backups{cluster=\"MlaMfzgZ\",region=\"cn-zj\",state=\"Success\"} 1\n"
          "tidb_backup_backups{cluster=\"MlaMfzgZ\",region=\"cn-zj\",state=\"Failed\"} 1\n"
          "tidb_backup_backups{cluster=\"MlaMfzgZ\",region=\"cn-zj\",state=\"Running\"} 1\n"
          "# HELP tidb_backup_newest_failed 1 when the newest backup of any state is Failed, "
          "else 0.\n"
          "# TYPE tidb_backup_newest_failed gauge\n"
          "tidb_backup_newest_failed{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 0\n"
          "# HELP tidb_backup_check_status Verdict of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 "
          "UNKNOWN.\n"
          "# TYPE tidb_backup_check_status gauge\n"
          "tidb_backup_check_status{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 0\n"
          "tidb_backup_check_status{cluster=\"c2\",region=\"cn-bj2\"} 3\n"
          "# HELP tidb_backup_api_up 1 when every page of the cluster's backups was fetched, 0 "
          "when the call failed.\n"
          "# TYPE tidb_backup_api_up gauge\n"
          "tidb_backup_api_up{cluster=\"MlaMfzgZ\",region=\"cn-zj\"} 1\n"
          "tidb_backup_api_up{cluster=\"c2\",region=\"cn-bj2\"} 0\n"
          "# HELP tidb_backup_check_timestamp_seconds When the check ran, epoch seconds.\n"
          "# TYPE tidb_backup_check_timestamp_seconds gauge\n"
          "tidb_backup_check_timestamp_seconds 1795000000\n");
}

TEST_CASE("prometheus: unknown values have no series, not a made-up zero", "[prometheus]") {
    HealthRules rules;
    // A Failed backup only: no Success, so no last_success series; newest_failed is 1.
    ClusterHealth h =
        assess_cluster("c1", "", {backup("bk-1", kNow - kHour, "Failed", 5)}, rules, kNow);
    const std::string text = prometheus_text(report_of({h}));
    CHECK(text.find("tidb_backup_last_success") == std::string::npos);
    CHECK(text.find("tidb_backup_newest_failed{cluster=\"c1\",region=\"\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("tidb_backup_check_status{cluster=\"c1\",region=\"\"} 2\n") !=
          std::string::npos);
}

TEST_CASE("prometheus: label values are escaped and made valid UTF-8", "[prometheus]") {
    CHECK(escape_label_value("plain-id") == "plain-id");
    CHECK(escape_label_value("a\"b") == R"(a\"b)");
    CHECK(escape_label_value("a\\b") == R"(a\\b)");
    CHECK(escape_label_value("a\nb") == R"(a\nb)");
    CHECK(escape_label_value("a\xff") == "a\xEF\xBF\xBD");
    CHECK(escape_label_value("\xE4\xB8\x8A\xE6\xB5\xB7") == "\xE4\xB8\x8A\xE6\xB5\xB7");
    // A tab and a carriage return are allowed in a label value as they are.
    CHECK(escape_label_value("a\tb\rc") == "a\tb\rc");
}

TEST_CASE("prometheus: a cluster given twice is written once", "[prometheus]") {
    HealthRules rules;
    ClusterHealth first =
        assess_cluster("c1", "cn-zj", {backup("bk-1", kNow - kHour, "Success", 5)}, rules, kNow);
    ClusterHealth second = assess_failure("c1", "cn-zj", make_error(ErrorKind::Api, "x"), rules);
    // Two ids that differ only in invalid bytes end up with the same label, too.
    ClusterHealth bad_a = assess_failure("x\xff", "", make_error(ErrorKind::Api, "x"), rules);
    ClusterHealth bad_b = assess_failure("x\xfe", "", make_error(ErrorKind::Api, "x"), rules);
    const std::string text = prometheus_text(report_of({first, second, bad_a, bad_b}));
    CHECK(text.find("tidb_backup_api_up{cluster=\"c1\",region=\"cn-zj\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("tidb_backup_api_up{cluster=\"c1\",region=\"cn-zj\"} 0\n") ==
          std::string::npos);
    CHECK(occurrences(text,
                      "tidb_backup_check_status{cluster=\"x\xEF\xBF\xBD\",region=\"\"} 3\n") == 1);
    CHECK(occurrences(text, "tidb_backup_check_status{") == 2);
    CHECK(text.find("\xff") == std::string::npos);
}

TEST_CASE("prometheus: an empty report is only the check's timestamp", "[prometheus]") {
    CHECK(prometheus_text(report_of({})) ==
          "# HELP tidb_backup_check_timestamp_seconds When the check ran, epoch seconds.\n"
          "# TYPE tidb_backup_check_timestamp_seconds gauge\n"
          "tidb_backup_check_timestamp_seconds 1795000000\n");
}
