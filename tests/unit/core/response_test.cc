#include <catch2/catch.hpp>

#include "core/response.h"

using namespace tidb_backups;

TEST_CASE("Data as an array gives backups in order with unknown fields kept", "[response]") {
    auto page = parse_backup_page(R"({"RetCode":0,"TotalCount":2,"Data":[
        {"BackupId":"b1","BackupSize":10,"Extra":{"x":1}},{"BackupId":"b2"}]})");
    REQUIRE(page);
    REQUIRE(page->backups.size() == 2);
    CHECK(backup_id(page->backups[0]) == "b1");
    CHECK(page->backups[0]["Extra"]["x"] == 1);
    CHECK(page->backups[0].begin().key() == "BackupId");
    CHECK(page->total_count == 2);
}

TEST_CASE("Data as a single object is one backup", "[response]") {
    auto page = parse_backup_page(R"({"RetCode":0,"Data":{"BackupId":"only"}})");
    REQUIRE(page);
    REQUIRE(page->backups.size() == 1);
    CHECK(backup_id(page->backups[0]) == "only");
    CHECK_FALSE(page->total_count.has_value());
}

TEST_CASE("the document's example: BackupData as an empty object", "[response]") {
    auto page = parse_backup_page(
        R"({"Action":"ListTiDBClusterBackupResponse","BackupData":{},"RetCode":0,"TotalCount":8})");
    REQUIRE(page);
    CHECK(page->backups.empty());
    CHECK(page->total_count == 8);
}

TEST_CASE("BackupData as an array", "[response]") {
    auto page =
        parse_backup_page(R"({"RetCode":0,"BackupData":[{"BackupId":"x"},{"BackupId":"y"}]})");
    REQUIRE(page);
    CHECK(page->backups.size() == 2);
}

TEST_CASE("RetCode and TotalCount as strings", "[response]") {
    auto page = parse_backup_page(R"({"RetCode":"0","TotalCount":"31","Data":[]})");
    REQUIRE(page);
    CHECK(page->total_count == 31);
    auto failed = parse_backup_page(R"({"RetCode":"171","Message":"Signature VerifyAC Error"})");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == ErrorKind::Api);
    CHECK(failed.error().ret_code == 171);
}

TEST_CASE("RetCode != 0 is an API error with code and message", "[response]") {
    auto page = parse_backup_page(R"({"RetCode":230,"Message":"Params [Limit] not available"})");
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Api);
    CHECK(page.error().message == "API error RetCode 230: Params [Limit] not available");
    CHECK_FALSE(page.error().retryable);
}

TEST_CASE("rate limiting and server-side RetCodes are retryable, parameter errors are not",
          "[response]") {
    CHECK(is_retryable_ret_code(153));
    CHECK(is_retryable_ret_code(2000));
    CHECK(is_retryable_ret_code(5000));
    CHECK_FALSE(is_retryable_ret_code(171));
    CHECK_FALSE(is_retryable_ret_code(160));
    CHECK_FALSE(is_retryable_ret_code(230));
    CHECK_FALSE(is_retryable_ret_code(1999));
    auto page = parse_backup_page(R"({"RetCode":153,"Message":"slow down"})");
    REQUIRE_FALSE(page);
    CHECK(page.error().retryable);
}

TEST_CASE("bodies of the wrong shape are response errors", "[response]") {
    for (const char* body :
         {"", "<html>502 Bad Gateway</html>", "[1,2]", "\"text\"", "{\"Data\":[]}",
          R"({"RetCode":"zero"})", R"({"RetCode":0,"Data":"none"})", R"({"RetCode":0,"Data":[1]})",
          R"({"RetCode":0,"Data":[{"BackupId":"a"})"}) {
        INFO(body);
        auto page = parse_backup_page(body);
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Response);
    }
}

TEST_CASE("a missing Data, null Data and a negative TotalCount mean no backups and no total",
          "[response]") {
    auto missing = parse_backup_page(R"({"RetCode":0})");
    REQUIRE(missing);
    CHECK(missing->backups.empty());
    auto null_data = parse_backup_page(R"({"RetCode":0,"Data":null,"TotalCount":-5})");
    REQUIRE(null_data);
    CHECK(null_data->backups.empty());
    CHECK_FALSE(null_data->total_count.has_value());
}

TEST_CASE("an error message never carries raw control characters from the body", "[response]") {
    auto page = parse_backup_page("\x1b[2J not json");
    REQUIRE_FALSE(page);
    CHECK(page.error().message.find('\x1b') == std::string::npos);
}

TEST_CASE("bytes that are not UTF-8 inside strings are replaced, the page is kept", "[response]") {
    auto page = parse_backup_page(
        "{\"RetCode\":0,\"Data\":[{\"BackupId\":\"b\xff\xfe"
        "1\",\"BackupName\":\"x\\u001b[2J\"}]}");
    REQUIRE(page);
    REQUIRE(page->backups.size() == 1);
    CHECK(backup_id(page->backups[0]) ==
          "b\xEF\xBF\xBD\xEF\xBF\xBD"
          "1");
    CHECK(field_text(page->backups[0], "BackupName") == "x\x1b[2J");
}
