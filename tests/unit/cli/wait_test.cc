// SPDX-License-Identifier: Apache-2.0
// `wait` without a network or a clock: its flags, and what it prints and returns for each way a
// wait can end, with scripted polls and a timer that only adds up its pauses.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/wait_command.h"
#include "support/fake_poll_timer.h"

using namespace tidb_backups;
using std::chrono::milliseconds;

namespace {

BackupObject backup(const std::string& id, std::int64_t start, const std::string& state) {
    return testing::watched_backup(id, start, state);
}

using List = std::vector<BackupObject>;
using FakeTimer = testing::FakePollTimer;

Expected<WaitPlan> resolve_wait(const WaitOptions& options, const std::string& stdin_text = "") {
    std::ostringstream notices;
    return resolve_wait_plan(
        options, [&stdin_text] { return stdin_text; }, notices);
}

WaitOptions options_for(std::vector<std::string> ids) {
    WaitOptions options;
    options.ids = std::move(ids);
    return options;
}

// One run of run_wait: the polls answer `answers` in turn (the last again once they run out).
struct Run {
    explicit Run(std::vector<Expected<List>> scripted) : answers(std::move(scripted)) {}

    std::vector<Expected<List>> answers;
    WaitOptions options = options_for({"c1"});
    bool progress = false;
    bool quiet = false;
    std::optional<std::size_t> cut_after = std::nullopt;

    int code = -1;
    std::string out;
    std::string err;
    FakeTimer timer;
    std::size_t polls = 0;

    Run& go() {
        Expected<WaitPlan> plan = resolve_wait(options);
        REQUIRE(plan.has_value());
        timer.cut_after = cut_after;
        std::mt19937_64 random(11);
        WaitWorld world{
            [this](const std::vector<std::size_t>& pending) -> Expected<std::vector<List>> {
                REQUIRE(pending == std::vector<std::size_t>{0});
                Expected<List> answer = answers[std::min(polls++, answers.size() - 1)];
                if (!answer) {
                    return answer.error();
                }
                return std::vector<List>{*answer};
            },
            timer, random};
        world.progress = progress;
        world.quiet = quiet;
        std::istringstream in;
        std::ostringstream out_stream;
        std::ostringstream err_stream;
        CommandContext context{in, out_stream, err_stream,
                               [](const char*) { return std::optional<std::string>(); }};
        context.clock = [] { return std::int64_t{10000}; };
        code = run_wait(*plan, world, context);
        out = out_stream.str();
        err = err_stream.str();
        return *this;
    }
};

std::string usage_error(const WaitOptions& options) {
    Expected<WaitPlan> plan = resolve_wait(options);
    REQUIRE_FALSE(plan.has_value());
    CHECK(plan.error().kind == ErrorKind::Usage);
    return plan.error().message;
}

}  // namespace

TEST_CASE("wait's flags: defaults and usage errors", "[wait]") {
    Expected<WaitPlan> plan = resolve_wait(options_for({"c1"}));
    REQUIRE(plan.has_value());
    CHECK(plan->clusters == std::vector<ClusterRef>{{"c1", ""}});
    CHECK_FALSE(plan->backup_id.has_value());
    CHECK(plan->limits.max_wait == milliseconds(7200000));
    CHECK(plan->limits.schedule.cap == milliseconds(30000));
    CHECK(plan->limits.schedule.first == milliseconds(2000));

    WaitOptions short_ones = options_for({"c1"});
    short_ones.max_wait = "1s500ms";
    short_ones.interval = "100ms";
    short_ones.backup_id = "bk-1";
    Expected<WaitPlan> quick = resolve_wait(short_ones);
    REQUIRE(quick.has_value());
    CHECK(quick->limits.max_wait == milliseconds(1500));
    CHECK(quick->limits.schedule.cap == milliseconds(100));
    CHECK(quick->backup_id == "bk-1");

    CHECK(usage_error(options_for({})) == "no cluster id given");
    WaitOptions two = options_for({"c1,c2"});
    two.backup_id = "bk-1";
    CHECK(usage_error(two) == "--backup-id names one backup, but 2 clusters are given");
    CHECK(usage_error(options_for({""})) == "invalid value for --id: '' (an empty name)");
    WaitOptions bad = options_for({"c1"});
    bad.max_wait = "2";
    CHECK(usage_error(bad) ==
          "invalid value for --max-wait: '2' (expected a duration such as 30s, 90m or 2h)");
    bad = options_for({"c1"});
    bad.interval = "50ms";
    CHECK(usage_error(bad) == "invalid value for --interval: '50ms' (at least 100ms)");
    bad = options_for({"c1"});
    bad.interval = "0s";
    CHECK(usage_error(bad) ==
          "invalid value for --interval: '0s' (expected a duration such as 30s, 90m or 2h)");
    bad = options_for({"c1"});
    bad.backup_id = "";
    CHECK(usage_error(bad) == "invalid value for --backup-id: the id is empty");
}

TEST_CASE("wait: Running then Success is exit 0, one line per change of state", "[wait]") {
    Run run{{List{backup("bk-1", 100, "Running")}, List{backup("bk-1", 100, "Running")},
             List{backup("bk-1", 100, "Success")}}};
    run.go();
    CHECK(run.code == 0);
    CHECK(run.out == "bk-1 Running\nbk-1 Success\n");
    CHECK(run.err.empty());
    CHECK(run.polls == 3);
}

TEST_CASE("wait: Running then Failed is exit 1", "[wait]") {
    Run run{{List{backup("bk-1", 100, "Running")}, List{backup("bk-1", 100, "Failed")}}};
    run.go();
    CHECK(run.code == 1);
    CHECK(run.out == "bk-1 Running\nbk-1 Failed\n");
    CHECK(run.err.empty());
}

TEST_CASE("wait: a backup already finished ends at the first poll", "[wait]") {
    Run run{{List{backup("bk-2", 200, "Success"), backup("bk-1", 100, "Running")}}};
    run.go();
    CHECK(run.code == 0);
    CHECK(run.out == "bk-2 Success\n");
    CHECK(run.polls == 1);
}

TEST_CASE("wait: --max-wait passing first is exit 124", "[wait]") {
    Run run{{List{backup("bk-1", 100, "Running")}}};
    run.options.max_wait = "10s";
    run.options.interval = "3s";
    run.go();
    CHECK(run.code == 124);
    CHECK(run.out == "bk-1 Running\n");
    CHECK(run.err ==
          "tidb-backups: error: timed out: backup bk-1 is still Running after --max-wait 10s\n"
          "hint: the backup goes on; wait longer with a larger --max-wait\n");
    CHECK(run.timer.now == milliseconds(10000));
}

TEST_CASE("wait: no backup yet is waited for, and said once on stderr", "[wait]") {
    SECTION("one appears") {
        Run run{{List{}, List{}, List{backup("bk-7", 100, "Running")},
                 List{backup("bk-7", 100, "Success")}}};
        run.go();
        CHECK(run.code == 0);
        CHECK(run.out == "bk-7 Running\nbk-7 Success\n");
        CHECK(run.err ==
              "tidb-backups: cluster c1 has no backup yet; waiting for one (--max-wait 2h)\n");
    }
    SECTION("none appears") {
        Run run{{List{}}};
        run.options.max_wait = "5s";
        run.quiet = true;
        run.go();
        CHECK(run.code == 124);
        CHECK(run.out.empty());
        CHECK(run.err ==
              "tidb-backups: error: timed out: no backup of cluster c1 appeared after "
              "--max-wait 5s\n"
              "hint: the backup goes on; wait longer with a larger --max-wait\n");
    }
}

TEST_CASE("wait: --backup-id", "[wait]") {
    SECTION("followed, though not the newest") {
        Run run{{List{backup("bk-2", 200, "Running"), backup("bk-1", 100, "Running")},
                 List{backup("bk-2", 200, "Running"), backup("bk-1", 100, "Failed")}}};
        run.options.backup_id = "bk-1";
        run.go();
        CHECK(run.code == 1);
        CHECK(run.out == "bk-1 Running\nbk-1 Failed\n");
    }
    SECTION("not listed: exit 2 naming the newest, at the first poll") {
        Run run{{List{backup("bk-2", 200, "Running"), backup("bk-1", 100, "Success")}}};
        run.options.backup_id = "bk-x";
        run.go();
        CHECK(run.code == 2);
        CHECK(run.out.empty());
        CHECK(run.err ==
              "tidb-backups: error: backup bk-x not found among the 2 backups of "
              "cluster c1 (the newest is bk-2)\n"
              "hint: see them with: tidb-backups list --id c1\n");
        CHECK(run.polls == 1);
    }
    SECTION("deleted while waiting: exit 1") {
        Run run{{List{backup("bk-1", 100, "Running")}, List{}}};
        run.options.backup_id = "bk-1";
        run.go();
        CHECK(run.code == 1);
        CHECK(run.out == "bk-1 Running\n");
        CHECK(run.err ==
              "tidb-backups: error: backup bk-1 is no longer listed by cluster c1 "
              "(deleted while waiting?)\n");
    }
}

TEST_CASE("wait: a failed poll is its own exit code, Ctrl-C is 130", "[wait]") {
    SECTION("API error") {
        Error error = make_error(ErrorKind::Api, "RetCode 230: Params [Id] not available");
        Run run{{List{backup("bk-1", 100, "Running")}, error}};
        run.go();
        CHECK(run.code == 3);
        CHECK(run.out == "bk-1 Running\n");
        CHECK(run.err == "tidb-backups: error: RetCode 230: Params [Id] not available\n");
    }
    SECTION("interrupted during a pause") {
        Run run{{List{backup("bk-1", 100, "Running")}}};
        run.cut_after = 1;
        run.go();
        CHECK(run.code == 130);
        CHECK(run.polls == 1);
        CHECK(run.err == "tidb-backups: interrupted\n");
    }
}

TEST_CASE("wait: the progress line counts down and is erased", "[wait]") {
    Run run{{List{backup("bk-1", 9000, "Running")}, List{backup("bk-1", 9000, "Success")}}};
    run.options.interval = "2s";
    run.progress = true;
    run.go();
    CHECK(run.code == 0);
    CHECK(run.out == "bk-1 Running\nbk-1 Success\n");
    // The first pause is 1.6-2 s: drawn with 2s left, then with 1s left (the clock says 10000,
    // the backup started at 9000: 16m40s ago), then erased.
    CHECK(run.err ==
          "\r\x1b[Kwaiting for backup bk-1: Running, started 16m40s ago, next poll in 2s"
          "\r\x1b[Kwaiting for backup bk-1: Running, started 16m40s ago, next poll in 1s"
          "\r\x1b[K");
    // Paused in slices of at most a second.
    REQUIRE(run.timer.pauses.size() == 2);
    CHECK(run.timer.pauses[0] == milliseconds(1000));
    CHECK(run.timer.pauses[1] <= milliseconds(1000));
}

TEST_CASE("wait's clusters: --id repeated or comma-separated, then --ids-from", "[wait]") {
    WaitOptions options = options_for({"c1,c2", "c3"});
    options.ids_from = "-";
    Expected<WaitPlan> plan = resolve_wait(options, "cn-bj2 c4\nc5\n");
    REQUIRE(plan.has_value());
    CHECK(plan->clusters == std::vector<ClusterRef>{
                                {"c1", ""}, {"c2", ""}, {"c3", ""}, {"c4", "cn-bj2"}, {"c5", ""}});
}

TEST_CASE("wait is declared with its flags", "[wait]") {
    auto parsed =
        parse_command_line(7, std::vector<const char*>{"tidb-backups", "wait", "--id", "c1",
                                                       "--max-wait", "90s", "--interval"}
                                  .data());
    REQUIRE(std::holds_alternative<EarlyExit>(parsed));  // --interval without its value
    CHECK(std::get<EarlyExit>(parsed).code == 2);

    std::vector<const char*> argv = {"tidb-backups", "wait", "--id",       "c1",
                                     "--backup-id",  "bk-1", "--max-wait", "90s",
                                     "--interval",   "5s"};
    auto line = parse_command_line(static_cast<int>(argv.size()), argv.data());
    REQUIRE(std::holds_alternative<CommandLine>(line));
    const WaitOptions& wait = std::get<CommandLine>(line).wait;
    CHECK(wait.ids == std::vector<std::string>{"c1"});
    CHECK(wait.backup_id == "bk-1");
    CHECK(wait.max_wait == "90s");
    CHECK(wait.interval == "5s");
    CHECK(std::get<CommandLine>(line).command == execute_wait);
}
