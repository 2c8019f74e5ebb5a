#include <catch2/catch.hpp>

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
