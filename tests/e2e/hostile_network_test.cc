// SPDX-License-Identifier: Apache-2.0
// Servers and proxies that misbehave on purpose, against the real binary: a reset TLS
// connection, headers that never end, a body that trickles, a TLS handshake or a tunnel that
// never answers. Each run must end with the contract's exit code, within its bound of time and
// memory, and stop at once on Ctrl-C.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>

#include "e2e.h"
#include "support/scripted_server.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::Peer;
using testing::ScriptedServer;

namespace {

using Clock = std::chrono::steady_clock;

// What the flooding servers send again and again: a thousand short header lines (16 KB).
std::string flood_lines() {
    std::string lines;
    for (int i = 0; i < 1000; ++i) {
        lines += "X-Flood: ffff\r\n";
    }
    return lines;
}
const std::string kFloodHeader = flood_lines();

void check_failed(const ProcessResult& result, int code, std::string_view message) {
    INFO(result.describe());
    CHECK(result.exit_code == code);
    CHECK_FALSE(result.timed_out);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
    CHECK(result.err.find(message) != std::string::npos);
}

// Sends SIGINT once `ready` holds and returns how the CLI ended and how long it took to go.
ProcessResult interrupt_when(ChildProcess& child, const std::function<bool()>& ready,
                             Clock::duration& took) {
    REQUIRE(eventually(ready));
    auto sent = Clock::now();
    child.send_signal(SIGINT);
    ProcessResult result = child.wait();
    took = Clock::now() - sent;
    return result;
}

struct TlsFiles {
    TempDir dir;
    testing::PemPair ca = testing::make_ca("hostile network CA");
    testing::PemPair leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    std::string cert_file = dir.write_file("cert.pem", leaf.cert_pem);
    std::string key_file = dir.write_file("key.pem", leaf.key_pem);
};

}  // namespace

TEST_CASE("hostile: a reset HTTPS connection is retried, never a death by SIGPIPE",
          "[e2e][hostile]") {
    TlsFiles tls;
    SECTION("a retry rescues it") {
        EmulatorProcess emulator(emulator_args(
            40, {"--cert", tls.cert_file, "--key", tls.key_file, "--drop-first", "1"}));
        Cli cli(emulator);
        auto result = cli.run({"list", "--id", "c1", "-o", "json", "--ca-bundle", tls.ca_file});
        INFO(result.describe());
        CHECK(result.signal == 0);
        REQUIRE(result.exit_code == 0);
        CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 40)));
        CHECK(result.err.empty());
        CHECK(emulator.stats()["requests"] == 3);  // the dropped one, then both pages
    }
    SECTION("reset every time") {
        EmulatorProcess emulator(emulator_args(
            40, {"--cert", tls.cert_file, "--key", tls.key_file, "--drop-first", "1000"}));
        Cli cli(emulator);
        auto result = cli.run(
            {"list", "--id", "c1", "--ca-bundle", tls.ca_file, "--retries", "2", "--timeout", "5"});
        CHECK(result.signal == 0);
        check_failed(result, 4, "closed before a full response");
        CHECK(emulator.stats()["requests"] == 3);
    }
}

TEST_CASE("hostile: response headers that never end are cut at 64 KiB, in little memory",
          "[e2e][hostile]") {
    ScriptedServer flood([](Peer& peer) {
        peer.read_head();
        if (peer.send("HTTP/1.1 200 OK\r\n")) {
            while (peer.send(kFloodHeader)) {
            }
        }
    });
    Cli cli(flood.url());
    auto started = Clock::now();
    auto result = cli.run({"list", "--id", "c1", "--timeout", "20"});
    check_failed(result, 4, "longer than 64 KiB");
    // Not retried (the same server floods again), and nowhere near the 20 s timeout.
    CHECK(flood.connections() == 1);
    CHECK(Clock::now() - started < 15s);
    // Before the bound, the flood was buffered at about 75 MB/s until the timeout.
    CHECK(result.peak_rss_kb > 0);
    CHECK(result.peak_rss_kb < 200 * 1024);
}

TEST_CASE("hostile: --timeout bounds the whole attempt of a trickling body, not twice that",
          "[e2e][hostile]") {
    ScriptedServer trickle([](Peer& peer) {
        peer.read_head();
        if (peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")) {
            while (peer.send("x") && peer.pause(100ms)) {
            }
        }
    });
    Cli cli(trickle.url());
    auto result = cli.run({"list", "--id", "c1", "--timeout", "2", "--retries", "1"});
    check_failed(result, 4, "no response body from");
    CHECK(result.err.find("within 2s") != std::string::npos);
    // Each attempt held its connection for one --timeout (the server saw the client leave).
    REQUIRE(eventually([&] { return trickle.finished() == 2; }));
    for (auto held : trickle.durations()) {
        CHECK(held >= 1900ms);
        CHECK(held < 3s);
    }
}

TEST_CASE("hostile: a TLS handshake that never finishes ends at --timeout, and at once on Ctrl-C",
          "[e2e][hostile]") {
    ScriptedServer silent([](Peer& peer) { peer.hold(); });
    Cli cli(silent.url("https"));
    SECTION("timeout") {
        auto result = cli.run({"list", "--id", "c1", "--timeout", "1", "--retries", "0"});
        check_failed(result, 4, "TLS handshake with https://127.0.0.1:");
        CHECK(result.err.find("did not finish within 1s") != std::string::npos);
    }
    SECTION("Ctrl-C") {
        ChildProcess child(cli_spec(cli, {"list", "--id", "c1", "--timeout", "60"}));
        Clock::duration took{};
        auto result = interrupt_when(
            child, [&] { return silent.connections() == 1; }, took);
        INFO(result.describe());
        CHECK(result.exit_code == 130);
        CHECK(took < 3s);  // it was 28-30 s while the handshake held the request
        CHECK(result.out.empty());
    }
}

TEST_CASE("hostile: a proxy that grants the tunnel and then says nothing", "[e2e][hostile]") {
    ScriptedServer proxy([](Peer& peer) {
        peer.read_head();
        peer.send("HTTP/1.1 200 Connection established\r\n\r\n");
        peer.hold();
    });
    Cli cli("https://api.example.test");
    cli.env()["HTTPS_PROXY"] = proxy.url();
    SECTION("timeout") {
        auto result = cli.run({"list", "--id", "c1", "--timeout", "1", "--retries", "0"});
        check_failed(result, 4, "did not finish within 1s");
    }
    SECTION("Ctrl-C") {
        ChildProcess child(cli_spec(cli, {"list", "--id", "c1", "--timeout", "60"}));
        Clock::duration took{};
        auto result = interrupt_when(
            child, [&] { return proxy.connections() == 1; }, took);
        INFO(result.describe());
        CHECK(result.exit_code == 130);
        CHECK(took < 3s);
    }
}

TEST_CASE("hostile: a proxy whose answer to CONNECT never ends is cut, not taken as a grant",
          "[e2e][hostile]") {
    ScriptedServer proxy([](Peer& peer) {
        peer.read_head();
        if (peer.send("HTTP/1.1 200 Connection established\r\n")) {
            while (peer.send(kFloodHeader)) {
            }
        }
    });
    Cli cli("https://api.example.test");
    cli.env()["HTTPS_PROXY"] = proxy.url();
    auto result = cli.run({"list", "--id", "c1", "--timeout", "20"});
    check_failed(result, 4, "answered CONNECT with more than 64 KiB of headers");
    CHECK(proxy.connections() == 1);
}
