// SPDX-License-Identifier: Apache-2.0
#include "cli/list_command.h"

#include <iterator>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/app.h"
#include "cli/filter_census.h"
#include "cli/flags.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/terminal.h"
#include "core/api_client.h"
#include "core/form.h"
#include "core/listing.h"
#include "core/packed_backups.h"
#include "core/selection.h"
#include "render/text.h"
#include "tidb_backups/version.h"

namespace tidb_backups {

namespace {

// Feeds the listing's ordered results, filtered by the selection page by page, to the renderer,
// and reports failed clusters in place. A sort holds every cluster's backups until finish().
// Otherwise each page goes to the renderer as it arrives: a streamed page is flushed at once
// (when stdout cannot take it the listing is stopped, since nothing fetched after that could be
// written); a renderer that holds back (json, table) keeps it in its written form, and takes a
// cluster that fails part-way back to its mark, set when the cluster before it ended.
class RenderingObserver final : public ListingObserver {
  public:
    RenderingObserver(const ListPlan& plan, Renderer& renderer, std::ostream& out,
                      Cancellation& stop, ProgressLine& progress, std::mutex& err_mutex,
                      std::ostream& err)
        : plan_(plan),
          renderer_(renderer),
          out_(out),
          stop_(stop),
          progress_(progress),
          err_mutex_(err_mutex),
          err_(err) {}

    void backups(std::size_t cluster, std::vector<BackupObject>&& page) override {
        if (output_failed_) {
            return;
        }
        if (!plan_.selection.states.empty() || !plan_.selection.types.empty()) {
            census_.count(page);
        }
        filter_backups(page, plan_.selection);
        if (plan_.selection.reorders()) {
            // Held until every cluster is complete; a cluster that fails part-way is taken back.
            for (const auto& backup : page) {
                held_.add(cluster, backup);
            }
            return;
        }
        add(cluster, page);
        cluster_written_ += static_cast<std::int64_t>(page.size());
        if (renderer_.streams() && !flushed(out_)) {
            output_failed_ = true;
            stop_.cancel();
        }
    }

    void cluster_finished(std::size_t /*cluster*/) override {
        held_mark_ = held_.mark();
        cluster_written_ = 0;
        renderer_.mark();
    }

    // Hands the held backups of every complete cluster to the renderer, in the selection's order.
    void finish() {
        const auto row_at = [this](std::size_t i) {
            const ClusterRef& cluster = plan_.clusters[held_.group(i)];
            return ClusterBackup{cluster.id, held_.unpack(i), cluster.region};
        };
        for (std::size_t i : ordered_positions(held_.size(), row_at, plan_.selection)) {
            const ClusterBackup row = row_at(i);
            renderer_.add(BackupRow{row.cluster_id, row.backup, row.region});
        }
        written_ += static_cast<std::int64_t>(held_.size());
        held_.clear();
        held_mark_ = {};
    }

    void cluster_failed(std::size_t cluster, const Error& error) override {
        std::lock_guard lock(err_mutex_);
        progress_.clear();
        Error shown = error;
        if (renderer_.streams() && cluster_written_ > 0) {
            shown.message += fmt::format(
                " ({} backups of this cluster were written before the failure)", cluster_written_);
        }
        print_error(err_,
                    plan_.clusters.size() > 1
                        ? fmt::format("cluster {}: ", plan_.clusters[cluster].id)
                        : "",
                    shown);
        if (!first_failure_) {
            first_failure_ = error;
        }
        ++failures_;
        held_.truncate(held_mark_);
        if (!renderer_.streams()) {
            // Nothing of it was written yet: it is taken back, and not counted.
            renderer_.discard_since_mark();
            written_ -= cluster_written_;
        }
        cluster_written_ = 0;
        renderer_.mark();
    }

    void progress(const ListingProgress& progress) override {
        std::lock_guard lock(err_mutex_);
        progress_.update(progress);
    }

    const std::optional<Error>& first_failure() const { return first_failure_; }
    // The --state and --type values that matched no backup while others were seen.
    std::vector<Error> unmatched_filters() const {
        std::vector<Error> unmatched =
            unmatched_filter_values(plan_.selection.states, "--state", "State", census_.states(),
                                    flag(FlagId::ListState).choices);
        std::vector<Error> types =
            unmatched_filter_values(plan_.selection.types, "--type", "BackupType", census_.types(),
                                    flag(FlagId::Type).choices);
        unmatched.insert(unmatched.end(), types.begin(), types.end());
        return unmatched;
    }
    std::int64_t written() const { return written_; }
    std::size_t failures() const { return failures_; }
    // stdout failed while streaming, and the listing was stopped.
    bool output_failed() const { return output_failed_; }

  private:
    void add(std::size_t cluster, const std::vector<BackupObject>& backups) {
        for (const auto& backup : backups) {
            renderer_.add(
                BackupRow{plan_.clusters[cluster].id, backup, plan_.clusters[cluster].region});
        }
        written_ += static_cast<std::int64_t>(backups.size());
    }

    const ListPlan& plan_;
    Renderer& renderer_;
    std::ostream& out_;
    Cancellation& stop_;
    ProgressLine& progress_;
    std::mutex& err_mutex_;
    std::ostream& err_;
    std::optional<Error> first_failure_;
    std::int64_t written_ = 0;
    std::int64_t cluster_written_ = 0;
    // Every backup, when the selection reorders: those of the clusters complete, up to the mark,
    // then those of the cluster in progress.
    PackedBackups held_;
    PackedBackups::Mark held_mark_;
    FilterCensus census_;  // of every cluster, when --state or --type filters
    std::size_t failures_ = 0;
    bool output_failed_ = false;
};

// --dry-run shows at most this many requests of each cluster; a --limit that takes more pages
// gets one line saying how many more would follow and at which offsets.
constexpr std::int64_t kDryRunRequestsShown = 3;

// "# 3333333331 more requests not shown for cluster c1: Offset=90, 120, ..., 99999999990;
// Limit=30, the last Limit=10": the requests after the ones shown, from `offset` on, for
// `remaining` backups in pages of `page_size`.
std::string more_requests_line(std::string_view cluster_id, std::int64_t offset,
                               std::int64_t remaining, std::int64_t page_size) {
    const std::int64_t requests = remaining / page_size + (remaining % page_size != 0 ? 1 : 0);
    const std::int64_t last_offset = offset + (requests - 1) * page_size;
    const std::int64_t last_limit = remaining - (requests - 1) * page_size;
    std::string offsets =
        requests == 1   ? fmt::format("{}", offset)
        : requests == 2 ? fmt::format("{}, {}", offset, last_offset)
                        : fmt::format("{}, {}, ..., {}", offset, offset + page_size, last_offset);
    std::string limits = requests == 1 || last_limit == page_size
                             ? fmt::format("Limit={}", requests == 1 ? last_limit : page_size)
                             : fmt::format("Limit={}, the last Limit={}", page_size, last_limit);
    return fmt::format("# {} more {} not shown for cluster {}: Offset={}; {}\n", requests,
                       requests == 1 ? "request" : "requests", sanitize_for_terminal(cluster_id),
                       offsets, limits);
}

// The requests --dry-run shows: the pages --limit bounds (at most kDryRunRequestsShown of each
// cluster, then a line for the rest), else the first page. Ctrl-C stops it; so does a stdout
// that cannot be written. Returns the exit code.
int print_dry_run(const Settings& settings, const ListPlan& plan, std::ostream& out,
                  std::ostream& err, Cancellation* cancellation) {
    Signer signer(settings.public_key, settings.private_key);
    bool first = true;
    for (const auto& [cluster_id, region] : plan.clusters) {
        PageWindow window{plan.limit, plan.offset, plan.page_size};
        std::int64_t offset = plan.offset;
        std::int64_t remaining = plan.limit.value_or(first_page_limit(window));
        for (std::int64_t shown = 0; remaining > 0; ++shown) {
            if (cancellation != nullptr && cancellation->cancelled()) {
                err << "tidb-backups: interrupted\n" << std::flush;
                return exit_code(ErrorKind::Interrupted);
            }
            if (shown == kDryRunRequestsShown) {
                out << "\n" << more_requests_line(cluster_id, offset, remaining, plan.page_size);
                break;
            }
            PageQuery query = base_query(settings);
            query.region = region;
            query.cluster_id = cluster_id;
            query.offset = offset;
            query.limit = std::min(plan.page_size, remaining);
            Params params = signer.sign(list_params(query));
            out << (first ? "" : "\n") << "POST " << settings.endpoint.url() << "\n"
                << "Content-Type: application/x-www-form-urlencoded\n"
                << "User-Agent: " << user_agent() << "\n\n"
                << form_encode(params) << "\n";
            first = false;
            offset += query.limit;
            remaining -= query.limit;
        }
        if (!flushed(out)) {
            return exit_code(ErrorKind::Output);  // main says why
        }
    }
    if (!plan.limit && !settings.quiet) {
        err << "tidb-backups: dry run: only the first page is shown; later pages depend on the "
               "TotalCount "
               "the API returns\n";
    }
    return 0;
}

constexpr const char* kListFooter = R"(Examples:
  tidb-backups list --region cn-zj --id MlaMfzgZ
  tidb-backups list --region cn-zj --id MlaMfzgZ --limit 7 --offset 7
  tidb-backups list --region cn-zj --id MlaMfzgZ -o csv > backups.csv
  tidb-backups list --region cn-zj --id MlaMfzgZ -o ndjson | jq -c 'select(.State != "Success")'
  tidb-backups list --region cn-zj --id MlaMfzgZ --state Failed --since 7d
  tidb-backups list --region cn-zj --id MlaMfzgZ --sort-by BackupSize --reverse --limit 100
  tidb-backups list --region cn-zj --id MlaMfzgZ -o csv --time-format iso
  tidb-backups list --region cn-zj --id MlaMfzgZ --dry-run)";

}  // namespace

CLI::App* add_list_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand("list", "List the backups of one or more clusters");
    command->footer(kListFooter);
    command->callback([&line] { line.command = execute_list; });
    ListOptions& list = line.list;
    add_flag(*command, FlagId::Id, list.ids);
    add_flag(*command, FlagId::IdsFrom, list.ids_from);
    add_flag(*command, FlagId::Limit, list.limit);
    add_flag(*command, FlagId::Offset, list.offset);
    add_flag(*command, FlagId::PageSize, list.page_size);
    add_flag(*command, FlagId::Concurrency, list.concurrency);
    add_flag(*command, FlagId::Output, list.output);
    add_flag(*command, FlagId::Fields, list.fields);
    add_flag(*command, FlagId::NoHeaders, list.no_headers);
    add_flag(*command, FlagId::ListState, list.states);
    add_flag(*command, FlagId::Type, list.types);
    add_flag(*command, FlagId::Since, list.since);
    add_flag(*command, FlagId::Until, list.until);
    add_flag(*command, FlagId::SortBy, list.sort_by);
    add_flag(*command, FlagId::Reverse, list.reverse);
    add_flag(*command, FlagId::TimeFormat, list.time_format);
    add_flag(*command, FlagId::Utc, list.utc);
    add_flag(*command, FlagId::DryRun, list.dry_run);
    return command;
}

int run_list(const Settings& settings, const ListPlan& plan, CommandContext& context) {
    std::ostream& out = context.out;
    std::ostream& err = context.err;
    if (plan.dry_run) {
        return print_dry_run(settings, plan, out, err, context.cancellation);
    }

    // Ctrl-C, or the observer when stdout fails, stops the listing.
    ListingStop stop(context.cancellation);
    ProgressLine progress(err, !settings.quiet && settings.verbosity == 0 &&
                                   stderr_can_redraw(context.err_is_terminal, context.getenv));
    ApiSession session(
        settings, err, &stop.cancellation(), [&progress] { progress.clear(); },
        context.err_is_terminal);
    std::mutex& err_mutex = session.err_mutex();
    PageSourceFactory sources = session.page_sources();

    std::unique_ptr<Renderer> renderer = make_renderer(plan.render, out);
    RenderingObserver observer(plan, *renderer, out, stop.cancellation(), progress, err_mutex, err);
    ListingOptions options;
    options.window = PageWindow{plan.limit, plan.offset, plan.page_size};
    options.concurrency = plan.concurrency;
    Status status = run_listing(plan.clusters, options, sources, observer, &stop.cancellation());
    progress.clear();
    if (observer.output_failed()) {
        return exit_code(ErrorKind::Output);  // not an interrupt; main says what failed
    }
    if (!status) {
        // Interrupted: json and the table were held back, so stdout has no truncated document.
        out.flush();
        err << "tidb-backups: interrupted\n" << std::flush;
        return exit_code(status.error().kind);
    }
    const auto& failure = observer.first_failure();
    if (failure && observer.failures() == plan.clusters.size()) {
        out.flush();  // what streamed is already out; a held-back document is dropped
        return exit_code(failure->kind);
    }
    observer.finish();
    renderer->finish();
    if (!flushed(out)) {
        return exit_code(ErrorKind::Output);
    }
    if (!settings.quiet) {
        // A filter value that matched nothing while other values exist is most likely a typo.
        for (const Error& unmatched : observer.unmatched_filters()) {
            print_warning(err, unmatched.hint.empty() ? unmatched.message
                                                      : unmatched.message + "; " + unmatched.hint);
        }
    }
    if (observer.written() == 0 && plan.render.format == OutputFormat::Table && !settings.quiet) {
        err << "No backups found.\n";
    }
    return failure ? exit_code(failure->kind) : 0;
}

int execute_list(const CommandLine& line, CommandContext& context) {
    const ListOptions& options = line.list;
    const GlobalOptions& global = line.global;
    // List flags are checked before settings: a bad flag is exit 2 whatever the config says.
    Expected<ListPlan> plan =
        resolve_list_plan(options, stdin_reader(context), context.clock(), context.err);
    if (!plan) {
        return fail(context, plan.error());
    }
    Expected<Settings> settings =
        prepare_settings(global, context, !every_region_named(plan->clusters));
    if (!settings) {
        return fail(context, settings.error());
    }
    fill_regions(plan->clusters, settings->region);
    plan->render.region_column = several_regions(plan->clusters);
    // The one place the terminal is consulted: the renderer gets plain values.
    OutputStyle style = output_style(settings->color, probe_stdout(), context.getenv);
    plan->render.terminal = style.terminal;
    plan->render.color = style.color;
    plan->render.width = style.width;
    plan->render.now = context.clock();
    context.watch_interrupts();
    return run_list(*settings, *plan, context);
}

}  // namespace tidb_backups
