// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "render/text.h"

using namespace tidb_backups;

TEST_CASE("human_size_mb uses binary units", "[text]") {
    CHECK(human_size_mb(0) == "0 MiB");
    CHECK(human_size_mb(512) == "512 MiB");
    CHECK(human_size_mb(1229) == "1.2 GiB");
    CHECK(human_size_mb(20480) == "20 GiB");
    CHECK(human_size_mb(3 * 1024 * 1024) == "3.0 TiB");
}

TEST_CASE("human_duration", "[text]") {
    CHECK(human_duration(45) == "45s");
    CHECK(human_duration(725) == "12m05s");
    CHECK(human_duration(3720) == "1h02m");
    CHECK(human_duration(3 * 86400 + 4 * 3600) == "3d04h");
    CHECK(human_duration(-1) == "-");
}

TEST_CASE("human_time in UTC", "[text]") {
    CHECK(human_time(1764212400, true) == "2025-11-27 03:00");
}

TEST_CASE("display_width counts wide characters twice and invalid bytes once", "[text]") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("\xE5\xA4\x87\xE4\xBB\xBD") == 4);  // 备份
    CHECK(display_width("\xff") == 1);
}

TEST_CASE("truncate_to_width ends in an ellipsis within the width", "[text]") {
    CHECK(truncate_to_width("abcdef", 10) == "abcdef");
    CHECK(truncate_to_width("abcdef", 4) == "abc\xE2\x80\xA6");
    CHECK(display_width(truncate_to_width("\xE5\xA4\x87\xE4\xBB\xBD\xE5\xA4\x87", 4)) <= 4);
}

TEST_CASE("sanitize_for_terminal replaces C0, C1, DEL and invalid UTF-8", "[text]") {
    CHECK(sanitize_for_terminal("ok \xE5\xA4\x87") == "ok \xE5\xA4\x87");
    CHECK(sanitize_for_terminal("a\x1b"
                                "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(sanitize_for_terminal("\x7f") == "\xEF\xBF\xBD");
    CHECK(sanitize_for_terminal("\xc2\x85") == "\xEF\xBF\xBD");
    CHECK(sanitize_for_terminal("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST_CASE("sanitize_for_terminal replaces bidi controls and line separators", "[text]") {
    const char* const replaced[] = {
        "\xD8\x9C",                      // U+061C ALM
        "\xE2\x80\x8E", "\xE2\x80\x8F",  // U+200E LRM, U+200F RLM
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
        "\xE2\x80\xAE",                                                  // U+202A..U+202E
        "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",  // U+2066..U+2069
        "\xE2\x80\xA8", "\xE2\x80\xA9",                                  // U+2028, U+2029
    };
    for (const char* c : replaced) {
        INFO(c);
        CHECK(sanitize_for_terminal(std::string("a") + c + "b") ==
              "a\xEF\xBF\xBD"
              "b");
    }
    // Their neighbours are ordinary text and stay.
    for (const char* c : {"\xD8\x9B", "\xE2\x80\x8D", "\xE2\x80\xA7", "\xE2\x80\xAF",
                          "\xE2\x81\xA5", "\xE2\x81\xAA"}) {
        INFO(c);
        CHECK(sanitize_for_terminal(c) == c);
    }
}

TEST_CASE("escape_json_for_terminal escapes what dump leaves raw, and nothing else", "[text]") {
    // DEL, C1 U+009B, RLO U+202E, RLM U+200F, U+2028: escaped; é and 备 stay.
    const std::string raw =
        "{\"a\":\"x\x7f\xC2\x9B\xE2\x80\xAE\xE2\x80\x8F\xE2\x80\xA8 \xC3\xA9\xE5\xA4\x87\\u001b\"}";
    const std::string escaped =
        "{\"a\":\"x\\u007f\\u009b\\u202e\\u200f\\u2028 \xC3\xA9\xE5\xA4\x87\\u001b\"}";
    CHECK(escape_json_for_terminal(raw) == escaped);
    CHECK(nlohmann::json::parse(escaped) == nlohmann::json::parse(raw));
    CHECK(escape_json_for_terminal("[1,2]") == "[1,2]");
}
