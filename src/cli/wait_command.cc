#include "cli/wait_command.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/app.h"
#include "cli/flags.h"
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
appears.

Exit codes: 0 the backup ended in Success; 1 it ended in Failed (or is no longer listed);
124 --max-wait passed first; 2 usage, or a --backup-id the cluster does not list;
3 API error, 4 network, 5 bad response, 6 configuration; 7 a line could not be written;
130 interrupted (Ctrl-C).

Examples:
  tidb-backups wait --region cn-zj --id MlaMfzgZ
  tidb-backups wait --region cn-zj --id MlaMfzgZ --backup-id bk-5d1f0c2a9e --max-wait 4h
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

// The progress line's text for `step`, `next` before the next poll.
std::string progress_text(const WaitPlan& plan, const WatchStep& step, milliseconds next,
                          std::int64_t now) {
    std::string line;
    if (step.state == WatchState::NoBackup) {
        line = fmt::format("waiting for a backup of cluster {}", clean(plan.cluster_id));
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

// Collects every page of one cluster; the first error is the poll's.
class CollectingObserver final : public ListingObserver {
  public:
    void backups(std::size_t /*cluster*/, std::vector<BackupObject>&& page) override {
        for (auto& backup : page) {
            backups_.push_back(std::move(backup));
        }
    }
    void cluster_finished(std::size_t /*cluster*/) override {}
    void cluster_failed(std::size_t /*cluster*/, const Error& error) override { error_ = error; }

    Expected<std::vector<BackupObject>> result() && {
        if (error_) {
            return *error_;
        }
        return std::move(backups_);
    }

  private:
    std::vector<BackupObject> backups_;
    std::optional<Error> error_;
};

// Every page of the cluster, concurrently after the first, as `list` fetches them.
BackupPoll cluster_poll(const std::string& cluster_id, ApiSession& session,
                        Cancellation& cancellation) {
    return [cluster_id, sources = session.page_sources(),
            &cancellation]() -> Expected<std::vector<BackupObject>> {
        CollectingObserver observer;
        ListingOptions options;
        options.window = PageWindow{std::nullopt, 0, kMaxPageSize};
        Status status =
            run_listing({ClusterRef{cluster_id, {}}}, options, sources, observer, &cancellation);
        if (!status) {
            return status.error();
        }
        return std::move(observer).result();
    };
}

// The error for a --backup-id the cluster does not list.
Error not_listed(const WaitPlan& plan, const WatchStep& step) {
    std::string message =
        step.listed == 0
            ? fmt::format("backup {} not found: cluster {} lists no backup", clean(step.backup_id),
                          clean(plan.cluster_id))
            : fmt::format(
                  "backup {} not found among the {} backups of cluster {} (the newest is {})",
                  clean(step.backup_id), step.listed, clean(plan.cluster_id),
                  clean(step.newest_id));
    return usage(std::move(message),
                 fmt::format("see them with: tidb-backups list --id {}", clean(plan.cluster_id)));
}

// The exit code, and its message on stderr, once the wait is over. (The kinds of the errors
// printed here only carry their text: the exit codes are wait's own.)
int conclude(const WaitPlan& plan, const WaitOutcome& outcome, CommandContext& context) {
    const WatchStep& step = outcome.last;
    if (outcome.timed_out) {
        std::string what =
            step.state == WatchState::NoBackup
                ? fmt::format("no backup of cluster {} appeared", clean(plan.cluster_id))
                : fmt::format("backup {} is still {}", clean(step.backup_id),
                              clean(step.backup_state));
        print_error(context.err,
                    make_error(ErrorKind::Usage,
                               fmt::format("timed out: {} after --max-wait {}", what,
                                           clean(plan.max_wait_text)),
                               "the backup goes on; wait longer with a larger --max-wait"));
        return kWaitTimedOut;
    }
    switch (step.state) {
        case WatchState::Succeeded:
            return 0;
        case WatchState::NotFound:
            return fail(context, not_listed(plan, step));
        case WatchState::Vanished:
            print_error(context.err,
                        make_error(ErrorKind::Api,
                                   fmt::format("backup {} is no longer listed by cluster {} "
                                               "(deleted while waiting?)",
                                               clean(step.backup_id), clean(plan.cluster_id))));
            return 1;
        default:
            return 1;  // Failed
    }
}

}  // namespace

Expected<WaitPlan> resolve_wait_plan(const WaitOptions& options) {
    if (options.ids.empty()) {
        return usage("missing --id", "pass the cluster: --id ID");
    }
    if (options.ids.size() > 1) {
        return usage(fmt::format("wait takes one --id, got {}", options.ids.size()),
                     "run one wait per cluster");
    }
    WaitPlan plan;
    plan.cluster_id = options.ids.front();
    if (plan.cluster_id.empty()) {
        return usage("invalid value for --id: the id is empty");
    }
    if (options.backup_id) {
        if (options.backup_id->empty()) {
            return usage("invalid value for --backup-id: the id is empty",
                         "omit --backup-id to wait for the newest backup");
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
    WaitProgress progress(context.err, world.progress);
    WatchStep current;
    CountdownTimer countdown(world.timer, [&](milliseconds left) {
        progress.draw(progress_text(plan, current, left, context.clock()));
    });
    PollTimer& timer = progress.enabled() ? static_cast<PollTimer&>(countdown) : world.timer;

    bool announced_none = false;
    bool output_failed = false;
    auto listener = [&](const WatchStep& step, std::optional<milliseconds> /*next*/) {
        current = step;
        if (step.state == WatchState::NoBackup && !announced_none && !world.quiet) {
            announced_none = true;
            progress.clear();
            context.err << fmt::format(
                               "tidb-backups: cluster {} has no backup yet; waiting for "
                               "one (--max-wait {})\n",
                               clean(plan.cluster_id), clean(plan.max_wait_text))
                        << std::flush;
        }
        if (step.changed) {
            progress.clear();
            context.out << clean(step.backup_id) << ' ' << clean(step.backup_state) << '\n';
            output_failed = !flushed(context.out);
        }
        return !output_failed;
    };

    BackupWatch watch(plan.backup_id);
    Expected<WaitOutcome> outcome =
        wait_for_backup(watch, world.poll, plan.limits, timer, world.random, listener);
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
    return conclude(plan, *outcome, context);
}

CLI::App* add_wait_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand(
        "wait",
        "Block until the newest (or the named) backup leaves Running; exit 0 on Success, "
        "1 on Failed (for deploy scripts)");
    command->footer(kWaitFooter);
    command->callback([&line] { line.command = execute_wait; });
    WaitOptions& wait = line.wait;
    add_flag(*command, FlagId::WaitId, wait.ids);
    add_flag(*command, FlagId::BackupId, wait.backup_id);
    add_flag(*command, FlagId::MaxWait, wait.max_wait);
    add_flag(*command, FlagId::Interval, wait.interval);
    return command;
}

int execute_wait(const CommandLine& line, CommandContext& context) {
    // The flags come before the settings: a bad --max-wait is exit 2 whatever the config says.
    Expected<WaitPlan> plan = resolve_wait_plan(line.wait);
    if (!plan) {
        return fail(context, plan.error());
    }
    Expected<Settings> settings = prepare_settings(line.global, context);
    if (!settings) {
        return fail(context, settings.error());
    }
    context.watch_interrupts();
    Cancellation never;  // without an outer one (a test's context), nothing cuts a pause
    Cancellation& cancellation = context.cancellation != nullptr ? *context.cancellation : never;
    ApiSession session(*settings, context.err, &cancellation);
    SteadyPollTimer timer(cancellation);
    std::mt19937_64 random(std::random_device{}());
    WaitWorld world{cluster_poll(plan->cluster_id, session, cancellation), timer, random};
    world.progress = !settings->quiet && settings->verbosity == 0 &&
                     stderr_can_redraw(context.err_is_terminal, context.getenv);
    world.quiet = settings->quiet;
    return run_wait(*plan, world, context);
}

}  // namespace tidb_backups
