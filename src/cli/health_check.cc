// SPDX-License-Identifier: Apache-2.0
#include "cli/health_check.h"

#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/report.h"
#include "cli/terminal.h"
#include "core/atomic_file.h"
#include "core/health.h"
#include "core/listing.h"
#include "render/health_json.h"
#include "render/nagios.h"
#include "render/prometheus.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

// Gathers each cluster's backups and assesses the cluster when it is complete, at that moment,
// so that a slow listing cannot make a backup look younger than it is.
class HealthObserver final : public ListingObserver {
  public:
    HealthObserver(const CheckPlan& plan, const Clock& clock, std::mutex& err_mutex,
                   std::ostream& err, HealthReport& report)
        : plan_(plan), clock_(clock), err_mutex_(err_mutex), err_(err), report_(report) {}

    void backups(std::size_t /*cluster*/, std::vector<BackupObject>&& page) override {
        std::move(page.begin(), page.end(), std::back_inserter(held_));
    }

    void cluster_finished(std::size_t cluster) override {
        ClusterHealth health =
            assess_cluster(plan_.clusters[cluster].id, plan_.clusters[cluster].region, held_,
                           plan_.rules, clock_());
        held_.clear();
        if (!health.notes.empty()) {
            std::lock_guard lock(err_mutex_);
            for (const auto& note : health.notes) {
                print_warning(err_, prefix(cluster) + note);
            }
        }
        report_.clusters.push_back(std::move(health));
    }

    void cluster_failed(std::size_t cluster, const Error& error) override {
        held_.clear();
        {
            std::lock_guard lock(err_mutex_);
            print_error(err_, prefix(cluster), error);
        }
        if (!first_failure_) {
            first_failure_ = error;
        }
        report_.clusters.push_back(assess_failure(
            plan_.clusters[cluster].id, plan_.clusters[cluster].region, error, plan_.rules));
    }

    const std::optional<Error>& first_failure() const { return first_failure_; }

  private:
    std::string prefix(std::size_t cluster) const { return cluster_message_prefix(plan_, cluster); }

    const CheckPlan& plan_;
    const Clock& clock_;
    std::mutex& err_mutex_;
    std::ostream& err_;
    HealthReport& report_;
    std::vector<BackupObject> held_;  // of the cluster in progress
    std::optional<Error> first_failure_;
};

// json and prometheus: as the human output counts, a failure's code before 1 for a cluster
// that is not OK.
int document_exit_code(const HealthReport& report, const std::optional<Error>& first_failure) {
    if (first_failure) {
        return exit_code(first_failure->kind);
    }
    return worst_status(report) == HealthStatus::Ok ? 0 : 1;
}

}  // namespace

int run_health_check(const Settings& settings, const CheckPlan& plan, CommandContext& context) {
    std::ostream& out = context.out;
    std::ostream& err = context.err;
    ListingStop stop(context.cancellation);
    ApiSession session(settings, err, &stop.cancellation());
    PageSourceFactory sources = session.page_sources();

    HealthReport report;
    report.rules = plan.rules;
    HealthObserver observer(plan, context.clock, session.err_mutex(), err, report);
    ListingOptions options;
    options.window = PageWindow{std::nullopt, 0, kMaxPageSize};
    options.concurrency = plan.concurrency;
    Status status = run_listing(plan.clusters, options, sources, observer, &stop.cancellation());
    if (!status) {
        // Nothing is written: a partial report would read as clusters that vanished.
        err << "tidb-backups: interrupted\n" << std::flush;
        return exit_code(status.error().kind);
    }
    report.checked_at = context.clock();

    int code = document_exit_code(report, observer.first_failure());
    std::string text;
    switch (plan.output) {
        case CheckOutput::Json:
            text = health_json(
                report, output_style(settings.color, probe_stdout(), context.getenv).terminal);
            break;
        case CheckOutput::Prometheus:
            text = prometheus_text(report);
            break;
        case CheckOutput::Nagios: {
            NagiosOutput nagios = nagios_output(report);
            text = std::move(nagios.text);
            code = nagios.exit_code;
            break;
        }
        case CheckOutput::Human:
            break;
    }
    if (plan.textfile) {
        if (Status written = write_file_atomically(*plan.textfile, text, 0644); !written) {
            print_error(err, written.error());
            return exit_code(written.error().kind);
        }
        return code;
    }
    out << text;
    if (!flushed(out)) {
        return exit_code(ErrorKind::Output);  // main says what failed
    }
    return code;
}

}  // namespace tidb_backups
