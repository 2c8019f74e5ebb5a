// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/endpoint.h"

using namespace tidb_backups;

TEST_CASE("parse_endpoint splits scheme, host, port and path", "[endpoint]") {
    auto e = parse_endpoint("https://api.sigcalcloud.com");
    REQUIRE(e);
    CHECK(e->scheme == "https");
    CHECK(e->host == "api.sigcalcloud.com");
    CHECK(e->port == 443);
    CHECK(e->path == "/");
    CHECK(e->origin() == "https://api.sigcalcloud.com");

    auto local = parse_endpoint("HTTP://127.0.0.1:8080/api");
    REQUIRE(local);
    CHECK(local->scheme == "http");
    CHECK(local->port == 8080);
    CHECK(local->path == "/api");
    CHECK(local->url() == "http://127.0.0.1:8080/api");

    auto v6 = parse_endpoint("http://[::1]:9000");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->origin() == "http://[::1]:9000");
}

TEST_CASE("parse_endpoint rejects what is not an API base URL", "[endpoint]") {
    for (const char* bad :
         {"api.sigcalcloud.com", "ftp://x", "https://", "https://h:0", "https://h:70000",
          "https://h:abc", "https://u:p@h", "https://h/?x=1", "http://[::1"}) {
        INFO(bad);
        auto e = parse_endpoint(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().kind == ErrorKind::Usage);
    }
}

TEST_CASE("is_loopback_host knows localhost, 127/8 and ::1 only", "[endpoint]") {
    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.9.8.7"));
    CHECK(is_loopback_host("::1"));
    CHECK_FALSE(is_loopback_host("128.0.0.1"));
    CHECK_FALSE(is_loopback_host("10.0.0.1"));
    CHECK_FALSE(is_loopback_host("api.sigcalcloud.com"));
    CHECK_FALSE(is_loopback_host("localhost.evil.com"));
    CHECK_FALSE(is_loopback_host("::2"));
}

TEST_CASE("parse_endpoint never quotes a user or password, however broken the URL", "[endpoint]") {
    const std::string secret = "Pw0rdS3cr3t";
    for (const std::string& url :
         {"https://alice:" + secret + "@api.example.com",
          "https://alice:" + secret + "@api.example.com:99999", "ftp://alice:" + secret + "@h",
          "alice:" + secret + "@h", "https://alice:" + secret + "/x@h",
          "https://alice:x/" + secret + "@h", "https://alice:" + secret + "#@h",
          "https://alice:" + secret + "?@h", "https://[" + secret + "@h", secret + "@"}) {
        INFO(url);
        auto e = parse_endpoint(url);
        REQUIRE_FALSE(e);
        CHECK(e.error().kind == ErrorKind::Usage);
        CHECK(e.error().message.find(secret) == std::string::npos);
        CHECK(e.error().hint.find(secret) == std::string::npos);
        CHECK(e.error().message.find("***@") != std::string::npos);
        CHECK(e.error().message.find("a user or password in the URL is not allowed") !=
              std::string::npos);
    }
}

TEST_CASE("redact_url_credentials hides everything up to the last '@'", "[endpoint]") {
    CHECK(redact_url_credentials("https://u:p@h:8443/x") == "https://***@h:8443/x");
    CHECK(redact_url_credentials("https://u:p@ss@h") == "https://***@h");
    CHECK(redact_url_credentials("https://token@h") == "https://***@h");
    CHECK(redact_url_credentials("u:p@h") == "***@h");
    CHECK(redact_url_credentials("u:p://x@h") == "u:p://***@h");
    CHECK(redact_url_credentials("https://h/p") == "https://h/p");
    CHECK(redact_url_credentials("") == "");
}
