// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/form.h"

using namespace tidb_backups;

TEST_CASE("percent_encode keeps only unreserved characters", "[form]") {
    CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode("a b+c&d=e/f%") == "a%20b%2Bc%26d%3De%2Ff%25");
    CHECK(percent_encode("\xE5\xA4\x87") == "%E5%A4%87");
}

TEST_CASE("form_encode joins pairs in order", "[form]") {
    CHECK(form_encode({{"B", "2"}, {"A", "x y"}}) == "B=2&A=x%20y");
    CHECK(form_encode({}).empty());
}

TEST_CASE("form_decode reverses encoding and accepts + for space", "[form]") {
    auto decoded = form_decode("Id=a+b%2Bc&Empty=&Flag");
    REQUIRE(decoded.has_value());
    Params expected = {{"Id", "a b+c"}, {"Empty", ""}, {"Flag", ""}};
    CHECK(*decoded == expected);
}

TEST_CASE("form_decode rejects broken escapes", "[form]") {
    CHECK_FALSE(form_decode("a=%4").has_value());
    CHECK_FALSE(form_decode("a=%zz").has_value());
    CHECK_FALSE(form_decode("a=%").has_value());
}

TEST_CASE("percent_decode follows RFC 3986: '+' stays '+'", "[form]") {
    CHECK(percent_decode("a+b") == std::optional<std::string>("a+b"));
    CHECK(percent_decode("a%2Bb") == std::optional<std::string>("a+b"));
    CHECK(percent_decode("a%20b") == std::optional<std::string>("a b"));
    CHECK(percent_decode("%e2%82%AC") == std::optional<std::string>("\xe2\x82\xac"));
    CHECK(percent_decode("") == std::optional<std::string>(""));
    for (const char* broken : {"%", "%4", "a%zz", "%g0"}) {
        INFO(broken);
        CHECK_FALSE(percent_decode(broken).has_value());
    }
    // Form bodies keep their own rule.
    auto form = form_decode("p=a+b");
    REQUIRE(form);
    CHECK(form->front().second == "a b");
}
