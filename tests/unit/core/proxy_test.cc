// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/proxy.h"

using namespace tidb_backups;

TEST_CASE("parse_proxy_url reads host, port and decoded credentials", "[proxy]") {
    auto plain = parse_proxy_url("http://proxy.example.com:3128", "HTTPS_PROXY");
    REQUIRE(plain);
    CHECK(plain->host == "proxy.example.com");
    CHECK(plain->port == 3128);
    CHECK(plain->user.empty());
    auto bare = parse_proxy_url("10.0.0.1:8080/", "HTTPS_PROXY");
    REQUIRE(bare);
    CHECK(bare->host == "10.0.0.1");
    CHECK(bare->port == 8080);
    auto with_user = parse_proxy_url("http://al%40ice:p%3Ass@[::1]:3128", "--proxy");
    REQUIRE(with_user);
    CHECK(with_user->host == "::1");
    CHECK(with_user->user == "al@ice");
    CHECK(with_user->password == "p:ss");
    CHECK(with_user->shown() == "http://[::1]:3128");
    auto default_port = parse_proxy_url("http://proxy", "--proxy");
    REQUIRE(default_port);
    CHECK(default_port->port == 80);
}

TEST_CASE("parse_proxy_url percent-decodes credentials as RFC 3986 does: '+' is a plus",
          "[proxy]") {
    struct Case {
        const char* url;
        const char* user;
        const char* password;
    };
    for (const Case& c : {Case{"http://proxyuser:pa+ss@proxy:3128", "proxyuser", "pa+ss"},
                          Case{"http://proxyuser:pa%2Bss@proxy:3128", "proxyuser", "pa+ss"},
                          Case{"http://proxyuser:pa%2bss@proxy:3128", "proxyuser", "pa+ss"},
                          Case{"http://proxyuser:pa%20ss@proxy:3128", "proxyuser", "pa ss"},
                          Case{"http://a+b:c@proxy", "a+b", "c"},
                          Case{"http://dom%5Cuser:%25%40%3A@proxy", "dom\\user", "%@:"},
                          Case{"http://token@proxy", "token", ""}}) {
        INFO(c.url);
        auto proxy = parse_proxy_url(c.url, "--proxy");
        REQUIRE(proxy);
        CHECK(proxy->user == c.user);
        CHECK(proxy->password == c.password);
        CHECK(proxy->host == "proxy");
    }
    for (const char* broken : {"http://u:pa%2@proxy", "http://u:pa%zzss@proxy", "http://u%@p"}) {
        INFO(broken);
        auto proxy = parse_proxy_url(broken, "--proxy");
        REQUIRE_FALSE(proxy);
        CHECK(proxy.error().message ==
              "invalid proxy in --proxy: the credentials are not valid percent-encoding");
    }
}

TEST_CASE("parse_proxy_url refuses other schemes and never echoes credentials", "[proxy]") {
    for (const char* bad :
         {"https://proxy:3128", "socks5://proxy:1080", "http://proxy:0", "http://proxy:x",
          "http://:3128", "http://proxy:3128/path", "http://secret-user:secret-pass@"}) {
        INFO(bad);
        auto proxy = parse_proxy_url(bad, "--proxy");
        REQUIRE_FALSE(proxy);
        CHECK(proxy.error().kind == ErrorKind::Usage);
        CHECK(proxy.error().message.find("secret") == std::string::npos);
    }
}

TEST_CASE("NO_PROXY: hosts, domains, ports, IPs and *", "[proxy]") {
    CHECK(no_proxy_matches("*", "api.sigcalcloud.com", 443));
    CHECK(no_proxy_matches("sigcalcloud.com", "api.sigcalcloud.com", 443));
    CHECK(no_proxy_matches(".sigcalcloud.com", "api.sigcalcloud.com", 443));
    CHECK(no_proxy_matches("localhost, api.sigcalcloud.com", "API.SigCalCloud.com", 443));
    CHECK(no_proxy_matches("127.0.0.1", "127.0.0.1", 8080));
    CHECK(no_proxy_matches("api.sigcalcloud.com:443", "api.sigcalcloud.com", 443));
    CHECK_FALSE(no_proxy_matches("api.sigcalcloud.com:8443", "api.sigcalcloud.com", 443));
    CHECK_FALSE(no_proxy_matches("calcloud.com", "api.sigcalcloud.com", 443));
    CHECK_FALSE(no_proxy_matches("", "api.sigcalcloud.com", 443));
    CHECK(no_proxy_matches("[::1]", "::1", 443));
}

TEST_CASE("choose_proxy: --proxy, then the scheme's variable, unless NO_PROXY", "[proxy]") {
    ProxyEnvironment env{"http://secure-proxy:3128", "http://plain-proxy:3128",
                         "internal.example.com"};
    auto https = choose_proxy("https", "api.sigcalcloud.com", 443, std::nullopt, env);
    REQUIRE(https);
    REQUIRE(https->has_value());
    CHECK((*https)->host == "secure-proxy");
    auto http = choose_proxy("http", "api.sigcalcloud.com", 80, std::nullopt, env);
    REQUIRE(http);
    CHECK((*http)->host == "plain-proxy");
    auto exempt = choose_proxy("https", "db.internal.example.com", 443, std::nullopt, env);
    REQUIRE(exempt);
    CHECK_FALSE(exempt->has_value());
    auto flag = choose_proxy("https", "db.internal.example.com", 443,
                             std::string("http://flag-proxy:1"), env);
    REQUIRE(flag);
    CHECK((*flag)->host == "flag-proxy");
    auto none = choose_proxy("https", "api.sigcalcloud.com", 443, std::nullopt, ProxyEnvironment{});
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
}
