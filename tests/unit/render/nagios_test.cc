// SPDX-License-Identifier: Apache-2.0
// Monitoring-plugin output of a health report: literal lines, the strict parser's reading of
// them, and the exit code of each state.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "render/nagios.h"
#include "support/plugin_output.h"

using namespace tidb_backups;
using tidb_backups::testing::parse_plugin_output;
using tidb_backups::testing::PluginOutput;

namespace {

constexpr std::int64_t kNow = 1795000000;
constexpr std::int64_t kHour = 3600;

BackupObject backup(const std::string& id, std::int64_t start, const std::string& state) {
    return BackupObject{{"BackupId", id},
                        {"BackupStartTime", start},
                        {"BackupEndTime", start + 600},
                        {"BackupSize", 1000},
                        {"State", state}};
}

HealthRules age_rules() {
    HealthRules rules;
    rules.warning_age = 20 * kHour;
    rules.critical_age = 26 * kHour;
    return rules;
}

ClusterHealth fresh(const std::string& cluster, const HealthRules& rules = age_rules()) {
    return assess_cluster(cluster, "cn-zj", {backup("bk-3", kNow - 3 * kHour, "Success")}, rules,
                          kNow);
}

ClusterHealth empty(const std::string& cluster) {
    return assess_cluster(cluster, "cn-zj", {}, age_rules(), kNow);
}

ClusterHealth newest_failed(const std::string& cluster) {
    return assess_cluster(
        cluster, "cn-zj",
        {backup("bk-2", kNow - 3 * kHour, "Success"), backup("bk-3", kNow - 2 * kHour, "Failed")},
        age_rules(), kNow);
}

HealthReport report_of(std::vector<ClusterHealth> clusters, HealthRules rules = age_rules()) {
    HealthReport report;
    report.checked_at = kNow;
    report.rules = std::move(rules);
    report.clusters = std::move(clusters);
    return report;
}

PluginOutput parse(const std::string& text) {
    return parse_plugin_output(text, "TIDB BACKUPS");
}

}  // namespace

TEST_CASE("nagios: the worst cluster leads, perfdata, one line per cluster", "[nagios]") {
    NagiosOutput out = nagios_output(report_of({fresh("c1"), empty("c2"), newest_failed("c3")}));
    CHECK(out.exit_code == 2);
    CHECK(out.text ==
          "TIDB BACKUPS CRITICAL - 1 of 3 clusters CRITICAL: c2: no backups at all | "
          "'age_c1'=10800s;72000;93600;0 'age_c2'=U;72000;93600;0 'age_c3'=10800s;72000;93600;0\n"
          "c1 OK: newest Success backup bk-3 is 3h00m old\n"
          "c2 CRITICAL: no backups at all\n"
          "c3 WARNING: newest backup bk-3 is Failed\n");

    PluginOutput parsed = parse(out.text);
    CHECK(parsed.status == "CRITICAL");
    CHECK(parsed.summary == "1 of 3 clusters CRITICAL: c2: no backups at all");
    REQUIRE(parsed.perfdata.size() == 3);
    CHECK(parsed.perfdata[0].label == "age_c1");
    CHECK(parsed.perfdata[0].value == "10800");
    CHECK(parsed.perfdata[0].uom == "s");
    CHECK(parsed.perfdata[0].warn == "72000");
    CHECK(parsed.perfdata[0].crit == "93600");
    CHECK(parsed.perfdata[0].min == "0");
    CHECK(parsed.perfdata[0].max.empty());
    CHECK(parsed.perfdata[1].label == "age_c2");
    CHECK(parsed.perfdata[1].value == "U");
    CHECK(parsed.perfdata[1].uom.empty());
    CHECK(parsed.long_output ==
          std::vector<std::string>{"c1 OK: newest Success backup bk-3 is 3h00m old",
                                   "c2 CRITICAL: no backups at all",
                                   "c3 WARNING: newest backup bk-3 is Failed"});
}

TEST_CASE("nagios: each state gives its exit code and status word", "[nagios]") {
    struct Case {
        ClusterHealth cluster;
        int exit_code;
        std::string first_line;
    };
    const std::vector<Case> cases = {
        {fresh("c1"), 0,
         "TIDB BACKUPS OK - c1: newest Success backup bk-3 is 3h00m old | "
         "'age_c1'=10800s;72000;93600;0"},
        {newest_failed("c1"), 1,
         "TIDB BACKUPS WARNING - c1: newest backup bk-3 is Failed | "
         "'age_c1'=10800s;72000;93600;0"},
        {empty("c1"), 2,
         "TIDB BACKUPS CRITICAL - c1: no backups at all | 'age_c1'=U;72000;93600;0"},
        {assess_failure("c1", "cn-zj",
                        make_error(ErrorKind::Network, "cannot connect to 127.0.0.1:1"),
                        age_rules()),
         3,
         "TIDB BACKUPS UNKNOWN - c1: cannot connect to 127.0.0.1:1 | "
         "'age_c1'=U;72000;93600;0"},
    };
    for (const auto& c : cases) {
        NagiosOutput out = nagios_output(report_of({c.cluster}));
        CHECK(out.exit_code == c.exit_code);
        CHECK(out.text.substr(0, out.text.find('\n')) == c.first_line);
        CHECK(parse(out.text).status == std::string(status_name(c.cluster.status)));
    }
}

TEST_CASE("nagios: all OK is counted, not listed", "[nagios]") {
    NagiosOutput out = nagios_output(report_of({fresh("c1"), fresh("c2")}));
    CHECK(out.exit_code == 0);
    CHECK(out.text.substr(0, out.text.find('\n')) ==
          "TIDB BACKUPS OK - 2 clusters OK | 'age_c1'=10800s;72000;93600;0 "
          "'age_c2'=10800s;72000;93600;0");
}

TEST_CASE("nagios: at most three clusters are named in the summary", "[nagios]") {
    NagiosOutput out = nagios_output(
        report_of({empty("a"), fresh("ok"), empty("b"), empty("c"), empty("d"), empty("e")}));
    PluginOutput parsed = parse(out.text);
    CHECK(parsed.summary ==
          "5 of 6 clusters CRITICAL: a: no backups at all; b: no backups at all; c: no backups "
          "at all; and 2 more");
    CHECK(parsed.long_output.size() == 6);
}

TEST_CASE("nagios: thresholds that are not set are left empty", "[nagios]") {
    HealthRules rules;  // no ages
    NagiosOutput out = nagios_output(report_of({fresh("c1", rules)}, rules));
    CHECK(out.text.substr(0, out.text.find('\n')) ==
          "TIDB BACKUPS OK - c1: newest Success backup bk-3 is 3h00m old | 'age_c1'=10800s;;;0");
    CHECK(parse(out.text).perfdata[0].warn.empty());
}

TEST_CASE("nagios: hostile cluster ids cannot break the format", "[nagios]") {
    const std::string hostile = "it's=x|y\nz \xff";
    NagiosOutput out = nagios_output(report_of({empty(hostile), fresh("c'2")}));
    CHECK(out.text ==
          "TIDB BACKUPS CRITICAL - 1 of 2 clusters CRITICAL: it's=x\xEF\xBF\xBDy\xEF\xBF\xBDz "
          "\xEF\xBF\xBD: no backups at all | 'age_it''s_x\xEF\xBF\xBDy\xEF\xBF\xBDz "
          "\xEF\xBF\xBD'=U;72000;93600;0 'age_c''2'=10800s;72000;93600;0\n"
          "it's=x\xEF\xBF\xBDy\xEF\xBF\xBDz \xEF\xBF\xBD CRITICAL: no backups at all\n"
          "c'2 OK: newest Success backup bk-3 is 3h00m old\n");
    PluginOutput parsed = parse(out.text);
    REQUIRE(parsed.perfdata.size() == 2);
    CHECK(parsed.perfdata[0].label == "age_it's_x\xEF\xBF\xBDy\xEF\xBF\xBDz \xEF\xBF\xBD");
    CHECK(parsed.perfdata[1].label == "age_c'2");
    CHECK(parsed.long_output.size() == 2);
}

TEST_CASE("nagios: a cluster given twice has one perfdata item", "[nagios]") {
    NagiosOutput out = nagios_output(report_of({fresh("c1"), empty("c1")}));
    PluginOutput parsed = parse(out.text);
    REQUIRE(parsed.perfdata.size() == 1);
    CHECK(parsed.perfdata[0].value == "10800");
    CHECK(parsed.long_output.size() == 2);
}

TEST_CASE("nagios: no cluster at all is UNKNOWN", "[nagios]") {
    NagiosOutput out = nagios_output(report_of({}));
    CHECK(out.exit_code == 3);
    CHECK(out.text == "TIDB BACKUPS UNKNOWN - no clusters checked\n");
    CHECK(parse(out.text).perfdata.empty());
}

TEST_CASE("nagios: the strict parser refuses what the guidelines do not allow", "[nagios]") {
    auto refuses = [](const std::string& text) {
        CHECK_THROWS_AS(parse(text), std::runtime_error);
    };
    refuses("TIDB BACKUPS FINE - all good\n");
    refuses("TIDB BACKUPS OK - all good");                    // no final newline
    refuses("OTHER OK - all good\n");                         // another service
    refuses("TIDB BACKUPS OK - x | 'a=b'=1s;;;0\n");          // '=' in a label
    refuses("TIDB BACKUPS OK - x | 'a'=1parsecs;;;0\n");      // not a unit
    refuses("TIDB BACKUPS OK - x | 'a'=Us;;;0\n");            // U with a unit
    refuses("TIDB BACKUPS OK - x | 'a'=1s;;;0;5;6\n");        // six fields
    refuses("TIDB BACKUPS OK - x | 'a'=1s;x;;0\n");           // threshold not a range
    refuses("TIDB BACKUPS OK - x | 'it's'=1s\n");             // a lone quote ends the label
    refuses("TIDB BACKUPS OK - x | a b=1s\n");                // space in an unquoted label
    refuses("TIDB BACKUPS OK - x | 'a'=1s 'b'=2s;;;zero\n");  // min not a number
    // And accepts what they do, including perfdata continued in the long output.
    PluginOutput ok = parse(
        "TIDB BACKUPS OK - x | a=1;2:;@3:4;0;9.5\nline 1\nline 2 | 'b c'=2.5ms;~:5\n'd'=3%\n");
    REQUIRE(ok.perfdata.size() == 3);
    CHECK(ok.perfdata[0].warn == "2:");
    CHECK(ok.perfdata[0].crit == "@3:4");
    CHECK(ok.perfdata[0].max == "9.5");
    CHECK(ok.perfdata[1].label == "b c");
    CHECK(ok.perfdata[1].uom == "ms");
    CHECK(ok.perfdata[2].uom == "%");
    CHECK(ok.long_output == std::vector<std::string>{"line 1", "line 2 "});
}
