// SPDX-License-Identifier: Apache-2.0
// Lists the backups of many clusters at once: the first page of each cluster tells TotalCount,
// the remaining pages are fetched concurrently by a bounded pool of workers, each reusing one
// kept-alive connection, and pages are handed on strictly in API order, cluster by cluster.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/pager.h"
#include "core/response.h"

namespace tidb_backups {

// A cluster to list: its id, and the region it lives in (empty: the page source's own, i.e.
// --region). Each cluster's requests are signed with its region.
struct ClusterRef {
    std::string id;
    std::string region;

    bool operator==(const ClusterRef&) const = default;
};

// Where pages come from; one per worker, used by that worker's thread only.
class PageSource {
  public:
    virtual ~PageSource() = default;
    virtual Expected<BackupPage> fetch(const ClusterRef& cluster, std::int64_t offset,
                                       std::int64_t limit) = 0;
    // Cuts a request in progress; called from another thread when the listing is cancelled.
    virtual void abort() {}
};

// Called from worker threads, so it must be thread-safe.
using PageSourceFactory = std::function<std::unique_ptr<PageSource>()>;

struct ListingProgress {
    std::int64_t backups = 0;   // received so far (all clusters)
    std::int64_t expected = 0;  // what the TotalCounts seen so far promise, within the window
    std::size_t clusters_done = 0;
    std::size_t clusters = 0;
    std::int64_t requests = 0;  // pages requested so far
};

// Receives the results on the thread that called run_listing, in output order: all of cluster
// 0 (pages, then finished or failed), then all of cluster 1, and so on.
class ListingObserver {
  public:
    virtual ~ListingObserver() = default;
    virtual void backups(std::size_t cluster, std::vector<BackupObject>&& page) = 0;
    virtual void cluster_finished(std::size_t cluster) = 0;
    virtual void cluster_failed(std::size_t cluster, const Error& error) = 0;
    virtual void progress(const ListingProgress& /*progress*/) {}
};

struct ListingOptions {
    PageWindow window;
    int concurrency = 8;  // workers and connections at most; 1 is strictly sequential
    // How often a cluster may grow past the TotalCount already planned for; a server that keeps
    // reporting more cannot keep the listing going forever.
    int max_growth_rounds = 4;
    // Requests a cluster may take before it fails as endless (see ClusterPager).
    std::int64_t max_requests_per_cluster = kMaxRequestsPerCluster;
};

// Runs until every cluster has finished or failed. Returns an error only when `cancellation`
// fired (ErrorKind::Interrupted); per-cluster failures go to the observer.
Status run_listing(const std::vector<ClusterRef>& clusters, const ListingOptions& options,
                   const PageSourceFactory& sources, ListingObserver& observer,
                   Cancellation* cancellation = nullptr);

}  // namespace tidb_backups
