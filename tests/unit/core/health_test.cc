// SPDX-License-Identifier: Apache-2.0
// The health of one cluster's backups and the verdict of the monitoring rules.
#include <catch2/catch.hpp>

#include "core/health.h"

using namespace tidb_backups;

namespace {

constexpr std::int64_t kNow = 1795000000;
constexpr std::int64_t kHour = 3600;

BackupObject backup(const std::string& id, std::int64_t start, const std::string& state = "Success",
                    std::int64_t size_mb = 1000, std::int64_t duration = 600) {
    return BackupObject{{"BackupId", id},
                        {"BackupStartTime", start},
                        {"BackupEndTime", state == "Running" ? 0 : start + duration},
                        {"BackupSize", size_mb},
                        {"State", state},
                        {"BackupType", "Automatic"}};
}

HealthRules age_rules() {
    HealthRules rules;
    rules.warning_age = 20 * kHour;
    rules.critical_age = 26 * kHour;
    return rules;
}

ClusterHealth assess(const std::vector<BackupObject>& backups,
                     const HealthRules& rules = age_rules()) {
    return assess_cluster("c1", "cn-zj", backups, rules, kNow);
}

}  // namespace

TEST_CASE("health: a fresh Success is OK, with its facts and the counts", "[health]") {
    ClusterHealth h = assess({backup("bk-3", kNow - 3 * kHour, "Success", 1000, 600),
                              backup("bk-2", kNow - 27 * kHour, "Success", 900),
                              backup("bk-1", kNow - 51 * kHour, "Failed")});
    CHECK(h.cluster == "c1");
    CHECK(h.region == "cn-zj");
    CHECK(h.status == HealthStatus::Ok);
    CHECK(h.reasons.empty());
    REQUIRE(h.newest);
    CHECK(h.newest->id == "bk-3");
    CHECK(h.newest->state == "Success");
    CHECK(h.newest->start == 1794989200);
    CHECK(h.newest->end == 1794989800);
    CHECK(h.newest->size_bytes == 1048576000);
    CHECK(h.newest->duration == 600);
    CHECK(h.age == 10800);
    CHECK_FALSE(h.newest_failed);
    CHECK(h.total == 3);
    REQUIRE(h.counts.size() == 3);
    CHECK(h.counts[0].state == "Success");
    CHECK(h.counts[0].count == 2);
    CHECK(h.counts[1].state == "Failed");
    CHECK(h.counts[1].count == 1);
    CHECK(h.counts[2].state == "Running");
    CHECK(h.counts[2].count == 0);
    CHECK_FALSE(h.longest_running);
    CHECK_FALSE(h.size_drop);
    CHECK_FALSE(h.error);
}

TEST_CASE("health: the age rules give WARNING, then CRITICAL", "[health]") {
    ClusterHealth warn = assess({backup("bk-3", kNow - 21 * kHour)});
    CHECK(warn.status == HealthStatus::Warning);
    CHECK(warn.reasons == std::vector<std::string>{
                              "newest Success backup bk-3 is 21h00m old (warning above 20h00m)"});

    ClusterHealth crit = assess({backup("bk-3", kNow - 27 * kHour)});
    CHECK(crit.status == HealthStatus::Critical);
    CHECK(crit.reasons == std::vector<std::string>{
                              "newest Success backup bk-3 is 1d03h old (critical above 1d02h)"});

    // Exactly at the limit is still within it, as for `check`.
    CHECK(assess({backup("bk-3", kNow - 20 * kHour)}).status == HealthStatus::Ok);
    CHECK(assess({backup("bk-3", kNow - 26 * kHour)}).status == HealthStatus::Warning);

    // Without age thresholds, age alone never raises the status.
    CHECK(assess({backup("bk-3", kNow - 900 * kHour)}, HealthRules{}).status == HealthStatus::Ok);
}

TEST_CASE("health: states in any case, times and sizes as strings", "[health]") {
    BackupObject loose = BackupObject::parse(
        R"({"BackupId":"bk-9","BackupStartTime":"1794989200","BackupEndTime":"1794990100",)"
        R"("BackupSize":"512","State":"SUCCESS"})");
    ClusterHealth h = assess({loose, backup("bk-8", kNow - 30 * kHour, "success")});
    REQUIRE(h.newest);
    CHECK(h.newest->id == "bk-9");
    CHECK(h.newest->state == "SUCCESS");
    CHECK(h.newest->end == 1794990100);
    CHECK(h.newest->duration == 900);
    CHECK(h.newest->size_bytes == 536870912);
    CHECK(h.count_of("Success") == 2);
    CHECK(h.counts[0].state == "Success");
    CHECK(h.status == HealthStatus::Ok);
}

TEST_CASE("health: unknown states are counted after the documented ones", "[health]") {
    ClusterHealth h = assess(
        {backup("bk-4", kNow - kHour, "Deleting"), backup("bk-3", kNow - 2 * kHour, "deleting"),
         backup("bk-2", kNow - 3 * kHour, "Success"), BackupObject{{"BackupId", "bk-1"}}});
    REQUIRE(h.counts.size() == 5);
    CHECK(h.counts[3].state == "Deleting");
    CHECK(h.counts[3].count == 2);
    CHECK(h.counts[4].state.empty());  // no State at all
    CHECK(h.counts[4].count == 1);
    CHECK(h.total == 4);
    CHECK(h.newest_any->id == "bk-4");
}

TEST_CASE("health: missing, zero or backwards end times and bad sizes are unknown", "[health]") {
    BackupObject odd = BackupObject::parse(
        R"({"BackupId":"bk-1","BackupStartTime":1794989200,"BackupEndTime":1794989000,)"
        R"("BackupSize":-5,"State":"Success"})");
    BackupObject huge =
        BackupObject::parse(R"({"BackupId":"bk-2","BackupStartTime":1794989100,"BackupEndTime":0,)"
                            R"("BackupSize":9000000000000000,"State":"Success"})");
    ClusterHealth h = assess({odd, huge});
    REQUIRE(h.newest);
    CHECK(h.newest->id == "bk-1");
    CHECK_FALSE(h.newest->end);
    CHECK_FALSE(h.newest->duration);
    CHECK_FALSE(h.newest->size_bytes);
    // The size rule needs both sizes: nothing fires.
    CHECK_FALSE(h.size_drop);
    CHECK(h.status == HealthStatus::Ok);
}

TEST_CASE("health: a newest backup that failed is a WARNING by default", "[health]") {
    ClusterHealth h =
        assess({backup("bk-2", kNow - 3 * kHour), backup("bk-3", kNow - 2 * kHour, "Failed")});
    CHECK(h.newest_failed);
    CHECK(h.newest_any->id == "bk-3");
    CHECK(h.newest->id == "bk-2");
    CHECK(h.status == HealthStatus::Warning);
    CHECK(h.reasons == std::vector<std::string>{"newest backup bk-3 is Failed"});

    HealthRules strict = age_rules();
    strict.newest_failed = HealthStatus::Critical;
    CHECK(assess({backup("bk-2", kNow - 3 * kHour), backup("bk-3", kNow - 2 * kHour, "failed")},
                 strict)
              .status == HealthStatus::Critical);

    HealthRules off = age_rules();
    off.newest_failed = HealthStatus::Ok;
    ClusterHealth quiet =
        assess({backup("bk-2", kNow - 3 * kHour), backup("bk-3", kNow - 2 * kHour, "Failed")}, off);
    CHECK(quiet.newest_failed);
    CHECK(quiet.status == HealthStatus::Ok);
    CHECK(quiet.reasons.empty());
}

TEST_CASE("health: a failure before the newest backup does not count", "[health]") {
    ClusterHealth h =
        assess({backup("bk-3", kNow - 2 * kHour, "Failed"), backup("bk-4", kNow - kHour, "Running"),
                backup("bk-2", kNow - 3 * kHour)});
    CHECK_FALSE(h.newest_failed);
    CHECK(h.newest_any->id == "bk-4");
    CHECK(h.status == HealthStatus::Ok);
}

TEST_CASE("health: a backup Running past the limit is a WARNING", "[health]") {
    ClusterHealth h =
        assess({backup("bk-5", kNow - 7 * kHour, "Running"),
                backup("bk-6", kNow - kHour, "Running"), backup("bk-4", kNow - 8 * kHour)});
    REQUIRE(h.longest_running);
    CHECK(h.longest_running->id == "bk-5");
    CHECK_FALSE(h.longest_running->end);
    CHECK(h.running_for == 25200);
    CHECK(h.status == HealthStatus::Warning);
    CHECK(h.reasons ==
          std::vector<std::string>{"backup bk-5 has been Running for 7h00m (limit 6h00m)"});

    ClusterHealth young =
        assess({backup("bk-6", kNow - kHour, "running"), backup("bk-4", kNow - 8 * kHour)});
    CHECK(young.running_for == 3600);
    CHECK(young.status == HealthStatus::Ok);

    HealthRules longer = age_rules();
    longer.running_limit = 8 * kHour;
    CHECK(assess({backup("bk-5", kNow - 7 * kHour, "Running"), backup("bk-4", kNow - 8 * kHour)},
                 longer)
              .status == HealthStatus::Ok);
}

TEST_CASE("health: the newest Success below half the previous one is a WARNING", "[health]") {
    ClusterHealth h = assess({backup("bk-1", kNow - 27 * kHour, "Success", 1000),
                              backup("bk-2", kNow - 3 * kHour, "Success", 400),
                              backup("bk-0", kNow - 51 * kHour, "Success", 10)});
    REQUIRE(h.size_drop);
    CHECK(h.size_drop->previous_id == "bk-1");
    CHECK(h.size_drop->previous_bytes == 1048576000);
    CHECK(h.size_drop->newest_bytes == 419430400);
    CHECK(h.status == HealthStatus::Warning);
    CHECK(h.reasons == std::vector<std::string>{"newest Success backup bk-2 is 400 MB, 40% of the "
                                                "1000 MB of bk-1 (minimum 50%)"});

    // Exactly half is not below half.
    CHECK(assess({backup("bk-1", kNow - 27 * kHour, "Success", 1000),
                  backup("bk-2", kNow - 3 * kHour, "Success", 500)})
              .status == HealthStatus::Ok);
    // A failed backup in between is not "the previous one".
    CHECK(assess({backup("bk-1", kNow - 27 * kHour, "Success", 1000),
                  backup("bk-x", kNow - 15 * kHour, "Failed", 1),
                  backup("bk-2", kNow - 3 * kHour, "Success", 900)})
              .size_drop == std::nullopt);

    HealthRules stricter = age_rules();
    stricter.min_size_percent = 95;
    CHECK(assess({backup("bk-1", kNow - 27 * kHour, "Success", 1000),
                  backup("bk-2", kNow - 3 * kHour, "Success", 900)},
                 stricter)
              .status == HealthStatus::Warning);
}

TEST_CASE("health: no backup at all, or none in the state, is CRITICAL", "[health]") {
    ClusterHealth none = assess({});
    CHECK(none.status == HealthStatus::Critical);
    CHECK(none.reasons == std::vector<std::string>{"no backups at all"});
    CHECK_FALSE(none.newest);
    CHECK_FALSE(none.age);
    CHECK(none.total == 0);
    CHECK(none.counts.size() == 3);

    // Worst first: the CRITICAL reason before the WARNING one.
    ClusterHealth failed_only = assess({backup("bk-1", kNow - kHour, "Failed")});
    CHECK(failed_only.status == HealthStatus::Critical);
    CHECK(failed_only.reasons ==
          std::vector<std::string>{"no Success backup found", "newest backup bk-1 is Failed"});

    HealthRules other_state = age_rules();
    other_state.state = "Manual";
    CHECK(assess({backup("bk-1", kNow - kHour)}, other_state).reasons ==
          std::vector<std::string>{"no Manual backup found"});
}

TEST_CASE("health: start times in milliseconds are passed over with a note", "[health]") {
    ClusterHealth h =
        assess({backup("bk-1", (kNow - kHour) * 1000), backup("bk-2", (kNow - 2 * kHour) * 1000)});
    CHECK_FALSE(h.newest);
    CHECK(h.passed_over == 2);
    CHECK(h.status == HealthStatus::Critical);
    CHECK(h.reasons ==
          std::vector<std::string>{"no Success backup has a usable start time (2 passed over)"});
    CHECK(h.notes == std::vector<std::string>{"backup bk-1 has BackupStartTime 1794996400000, more "
                                              "than 15m00s in the future: not counted (and 1 "
                                              "more)"});

    // Up to 15 minutes ahead counts, as age 0; a minute more does not.
    ClusterHealth skewed = assess({backup("bk-3", kNow + 15 * 60)});
    CHECK(skewed.age == 0);
    CHECK(skewed.status == HealthStatus::Ok);
    CHECK(assess({backup("bk-3", kNow + 16 * 60)}).passed_over == 1);
}

TEST_CASE("health: on equal start times the first listed is the newest", "[health]") {
    ClusterHealth h = assess({backup("bk-a", kNow - kHour), backup("bk-b", kNow - kHour)});
    CHECK(h.newest->id == "bk-a");
}

TEST_CASE("health: a backup without a start time is counted but never the newest", "[health]") {
    ClusterHealth h = assess({BackupObject{{"BackupId", "bk-9"}, {"State", "Success"}},
                              backup("bk-1", kNow - 2 * kHour)});
    CHECK(h.newest->id == "bk-1");
    CHECK(h.count_of("success") == 2);
}

TEST_CASE("health: a failed call is UNKNOWN with the error as its reason", "[health]") {
    ClusterHealth h = assess_failure(
        "c2", "cn-bj2", make_error(ErrorKind::Api, "RetCode 230: no such cluster"), age_rules());
    CHECK(h.cluster == "c2");
    CHECK(h.region == "cn-bj2");
    CHECK(h.status == HealthStatus::Unknown);
    CHECK(h.reasons == std::vector<std::string>{"RetCode 230: no such cluster"});
    REQUIRE(h.error);
    CHECK(h.error->kind == ErrorKind::Api);
    CHECK(h.counts.empty());
}

TEST_CASE("health: the worst status is CRITICAL, WARNING, UNKNOWN, then OK", "[health]") {
    CHECK(worse(HealthStatus::Ok, HealthStatus::Unknown) == HealthStatus::Unknown);
    CHECK(worse(HealthStatus::Unknown, HealthStatus::Warning) == HealthStatus::Warning);
    CHECK(worse(HealthStatus::Critical, HealthStatus::Unknown) == HealthStatus::Critical);
    CHECK(worse(HealthStatus::Warning, HealthStatus::Critical) == HealthStatus::Critical);

    HealthReport report;
    CHECK(worst_status(report) == HealthStatus::Ok);
    report.clusters.push_back(assess({backup("bk-1", kNow - kHour)}));
    report.clusters.push_back(
        assess_failure("c2", "", make_error(ErrorKind::Network, "timeout"), age_rules()));
    CHECK(worst_status(report) == HealthStatus::Unknown);
    report.clusters.push_back(assess({backup("bk-1", kNow - 21 * kHour)}));
    CHECK(worst_status(report) == HealthStatus::Warning);

    CHECK(status_name(HealthStatus::Ok) == "OK");
    CHECK(status_name(HealthStatus::Warning) == "WARNING");
    CHECK(status_name(HealthStatus::Critical) == "CRITICAL");
    CHECK(status_name(HealthStatus::Unknown) == "UNKNOWN");
    CHECK(static_cast<int>(HealthStatus::Unknown) == 3);
}

TEST_CASE("health: rules that make no sense are usage errors", "[health]") {
    CHECK(validate_rules(HealthRules{}));
    CHECK(validate_rules(age_rules()));

    HealthRules inverted = age_rules();
    inverted.warning_age = 30 * kHour;
    Status status = validate_rules(inverted);
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Usage);
    CHECK(status.error().message == "the warning age (1d06h) is above the critical age (1d02h)");

    HealthRules percent;
    percent.min_size_percent = 0;
    CHECK(validate_rules(percent).error().message ==
          "the minimum size percentage 0 is not within 1..100");
    percent.min_size_percent = 101;
    CHECK_FALSE(validate_rules(percent));

    HealthRules negative;
    negative.running_limit = -1;
    CHECK_FALSE(validate_rules(negative));

    HealthRules empty;
    empty.state.clear();
    CHECK_FALSE(validate_rules(empty));

    HealthRules ok_error;
    ok_error.api_error = HealthStatus::Ok;
    CHECK_FALSE(validate_rules(ok_error));
}
