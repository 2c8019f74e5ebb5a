// SPDX-License-Identifier: Apache-2.0
// The emulator's HTTP/1.1 server on its own, with a handler the tests script by path: the bounds
// on what a client may send, answers in order, delayed and broken answers, TLS, stop().
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

#include "emulator/http_server.h"
#include "support/raw_client.h"
#include "support/temp_dir.h"
#include "support/tls_cert.h"

using namespace tidb_backups::emulator;
using namespace std::chrono_literals;
using tidb_backups::testing::RawClient;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kKiB = 1024;

HttpResponse text(std::string body) {
    HttpResponse response;
    response.body = std::move(body);
    return response;
}

// Answers by path: /hang, /reset, /stall, /half, /later, /throw, /echo (the body); anything
// else gets "<method> <target>".
class ScriptedHandler : public HttpHandler {
  public:
    Answer handle(const HttpRequest& request, HttpConnection&) override {
        ++handled;
        std::string_view path = request.path();
        if (path == "/hang") {
            return Answer::hang();
        }
        if (path == "/reset") {
            return Answer::reset();
        }
        if (path == "/stall") {
            return Answer::head_only(text("0123456789"));
        }
        if (path == "/half") {
            return Answer::half_body(text("0123456789"));
        }
        if (path == "/later") {  // after 300 ms, or ?ms=N
            std::string_view query = request.query();
            auto delay = query.rfind("ms=", 0) == 0
                             ? std::chrono::milliseconds(std::stoi(std::string(query.substr(3))))
                             : 300ms;
            return Answer::later(delay, [this] {
                ++later_ran;
                return Answer::respond(text("later"));
            });
        }
        if (path == "/throw") {
            throw std::runtime_error("the handler failed");
        }
        if (path == "/echo") {
            return Answer::respond(text(request.body));
        }
        return Answer::respond(text(request.method + " " + request.target));
    }

    std::atomic<int> handled{0};
    std::atomic<int> later_ran{0};  // delayed answers made
};

// Short bounds, so that tests of them take a moment.
HttpServerOptions quick_options() {
    HttpServerOptions options;
    options.limits.request_timeout = 500ms;
    options.limits.idle_timeout = 400ms;
    return options;
}

class RunningHttp {
  public:
    explicit RunningHttp(HttpServerOptions options = {}) : server_(std::move(options), handler_) {
        auto port = server_.bind();
        if (!port) {
            throw std::runtime_error("the server did not bind: " + port.error().message);
        }
        port_ = *port;
        thread_ = std::thread([this] { served_ = server_.run(); });
    }
    ~RunningHttp() { stop(); }

    void stop() {
        server_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    int port() const { return port_; }
    ScriptedHandler& handler() { return handler_; }
    bool served() const { return served_; }

  private:
    ScriptedHandler handler_;
    HttpServer server_;
    int port_ = 0;
    bool served_ = false;
    std::thread thread_;
};

std::string get_request(std::string_view target, std::string_view extra = {}) {
    return fmt::format("GET {} HTTP/1.1\r\nHost: test\r\n{}\r\n", target, extra);
}

// Reads until `count` whole answers with a Content-Length have come (or `limit` passes).
std::string read_answers(RawClient& client, int count,
                         std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + limit;
    std::string received;
    auto complete = [&] {
        std::size_t at = 0;
        for (int i = 0; i < count; ++i) {
            std::size_t end = received.find("\r\n\r\n", at);
            std::size_t length = received.find("Content-Length: ", at);
            if (end == std::string::npos || length == std::string::npos || length > end) {
                return false;
            }
            at = end + 4 + std::stoul(received.substr(length + 16));
            if (at > received.size()) {
                return false;
            }
        }
        return true;
    };
    while (!complete() && Clock::now() < deadline) {
        std::string more = client.receive(std::chrono::ceil<std::chrono::milliseconds>(
            std::max<Clock::duration>(deadline - Clock::now(), 1ms)));
        if (more.empty()) {
            break;
        }
        received += more;
    }
    return received;
}

bool starts_with(const std::string& text, std::string_view prefix) {
    return text.rfind(prefix, 0) == 0;
}

// Polls a condition another thread makes true; false on timeout.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
    const auto deadline = Clock::now() + limit;
    while (!condition()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

}  // namespace

TEST_CASE("a head that never ends gets 431 once past 64 KiB, and the connection closes",
          "[http_server][bounds]") {
    RunningHttp running;
    RawClient client(running.port());
    const std::string line = "X-Flood: " + std::string(1000, 'f') + "\r\n";
    const std::size_t most = std::size_t{64} * kKiB * kKiB;
    auto flood = client.flood("GET / HTTP/1.1\r\nHost: test\r\n", line, most, 20s);
    CHECK(flood.closed);
    CHECK(flood.sent > tidb_backups::http::kMaxHeadBytes);
    CHECK(flood.sent < most);
    CHECK(starts_with(flood.received, "HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    CHECK(running.handler().handled == 0);

    // A head just under the bound is a request like any other.
    RawClient fits(running.port());
    std::string headers;
    while (headers.size() + line.size() < 60 * kKiB) {
        headers += line;
    }
    REQUIRE(fits.send(get_request("/big-head", headers)));
    CHECK(starts_with(read_answers(fits, 1), "HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("a body over 64 KiB gets 413 and the connection closes", "[http_server][bounds]") {
    RunningHttp running;
    SECTION("announced by Content-Length") {
        RawClient client(running.port());
        REQUIRE(client.send("POST /echo HTTP/1.1\r\nContent-Length: 65537\r\n\r\n"));
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(starts_with(received, "HTTP/1.1 413 "));
        CHECK(received.find("Connection: close\r\n") != std::string::npos);
    }
    SECTION("in chunks") {
        RawClient client(running.port());
        REQUIRE(client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        const std::string chunk =
            fmt::format("{:x}\r\n{}\r\n", 8 * kKiB, std::string(8 * kKiB, 'b'));
        for (int i = 0; i < 9; ++i) {
            client.send(chunk);
        }
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(starts_with(received, "HTTP/1.1 413 "));
    }
    SECTION("a body of exactly 64 KiB is taken") {
        RawClient client(running.port());
        REQUIRE(client.send(fmt::format("POST /echo HTTP/1.1\r\nContent-Length: {}\r\n\r\n{}",
                                        64 * kKiB, std::string(64 * kKiB, 'b'))));
        std::string answer = read_answers(client, 1);
        CHECK(starts_with(answer, "HTTP/1.1 200 OK\r\n"));
        CHECK(answer.find(fmt::format("Content-Length: {}\r\n", 64 * kKiB)) != std::string::npos);
    }
    CHECK(running.handler().handled <= 1);
}

TEST_CASE("a malformed request gets 400 and the connection closes", "[http_server][bounds]") {
    RunningHttp running;
    for (std::string request : {std::string("NOT HTTP AT ALL\r\n\r\n"),
                                std::string("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
                                std::string("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
                                std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n")}) {
        INFO(request);
        RawClient client(running.port());
        REQUIRE(client.send(request));
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(starts_with(received, "HTTP/1.1 400 Bad Request\r\n"));
    }
    CHECK(running.handler().handled == 0);
}

TEST_CASE("a request trickled past the request timeout gets 408 and is closed",
          "[http_server][bounds]") {
    RunningHttp running(quick_options());
    RawClient client(running.port());
    const auto started = Clock::now();
    REQUIRE(client.send("GET / HTTP/1.1\r\n"));
    std::string received;
    bool closed = false;
    // A header line every 50 ms: never idle, never done.
    while (!closed && Clock::now() - started < 5s) {
        client.send("X-Slow: 1\r\n", 1s);
        closed = client.wait_closed(50ms, &received);
    }
    const auto took = Clock::now() - started;
    CHECK(closed);
    CHECK(took >= 450ms);
    CHECK(took < 3s);
    CHECK(starts_with(received, "HTTP/1.1 408 Request Timeout\r\n"));
}

TEST_CASE("a connection with no request in progress is closed after the idle timeout",
          "[http_server][bounds]") {
    RunningHttp running(quick_options());
    SECTION("a new connection that says nothing") {
        RawClient client(running.port());
        const auto started = Clock::now();
        CHECK(client.wait_closed(5s));
        CHECK(Clock::now() - started >= 350ms);
        CHECK_FALSE(client.was_reset());
    }
    SECTION("a kept-alive connection after its answer") {
        RawClient client(running.port());
        REQUIRE(client.send(get_request("/")));
        REQUIRE(starts_with(read_answers(client, 1), "HTTP/1.1 200 OK\r\n"));
        const auto answered = Clock::now();
        CHECK(client.wait_closed(5s));
        CHECK(Clock::now() - answered >= 350ms);
    }
    SECTION("a connection in use stays open past the idle timeout") {
        RawClient client(running.port());
        const auto started = Clock::now();
        int answered = 0;
        while (Clock::now() - started < 1200ms) {
            REQUIRE(client.send(get_request("/")));
            REQUIRE(starts_with(read_answers(client, 1), "HTTP/1.1 200 OK\r\n"));
            ++answered;
            std::this_thread::sleep_for(150ms);  // the client's pace, well within 400 ms
        }
        CHECK(running.handler().handled == answered);
    }
}

TEST_CASE("hundreds of slow clients do not delay a normal request", "[http_server][bounds]") {
    RunningHttp running;
    std::vector<RawClient> slow;
    for (int i = 0; i < 200; ++i) {
        slow.emplace_back(running.port());
        // Half a head, or a head and half a body; then nothing.
        slow.back().send(i % 2 == 0 ? std::string("POST / HTTP/1.1\r\nHost: te")
                                    : std::string("POST /echo HTTP/1.1\r\nContent-Length: 100"
                                                  "\r\n\r\n") +
                                          std::string(50, 'x'));
    }
    httplib::Client client("127.0.0.1", running.port());
    client.set_read_timeout(5, 0);
    const auto started = Clock::now();
    auto result = client.Get("/normal");
    REQUIRE(result);
    CHECK(result->status == 200);
    CHECK(result->body == "GET /normal");
    CHECK(Clock::now() - started < 1s);
    CHECK(running.handler().handled == 1);
}

TEST_CASE("at the connection bound the longest idle connection makes room",
          "[http_server][bounds]") {
    HttpServerOptions options;
    options.limits.max_connections = 4;
    RunningHttp running(options);
    SECTION("an idle one is closed for a new one") {
        std::vector<RawClient> idle;
        for (int i = 0; i < 4; ++i) {  // one after another: idle in this order
            idle.emplace_back(running.port());
            REQUIRE(idle.back().send(get_request("/")));
            REQUIRE(starts_with(read_answers(idle.back(), 1), "HTTP/1.1 200 OK\r\n"));
        }
        RawClient fifth(running.port());
        REQUIRE(fifth.send(get_request("/fifth")));
        CHECK(starts_with(read_answers(fifth, 1), "HTTP/1.1 200 OK\r\n"));
        CHECK(idle[0].wait_closed(5s));
        for (int i = 1; i < 4; ++i) {
            INFO("connection " << i);
            REQUIRE(idle[i].send(get_request("/still-here")));
            CHECK(starts_with(read_answers(idle[i], 1), "HTTP/1.1 200 OK\r\n"));
        }
    }
    SECTION("with every connection busy, the new one is closed at once") {
        std::vector<RawClient> busy;
        for (int i = 0; i < 4; ++i) {
            busy.emplace_back(running.port());
            REQUIRE(busy.back().send(get_request("/hang")));
        }
        REQUIRE(eventually([&] { return running.handler().handled == 4; }));
        RawClient fifth(running.port());
        std::string received;
        CHECK(fifth.wait_closed(5s, &received));
        CHECK(received.empty());
        CHECK(running.handler().handled == 4);
        running.stop();
        for (auto& client : busy) {
            CHECK(client.wait_closed(5s));
        }
    }
}

TEST_CASE("requests on a connection are answered in order, pipelined or not", "[http_server]") {
    RunningHttp running;
    RawClient client(running.port());
    REQUIRE(client.send(get_request("/a") + get_request("/later") + get_request("/c")));
    std::string answers = read_answers(client, 3);
    std::size_t a = answers.find("GET /a");
    std::size_t later = answers.find("later");
    std::size_t c = answers.find("GET /c");
    REQUIRE(a != std::string::npos);
    REQUIRE(later != std::string::npos);
    REQUIRE(c != std::string::npos);
    CHECK(a < later);
    CHECK(later < c);
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body is sent", "[http_server]") {
    RunningHttp running;
    RawClient client(running.port());
    REQUIRE(
        client.send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
    CHECK(client.receive(5s) == "HTTP/1.1 100 Continue\r\n\r\n");
    REQUIRE(client.send("hello"));
    std::string answer = read_answers(client, 1);
    CHECK(starts_with(answer, "HTTP/1.1 200 OK\r\n"));
    CHECK(answer.substr(answer.size() - 5) == "hello");
}

TEST_CASE("a chunked request body reaches the handler whole", "[http_server]") {
    RunningHttp running;
    RawClient client(running.port());
    REQUIRE(
        client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    std::string answer = read_answers(client, 1);
    CHECK(answer.find("Content-Length: 11\r\n") != std::string::npos);
    CHECK(answer.substr(answer.size() - 11) == "hello world");
}

TEST_CASE("Connection: close and HTTP/1.0 end the connection after the answer", "[http_server]") {
    RunningHttp running;
    for (std::string request :
         {get_request("/", "Connection: close\r\n"), std::string("GET / HTTP/1.0\r\n\r\n")}) {
        INFO(request);
        RawClient client(running.port());
        REQUIRE(client.send(request));
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(starts_with(received, "HTTP/1.1 200 OK\r\n"));
        CHECK(received.find("Connection: close\r\n") != std::string::npos);
        CHECK_FALSE(client.was_reset());
    }
}

TEST_CASE("a handler that throws gets a 500 and the connection goes on", "[http_server]") {
    RunningHttp running;
    RawClient client(running.port());
    REQUIRE(client.send(get_request("/throw")));
    CHECK(starts_with(read_answers(client, 1), "HTTP/1.1 500 Internal Server Error\r\n"));
    REQUIRE(client.send(get_request("/after")));
    CHECK(read_answers(client, 1).find("GET /after") != std::string::npos);
}

TEST_CASE("a delayed answer holds up no other connection", "[http_server]") {
    RunningHttp running;
    RawClient waiting(running.port());
    const auto started = Clock::now();
    REQUIRE(waiting.send(get_request("/later")));
    RawClient other(running.port());
    REQUIRE(other.send(get_request("/other")));
    CHECK(read_answers(other, 1).find("GET /other") != std::string::npos);
    CHECK(Clock::now() - started < 250ms);
    CHECK(read_answers(waiting, 1).find("later") != std::string::npos);
    CHECK(Clock::now() - started >= 300ms);
}

TEST_CASE("a client that leaves while its answer is delayed takes the timer with it",
          "[http_server]") {
    RunningHttp running;
    {
        RawClient leaving(running.port());
        REQUIRE(leaving.send(get_request("/later?ms=1000")));
        REQUIRE(eventually([&] { return running.handler().handled == 1; }));
    }  // closed
    // Timers end in order: by the time this later one has answered, the first would have.
    RawClient staying(running.port());
    REQUIRE(staying.send(get_request("/later?ms=1001")));
    CHECK(read_answers(staying, 1).find("later") != std::string::npos);
    CHECK(running.handler().later_ran == 1);
}

TEST_CASE("broken answers as a client sees them", "[http_server]") {
    RunningHttp running;
    SECTION("reset: no answer, a TCP reset") {
        RawClient client(running.port());
        REQUIRE(client.send(get_request("/reset")));
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(received.empty());
        CHECK(client.was_reset());
    }
    SECTION("half body: the head, half the body, then the end") {
        RawClient client(running.port());
        REQUIRE(client.send(get_request("/half")));
        std::string received;
        CHECK(client.wait_closed(5s, &received));
        CHECK(received.find("Content-Length: 10\r\n") != std::string::npos);
        CHECK(received.substr(received.find("\r\n\r\n") + 4) == "01234");
        CHECK_FALSE(client.was_reset());
    }
    SECTION("head only: the head, then nothing until the server stops") {
        RawClient client(running.port());
        REQUIRE(client.send(get_request("/stall")));
        std::string received = client.receive(5s);
        CHECK(received.find("Content-Length: 10\r\n") != std::string::npos);
        CHECK(received.substr(received.find("\r\n\r\n") + 4).empty());
        CHECK_FALSE(client.wait_closed(300ms, &received));
        running.stop();
        CHECK(client.wait_closed(5s, &received));
        CHECK(received.substr(received.find("\r\n\r\n") + 4).empty());
    }
    SECTION("hang: nothing until the server stops") {
        RawClient client(running.port());
        REQUIRE(client.send(get_request("/hang")));
        std::string received;
        CHECK_FALSE(client.wait_closed(300ms, &received));
        const auto stopping = Clock::now();
        running.stop();
        CHECK(client.wait_closed(5s, &received));
        CHECK(Clock::now() - stopping < 1s);
        CHECK(received.empty());
    }
}

TEST_CASE("HEAD gets the head of the answer without its body", "[http_server]") {
    RunningHttp running;
    RawClient client(running.port());
    REQUIRE(client.send("HEAD /x HTTP/1.1\r\n\r\n" + get_request("/next")));
    std::string received = read_answers(client, 1);
    // "HEAD /x" is 7 bytes: announced, not sent; the next answer follows the head at once.
    CHECK(starts_with(received, "HTTP/1.1 200 OK\r\n"));
    CHECK(received.find("Content-Length: 7\r\n") != std::string::npos);
    std::string rest = received.substr(received.find("\r\n\r\n") + 4);
    if (rest.empty()) {
        rest = read_answers(client, 1);
    }
    CHECK(starts_with(rest, "HTTP/1.1 200 OK\r\n"));
    CHECK(rest.find("GET /next") != std::string::npos);
}

TEST_CASE("a TLS client that stalls its handshake holds up nobody and is cut off",
          "[http_server][https]") {
    tidb_backups::testing::TempDir dir;
    auto pem = tidb_backups::testing::make_self_signed({"localhost"}, {"127.0.0.1"});
    HttpServerOptions options = quick_options();
    options.limits.idle_timeout = 60s;
    options.cert_file = dir.write_file("cert.pem", pem.cert_pem);
    options.key_file = dir.write_file("key.pem", pem.key_pem);
    RunningHttp running(options);

    std::vector<RawClient> stalled;
    for (int i = 0; i < 64; ++i) {
        stalled.emplace_back(running.port());
        if (i % 2 == 0) {
            stalled.back().send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
        }
    }
    const auto started = Clock::now();
    httplib::Client client("https://127.0.0.1:" + std::to_string(running.port()));
    client.set_ca_cert_path(options.cert_file);
    client.enable_server_certificate_verification(true);
    client.set_read_timeout(5, 0);
    auto result = client.Get("/over-tls");
    REQUIRE(result);
    CHECK(result->body == "GET /over-tls");
    CHECK(Clock::now() - started < 1s);

    for (auto& staller : stalled) {
        CHECK(staller.wait_closed(5s));
    }
    CHECK(Clock::now() - started < 3s);  // the handshake bound is 500 ms here
}

TEST_CASE("HTTPS: answers, kept-alive connections and a body bigger than a TLS record",
          "[http_server][https]") {
    tidb_backups::testing::TempDir dir;
    auto pem = tidb_backups::testing::make_self_signed({"localhost"}, {"127.0.0.1"});
    HttpServerOptions options;
    options.cert_file = dir.write_file("cert.pem", pem.cert_pem);
    options.key_file = dir.write_file("key.pem", pem.key_pem);
    RunningHttp running(options);
    httplib::Client client("https://127.0.0.1:" + std::to_string(running.port()));
    client.set_ca_cert_path(options.cert_file);
    client.enable_server_certificate_verification(true);
    client.set_keep_alive(true);
    const std::string body(60 * kKiB, 'e');
    for (int i = 0; i < 3; ++i) {
        auto result = client.Post("/echo", body, "text/plain");
        REQUIRE(result);
        CHECK(result->body == body);
    }
    CHECK(running.handler().handled == 3);
}

TEST_CASE("stop() with many connections open is prompt", "[http_server]") {
    RunningHttp running;
    std::vector<RawClient> clients;
    for (int i = 0; i < 100; ++i) {
        clients.emplace_back(running.port());
        if (i % 10 == 0) {
            clients.back().send(get_request("/hang"));
        }
    }
    REQUIRE(eventually([&] { return running.handler().handled == 10; }));
    const auto started = Clock::now();
    running.stop();
    CHECK(Clock::now() - started < 1s);
    CHECK(running.served());
    for (auto& client : clients) {
        CHECK(client.wait_closed(5s));
    }
}
