// SPDX-License-Identifier: Apache-2.0
// The part of a cluster's backup list that --limit, --offset and --page-size select, and the
// paging of one cluster: which pages to ask for, and whether the answers add up.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/key_set.h"
#include "core/response.h"

namespace tidb_backups {

struct PageWindow {
    std::optional<std::int64_t> limit;  // most backups to return; nullopt: all
    std::int64_t offset = 0;            // backups to skip first
    std::int64_t page_size = 30;        // the API's Limit per request, 1..30
};

inline constexpr std::int64_t kMaxPageSize = 30;

// Requests one cluster may take before its listing is given up as endless. A cluster keeps a
// few thousand backups at most: about a hundred requests at 30 a page, a few thousand at
// --page-size 1.
inline constexpr std::int64_t kMaxRequestsPerCluster = 10000;

// The API Limit of the first request for `window`.
std::int64_t first_page_limit(const PageWindow& window);

// How far one cluster's paging may go.
struct PagingBounds {
    std::int64_t ahead = 16;  // pages planned but not handed on, at most
    // How often a cluster may grow past the TotalCount already planned for; a server that keeps
    // reporting more cannot keep the listing going for ever.
    int max_growth_rounds = 4;
    std::int64_t max_requests = kMaxRequestsPerCluster;
};

// Where a ClusterPager's requests go: a queue that workers take them from.
class PageRequests {
  public:
    virtual ~PageRequests() = default;
    // Queues the request of the page at `offset`; its answer comes back to receive() with
    // `ticket`.
    virtual void send(std::int64_t offset, std::int64_t limit, std::uint64_t ticket) = 0;
    // Takes back the queued requests at `from` and after that no worker has taken yet; returns
    // how many.
    virtual std::int64_t withdraw(std::int64_t from) = 0;
};

// One cluster's listing. The first page tells TotalCount; the pages up to it are then planned at
// once (a few ahead of what is handed on) for the workers to share, their answers taken in any
// order, and the backups handed on in list order, each once (by BackupId, else by content).
//
// Answers are judged in list order, once every page before them is in:
// - a full page past TotalCount (or without one) is not the end: one more page is asked for;
// - a short page is the end when TotalCount agrees (or there is none), when the server gave a
//   full page of more before (TotalCount is then wrong), or when it is empty and was not asked
//   for as the rest of another (as in the API document's example);
// - otherwise the server may page by fewer than Limit: the rest is asked for from where the
//   page ended, and if the rest comes back empty the cluster fails;
// - a page of nothing new fails the cluster (the pages repeat), unless the list grew by at least
//   that much while paging (the list shifted down);
// - past PagingBounds::max_requests the cluster fails.
// Failures are ErrorKind::Response errors that say what was seen.
class ClusterPager {
  public:
    ClusterPager(const PageWindow& window, const PagingBounds& bounds, PageRequests& requests);

    // Asks for the first page.
    void start();

    // The answer to the request sent with `ticket`; an answer to a page dropped since (it lay
    // past the end of the list) is ignored.
    void receive(std::int64_t offset, std::int64_t limit, std::uint64_t ticket,
                 Expected<BackupPage>&& page);

    // Passes every page that has arrived with no gap before it, as its new backups, to
    // `deliver`, and plans what is then due.
    void hand_on(const std::function<void(std::vector<BackupObject>&&)>& deliver);

    // True once the cluster has failed, or nothing is in flight, waiting or due any more.
    bool done();

    void fail(Error error);
    const std::optional<Error>& failure() const { return failure_; }

    // For progress: backups received (duplicates included) and TotalCount as believed.
    std::int64_t received() const { return received_; }
    const std::optional<std::int64_t>& total() const { return total_; }

  private:
    // A page planned, holding its backups once they arrive.
    struct PlannedPage {
        std::int64_t limit = 0;
        // Tells this page's answer from that of a page once planned at the same offset and
        // dropped since.
        std::uint64_t ticket = 0;
        // Asks for the rest of a short page that TotalCount said was not the end.
        bool rest = false;
        std::optional<std::vector<BackupObject>> backups;
        std::optional<std::int64_t> total;  // the page's own TotalCount
    };

    bool request(std::int64_t offset, std::int64_t limit, bool rest);
    std::int64_t capacity() const;
    bool says_more(const PlannedPage& page, std::int64_t end) const;
    std::int64_t held_at() const;
    void plan();
    void end_list_at(std::int64_t end);
    void accept_total(std::int64_t total);
    bool judge_short_page(std::int64_t offset, const PlannedPage& page);
    bool hand_on_page(std::int64_t offset, PlannedPage& page,
                      const std::function<void(std::vector<BackupObject>&&)>& deliver);

    PageWindow window_;
    PagingBounds bounds_;
    PageRequests& requests_;
    std::int64_t wanted_;  // --limit, or all

    std::map<std::int64_t, PlannedPage> pages_;  // planned, not yet handed on, by offset
    std::uint64_t tickets_ = 0;
    std::int64_t next_offset_ = 0;       // the first offset not planned yet
    std::int64_t end_offset_;            // a short page said the list ends here
    std::optional<std::int64_t> total_;  // TotalCount, as far as it is believed
    int growth_rounds_ = 0;
    // Backups the list grew by while paging: that many may come again on later pages (the list
    // shifted down), so a page of nothing new is a repeat only beyond them.
    std::int64_t repeat_allowance_ = 0;
    // The largest Limit a page handed on came back full for: the server gives that many when it
    // has them, so a shorter page is the end of the list.
    std::int64_t largest_full_ = 0;
    // The furthest page came back full past TotalCount (or without one): the list goes on.
    bool open_end_ = false;
    std::int64_t delivered_ = 0;  // unique backups handed on
    std::int64_t received_ = 0;   // backups received, duplicates included
    std::int64_t sent_ = 0;       // requests sent
    std::int64_t in_flight_ = 0;  // requests queued or running
    // A request was due but max_requests forbade it: for the next pages (recomputed by every
    // plan()), for the rest of a short page (kept).
    bool ceiling_blocked_plan_ = false;
    bool ceiling_blocked_rest_ = false;
    KeySet seen_;  // what tells every backup handed on apart (see dedupe_key)
    std::optional<Error> failure_;
};

}  // namespace tidb_backups
