// SPDX-License-Identifier: Apache-2.0
// The emulator's hostile pages, as a client receives them on the wire.
#include <catch2/catch.hpp>

#include "running_server.h"

using namespace tidb_backups::emulator;
using namespace tidb_backups::emulator::test;
using tidb_backups::BackupObject;

namespace {

// The raw body of a signed request for `limit` backups of cluster c1 from `offset`.
std::string raw_page(RunningServer& running, std::string limit, std::string offset) {
    auto client = running.client();
    auto result = post(client, signed_body(list_params("c1", std::move(limit), std::move(offset))));
    REQUIRE(result);
    REQUIRE(result->status == 200);
    return result->body;
}

std::vector<BackupObject> data_of(const std::string& body) {
    return nlohmann::ordered_json::parse(body).at("Data").get<std::vector<BackupObject>>();
}

ServerOptions with_backups(std::int64_t count) {
    ServerOptions options = test_options();
    options.catalog.default_count = count;
    return options;
}

}  // namespace

TEST_CASE("hostile: --page-cap answers at most N backups whatever Limit says",
          "[server][hostile]") {
    ServerOptions options = with_backups(100);
    options.hostile.page_cap = 20;
    RunningServer running(options);
    auto body = nlohmann::ordered_json::parse(raw_page(running, "30", "10"));
    CHECK(body["TotalCount"] == 100);
    CHECK(body["Data"].get<std::vector<BackupObject>>() ==
          running.server().catalog().page("c1", 10, 20));
    CHECK(data_of(raw_page(running, "5", "0")).size() == 5);
}

TEST_CASE("hostile: --ignore-offset answers every request from the start", "[server][hostile]") {
    ServerOptions options = with_backups(40);
    options.hostile.ignore_offset = true;
    RunningServer running(options);
    CHECK(data_of(raw_page(running, "30", "30")) == running.server().catalog().page("c1", 0, 30));
}

TEST_CASE("hostile: --omit-backup-id leaves BackupId out and the rest as it was",
          "[server][hostile]") {
    ServerOptions options = with_backups(3);
    options.hostile.omit_backup_id = true;
    RunningServer running(options);
    auto expected = running.server().catalog().page("c1", 0, 3);
    for (auto& backup : expected) {
        backup.erase("BackupId");
    }
    CHECK(data_of(raw_page(running, "3", "0")) == expected);
}

TEST_CASE("hostile: --nest puts DEPTH nested arrays in place of a field", "[server][hostile]") {
    const std::string arrays = std::string(1000, '[') + std::string(1000, ']');
    for (const std::string field : {"BackupName", "RetCode", "TotalCount"}) {
        INFO(field);
        ServerOptions options = with_backups(2);
        options.hostile.nest_field = field;
        options.hostile.nest_depth = 1000;
        RunningServer running(options);
        std::string body = raw_page(running, "2", "0");
        std::size_t expected = field == "BackupName" ? 2 : 1;
        std::size_t found = 0;
        for (auto at = body.find("\"" + field + "\":" + arrays); at != std::string::npos;
             at = body.find("\"" + field + "\":" + arrays, at + 1)) {
            ++found;
        }
        CHECK(found == expected);
        CHECK(body.size() < 2 * 2000 + 1000);  // nothing else grew
    }
}

TEST_CASE("hostile: --huge-number sends BackupSize 2^64 as an integer", "[server][hostile]") {
    ServerOptions options = with_backups(2);
    options.hostile.huge_number = true;
    RunningServer running(options);
    std::string body = raw_page(running, "2", "0");
    CHECK(body.find("\"BackupSize\":18446744073709551616,") != std::string::npos);
    CHECK(body.find("@@") == std::string::npos);
}

TEST_CASE("hostile: --raw-retcode writes the RetCode of a page as given", "[server][hostile]") {
    ServerOptions options = with_backups(2);
    options.hostile.raw_ret_code = "0.5";
    SECTION("as a number") {}
    SECTION("even where RetCode is sent as a string") {
        options.ret_code_as_string = true;
    }
    RunningServer running(options);
    std::string body = raw_page(running, "2", "0");
    CHECK(body.rfind(R"({"Action":"ListTiDBClusterBackupResponse","RetCode":0.5,"TotalCount":2,)",
                     0) == 0);
    // Errors keep their own RetCode.
    auto client = running.client();
    auto error = post_json(client, signed_body(list_params("c1", "31")));
    CHECK(error["RetCode"] == (options.ret_code_as_string ? nlohmann::ordered_json("230")
                                                          : nlohmann::ordered_json(230)));
}

TEST_CASE("hostile: --lone-surrogate sends an unpaired surrogate escape (U+D800) in BackupName",
          "[server][hostile]") {
    ServerOptions options = with_backups(1);
    options.hostile.lone_surrogate = true;
    RunningServer running(options);
    std::string body = raw_page(running, "1", "0");
    CHECK(body.find(R"("BackupName":"lone \ud800 surrogate, escaped \\ud800")") !=
          std::string::npos);
}

TEST_CASE("hostile: --time-unit ms sends both times in milliseconds", "[server][hostile]") {
    ServerOptions options = with_backups(3);
    options.hostile.milliseconds = true;
    RunningServer running(options);
    auto expected = running.server().catalog().page("c1", 0, 3);
    for (auto& backup : expected) {
        backup["BackupStartTime"] = backup["BackupStartTime"].get<std::int64_t>() * 1000;
        backup["BackupEndTime"] = backup["BackupEndTime"].get<std::int64_t>() * 1000;
    }
    CHECK(data_of(raw_page(running, "3", "0")) == expected);
}

TEST_CASE("hostile: --future-backup dates the newest backup ahead of the clock",
          "[server][hostile]") {
    ServerOptions options = with_backups(3);
    options.hostile.future_backup = 86400;
    RunningServer running(options);
    auto regular = running.server().catalog().page("c1", 0, 3);
    auto page = data_of(raw_page(running, "3", "0"));
    REQUIRE(page.size() == 3);
    CHECK(page[0]["BackupId"] == regular[0]["BackupId"]);
    CHECK(page[0]["BackupStartTime"] == kNow + 86400);
    CHECK(page[0]["BackupEndTime"] == kNow + 86400 + 600);
    CHECK(page[0]["State"] == "Success");
    CHECK(page[1] == regular[1]);
    // Only the newest of the list, not the first of every page.
    CHECK(data_of(raw_page(running, "1", "1")) == std::vector<BackupObject>{regular[1]});
}
