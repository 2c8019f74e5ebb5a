// SPDX-License-Identifier: Apache-2.0
// The HTTP client against real peers on loopback: cpp-httplib's server as an independent
// implementation of HTTP/1.1, and scripted servers that misbehave on purpose.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/transport.h"
#include "support/scripted_server.h"

using namespace tidb_backups;
using namespace std::chrono_literals;
using testing::Peer;
using testing::ScriptedServer;

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<Transport> transport_to(const std::string& url,
                                        std::chrono::milliseconds timeout = 5s,
                                        std::optional<Proxy> proxy = std::nullopt) {
    TransportOptions options;
    options.endpoint = *parse_endpoint(url);
    options.timeout = timeout;
    options.user_agent = "tidb-backups-test/1";
    options.proxy = std::move(proxy);
    return make_http_transport(options);
}

// cpp-httplib's server on a free loopback port, serving until the object goes.
class HttplibServer {
  public:
    HttplibServer() {
        port_ = server_.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        // The socket listens already (bind_to_any_port); connections queue until the loop runs.
    }
    ~HttplibServer() {
        // stop() does nothing before the loop runs: wait for it first.
        while (!server_.is_running()) {
            std::this_thread::yield();
        }
        server_.stop();
        thread_.join();
    }
    httplib::Server& operator*() { return server_; }
    httplib::Server* operator->() { return &server_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
    int port() const { return port_; }

  private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

// A server answering every request on a connection with `response`, kept alive.
ScriptedServer answering(std::string response) {
    return ScriptedServer([response = std::move(response)](Peer& peer) {
        while (!peer.read_head().empty()) {
            // The requests here have a body of a few bytes, which comes with the head.
            if (!peer.send(response)) {
                return;
            }
        }
    });
}

}  // namespace

TEST_CASE("a form is POSTed as HTTP/1.1 and the answer read, on one kept-alive connection",
          "[http_transport]") {
    HttplibServer server;
    std::mutex mutex;
    std::set<int> client_ports;
    std::string seen;
    server->Post("/", [&](const httplib::Request& request, httplib::Response& response) {
        std::lock_guard lock(mutex);
        client_ports.insert(request.remote_port);
        seen = request.get_header_value("Content-Type") + "|" +
               request.get_header_value("User-Agent") + "|" + request.get_header_value("Host") +
               "|" + request.body;
        response.set_content("{\"RetCode\":0}", "application/json");
    });
    auto transport = transport_to(server.url());
    for (int i = 0; i < 3; ++i) {
        auto response = transport->post_form("Action=X&Id=a%20b");
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->body == "{\"RetCode\":0}");
    }
    std::lock_guard lock(mutex);
    CHECK(seen == "application/x-www-form-urlencoded|tidb-backups-test/1|127.0.0.1:" +
                      std::to_string(server.port()) + "|Action=X&Id=a%20b");
    CHECK(client_ports.size() == 1);
}

TEST_CASE("a chunked answer is decoded", "[http_transport]") {
    HttplibServer server;
    server->Post("/", [](const httplib::Request&, httplib::Response& response) {
        response.set_chunked_content_provider("application/json",
                                              [](std::size_t offset, httplib::DataSink& sink) {
                                                  if (offset == 0) {
                                                      sink.write("{\"RetCode\":", 11);
                                                      sink.write("0,\"Data\":[]}", 12);
                                                      sink.done();
                                                  }
                                                  return true;
                                              });
    });
    auto response = transport_to(server.url())->post_form("a=b");
    REQUIRE(response);
    CHECK(response->body == "{\"RetCode\":0,\"Data\":[]}");
}

TEST_CASE("Retry-After and the status of an error answer are passed on", "[http_transport]") {
    ScriptedServer server = answering(
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nslow");
    auto response = transport_to(server.url())->post_form("a=b");
    REQUIRE(response);
    CHECK(response->status == 429);
    CHECK(response->retry_after == "7");
    CHECK(response->body == "slow");
}

TEST_CASE("an answer framed by the end of the connection, and 100 Continue first",
          "[http_transport]") {
    ScriptedServer server([](Peer& peer) {
        peer.read_head();
        peer.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n{\"RetCode\":0}");
    });
    auto transport = transport_to(server.url());
    auto response = transport->post_form("a=b");
    REQUIRE(response);
    CHECK(response->body == "{\"RetCode\":0}");
    // The connection ended with the body, so the next request needs a new one.
    REQUIRE(transport->post_form("a=b"));
    CHECK(server.connections() == 2);
}

TEST_CASE("a kept-alive connection the server closed while idle is replaced, not a failure",
          "[http_transport]") {
    ScriptedServer server([](Peer& peer) {
        peer.read_head();
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        // Closes once the answer is out: the client only learns it on its next request.
    });
    auto transport = transport_to(server.url());
    REQUIRE(transport->post_form("a=b"));
    REQUIRE(server.wait_for_connections(1));
    auto second = transport->post_form("a=b");
    REQUIRE(second);
    CHECK(second->body == "ok");
    CHECK(server.connections() == 2);
}

TEST_CASE("headers that never end are cut at 64 KiB, not buffered", "[http_transport]") {
    ScriptedServer flood([](Peer& peer) {
        peer.read_head();
        if (!peer.send("HTTP/1.1 200 OK\r\n")) {
            return;
        }
        const std::string header = "X-Flood: " + std::string(1000, 'f') + "\r\n";
        while (peer.send(header)) {
        }
    });
    auto response = transport_to(flood.url(), 30s)->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Network);
    CHECK_FALSE(response.error().retryable);
    CHECK(response.error().message.find("headers from http://127.0.0.1:") != std::string::npos);
    CHECK(response.error().message.find("longer than 64 KiB") != std::string::npos);
}

TEST_CASE("one header line that never ends is cut at the same bound", "[http_transport]") {
    ScriptedServer flood([](Peer& peer) {
        peer.read_head();
        peer.send("HTTP/1.1 200 OK\r\nX-Endless: ");
        const std::string more(4096, 'e');
        while (peer.send(more)) {
        }
    });
    auto response = transport_to(flood.url(), 30s)->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK(response.error().message.find("longer than 64 KiB") != std::string::npos);
}

TEST_CASE("a body that trickles in is cut at --timeout, not twice that", "[http_transport]") {
    ScriptedServer trickle([](Peer& peer) {
        peer.read_head();
        if (!peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")) {
            return;
        }
        while (peer.send("x") && peer.pause(50ms)) {
        }
    });
    auto started = Clock::now();
    auto response = transport_to(trickle.url(), 1s)->post_form("a=b");
    auto took = Clock::now() - started;
    REQUIRE_FALSE(response);
    CHECK(response.error().retryable);
    CHECK(response.error().message.find("no response body from") != std::string::npos);
    CHECK(response.error().message.find("within 1s") != std::string::npos);
    CHECK(took >= 1s);
    CHECK(took < 1600ms);
}

TEST_CASE("a TLS handshake the server never answers ends at the deadline, and at once when cut",
          "[http_transport]") {
    ScriptedServer silent([](Peer& peer) { peer.hold(); });
    SECTION("deadline") {
        auto started = Clock::now();
        auto response = transport_to(silent.url("https"), 700ms)->post_form("a=b");
        auto took = Clock::now() - started;
        REQUIRE_FALSE(response);
        CHECK(response.error().message.find("TLS handshake with https://127.0.0.1:") !=
              std::string::npos);
        CHECK(response.error().message.find("did not finish within 0.7s") != std::string::npos);
        CHECK(took >= 700ms);
        CHECK(took < 5s);
    }
    SECTION("cut") {
        auto transport = transport_to(silent.url("https"), 60s);
        auto running = std::async(std::launch::async, [&] { return transport->post_form("a=b"); });
        REQUIRE(silent.wait_for_connections(1));
        auto cut_at = Clock::now();
        transport->abort();
        REQUIRE(running.wait_for(5s) == std::future_status::ready);
        CHECK(Clock::now() - cut_at < 2s);
        auto response = running.get();
        REQUIRE_FALSE(response);
        CHECK(response.error().kind == ErrorKind::Interrupted);
        // And every later request is refused at once.
        auto later = transport->post_form("a=b");
        REQUIRE_FALSE(later);
        CHECK(later.error().kind == ErrorKind::Interrupted);
    }
}

TEST_CASE("what is not HTTP is named and not retried", "[http_transport]") {
    ScriptedServer ssh([](Peer& peer) {
        peer.read_head();
        peer.send("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    });
    auto response = transport_to(ssh.url())->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK_FALSE(response.error().retryable);
    CHECK(response.error().message.find("is not valid HTTP") != std::string::npos);
}

TEST_CASE("a connection closed mid-body or reset is a retryable failure", "[http_transport]") {
    ScriptedServer cut([](Peer& peer) {
        peer.read_head();
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"RetCode\":");
    });
    auto response = transport_to(cut.url())->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK(response.error().retryable);
    CHECK(response.error().message.find("closed before a full response") != std::string::npos);
}

TEST_CASE("a body over 16 MiB is refused as a response error", "[http_transport]") {
    ScriptedServer huge = answering("HTTP/1.1 200 OK\r\nContent-Length: 17000000\r\n\r\n");
    auto response = transport_to(huge.url())->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Response);
    CHECK(response.error().message.find("larger than 16 MiB") != std::string::npos);
}

TEST_CASE("plain HTTP through a proxy names the whole URL and carries the credentials",
          "[http_transport]") {
    std::promise<std::string> asked;
    ScriptedServer proxy([&asked](Peer& peer) {
        asked.set_value(peer.read_head());
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    auto response =
        transport_to("http://127.0.0.1:9/api", 5s, Proxy{"127.0.0.1", proxy.port(), "u", "p+w"})
            ->post_form("a=b");
    REQUIRE(response);
    std::string head = asked.get_future().get();
    CHECK(head.rfind("POST http://127.0.0.1:9/api HTTP/1.1\r\n", 0) == 0);
    CHECK(head.find("\r\nHost: 127.0.0.1:9\r\n") != std::string::npos);
    // base64("u:p+w")
    CHECK(head.find("\r\nProxy-Authorization: Basic dTpwK3c=\r\n") != std::string::npos);
}

TEST_CASE("connecting where nothing listens fails at once and names the endpoint",
          "[http_transport]") {
    int port = 0;
    {
        ScriptedServer gone([](Peer&) {});
        port = gone.port();
    }
    auto response = transport_to("http://127.0.0.1:" + std::to_string(port), 5s)->post_form("a=b");
    REQUIRE_FALSE(response);
    CHECK(response.error().retryable);
    CHECK(response.error().message ==
          "could not connect to http://127.0.0.1:" + std::to_string(port) + ": Connection refused");
}
