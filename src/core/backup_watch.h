// SPDX-License-Identifier: Apache-2.0
// Waiting for a backup to finish, for `wait`: which backup is watched (the newest, or one named),
// what each poll of the cluster's list says about it, and the poll loop itself with its pauses,
// deadline and Ctrl-C. No terminal and no clock of its own: the caller supplies the poll, the
// pauses and the time, so tests run it without a network and without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/backup.h"
#include "core/error.h"
#include "core/poll_schedule.h"

namespace tidb_backups {

enum class WatchState {
    NoBackup,    // the cluster lists no backup yet (only when none is named)
    InProgress,  // Running, or any state other than Success and Failed
    Succeeded,   // State Success, in any case
    Failed,      // State Failed, in any case
    NotFound,    // the named backup is not in the first list polled
    Vanished,    // the backup watched is no longer listed
};

// Whether the wait is over in this state.
bool finished(WatchState state);

// What one poll found.
struct WatchStep {
    WatchState state = WatchState::NoBackup;
    std::string backup_id;              // the backup watched; empty while there is none
    std::string backup_state;           // its State as the API spelled it
    std::optional<std::int64_t> start;  // its BackupStartTime, when a number
    // First sight of the backup, or its State differs from the previous poll's.
    bool changed = false;
    std::int64_t listed = 0;  // backups in the list polled
    std::string newest_id;    // the newest of them, for the message when NotFound
};

// Follows one backup through successive lists of its cluster. Without a name, the newest one
// (the latest BackupStartTime; on a tie, the first listed) of the first list that has any is
// watched from then on, even if a newer one appears: that is the backup just triggered.
class BackupWatch {
  public:
    explicit BackupWatch(std::optional<std::string> backup_id = std::nullopt);

    WatchStep observe(const std::vector<BackupObject>& backups);

  private:
    std::optional<std::string> watched_;
    bool named_ = false;
    bool seen_ = false;
    std::string last_state_;
};

// The time and the pauses of a wait. The real one reads a monotonic clock and pauses on the
// Ctrl-C cancellation; the tests' one only adds up what it was asked to pause.
class PollTimer {
  public:
    virtual ~PollTimer() = default;
    // Time since the wait began.
    virtual std::chrono::milliseconds elapsed() = 0;
    // Pauses for `delay`; false, at once, when cancelled meanwhile.
    virtual bool pause(std::chrono::milliseconds delay) = 0;
};

// One list of the cluster's backups (every page); an error ends the wait with it.
using BackupPoll = std::function<Expected<std::vector<BackupObject>>()>;

// One list per cluster named in `pending` (indexes into the watches), in that order, asked
// together; an error (the first cluster's that failed) ends the wait with it.
using FleetPoll = std::function<Expected<std::vector<std::vector<BackupObject>>>(
    const std::vector<std::size_t>& pending)>;

struct WaitLimits {
    std::chrono::milliseconds max_wait{std::chrono::hours(2)};
    PollSchedule schedule;
};

struct WaitOutcome {
    WatchStep last;          // what the last poll found
    bool timed_out = false;  // max_wait passed with the wait not finished
    bool stopped = false;    // the listener asked to stop
    int polls = 0;
};

// The same for several clusters: what the last poll of each found.
struct FleetOutcome {
    std::vector<WatchStep> last;  // one per watch, in their order
    bool timed_out = false;       // max_wait passed with a cluster's wait not finished
    bool stopped = false;
    int polls = 0;  // rounds: each asks every cluster not finished yet
};

// Told each step as it is found, with the pause before the next poll (nullopt after the last);
// returns false to stop the wait there (the output it writes to has failed).
using WatchListener =
    std::function<bool(const WatchStep& step, std::optional<std::chrono::milliseconds> next)>;
using FleetListener = std::function<bool(std::size_t cluster, const WatchStep& step,
                                         std::optional<std::chrono::milliseconds> next)>;

// Polls until every watch is finished or max_wait has passed: the first round at once, then
// after each pause of `limits.schedule`, the last pause shortened so that a final round falls on
// the deadline. A round asks only the clusters whose wait is not finished. Returns the poll's
// error if one fails, ErrorKind::Interrupted if a pause is cut.
Expected<FleetOutcome> wait_for_backups(std::vector<BackupWatch>& watches, const FleetPoll& poll,
                                        const WaitLimits& limits, PollTimer& timer,
                                        std::mt19937_64& random, const FleetListener& listener);

// wait_for_backups for one cluster.
Expected<WaitOutcome> wait_for_backup(BackupWatch& watch, const BackupPoll& poll,
                                      const WaitLimits& limits, PollTimer& timer,
                                      std::mt19937_64& random, const WatchListener& listener);

}  // namespace tidb_backups
