// SPDX-License-Identifier: Apache-2.0
#include "core/pager.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace tidb_backups {

namespace {

constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max();

// What tells backups apart: the BackupId, else (a server that leaves it out) the whole object.
// The first byte keeps an id from ever equalling an object.
std::string dedupe_key(const BackupObject& backup) {
    std::string id = backup_id(backup);
    if (!id.empty()) {
        return "i" + id;
    }
    return "c" + backup.dump(-1, ' ', false, BackupObject::error_handler_t::replace);
}

// "TotalCount says 100" or "no TotalCount".
std::string total_text(const std::optional<std::int64_t>& total) {
    return total ? fmt::format("TotalCount says {}", *total) : std::string("no TotalCount");
}

Error paging_error(std::string message) {
    return make_error(ErrorKind::Response, std::move(message),
                      "the API's pages do not add up; -v shows every request and its answer");
}

}  // namespace

std::int64_t first_page_limit(const PageWindow& window) {
    return window.limit ? std::min(window.page_size, *window.limit) : window.page_size;
}

ClusterPager::ClusterPager(const PageWindow& window, const PagingBounds& bounds,
                           PageRequests& requests)
    : window_(window),
      bounds_(bounds),
      requests_(requests),
      wanted_(window.limit.value_or(kUnbounded)),
      end_offset_(kUnbounded) {
    bounds_.ahead = std::max<std::int64_t>(1, bounds_.ahead);
}

void ClusterPager::start() {
    if (!request(window_.offset, first_page_limit(window_), false)) {
        ceiling_blocked_plan_ = true;
    }
}

bool ClusterPager::request(std::int64_t offset, std::int64_t limit, bool rest) {
    if (sent_ >= bounds_.max_requests) {
        return false;
    }
    const std::uint64_t ticket = ++tickets_;
    pages_[offset] = PlannedPage{limit, ticket, rest, std::nullopt, std::nullopt};
    if (offset + limit > next_offset_) {
        next_offset_ = offset + limit;
        open_end_ = false;  // the furthest page has not come back yet
    }
    ++in_flight_;
    ++sent_;
    requests_.send(offset, limit, ticket);
    return true;
}

// Room for backups in pages planned but not handed on, plus those handed on.
std::int64_t ClusterPager::capacity() const {
    std::int64_t planned = delivered_;
    for (const auto& [offset, page] : pages_) {
        planned += page.backups ? static_cast<std::int64_t>(page.backups->size()) : page.limit;
    }
    return planned;
}

// True when the TotalCount that `page` saw (its own, else the one believed) says the list goes
// on past `end`.
bool ClusterPager::says_more(const PlannedPage& page, std::int64_t end) const {
    std::optional<std::int64_t> total = page.total ? page.total : total_;
    return total && *total > end;
}

// Where the first short page still to be judged ended: nothing is planned past it until it is
// judged (the end of the list, or a server paging by fewer than Limit).
std::int64_t ClusterPager::held_at() const {
    for (const auto& [offset, page] : pages_) {
        if (!page.backups) {
            continue;
        }
        auto size = static_cast<std::int64_t>(page.backups->size());
        if (size < page.limit && says_more(page, offset + size)) {
            return offset + size;
        }
    }
    return kUnbounded;
}

void ClusterPager::plan() {
    ceiling_blocked_plan_ = false;
    if (failure_) {
        return;
    }
    // Pages up to TotalCount, and one past the last full page when that reached past
    // TotalCount (or there is none). Only a few ahead of what is handed on: a TotalCount that
    // lies costs a few requests, not thousands, and pages waiting for an earlier one stay few.
    std::int64_t bound = total_.value_or(0);
    if (open_end_) {
        bound = std::max(bound, next_offset_ + 1);
    }
    bound = std::min({bound, end_offset_, held_at()});
    std::int64_t room = capacity();
    while (room < wanted_ && next_offset_ < bound &&
           static_cast<std::int64_t>(pages_.size()) < bounds_.ahead) {
        std::int64_t limit = std::min(window_.page_size, wanted_ - room);
        if (!request(next_offset_, limit, false)) {
            ceiling_blocked_plan_ = true;
            return;
        }
        room += limit;
    }
}

void ClusterPager::fail(Error error) {
    failure_ = std::move(error);
    pages_.clear();
    in_flight_ -= requests_.withdraw(std::numeric_limits<std::int64_t>::min());
    seen_.clear();
}

void ClusterPager::receive(std::int64_t offset, std::int64_t limit, std::uint64_t ticket,
                           Expected<BackupPage>&& page) {
    --in_flight_;
    if (failure_) {
        return;  // a page of a cluster that already failed
    }
    auto planned = pages_.find(offset);
    if (planned == pages_.end() || planned->second.ticket != ticket) {
        return;  // a page dropped since it was asked for: it lies past the end of the list
    }
    if (!page) {
        fail(page.error());
        return;
    }
    auto received = static_cast<std::int64_t>(page->backups.size());
    received_ += received;
    if (page->total_count) {
        accept_total(*page->total_count);
    }
    planned->second.total = page->total_count;
    planned->second.backups = std::move(page->backups);
    // A short page where TotalCount agrees (or there is none) ends the list; one where
    // TotalCount says more is judged in list order, once the pages before it are in.
    if (received < limit && !says_more(planned->second, offset + received)) {
        end_list_at(offset + received);
    }
    plan();
}

// Pages planned past the end of the list are not worth having: queued ones are not sent, the
// answers of the others are dropped.
void ClusterPager::end_list_at(std::int64_t end) {
    if (end >= end_offset_) {
        return;
    }
    end_offset_ = end;
    next_offset_ = std::min(next_offset_, end);
    open_end_ = false;
    pages_.erase(pages_.lower_bound(end), pages_.end());
    in_flight_ -= requests_.withdraw(end);
}

void ClusterPager::accept_total(std::int64_t total) {
    if (!total_) {
        total_ = total;
        return;
    }
    if (total <= *total_) {
        return;  // the list shrank, or an answer from before it grew: keep the larger
    }
    // Backups appeared while paging: follow them, a bounded number of times.
    if (++growth_rounds_ > bounds_.max_growth_rounds) {
        return;
    }
    repeat_allowance_ += total - *total_;
    total_ = total;
    if (total > end_offset_) {
        end_offset_ = kUnbounded;  // the list now goes on past where a short page ended it
    }
}

// Judges a short page, now that every page before it is in; false when that failed the cluster.
bool ClusterPager::judge_short_page(std::int64_t offset, const PlannedPage& page) {
    const auto received = static_cast<std::int64_t>(page.backups->size());
    const std::int64_t end = offset + received;
    if (end >= end_offset_ || !says_more(page, end)) {
        return true;  // the end, as decided when it arrived
    }
    if (received < largest_full_ || (received == 0 && !page.rest)) {
        // The server gives more than this when it has them, or gave nothing at all here (as in
        // the API document's example, an empty page with a TotalCount): the list ends here,
        // and TotalCount is wrong.
        end_list_at(end);
        return true;
    }
    if (received == 0) {
        fail(paging_error(fmt::format(
            "TotalCount says {} backups, but the page at offset {} came back empty ({} backups "
            "in {} requests)",
            page.total.value_or(total_.value_or(0)), offset, delivered_, sent_)));
        return false;
    }
    // Perhaps the server pages by fewer than Limit: ask for the rest from where this page
    // ended. If that comes back empty, the pages and TotalCount cannot be reconciled.
    if (!request(end, page.limit - received, true)) {
        ceiling_blocked_rest_ = true;
    }
    return true;
}

// Judges one page, the next in list order, and passes on what it brings that is new; false
// when that failed the cluster.
bool ClusterPager::hand_on_page(std::int64_t offset, PlannedPage& page,
                                const std::function<void(std::vector<BackupObject>&&)>& deliver) {
    auto& backups = *page.backups;
    const auto received = static_cast<std::int64_t>(backups.size());
    if (received >= page.limit) {
        largest_full_ = std::max(largest_full_, page.limit);
    } else if (!judge_short_page(offset, page)) {
        return false;
    }
    const bool due = delivered_ < wanted_;
    std::vector<BackupObject> fresh;
    fresh.reserve(backups.size());
    for (auto& backup : backups) {
        if (delivered_ + static_cast<std::int64_t>(fresh.size()) >= wanted_) {
            break;
        }
        // Seen on an earlier page: the list shifted down between requests.
        if (!seen_.insert(dedupe_key(backup))) {
            continue;
        }
        fresh.push_back(std::move(backup));
    }
    if (due && received > 0 && fresh.empty()) {
        if (received > repeat_allowance_) {
            fail(paging_error(
                fmt::format("the pages repeat: the page at offset {} holds only backups already "
                            "received ({} backups in {} requests, {})",
                            offset, delivered_, sent_, total_text(total_))));
            return false;
        }
        repeat_allowance_ -= received;  // the list shifted down by a whole page
    }
    const std::int64_t end = offset + page.limit;
    if (received >= page.limit && end == next_offset_ && (!total_ || end > *total_)) {
        // The furthest page, full, past what TotalCount promised (or without one): the list
        // goes on. Asked for only now, once the page proved to be new.
        open_end_ = true;
    }
    delivered_ += static_cast<std::int64_t>(fresh.size());
    if (!fresh.empty()) {
        deliver(std::move(fresh));
    }
    return true;
}

void ClusterPager::hand_on(const std::function<void(std::vector<BackupObject>&&)>& deliver) {
    while (!failure_ && !pages_.empty() && pages_.begin()->second.backups) {
        auto node = pages_.extract(pages_.begin());
        if (!hand_on_page(node.key(), node.mapped(), deliver)) {
            return;
        }
        plan();
    }
}

bool ClusterPager::done() {
    if (failure_) {
        return true;
    }
    if (in_flight_ > 0 || !pages_.empty()) {
        return false;
    }
    plan();
    if (in_flight_ > 0) {
        return false;
    }
    if (ceiling_blocked_plan_ || ceiling_blocked_rest_) {
        fail(make_error(ErrorKind::Response,
                        fmt::format("stopped after {} requests ({} backups, {}): more pages than "
                                    "any cluster has",
                                    sent_, delivered_, total_text(total_)),
                        "a cluster has a few thousand backups at most; --limit N lists the "
                        "newest N"));
    }
    seen_.clear();  // done with
    return true;
}

}  // namespace tidb_backups
