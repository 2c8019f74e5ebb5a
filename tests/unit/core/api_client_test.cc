// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <deque>

#include <fmt/format.h>

#include "core/api_client.h"
#include "core/form.h"

using namespace tidb_backups;

namespace {

// Answers scripted responses in order and records every body it was sent.
class ScriptedTransport final : public Transport {
  public:
    std::deque<Expected<HttpResponse>> script;
    std::vector<std::string> bodies;

    Expected<HttpResponse> post_form(const std::string& body) override {
        bodies.push_back(body);
        REQUIRE_FALSE(script.empty());
        auto next = std::move(script.front());
        script.pop_front();
        return next;
    }
};

HttpResponse http(int status, std::string body, std::string retry_after = {}) {
    return HttpResponse{status, std::move(body), std::move(retry_after)};
}

Error connection_failure() {
    Error error = make_error(ErrorKind::Network, "could not connect");
    error.retryable = true;
    return error;
}

const std::string kOkBody = R"({"RetCode":0,"TotalCount":1,"Data":[{"BackupId":"b1"}]})";

struct Fixture {
    ScriptedTransport transport;
    Signer signer{"pub-key-value", Secret("private-key-value")};
    std::vector<std::chrono::milliseconds> sleeps;
    std::vector<std::string> log;
    bool interrupt_sleep = false;

    ApiClient client(int retries) {
        RetryPolicy policy;
        policy.retries = retries;
        return ApiClient(
            transport, signer, policy, "http://127.0.0.1:1/",
            [this](int level, std::string_view line) {
                log.push_back(std::to_string(level) + " " + std::string(line));
            },
            [this](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                return !interrupt_sleep;
            });
    }
};

PageQuery query() {
    return PageQuery{"cn-zj", "MlaMfzgZ", "", 7, 7};
}

}  // namespace

TEST_CASE("list_params has the document's parameters and ProjectId only when set", "[api_client]") {
    Params params = list_params(query());
    Params expected = {{"Action", "ListTiDBClusterBackup"},
                       {"Region", "cn-zj"},
                       {"Id", "MlaMfzgZ"},
                       {"Limit", "7"},
                       {"Offset", "7"}};
    CHECK(params == expected);
    PageQuery with_project = query();
    with_project.project_id = "org-1";
    CHECK(list_params(with_project).back() ==
          std::pair<std::string, std::string>{"ProjectId", "org-1"});
}

TEST_CASE("a signed request body is sent and verifies", "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(200, kOkBody));
    auto page = f.client(3).list_page(query());
    REQUIRE(page);
    REQUIRE(f.transport.bodies.size() == 1);
    auto sent = form_decode(f.transport.bodies[0]);
    REQUIRE(sent);
    CHECK(sent->back().first == "Signature");
    CHECK(signature_of(*sent, "private-key-value") == sent->back().second);
    CHECK(f.transport.bodies[0].find("private-key-value") == std::string::npos);
}

TEST_CASE("5xx, connection failures and RetCode 153 are retried with backoff", "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(503, "<html>503</html>"));
    f.transport.script.push_back(connection_failure());
    f.transport.script.push_back(http(200, R"({"RetCode":153,"Message":"Rate limit exceeded"})"));
    f.transport.script.push_back(http(200, kOkBody));
    auto page = f.client(3).list_page(query());
    REQUIRE(page);
    CHECK(f.transport.bodies.size() == 4);
    REQUIRE(f.sleeps.size() == 3);
    // Equal jitter: each wait is at least half of its exponential ceiling and at most all of it.
    CHECK(f.sleeps[0] >= std::chrono::milliseconds(125));
    CHECK(f.sleeps[0] <= std::chrono::milliseconds(250));
    CHECK(f.sleeps[2] >= std::chrono::milliseconds(500));
    CHECK(f.sleeps[2] <= std::chrono::milliseconds(1000));
}

TEST_CASE("a proxy's HTML 502 is retried, then reported as an HTTP failure", "[api_client]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) {
        f.transport.script.push_back(http(502, "<html><body>502 Bad Gateway</body></html>"));
    }
    auto page = f.client(2).list_page(query());
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Network);
    CHECK(page.error().message.find("HTTP 502") != std::string::npos);
    CHECK(f.transport.bodies.size() == 3);
}

TEST_CASE("a plain-HTTP proxy's 407 is not retried and points at its credentials", "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(407, "<html>Proxy Authentication Required</html>"));
    auto page = f.client(3).list_page(query());
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Network);
    CHECK(page.error().message.find("HTTP 407") != std::string::npos);
    CHECK(page.error().hint.find("proxy") != std::string::npos);
    CHECK(f.transport.bodies.size() == 1);
}

TEST_CASE("signature and parameter errors are not retried", "[api_client]") {
    for (int code : {171, 160, 230}) {
        Fixture f;
        f.transport.script.push_back(
            http(200, fmt::format(R"({{"RetCode":{},"Message":"no"}})", code)));
        auto page = f.client(3).list_page(query());
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Api);
        CHECK(page.error().ret_code == code);
        CHECK(f.transport.bodies.size() == 1);
        CHECK(f.sleeps.empty());
    }
}

TEST_CASE("a body that is not JSON with status 200 is a response error, not retried",
          "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(200, "{\"RetCode\":0,\"Data\":[{\"Back"));
    auto page = f.client(3).list_page(query());
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Response);
    CHECK(f.transport.bodies.size() == 1);
}

TEST_CASE("Retry-After on 429 stretches the wait", "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(429, "slow down", "2"));
    f.transport.script.push_back(http(200, kOkBody));
    auto page = f.client(1).list_page(query());
    REQUIRE(page);
    REQUIRE(f.sleeps.size() == 1);
    CHECK(f.sleeps[0] == std::chrono::milliseconds(2000));
}

TEST_CASE("non-retryable transport failures stop at once", "[api_client]") {
    Fixture f;
    Error tls = make_error(ErrorKind::Network, "certificate could not be verified");
    f.transport.script.push_back(tls);
    auto page = f.client(3).list_page(query());
    REQUIRE_FALSE(page);
    CHECK(f.transport.bodies.size() == 1);
}

TEST_CASE("logs mask Signature and PublicKey", "[api_client]") {
    Fixture f;
    f.transport.script.push_back(http(200, kOkBody));
    REQUIRE(f.client(0).list_page(query()));
    REQUIRE_FALSE(f.log.empty());
    std::string all;
    for (const auto& line : f.log) {
        all += line + "\n";
    }
    CHECK(all.find("Signature=%2A%2A%2A") != std::string::npos);
    CHECK(all.find("pub-key-value") == std::string::npos);
    CHECK(all.find("private-key-value") == std::string::npos);
    std::string signature = form_decode(f.transport.bodies[0])->back().second;
    CHECK(all.find(signature) == std::string::npos);
}

TEST_CASE("a backoff cut short by Ctrl-C ends the call as interrupted", "[api_client]") {
    Fixture f;
    f.interrupt_sleep = true;
    f.transport.script.push_back(http(503, "busy"));
    auto page = f.client(3).list_page(query());
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::Interrupted);
    CHECK(f.transport.bodies.size() == 1);
}

TEST_CASE("each retry has a short line for a person: cluster, page, attempt, reason",
          "[api_client]") {
    Fixture f;
    f.transport.script.push_back(connection_failure());
    f.transport.script.push_back(http(200, kOkBody));
    auto page = f.client(3).list_page(query());
    REQUIRE(page);
    std::vector<std::string> short_lines;
    for (const auto& line : f.log) {
        if (line.rfind("0 ", 0) == 0) {
            short_lines.push_back(line);
        }
    }
    // Limit=7&Offset=7 is the second page; the retry is the second of four attempts.
    CHECK(short_lines ==
          std::vector<std::string>{"0 retrying MlaMfzgZ page 2 (2/4): could not connect"});
}
