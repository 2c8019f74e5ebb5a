// SPDX-License-Identifier: Apache-2.0
#include "core/health.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/time_spec.h"

namespace tidb_backups {

namespace {

constexpr std::array<std::string_view, 3> kDocumentedStates = {"Success", "Failed", "Running"};

int rank(HealthStatus status) {
    switch (status) {
        case HealthStatus::Ok:
            return 0;
        case HealthStatus::Unknown:
            return 1;
        case HealthStatus::Warning:
            return 2;
        case HealthStatus::Critical:
            return 3;
    }
    return 1;
}

bool usable_start(std::int64_t start, std::int64_t now) {
    return start <= now || start - now <= kHealthClockSkew;  // no sum that could overflow
}

// now - start, at least 0, clamped so that a start far in the past cannot overflow.
std::int64_t seconds_since(std::int64_t start, std::int64_t now) {
    const std::int64_t earliest = now - std::numeric_limits<std::int64_t>::max() / 4;
    return start >= now ? 0 : now - std::max(start, earliest);
}

BackupFacts facts_of(const BackupObject& backup, std::int64_t start) {
    BackupFacts facts;
    facts.id = backup_id(backup);
    facts.state = field_text(backup, "State");
    facts.start = start;
    std::optional<std::int64_t> end = field_integer(backup, "BackupEndTime");
    if (end && *end > 0 && *end >= start) {
        facts.end = end;
        facts.duration = *end - start;
    }
    std::optional<std::int64_t> size = field_integer(backup, "BackupSize");
    if (size && *size >= 0 && *size <= std::numeric_limits<std::int64_t>::max() / kBytesPerMb) {
        facts.size_bytes = *size * kBytesPerMb;
    }
    return facts;
}

void count_state(std::vector<StateCount>& counts, const std::string& state) {
    for (auto& entry : counts) {
        if (same_ignoring_ascii_case(entry.state, state)) {
            ++entry.count;
            return;
        }
    }
    counts.push_back(StateCount{state, 1});
}

// The newest two by start; on a tie the first seen ranks first.
struct NewestTwo {
    std::optional<BackupFacts> first;
    std::optional<BackupFacts> second;

    void offer(const BackupObject& backup, std::int64_t start) {
        if (!first || start > first->start) {
            second = std::move(first);
            first = facts_of(backup, start);
        } else if (!second || start > second->start) {
            second = facts_of(backup, start);
        }
    }
};

struct Finding {
    HealthStatus status;
    std::string reason;
};

class Judgement {
  public:
    void raise(HealthStatus status, std::string reason) {
        if (status != HealthStatus::Ok) {
            findings_.push_back(Finding{status, std::move(reason)});
        }
    }

    void conclude(ClusterHealth& health) {
        std::stable_sort(
            findings_.begin(), findings_.end(),
            [](const Finding& a, const Finding& b) { return rank(a.status) > rank(b.status); });
        health.status = HealthStatus::Ok;
        for (auto& finding : findings_) {
            health.status = worse(health.status, finding.status);
            health.reasons.push_back(std::move(finding.reason));
        }
    }

  private:
    std::vector<Finding> findings_;
};

void judge_age(Judgement& judgement, const ClusterHealth& health, const HealthRules& rules) {
    const std::int64_t age = *health.age;
    auto line = [&](std::string_view which, std::int64_t limit) {
        return fmt::format("newest {} backup {} is {} old ({} above {})", health.newest->state,
                           health.newest->id, format_age(age), which, format_age(limit));
    };
    if (rules.critical_age && age > *rules.critical_age) {
        judgement.raise(HealthStatus::Critical, line("critical", *rules.critical_age));
    } else if (rules.warning_age && age > *rules.warning_age) {
        judgement.raise(HealthStatus::Warning, line("warning", *rules.warning_age));
    }
}

void judge_size(Judgement& judgement, ClusterHealth& health, const NewestTwo& in_state,
                const HealthRules& rules) {
    if (rules.size_drop == HealthStatus::Ok || !in_state.first || !in_state.second) {
        return;
    }
    const auto& newest = in_state.first->size_bytes;
    const auto& previous = in_state.second->size_bytes;
    if (!newest || !previous || *previous == 0) {
        return;
    }
    // In MB (the API's whole unit) the products stay far inside 64 bits.
    const std::int64_t newest_mb = *newest / kBytesPerMb;
    const std::int64_t previous_mb = *previous / kBytesPerMb;
    if (newest_mb * 100 >= previous_mb * rules.min_size_percent) {
        return;
    }
    health.size_drop = SizeDrop{in_state.second->id, *previous, *newest};
    judgement.raise(
        rules.size_drop,
        fmt::format("newest {} backup {} is {} MB, {}% of the {} MB of {} (minimum {}%)",
                    in_state.first->state, in_state.first->id, newest_mb,
                    newest_mb * 100 / previous_mb, previous_mb, in_state.second->id,
                    rules.min_size_percent));
}

}  // namespace

std::string_view status_name(HealthStatus status) {
    switch (status) {
        case HealthStatus::Ok:
            return "OK";
        case HealthStatus::Warning:
            return "WARNING";
        case HealthStatus::Critical:
            return "CRITICAL";
        case HealthStatus::Unknown:
            return "UNKNOWN";
    }
    return "UNKNOWN";
}

HealthStatus worse(HealthStatus a, HealthStatus b) {
    return rank(a) >= rank(b) ? a : b;
}

Status validate_rules(const HealthRules& rules) {
    auto usage = [](std::string message, std::string hint = {}) {
        return make_error(ErrorKind::Usage, std::move(message), std::move(hint));
    };
    if (rules.state.empty()) {
        return usage("the state to check is empty",
                     "pass the State a backup must have, e.g. --state Success");
    }
    if ((rules.warning_age && *rules.warning_age < 0) ||
        (rules.critical_age && *rules.critical_age < 0) || rules.running_limit < 0) {
        return usage("an age or duration limit is negative");
    }
    if (rules.warning_age && rules.critical_age && *rules.warning_age > *rules.critical_age) {
        return usage(fmt::format("the warning age ({}) is above the critical age ({})",
                                 format_age(*rules.warning_age), format_age(*rules.critical_age)),
                     "a backup must turn WARNING before it turns CRITICAL: lower the warning age");
    }
    if (rules.api_error == HealthStatus::Ok) {
        return usage(
            "a failed API call cannot be OK: its rule must be WARNING, CRITICAL or UNKNOWN");
    }
    if (rules.min_size_percent < 1 || rules.min_size_percent > 100) {
        return usage(fmt::format("the minimum size percentage {} is not within 1..100",
                                 rules.min_size_percent));
    }
    return ok();
}

std::int64_t ClusterHealth::count_of(std::string_view state) const {
    for (const auto& entry : counts) {
        if (same_ignoring_ascii_case(entry.state, state)) {
            return entry.count;
        }
    }
    return 0;
}

ClusterHealth assess_cluster(std::string cluster, std::string region,
                             const std::vector<BackupObject>& backups, const HealthRules& rules,
                             std::int64_t now) {
    ClusterHealth health;
    health.cluster = std::move(cluster);
    health.region = std::move(region);
    for (std::string_view state : kDocumentedStates) {
        health.counts.push_back(StateCount{std::string(state), 0});
    }

    NewestTwo in_state;
    NewestTwo any_state;
    std::optional<std::pair<std::string, std::string>> first_passed_over;  // id, start as sent
    for (const auto& backup : backups) {
        const std::string state = field_text(backup, "State");
        count_state(health.counts, state);
        ++health.total;
        std::optional<std::int64_t> start = field_integer(backup, "BackupStartTime");
        if (!start) {
            continue;
        }
        const bool wanted = same_ignoring_ascii_case(state, rules.state);
        if (!usable_start(*start, now)) {
            if (wanted) {
                ++health.passed_over;
                if (!first_passed_over) {
                    first_passed_over.emplace(backup_id(backup),
                                              field_text(backup, "BackupStartTime"));
                }
            }
            continue;
        }
        any_state.offer(backup, *start);
        if (wanted) {
            in_state.offer(backup, *start);
        }
        if (same_ignoring_ascii_case(state, "Running") &&
            (!health.longest_running || *start < health.longest_running->start)) {
            health.longest_running = facts_of(backup, *start);
        }
    }

    Judgement judgement;
    health.newest = in_state.first;
    health.newest_any = any_state.first;
    if (health.newest) {
        health.age = seconds_since(health.newest->start, now);
        judge_age(judgement, health, rules);
    } else if (health.total == 0) {
        judgement.raise(rules.no_backup, "no backups at all");
    } else if (health.passed_over > 0) {
        judgement.raise(rules.no_backup,
                        fmt::format("no {} backup has a usable start time ({} passed over)",
                                    rules.state, health.passed_over));
    } else {
        judgement.raise(rules.no_backup, fmt::format("no {} backup found", rules.state));
    }

    if (health.newest_any && same_ignoring_ascii_case(health.newest_any->state, "Failed")) {
        health.newest_failed = true;
        judgement.raise(
            rules.newest_failed,
            fmt::format("newest backup {} is {}", health.newest_any->id, health.newest_any->state));
    }

    if (health.longest_running) {
        health.running_for = seconds_since(health.longest_running->start, now);
        if (*health.running_for > rules.running_limit) {
            judgement.raise(
                rules.running_too_long,
                fmt::format("backup {} has been {} for {} (limit {})", health.longest_running->id,
                            health.longest_running->state, format_age(*health.running_for),
                            format_age(rules.running_limit)));
        }
    }

    judge_size(judgement, health, in_state, rules);

    if (first_passed_over) {
        std::string note = fmt::format(
            "backup {} has BackupStartTime {}, more than {} in the future: not counted",
            first_passed_over->first, first_passed_over->second, format_age(kHealthClockSkew));
        if (health.passed_over > 1) {
            note += fmt::format(" (and {} more)", health.passed_over - 1);
        }
        health.notes.push_back(std::move(note));
    }
    judgement.conclude(health);
    return health;
}

ClusterHealth assess_failure(std::string cluster, std::string region, Error error,
                             const HealthRules& rules) {
    ClusterHealth health;
    health.cluster = std::move(cluster);
    health.region = std::move(region);
    health.status = rules.api_error;
    health.reasons.push_back(error.message);
    health.error = std::move(error);
    return health;
}

HealthStatus worst_status(const HealthReport& report) {
    HealthStatus status = HealthStatus::Ok;
    for (const auto& cluster : report.clusters) {
        status = worse(status, cluster.status);
    }
    return status;
}

}  // namespace tidb_backups
