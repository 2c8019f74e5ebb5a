// SPDX-License-Identifier: Apache-2.0
// The list plan: what `list` (and, for its ids and --concurrency, `check`) will do, from its
// flags as typed: the clusters (--id and --ids-from), the page window, the output and the
// selection, each checked before any setting is resolved or any request is made.
#pragma once

#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/listing.h"
#include "core/selection.h"
#include "render/renderer.h"

namespace tidb_backups {

// `list` options as typed; validated by resolve_list_plan.
struct ListOptions {
    std::vector<std::string> ids;
    std::optional<std::string> ids_from;  // FILE or "-" for stdin
    std::optional<std::string> limit;
    std::optional<std::string> offset;
    std::optional<std::string> page_size;
    std::optional<std::string> concurrency;
    std::string output = "table";
    std::optional<std::string> fields;
    bool no_headers = false;
    bool utc = false;
    bool dry_run = false;
    std::vector<std::string> states;  // --state, repeatable, each maybe a comma-separated list
    std::vector<std::string> types;   // --type, the same
    std::optional<std::string> since;
    std::optional<std::string> until;
    std::optional<std::string> sort_by;
    bool reverse = false;
    std::string time_format = "raw";
};

struct ListPlan {
    // In the order given (--id first, then --ids-from); a region empty until fill_regions.
    std::vector<ClusterRef> clusters;
    std::optional<std::int64_t> limit;
    std::int64_t offset = 0;
    std::int64_t page_size = 30;
    int concurrency = 8;
    RenderOptions render;  // color and width are left for the caller to decide from the terminal
    Selection selection;   // applied to the backups after paging
    bool dry_run = false;
};

inline constexpr int kMaxConcurrency = 64;

// Checks the list flags and reads --ids-from (within the bounds of cli/ids_from.h);
// `stdin_reader` supplies "-" and needs to give no more than kMaxIdsFromBytes + 1 bytes of it.
// Ages in --since and --until count back from `now` (epoch seconds; the clock when not given).
// `notices` gets the line saying that a named pipe given to --ids-from has no writer yet.
Expected<ListPlan> resolve_list_plan(const ListOptions& options,
                                     const std::function<std::string()>& stdin_reader,
                                     std::optional<std::int64_t> now = std::nullopt,
                                     std::ostream& notices = std::cerr);

// The clusters --id (repeatable, comma-separated) and --ids-from (a file, or "-" for stdin) name,
// in that order; usage errors for an empty id or none at all. `stdin_reader` and `notices` as for
// resolve_list_plan.
Expected<std::vector<ClusterRef>> given_clusters(const std::vector<std::string>& ids,
                                                 const std::optional<std::string>& ids_from,
                                                 const std::function<std::string()>& stdin_reader,
                                                 std::ostream& notices);

// Gives every cluster without a region `region` (--region's, once settings are resolved).
void fill_regions(std::vector<ClusterRef>& clusters, const std::string& region);

// Whether every cluster names its own region (--ids-from "REGION ID" lines): --region is then
// not needed.
bool every_region_named(const std::vector<ClusterRef>& clusters);

// Whether the clusters are in more than one region: the outputs then show each one's.
bool several_regions(const std::vector<ClusterRef>& clusters);

// How a line names a cluster: "ID", or "REGION ID" (as an --ids-from line names it) when the
// clusters span several regions; cleaned for a terminal.
std::string cluster_label(const ClusterRef& cluster, bool with_region);

}  // namespace tidb_backups
