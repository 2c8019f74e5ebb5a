#include <catch2/catch.hpp>

#include <atomic>
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
// backups appear at the front of every list.
struct FakeBackend {
    explicit FakeBackend(int total) : count(total) {}

    int count;
    int grow_after = -1;
    int grow_by = 0;
    bool send_total = true;
    std::optional<std::int64_t> lie_total;  // TotalCount to report instead of the truth
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
        std::vector<std::string> ids;
        for (int i = grown ? grow_by : 0; i > 0; --i) {
            ids.push_back(fmt::format("{}-new{}", cluster, i));
        }
        for (int i = 0; i < count; ++i) {
            ids.push_back(fmt::format("{}-b{}", cluster, i));
        }
        BackupPage page;
        for (std::int64_t i = offset;
             i < offset + limit && i < static_cast<std::int64_t>(ids.size()); ++i) {
            page.backups.push_back(BackupObject{{"BackupId", ids[static_cast<std::size_t>(i)]}});
        }
        if (lie_total) {
            page.total_count = lie_total;
        } else if (send_total) {
            page.total_count = static_cast<std::int64_t>(ids.size());
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
    Expected<BackupPage> fetch(const std::string& cluster, std::int64_t offset,
                               std::int64_t limit) override {
        return backend_.fetch(cluster, offset, limit);
    }

  private:
    FakeBackend& backend_;
};

struct Collector final : ListingObserver {
    std::vector<std::vector<std::string>> ids;
    std::vector<std::string> events;

    void backups(std::size_t cluster, std::vector<BackupObject>&& page) override {
        events.push_back(fmt::format("page {}", cluster));
        ids.resize(std::max(ids.size(), cluster + 1));
        for (const auto& backup : page) {
            ids[cluster].push_back(backup_id(backup));
        }
    }
    void cluster_finished(std::size_t cluster) override {
        events.push_back(fmt::format("done {}", cluster));
    }
    void cluster_failed(std::size_t cluster, const Error& error) override {
        events.push_back(fmt::format("failed {}: {}", cluster, error.message));
    }
};

struct Run {
    Collector collector;
    Status status = ok();
};

Run list(FakeBackend& backend, std::vector<std::string> clusters, PageWindow window,
         int concurrency = 8) {
    Run run;
    ListingOptions options;
    options.window = window;
    options.concurrency = concurrency;
    PageSourceFactory factory = [&backend]() -> std::unique_ptr<PageSource> {
        ++backend.sources;
        return std::make_unique<FakeSource>(backend);
    };
    run.status = run_listing(clusters, options, factory, run.collector);
    return run;
}

std::vector<std::string> expected_ids(const std::string& cluster, int from, int to) {
    std::vector<std::string> ids;
    for (int i = from; i < to; ++i) {
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

TEST_CASE("a TotalCount larger than what pages return does not loop forever", "[listing]") {
    FakeBackend backend(5);
    backend.lie_total = 1000000;
    auto run = list(backend, {"c"}, {std::nullopt, 0, 30});
    REQUIRE(run.status);
    CHECK(run.collector.ids[0].size() == 5);
    CHECK(backend.calls.size() == 1);
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
        Expected<BackupPage> fetch(const std::string&, std::int64_t, std::int64_t) override {
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
    Status status = run_listing({"a", "b"}, options, factory, collector, &cancellation);
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Interrupted);
    CHECK(collector.events.empty());
}

TEST_CASE("first_page_limit is the page size, or a smaller limit", "[listing]") {
    CHECK(first_page_limit({std::nullopt, 0, 30}) == 30);
    CHECK(first_page_limit({7, 7, 30}) == 7);
    CHECK(first_page_limit({100, 0, 25}) == 25);
}
