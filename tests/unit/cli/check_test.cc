// SPDX-License-Identifier: Apache-2.0
// The pure parts of `check`: flag validation, choosing the newest backup in a state, the
// verdict line and the exit code.
#include <catch2/catch.hpp>

#include "cli/app.h"
#include "cli/check_command.h"
#include "cli/flags.h"

using namespace tidb_backups;

namespace {

constexpr std::int64_t kNow = 1795000000;

CheckOptions options_with(std::optional<std::string> max_age,
                          std::vector<std::string> ids = {"c1"}) {
    CheckOptions options;
    options.ids = std::move(ids);
    options.max_age = std::move(max_age);
    return options;
}

Expected<CheckPlan> resolve(const CheckOptions& options, std::string stdin_text = {}) {
    return resolve_check_plan(options, [stdin_text] { return stdin_text; });
}

BackupObject backup(const std::string& id, const std::string& state, std::int64_t start) {
    return BackupObject{{"BackupId", id}, {"BackupStartTime", start}, {"State", state}};
}

std::optional<NewestBackup> newest_of(const std::vector<BackupObject>& backups,
                                      std::string_view state = "Success") {
    std::optional<NewestBackup> newest;
    for (const auto& b : backups) {
        consider_backup(newest, b, state);
    }
    return newest;
}

FreshnessRule rule(std::int64_t max_age, std::string text, std::string state = "Success") {
    FreshnessRule r;
    r.state = std::move(state);
    r.max_age = max_age;
    r.max_age_text = std::move(text);
    return r;
}

}  // namespace

TEST_CASE("check: --max-age takes a duration with a unit", "[check]") {
    for (const auto& [text, seconds] : std::vector<std::pair<std::string, std::int64_t>>{
             {"90m", 5400}, {"26h", 93600}, {"7d", 604800}, {"1h30m", 5400}, {"45s", 45}}) {
        INFO(text);
        auto plan = resolve(options_with(text));
        REQUIRE(plan);
        CHECK(plan->rule.max_age == seconds);
        CHECK(plan->rule.max_age_text == text);
        CHECK(plan->rule.state == "Success");
        CHECK(plan->clusters == std::vector<ClusterRef>{{"c1", ""}});
        CHECK(plan->concurrency == 8);
    }
}

TEST_CASE("check: a bad or missing --max-age is a usage error", "[check]") {
    for (const auto& text : std::vector<std::string>{"5x", "30", "", "0m", "-5m", "h", "26h "}) {
        INFO("'" << text << "'");
        auto plan = resolve(options_with(text));
        REQUIRE_FALSE(plan);
        CHECK(plan.error().kind == ErrorKind::Usage);
        CHECK(plan.error().message.find("--max-age") != std::string::npos);
    }
    auto bare = resolve(options_with("30"));
    REQUIRE_FALSE(bare);
    CHECK(bare.error().hint.find("30m") != std::string::npos);

    auto missing = resolve(options_with(std::nullopt));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::Usage);
    CHECK(missing.error().message == "missing --max-age");
}

TEST_CASE("check: ids, --ids-from and --concurrency are checked as for list", "[check]") {
    auto none = resolve(options_with("26h", {}));
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::Usage);

    CheckOptions from_stdin = options_with("26h", {"a"});
    from_stdin.ids_from = "-";
    auto plan = resolve(from_stdin, "# clusters\nb\n\n  c  \n");
    REQUIRE(plan);
    CHECK(plan->clusters == std::vector<ClusterRef>{{"a", ""}, {"b", ""}, {"c", ""}});

    CheckOptions concurrency = options_with("26h");
    concurrency.concurrency = "3";
    REQUIRE(resolve(concurrency));
    CHECK(resolve(concurrency)->concurrency == 3);
    concurrency.concurrency = "0";
    REQUIRE_FALSE(resolve(concurrency));
    CHECK(resolve(concurrency).error().kind == ErrorKind::Usage);
}

TEST_CASE("check: an empty --state is a usage error, spaces around it are dropped", "[check]") {
    CheckOptions options = options_with("26h");
    options.state = " ";
    REQUIRE_FALSE(resolve(options));
    CHECK(resolve(options).error().kind == ErrorKind::Usage);
    options.state = " Failed ";
    REQUIRE(resolve(options));
    CHECK(resolve(options)->rule.state == "Failed");
}

TEST_CASE("check: the newest backup in the state is the latest start, in any order", "[check]") {
    auto newest = newest_of({backup("bk-old", "Success", 100), backup("bk-failed", "Failed", 400),
                             backup("bk-new", "Success", 300), backup("bk-mid", "Success", 200)});
    REQUIRE(newest);
    CHECK(newest->id == "bk-new");
    CHECK(newest->start == 300);
    CHECK(newest->state == "Success");

    auto failed =
        newest_of({backup("bk-1", "Success", 500), backup("bk-2", "Failed", 400)}, "Failed");
    REQUIRE(failed);
    CHECK(failed->id == "bk-2");

    CHECK_FALSE(newest_of({backup("bk-1", "Running", 500), backup("bk-2", "Failed", 400)}));
    CHECK_FALSE(newest_of({}));
}

TEST_CASE("check: the state matches in any case and the API's spelling is kept", "[check]") {
    auto newest = newest_of({backup("bk-1", "SUCCESS", 100)}, "success");
    REQUIRE(newest);
    CHECK(newest->state == "SUCCESS");
}

TEST_CASE("check: a backup without a usable start time is passed over, ties keep the first",
          "[check]") {
    BackupObject undated{{"BackupId", "bk-undated"}, {"State", "Success"}};
    BackupObject text_time{
        {"BackupId", "bk-text"}, {"BackupStartTime", "250"}, {"State", "Success"}};
    BackupObject garbage{
        {"BackupId", "bk-garbage"}, {"BackupStartTime", "soon"}, {"State", "Success"}};
    auto newest = newest_of({undated, backup("bk-a", "Success", 200), garbage, text_time,
                             backup("bk-b", "Success", 250)});
    REQUIRE(newest);
    CHECK(newest->id == "bk-text");
    CHECK_FALSE(newest_of({undated, garbage}));
}

TEST_CASE("check: the verdict line", "[check]") {
    NewestBackup newest{"bk-123", "Success", kNow - (3 * 3600 + 12 * 60 + 5)};
    auto ok = judge_freshness(newest, rule(26 * 3600, "26h"), kNow);
    CHECK(ok.fresh);
    CHECK(ok.line == "OK: newest Success backup bk-123 is 3h12m old");

    NewestBackup old{"bk-123", "Success", kNow - (2 * 86400 + 4 * 3600 + 30)};
    auto stale = judge_freshness(old, rule(26 * 3600, "26h"), kNow);
    CHECK_FALSE(stale.fresh);
    CHECK(stale.line == "STALE: newest Success backup bk-123 is 2d04h old (max 26h)");

    auto none = judge_freshness(std::nullopt, rule(3600, "1h", "Failed"), kNow);
    CHECK_FALSE(none.fresh);
    CHECK(none.line == "STALE: no Failed backup found");
}

TEST_CASE("check: an age of exactly --max-age is fresh, a future start is age 0", "[check]") {
    CHECK(
        judge_freshness(NewestBackup{"b", "Success", kNow - 5400}, rule(5400, "90m"), kNow).fresh);
    CHECK_FALSE(
        judge_freshness(NewestBackup{"b", "Success", kNow - 5401}, rule(5400, "90m"), kNow).fresh);
    auto future = judge_freshness(NewestBackup{"b", "Success", kNow + 600}, rule(60, "1m"), kNow);
    CHECK(future.fresh);
    CHECK(future.line == "OK: newest Success backup b is 0s old");
    auto ancient =
        judge_freshness(NewestBackup{"b", "Success", std::numeric_limits<std::int64_t>::min()},
                        rule(60, "1m"), kNow);
    CHECK_FALSE(ancient.fresh);
}

TEST_CASE("check: control characters from the server never reach the verdict line", "[check]") {
    NewestBackup evil{"bk-\x1b[2J\a", "Succ\x1b]0;x\aess", kNow - 60};
    auto verdict = judge_freshness(evil, rule(3600, "1h"), kNow);
    CHECK(verdict.line.find('\x1b') == std::string::npos);
    CHECK(verdict.line.find('\a') == std::string::npos);
    CHECK(verdict.line.rfind("OK: newest ", 0) == 0);
}

TEST_CASE("check: a failure wins over stale, stale over fresh", "[check]") {
    CHECK(check_exit_code(std::nullopt, 0) == 0);
    CHECK(check_exit_code(std::nullopt, 2) == 1);
    CHECK(check_exit_code(make_error(ErrorKind::Api, "x"), 0) == 3);
    CHECK(check_exit_code(make_error(ErrorKind::Network, "x"), 3) == 4);
}

TEST_CASE("check: the command line, with global options after it", "[check]") {
    std::vector<const char*> args = {"tidb-backups", "check",  "--id",      "a",
                                     "--id",         "b",      "--max-age", "26h",
                                     "--state",      "failed", "--region",  "cn-zj"};
    auto parsed = parse_command_line(static_cast<int>(args.size()), args.data());
    REQUIRE(std::holds_alternative<CommandLine>(parsed));
    const auto& line = std::get<CommandLine>(parsed);
    CHECK(line.command == &execute_check);
    CHECK(line.check.ids == std::vector<std::string>{"a", "b"});
    CHECK(line.check.max_age == "26h");
    CHECK(line.check.state == "failed");
    CHECK(line.global.region == "cn-zj");

    std::vector<const char*> help_args = {"tidb-backups", "check", "--help"};
    auto help = parse_command_line(static_cast<int>(help_args.size()), help_args.data());
    REQUIRE(std::holds_alternative<EarlyExit>(help));
    const auto& early = std::get<EarlyExit>(help);
    CHECK(early.code == 0);
    CHECK(early.out.find("--max-age") != std::string::npos);
    CHECK(early.out.find("Examples:") != std::string::npos);
    CHECK(early.out.find("*/30 * * * *") != std::string::npos);
}

TEST_CASE("check plan: the rule flags' documented defaults are the rules' defaults", "[check]") {
    CheckOptions options = options_with(std::nullopt);
    options.output = "nagios";
    auto plan = resolve(options);
    REQUIRE(plan);
    CHECK(plan->output == CheckOutput::Nagios);
    const HealthRules& rules = plan->rules;
    CHECK_FALSE(rules.warning_age);
    CHECK_FALSE(rules.critical_age);
    CHECK(rules.newest_failed == HealthStatus::Warning);
    CHECK(flag(FlagId::OnFailed).default_text == "warning");
    CHECK(rules.running_limit == 21600);
    CHECK(rules.running_too_long == HealthStatus::Warning);
    CHECK(flag(FlagId::MaxRunning).default_text == "6h");
    CHECK(rules.no_backup == HealthStatus::Critical);
    CHECK(flag(FlagId::OnNoBackup).default_text == "critical");
    CHECK(rules.min_size_percent == 50);
    CHECK(flag(FlagId::MinSizePercent).default_text == "50");
    CHECK(flag(FlagId::CheckOutput).default_text == "human");
}

TEST_CASE("check plan: -w, -c, --max-age and the rule flags fill the rules", "[check]") {
    CheckOptions options = options_with("50h");
    options.output = "json";
    options.warning = "26h";
    options.on_failed = "critical";
    options.max_running = "off";
    options.on_no_backup = "warning";
    options.min_size_percent = "80";
    auto plan = resolve(options);
    REQUIRE(plan);
    CHECK(plan->rules.warning_age == 93600);
    CHECK(plan->rules.critical_age == 180000);
    CHECK(plan->rules.newest_failed == HealthStatus::Critical);
    CHECK(plan->rules.running_too_long == HealthStatus::Ok);
    CHECK(plan->rules.no_backup == HealthStatus::Warning);
    CHECK(plan->rules.min_size_percent == 80);

    CheckOptions critical = options_with(std::nullopt);
    critical.critical = "2h";
    auto human = resolve(critical);
    REQUIRE(human);
    CHECK(human->output == CheckOutput::Human);
    CHECK(human->rule.max_age == 7200);
    CHECK(human->rule.max_age_text == "2h");

    CheckOptions textfile = options_with(std::nullopt);
    textfile.textfile = "out.prom";
    auto prometheus = resolve(textfile);
    REQUIRE(prometheus);
    CHECK(prometheus->output == CheckOutput::Prometheus);
    CHECK(prometheus->textfile == "out.prom");
}

TEST_CASE("check: -o nagios is found in every spelling, and only for check", "[check]") {
    using Words = std::vector<std::string>;
    CHECK(asks_for_nagios(Words{"check", "-o", "nagios"}));
    CHECK(asks_for_nagios(Words{"check", "--id", "c1", "--output", "Nagios", "--bogus"}));
    CHECK(asks_for_nagios(Words{"--profile", "p", "check", "--output=NAGIOS"}));
    CHECK(asks_for_nagios(Words{"check", "-onagios"}));
    CHECK_FALSE(asks_for_nagios(Words{"check", "-o", "json"}));
    CHECK_FALSE(asks_for_nagios(Words{"check", "-o"}));
    CHECK_FALSE(asks_for_nagios(Words{"list", "-o", "nagios"}));
    CHECK_FALSE(asks_for_nagios(Words{"-o", "nagios", "list", "check"}));
    CHECK_FALSE(asks_for_nagios(Words{"check", "--id", "nagios"}));
}
