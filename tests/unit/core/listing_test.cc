// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "core/listing.h"

using namespace tidb_backups;

namespace {

using Call = std::pair<std::int64_t, std::int64_t>;  // offset, limit

// A backend of `count` backups per cluster ("<cluster>-b0" newest first), shared by every
// source the factory makes, recording each call. After `grow_after` calls, `grow_by` newer
// backups appear at the front of every list. The other knobs make it misbehave the ways a
// broken or hostile server does.
struct FakeBackend {
    explicit FakeBackend(std::int64_t total) : count(total) {}

    std::int64_t count;
    int grow_after = -1;
    int grow_by = 0;
    bool send_total = true;
    std::optional<std::int64_t> lie_total;  // TotalCount to report instead of the truth
    std::optional<std::int64_t> page_cap;   // at most this many backups a page, whatever Limit
    bool ignore_offset = false;             // every request answered as Offset 0
    bool omit_ids = false;                  // backups without BackupId (the names still differ)
    std::set<std::string> failing_clusters;
    std::mutex mutex;
    std::vector<std::pair<std::string, Call>> calls;
    std::atomic<int> sources{0};

    Expected<BackupPage> fetch(const std::string& cluster, std::int64_t offset,
                               std::int64_t limit) {
        std::lock_guard lock(mutex);
        bool grown = grow_after >= 0 && static_cast<int>(calls.size()) >= grow_after;
        calls.push_back({cluster, {offset, limit}});
        if (failing_clusters.count(cluster) > 0) {
            return make_error(ErrorKind::Api, "cluster " + cluster + " is broken");
        }
        const std::int64_t added = grown ? grow_by : 0;
        const std::int64_t size = added + count;
        if (ignore_offset) {
            offset = 0;
        }
        if (page_cap) {
            limit = std::min(limit, *page_cap);
        }
        BackupPage page;
        for (std::int64_t i = offset; i < offset + limit && i < size; ++i) {
            // Built lazily: a test may claim millions of backups.
            std::string id = i < added ? fmt::format("{}-new{}", cluster, added - i)
                                       : fmt::format("{}-b{}", cluster, i - added);
            page.backups.push_back(omit_ids ? BackupObject{{"BackupName", id}}
                                            : BackupObject{{"BackupId", id}});
        }
        if (lie_total) {
            page.total_count = lie_total;
        } else if (send_total) {
            page.total_count = size;
        }
        return page;
    }

    std::vector<Call> calls_of(const std::string& cluster) {
        std::vector<Call> of;
        for (const auto& [name, call] : calls) {
            if (name == cluster) {
                of.push_back(call);
            }
        }
        std::sort(of.begin(), of.end());
        return of;
    }
};

class FakeSource final : public PageSource {
  public:
    explicit FakeSource(FakeBackend& backend) : backend_(backend) {}
    Expected<BackupPage> fetch(const ClusterRef& cluster, std::int64_t offset,
                               std::int64_t limit) override {
        return backend_.fetch(cluster.id, offset, limit);
    }

  private:
    FakeBackend& backend_;
};

struct Collector final : ListingObserver {
    std::vector<std::vector<std::string>> ids;
    std::vector<std::string> events;

    std::vector<Error> failures;

    void backups(std::size_t cluster, std::vector<BackupObject>&& page) override {
        events.push_back(fmt::format("page {}", cluster));
        ids.resize(std::max(ids.size(), cluster + 1));
        for (const auto& backup : page) {
            std::string id = backup_id(backup);
            ids[cluster].push_back(id.empty() ? field_text(backup, "BackupName") : id);
        }
    }
    void cluster_finished(std::size_t cluster) override {
        events.push_back(fmt::format("done {}", cluster));
    }
    void cluster_failed(std::size_t cluster, const Error& error) override {
        events.push_back(fmt::format("failed {}: {}", cluster, error.message));
        failures.push_back(error);
    }
};

struct Run {
    Collector collector;
    Status status = ok();
};

Run list(FakeBackend& backend, std::vector<std::string> clusters, PageWindow window,
         int concurrency = 8, std::int64_t max_requests = kMaxRequestsPerCluster) {
    Run run;
    ListingOptions options;
    options.window = window;
    options.concurrency = concurrency;
    options.max_requests_per_cluster = max_requests;
    PageSourceFactory factory = [&backend]() -> std::unique_ptr<PageSource> {
        ++backend.sources;
        return std::make_unique<FakeSource>(backend);
    };
    std::vector<ClusterRef> refs;
    for (const auto& id : clusters) {
        refs.push_back(ClusterRef{id, "cn-zj"});
    }
    run.status = run_listing(refs, options, factory, run.collector);
    return run;
}

std::vector<std::string> expected_ids(const std::string& cluster, std::int64_t from,
                                      std::int64_t to) {
    std::vector<std::string> ids;
    for (std::int64_t i = from; i < to; ++i) {
        ids.push_back(fmt::format("{}-b{}", cluster, i));
    }
    return ids;
}

}  // namespace

TEST_CASE("limit 7 offset 7 is exactly one request Limit=7 Offset=7", "[listing]") {
    FakeBackend backend(20);
    auto run = list(backend, {"c"}, {7, 7, 30});
    REQUIRE(run.status);
    CHECK(backend.calls_of("c") == std::vector<Call>{{7, 7}});
    CHECK(run.collector.ids[0] == expected_ids("c", 7, 14));
}

TEST_CASE("limit 40 offset 5 returns backups 5..44 in two requests", "[listing]") {
    FakeBackend backend(100);
    auto run = list(backend, {"c"}, {40, 5, 30});
    REQUIRE(run.status);
    CHECK(backend.calls_of("c") == std::vector<Call>{{5, 30}, {35, 10}});
    CHECK(run.collector.ids[0] == expected_ids("c", 5, 45));
}

TEST_CASE("without a limit every page up to TotalCount, in order, whatever the concurrency",
          "[listing]") {
    for (int concurrency : {1, 2, 8}) {
        INFO("concurrency " << concurrency);
        FakeBackend backend(301);
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, concurrency);
        REQUIRE(run.status);
        CHECK(backend.calls.size() == 11);
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 301));
        CHECK(backend.sources <= concurrency);
    }
}

TEST_CASE("concurrency 1 is strictly sequential: one source, pages in offset order", "[listing]") {
    FakeBackend backend(95);
    auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, 1);
    REQUIRE(run.status);
    CHECK(backend.sources == 1);
    std::vector<std::int64_t> offsets;
    for (const auto& [cluster, call] : backend.calls) {
        offsets.push_back(call.first);
    }
    CHECK(offsets == std::vector<std::int64_t>{0, 30, 60, 90});
}

TEST_CASE("an exact multiple of the page size needs no empty request", "[listing]") {
    FakeBackend backend(60);
    auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
    REQUIRE(run.status);
    CHECK(backend.calls.size() == 2);
}

TEST_CASE("without TotalCount pages are fetched one after another until a short page",
          "[listing]") {
    FakeBackend backend(45);
    backend.send_total = false;
    auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
    REQUIRE(run.status);
    CHECK(backend.calls_of("c") == std::vector<Call>{{0, 30}, {30, 30}});
    CHECK(run.collector.ids[0].size() == 45);
}

TEST_CASE("backups added while paging: nothing lost, nothing twice", "[listing]") {
    for (int concurrency : {1, 4}) {
        INFO("concurrency " << concurrency);
        FakeBackend backend(50);
        backend.grow_after = 1;
        backend.grow_by = 3;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 10}, concurrency);
        REQUIRE(run.status);
        const auto& ids = run.collector.ids[0];
        std::set<std::string> unique(ids.begin(), ids.end());
        CHECK(unique.size() == ids.size());
        for (const auto& id : expected_ids("c", 0, 50)) {
            CHECK(unique.count(id) == 1);
        }
    }
}

TEST_CASE("duplicates dropped under a limit are made up by another request", "[listing]") {
    FakeBackend backend(50);
    backend.grow_after = 1;
    backend.grow_by = 2;
    auto run = list(backend, {"c"}, {20, 0, 10}, 1);
    REQUIRE(run.status);
    const auto& ids = run.collector.ids[0];
    CHECK(ids.size() == 20);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 20);
}

TEST_CASE("a TotalCount larger than honest pages return ends at the short page", "[listing]") {
    for (int concurrency : {1, 8}) {
        INFO("concurrency " << concurrency);
        FakeBackend backend(40);
        backend.lie_total = 1000000;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, concurrency);
        REQUIRE(run.status);
        // A full page first: the server gives 30 when it has them, so 10 is the end.
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 40));
        CHECK(run.collector.failures.empty());
        // The first page, then at most the pages planned ahead (two per worker).
        CHECK(backend.calls.size() <= static_cast<std::size_t>(1 + 2 * concurrency));
    }
}

TEST_CASE("several clusters come out in the order given", "[listing]") {
    FakeBackend backend(35);
    auto run = list(backend, {"zeta", "alpha", "mid"}, {std::nullopt, 0, 30}, 4);
    REQUIRE(run.status);
    REQUIRE(run.collector.ids.size() == 3);
    CHECK(run.collector.ids[0] == expected_ids("zeta", 0, 35));
    CHECK(run.collector.ids[1] == expected_ids("alpha", 0, 35));
    CHECK(run.collector.ids[2] == expected_ids("mid", 0, 35));
    CHECK(run.collector.events.back() == "done 2");
}

TEST_CASE("a failing cluster is reported in its place and the others still list", "[listing]") {
    FakeBackend backend(3);
    backend.failing_clusters = {"bad"};
    auto run = list(backend, {"a", "bad", "c"}, {std::nullopt, 0, 30});
    REQUIRE(run.status);
    CHECK(run.collector.events == std::vector<std::string>{"page 0", "done 0",
                                                           "failed 1: cluster bad is broken",
                                                           "page 2", "done 2"});
}

TEST_CASE("cancellation stops a listing whose requests hang", "[listing]") {
    struct Hanging final : PageSource {
        Cancellation& cancellation;
        explicit Hanging(Cancellation& c) : cancellation(c) {}
        Expected<BackupPage> fetch(const ClusterRef&, std::int64_t, std::int64_t) override {
            cancellation.cancel();  // Ctrl-C arrives while the request is in flight
            while (!aborted) {
                std::this_thread::yield();
            }
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
        void abort() override { aborted = true; }
        std::atomic<bool> aborted{false};
    };
    Cancellation cancellation;
    Collector collector;
    ListingOptions options;
    PageSourceFactory factory = [&]() -> std::unique_ptr<PageSource> {
        return std::make_unique<Hanging>(cancellation);
    };
    Status status = run_listing({{"a", ""}, {"b", ""}}, options, factory, collector, &cancellation);
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Interrupted);
    CHECK(collector.events.empty());
}

TEST_CASE("first_page_limit is the page size, or a smaller limit", "[listing]") {
    CHECK(first_page_limit({std::nullopt, 0, 30}) == 30);
    CHECK(first_page_limit({7, 7, 30}) == 7);
    CHECK(first_page_limit({100, 0, 25}) == 25);
}

namespace {

// The one failure of a run's only cluster, or a test failure.
Error only_failure(const Run& run) {
    REQUIRE(run.collector.failures.size() == 1);
    return run.collector.failures[0];
}

}  // namespace

TEST_CASE("a server that pages by 20 under Limit 30 is asked again where each page ended",
          "[listing][hostile]") {
    for (int concurrency : {1, 3, 8}) {
        INFO("concurrency " << concurrency);
        FakeBackend backend(100);
        backend.page_cap = 20;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, concurrency);
        REQUIRE(run.status);
        CHECK(run.collector.failures.empty());
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 100));
        // No request twice, none past the end.
        auto calls = backend.calls_of("c");
        CHECK(std::set<Call>(calls.begin(), calls.end()).size() == calls.size());
        for (const auto& [offset, limit] : calls) {
            CHECK(offset < 100);
        }
    }
}

TEST_CASE("a capped page under --limit still returns exactly the window", "[listing][hostile]") {
    FakeBackend backend(100);
    backend.page_cap = 20;
    auto run = list(backend, {"c"}, {45, 5, 30});
    REQUIRE(run.status);
    CHECK(run.collector.ids[0] == expected_ids("c", 5, 50));
    // The rest of the short first page, then the rest of the window: nothing twice, nothing past.
    CHECK(backend.calls_of("c") == std::vector<Call>{{5, 30}, {25, 10}, {35, 15}});
}

TEST_CASE("empty pages while TotalCount says more fail the cluster, saying what was seen",
          "[listing][hostile]") {
    SECTION("a short first page, then nothing") {
        FakeBackend backend(20);
        backend.page_cap = 20;
        backend.lie_total = 100;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
        REQUIRE(run.status);
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 20));  // streamed before the failure
        Error error = only_failure(run);
        CHECK(error.kind == ErrorKind::Response);
        CHECK(error.message.rfind("TotalCount says 100 backups, but the page at offset 20 came "
                                  "back empty (20 backups in ",
                                  0) == 0);
        CHECK(backend.calls.size() <= 2 + 2 * 8);
    }
    SECTION("five backups while TotalCount says a million") {
        FakeBackend backend(5);
        backend.lie_total = 1000000;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
        REQUIRE(run.status);
        CHECK(only_failure(run).message.rfind(
                  "TotalCount says 1000000 backups, but the page at offset 5 came back empty", 0) ==
              0);
        CHECK(backend.calls.size() <= 2 + 2 * 8);
    }
}

TEST_CASE("an empty first page is an empty list, as in the API document's example",
          "[listing][hostile]") {
    // Limit=7&Offset=7 answered with no backups and TotalCount 8.
    FakeBackend backend(7);
    backend.lie_total = 8;
    auto run = list(backend, {"c"}, {7, 7, 30});
    REQUIRE(run.status);
    CHECK(run.collector.failures.empty());
    CHECK(run.collector.events == std::vector<std::string>{"done 0"});
    CHECK(backend.calls_of("c") == std::vector<Call>{{7, 7}});
}

TEST_CASE("a full page past TotalCount is not the end", "[listing][hostile]") {
    for (int concurrency : {1, 8}) {
        INFO("concurrency " << concurrency);
        FakeBackend backend(100);
        backend.lie_total = 50;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, concurrency);
        REQUIRE(run.status);
        CHECK(run.collector.failures.empty());
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 100));
        CHECK(backend.calls_of("c") == std::vector<Call>{{0, 30}, {30, 30}, {60, 30}, {90, 30}});
    }
}

TEST_CASE("a server that ignores Offset is caught by its repeating pages", "[listing][hostile]") {
    SECTION("with an endless TotalCount") {
        FakeBackend backend(1000);
        backend.ignore_offset = true;
        backend.lie_total = std::int64_t{1} << 62;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
        REQUIRE(run.status);
        Error error = only_failure(run);
        CHECK(error.kind == ErrorKind::Response);
        CHECK(error.message.rfind("the pages repeat: the page at offset 30 holds only backups "
                                  "already received (30 backups in ",
                                  0) == 0);
        CHECK(error.message.find("TotalCount says 4611686018427387904") != std::string::npos);
        CHECK(backend.calls.size() <= 2 + 2 * 8);
    }
    SECTION("without TotalCount or BackupIds") {
        FakeBackend backend(1000);
        backend.ignore_offset = true;
        backend.send_total = false;
        backend.omit_ids = true;
        auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
        REQUIRE(run.status);
        CHECK(run.collector.ids[0] == expected_ids("c", 0, 30));
        CHECK(only_failure(run).message ==
              "the pages repeat: the page at offset 30 holds only backups already received (30 "
              "backups in 2 requests, no TotalCount)");
        CHECK(backend.calls.size() == 2);
    }
}

TEST_CASE("backups without a BackupId are told apart by their content", "[listing][hostile]") {
    FakeBackend backend(70);
    backend.omit_ids = true;
    backend.grow_after = 1;
    backend.grow_by = 3;
    auto run = list(backend, {"c"}, {std::nullopt, 0, 30}, 1);
    REQUIRE(run.status);
    CHECK(run.collector.failures.empty());
    const auto& names = run.collector.ids[0];
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const auto& name : expected_ids("c", 0, 70)) {
        CHECK(std::count(names.begin(), names.end(), name) == 1);
    }
}

TEST_CASE("a list shifted by a whole page while paging is growth, not a repeat",
          "[listing][hostile]") {
    FakeBackend backend(50);
    backend.grow_after = 1;
    backend.grow_by = 10;  // the second page is exactly the first one again
    auto run = list(backend, {"c"}, {std::nullopt, 0, 10}, 1);
    REQUIRE(run.status);
    CHECK(run.collector.failures.empty());
    CHECK(run.collector.ids[0] == expected_ids("c", 0, 50));
}

TEST_CASE("new backups on every page stop at the ceiling of requests per cluster",
          "[listing][hostile]") {
    FakeBackend backend(std::int64_t{1} << 40);  // distinct ids for ever
    auto run = list(backend, {"c", "d"}, {std::nullopt, 0, 30}, 4, 50);
    REQUIRE(run.status);
    REQUIRE(run.collector.failures.size() == 2);
    CHECK(run.collector.failures[0].kind == ErrorKind::Response);
    CHECK(run.collector.failures[0].message ==
          "stopped after 50 requests (1500 backups, TotalCount says 1099511627776): more pages "
          "than any cluster has");
    CHECK(backend.calls_of("c").size() == 50);
    CHECK(backend.calls_of("d").size() == 50);
    CHECK(kMaxRequestsPerCluster == 10000);
}

TEST_CASE("a --limit bounds the work before the ceiling does", "[listing][hostile]") {
    FakeBackend backend(std::int64_t{1} << 40);
    auto run = list(backend, {"c"}, {300, 0, 30}, 4, 50);
    REQUIRE(run.status);
    CHECK(run.collector.failures.empty());
    CHECK(run.collector.ids[0] == expected_ids("c", 0, 300));
    CHECK(backend.calls.size() == 10);
}

TEST_CASE("while one cluster waits for a page those after it fetch at most twice the concurrency",
          "[listing]") {
    // Five pages a cluster. Cluster a's second page is held back until 16 pages of the clusters
    // after it were fetched; at --concurrency 8 no more than 2 x 8 = 16 may be, though 55 are
    // due, so that what waits for its turn stays small in a fleet of any size. (Seven workers
    // are free meanwhile: a scheduler without the bound is past 16 before the gate opens.)
    FakeBackend backend(150);
    struct Gate {
        std::mutex mutex;
        std::condition_variable changed;
        bool released = false;
        int later_fetches = 0;  // pages of clusters b..l fetched while a's page was held
    } gate;
    struct Gated final : PageSource {
        FakeBackend& backend;
        Gate& gate;
        Gated(FakeBackend& b, Gate& g) : backend(b), gate(g) {}
        Expected<BackupPage> fetch(const ClusterRef& cluster, std::int64_t offset,
                                   std::int64_t limit) override {
            std::unique_lock lock(gate.mutex);
            if (cluster.id == "a" && offset == 30) {
                gate.changed.wait(lock, [this] { return gate.released; });
            } else if (cluster.id != "a" && !gate.released) {
                ++gate.later_fetches;
                gate.changed.notify_all();
            }
            lock.unlock();
            return backend.fetch(cluster.id, offset, limit);
        }
    };
    ListingOptions options;
    options.concurrency = 8;
    PageSourceFactory factory = [&]() -> std::unique_ptr<PageSource> {
        return std::make_unique<Gated>(backend, gate);
    };
    const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f",
                                            "g", "h", "i", "j", "k", "l"};
    std::vector<ClusterRef> refs;
    for (const auto& name : names) {
        refs.push_back(ClusterRef{name, ""});
    }
    Collector collector;
    Status status = ok();
    std::thread listing([&] { status = run_listing(refs, options, factory, collector); });
    int fetched_while_held = 0;
    {
        std::unique_lock lock(gate.mutex);
        const bool reached = gate.changed.wait_for(lock, std::chrono::seconds(60),
                                                   [&] { return gate.later_fetches >= 16; });
        fetched_while_held = gate.later_fetches;
        gate.released = true;
        gate.changed.notify_all();
        CHECK(reached);
    }
    listing.join();
    CHECK(fetched_while_held == 16);
    REQUIRE(status);
    REQUIRE(collector.ids.size() == names.size());
    for (std::size_t c = 0; c < names.size(); ++c) {
        CHECK(collector.ids[c] == expected_ids(names[c], 0, 150));
    }
}
