#include "cli/run_list.h"

#include <fmt/format.h>

#include "cli/report.h"
#include "core/api_client.h"
#include "core/form.h"
#include "core/pager.h"
#include "tidb_backups/version.h"

namespace tidb_backups {

namespace {

struct ClusterBackups {
    std::string cluster_id;
    std::vector<BackupObject> backups;
};

std::string user_agent() {
    return fmt::format("tidb-backups/{}", kVersion);
}

LogSink stderr_log(const Settings& settings, std::ostream& err) {
    return [&err, verbosity = settings.verbosity](int level, std::string_view line) {
        if (level <= verbosity) {
            err << "tidb-backups: " << line << '\n' << std::flush;
        }
    };
}

PageQuery page_query(const Settings& settings, const std::string& cluster_id, std::int64_t offset,
                     std::int64_t limit) {
    return PageQuery{settings.region, cluster_id, settings.project_id, limit, offset};
}

// The requests --dry-run shows: every page when --limit bounds them, else the first page.
void print_dry_run(const Settings& settings, const ListPlan& plan, const ApiClient& client,
                   std::ostream& out, std::ostream& err) {
    bool first = true;
    for (const auto& cluster_id : plan.cluster_ids) {
        PageWindow window{plan.limit, plan.offset, plan.page_size};
        std::int64_t offset = plan.offset;
        std::int64_t remaining = plan.limit.value_or(first_page_limit(window));
        while (remaining > 0) {
            std::int64_t limit = std::min(plan.page_size, remaining);
            Params params = client.signed_params(page_query(settings, cluster_id, offset, limit));
            out << (first ? "" : "\n") << "POST " << settings.endpoint.url() << "\n"
                << "Content-Type: application/x-www-form-urlencoded\n"
                << "User-Agent: " << user_agent() << "\n\n"
                << form_encode(params) << "\n";
            first = false;
            offset += limit;
            remaining -= limit;
        }
    }
    out.flush();
    if (!plan.limit && !settings.quiet) {
        err << "tidb-backups: dry run: only the first page is shown; later pages depend on the "
               "TotalCount "
               "the API returns\n";
    }
}

}  // namespace

int run_list(const Settings& settings, const ListPlan& plan, std::ostream& out, std::ostream& err) {
    TransportOptions transport_options{settings.endpoint, settings.timeout, settings.ca_bundle,
                                       settings.insecure, user_agent()};
    std::unique_ptr<Transport> transport = make_http_transport(transport_options);
    Signer signer(settings.public_key, settings.private_key);
    RetryPolicy policy;
    policy.retries = settings.retries;
    ApiClient client(*transport, signer, policy, settings.endpoint.url(),
                     stderr_log(settings, err));

    if (plan.dry_run) {
        print_dry_run(settings, plan, client, out, err);
        return 0;
    }

    std::vector<ClusterBackups> results;
    std::optional<Error> first_failure;
    const bool several = plan.cluster_ids.size() > 1;
    for (const auto& cluster_id : plan.cluster_ids) {
        PageWindow window{plan.limit, plan.offset, plan.page_size};
        auto fetch = [&](std::int64_t offset, std::int64_t limit) {
            return client.list_page(page_query(settings, cluster_id, offset, limit));
        };
        Expected<std::vector<BackupObject>> backups = fetch_window(window, fetch);
        if (!backups) {
            print_error(err, several ? fmt::format("cluster {}: ", cluster_id) : "",
                        backups.error());
            if (!first_failure) {
                first_failure = backups.error();
            }
            continue;
        }
        results.push_back({cluster_id, std::move(*backups)});
    }
    if (first_failure && !several) {
        return exit_code(first_failure->kind);
    }

    std::unique_ptr<Renderer> renderer = make_renderer(plan.render, out);
    std::size_t count = 0;
    for (const auto& cluster : results) {
        for (const auto& backup : cluster.backups) {
            renderer->add(BackupRow{cluster.cluster_id, backup});
            ++count;
        }
    }
    renderer->finish();
    if (count == 0 && plan.render.format == OutputFormat::Table && !settings.quiet) {
        err << "No backups found.\n";
    }
    return first_failure ? exit_code(first_failure->kind) : 0;
}

}  // namespace tidb_backups
