// SPDX-License-Identifier: Apache-2.0
#include "core/listing.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "core/ahead_budget.h"

namespace tidb_backups {

namespace {

struct Job {
    std::size_t cluster = 0;
    std::int64_t offset = 0;
    std::int64_t limit = 0;
    std::uint64_t ticket = 0;  // which of the cluster's planned pages this asks for

    // Earlier clusters first, then earlier pages: output can stream while later work runs.
    bool operator<(const Job& other) const {
        return std::tie(cluster, offset, ticket) <
               std::tie(other.cluster, other.offset, other.ticket);
    }
};

// Pages a cluster may plan before they are handed on: two for each worker.
std::int64_t pages_ahead(int concurrency) {
    return 2 * static_cast<std::int64_t>(std::max(1, concurrency));
}

struct Outcome {
    Job job;
    Expected<BackupPage> page;
};

class Scheduler {
  public:
    Scheduler(const std::vector<ClusterRef>& ids, const ListingOptions& options,
              const PageSourceFactory& sources, ListingObserver& observer,
              Cancellation* cancellation)
        : ids_(ids),
          options_(options),
          sources_(sources),
          observer_(observer),
          cancellation_(cancellation),
          // As many pages of the clusters after the one being handed on as the current one may
          // plan: enough to keep every worker busy across cluster boundaries, few enough that
          // what waits for its turn stays small however many clusters there are.
          ahead_(ids.size(), pages_ahead(options.concurrency)) {
        options_.concurrency = std::max(1, options_.concurrency);
        PagingBounds bounds;
        bounds.ahead = pages_ahead(options_.concurrency);
        bounds.max_growth_rounds = options_.max_growth_rounds;
        bounds.max_requests = options_.max_requests_per_cluster;
        queues_.reserve(ids.size());
        pagers_.reserve(ids.size());
        for (std::size_t c = 0; c < ids.size(); ++c) {
            queues_.push_back(std::make_unique<ClusterQueue>(*this, c));
            pagers_.emplace_back(options_.window, bounds, *queues_.back());
        }
    }

    ~Scheduler() { shut_down(); }

    Status run() {
        std::size_t cancel_id = 0;
        if (cancellation_ != nullptr) {
            cancel_id = cancellation_->on_cancel([this] { on_cancel(); });
        }
        for (auto& pager : pagers_) {
            pager.start();
        }
        Status status = ok();
        while (current_ < pagers_.size()) {
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
                const Job& job = outcome.job;
                pagers_[job.cluster].receive(job.offset, job.limit, job.ticket,
                                             std::move(outcome.page));
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
    // One cluster's requests into the shared queue.
    class ClusterQueue final : public PageRequests {
      public:
        ClusterQueue(Scheduler& scheduler, std::size_t cluster)
            : scheduler_(scheduler), cluster_(cluster) {}
        void send(std::int64_t offset, std::int64_t limit, std::uint64_t ticket) override {
            scheduler_.enqueue(Job{cluster_, offset, limit, ticket});
        }
        std::int64_t withdraw(std::int64_t from) override {
            return scheduler_.withdraw(cluster_, from);
        }

      private:
        Scheduler& scheduler_;
        std::size_t cluster_;
    };

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
                jobs_ready_.wait(lock, [this] { return stopping_ || may_take_next(); });
                --idle_;
                if (stopping_) {
                    break;
                }
                job = *queue_.begin();
                queue_.erase(queue_.begin());
                ahead_.take(job.cluster);
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

    void enqueue(const Job& job) {
        ++requests_;
        std::lock_guard lock(mutex_);
        queue_.insert(job);
        // A worker (and its connection) is added only when none is free to take the job.
        if (static_cast<std::size_t>(idle_) < queue_.size() &&
            workers_.size() < static_cast<std::size_t>(options_.concurrency)) {
            workers_.emplace_back([this] { worker_loop(); });
        }
        jobs_ready_.notify_one();
    }

    // Under mutex_: whether a worker may take the first job in the queue.
    bool may_take_next() const {
        return !queue_.empty() && ahead_.may_take(queue_.begin()->cluster);
    }

    // Takes the jobs of `cluster` at `from` and after out of the queue; returns how many.
    std::int64_t withdraw(std::size_t cluster, std::int64_t from) {
        std::lock_guard lock(mutex_);
        return static_cast<std::int64_t>(std::erase_if(
            queue_, [&](const Job& job) { return job.cluster == cluster && job.offset >= from; }));
    }

    // Hands on what can be, in output order, and finishes each cluster that is complete.
    void deliver() {
        while (current_ < pagers_.size()) {
            ClusterPager& pager = pagers_[current_];
            pager.hand_on([this](std::vector<BackupObject>&& backups) {
                observer_.backups(current_, std::move(backups));
            });
            if (!pager.done()) {
                return;
            }
            if (pager.failure()) {
                observer_.cluster_failed(current_, *pager.failure());
            } else {
                observer_.cluster_finished(current_);
            }
            ++current_;
            ++clusters_done_;
            {
                std::lock_guard lock(mutex_);
                ahead_.advance_to(current_);
            }
            jobs_ready_.notify_all();
        }
    }

    ListingProgress progress() const {
        ListingProgress progress;
        progress.clusters = pagers_.size();
        progress.clusters_done = clusters_done_;
        progress.requests = requests_;
        const std::int64_t wanted =
            options_.window.limit.value_or(std::numeric_limits<std::int64_t>::max());
        for (const auto& pager : pagers_) {
            progress.backups += pager.received();
            if (pager.total()) {
                std::int64_t in_window =
                    std::max<std::int64_t>(0, *pager.total() - options_.window.offset);
                progress.expected += std::min(in_window, wanted);
            }
        }
        return progress;
    }

    const std::vector<ClusterRef>& ids_;
    ListingOptions options_;
    const PageSourceFactory& sources_;
    ListingObserver& observer_;
    Cancellation* cancellation_;

    // Owned by the thread that called run().
    std::vector<std::unique_ptr<ClusterQueue>> queues_;
    std::vector<ClusterPager> pagers_;
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
    AheadBudget ahead_;  // current_, as the workers see it, and what they took past it
    int idle_ = 0;
    bool stopping_ = false;
    bool cancelled_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace

Status run_listing(const std::vector<ClusterRef>& clusters, const ListingOptions& options,
                   const PageSourceFactory& sources, ListingObserver& observer,
                   Cancellation* cancellation) {
    Scheduler scheduler(clusters, options, sources, observer, cancellation);
    return scheduler.run();
}

}  // namespace tidb_backups
