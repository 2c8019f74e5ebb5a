// SPDX-License-Identifier: Apache-2.0
// The host[:port] splitting that the endpoint and the proxy URL share.
#include <catch2/catch.hpp>

#include "core/host_port.h"

using namespace tidb_backups;

TEST_CASE("split_host_port: names, IPv4 and bracketed IPv6, with and without a port",
          "[host_port]") {
    struct Case {
        const char* authority;
        const char* host;
        const char* port_text;
    };
    for (const Case& c :
         {Case{"Example.COM", "Example.COM", ""}, Case{"example.com:8080", "example.com", "8080"},
          Case{"10.0.0.1:3128", "10.0.0.1", "3128"}, Case{"[::1]", "::1", ""},
          Case{"[fe80::1]:443", "fe80::1", "443"}, Case{"host:", "host", ""}, Case{":80", "", "80"},
          Case{"[]", "", ""}, Case{"", "", ""}}) {
        INFO(c.authority);
        auto split = split_host_port(c.authority);
        REQUIRE(split);
        CHECK(split->host == c.host);
        CHECK(split->port_text == c.port_text);
    }
}

TEST_CASE("split_host_port: a bracket left open or text after it is an error", "[host_port]") {
    auto open = split_host_port("[::1");
    REQUIRE_FALSE(open);
    CHECK(open.error().kind == ErrorKind::Usage);
    CHECK(open.error().message == "unclosed '[' in the host");

    auto after = split_host_port("[::1]x80");
    REQUIRE_FALSE(after);
    CHECK(after.error().message == "unexpected text after the host");
}

TEST_CASE("parse_port: 1 to 65535 in decimal digits alone", "[host_port]") {
    CHECK(parse_port("1") == 1);
    CHECK(parse_port("443") == 443);
    CHECK(parse_port("65535") == 65535);
    for (const char* bad :
         {"", "0", "65536", "-1", "+80", "80 ", " 80", "8o", "0x50", "99999999999999999999"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(parse_port(bad).has_value());
    }
}

TEST_CASE("url_host: IPv6 literals in brackets, names as they are", "[host_port]") {
    CHECK(url_host("example.com") == "example.com");
    CHECK(url_host("127.0.0.1") == "127.0.0.1");
    CHECK(url_host("::1") == "[::1]");
    CHECK(url_host("fe80::1") == "[fe80::1]");
}
