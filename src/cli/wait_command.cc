// SPDX-License-Identifier: Apache-2.0
#include "cli/wait_command.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/app.h"
#include "cli/flags.h"
#include "cli/list_plan.h"
#include "cli/report.h"
#include "cli/terminal.h"
#include "core/listing.h"
#include "core/time_spec.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

using std::chrono::milliseconds;

constexpr const char* kWaitFooter =
    R"(Prints one line on stdout each time the backup's State changes, the first
one as soon as it is found:
  bk-5d1f0c2a9e Running
  bk-5d1f0c2a9e Success
On a terminal, stderr also shows a progress line. Without --backup-id the newest backup when
the wait starts is followed to its end; a cluster with no backup yet is waited on until one
appears. With several clusters (--id c1,c2 or --ids-from) each one's newest backup is waited
for, each line prefixed with the cluster's id (and region, when they span several).

Exit codes: 0 the backup (every one) ended in Success; 1 one ended in Failed (or is no longer
listed);
124 --max-wait passed first; 2 usage, or a --backup-id the cluster does not list;
3 API error, 4 network, 5 bad response, 6 configuration; 7 a line could not be written;
130 interrupted (Ctrl-C).

Examples:
  tidb-backups wait --region cn-zj --id MlaMfzgZ
  tidb-backups wait --region cn-zj --id MlaMfzgZ --backup-id bk-5d1f0c2a9e --max-wait 4h
  tidb-backups wait --ids-from clusters --max-wait 3h
  # deploy script: go on only once the backup taken before it has succeeded
  tidb-backups wait --id MlaMfzgZ --max-wait 90m && ./deploy.sh)";

Expected<milliseconds> duration_flag(const std::string& text, std::string_view flag) {
    std::optional<std::int64_t> millis = parse_duration_millis(text);
    if (!millis) {
        return usage(fmt::format("invalid value for {}: '{}' (expected a duration such as 30s, "
                                 "90m or 2h)",
                                 flag, text),
                     "units: ms, s, m, h, d, w; combined as in 1h30m");
    }
    return milliseconds(*millis);
}

std::string clean(std::string_view text) {
    return sanitize_for_terminal(text);
}

// Whole seconds, rounded up: a pause of 200 ms is "1s" away, not "0s".
std::int64_t seconds_up(milliseconds duration) {
    return (std::max<std::int64_t>(duration.count(), 0) + 999) / 1000;
}

// How each cluster is named in the lines: "ID", or "REGION ID" when they span several regions.
std::vector<std::string> cluster_labels(const std::vector<ClusterRef>& clusters) {
    const bool with_region = several_regions(clusters);
    std::vector<std::string> labels;
    labels.reserve(clusters.size());
    for (const ClusterRef& cluster : clusters) {
        labels.push_back(cluster_label(cluster, with_region));
    }
    return labels;
}

// Before a line about one of several clusters, its label and a blank; nothing for one cluster.
std::string prefix(const std::vector<std::string>& labels, std::size_t cluster) {
    return labels.size() < 2 ? std::string() : labels[cluster] + " ";
}

// The progress line's text: the one cluster's step, or how many clusters are still waited on;
// `next` before the next poll.
std::string progress_text(const WaitPlan& plan, const std::vector<WatchStep>& steps,
                          milliseconds next, std::int64_t now) {
    if (plan.clusters.size() > 1) {
        const auto waiting = std::count_if(steps.begin(), steps.end(), [](const WatchStep& step) {
            return !finished(step.state);
        });
        return fmt::format("waiting for the backups of {} of {} clusters, next poll in {}s",
                           waiting, plan.clusters.size(), seconds_up(next));
    }
    const WatchStep& step = steps.front();
    std::string line;
    if (step.state == WatchState::NoBackup) {
        line = fmt::format("waiting for a backup of cluster {}", clean(plan.clusters.front().id));
    } else {
        line = fmt::format("waiting for backup {}: {}", clean(step.backup_id),
                           clean(step.backup_state));
        if (step.start && *step.start <= now) {
            line += fmt::format(", started {} ago", format_age(now - *step.start));
        }
    }
    return line + fmt::format(", next poll in {}s", seconds_up(next));
}

// The self-updating line on stderr while the wait pauses: redrawn every second so its countdown
// moves, and erased before anything else is written.
class WaitProgress {
  public:
    WaitProgress(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
    ~WaitProgress() { clear(); }
    WaitProgress(const WaitProgress&) = delete;
    WaitProgress& operator=(const WaitProgress&) = delete;

    bool enabled() const { return enabled_; }

    void draw(const std::string& text) {
        if (enabled_) {
            err_ << "\r\x1b[K" << text << std::flush;
            shown_ = true;
        }
    }

    void clear() {
        if (shown_) {
            err_ << "\r\x1b[K" << std::flush;
            shown_ = false;
        }
    }

  private:
    std::ostream& err_;
    bool enabled_;
    bool shown_ = false;
};

// The wait's timer, its pauses cut into seconds so that the progress line can count down.
class CountdownTimer final : public PollTimer {
  public:
    CountdownTimer(PollTimer& timer, std::function<void(milliseconds left)> tick)
        : timer_(timer), tick_(std::move(tick)) {}

    milliseconds elapsed() override { return timer_.elapsed(); }

    bool pause(milliseconds delay) override {
        while (delay > milliseconds(0)) {
            tick_(delay);
            const milliseconds slice = std::min(delay, milliseconds(1000));
            if (!timer_.pause(slice)) {
                return false;
            }
            delay -= slice;
        }
        return true;
    }

  private:
    PollTimer& timer_;
    std::function<void(milliseconds)> tick_;
};

// The real timer: a monotonic clock, and pauses that Ctrl-C cuts at once.
class SteadyPollTimer final : public PollTimer {
  public:
    explicit SteadyPollTimer(Cancellation& cancellation) : cancellation_(cancellation) {}

    milliseconds elapsed() override {
        return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start_);
    }

    bool pause(milliseconds delay) override { return cancellation_.sleep_for(delay); }

  private:
    Cancellation& cancellation_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Collects every page of each cluster; the first error (in the clusters' order) is the poll's.
class CollectingObserver final : public ListingObserver {
  public:
    explicit CollectingObserver(std::size_t clusters) : backups_(clusters) {}

    void backups(std::size_t cluster, std::vector<BackupObject>&& page) override {
        for (auto& backup : page) {
            backups_[cluster].push_back(std::move(backup));
        }
    }
    void cluster_finished(std::size_t /*cluster*/) override {}
    void cluster_failed(std::size_t cluster, const Error& error) override {
        if (!error_) {
            error_ = error;
            failed_ = cluster;
        }
    }

    std::optional<std::size_t> failed() const { return failed_; }

    Expected<std::vector<std::vector<BackupObject>>> result() && {
        if (error_) {
            return *error_;
        }
        return std::move(backups_);
    }

  private:
    std::vector<std::vector<BackupObject>> backups_;
    std::optional<Error> error_;
    std::optional<std::size_t> failed_;
};

// Every page of each cluster asked, concurrently, as `list` fetches them. With several
// clusters, a failure names its cluster.
FleetPoll clusters_poll(const WaitPlan& plan, ApiSession& session, Cancellation& cancellation) {
    return [&plan, sources = session.page_sources(),
            &cancellation](const std::vector<std::size_t>& pending)
               -> Expected<std::vector<std::vector<BackupObject>>> {
        std::vector<ClusterRef> asked;
        asked.reserve(pending.size());
        for (std::size_t cluster : pending) {
            asked.push_back(plan.clusters[cluster]);
        }
        CollectingObserver observer(asked.size());
        ListingOptions options;
        options.window = PageWindow{std::nullopt, 0, kMaxPageSize};
        Status status = run_listing(asked, options, sources, observer, &cancellation);
        if (!status) {
            return status.error();
        }
        const std::optional<std::size_t> failed = observer.failed();
        Expected<std::vector<std::vector<BackupObject>>> lists = std::move(observer).result();
        if (!lists && plan.clusters.size() > 1 && failed) {
            lists.error().message = fmt::format(
                "cluster {}: {}", clean(plan.clusters[pending[*failed]].id), lists.error().message);
        }
        return lists;
    };
}

// The error for a --backup-id the cluster does not list.
Error not_listed(const WaitPlan& plan, const WatchStep& step) {
    const std::string cluster = clean(plan.clusters.front().id);
    std::string message =
        step.listed == 0
            ? fmt::format("backup {} not found: cluster {} lists no backup", clean(step.backup_id),
                          cluster)
            : fmt::format(
                  "backup {} not found among the {} backups of cluster {} (the newest is {})",
                  clean(step.backup_id), step.listed, cluster, clean(step.newest_id));
    return usage(std::move(message),
                 fmt::format("see them with: tidb-backups list --id {}", cluster));
}

// What is still unfinished about one cluster at the deadline.
std::string still_waiting(const std::vector<std::string>& labels, std::size_t cluster,
                          const WatchStep& step) {
    if (step.state == WatchState::NoBackup) {
        return fmt::format("no backup of cluster {} appeared", labels[cluster]);
    }
    return fmt::format("{}backup {} is still {}", prefix(labels, cluster), clean(step.backup_id),
                       clean(step.backup_state));
}

// The exit code, and its messages on stderr, once the wait is over: 124 at the deadline, else
// the worst of the clusters' ends (2 a named backup not listed, 1 Failed or deleted, 0 Success).
// (The kinds of the errors printed here only carry their text: the exit codes are wait's own.)
int conclude(const WaitPlan& plan, const std::vector<std::string>& labels,
             const FleetOutcome& outcome, CommandContext& context) {
    if (outcome.timed_out) {
        std::vector<std::string> unfinished;
        for (std::size_t c = 0; c < outcome.last.size(); ++c) {
            if (!finished(outcome.last[c].state)) {
                unfinished.push_back(still_waiting(labels, c, outcome.last[c]));
            }
        }
        // A fleet names its first few, not a line of a thousand clusters.
        constexpr std::size_t kNamed = 3;
        std::string what = fmt::format(
            "{}", fmt::join(unfinished.begin(),
                            unfinished.begin() +
                                static_cast<std::ptrdiff_t>(std::min(unfinished.size(), kNamed)),
                            "; "));
        if (unfinished.size() > kNamed) {
            what += fmt::format("; and {} more", unfinished.size() - kNamed);
        }
        print_error(context.err,
                    make_error(ErrorKind::Usage,
                               fmt::format("timed out: {} after --max-wait {}", what,
                                           clean(plan.max_wait_text)),
                               fmt::format("the {} on; wait longer with a larger --max-wait",
                                           unfinished.size() > 1 ? "backups go" : "backup goes")));
        return kWaitTimedOut;
    }
    int code = 0;
    for (std::size_t c = 0; c < outcome.last.size(); ++c) {
        const WatchStep& step = outcome.last[c];
        switch (step.state) {
            case WatchState::NotFound:
                return fail(context, not_listed(plan, step));
            case WatchState::Vanished:
                print_error(context.err,
                            make_error(ErrorKind::Api,
                                       fmt::format("backup {} is no longer listed by cluster {} "
                                                   "(deleted while waiting?)",
                                                   clean(step.backup_id), labels[c])));
                code = 1;
                break;
            case WatchState::Succeeded:
                break;
            default:
                code = 1;  // Failed
        }
    }
    return code;
}

}  // namespace

Expected<WaitPlan> resolve_wait_plan(const WaitOptions& options,
                                     const std::function<std::string()>& stdin_reader,
                                     std::ostream& notices) {
    WaitPlan plan;
    Expected<std::vector<ClusterRef>> clusters =
        given_clusters(options.ids, options.ids_from, stdin_reader, notices);
    if (!clusters) {
        return clusters.error();
    }
    plan.clusters = std::move(*clusters);
    if (options.backup_id) {
        if (options.backup_id->empty()) {
            return usage("invalid value for --backup-id: the id is empty",
                         "omit --backup-id to wait for the newest backup");
        }
        if (plan.clusters.size() > 1) {
            return usage(fmt::format("--backup-id names one backup, but {} clusters are given",
                                     plan.clusters.size()),
                         "give one cluster with --backup-id, or omit it to wait for each "
                         "cluster's newest backup");
        }
        plan.backup_id = options.backup_id;
    }
    Expected<milliseconds> max_wait = duration_flag(options.max_wait, "--max-wait");
    if (!max_wait) {
        return max_wait.error();
    }
    Expected<milliseconds> interval = duration_flag(options.interval, "--interval");
    if (!interval) {
        return interval.error();
    }
    if (*interval < kMinPollInterval) {
        return usage(
            fmt::format("invalid value for --interval: '{}' (at least 100ms)", options.interval));
    }
    plan.limits.max_wait = *max_wait;
    plan.limits.schedule.cap = *interval;
    plan.max_wait_text = options.max_wait;
    return plan;
}

int run_wait(const WaitPlan& plan, WaitWorld& world, CommandContext& context) {
    const std::vector<std::string> labels = cluster_labels(plan.clusters);
    WaitProgress progress(context.err, world.progress);
    std::vector<WatchStep> current(plan.clusters.size());
    CountdownTimer countdown(world.timer, [&](milliseconds left) {
        progress.draw(progress_text(plan, current, left, context.clock()));
    });
    PollTimer& timer = progress.enabled() ? static_cast<PollTimer&>(countdown) : world.timer;

    std::vector<bool> announced_none(plan.clusters.size(), false);
    bool output_failed = false;
    auto listener = [&](std::size_t cluster, const WatchStep& step,
                        std::optional<milliseconds> /*next*/) {
        current[cluster] = step;
        if (step.state == WatchState::NoBackup && !announced_none[cluster] && !world.quiet) {
            announced_none[cluster] = true;
            progress.clear();
            context.err << fmt::format(
                               "tidb-backups: cluster {} has no backup yet; waiting for "
                               "one (--max-wait {})\n",
                               labels[cluster], clean(plan.max_wait_text))
                        << std::flush;
        }
        if (step.changed) {
            progress.clear();
            context.out << prefix(labels, cluster) << clean(step.backup_id) << ' '
                        << clean(step.backup_state) << '\n';
            output_failed = !flushed(context.out);
        }
        return !output_failed;
    };

    std::vector<BackupWatch> watches;
    watches.reserve(plan.clusters.size());
    for (std::size_t c = 0; c < plan.clusters.size(); ++c) {
        watches.emplace_back(plan.backup_id);
    }
    Expected<FleetOutcome> outcome =
        wait_for_backups(watches, world.poll, plan.limits, timer, world.random, listener);
    progress.clear();
    if (output_failed || !flushed(context.out)) {
        return exit_code(ErrorKind::Output);  // main says what failed
    }
    if (!outcome) {
        if (outcome.error().kind == ErrorKind::Interrupted) {
            context.err << "tidb-backups: interrupted\n" << std::flush;
            return exit_code(ErrorKind::Interrupted);
        }
        return fail(context, outcome.error());
    }
    return conclude(plan, labels, *outcome, context);
}

CLI::App* add_wait_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand(
        "wait",
        "Block until the newest (or the named) backup leaves Running; exit 0 on Success, "
        "1 on Failed (for deploy scripts)");
    command->footer(kWaitFooter);
    command->callback([&line] { line.command = execute_wait; });
    WaitOptions& wait = line.wait;
    add_flag(*command, FlagId::Id, wait.ids);
    add_flag(*command, FlagId::IdsFrom, wait.ids_from);
    add_flag(*command, FlagId::BackupId, wait.backup_id);
    add_flag(*command, FlagId::MaxWait, wait.max_wait);
    add_flag(*command, FlagId::Interval, wait.interval);
    return command;
}

int execute_wait(const CommandLine& line, CommandContext& context) {
    // The flags come before the settings: a bad --max-wait is exit 2 whatever the config says.
    Expected<WaitPlan> plan = resolve_wait_plan(line.wait, stdin_reader(context), context.err);
    if (!plan) {
        return fail(context, plan.error());
    }
    Expected<Settings> settings =
        prepare_settings(line.global, context, !every_region_named(plan->clusters));
    if (!settings) {
        return fail(context, settings.error());
    }
    fill_regions(plan->clusters, settings->region);
    context.watch_interrupts();
    Cancellation never;  // without an outer one (a test's context), nothing cuts a pause
    Cancellation& cancellation = context.cancellation != nullptr ? *context.cancellation : never;
    ApiSession session(*settings, context.err, &cancellation);
    SteadyPollTimer timer(cancellation);
    std::mt19937_64 random(std::random_device{}());
    WaitWorld world{clusters_poll(*plan, session, cancellation), timer, random};
    world.progress = !settings->quiet && settings->verbosity == 0 &&
                     stderr_can_redraw(context.err_is_terminal, context.getenv);
    world.quiet = settings->quiet;
    return run_wait(*plan, world, context);
}

}  // namespace tidb_backups
