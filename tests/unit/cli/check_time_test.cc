// SPDX-License-Identifier: Apache-2.0
// `check` and times it cannot believe: milliseconds, and starts far in the future. They never
// make a cluster fresh; the verdict comes from the newest backup with a usable time.
#include <catch2/catch.hpp>

#include "cli/check_command.h"

using namespace tidb_backups;

namespace {

constexpr std::int64_t kNow = 1795000000;
constexpr std::int64_t kDay = 86400;

BackupObject backup(const std::string& id, std::int64_t start, std::string state = "Success") {
    return BackupObject{{"BackupId", id}, {"BackupStartTime", start}, {"State", std::move(state)}};
}

FreshnessRule rule(std::int64_t max_age, std::string text) {
    FreshnessRule r;
    r.max_age = max_age;
    r.max_age_text = std::move(text);
    return r;
}

Verdict judge(const std::vector<BackupObject>& backups, const FreshnessRule& r) {
    std::optional<NewestBackup> newest;
    for (const auto& b : backups) {
        consider_backup(newest, b, r.state, kNow);
    }
    return judge_freshness(newest, r, kNow);
}

}  // namespace

TEST_CASE("check: times in milliseconds are never fresh, and say why", "[check][time]") {
    // 40 days old, sent in milliseconds: as seconds they lie 55,000 years ahead.
    std::vector<BackupObject> backups = {backup("bk-1", (kNow - 40 * kDay) * 1000),
                                         backup("bk-2", (kNow - 41 * kDay) * 1000),
                                         backup("bk-3", (kNow - 42 * kDay) * 1000)};
    Verdict verdict = judge(backups, rule(26 * 3600, "26h"));
    CHECK_FALSE(verdict.fresh);
    CHECK(verdict.line ==
          "STALE: no Success backup has a usable start time (3 passed over: not epoch seconds, "
          "or in the future)");
    CHECK(verdict.warning ==
          "backup bk-1 has BackupStartTime 1791544000000, which looks like milliseconds, not "
          "epoch seconds: not counted (and 2 more)");
}

TEST_CASE("check: a backup dated far ahead hides nothing", "[check][time]") {
    const std::int64_t ten_years = 3650 * kDay;
    std::vector<BackupObject> backups = {backup("bk-future", kNow + ten_years),
                                         backup("bk-old", kNow - 3 * kDay)};
    Verdict verdict = judge(backups, rule(26 * 3600, "26h"));
    CHECK_FALSE(verdict.fresh);
    CHECK(verdict.line == "STALE: newest Success backup bk-old is 3d00h old (max 26h)");
    CHECK(verdict.warning ==
          "backup bk-future has BackupStartTime 2110360000, 3650d00h in the future (more than "
          "the 15m00s clock skew allowed): not counted");

    // In any order, and fresh when the usable one is.
    std::vector<BackupObject> reversed = {backup("bk-new", kNow - 3600),
                                          backup("bk-future", kNow + ten_years)};
    Verdict fresh = judge(reversed, rule(26 * 3600, "26h"));
    CHECK(fresh.fresh);
    CHECK(fresh.line == "OK: newest Success backup bk-new is 1h00m old");
    CHECK(fresh.warning.find("bk-future") != std::string::npos);
}

TEST_CASE("check: the clock skew allowance is 15 minutes, inclusive", "[check][time]") {
    CHECK(kClockSkewAllowance == 15 * 60);
    Verdict within = judge({backup("bk-1", kNow + kClockSkewAllowance)}, rule(60, "1m"));
    CHECK(within.fresh);
    CHECK(within.line == "OK: newest Success backup bk-1 is 0s old");
    CHECK(within.warning.empty());

    Verdict beyond = judge({backup("bk-1", kNow + kClockSkewAllowance + 1)}, rule(60, "1m"));
    CHECK_FALSE(beyond.fresh);
    CHECK(beyond.warning ==
          "backup bk-1 has BackupStartTime 1795000901, 15m01s in the future (more than the "
          "15m00s clock skew allowed): not counted");
}

TEST_CASE("check: judging a start beyond the allowance directly is never OK", "[check][time]") {
    Verdict verdict =
        judge_freshness(NewestBackup{"bk-1", "Success", kNow + 7200}, rule(3600, "1h"), kNow);
    CHECK_FALSE(verdict.fresh);
    CHECK(verdict.line.rfind("STALE: ", 0) == 0);
    CHECK(verdict.warning.find("bk-1") != std::string::npos);
}

TEST_CASE("check: only backups in the state are counted or passed over", "[check][time]") {
    Verdict verdict =
        judge({backup("bk-running", kNow * 1000, "Running"), backup("bk-ok", kNow - 60)},
              rule(3600, "1h"));
    CHECK(verdict.fresh);
    CHECK(verdict.warning.empty());
}

TEST_CASE("check: server text in the warning cannot drive a terminal", "[check][time]") {
    Verdict verdict = judge({backup("bk-\x1b[2J", kNow * 1000)}, rule(3600, "1h"));
    CHECK(verdict.warning.find('\x1b') == std::string::npos);
    CHECK(verdict.line.find('\x1b') == std::string::npos);
}
