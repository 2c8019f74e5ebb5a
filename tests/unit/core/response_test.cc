// SPDX-License-Identifier: Apache-2.0
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

namespace {

// `depth` arrays nested in one another: "[[[...]]]".
std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

std::string page_with(std::string_view name, std::string_view raw_value) {
    return R"({"RetCode":0,"TotalCount":1,"Data":[{"BackupId":"b1",")" + std::string(name) +
           "\":" + std::string(raw_value) + "}]}";
}

}  // namespace

TEST_CASE("deep nesting anywhere in a page is refused before anything recurses", "[response]") {
    const std::string deep = nested_arrays(100000);  // 200 KB, far under the body cap
    const std::vector<std::string> bodies = {
        page_with("BackupName", deep),
        R"({"RetCode":)" + deep + R"(,"Data":[]})",
        R"({"RetCode":0,"TotalCount":)" + deep + R"(,"Data":[]})",
        deep,
    };
    for (const auto& body : bodies) {
        INFO(body.substr(0, 60));
        auto page = parse_backup_page(body);
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Response);
        CHECK(page.error().message ==
              "the response nests arrays and objects more than 64 levels deep");
    }
}

TEST_CASE("nesting up to the documented depth is kept as sent", "[response]") {
    // The page itself takes 3 levels (the response, Data, the backup).
    auto page = parse_backup_page(page_with("Extra", nested_arrays(kMaxJsonDepth - 3)));
    REQUIRE(page);
    CHECK(page->backups[0]["Extra"].dump() == nested_arrays(kMaxJsonDepth - 3));
    auto deeper = parse_backup_page(page_with("Extra", nested_arrays(kMaxJsonDepth - 2)));
    REQUIRE_FALSE(deeper);
    CHECK(deeper.error().kind == ErrorKind::Response);
}

TEST_CASE("integers past 64 bits are refused, naming the field and the value", "[response]") {
    auto page = parse_backup_page(page_with("BackupSize", "123456789012345678901234567890"));
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Response);
    CHECK(page.error().message ==
          "the response's BackupSize holds the integer 12345678901234567890... (30 digits), "
          "too large to keep exactly");

    auto negative = parse_backup_page(page_with("BackupSize", "-9223372036854775809"));
    REQUIRE_FALSE(negative);
    CHECK(negative.error().message ==
          "the response's BackupSize holds the integer -9223372036854775809, too large to keep "
          "exactly");

    auto in_array = parse_backup_page(page_with("Sizes", "[1,18446744073709551616]"));
    REQUIRE_FALSE(in_array);
    CHECK(in_array.error().message.find("Sizes holds the integer 18446744073709551616") !=
          std::string::npos);
}

TEST_CASE("integers at the edges of 64 bits, and floats, are kept exactly", "[response]") {
    auto page = parse_backup_page(page_with(
        "BackupSize", R"(18446744073709551615,"Low":-9223372036854775808,"Ratio":1.5,"E":1e20)"));
    REQUIRE(page);
    const auto& backup = page->backups[0];
    CHECK(backup.dump() ==
          R"({"BackupId":"b1","BackupSize":18446744073709551615,"Low":-9223372036854775808,)"
          R"("Ratio":1.5,"E":1e+20})");
}

TEST_CASE("RetCode must be an integer or a string of digits", "[response]") {
    for (const char* ret_code :
         {"0.5", "0.0", "1e0", "\"0.5\"", "\" 0\"", "\"\"", "true", "null", "[0]", "{}", "-0.5"}) {
        INFO(ret_code);
        auto page = parse_backup_page(std::string(R"({"RetCode":)") + ret_code + R"(,"Data":[]})");
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Response);
        CHECK(page.error().message.find("is not an integer") != std::string::npos);
    }
    CHECK(parse_backup_page(R"({"RetCode":"0","Data":[]})"));
    CHECK(parse_backup_page(R"({"RetCode":0,"Data":[]})"));
    auto api = parse_backup_page(R"({"RetCode":"153","Data":[]})");
    REQUIRE_FALSE(api);
    CHECK(api.error().ret_code == 153);
}

TEST_CASE("a fractional or absurd TotalCount is no TotalCount", "[response]") {
    for (const char* total : {"100.5", "1e300", "\"12x\"", "[]"}) {
        INFO(total);
        auto page = parse_backup_page(std::string(R"({"RetCode":0,"TotalCount":)") + total +
                                      R"(,"Data":[]})");
        REQUIRE(page);
        CHECK_FALSE(page->total_count.has_value());
    }
    auto whole = parse_backup_page(R"({"RetCode":0,"TotalCount":100.0,"Data":[]})");
    REQUIRE(whole);
    CHECK(whole->total_count == 100);
}

TEST_CASE("a lone surrogate escape becomes U+FFFD and the page is kept", "[response]") {
    auto page = parse_backup_page(
        R"({"RetCode":0,"Data":[{"BackupId":"a\ud800b","BackupName":"\\ud800",)"
        R"("Low":"\udc00","Pair":"\ud83d\ude00","Then":"\uD800\u0041","End":"\udbff"}]})");
    REQUIRE(page);
    REQUIRE(page->backups.size() == 1);
    const auto& backup = page->backups[0];
    CHECK(backup_id(backup) ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(field_text(backup, "BackupName") == "\\ud800");  // an escaped backslash, then text
    CHECK(field_text(backup, "Low") == "\xEF\xBF\xBD");
    CHECK(field_text(backup, "Pair") == "\xF0\x9F\x98\x80");
    CHECK(field_text(backup, "Then") ==
          "\xEF\xBF\xBD"
          "A");
    CHECK(field_text(backup, "End") == "\xEF\xBF\xBD");
}
