// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/backup_watch.h"
#include "support/fake_poll_timer.h"

using namespace tidb_backups;
using std::chrono::milliseconds;

namespace {

BackupObject backup(const std::string& id, std::int64_t start, const std::string& state) {
    return testing::watched_backup(id, start, state);
}

using List = std::vector<BackupObject>;
using FakeTimer = testing::FakePollTimer;

// Answers each poll with the next list; the last one again once they run out.
class ScriptedPolls {
  public:
    explicit ScriptedPolls(std::vector<Expected<List>> answers, FakeTimer* timer = nullptr,
                           milliseconds cost = milliseconds(0))
        : answers_(std::move(answers)), timer_(timer), cost_(cost) {}

    BackupPoll poll() {
        return [this]() -> Expected<List> {
            if (timer_ != nullptr) {
                timer_->now += cost_;
            }
            const std::size_t at = std::min(calls++, answers_.size() - 1);
            return answers_[at];
        };
    }

    std::size_t calls = 0;

  private:
    std::vector<Expected<List>> answers_;
    FakeTimer* timer_;
    milliseconds cost_;
};

struct Heard {
    WatchState state;
    std::string backup_id;
    bool changed;
    std::optional<milliseconds> next;
};

}  // namespace

TEST_CASE("the newest backup is watched from the first list on", "[backup_watch]") {
    BackupWatch watch;
    // Not in time order: the newest is the latest start, wherever it is listed.
    WatchStep first =
        watch.observe({backup("bk-old", 100, "Success"), backup("bk-new", 300, "Running"),
                       backup("bk-mid", 200, "Failed")});
    CHECK(first.state == WatchState::InProgress);
    CHECK(first.backup_id == "bk-new");
    CHECK(first.backup_state == "Running");
    CHECK(first.start == 300);
    CHECK(first.changed);

    WatchStep same = watch.observe({backup("bk-new", 300, "Running")});
    CHECK(same.state == WatchState::InProgress);
    CHECK_FALSE(same.changed);

    // A newer backup appearing does not change which one is watched.
    WatchStep done =
        watch.observe({backup("bk-newer", 400, "Running"), backup("bk-new", 300, "SUCCESS")});
    CHECK(done.state == WatchState::Succeeded);
    CHECK(done.backup_id == "bk-new");
    CHECK(done.backup_state == "SUCCESS");
    CHECK(done.changed);
    CHECK(finished(done.state));
}

TEST_CASE("states: Failed ends the wait, an unknown state does not", "[backup_watch]") {
    BackupWatch watch;
    CHECK(watch.observe({backup("bk-1", 10, "Queued")}).state == WatchState::InProgress);
    WatchStep running = watch.observe({backup("bk-1", 10, "Running")});
    CHECK(running.state == WatchState::InProgress);
    CHECK(running.changed);
    WatchStep failed = watch.observe({backup("bk-1", 10, "failed")});
    CHECK(failed.state == WatchState::Failed);
    CHECK(finished(WatchState::Failed));
    CHECK_FALSE(finished(WatchState::InProgress));
    CHECK_FALSE(finished(WatchState::NoBackup));
}

TEST_CASE("a cluster without backups is waited on until one appears", "[backup_watch]") {
    BackupWatch watch;
    WatchStep none = watch.observe({});
    CHECK(none.state == WatchState::NoBackup);
    CHECK(none.backup_id.empty());
    CHECK_FALSE(none.changed);
    WatchStep appeared = watch.observe({backup("bk-9", 50, "Running")});
    CHECK(appeared.state == WatchState::InProgress);
    CHECK(appeared.backup_id == "bk-9");
    CHECK(appeared.changed);
}

TEST_CASE("a named backup: found, not found, and vanished", "[backup_watch]") {
    SECTION("found, though not the newest") {
        BackupWatch watch(std::string("bk-a"));
        WatchStep step =
            watch.observe({backup("bk-b", 200, "Running"), backup("bk-a", 100, "Running")});
        CHECK(step.state == WatchState::InProgress);
        CHECK(step.backup_id == "bk-a");
    }
    SECTION("not in the first list: not found, naming the newest") {
        BackupWatch watch(std::string("bk-nope"));
        WatchStep step =
            watch.observe({backup("bk-b", 200, "Running"), backup("bk-a", 100, "Success")});
        CHECK(step.state == WatchState::NotFound);
        CHECK(step.backup_id == "bk-nope");
        CHECK(step.listed == 2);
        CHECK(step.newest_id == "bk-b");
        CHECK(finished(step.state));
    }
    SECTION("listed, then gone: vanished") {
        BackupWatch watch(std::string("bk-a"));
        CHECK(watch.observe({backup("bk-a", 100, "Running")}).state == WatchState::InProgress);
        CHECK(watch.observe({}).state == WatchState::Vanished);
    }
    SECTION("the newest, then gone: vanished") {
        BackupWatch watch;
        CHECK(watch.observe({backup("bk-a", 100, "Running")}).state == WatchState::InProgress);
        CHECK(watch.observe({backup("bk-b", 100, "Running")}).state == WatchState::Vanished);
    }
}

TEST_CASE("wait_for_backup polls with the schedule's pauses until the backup ends",
          "[backup_watch]") {
    FakeTimer timer;
    ScriptedPolls polls{{List{backup("bk-1", 10, "Running")}, List{backup("bk-1", 10, "Running")},
                         List{backup("bk-1", 10, "Running")}, List{backup("bk-1", 10, "Success")}}};
    WaitLimits limits;
    limits.max_wait = milliseconds(3600000);
    limits.schedule.first = milliseconds(1000);
    limits.schedule.cap = milliseconds(3000);
    std::mt19937_64 random(5);
    std::vector<Heard> heard;
    BackupWatch watch;
    Expected<WaitOutcome> outcome =
        wait_for_backup(watch, polls.poll(), limits, timer, random,
                        [&](const WatchStep& step, std::optional<milliseconds> next) {
                            heard.push_back({step.state, step.backup_id, step.changed, next});
                            return true;
                        });
    REQUIRE(outcome.has_value());
    CHECK(outcome->last.state == WatchState::Succeeded);
    CHECK_FALSE(outcome->timed_out);
    CHECK(outcome->polls == 4);
    REQUIRE(timer.pauses.size() == 3);
    CHECK(timer.pauses[0] >= milliseconds(800));
    CHECK(timer.pauses[0] <= milliseconds(1000));
    CHECK(timer.pauses[1] >= milliseconds(1600));
    CHECK(timer.pauses[1] <= milliseconds(2000));
    CHECK(timer.pauses[2] >= milliseconds(2400));  // 4 s capped at 3 s
    CHECK(timer.pauses[2] <= milliseconds(3000));
    REQUIRE(heard.size() == 4);
    CHECK(heard[0].changed);
    CHECK_FALSE(heard[1].changed);
    CHECK(heard[1].next == timer.pauses[1]);
    CHECK(heard[3].state == WatchState::Succeeded);
    CHECK(heard[3].changed);
    CHECK_FALSE(heard[3].next.has_value());
}

TEST_CASE("wait_for_backup times out with a last poll on the deadline", "[backup_watch]") {
    FakeTimer timer;
    ScriptedPolls polls{{List{backup("bk-1", 10, "Running")}}};
    WaitLimits limits;
    limits.max_wait = milliseconds(9000);
    limits.schedule.first = milliseconds(4000);
    limits.schedule.cap = milliseconds(4000);
    std::mt19937_64 random(6);
    BackupWatch watch;
    Expected<WaitOutcome> outcome =
        wait_for_backup(watch, polls.poll(), limits, timer, random,
                        [](const WatchStep&, std::optional<milliseconds>) { return true; });
    REQUIRE(outcome.has_value());
    CHECK(outcome->timed_out);
    CHECK(outcome->last.state == WatchState::InProgress);
    // Full pauses until the next would pass the deadline; the last one lands on it exactly.
    REQUIRE(timer.pauses.size() == 3);
    CHECK(timer.pauses[0] >= milliseconds(3200));
    CHECK(timer.pauses[1] >= milliseconds(3200));
    CHECK(timer.pauses[2] <= milliseconds(2600));
    CHECK(timer.now == milliseconds(9000));
    CHECK(outcome->polls == 4);

    SECTION("polls that take time count against the deadline") {
        FakeTimer slow;
        ScriptedPolls slow_polls{{List{backup("bk-1", 10, "Running")}}, &slow, milliseconds(6000)};
        BackupWatch again;
        Expected<WaitOutcome> slow_outcome =
            wait_for_backup(again, slow_polls.poll(), limits, slow, random,
                            [](const WatchStep&, std::optional<milliseconds>) { return true; });
        REQUIRE(slow_outcome.has_value());
        CHECK(slow_outcome->timed_out);
        // A 6 s poll, a pause to the deadline, a 6 s poll: past it, no third poll.
        CHECK(slow_polls.calls == 2);
    }
}

TEST_CASE("wait_for_backup: a poll error ends it, a cut pause is an interrupt", "[backup_watch]") {
    FakeTimer timer;
    WaitLimits limits;
    std::mt19937_64 random(7);
    auto listen = [](const WatchStep&, std::optional<milliseconds>) { return true; };

    SECTION("the poll's error, as it is") {
        ScriptedPolls polls{{List{backup("bk-1", 10, "Running")},
                             make_error(ErrorKind::Network, "connection refused")}};
        BackupWatch watch;
        Expected<WaitOutcome> outcome =
            wait_for_backup(watch, polls.poll(), limits, timer, random, listen);
        REQUIRE_FALSE(outcome.has_value());
        CHECK(outcome.error().kind == ErrorKind::Network);
        CHECK(outcome.error().message == "connection refused");
        CHECK(polls.calls == 2);
    }
    SECTION("Ctrl-C during the pause: no further poll") {
        timer.cut_after = 2;
        ScriptedPolls polls{{List{backup("bk-1", 10, "Running")}}};
        BackupWatch watch;
        Expected<WaitOutcome> outcome =
            wait_for_backup(watch, polls.poll(), limits, timer, random, listen);
        REQUIRE_FALSE(outcome.has_value());
        CHECK(outcome.error().kind == ErrorKind::Interrupted);
        CHECK(polls.calls == 2);
    }
    SECTION("the listener stops it") {
        ScriptedPolls polls{{List{backup("bk-1", 10, "Running")}}};
        BackupWatch watch;
        Expected<WaitOutcome> outcome =
            wait_for_backup(watch, polls.poll(), limits, timer, random,
                            [](const WatchStep&, std::optional<milliseconds>) { return false; });
        REQUIRE(outcome.has_value());
        CHECK(outcome->stopped);
        CHECK(polls.calls == 1);
        CHECK(timer.pauses.empty());
    }
}

TEST_CASE("wait_for_backups asks only the clusters not finished, until all are", "[backup_watch]") {
    FakeTimer timer;
    WaitLimits limits;
    limits.schedule.first = milliseconds(1000);
    limits.schedule.cap = milliseconds(1000);
    std::mt19937_64 random(8);
    std::vector<std::vector<std::size_t>> asked;
    // c0 is done at once, c1 after a second round, c2 after a third.
    const std::vector<std::vector<std::string>> states = {
        {"Success"}, {"Running", "Failed"}, {"Running", "Running", "Success"}};
    std::vector<std::size_t> rounds(3, 0);
    FleetPoll poll = [&](const std::vector<std::size_t>& pending) -> Expected<std::vector<List>> {
        asked.push_back(pending);
        std::vector<List> lists;
        for (std::size_t cluster : pending) {
            const std::string& state = states[cluster][rounds[cluster]++];
            lists.push_back(List{backup("bk-" + std::to_string(cluster), 10, state)});
        }
        return lists;
    };
    std::vector<std::pair<std::size_t, WatchState>> heard;
    std::vector<BackupWatch> watches(3);
    Expected<FleetOutcome> outcome = wait_for_backups(
        watches, poll, limits, timer, random,
        [&](std::size_t cluster, const WatchStep& step, std::optional<milliseconds>) {
            heard.emplace_back(cluster, step.state);
            return true;
        });
    REQUIRE(outcome.has_value());
    CHECK_FALSE(outcome->timed_out);
    CHECK(outcome->polls == 3);
    CHECK(asked == std::vector<std::vector<std::size_t>>{{0, 1, 2}, {1, 2}, {2}});
    REQUIRE(outcome->last.size() == 3);
    CHECK(outcome->last[0].state == WatchState::Succeeded);
    CHECK(outcome->last[1].state == WatchState::Failed);
    CHECK(outcome->last[2].state == WatchState::Succeeded);
    CHECK(heard == std::vector<std::pair<std::size_t, WatchState>>{{0, WatchState::Succeeded},
                                                                   {1, WatchState::InProgress},
                                                                   {2, WatchState::InProgress},
                                                                   {1, WatchState::Failed},
                                                                   {2, WatchState::InProgress},
                                                                   {2, WatchState::Succeeded}});
    CHECK(timer.pauses.size() == 2);

    SECTION("at the deadline, the clusters not finished make it a timeout") {
        FakeTimer late;
        WaitLimits short_limits = limits;
        short_limits.max_wait = milliseconds(500);  // the first pause is cut to it: two rounds
        std::fill(rounds.begin(), rounds.end(), 0);
        std::vector<BackupWatch> again(3);
        Expected<FleetOutcome> timed_out = wait_for_backups(
            again, poll, short_limits, late, random,
            [](std::size_t, const WatchStep&, std::optional<milliseconds>) { return true; });
        REQUIRE(timed_out.has_value());
        CHECK(timed_out->timed_out);
        CHECK(timed_out->last[1].state == WatchState::Failed);
        CHECK(timed_out->last[2].state == WatchState::InProgress);
    }
}
