// SPDX-License-Identifier: Apache-2.0
// Many pages and many clusters at once: kept-alive connections (at most one TLS handshake per
// worker), output in API order and in the order the ids were given, failures in their place.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <regex>

#include "e2e.h"
#include "support/scripted_server.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

std::string ids_file_text(int count) {
    std::string text = "# clusters to check\n";
    for (int i = count; i >= 1; --i) {  // deliberately not sorted
        text += "c" + std::to_string(i) + "\n\n";
    }
    return text;
}

// An API server in the test process that answers each page only after kDelay, serving `total`
// made-up backups, and counts how many requests it holds at once: a request is in flight from
// the moment its body has arrived until its answer is sent. (The emulator's stats cannot say
// this, and the emulator is not to be changed for it.)
class SlowApi {
  public:
    static constexpr std::chrono::milliseconds kDelay{200};

    explicit SlowApi(int total)
        : total_(total), server_([this](testing::Peer& peer) { serve(peer); }) {}

    std::string url() const { return server_.url(); }
    int requests() const { return requests_.load(); }
    int most_in_flight() const { return most_in_flight_.load(); }
    void reset() {
        requests_ = 0;
        most_in_flight_ = 0;
    }

    // BackupId of the backup at `index` in API order.
    static std::string id_at(int index) { return "bk-slow-" + std::to_string(index); }

  private:
    // A number parameter of a form body; -1 if it is missing (no Catch assertion here: this runs
    // on the server's threads).
    static int param(const std::string& body, const std::string& name) {
        std::smatch match;
        if (!std::regex_search(body, match, std::regex("(^|&)" + name + "=([0-9]{1,6})(&|$)"))) {
            return -1;
        }
        return std::stoi(match[2]);
    }

    std::string page(int offset, int limit) const {
        nlohmann::json data = nlohmann::json::array();
        for (int i = offset; i < std::min(offset + limit, total_); ++i) {
            std::int64_t start = kNow - std::int64_t{86400} * (i + 1);
            data.push_back({{"BackupId", id_at(i)},
                            {"BackupStartTime", start},
                            {"BackupEndTime", start + 600},
                            {"BackupSize", 1000 + i},
                            {"State", "Success"},
                            {"BackupType", "Automatic"}});
        }
        nlohmann::json body = {{"Action", "ListTiDBClusterBackupResponse"},
                               {"RetCode", 0},
                               {"TotalCount", total_},
                               {"Data", data}};
        return body.dump();
    }

    void serve(testing::Peer& peer) {
        for (auto request = peer.read_request(); !request.head.empty();
             request = peer.read_request()) {
            ++requests_;
            const int offset = param(request.body, "Offset");
            const int limit = param(request.body, "Limit");
            if (offset < 0 || limit < 0) {
                return;  // closes the connection: the listing fails, and the test with it
            }
            const std::string body = page(offset, limit);
            const int now = ++in_flight_;
            int most = most_in_flight_.load();
            while (now > most && !most_in_flight_.compare_exchange_weak(most, now)) {
            }
            const bool waited = peer.pause(kDelay);
            --in_flight_;
            if (!waited || !peer.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                      "Content-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body)) {
                return;
            }
        }
    }

    const int total_;
    std::atomic<int> requests_{0};
    std::atomic<int> in_flight_{0};
    std::atomic<int> most_in_flight_{0};
    testing::ScriptedServer server_;  // last: its threads use the members above
};

}  // namespace

TEST_CASE("concurrency 8 over a slow server has several requests in flight at once and 1 has one",
          "[e2e][concurrency]") {
    // 270 backups in pages of 30: the first page, then 8 more that are all known at once.
    SlowApi api(270);
    Cli cli(api.url());
    for (int concurrency : {8, 1}) {
        INFO("--concurrency " << concurrency);
        api.reset();
        auto result = cli.run(
            {"list", "--id", "c1", "-o", "ndjson", "--concurrency", std::to_string(concurrency)});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        auto lines = lines_of(result.out);
        REQUIRE(lines.size() == 270);
        for (int i : {0, 29, 30, 150, 269}) {
            CHECK(BackupObject::parse(lines[static_cast<std::size_t>(i)])["BackupId"] ==
                  SlowApi::id_at(i));
        }
        CHECK(api.requests() == 9);
        CHECK(api.most_in_flight() <= concurrency);
        if (concurrency > 1) {
            CHECK(api.most_in_flight() > 1);  // not one request at a time
        } else {
            CHECK(api.most_in_flight() == 1);
        }
    }
}

TEST_CASE("100 pages over HTTPS use one kept-alive connection per worker",
          "[e2e][concurrency][tls]") {
    TempDir dir;
    auto ca = testing::make_ca("bench CA");
    auto leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    EmulatorProcess emulator(emulator_args(3000, {"--cert", dir.write_file("c.pem", leaf.cert_pem),
                                                  "--key", dir.write_file("k.pem", leaf.key_pem)}));
    Cli cli(emulator);
    for (int concurrency : {1, 4}) {
        INFO("concurrency " << concurrency);
        auto before = emulator.stats();
        auto result = cli.run({"list", "--id", "big", "-o", "ndjson", "--ca-bundle", ca_file,
                               "--concurrency", std::to_string(concurrency)});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        auto after = emulator.stats();
        CHECK(after["requests"].get<int>() - before["requests"].get<int>() == 100);
        int connections = after["connections"].get<int>() - before["connections"].get<int>();
        CHECK(connections >= 1);
        CHECK(connections <= concurrency);
        auto lines = lines_of(result.out);
        REQUIRE(lines.size() == 3000);
        auto expected = expected_backups("big", 3000);
        CHECK(BackupObject::parse(lines.front()) == expected.front());
        CHECK(BackupObject::parse(lines[1500]) == expected[1500]);
        CHECK(BackupObject::parse(lines.back()) == expected.back());
    }
}

TEST_CASE("concurrent pages come out in API order, in every format", "[e2e][concurrency]") {
    EmulatorProcess emulator(emulator_args(400, {"--latency", "5"}));
    Cli cli(emulator);
    auto result =
        cli.run({"list", "--id", "c1", "-o", "json", "--page-size", "7", "--concurrency", "8"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 400)));
    CHECK(emulator.stats()["requests"] == 58);  // ceil(400 / 7)
}

TEST_CASE("ids from a file: every cluster in the order given, with ClusterId",
          "[e2e][concurrency]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    std::string ids = cli.home().write_file("ids.txt", ids_file_text(20));
    auto result = cli.run({"list", "--ids-from", ids, "-o", "ndjson"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 40);
    for (int i = 0; i < 20; ++i) {
        std::string cluster = "c" + std::to_string(20 - i);
        auto expected = expected_backups(cluster, 2);
        for (int k = 0; k < 2; ++k) {
            auto got = BackupObject::parse(lines[static_cast<std::size_t>(2 * i + k)]);
            CHECK(got["ClusterId"] == cluster);
            got.erase("ClusterId");
            CHECK(got == expected[static_cast<std::size_t>(k)]);
        }
    }
}

TEST_CASE("ids from stdin, csv with ClusterId as the first column", "[e2e][concurrency]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    auto result = cli.run({"list", "--ids-from", "-", "-o", "csv"}, "alpha\nbeta\n");
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind("ClusterId,BackupId,", 0) == 0);
    CHECK(lines[1].rfind("alpha," + backup_id(expected_backups("alpha", 1)[0]), 0) == 0);
    CHECK(lines[2].rfind("beta,", 0) == 0);
}

TEST_CASE("a failing cluster is reported on stderr, the others print, exit is the failure's",
          "[e2e][concurrency]") {
    EmulatorProcess emulator(emulator_args(3, {"--unknown-id", "ghost"}));
    Cli cli(emulator);
    for (const char* format : {"json", "ndjson", "table"}) {
        INFO(format);
        auto result = cli.run({"list", "--id", "a", "--id", "ghost", "--id", "b", "-o", format});
        INFO(result.describe());
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("tidb-backups: error: cluster ghost: API error RetCode 230") !=
              std::string::npos);
        CHECK(result.out.find(backup_id(expected_backups("a", 3)[2])) != std::string::npos);
        CHECK(result.out.find(backup_id(expected_backups("b", 3)[0])) != std::string::npos);
        if (std::string(format) == "json") {
            auto parsed = BackupObject::parse(result.out);
            CHECK(parsed.size() == 6);
        }
    }
}

TEST_CASE("when every cluster fails each is reported and stdout stays empty",
          "[e2e][concurrency]") {
    EmulatorProcess emulator(emulator_args(3, {"--unknown-id", "ghost"}));
    Cli cli(emulator);
    cli.env()["SIGCALCLOUD_PRIVATE_KEY"] = "wrong";
    auto result = cli.run({"list", "--id", "a", "--id", "ghost", "-o", "json"});
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(result.err.find("cluster a: API error RetCode 171") != std::string::npos);
    CHECK(result.err.find("cluster ghost: API error RetCode 171") != std::string::npos);
}
