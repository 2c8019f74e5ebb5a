// SPDX-License-Identifier: Apache-2.0
// Monitoring-grade health of one cluster's backups: what the newest backups say (age, size,
// state, counts) and a verdict OK / WARNING / CRITICAL / UNKNOWN with the reasons for it. Pure
// functions over the backups as listed and a clock passed in; the renderers (render/prometheus,
// render/nagios, render/health_json) write what this computes.
//
// The rules and their defaults (HealthRules below), each turned off by the severity Ok:
//   age of the newest backup in `state` above critical_age  CRITICAL  (default: off; --max-age)
//   age of the newest backup in `state` above warning_age   WARNING   (default: off)
//   no backup in `state` with a usable start time           CRITICAL
//   the newest backup of any state is Failed                 WARNING
//     (not CRITICAL: the data is still as safe as the last Success, whose age the age rules
//     judge; one failed night must not page anyone while yesterday's backup is fresh)
//   a backup Running for longer than 6h                      WARNING
//   the newest backup in `state` below 50% of the size of the previous one   WARNING
//     (a truncated backup that reports Success is the classic silent failure)
//   the API call failed                                      UNKNOWN
//
// Which backups count, as for `check`: State is compared in any ASCII case; a backup is dated
// when BackupStartTime is epoch seconds (a number or a string of digits) no more than
// kHealthClockSkew after `now` (a start further ahead is milliseconds or a wrong clock, and is
// passed over with a note); undated backups are counted by state and otherwise ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"
#include "core/error.h"

namespace tidb_backups {

// The values are the monitoring-plugins exit codes (and tidb_backup_check_status).
enum class HealthStatus { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view status_name(HealthStatus status);

// The worse of two: CRITICAL > WARNING > UNKNOWN > OK (monitoring-plugins' max_state_alt), so one
// cluster that could not be asked does not hide another that is known to be broken.
HealthStatus worse(HealthStatus a, HealthStatus b);

// How far in the future a backup may start and still count (as age 0): clocks drift. The same
// 15 minutes as `check`.
inline constexpr std::int64_t kHealthClockSkew = std::int64_t{15} * 60;

// BackupSize is in MB, taken as MiB (as the table's human sizes do).
inline constexpr std::int64_t kBytesPerMb = std::int64_t{1024} * 1024;

struct HealthRules {
    std::string state = "Success";  // the state the newest backup must be in, any case

    std::optional<std::int64_t> warning_age;   // seconds; unset: no WARNING by age
    std::optional<std::int64_t> critical_age;  // seconds; unset: no CRITICAL by age

    HealthStatus no_backup = HealthStatus::Critical;
    HealthStatus newest_failed = HealthStatus::Warning;

    std::int64_t running_limit = std::int64_t{6} * 3600;  // seconds
    HealthStatus running_too_long = HealthStatus::Warning;

    std::int64_t min_size_percent = 50;  // of the previous backup in `state`, 1..100
    HealthStatus size_drop = HealthStatus::Warning;

    HealthStatus api_error = HealthStatus::Unknown;
};

// Usage errors (exit 2) in rules as a front end filled them in: a negative age or limit, a
// warning age above the critical age, a percentage outside 1..100, an empty state, a failed
// call that would be OK.
Status validate_rules(const HealthRules& rules);

// One backup as the renderers need it; every number optional because the API is loose.
struct BackupFacts {
    std::string id;
    std::string state;                       // as the API spelled it
    std::int64_t start = 0;                  // epoch seconds (always usable: it is dated)
    std::optional<std::int64_t> end;         // unset while 0, missing, or before start
    std::optional<std::int64_t> size_bytes;  // unset when missing, negative or too large
    std::optional<std::int64_t> duration;    // end - start, seconds
};

struct StateCount {
    std::string state;  // Success, Failed, Running as documented; others as first spelled
    std::int64_t count = 0;
};

struct SizeDrop {
    std::string previous_id;
    std::int64_t previous_bytes = 0;
    std::int64_t newest_bytes = 0;
};

struct ClusterHealth {
    std::string cluster;
    std::string region;

    std::optional<BackupFacts> newest;      // newest dated backup in rules.state
    std::optional<std::int64_t> age;        // now - newest->start, at least 0
    std::optional<BackupFacts> newest_any;  // newest dated backup of any state
    bool newest_failed = false;             // newest_any is Failed
    // Success, Failed and Running always (0 when absent), then other states in the order seen.
    std::vector<StateCount> counts;
    std::int64_t total = 0;
    std::optional<BackupFacts> longest_running;  // the Running backup that started first...
    std::optional<std::int64_t> running_for;     // ...and for how long, at now
    std::optional<SizeDrop> size_drop;           // set only when the rule fired
    std::int64_t passed_over = 0;  // backups in rules.state with a start too far ahead

    std::optional<Error> error;  // the call failed: nothing above is known

    HealthStatus status = HealthStatus::Ok;
    // Why the status is not OK, worst first, for people; server strings unsanitised (the
    // renderer sanitises for its medium). Empty when OK.
    std::vector<std::string> reasons;
    // Remarks that do not change the status (a start time not believed), for people.
    std::vector<std::string> notes;

    std::int64_t count_of(std::string_view state) const;  // any case; 0 when absent
};

// The health of one cluster from all of its backups (any order), judged at `now`.
ClusterHealth assess_cluster(std::string cluster, std::string region,
                             const std::vector<BackupObject>& backups, const HealthRules& rules,
                             std::int64_t now);

// The health of a cluster whose listing failed: rules.api_error, with the error as the reason.
ClusterHealth assess_failure(std::string cluster, std::string region, Error error,
                             const HealthRules& rules);

// Every cluster of one check, with what the renderers need besides: the rules (thresholds for
// perfdata) and the moment of the check (the scrape's timestamp).
struct HealthReport {
    std::int64_t checked_at = 0;  // epoch seconds
    HealthRules rules;
    std::vector<ClusterHealth> clusters;  // in the order the ids were given
};

// The worst status of the report (OK when it has no cluster).
HealthStatus worst_status(const HealthReport& report);

}  // namespace tidb_backups
