// SPDX-License-Identifier: Apache-2.0
#include "core/backup_watch.h"

#include <algorithm>

#include "core/ascii.h"

namespace tidb_backups {

namespace {

WatchState state_of(const std::string& state) {
    if (same_ignoring_ascii_case(state, "Success")) {
        return WatchState::Succeeded;
    }
    if (same_ignoring_ascii_case(state, "Failed")) {
        return WatchState::Failed;
    }
    return WatchState::InProgress;
}

// The newest backup: the latest numeric BackupStartTime, the first listed on a tie; when none
// has one, the first listed (the API lists newest first).
const BackupObject* newest_of(const std::vector<BackupObject>& backups) {
    const BackupObject* newest = nullptr;
    std::optional<std::int64_t> newest_start;
    for (const BackupObject& backup : backups) {
        std::optional<std::int64_t> start = field_integer(backup, "BackupStartTime");
        if (newest == nullptr || (start && (!newest_start || *start > *newest_start))) {
            newest = &backup;
            newest_start = start;
        }
    }
    return newest;
}

const BackupObject* find_backup(const std::vector<BackupObject>& backups, const std::string& id) {
    auto found = std::find_if(backups.begin(), backups.end(), [&id](const BackupObject& backup) {
        return backup_id(backup) == id;
    });
    return found == backups.end() ? nullptr : &*found;
}

}  // namespace

bool finished(WatchState state) {
    return state != WatchState::NoBackup && state != WatchState::InProgress;
}

BackupWatch::BackupWatch(std::optional<std::string> backup_id)
    : watched_(std::move(backup_id)), named_(watched_.has_value()) {}

WatchStep BackupWatch::observe(const std::vector<BackupObject>& backups) {
    WatchStep step;
    step.listed = static_cast<std::int64_t>(backups.size());
    const BackupObject* newest = newest_of(backups);
    if (newest != nullptr) {
        step.newest_id = backup_id(*newest);
    }
    if (!watched_) {
        if (newest == nullptr) {
            return step;  // NoBackup
        }
        watched_ = backup_id(*newest);
    }
    step.backup_id = *watched_;
    const BackupObject* backup = find_backup(backups, *watched_);
    if (backup == nullptr) {
        // A name that was never listed is the caller's mistake; one that was, a deleted backup.
        step.state = named_ && !seen_ ? WatchState::NotFound : WatchState::Vanished;
        return step;
    }
    step.backup_state = field_text(*backup, "State");
    step.start = field_integer(*backup, "BackupStartTime");
    step.state = state_of(step.backup_state);
    step.changed = !seen_ || step.backup_state != last_state_;
    seen_ = true;
    last_state_ = step.backup_state;
    return step;
}

Expected<FleetOutcome> wait_for_backups(std::vector<BackupWatch>& watches, const FleetPoll& poll,
                                        const WaitLimits& limits, PollTimer& timer,
                                        std::mt19937_64& random, const FleetListener& listener) {
    FleetOutcome outcome;
    outcome.last.resize(watches.size());
    std::vector<std::size_t> pending(watches.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
        pending[i] = i;
    }
    for (;;) {
        Expected<std::vector<std::vector<BackupObject>>> lists = poll(pending);
        if (!lists) {
            return lists.error();
        }
        ++outcome.polls;
        std::vector<std::size_t> still;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            const std::size_t cluster = pending[k];
            outcome.last[cluster] = watches[cluster].observe((*lists)[k]);
            if (!finished(outcome.last[cluster].state)) {
                still.push_back(cluster);
            }
        }
        const std::chrono::milliseconds left = limits.max_wait - timer.elapsed();
        std::optional<std::chrono::milliseconds> pause;
        if (!still.empty() && left > std::chrono::milliseconds(0)) {
            pause = std::min(limits.schedule.pause(outcome.polls, random), left);
        }
        for (std::size_t cluster : pending) {
            if (!listener(cluster, outcome.last[cluster], pause)) {
                outcome.stopped = true;
                return outcome;
            }
        }
        if (!pause) {
            outcome.timed_out = !still.empty();
            return outcome;
        }
        if (!timer.pause(*pause)) {
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
        pending = std::move(still);
    }
}

Expected<WaitOutcome> wait_for_backup(BackupWatch& watch, const BackupPoll& poll,
                                      const WaitLimits& limits, PollTimer& timer,
                                      std::mt19937_64& random, const WatchListener& listener) {
    std::vector<BackupWatch> watches{std::move(watch)};
    Expected<FleetOutcome> fleet = wait_for_backups(
        watches,
        [&poll](
            const std::vector<std::size_t>&) -> Expected<std::vector<std::vector<BackupObject>>> {
            Expected<std::vector<BackupObject>> backups = poll();
            if (!backups) {
                return backups.error();
            }
            return std::vector<std::vector<BackupObject>>{std::move(*backups)};
        },
        limits, timer, random,
        [&listener](std::size_t, const WatchStep& step,
                    std::optional<std::chrono::milliseconds> next) {
            return listener(step, next);
        });
    watch = std::move(watches.front());
    if (!fleet) {
        return fleet.error();
    }
    return WaitOutcome{std::move(fleet->last.front()), fleet->timed_out, fleet->stopped,
                       fleet->polls};
}

}  // namespace tidb_backups
