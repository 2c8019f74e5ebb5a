// SPDX-License-Identifier: Apache-2.0
// The `check` command, for cron and monitoring: is the newest backup in a state (Success unless
// --state says otherwise) younger than --max-age? In the human output one verdict line per
// cluster on stdout; exit 0 when every cluster is fresh, 1 when one is stale, the error's code
// when a call fails. The json, prometheus and nagios outputs judge every rule of core/health.h
// and write one document once every cluster is done.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/check_plan.h"
#include "cli/command.h"
#include "cli/settings.h"
#include "core/backup.h"

namespace tidb_backups {

// How far in the future a backup may start and still count (as age 0): clocks drift.
inline constexpr std::int64_t kClockSkewAllowance = std::int64_t{15} * 60;

// Backups in the rule's state whose start time was not believed: the first, and how many.
struct PassedOver {
    std::string id;
    std::string value;       // BackupStartTime as sent
    std::int64_t start = 0;  // the same, as a number
    std::int64_t count = 0;
};

// The newest backup in the rule's state seen so far in one cluster's listing.
struct NewestBackup {
    std::string id;
    std::string state;       // as the API spelled it
    std::int64_t start = 0;  // BackupStartTime, epoch seconds
    // False when every backup in the state seen so far was passed over: id, state and start
    // are then unset.
    bool dated = true;
    std::optional<PassedOver> passed_over = std::nullopt;
};

// Keeps `backup` in `newest` when its State is `state` (in any case) and it started later than
// the one kept, whatever order the API sent them in; on a tie the first seen stays. A backup
// without a numeric BackupStartTime cannot be dated and is skipped. One that starts more than
// kClockSkewAllowance after `now` (milliseconds, or a clock far ahead) is not counted either:
// it is recorded in newest->passed_over, for the warning.
void consider_backup(std::optional<NewestBackup>& newest, const BackupObject& backup,
                     std::string_view state,
                     std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)));

struct Verdict {
    bool fresh = false;
    // "OK: newest Success backup bk-1 is 3h12m old", "STALE: ... (max 26h)" or
    // "STALE: no Success backup found"; server strings sanitised, no cluster, no newline.
    std::string line;
    // One line for stderr when a start time was not believed (see consider_backup), else "".
    std::string warning = {};
};

// Judges the newest backup at `now` (epoch seconds): fresh when its age is at most
// rule.max_age; a start up to kClockSkewAllowance in the future counts as age 0, one further
// ahead is never fresh. With no backup of a usable time the verdict is STALE and says so; the
// warning names the first backup passed over.
Verdict judge_freshness(const std::optional<NewestBackup>& newest, const FreshnessRule& rule,
                        std::int64_t now);

// The exit code of a whole run: the first failed cluster's code (2..6), else 1 if any cluster
// is stale, else 0.
int check_exit_code(const std::optional<Error>& first_failure, std::size_t stale_clusters);

// Lists every cluster of `plan` and writes its output, judged at the context's clock: human, one
// verdict line per cluster on the context's `out` (prefixed with the cluster id when there are
// several) as each completes; the others one document at the end (to --textfile when given).
// Failed clusters are reported on its `err`. Returns the exit code (130 when its `cancellation`
// fired; 7 when `out` could not be written, which stops the listing at once and is for the owner
// of `out` to explain; 7 with the error printed when --textfile could not be written).
int run_check(const Settings& settings, const CheckPlan& plan, CommandContext& context);

// Declares `check` and its flags, writing into `line.check`; parsed, it sets line.command.
CLI::App* add_check_command(CLI::App& app, CommandLine& line);

// Checks the flags, resolves settings, runs the check; returns the exit code.
int execute_check(const CommandLine& line, CommandContext& context);

}  // namespace tidb_backups
