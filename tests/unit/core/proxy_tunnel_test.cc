// The CONNECT probe against a scripted proxy on loopback: real sockets, canned answers.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "core/proxy_tunnel.h"

using namespace tidb_backups;
using namespace std::chrono_literals;

namespace {

// Listens on a free loopback port; serve() takes one connection, reads the request head and
// answers with `answer` (or, when empty, holds the connection until the client leaves).
class ScriptedProxy {
  public:
    ScriptedProxy() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 4) == 0);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ScriptedProxy(const ScriptedProxy&) = delete;
    ScriptedProxy& operator=(const ScriptedProxy&) = delete;
    ~ScriptedProxy() {
        ::shutdown(listener_, SHUT_RDWR);  // ends an accept() that no client will satisfy
        if (server_.joinable()) {
            server_.join();
        }
        ::close(listener_);
    }

    void serve(std::string answer) {
        server_ = std::thread([this, answer = std::move(answer)] {
            int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) {
                request_.set_value("");
                return;
            }
            std::string head;
            char buffer[512];
            while (head.find("\r\n\r\n") == std::string::npos) {
                ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
                if (got <= 0) {
                    break;
                }
                head.append(buffer, static_cast<std::size_t>(got));
            }
            request_.set_value(head);
            if (!answer.empty()) {
                ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
            }
            // Until the client closes its end: a proxy that keeps the tunnel open.
            while (::recv(client, buffer, sizeof buffer, 0) > 0) {
            }
            ::close(client);
        });
    }

    Proxy proxy(std::string user = {}, std::string password = {}) const {
        return Proxy{"127.0.0.1", port_, std::move(user), std::move(password)};
    }
    std::string request() { return request_.get_future().get(); }

  private:
    int listener_ = -1;
    int port_ = 0;
    std::thread server_;
    std::promise<std::string> request_;
};

// A probe with one --timeout for each step and the attempt's deadline at twice that.
Status probe_run(TunnelProbe& probe, const Proxy& proxy, const std::string& host,
                 std::chrono::milliseconds timeout) {
    return probe.run(proxy, host, 443, timeout, std::chrono::steady_clock::now() + 2 * timeout);
}

// One probe (5 s timeout) against a scripted proxy that answers `answer`: what the probe
// concluded, and what the proxy was asked.
struct Exchange {
    Status status;
    std::string request;
};
Exchange ask(const std::string& answer, const std::string& host = "api.example",
             std::string user = {}, std::string password = {}) {
    ScriptedProxy scripted;
    scripted.serve(answer);
    TunnelProbe probe;
    Status status =
        probe_run(probe, scripted.proxy(std::move(user), std::move(password)), host, 5s);
    return Exchange{std::move(status), scripted.request()};
}

}  // namespace

TEST_CASE("proxy credentials are sent as RFC 7617 Basic", "[proxy]") {
    CHECK(proxy_basic_credentials(Proxy{"p", 1, "Aladdin", "open sesame"}) ==
          "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(proxy_basic_credentials(Proxy{"p", 1, "a", ""}) == "Basic YTo=");
}

TEST_CASE("a proxy's status line is split into status and reason", "[proxy]") {
    ProxyAnswer refused = parse_proxy_answer("HTTP/1.0 407 Proxy Authentication Required\r\n");
    CHECK(refused.status == 407);
    CHECK(refused.reason == "Proxy Authentication Required");
    CHECK(parse_proxy_answer("HTTP/1.1 200\r\n\r\n").status == 200);
    CHECK(parse_proxy_answer("HTTP/1.1 200\r\n\r\n").reason.empty());
    CHECK(parse_proxy_answer("SSH-2.0-OpenSSH\r\n").status == 0);
    CHECK(parse_proxy_answer("HTTP/1.1 2x0 odd\r\n").status == 0);
    CHECK(parse_proxy_answer("").status == 0);
}

TEST_CASE("the answer's version and Connection header tell whether cpp-httplib can take it",
          "[proxy]") {
    ProxyAnswer tinyproxy = parse_proxy_answer(
        "HTTP/1.0 200 Connection established\r\n"
        "Proxy-agent: tinyproxy/1.11.1\r\n\r\n");
    CHECK(tinyproxy.version == "HTTP/1.0");
    CHECK_FALSE(tinyproxy.connection_close);
    CHECK(tinyproxy.safe_for_httplib());
    CHECK(parse_proxy_answer("HTTP/1.1 200 OK\r\n\r\n").safe_for_httplib());
    CHECK_FALSE(parse_proxy_answer("HTTP/1.0 200 OK\r\n\r\n").safe_for_httplib());
    CHECK_FALSE(
        parse_proxy_answer("HTTP/1.0 200 Connection Established\r\n\r\n").safe_for_httplib());
    ProxyAnswer closing =
        parse_proxy_answer("HTTP/1.1 200 Connection established\r\nconnection:  Close \r\n\r\n");
    CHECK(closing.connection_close);
    CHECK_FALSE(closing.safe_for_httplib());
    CHECK_FALSE(
        parse_proxy_answer("HTTP/1.1 200 OK\r\nX-Connection: close\r\n\r\n").connection_close);
    CHECK(
        parse_proxy_answer("HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n")
            .connection_close);
}

TEST_CASE("a granted tunnel that would hang cpp-httplib is refused, not retried", "[proxy]") {
    for (const char* answer :
         {"HTTP/1.0 200 OK\r\n\r\n",
          "HTTP/1.1 200 Connection established\r\nConnection: close\r\n\r\n"}) {
        INFO(answer);
        Status status = ask(answer).status;
        REQUIRE_FALSE(status.has_value());
        CHECK_FALSE(status.error().retryable);
        CHECK(status.error().message.find("cannot take without hanging") != std::string::npos);
        CHECK(status.error().hint.find("NO_PROXY") != std::string::npos);
    }
}

TEST_CASE("a proxy named by host name is reached on whichever address listens", "[proxy]") {
    ScriptedProxy scripted;  // 127.0.0.1 only; localhost may resolve to ::1 first
    scripted.serve("HTTP/1.0 200 Connection established\r\n\r\n");
    TunnelProbe probe;
    Proxy proxy = scripted.proxy();
    proxy.host = "localhost";
    CHECK(probe_run(probe, proxy, "api.example", 5s).has_value());
}

TEST_CASE("a tunnel the proxy grants is a success, asked with the credentials", "[proxy]") {
    auto [status, request] =
        ask("HTTP/1.1 200 Connection established\r\n\r\n", "api.example", "u", "secret");
    CHECK(status.has_value());
    CHECK(request.rfind("CONNECT api.example:443 HTTP/1.1\r\n", 0) == 0);
    CHECK(request.find("Proxy-Authorization: Basic dTpzZWNyZXQ=\r\n") != std::string::npos);
}

TEST_CASE("a user without a password sends no credentials, as cpp-httplib does", "[proxy]") {
    auto [status, request] =
        ask("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", "api.example", "token", "");
    CHECK_FALSE(status.has_value());
    CHECK(request.find("Proxy-Authorization") == std::string::npos);
}

TEST_CASE("a proxy that refuses the credentials is a non-retryable error without them", "[proxy]") {
    Status status = ask("HTTP/1.0 407 Proxy Authentication Required\r\nConnection: close\r\n\r\n",
                        "api.example", "u", "wrong-secret")
                        .status;
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::Network);
    CHECK_FALSE(status.error().retryable);
    CHECK(status.error().message.find("407 Proxy Authentication Required") != std::string::npos);
    CHECK(status.error().message.find("api.example:443") != std::string::npos);
    CHECK(status.error().hint.find("user and password") != std::string::npos);
    CHECK((status.error().message + status.error().hint).find("wrong-secret") == std::string::npos);
}

TEST_CASE("a proxy failing upstream is retryable; one answering garbage is named", "[proxy]") {
    SECTION("502") {
        Status status = ask("HTTP/1.1 502 Bad Gateway\r\n\r\n", "::1").status;
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
}

TEST_CASE("a silent proxy is given up on at the timeout", "[proxy]") {
    ScriptedProxy scripted;
    scripted.serve("");
    TunnelProbe probe;
    auto started = std::chrono::steady_clock::now();
    Status status = probe_run(probe, scripted.proxy(), "api.example", 300ms);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().retryable);
    CHECK(status.error().message.find("no answer from the proxy") != std::string::npos);
    CHECK(took >= 300ms);
    CHECK(took < 5s);
}

TEST_CASE("the attempt's deadline bounds a probe whose steps each have longer", "[proxy]") {
    ScriptedProxy scripted;
    scripted.serve("");
    TunnelProbe probe;
    auto started = std::chrono::steady_clock::now();
    Status status = probe.run(scripted.proxy(), "api.example", 443, 30s,
                              std::chrono::steady_clock::now() + 300ms);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(status.has_value());
    CHECK(took >= 300ms);
    CHECK(took < 5s);
}

TEST_CASE("cutting a probe ends its wait at once and fails the later ones", "[proxy]") {
    ScriptedProxy scripted;
    scripted.serve("");
    TunnelProbe probe;
    auto running = std::async(
        std::launch::async, [&] { return probe_run(probe, scripted.proxy(), "api.example", 60s); });
    scripted.request();  // the probe is now waiting for the answer
    probe.cut();
    REQUIRE(running.wait_for(10s) == std::future_status::ready);
    Status status = running.get();
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::Interrupted);

    Status later = probe_run(probe, scripted.proxy(), "api.example", 60s);
    REQUIRE_FALSE(later.has_value());
    CHECK(later.error().kind == ErrorKind::Interrupted);
}

TEST_CASE("a proxy that is not there is a retryable connection error", "[proxy]") {
    int port = 0;
    {
        ScriptedProxy closed;  // bound, then released: nothing listens on it afterwards
        port = closed.proxy().port;
    }
    TunnelProbe probe;
    Status status = probe_run(probe, Proxy{"127.0.0.1", port, "", ""}, "api.example", 5s);
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().retryable);
    CHECK(status.error().message.find("could not connect to the proxy http://127.0.0.1:") !=
          std::string::npos);
}
