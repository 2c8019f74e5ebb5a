#include <catch2/catch.hpp>

#include <set>

#include <fmt/format.h>

#include "core/pager.h"

using namespace tidb_backups;

namespace {

// A list of `count` backups "b0".."bN", newest first, served by offset and limit, with an
// optional number of newer backups inserted at the front after `grow_after` calls.
struct FakeList {
    explicit FakeList(int total) : count(total) {}

    int count = 0;
    int grow_after = -1;
    int grow_by = 0;
    bool send_total = true;
    std::vector<std::pair<std::int64_t, std::int64_t>> calls;

    Expected<BackupPage> operator()(std::int64_t offset, std::int64_t limit) {
        bool grown = grow_after >= 0 && static_cast<int>(calls.size()) >= grow_after;
        calls.emplace_back(offset, limit);
        std::vector<std::string> ids;
        if (grown) {
            for (int i = grow_by - 1; i >= 0; --i) {
                ids.push_back(fmt::format("new{}", i));
            }
        }
        for (int i = 0; i < count; ++i) {
            ids.push_back(fmt::format("b{}", i));
        }
        BackupPage page;
        for (std::int64_t i = offset;
             i < offset + limit && i < static_cast<std::int64_t>(ids.size()); ++i) {
            page.backups.push_back(BackupObject{{"BackupId", ids[static_cast<std::size_t>(i)]}});
        }
        if (send_total) {
            page.total_count = static_cast<std::int64_t>(ids.size());
        }
        return page;
    }
};

std::vector<std::string> ids_of(const std::vector<BackupObject>& backups) {
    std::vector<std::string> ids;
    for (const auto& b : backups) {
        ids.push_back(backup_id(b));
    }
    return ids;
}

}  // namespace

TEST_CASE("option --limit 7 --offset 7 is exactly one request Limit=7 Offset=7", "[pager]") {
    FakeList list(20);
    auto backups = fetch_window({7, 7, 30}, std::ref(list));
    REQUIRE(backups);
    CHECK(list.calls == std::vector<std::pair<std::int64_t, std::int64_t>>{{7, 7}});
    CHECK(ids_of(*backups).front() == "b7");
    CHECK(backups->size() == 7);
}

TEST_CASE("option --limit 40 --offset 5 returns backups 5..44 in two requests", "[pager]") {
    FakeList list(100);
    auto backups = fetch_window({40, 5, 30}, std::ref(list));
    REQUIRE(backups);
    CHECK(list.calls == std::vector<std::pair<std::int64_t, std::int64_t>>{{5, 30}, {35, 10}});
    REQUIRE(backups->size() == 40);
    CHECK(backup_id(backups->front()) == "b5");
    CHECK(backup_id(backups->back()) == "b44");
}

TEST_CASE("without --limit every page until TotalCount", "[pager]") {
    FakeList list(65);
    auto backups = fetch_window({std::nullopt, 0, 30}, std::ref(list));
    REQUIRE(backups);
    CHECK(list.calls.size() == 3);
    CHECK(backups->size() == 65);
}

TEST_CASE("an exact multiple of the page size stops on TotalCount without an empty request",
          "[pager]") {
    FakeList list(60);
    auto backups = fetch_window({std::nullopt, 0, 30}, std::ref(list));
    REQUIRE(backups);
    CHECK(list.calls.size() == 2);
    CHECK(backups->size() == 60);
}

TEST_CASE("without TotalCount paging stops at a short page", "[pager]") {
    FakeList list(45);
    list.send_total = false;
    auto backups = fetch_window({std::nullopt, 0, 30}, std::ref(list));
    REQUIRE(backups);
    CHECK(list.calls.size() == 2);
    CHECK(backups->size() == 45);
}

TEST_CASE("backups added while paging: nothing lost, nothing twice", "[pager]") {
    FakeList list(50);
    list.grow_after = 1;  // after the first page, three newer backups appear at the front
    list.grow_by = 3;
    auto backups = fetch_window({std::nullopt, 0, 10}, std::ref(list));
    REQUIRE(backups);
    auto ids = ids_of(*backups);
    CHECK(ids.size() == 50);
    std::set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == 50);
    CHECK(unique.count("b0") == 1);
    CHECK(unique.count("b49") == 1);
}

TEST_CASE("a TotalCount larger than what pages return does not loop forever", "[pager]") {
    int calls = 0;
    auto liar = [&](std::int64_t, std::int64_t) -> Expected<BackupPage> {
        ++calls;
        BackupPage page;
        page.total_count = 1000;
        return page;  // always empty
    };
    auto backups = fetch_window({std::nullopt, 0, 30}, liar);
    REQUIRE(backups);
    CHECK(backups->empty());
    CHECK(calls == 1);
}

TEST_CASE("an error on a later page is returned, not a partial list", "[pager]") {
    int calls = 0;
    FakeList list(90);
    auto flaky = [&](std::int64_t offset, std::int64_t limit) -> Expected<BackupPage> {
        if (++calls == 2) {
            return make_error(ErrorKind::Network, "boom");
        }
        return list(offset, limit);
    };
    auto backups = fetch_window({std::nullopt, 0, 30}, flaky);
    REQUIRE_FALSE(backups);
    CHECK(backups.error().message == "boom");
}

TEST_CASE("first_page_limit is the page size, or a smaller --limit", "[pager]") {
    CHECK(first_page_limit({std::nullopt, 0, 30}) == 30);
    CHECK(first_page_limit({7, 7, 30}) == 7);
    CHECK(first_page_limit({100, 0, 25}) == 25);
}
