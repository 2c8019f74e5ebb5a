// SPDX-License-Identifier: Apache-2.0
// The `wait` command, for deploy scripts: after a backup was triggered, block until the
// cluster's newest backup (or the one named) leaves Running, or each cluster's of a fleet. One
// line per change of its State on stdout ("bk-5d1f0c2a9e Running", then "bk-5d1f0c2a9e Success";
// with several clusters prefixed "ID " or "REGION ID "), a progress line on a terminal's stderr;
// exit 0 when every one ends in Success, 1 when one ends in Failed, 124 when --max-wait passes
// first.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/settings.h"
#include "core/backup_watch.h"
#include "core/listing.h"

namespace tidb_backups {

// `wait` options as typed; validated by resolve_wait_plan.
struct WaitOptions {
    std::vector<std::string> ids;         // repeatable, each maybe a comma-separated list
    std::optional<std::string> ids_from;  // FILE or "-" for stdin, as list's
    std::optional<std::string> backup_id;
    std::string max_wait = "2h";
    std::string interval = "30s";
};

struct WaitPlan {
    // In the order given; a region empty until fill_regions.
    std::vector<ClusterRef> clusters;
    std::optional<std::string> backup_id;  // only with one cluster
    WaitLimits limits;
    std::string max_wait_text;  // as typed, for the timeout message
};

// The shortest --interval: a wait must not turn into a flood of requests.
inline constexpr std::chrono::milliseconds kMinPollInterval{100};

// The exit status when --max-wait passes first: 124, as timeout(1) reports it (the contract's
// codes are 0-7 and 128 + a signal, so it cannot be mistaken for one of them).
inline constexpr int kWaitTimedOut = 124;

// Checks the flags and reads --ids-from as list does (`stdin_reader` and `notices` as for
// resolve_list_plan): usage errors (exit 2).
Expected<WaitPlan> resolve_wait_plan(const WaitOptions& options,
                                     const std::function<std::string()>& stdin_reader,
                                     std::ostream& notices);

// What the wait runs with besides the context: the clusters' lists, the time, the jitter.
struct WaitWorld {
    FleetPoll poll;
    PollTimer& timer;
    std::mt19937_64& random;
    // Shows the progress line (stderr is a terminal that can redraw it, no -q, no -v).
    bool progress = false;
    bool quiet = false;
};

// Waits as the plan says, printing a line on the context's `out` for each change of State (and
// the errors on its `err`); returns the exit code: 0 every backup ended in Success, 1 one ended
// in Failed or is no longer listed, 2 a --backup-id the cluster does not list, 124 timed out, 130
// interrupted, 7 when `out` could not be written, a failed poll's own code.
int run_wait(const WaitPlan& plan, WaitWorld& world, CommandContext& context);

// Declares `wait` and its flags, writing into `line.wait`; parsed, it sets line.command.
CLI::App* add_wait_command(CLI::App& app, CommandLine& line);

// Checks the flags, resolves settings, waits; returns the exit code.
int execute_wait(const CommandLine& line, CommandContext& context);

}  // namespace tidb_backups
