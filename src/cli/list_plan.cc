// SPDX-License-Identifier: Apache-2.0
#include "cli/list_plan.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <fmt/format.h>

#include "cli/ids_from.h"
#include "cli/report.h"
#include "cli/settings.h"
#include "core/pager.h"
#include "core/time_spec.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

Expected<std::optional<std::int64_t>> time_point_flag(const std::optional<std::string>& text,
                                                      std::string_view flag, std::int64_t now) {
    if (!text) {
        return std::optional<std::int64_t>{};
    }
    auto point = parse_time_point(*text, now);
    if (!point) {
        return usage(fmt::format("invalid value for {}: '{}'", flag, *text),
                     "expected an ISO 8601 date or time (2026-11-27, 2026-11-27T03:00, "
                     "2026-11-27T03:00:00Z) or an age such as 90m, 26h, 7d");
    }
    return std::optional<std::int64_t>(*point);
}

// --state, --type, --since, --until, --sort-by, --reverse.
Expected<Selection> resolve_selection(const ListOptions& options, std::int64_t now) {
    Selection selection;
    auto states = value_list(options.states, "--state");
    if (!states) {
        return states.error();
    }
    selection.states = std::move(*states);
    auto types = value_list(options.types, "--type");
    if (!types) {
        return types.error();
    }
    selection.types = std::move(*types);
    auto since = time_point_flag(options.since, "--since", now);
    if (!since) {
        return since.error();
    }
    selection.since = *since;
    auto until = time_point_flag(options.until, "--until", now);
    if (!until) {
        return until.error();
    }
    selection.until = *until;
    if (selection.since && selection.until && *selection.since >= *selection.until) {
        return usage(fmt::format("--since '{}' is not before --until '{}': no backup can match",
                                 *options.since, *options.until),
                     "--since is inclusive and --until exclusive");
    }
    if (options.sort_by) {
        auto field = field_named(*options.sort_by, "--sort-by");
        if (!field) {
            return field.error();
        }
        selection.sort_by = std::move(*field);
    }
    selection.reverse = options.reverse;
    return selection;
}

}  // namespace

Expected<ListPlan> resolve_list_plan(const ListOptions& options,
                                     const std::function<std::string()>& stdin_reader,
                                     std::optional<std::int64_t> now, std::ostream& notices) {
    ListPlan plan;
    if (options.limit) {
        auto limit = whole_number(*options.limit, "--limit", 1, INT64_MAX / 2);
        if (!limit) {
            return limit.error();
        }
        plan.limit = *limit;
    }
    if (options.offset) {
        auto offset = whole_number(*options.offset, "--offset", 0, INT64_MAX / 2);
        if (!offset) {
            return offset.error();
        }
        plan.offset = *offset;
    }
    if (options.page_size) {
        auto page_size = whole_number(*options.page_size, "--page-size", 1, kMaxPageSize);
        if (!page_size) {
            return page_size.error();
        }
        plan.page_size = *page_size;
    }
    if (options.concurrency) {
        auto concurrency = whole_number(*options.concurrency, "--concurrency", 1, kMaxConcurrency);
        if (!concurrency) {
            return concurrency.error();
        }
        plan.concurrency = static_cast<int>(*concurrency);
    }
    auto format = output_format_flag(options.output);
    if (!format) {
        return format.error();
    }
    plan.render.format = *format;
    plan.render.headers = !options.no_headers;
    plan.render.utc = options.utc;
    auto time_format = time_format_flag(options.time_format);
    if (!time_format) {
        return time_format.error();
    }
    plan.render.time_format = *time_format;
    plan.dry_run = options.dry_run;
    auto selection =
        resolve_selection(options, now ? *now
                                       : std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    if (!selection) {
        return selection.error();
    }
    plan.selection = std::move(*selection);

    auto clusters = given_clusters(options.ids, options.ids_from, stdin_reader, notices);
    if (!clusters) {
        return clusters.error();
    }
    plan.clusters = std::move(*clusters);
    plan.render.cluster_column = plan.clusters.size() > 1;

    if (options.fields) {
        auto fields = fields_flag(*options.fields);
        if (!fields) {
            return fields.error();
        }
        plan.render.fields = std::move(*fields);
    }
    return plan;
}

Expected<std::vector<ClusterRef>> given_clusters(const std::vector<std::string>& ids,
                                                 const std::optional<std::string>& ids_from,
                                                 const std::function<std::string()>& stdin_reader,
                                                 std::ostream& notices) {
    std::vector<ClusterRef> clusters;
    // "--id c1,c2" is two clusters, as "--state a,b" is two states: no id holds a comma.
    auto given_ids = value_list(ids, "--id");
    if (!given_ids) {
        return given_ids.error();
    }
    for (auto& id : *given_ids) {
        clusters.push_back(ClusterRef{std::move(id), {}});
    }
    if (ids_from) {
        const bool from_stdin = *ids_from == "-";
        Expected<std::string> text =
            from_stdin ? Expected<std::string>(stdin_reader()) : read_ids_file(*ids_from, notices);
        if (!text) {
            return text.error();
        }
        auto listed = parse_ids(
            *text, from_stdin ? std::string("- (standard input)") : fmt::format("'{}'", *ids_from));
        if (!listed) {
            return listed.error();
        }
        clusters.insert(clusters.end(), std::make_move_iterator(listed->begin()),
                        std::make_move_iterator(listed->end()));
    }
    for (const auto& cluster : clusters) {
        if (cluster.id.empty()) {
            return usage("invalid value for --id: the id is empty");
        }
    }
    if (clusters.empty()) {
        return usage(ids_from ? fmt::format("--ids-from '{}' holds no cluster id", *ids_from)
                              : std::string("no cluster id given"),
                     "pass --id ID (repeatable) or --ids-from FILE");
    }
    return clusters;
}

void fill_regions(std::vector<ClusterRef>& clusters, const std::string& region) {
    for (auto& cluster : clusters) {
        if (cluster.region.empty()) {
            cluster.region = region;
        }
    }
}

bool every_region_named(const std::vector<ClusterRef>& clusters) {
    return std::all_of(clusters.begin(), clusters.end(),
                       [](const ClusterRef& cluster) { return !cluster.region.empty(); });
}

bool several_regions(const std::vector<ClusterRef>& clusters) {
    return std::any_of(clusters.begin(), clusters.end(), [&](const ClusterRef& cluster) {
        return cluster.region != clusters.front().region;
    });
}

std::string cluster_label(const ClusterRef& cluster, bool with_region) {
    if (with_region) {
        return sanitize_for_terminal(cluster.region) + " " + sanitize_for_terminal(cluster.id);
    }
    return sanitize_for_terminal(cluster.id);
}

}  // namespace tidb_backups
