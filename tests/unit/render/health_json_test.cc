// SPDX-License-Identifier: Apache-2.0
// `check -o json`: one object per cluster, every key present, literal text.
#include <catch2/catch.hpp>

#include "render/health_json.h"

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

HealthReport report_of(std::vector<ClusterHealth> clusters) {
    HealthReport report;
    report.checked_at = kNow;
    report.clusters = std::move(clusters);
    return report;
}

}  // namespace

TEST_CASE("health json: a warned cluster and a failed call", "[health_json]") {
    HealthRules rules;
    ClusterHealth warned = assess_cluster("MlaMfzgZ", "cn-zj",
                                          {backup("bk-2", kNow - 3 * kHour, "Success", 1000),
                                           backup("bk-3", kNow - 2 * kHour, "Failed", 5)},
                                          rules, kNow);
    Error api = make_error(ErrorKind::Api, "RetCode 230: cluster not found", "check the id");
    api.ret_code = 230;
    ClusterHealth failed = assess_failure("c2", "cn-bj2", api, rules);
    CHECK(health_json(report_of({warned, failed}), false) ==
          "[\n"
          R"(  {"id":"MlaMfzgZ","region":"cn-zj","verdict":"WARNING","reasons":["newest backup )"
          R"(bk-3 is Failed"],"state":"Success","newest":{"id":"bk-2","state":"Success",)"
          R"("start":1794989200,"end":1794989800,"size_bytes":1048576000,"duration_seconds":600},)"
          R"("age_seconds":10800,"counts":{"Success":1,"Failed":1,"Running":0},"total":2,)"
          R"("newest_failed":true,"running":null,"size_drop":null,"notes":[],"error":null},)"
          "\n"
          R"(  {"id":"c2","region":"cn-bj2","verdict":"UNKNOWN","reasons":["RetCode 230: )"
          R"(cluster not found"],"state":"Success","newest":null,"age_seconds":null,)"
          R"("counts":{},"total":0,"newest_failed":false,"running":null,"size_drop":null,)"
          R"("notes":[],"error":{"kind":"api","exit_code":3,"message":"RetCode 230: cluster )"
          R"(not found","hint":"check the id","ret_code":230}})"
          "\n]\n");
}

TEST_CASE("health json: running backups, size drops and unknown values", "[health_json]") {
    HealthRules rules;
    ClusterHealth h = assess_cluster("c1", "",
                                     {backup("bk-9", kNow - 7 * kHour, "Running", 0),
                                      backup("bk-2", kNow - 8 * kHour, "Success", 400),
                                      backup("bk-1", kNow - 32 * kHour, "Success", 1000)},
                                     rules, kNow);
    nlohmann::ordered_json object = cluster_health_json(h, "Success");
    CHECK(object["verdict"] == "WARNING");
    CHECK(object["running"].dump() == R"({"id":"bk-9","start":1794974800,"seconds":25200})");
    CHECK(object["size_drop"].dump() ==
          R"({"previous_id":"bk-1","previous_size_bytes":1048576000,"size_bytes":419430400})");
    CHECK(object["reasons"].size() == 2);

    BackupObject undated_end = BackupObject::parse(
        R"({"BackupId":"bk-5","BackupStartTime":1794989200,"State":"Success"})");
    nlohmann::ordered_json sparse =
        cluster_health_json(assess_cluster("c1", "", {undated_end}, rules, kNow), "Success");
    CHECK(sparse["newest"].dump() == R"({"id":"bk-5","state":"Success","start":1794989200,)"
                                     R"("end":null,"size_bytes":null,"duration_seconds":null})");
}

TEST_CASE("health json: server text is valid UTF-8, escaped on a terminal", "[health_json]") {
    HealthRules rules;
    ClusterHealth h =
        assess_failure("c\xff\x1b]0;x\x07", "", make_error(ErrorKind::Network, "timed out"), rules);
    const std::string piped = health_json(report_of({h}), false);
    CHECK(piped.find("\"id\":\"c\xEF\xBF\xBD\\u001b]0;x\\u0007\"") != std::string::npos);
    CHECK(nlohmann::json::parse(piped)[0]["error"]["kind"] == "network");

    ClusterHealth bidi =
        assess_failure("c\xE2\x80\xAE", "", make_error(ErrorKind::Api, "x"), rules);
    CHECK(health_json(report_of({bidi}), true).find(R"("id":"c\u202e")") != std::string::npos);
    CHECK(health_json(report_of({bidi}), false).find("\"id\":\"c\xE2\x80\xAE\"") !=
          std::string::npos);
}

TEST_CASE("health json: no cluster is an empty array", "[health_json]") {
    CHECK(health_json(report_of({}), false) == "[]\n");
}
