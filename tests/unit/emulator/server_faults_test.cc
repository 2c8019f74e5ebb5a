// SPDX-License-Identifier: Apache-2.0
// Injected faults as a real client sees them, and a server that always stops promptly.
#include <catch2/catch.hpp>

#include <future>

#include "running_server.h"

using namespace tidb_backups::emulator;
using namespace tidb_backups::emulator::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("a dropped connection gets no response at all", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.drop_first = 1;
    RunningServer running(options);
    auto client = running.client();
    auto dropped = post(client, signed_body(list_params("x", "2")));
    CHECK_FALSE(dropped);
    CHECK(dropped.error() == httplib::Error::Read);

    auto next = post_json(client, signed_body(list_params("x", "2")));
    CHECK(next["RetCode"] == 0);
    CHECK(running.server().stats().requests == 2);
}

TEST_CASE("a hung request ends with the client's read timeout", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.hang_first = 1;
    RunningServer running(options);
    auto client = running.client();
    client.set_read_timeout(0, 300'000);
    auto start = Clock::now();
    auto hung = post(client, signed_body(list_params("x", "2")));
    auto waited = Clock::now() - start;
    CHECK_FALSE(hung);
    CHECK(hung.error() == httplib::Error::Read);
    CHECK(waited >= 250ms);
    CHECK(waited < 3s);

    // The server notices the client left: the next request is answered.
    client.set_read_timeout(5, 0);
    CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 0);
    start = Clock::now();
    running.stop();
    CHECK(Clock::now() - start < 1s);
}

TEST_CASE("stop() ends hung and delayed requests at once", "[server][faults]") {
    ServerOptions options = test_options();
    SECTION("hang") {
        options.faults.hang_all = true;
    }
    SECTION("latency") {
        options.faults.latency = 60s;
    }
    RunningServer running(options);
    auto waiting = std::async(std::launch::async, [&] {
        auto client = running.client();
        client.set_read_timeout(30, 0);
        return post(client, signed_body(list_params("x", "2")));
    });
    REQUIRE(eventually([&] { return running.server().stats().requests == 1; }));
    auto start = Clock::now();
    running.stop();
    CHECK(Clock::now() - start < 1s);
    REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
    CHECK_FALSE(waiting.get());  // what was still waiting is dropped, never answered
}

TEST_CASE("stop() does not wait for idle kept-alive connections", "[server]") {
    RunningServer running;
    auto client = running.client();
    client.set_keep_alive(true);
    CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 0);
    auto start = Clock::now();
    running.stop();  // the keep-alive wait alone would hold a worker for 5 s
    CHECK(Clock::now() - start < 1s);
}

TEST_CASE("stop() before run() makes run() return at once", "[server]") {
    EmulatorServer server(test_options());
    REQUIRE(server.bind());
    server.stop();
    auto start = Clock::now();
    CHECK(server.run());
    CHECK(Clock::now() - start < 1s);
}

TEST_CASE("injected HTTP errors are HTML pages with the chosen status", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.fail_first = 1;
    options.faults.fail_status = 502;
    RunningServer running(options);
    auto client = running.client();
    auto failed = post(client, signed_body(list_params("x", "2")));
    REQUIRE(failed);
    CHECK(failed->status == 502);
    CHECK(failed->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(failed->body.find("502 Bad Gateway") != std::string::npos);
    CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 0);
}

TEST_CASE("a malformed body is HTTP 200 and not JSON", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.malformed_first = 1;
    RunningServer running(options);
    auto client = running.client();
    auto malformed = post(client, signed_body(list_params("x", "2")));
    REQUIRE(malformed);
    CHECK(malformed->status == 200);
    CHECK_FALSE(nlohmann::json::accept(malformed->body));
}

TEST_CASE("an injected RetCode, for the first N requests or all", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.ret_code = 153;
    SECTION("first 2") {
        options.faults.ret_code_first = 2;
        RunningServer running(options);
        auto client = running.client();
        for (int i = 0; i < 2; ++i) {
            auto body = post_json(client, signed_body(list_params("x", "2")));
            CHECK(body["RetCode"] == 153);
            CHECK(body["Message"] == "Rate limit exceeded");
        }
        CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 0);
    }
    SECTION("all") {
        RunningServer running(options);
        auto client = running.client();
        for (int i = 0; i < 3; ++i) {
            CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 153);
        }
    }
}

TEST_CASE("latency delays every answer", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.latency = 200ms;
    RunningServer running(options);
    auto client = running.client();
    auto start = Clock::now();
    CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == 0);
    CHECK(Clock::now() - start >= 200ms);
}

TEST_CASE("backups appear at the front after N answered requests", "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.grow_after = 1;
    options.faults.grow_by = 2;
    RunningServer running(options);
    auto client = running.client();
    const Catalog& catalog = running.server().catalog();

    auto first = post_json(client, signed_body(list_params("x", "3")));
    CHECK(first["TotalCount"] == 8);
    CHECK(first["Data"].get<std::vector<tidb_backups::BackupObject>>() == catalog.page("x", 0, 3));

    auto second = post_json(client, signed_body(list_params("x", "3")));
    CHECK(second["TotalCount"] == 10);
    auto page = second["Data"].get<std::vector<tidb_backups::BackupObject>>();
    CHECK(page == catalog.page("x", 0, 3, 2));
    CHECK(page[2] == first["Data"][0]);  // what was first is now third
    CHECK(page[1]["BackupStartTime"] > first["Data"][0]["BackupStartTime"]);
}

TEST_CASE("with latency, growth counts the answers given before a page is made",
          "[server][faults]") {
    ServerOptions options = test_options();
    options.faults.latency = 300ms;
    options.faults.grow_after = 1;
    options.faults.grow_by = 2;
    RunningServer running(options);
    auto first = std::async(std::launch::async, [&] {
        auto client = running.client();
        return post_json(client, signed_body(list_params("x", "3")));
    });
    // The second arrives while the first waits; it is answered after it, so it sees growth.
    REQUIRE(eventually([&] { return running.server().stats().requests == 1; }));
    auto client = running.client();
    auto second = post_json(client, signed_body(list_params("x", "3")));
    REQUIRE(first.wait_for(5s) == std::future_status::ready);
    CHECK(first.get()["TotalCount"] == 8);
    CHECK(second["TotalCount"] == 10);
}
