// SPDX-License-Identifier: Apache-2.0
#include "cli/check_command.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <limits>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/app.h"
#include "cli/filter_census.h"
#include "cli/flags.h"
#include "cli/health_check.h"
#include "cli/list_command.h"
#include "cli/report.h"
#include "core/api_client.h"
#include "core/ascii.h"
#include "core/listing.h"
#include "core/time_spec.h"
#include "render/nagios.h"
#include "render/text.h"
#include "tidb_backups/version.h"

namespace tidb_backups {

namespace {

// Folds each cluster's pages into its newest backup, and prints the cluster's verdict (or its
// error) as soon as the cluster is complete, in the order the ids were given.
// A verdict that cannot be written stops the listing: the rest could not be written either.
class VerdictObserver final : public ListingObserver {
  public:
    VerdictObserver(const CheckPlan& plan, const Clock& clock, std::mutex& err_mutex,
                    std::ostream& out, std::ostream& err, Cancellation& stop)
        : plan_(plan),
          clock_(clock),
          err_mutex_(err_mutex),
          out_(out),
          err_(err),
          stop_(stop),
          several_regions_(several_regions(plan.clusters)) {}

    void backups(std::size_t /*cluster*/, std::vector<BackupObject>&& page) override {
        const std::int64_t now = clock_();
        for (const auto& backup : page) {
            consider_backup(newest_, backup, plan_.rule.state, now);
        }
        census_.count(page);
    }

    void cluster_finished(std::size_t cluster) override {
        // "--state Sucess" among Success backups is a typo, not a stale cluster: exit 2.
        std::vector<Error> unmatched =
            unmatched_filter_values({plan_.rule.state}, "--state", "State", census_.states(),
                                    flag(FlagId::CheckState).choices);
        census_ = FilterCensus();
        if (!unmatched.empty()) {
            cluster_failed(cluster, unmatched.front());
            return;
        }
        // Judged at the moment the cluster is complete, so a slow listing cannot look younger.
        Verdict verdict = judge_freshness(newest_, plan_.rule, clock_());
        if (!verdict.warning.empty()) {
            std::lock_guard lock(err_mutex_);
            print_warning(err_, cluster_message_prefix(plan_, cluster) + verdict.warning);
        }
        out_ << prefix(cluster) << verdict.line << '\n';
        if (!flushed(out_) && !output_failed_) {
            output_failed_ = true;
            stop_.cancel();
        }
        if (!verdict.fresh) {
            ++stale_;
        }
        newest_.reset();
    }

    void cluster_failed(std::size_t cluster, const Error& error) override {
        {
            std::lock_guard lock(err_mutex_);
            print_error(err_, cluster_message_prefix(plan_, cluster), error);
        }
        if (!first_failure_) {
            first_failure_ = error;
        }
        newest_.reset();
    }

    const std::optional<Error>& first_failure() const { return first_failure_; }
    std::size_t stale() const { return stale_; }
    bool output_failed() const { return output_failed_; }

  private:
    // "ID " before a verdict when several clusters are checked; "REGION ID " when they span
    // several regions, as an --ids-from line names them.
    std::string prefix(std::size_t cluster) const {
        if (plan_.clusters.size() < 2) {
            return {};
        }
        return cluster_label(plan_.clusters[cluster], several_regions_) + " ";
    }

    const CheckPlan& plan_;
    const Clock& clock_;
    std::mutex& err_mutex_;
    std::ostream& out_;
    std::ostream& err_;
    Cancellation& stop_;
    std::optional<NewestBackup> newest_;
    FilterCensus census_;  // of the cluster in progress
    std::optional<Error> first_failure_;
    std::size_t stale_ = 0;
    bool output_failed_ = false;
    bool several_regions_;
};

constexpr const char* kCheckFooter = R"(The human output prints one line per cluster on stdout:
  OK: newest Success backup bk-5d1f0c2a9e is 3h12m old
  STALE: newest Success backup bk-5d1f0c2a9e is 2d04h old (max 26h)
  STALE: no Success backup found
prefixed with the cluster id when several are checked. -o json, prometheus and nagios
apply every rule (-w, -c, --on-failed, --max-running, --on-no-backup, --min-size-percent).

Exit codes: 0 every cluster is fresh (OK); 1 a cluster is stale or has no backup in the state
(json, prometheus: a cluster not OK); 2 usage, 3 API error, 4 network, 5 bad response,
6 configuration (the first failed cluster's code wins over 1); 7 the output could not be
written (disk full, closed pipe, --textfile). With -o nagios: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN (a failed call), the worst cluster's.

Examples:
  tidb-backups check --region cn-zj --id MlaMfzgZ --max-age 26h
  tidb-backups check --region cn-zj --id c1 --id c2 --max-age 7d
  tidb-backups check --region cn-zj --ids-from clusters.txt --max-age 90m --state Success
  tidb-backups check --region cn-zj --id MlaMfzgZ -o nagios -w 26h -c 50h
  tidb-backups check --region cn-zj --ids-from clusters.txt -w 26h -c 50h \
      --textfile /var/lib/prometheus/node-exporter/tidb_backups.prom
  # crontab: every 30 minutes; cron mails the verdict only when the check fails
  */30 * * * * out=$(tidb-backups check --region cn-zj --id MlaMfzgZ --max-age 26h 2>&1) || echo "$out")";

}  // namespace

namespace {

// 2000-01-01T00:00:00Z: no backup of this service is older, so a time that is one thousand times
// something later than this is taken for milliseconds.
constexpr std::int64_t kEarliestBackup = 946684800;

bool usable_start(std::int64_t start, std::int64_t now) {
    return start <= now || start - now <= kClockSkewAllowance;  // no sum that could overflow
}

// Why `start` was not counted, for the warning.
std::string why_passed_over(std::int64_t start, std::int64_t now) {
    if (start / 1000 >= kEarliestBackup && usable_start(start / 1000, now)) {
        return "which looks like milliseconds, not epoch seconds";
    }
    return fmt::format("{} in the future (more than the {} clock skew allowed)",
                       format_age(start - now), format_age(kClockSkewAllowance));
}

void pass_over(std::optional<NewestBackup>& newest, const BackupObject& backup,
               std::int64_t start) {
    if (!newest) {
        newest = NewestBackup{{}, {}, 0, false};
    }
    if (!newest->passed_over) {
        newest->passed_over =
            PassedOver{backup_id(backup), field_text(backup, "BackupStartTime"), start, 0};
    }
    ++newest->passed_over->count;
}

}  // namespace

void consider_backup(std::optional<NewestBackup>& newest, const BackupObject& backup,
                     std::string_view state, std::int64_t now) {
    std::string backup_state = field_text(backup, "State");
    if (!same_ignoring_ascii_case(backup_state, state)) {
        return;
    }
    std::optional<std::int64_t> start = field_integer(backup, "BackupStartTime");
    if (!start) {
        return;
    }
    if (!usable_start(*start, now)) {
        // Milliseconds, or a clock far ahead: as seconds it would look brand new.
        pass_over(newest, backup, *start);
        return;
    }
    if (newest && newest->dated && *start <= newest->start) {
        return;
    }
    std::optional<PassedOver> passed_over = newest ? newest->passed_over : std::nullopt;
    newest = NewestBackup{backup_id(backup), std::move(backup_state), *start, true,
                          std::move(passed_over)};
}

Verdict judge_freshness(const std::optional<NewestBackup>& newest, const FreshnessRule& rule,
                        std::int64_t now) {
    if (!newest) {
        return {
            false, fmt::format("STALE: no {} backup found", sanitize_for_terminal(rule.state)), {}};
    }
    std::optional<NewestBackup> judged = newest;
    if (judged->dated && !usable_start(judged->start, now)) {
        // Kept by someone else's rules (or the clock stepped back): never OK from it.
        judged->dated = false;
        if (!judged->passed_over) {
            judged->passed_over =
                PassedOver{judged->id, std::to_string(judged->start), judged->start, 0};
        }
        ++judged->passed_over->count;
    }
    std::string warning;
    if (const auto& passed = judged->passed_over) {
        warning = fmt::format(
            "backup {} has BackupStartTime {}, {}: not counted", sanitize_for_terminal(passed->id),
            sanitize_for_terminal(passed->value), why_passed_over(passed->start, now));
        if (passed->count > 1) {
            warning += fmt::format(" (and {} more)", passed->count - 1);
        }
    }
    if (!judged->dated) {
        return {false,
                fmt::format("STALE: no {} backup has a usable start time ({} passed over: not "
                            "epoch seconds, or in the future)",
                            sanitize_for_terminal(rule.state), judged->passed_over->count),
                std::move(warning)};
    }
    // Clamped so that a nonsensical start time far in the past cannot overflow.
    const std::int64_t earliest = now - std::numeric_limits<std::int64_t>::max() / 4;
    const std::int64_t age = judged->start >= now ? 0 : now - std::max(judged->start, earliest);
    const bool fresh = age <= rule.max_age;
    std::string line = fmt::format("{}: newest {} backup {} is {} old", fresh ? "OK" : "STALE",
                                   sanitize_for_terminal(judged->state),
                                   sanitize_for_terminal(judged->id), format_age(age));
    if (!fresh) {
        line += fmt::format(" (max {})", sanitize_for_terminal(rule.max_age_text));
    }
    return {fresh, std::move(line), std::move(warning)};
}

int check_exit_code(const std::optional<Error>& first_failure, std::size_t stale_clusters) {
    if (first_failure) {
        return exit_code(first_failure->kind);
    }
    return stale_clusters > 0 ? 1 : 0;
}

int run_check(const Settings& settings, const CheckPlan& plan, CommandContext& context) {
    if (plan.output != CheckOutput::Human) {
        return run_health_check(settings, plan, context);
    }
    std::ostream& out = context.out;
    std::ostream& err = context.err;
    // Ctrl-C, or the observer when stdout fails, stops the listing.
    ListingStop stop(context.cancellation);
    ApiSession session(settings, err, &stop.cancellation());
    std::mutex& err_mutex = session.err_mutex();
    PageSourceFactory sources = session.page_sources();

    VerdictObserver observer(plan, context.clock, err_mutex, out, err, stop.cancellation());
    ListingOptions options;
    options.window = PageWindow{std::nullopt, 0, kMaxPageSize};
    options.concurrency = plan.concurrency;
    Status status = run_listing(plan.clusters, options, sources, observer, &stop.cancellation());
    if (!flushed(out) || observer.output_failed()) {
        return exit_code(ErrorKind::Output);  // not an interrupt; main says what failed
    }
    if (!status) {
        err << "tidb-backups: interrupted\n" << std::flush;
        return exit_code(status.error().kind);
    }
    return check_exit_code(observer.first_failure(), observer.stale());
}

CLI::App* add_check_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand(
        "check",
        "Exit 0 if the newest backup is recent enough, 1 if not (for cron and monitoring); "
        "json, Prometheus and Nagios outputs");
    command->footer(kCheckFooter);
    command->callback([&line] { line.command = execute_check; });
    CheckOptions& check = line.check;
    add_flag(*command, FlagId::Id, check.ids);
    add_flag(*command, FlagId::IdsFrom, check.ids_from);
    add_flag(*command, FlagId::MaxAge, check.max_age);
    add_flag(*command, FlagId::CheckState, check.state);
    add_flag(*command, FlagId::Concurrency, check.concurrency);
    add_flag(*command, FlagId::CheckOutput, check.output);
    add_flag(*command, FlagId::Textfile, check.textfile);
    add_flag(*command, FlagId::Warning, check.warning);
    add_flag(*command, FlagId::Critical, check.critical);
    add_flag(*command, FlagId::OnFailed, check.on_failed);
    add_flag(*command, FlagId::MaxRunning, check.max_running);
    add_flag(*command, FlagId::OnNoBackup, check.on_no_backup);
    add_flag(*command, FlagId::MinSizePercent, check.min_size_percent);
    return command;
}

namespace {

// A check that could not start: the error on stderr and its exit status; with -o nagios also the
// plugin's UNKNOWN line on stdout, and exit 3 (Nagios reads 2 as CRITICAL, 6 as UNKNOWN too but
// without a line to show).
int refuse(const CheckOptions& options, CommandContext& context, const Error& error) {
    if (!options.output || !same_ignoring_ascii_case(*options.output, "nagios")) {
        return fail(context, error);
    }
    context.out << nagios_unknown(error.message);
    if (!flushed(context.out)) {
        return exit_code(ErrorKind::Output);  // main says what failed
    }
    fail(context, error);
    return static_cast<int>(HealthStatus::Unknown);
}

}  // namespace

int execute_check(const CommandLine& line, CommandContext& context) {
    const CheckOptions& options = line.check;
    const GlobalOptions& global = line.global;
    // Check flags come before settings: a bad --max-age is exit 2 whatever the config says.
    Expected<CheckPlan> plan = resolve_check_plan(options, stdin_reader(context), context.err);
    if (!plan) {
        return refuse(options, context, plan.error());
    }
    Expected<Settings> settings =
        prepare_settings(global, context, !every_region_named(plan->clusters));
    if (!settings) {
        return refuse(options, context, settings.error());
    }
    fill_regions(plan->clusters, settings->region);
    context.watch_interrupts();
    return run_check(*settings, *plan, context);
}

}  // namespace tidb_backups
