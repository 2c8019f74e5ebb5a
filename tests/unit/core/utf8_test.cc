// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/utf8.h"

using namespace tidb_backups;

TEST_CASE("is_valid_utf8 and repair_utf8", "[utf8]") {
    CHECK(is_valid_utf8("plain \xE5\xA4\x87\xE4\xBB\xBD \xF0\x9F\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
    CHECK_FALSE(is_valid_utf8("\xE5\xA4"));      // cut short
    CHECK(repair_utf8("ok") == "ok");
    CHECK(repair_utf8("a\xff"
                      "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(repair_utf8("\xE5\xA4") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(is_valid_utf8(repair_utf8("\x80\x81\xfe\xff\xc3")));
}

TEST_CASE("decode_utf8 returns the code point and its length", "[utf8]") {
    char32_t c = 0;
    CHECK(decode_utf8("\xE5\xA4\x87", 0, c) == 3);
    CHECK(c == 0x5907);
    CHECK(decode_utf8("A", 0, c) == 1);
    CHECK(c == U'A');
    CHECK(decode_utf8("\xF4\x90\x80\x80", 0, c) == 0);  // past U+10FFFF
}

TEST_CASE("repair_json_surrogates replaces lone surrogate escapes inside strings only", "[utf8]") {
    CHECK_FALSE(repair_json_surrogates(R"({"a":"plain","b":"\u00e9\ud83d\ude00"})"));
    CHECK(repair_json_surrogates(R"(["\ud800"])") == R"(["\ufffd"])");
    CHECK(repair_json_surrogates(R"(["\uDC00x"])") == R"(["\ufffdx"])");
    CHECK(repair_json_surrogates(R"(["\ud800\ud800\udc00"])") == R"(["\ufffd\ud800\udc00"])");
    CHECK(repair_json_surrogates(R"(["\ud800\u0041"])") == R"(["\ufffd\u0041"])");
    // An escaped backslash followed by text, and escaped quotes, are not escapes of a surrogate.
    CHECK_FALSE(repair_json_surrogates(R"(["\\ud800","\"\\\\ud800"])"));
    CHECK(repair_json_surrogates(R"(["\\\ud800"])") == R"(["\\\ufffd"])");
    // Outside strings nothing is an escape; a cut-short escape is left for the parser to refuse.
    CHECK_FALSE(repair_json_surrogates(R"(\ud800)"));
    CHECK_FALSE(repair_json_surrogates(R"(["\ud8"])"));
    CHECK(repair_json_surrogates(R"(["\ud800)") == R"(["\ufffd)");
}
