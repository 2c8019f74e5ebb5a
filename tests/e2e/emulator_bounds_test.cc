// SPDX-License-Identifier: Apache-2.0
// The emulator against clients that misbehave on purpose, and against command lines with huge
// numbers: it keeps answering the others, keeps its memory, closes what it must close within
// its documented bounds, and refuses what it cannot serve with one line and exit 2.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "e2e.h"
#include "support/raw_client.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::RawClient;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = std::size_t{1024} * 1024;

bool starts_with(const std::string& text, std::string_view prefix) {
    return text.rfind(prefix, 0) == 0;
}

// A listing the test times: a few pages, one attempt, a bound well above a prompt answer.
ProcessResult list_once(const EmulatorProcess& emulator) {
    Cli cli(emulator);
    return cli.run({"list", "--id", "c1", "-o", "json", "--timeout", "5", "--retries", "0"});
}

void check_listed(const ProcessResult& result, int backups) {
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", backups)));
}

}  // namespace

TEST_CASE("emulator: a request-header flood is cut off past 64 KiB, memory untouched",
          "[e2e][emulator][bounds]") {
    EmulatorProcess emulator(emulator_args(40));
    const long before_kb = testing::peak_rss_kb_of(emulator.pid());
    REQUIRE(before_kb > 0);

    RawClient client(emulator.port());
    const std::size_t most = 128 * kMiB;
    auto flood = client.flood("POST / HTTP/1.1\r\nHost: emulator\r\n",
                              "X-Flood: " + std::string(1000, 'f') + "\r\n", most, 30s);
    const long after_kb = testing::peak_rss_kb_of(emulator.pid());
    INFO("sent " << flood.sent << " bytes; peak RSS " << before_kb << " KiB, then " << after_kb
                 << " KiB");
    CHECK(flood.closed);
    CHECK(flood.sent < most);
    CHECK(starts_with(flood.received, "HTTP/1.1 431 "));
    CHECK(after_kb - before_kb < 16 * 1024);

    check_listed(list_once(emulator), 40);
    CHECK(emulator.stats()["requests"] == 2);
}

TEST_CASE("emulator: a hundred clients stopped mid-request do not delay a listing",
          "[e2e][emulator][bounds]") {
    EmulatorProcess emulator(emulator_args(40));
    std::vector<RawClient> slow;
    for (int i = 0; i < 100; ++i) {
        slow.emplace_back(emulator.port());
        // Half a head, or a whole head and half its body; then nothing.
        REQUIRE(slow.back().send(i % 2 == 0 ? std::string("POST / HTTP/1.1\r\nHost: emu")
                                            : "POST / HTTP/1.1\r\nContent-Length: 200\r\n\r\n" +
                                                  std::string(100, 'x')));
    }
    const auto started = Clock::now();
    check_listed(list_once(emulator), 40);
    CHECK(Clock::now() - started < 3s);
    CHECK(emulator.stats()["requests"] == 2);
}

TEST_CASE("emulator: 2,000 idle connections do not delay a listing", "[e2e][emulator][bounds]") {
    // Each connection is a descriptor here and one in the emulator, which inherits this
    // process's limit (and raises its own).
    constexpr std::size_t kWanted = 2000;
    constexpr std::size_t kSpare = 256;
    const std::size_t limit = testing::raise_open_file_limit(kWanted + kSpare);
    const std::size_t count = std::min(kWanted, limit > kSpare ? limit - kSpare : 0);
    if (count < kWanted) {
        WARN("the descriptor limit (" << limit << ") allows " << count
                                      << " idle connections, not 2,000");
    }
    REQUIRE(count >= 500);

    EmulatorProcess emulator(emulator_args(40));
    std::vector<RawClient> idle;
    idle.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        idle.emplace_back(emulator.port());
    }
    const auto started = Clock::now();
    check_listed(list_once(emulator), 40);
    CHECK(Clock::now() - started < 3s);
    CHECK(emulator.stats()["requests"] == 2);
}

TEST_CASE("emulator: a request trickled line by line is cut off 10 s after its first byte",
          "[e2e][emulator][bounds]") {
    EmulatorProcess emulator(emulator_args(8));
    RawClient client(emulator.port());
    const auto started = Clock::now();
    REQUIRE(client.send("POST / HTTP/1.1\r\n"));
    std::string received;
    bool closed = false;
    // A header line every 500 ms: the connection is never idle, the request never complete.
    while (!closed && Clock::now() - started < 20s) {
        client.send("X-Slow: 1\r\n", 1s);
        closed = client.wait_closed(500ms, &received);
    }
    const auto took = Clock::now() - started;
    CHECK(closed);
    CHECK(took >= 9500ms);
    CHECK(took < 14s);
    CHECK(starts_with(received, "HTTP/1.1 408 "));
}

TEST_CASE("emulator: stats answer after a request whose Id is not UTF-8",
          "[e2e][emulator][bounds]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    const std::string id("c\xff\xfe", 3);
    auto result = cli.run({"list", "--id", id, "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups(id, 3)));

    auto stats = emulator.stats();  // throws on anything but 200 with valid JSON
    CHECK(stats["requests"] == 1);
    CHECK(stats["recent"][0]["Id"] == "c\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("emulator: numbers beyond a flag's bound are refused with one line and exit 2",
          "[e2e][emulator][bounds]") {
    const std::vector<std::vector<std::string>> refused = {
        {"--backups", "1e14"},
        {"--backups", "100000001"},
        {"--backups-for", "c1=100000000000000"},
        {"--latency", "1e18"},
        {"--latency", "86400001"},
        {"--grow-after", "1", "--grow-by", "9223372036854775807"},
        {"--now", "9223372036854775807"},
        {"--now", "253402300800"},
        {"--pad-bytes", "1e18"},
        {"--pad-bytes", "1073741825"},
        {"--long-id", "1e18"},
        {"--total-count", "1e30"},
        {"--drop-first", "1e30"},
        {"--retcode", "99999999999"},
        {"--seed", "1e30"},
        {"--running-for", "1000001"},
        {"--running-for", "1e18"},
    };
    for (const auto& args : refused) {
        testing::ProcessSpec spec;
        spec.argv = {TIDB_BACKUPS_EMULATOR_BIN, "--port", "0"};
        spec.argv.insert(spec.argv.end(), args.begin(), args.end());
        spec.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
        spec.timeout = 10s;
        ProcessResult result = testing::run_process(spec);
        INFO(args[args.size() - 2] << " " << args.back() << "\n" << result.describe());
        CHECK(result.exit_code == 2);
        CHECK_FALSE(result.timed_out);
        CHECK(result.out.empty());
        CHECK(starts_with(result.err, "tidb-backups-emulator: error: "));
        CHECK(result.err.find(args[args.size() - 2]) != std::string::npos);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
}

TEST_CASE("emulator: the largest counts are served at both ends of the list",
          "[e2e][emulator][bounds]") {
    EmulatorProcess emulator(
        emulator_args(100'000'000, {"--grow-after", "0", "--grow-by", "100000000"}));
    Cli cli(emulator);
    for (const char* offset : {"0", "199999997"}) {
        INFO("--offset " << offset);
        auto result = cli.run({"list", "--id", "c1", "--offset", offset, "--limit", "3", "-o",
                               "json", "--timeout", "10"});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(BackupObject::parse(result.out).size() == 3);
    }
    // The oldest of them, one a day back from three hours before the clock.
    auto oldest = BackupObject::parse(
        cli.run({"list", "--id", "c1", "--offset", "199999999", "-o", "json"}).out);
    REQUIRE(oldest.size() == 1);
    const std::int64_t on_time = kNow - 3 * 3600 - std::int64_t{99'999'999} * 24 * 3600;
    CHECK(oldest[0]["BackupStartTime"].get<std::int64_t>() <= on_time);
    CHECK(oldest[0]["BackupStartTime"].get<std::int64_t>() >= on_time - 40 * 60);
}
