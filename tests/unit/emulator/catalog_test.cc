// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/signer.h"
#include "emulator/catalog.h"

using tidb_backups::BackupObject;
using tidb_backups::emulator::Catalog;
using tidb_backups::emulator::CatalogOptions;

namespace {

constexpr std::int64_t kNow = 1764216000;  // 2025-11-27 04:00:00 UTC

CatalogOptions options(std::int64_t default_count = 8) {
    CatalogOptions result;
    result.default_count = default_count;
    result.now = kNow;
    return result;
}

std::int64_t start_of(const BackupObject& backup) {
    return backup["BackupStartTime"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("the same options give the same backups", "[catalog]") {
    Catalog first(options());
    Catalog second(options());
    CHECK(first.backups("MlaMfzgZ") == second.backups("MlaMfzgZ"));
    CHECK(first.backups("MlaMfzgZ") != first.backups("other"));
}

TEST_CASE("backups have the documented keys, then BackupName, in order", "[catalog]") {
    const std::vector<std::string> expected = {"BackupId",   "BackupStartTime", "BackupEndTime",
                                               "BackupSize", "State",           "BackupType",
                                               "BackupName"};
    for (const BackupObject& backup : Catalog(options()).backups("MlaMfzgZ")) {
        std::vector<std::string> keys;
        for (const auto& item : backup.items()) {
            keys.push_back(item.key());
        }
        CHECK(keys == expected);
        CHECK(backup["BackupId"].is_string());
        CHECK(backup["BackupStartTime"].is_number_integer());
        CHECK(backup["BackupEndTime"].is_number_integer());
        CHECK(backup["BackupSize"].is_number_integer());
        CHECK(backup["BackupName"].is_string());
    }
}

TEST_CASE("backups are newest first, a day apart, the newest three hours old", "[catalog]") {
    auto backups = Catalog(options(10)).backups("MlaMfzgZ");
    REQUIRE(backups.size() == 10);
    CHECK(start_of(backups.front()) == kNow - Catalog::kNewestAge);
    CHECK(backups.front()["State"] == "Success");
    for (std::size_t i = 1; i < backups.size(); ++i) {
        std::int64_t gap = start_of(backups[i - 1]) - start_of(backups[i]);
        CHECK(gap > 23 * 3600);
        CHECK(gap < 25 * 3600);
    }
}

TEST_CASE("backup values stay in their ranges", "[catalog]") {
    Catalog catalog(options(40));
    std::set<std::string> ids;
    int failed = 0;
    int manual = 0;
    int total = 0;
    for (std::string cluster : {"a", "b", "c", "MlaMfzgZ", "udb-x1"}) {
        for (const BackupObject& backup : catalog.backups(cluster)) {
            ++total;
            std::string id = backup["BackupId"];
            CHECK(id.size() == 13);
            CHECK(id.rfind("bk-", 0) == 0);
            CHECK(id.find_first_not_of("0123456789abcdef", 3) == std::string::npos);
            ids.insert(id);
            std::int64_t duration = backup["BackupEndTime"].get<std::int64_t>() - start_of(backup);
            CHECK(duration >= 5 * 60);
            CHECK(duration <= 90 * 60);
            CHECK(backup["BackupSize"].get<std::int64_t>() >= 500);
            CHECK(backup["BackupSize"].get<std::int64_t>() <= 60000);
            std::string state = backup["State"];
            CHECK((state == "Success" || state == "Failed"));
            failed += state == "Failed";
            std::string type = backup["BackupType"];
            CHECK((type == "Automatic" || type == "Manual"));
            manual += type == "Manual";
            std::string name = backup["BackupName"];
            CHECK(name.rfind(type == "Manual" ? "manual-" : "auto-", 0) == 0);
        }
    }
    CHECK(ids.size() == static_cast<std::size_t>(total));  // no two backups share an Id
    CHECK(failed > total * 3 / 100);
    CHECK(failed < total * 20 / 100);
    CHECK(manual > total * 10 / 100);
    CHECK(manual < total * 30 / 100);
}

TEST_CASE("a backup's Id depends only on the cluster Id and its serial", "[catalog]") {
    auto eight = Catalog(options(8)).backups("MlaMfzgZ");
    auto twelve = Catalog(options(12)).backups("MlaMfzgZ");
    // Serial 0 is the oldest, so it is last in both lists.
    CHECK(eight.back()["BackupId"] == twelve.back()["BackupId"]);
    CHECK(eight.back()["BackupId"] == "bk-" + tidb_backups::sha1_hex("MlaMfzgZ/0").substr(0, 10));
    CHECK(eight.front()["BackupId"] == "bk-" + tidb_backups::sha1_hex("MlaMfzgZ/7").substr(0, 10));
}

TEST_CASE("per-cluster counts override the default", "[catalog]") {
    CatalogOptions with_overrides = options(8);
    with_overrides.counts["empty"] = 0;
    with_overrides.counts["big"] = 45;
    Catalog catalog(with_overrides);
    CHECK(catalog.count("empty") == 0);
    CHECK(catalog.backups("empty").empty());
    CHECK(catalog.count("big") == 45);
    CHECK(catalog.backups("big").size() == 45);
    CHECK(catalog.count("other") == 8);
}

TEST_CASE("a page is the matching slice of the list", "[catalog]") {
    Catalog catalog(options(8));
    auto all = catalog.backups("MlaMfzgZ");
    CHECK(catalog.page("MlaMfzgZ", 0, 30) == all);
    CHECK(catalog.page("MlaMfzgZ", 7, 7) == std::vector<BackupObject>{all[7]});
    CHECK(catalog.page("MlaMfzgZ", 2, 3) ==
          std::vector<BackupObject>(all.begin() + 2, all.begin() + 5));
    CHECK(catalog.page("MlaMfzgZ", 8, 5).empty());
    CHECK(catalog.page("MlaMfzgZ", 100, 5).empty());
    CHECK(catalog.page("MlaMfzgZ", 0, 0).empty());
}

TEST_CASE("grown backups come first, are newer, and leave the others unchanged", "[catalog]") {
    Catalog catalog(options(8));
    auto before = catalog.backups("MlaMfzgZ");
    auto after = catalog.backups("MlaMfzgZ", 3);
    REQUIRE(after.size() == 11);
    CHECK(std::vector<BackupObject>(after.begin() + 3, after.end()) == before);
    CHECK(start_of(after[0]) > start_of(after[1]));
    CHECK(start_of(after[1]) > start_of(after[2]));
    CHECK(start_of(after[2]) > start_of(before[0]));
    for (int i = 0; i < 3; ++i) {
        CHECK(start_of(after[i]) <= kNow);
        CHECK(after[i]["BackupType"] == "Manual");
        bool running = after[i]["BackupEndTime"] == 0;
        CHECK(after[i]["State"] == (running ? "Running" : "Success"));
    }
    CHECK(catalog.page("MlaMfzgZ", 2, 2, 3) == std::vector<BackupObject>{after[2], after[3]});
}

TEST_CASE("a backup still running has no end time", "[catalog]") {
    Catalog catalog(options(1));
    // With many grown backups the newest starts minutes before now; find one that is running.
    bool saw_running = false;
    for (const BackupObject& backup : catalog.backups("MlaMfzgZ", 40)) {
        if (backup["State"] == "Running") {
            saw_running = true;
            CHECK(backup["BackupEndTime"] == 0);
            CHECK(start_of(backup) > kNow - 90 * 60);  // no backup takes longer
        } else {
            CHECK(backup["BackupEndTime"].get<std::int64_t>() <= kNow);
        }
    }
    CHECK(saw_running);
}

TEST_CASE("the oldest of the most backups a cluster may have is served, far in the past",
          "[catalog][bounds]") {
    constexpr std::int64_t kDay = 24 * 3600;
    Catalog catalog(options(tidb_backups::emulator::kMaxBackups));
    CHECK(catalog.count("x") == 100'000'000);
    auto oldest = catalog.page("x", 100'000'000 - 1, 30);
    REQUIRE(oldest.size() == 1);
    // One a day, the newest three hours before now, the others up to 40 minutes early.
    const std::int64_t on_time = kNow - 3 * 3600 - (100'000'000 - 1) * kDay;
    CHECK(start_of(oldest[0]) <= on_time);
    CHECK(start_of(oldest[0]) >= on_time - 40 * 60);
    CHECK(oldest[0]["BackupName"].get<std::string>().find("auto-") == 0);
}

TEST_CASE("counts, growth, offsets and clocks beyond the bounds overflow nothing",
          "[catalog][bounds]") {
    constexpr std::int64_t kHuge = std::numeric_limits<std::int64_t>::max();
    CatalogOptions huge = options(kHuge);
    huge.counts["negative"] = std::numeric_limits<std::int64_t>::min();
    huge.now = kHuge;
    Catalog catalog(huge);
    CHECK(catalog.count("x") == tidb_backups::emulator::kMaxBackups);
    CHECK(catalog.count("negative") == 0);
    CHECK(catalog.now() == tidb_backups::emulator::kMaxNow);

    auto newest = catalog.page("x", 0, 2, kHuge);
    REQUIRE(newest.size() == 2);
    CHECK(start_of(newest[0]) <= tidb_backups::emulator::kMaxNow);
    CHECK(start_of(newest[0]) >= start_of(newest[1]));
    CHECK(catalog.page("x", kHuge, kHuge, kHuge).empty());
    CHECK(catalog.page("x", kHuge - 1, kHuge).empty());
    CHECK(catalog.page("negative", std::numeric_limits<std::int64_t>::min(), kHuge).empty());
    CHECK(catalog.backup("x", kHuge, kHuge) == newest[0]);
    CHECK(catalog.backup("x", std::numeric_limits<std::int64_t>::min()) ==
          catalog.page("x", tidb_backups::emulator::kMaxBackups - 1, 1).at(0));
}
