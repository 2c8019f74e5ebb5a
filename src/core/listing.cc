#include "core/listing.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_set>

namespace tidb_backups {

namespace {

constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max();

struct Job {
    std::size_t cluster = 0;
    std::int64_t offset = 0;
    std::int64_t limit = 0;

    // Earlier clusters first, then earlier pages: output can stream while later work runs.
    bool operator<(const Job& other) const {
        return std::tie(cluster, offset) < std::tie(other.cluster, other.offset);
    }
};

struct Outcome {
    Job job;
    Expected<BackupPage> page;
};

// A page planned for a cluster, holding its backups once they arrive.
struct PlannedPage {
    std::int64_t limit = 0;
    std::optional<std::vector<BackupObject>> backups;
};

struct ClusterState {
    std::map<std::int64_t, PlannedPage> pages;  // planned, not yet handed on, by offset
    std::int64_t next_offset = 0;               // the first offset not planned yet
    std::int64_t end_offset = kUnbounded;       // a short page said the list ends here
    std::optional<std::int64_t> total;          // TotalCount, as far as it is believed
    std::int64_t planned_total = -1;            // the TotalCount pages were last planned for
    int growth_rounds = 0;
    std::int64_t delivered = 0;  // unique backups handed on
    std::int64_t received = 0;   // backups received, duplicates included
    std::int64_t in_flight = 0;  // jobs queued or running
    bool last_page_full = true;
    std::unordered_set<std::string> seen;
    std::optional<Error> failure;
};

class Scheduler {
  public:
    Scheduler(const std::vector<std::string>& ids, const ListingOptions& options,
              const PageSourceFactory& sources, ListingObserver& observer,
              Cancellation* cancellation)
        : ids_(ids),
          options_(options),
          sources_(sources),
          observer_(observer),
          cancellation_(cancellation),
          clusters_(ids.size()) {
        options_.concurrency = std::max(1, options_.concurrency);
        wanted_ = options_.window.limit.value_or(kUnbounded);
    }

    ~Scheduler() { shut_down(); }

    Status run() {
        std::size_t cancel_id = 0;
        if (cancellation_ != nullptr) {
            cancel_id = cancellation_->on_cancel([this] { on_cancel(); });
        }
        for (std::size_t c = 0; c < clusters_.size(); ++c) {
            enqueue(c, options_.window.offset, first_page_limit(options_.window));
        }
        Status status = ok();
        while (current_ < clusters_.size()) {
            std::deque<Outcome> outcomes;
            {
                std::unique_lock lock(mutex_);
                results_ready_.wait(lock, [this] { return !results_.empty() || cancelled_; });
                if (cancelled_) {
                    status = make_error(ErrorKind::Interrupted, "interrupted");
                    break;
                }
                outcomes.swap(results_);
            }
            for (auto& outcome : outcomes) {
                handle(std::move(outcome));
            }
            deliver();
            observer_.progress(progress());
        }
        if (cancellation_ != nullptr) {
            cancellation_->remove(cancel_id);
        }
        shut_down();
        return status;
    }

  private:
    void on_cancel() {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
        stopping_ = true;
        for (PageSource* source : active_sources_) {
            source->abort();
        }
        jobs_ready_.notify_all();
        results_ready_.notify_all();
    }

    void shut_down() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            queue_.clear();
            // What still runs belongs to a cluster that failed already: do not wait for it.
            for (PageSource* source : active_sources_) {
                source->abort();
            }
        }
        jobs_ready_.notify_all();
        for (auto& worker : workers_) {
            if (worker.joinable()) {
                worker.join();
            }
        }
        workers_.clear();
    }

    void worker_loop() {
        std::unique_ptr<PageSource> source;
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex_);
                ++idle_;
                jobs_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                --idle_;
                if (stopping_) {
                    break;
                }
                job = *queue_.begin();
                queue_.erase(queue_.begin());
            }
            if (!source) {
                source = sources_();
                std::lock_guard lock(mutex_);
                active_sources_.push_back(source.get());
                if (cancelled_) {
                    source->abort();
                }
            }
            Expected<BackupPage> page = source->fetch(ids_[job.cluster], job.offset, job.limit);
            {
                std::lock_guard lock(mutex_);
                results_.push_back(Outcome{job, std::move(page)});
            }
            results_ready_.notify_one();
        }
        if (source) {
            std::lock_guard lock(mutex_);
            std::erase(active_sources_, source.get());
        }
    }

    void enqueue(std::size_t cluster, std::int64_t offset, std::int64_t limit) {
        ClusterState& state = clusters_[cluster];
        state.pages.emplace(offset, PlannedPage{limit, std::nullopt});
        state.next_offset = offset + limit;
        ++state.in_flight;
        ++requests_;
        std::lock_guard lock(mutex_);
        queue_.insert(Job{cluster, offset, limit});
        // A worker (and its connection) is added only when none is free to take the job.
        if (static_cast<std::size_t>(idle_) < queue_.size() &&
            workers_.size() < static_cast<std::size_t>(options_.concurrency)) {
            workers_.emplace_back([this] { worker_loop(); });
        }
        jobs_ready_.notify_one();
    }

    // Room for backups in pages planned but not handed on, plus those handed on.
    std::int64_t capacity(const ClusterState& state) const {
        std::int64_t planned = state.delivered;
        for (const auto& [offset, page] : state.pages) {
            planned += page.backups ? static_cast<std::int64_t>(page.backups->size()) : page.limit;
        }
        return planned;
    }

    void plan(std::size_t cluster) {
        ClusterState& state = clusters_[cluster];
        if (state.failure) {
            return;
        }
        const std::int64_t page_size = options_.window.page_size;
        if (state.total) {
            // TotalCount known: plan every page up to it at once, for the workers to share.
            // Planned a few pages ahead of what the workers can take, not all at once: a TotalCount
            // that lies costs a few requests, not thousands, before a short page ends the list.
            std::int64_t bound = std::min(*state.total, state.end_offset);
            std::int64_t room = capacity(state);
            const std::int64_t ahead = 2 * static_cast<std::int64_t>(options_.concurrency);
            while (room < wanted_ && state.next_offset < bound && state.in_flight < ahead) {
                std::int64_t limit = std::min(page_size, wanted_ - room);
                room += limit;
                enqueue(cluster, state.next_offset, limit);
            }
            return;
        }
        // No TotalCount: one page at a time, until a short page.
        if (state.in_flight == 0 && state.pages.empty() && state.last_page_full &&
            state.next_offset < state.end_offset && state.delivered < wanted_) {
            enqueue(cluster, state.next_offset, std::min(page_size, wanted_ - state.delivered));
        }
    }

    void handle(Outcome&& outcome) {
        ClusterState& state = clusters_[outcome.job.cluster];
        --state.in_flight;
        if (state.failure) {
            return;  // a page of a cluster that already failed
        }
        if (!outcome.page) {
            state.failure = outcome.page.error();
            state.pages.clear();
            std::lock_guard lock(mutex_);
            std::erase_if(queue_, [&](const Job& job) {
                if (job.cluster != outcome.job.cluster) {
                    return false;
                }
                --state.in_flight;
                return true;
            });
            return;
        }
        BackupPage& page = outcome.page.value();
        auto received = static_cast<std::int64_t>(page.backups.size());
        state.received += received;
        if (received < outcome.job.limit) {
            // A short page ends the list, whatever TotalCount says: no endless paging.
            end_list_at(outcome.job.cluster, outcome.job.offset + received);
        }
        if (page.total_count) {
            accept_total(state, *page.total_count);
        }
        state.pages[outcome.job.offset].backups = std::move(page.backups);
        plan(outcome.job.cluster);
    }

    // Pages queued past the end of the list are not worth asking for any more.
    void end_list_at(std::size_t cluster, std::int64_t end) {
        ClusterState& state = clusters_[cluster];
        if (end >= state.end_offset) {
            return;
        }
        state.end_offset = end;
        std::lock_guard lock(mutex_);
        std::erase_if(queue_, [&](const Job& job) {
            if (job.cluster != cluster || job.offset < end) {
                return false;
            }
            state.pages.erase(job.offset);
            --state.in_flight;
            return true;
        });
    }

    void accept_total(ClusterState& state, std::int64_t total) {
        if (state.planned_total >= 0 && total > state.planned_total) {
            // Backups appeared while paging: follow them, a bounded number of times.
            if (++state.growth_rounds > options_.max_growth_rounds) {
                return;
            }
        }
        if (!state.total || total > *state.total || state.planned_total < 0) {
            state.total = total;
        }
        state.planned_total = std::max(state.planned_total, *state.total);
    }

    // Hands on, in order, every page that has arrived and has no gap before it.
    void deliver() {
        while (current_ < clusters_.size()) {
            ClusterState& state = clusters_[current_];
            if (state.failure) {
                observer_.cluster_failed(current_, *state.failure);
                ++current_;
                ++clusters_done_;
                continue;
            }
            while (!state.pages.empty() && state.pages.begin()->second.backups) {
                auto node = state.pages.extract(state.pages.begin());
                PlannedPage& planned = node.mapped();
                auto& backups = *planned.backups;
                state.last_page_full = static_cast<std::int64_t>(backups.size()) >= planned.limit;
                std::vector<BackupObject> fresh;
                fresh.reserve(backups.size());
                for (auto& backup : backups) {
                    if (state.delivered + static_cast<std::int64_t>(fresh.size()) >= wanted_) {
                        break;
                    }
                    std::string id = backup_id(backup);
                    // Seen on an earlier page: the list shifted down between requests.
                    if (!id.empty() && !state.seen.insert(std::move(id)).second) {
                        continue;
                    }
                    fresh.push_back(std::move(backup));
                }
                if (fresh.empty() && !backups.empty() && !state.total) {
                    state.last_page_full = false;  // a server repeating itself: stop asking
                }
                state.delivered += static_cast<std::int64_t>(fresh.size());
                if (!fresh.empty()) {
                    observer_.backups(current_, std::move(fresh));
                }
                plan(current_);
            }
            if (state.in_flight > 0 || !state.pages.empty()) {
                return;
            }
            plan(current_);
            if (state.in_flight > 0) {
                return;
            }
            observer_.cluster_finished(current_);
            ++current_;
            ++clusters_done_;
        }
    }

    ListingProgress progress() const {
        ListingProgress progress;
        progress.clusters = clusters_.size();
        progress.clusters_done = clusters_done_;
        progress.requests = requests_;
        for (const auto& state : clusters_) {
            progress.backups += state.received;
            if (state.total) {
                std::int64_t in_window =
                    std::max<std::int64_t>(0, *state.total - options_.window.offset);
                progress.expected += std::min(in_window, wanted_);
            }
        }
        return progress;
    }

    const std::vector<std::string>& ids_;
    ListingOptions options_;
    const PageSourceFactory& sources_;
    ListingObserver& observer_;
    Cancellation* cancellation_;
    std::int64_t wanted_ = kUnbounded;

    // Owned by the thread that called run().
    std::vector<ClusterState> clusters_;
    std::size_t current_ = 0;
    std::size_t clusters_done_ = 0;
    std::int64_t requests_ = 0;

    // Shared with the workers, under mutex_.
    std::mutex mutex_;
    std::condition_variable jobs_ready_;
    std::condition_variable results_ready_;
    std::set<Job> queue_;
    std::deque<Outcome> results_;
    std::vector<PageSource*> active_sources_;
    int idle_ = 0;
    bool stopping_ = false;
    bool cancelled_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace

Status run_listing(const std::vector<std::string>& cluster_ids, const ListingOptions& options,
                   const PageSourceFactory& sources, ListingObserver& observer,
                   Cancellation* cancellation) {
    Scheduler scheduler(cluster_ids, options, sources, observer, cancellation);
    return scheduler.run();
}

}  // namespace tidb_backups
