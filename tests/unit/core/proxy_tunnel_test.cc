// SPDX-License-Identifier: Apache-2.0
// The CONNECT exchange against a scripted proxy on loopback: real sockets, canned answers.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "core/proxy_tunnel.h"
#include "support/scripted_server.h"

using namespace tidb_backups;
using namespace std::chrono_literals;
using testing::Peer;
using testing::ScriptedServer;

namespace {

// A proxy that reads the CONNECT head, answers `answer` and keeps the tunnel open (an empty
// answer: says nothing at all). What it was asked is kept for the test.
struct ScriptedProxy {
    explicit ScriptedProxy(std::string answer)
        : server([this, answer = std::move(answer)](Peer& peer) {
              std::string head = peer.read_head();
              {
                  std::lock_guard lock(mutex);
                  request = head;
              }
              if (!answer.empty()) {
                  peer.send(answer);
              }
              peer.hold();
          }) {}

    Proxy proxy(std::string user = {}, std::string password = {}) const {
        return Proxy{"127.0.0.1", server.port(), std::move(user), std::move(password)};
    }
    std::string asked() {
        std::lock_guard lock(mutex);
        return request;
    }

    std::mutex mutex;
    std::string request;
    ScriptedServer server;
};

// Connects to `proxy` and asks it for a tunnel to `target`, the exchange bounded by `timeout`.
Status tunnel_through(const Proxy& proxy, const std::string& target,
                      std::chrono::milliseconds timeout, net::Wakeup& wakeup) {
    auto deadline = net::Clock::now() + timeout;
    net::Resolution resolution = net::resolve(proxy.host, proxy.port, wakeup, deadline);
    if (resolution.status != net::Io::Ok) {
        return make_network_error("could not resolve the proxy", "", true);
    }
    net::Connected connected = net::connect_any(resolution.addresses, wakeup, deadline);
    if (connected.status == net::Io::Cut) {
        return make_error(ErrorKind::Interrupted, "interrupted");
    }
    if (connected.status != net::Io::Ok) {
        return make_network_error("could not connect to the proxy", "", true);
    }
    net::PlainStream stream(std::move(connected.socket));
    return open_tunnel(stream, proxy, target, wakeup, deadline, timeout);
}

struct Exchange {
    Status status;
    std::string request;
};

// One CONNECT to api.example:443 (5 s) through a proxy that answers `answer`.
Exchange ask(const std::string& answer, const std::string& target = "api.example:443",
             std::string user = {}, std::string password = {}) {
    ScriptedProxy scripted(answer);
    net::Wakeup wakeup;
    Status status =
        tunnel_through(scripted.proxy(std::move(user), std::move(password)), target, 5s, wakeup);
    REQUIRE(scripted.server.wait_for_connections(1));
    // The proxy keeps what it was asked before it answers, so it is there once we have heard.
    return Exchange{std::move(status), scripted.asked()};
}

}  // namespace

TEST_CASE("proxy credentials are sent as RFC 7617 Basic", "[proxy]") {
    CHECK(proxy_basic_credentials(Proxy{"p", 1, "Aladdin", "open sesame"}) ==
          "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(proxy_basic_credentials(Proxy{"p", 1, "a", ""}) == "Basic YTo=");
}

TEST_CASE("a tunnel the proxy grants is a success, asked with the credentials", "[proxy]") {
    auto [status, request] =
        ask("HTTP/1.1 200 Connection established\r\n\r\n", "api.example:443", "u", "secret");
    CHECK(status.has_value());
    CHECK(request.rfind("CONNECT api.example:443 HTTP/1.1\r\n", 0) == 0);
    CHECK(request.find("Host: api.example:443\r\n") != std::string::npos);
    CHECK(request.find("Proxy-Authorization: Basic dTpzZWNyZXQ=\r\n") != std::string::npos);
}

TEST_CASE("grants in HTTP/1.0, with any reason or Connection: close, are grants", "[proxy]") {
    for (const char* answer :
         {"HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\n",
          "HTTP/1.0 200 OK\r\n\r\n", "HTTP/1.1 200\r\n\r\n",
          "HTTP/1.1 200 Connection established\r\nConnection: close\r\n\r\n"}) {
        INFO(answer);
        CHECK(ask(answer).status.has_value());
    }
}

TEST_CASE("a user without a password still sends the user, as curl does", "[proxy]") {
    auto [status, request] =
        ask("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", "api.example:443", "token", "");
    CHECK_FALSE(status.has_value());
    CHECK(request.find("Proxy-Authorization: Basic dG9rZW46\r\n") != std::string::npos);
}

TEST_CASE("no credentials are sent to a proxy given none", "[proxy]") {
    auto [status, request] = ask("HTTP/1.1 200 Connection established\r\n\r\n");
    CHECK(status.has_value());
    CHECK(request.find("Proxy-Authorization") == std::string::npos);
}

TEST_CASE("a proxy that refuses the credentials is a non-retryable error without them", "[proxy]") {
    Status status = ask("HTTP/1.0 407 Proxy Authentication Required\r\nConnection: close\r\n\r\n",
                        "api.example:443", "u", "wrong-secret")
                        .status;
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::Network);
    CHECK_FALSE(status.error().retryable);
    CHECK(status.error().message.find("407 Proxy Authentication Required") != std::string::npos);
    CHECK(status.error().message.find("api.example:443") != std::string::npos);
    CHECK(status.error().hint.find("user and password") != std::string::npos);
    CHECK((status.error().message + status.error().hint).find("wrong-secret") == std::string::npos);
}

TEST_CASE("a proxy failing upstream is retryable, one answering garbage is named", "[proxy]") {
    SECTION("502") {
        Status status = ask("HTTP/1.1 502 Bad Gateway\r\n\r\n", "[::1]:443").status;
        REQUIRE_FALSE(status.has_value());
        CHECK(status.error().retryable);
        CHECK(status.error().message.find("to [::1]:443:") != std::string::npos);
        CHECK(status.error().message.find("502 Bad Gateway") != std::string::npos);
    }
    SECTION("not HTTP") {
        Status status = ask("SSH-2.0-OpenSSH_9.2\r\n\r\n").status;
        REQUIRE_FALSE(status.has_value());
        CHECK(status.error().message.find("did not answer CONNECT with HTTP") != std::string::npos);
    }
    SECTION("data pushed into the tunnel before it was used") {
        Status status = ask("HTTP/1.1 200 Connection established\r\n\r\nSURPRISE").status;
        REQUIRE_FALSE(status.has_value());
        CHECK(status.error().message.find("sent data into the tunnel") != std::string::npos);
    }
}

TEST_CASE("an answer to CONNECT whose headers never end is cut at the head bound", "[proxy]") {
    ScriptedServer flood([](Peer& peer) {
        peer.read_head();
        if (!peer.send("HTTP/1.1 200 Connection established\r\n")) {
            return;
        }
        const std::string header = "X-Flood: " + std::string(100, 'f') + "\r\n";
        while (peer.send(header)) {
        }
    });
    net::Wakeup wakeup;
    auto started = std::chrono::steady_clock::now();
    Status status =
        tunnel_through(Proxy{"127.0.0.1", flood.port(), "", ""}, "api.example:443", 30s, wakeup);
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::Network);
    CHECK(status.error().message.find("more than 64 KiB of headers") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 20s);
}

TEST_CASE("a silent proxy is given up on at the deadline", "[proxy]") {
    ScriptedProxy scripted("");
    net::Wakeup wakeup;
    auto started = std::chrono::steady_clock::now();
    Status status = tunnel_through(scripted.proxy(), "api.example:443", 300ms, wakeup);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().retryable);
    CHECK(status.error().message.find("no answer from the proxy") != std::string::npos);
    CHECK(took >= 300ms);
    CHECK(took < 5s);
}

TEST_CASE("cutting the wakeup ends a tunnel's wait at once", "[proxy]") {
    ScriptedProxy scripted("");
    net::Wakeup wakeup;
    auto running = std::async(std::launch::async, [&] {
        return tunnel_through(scripted.proxy(), "api.example:443", 60s, wakeup);
    });
    REQUIRE(scripted.server.wait_for_connections(1));
    wakeup.cut();
    REQUIRE(running.wait_for(10s) == std::future_status::ready);
    Status status = running.get();
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::Interrupted);
}
