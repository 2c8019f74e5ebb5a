// SPDX-License-Identifier: Apache-2.0
// The fault matrix: one test per way the network or the server can go wrong, each asserting
// the exit code, what reaches stdout and what stderr says. Nothing may crash, hang past its
// bound, or print a partial result as if complete.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "core/utf8.h"
#include "e2e.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kBackups = 40;

// One `list -o json` run against an emulator started with `faults`, and what the emulator
// counted: proof that the fault was met, not only that the tool ended as it would after one.
struct FaultRun {
    ProcessResult result;
    nlohmann::json stats;  // the emulator's, after the run
};

const std::vector<std::string> kListArgs = {"list", "--id", "c1", "-o", "json", "--retries", "1"};

// Runs `list -o json` with a short timeout and one retry against an emulator with `faults`.
FaultRun list_json(const std::vector<std::string>& faults, const std::string& timeout = "1") {
    EmulatorProcess emulator(emulator_args(kBackups, faults));
    Cli cli(emulator);
    std::vector<std::string> args = kListArgs;
    args.insert(args.end(), {"--timeout", timeout});
    FaultRun run;
    run.result = cli.run(args);
    run.stats = emulator.stats();
    return run;
}

// The API requests the emulator received.
int requests(const FaultRun& run) {
    return run.stats["requests"].get<int>();
}

// What the tool logs at -vv against an emulator with `faults` (a fault that every answer
// carries): every response body it received, so the test sees the fault reach it.
std::string response_log(const std::vector<std::string>& faults) {
    EmulatorProcess emulator(emulator_args(kBackups, faults));
    Cli cli(emulator);
    std::vector<std::string> args = kListArgs;
    args.emplace_back("-vv");
    ProcessResult result = cli.run(args);
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    return result.err;
}

void check_failed_cleanly(const ProcessResult& result, int code, std::string_view message) {
    INFO(result.describe());
    CHECK(result.exit_code == code);
    CHECK_FALSE(result.timed_out);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("tidb-backups: error: ", 0) == 0);
    CHECK(result.err.find(message) != std::string::npos);
    CHECK(result.err.find("terminate called") == std::string::npos);
}

// Recovered or tolerated faults: every backup, once, in order, and a quiet stderr (retries
// are logged only with -v).
void check_complete(const ProcessResult& result) {
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", kBackups)));
    CHECK(result.err.empty());
}

void check_failed_cleanly(const FaultRun& run, int code, std::string_view message) {
    INFO("emulator: " << run.stats.dump());
    check_failed_cleanly(run.result, code, message);
}

void check_complete(const FaultRun& run) {
    INFO("emulator: " << run.stats.dump());
    check_complete(run.result);
}

// Whether nothing accepts connections on 127.0.0.1:`port` (connect is refused).
bool refused(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    int error = errno;
    ::close(fd);
    return rc != 0 && error == ECONNREFUSED;
}

}  // namespace

TEST_CASE("fault: 5xx then success completes the listing", "[e2e][faults]") {
    auto run = list_json({"--fail-first", "1"});
    check_complete(run);
    CHECK(requests(run) == 3);  // the 503, its retry, the second page
}

TEST_CASE("fault: 5xx forever is exit 4 naming the status", "[e2e][faults]") {
    auto run = list_json({"--fail-first", "1000"});
    check_failed_cleanly(run, 4, "HTTP 503");
    CHECK(requests(run) == 2);  // the first page and its one retry, both answered 503
}

TEST_CASE("fault: connection reset every time is exit 4", "[e2e][faults]") {
    auto run = list_json({"--drop-first", "1000"});
    check_failed_cleanly(run, 4, "closed before a full response");
    CHECK(requests(run) == 2);
    CHECK(run.stats["connections"] == 2);  // the dropped one was not used again
}

TEST_CASE("fault: connection refused is exit 4", "[e2e][faults]") {
    int port = EmulatorProcess(emulator_args(1)).port();  // stopped again at once
    CHECK(refused(port));
    Cli cli("http://127.0.0.1:" + std::to_string(port));
    check_failed_cleanly(cli.run({"list", "--id", "c1", "--retries", "1"}), 4, "could not connect");
}

TEST_CASE("fault: a host that does not resolve is exit 4 saying so", "[e2e][faults]") {
    // .invalid never resolves (RFC 6761); the test's own lookup says so too.
    addrinfo* found = nullptr;
    int lookup = ::getaddrinfo("tidb-backups-test.invalid", "443", nullptr, &found);
    if (found != nullptr) {
        ::freeaddrinfo(found);
    }
    CHECK(lookup != 0);
    Cli cli("https://tidb-backups-test.invalid");
    check_failed_cleanly(cli.run({"list", "--id", "c1", "--retries", "0", "--timeout", "5"}), 4,
                         "could not resolve host 'tidb-backups-test.invalid'");
}

TEST_CASE("fault: a server that hangs after the headers is cut by the timeout", "[e2e][faults]") {
    auto started = std::chrono::steady_clock::now();
    auto run = list_json({"--stall-first", "1000"});
    check_failed_cleanly(run, 4, "no response");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
    CHECK(requests(run) == 2);  // both attempts met the stall
}

TEST_CASE("fault: a body cut short is exit 4, and a retry rescues it", "[e2e][faults]") {
    auto cut = list_json({"--truncate-first", "1000"});
    check_failed_cleanly(cut, 4, "closed before a full response");
    CHECK(requests(cut) == 2);
    auto rescued = list_json({"--truncate-first", "1"});
    check_complete(rescued);
    CHECK(requests(rescued) == 3);  // the cut one, its retry, the second page
}

TEST_CASE("fault: a 50 MB body is refused with exit 5", "[e2e][faults]") {
    auto run = list_json({"--pad-bytes", "50000000"}, "30");
    check_failed_cleanly(run, 5, "larger than 16 MiB");
    CHECK(requests(run) == 1);  // a body too large is not retried
}

TEST_CASE("fault: control characters and bytes that are not UTF-8 in fields", "[e2e][faults]") {
    EmulatorProcess emulator(emulator_args(3, {"--hostile-text"}));
    Cli cli(emulator);
    auto json = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(json.describe());
    REQUIRE(json.exit_code == 0);
    CHECK(is_valid_utf8(json.out));
    auto parsed = BackupObject::parse(json.out);
    REQUIRE(parsed.size() == 3);
    // Control characters survive as JSON escapes (data for scripts); bad bytes become U+FFFD.
    CHECK(parsed[0]["BackupName"] ==
          "evil\x1b[2J\x07\r\xC2\x9B\xEF\xBF\xBD\xEF\xBF\xBD name "
          "\xE2\x80\xAE\xE2\x80\x8F\x1b]0;owned"
          "\x07\xC2\x9B");
    CHECK(parsed[0]["BackupType"] == parsed[0]["BackupName"]);

    // The table shows BackupType (TYPE) on a terminal: nothing of it may drive the terminal.
    auto table = testing::run_in_pty(cli_spec(cli, {"list", "--id", "c1"}), true, false);
    INFO(table.describe());
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("evil") != std::string::npos);
    CHECK(table.out.find("\x1b[2J") == std::string::npos);
    CHECK(table.out.find('\x07') == std::string::npos);
    CHECK(table.out.find('\r') == std::string::npos);
    CHECK(table.out.find("\xC2\x9B") == std::string::npos);
}

TEST_CASE("fault: a TotalCount larger than the pages return ends at the short page",
          "[e2e][faults]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--total-count", "1000000"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    check_complete(result);
    // A bounded number of requests past the end, not a million / 30; at least both pages.
    const int sent = emulator.stats()["requests"].get<int>();
    CHECK(sent >= 2);
    CHECK(sent <= 2 + 2 * 8);
    // The tool was told the lie.
    CHECK(response_log({"--total-count", "1000000"}).find(R"("TotalCount":1000000,)") !=
          std::string::npos);
}

TEST_CASE("fault: a negative or absurd TotalCount is not trusted", "[e2e][faults]") {
    for (std::string total : {"-5", "9223372036854775807"}) {
        INFO("TotalCount " << total);
        auto run = list_json({"--total-count", total});
        check_complete(run);
        CHECK(requests(run) >= 2);
        CHECK(response_log({"--total-count", total}).find("\"TotalCount\":" + total + ",") !=
              std::string::npos);
    }
}

TEST_CASE("fault: Data null is an empty page", "[e2e][faults]") {
    auto run = list_json({"--null-data"});
    const ProcessResult& result = run.result;
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out == "[]\n");
    CHECK(result.err.empty());
    CHECK(requests(run) == 1);
    CHECK(response_log({"--null-data"}).find(R"("Data":null)") != std::string::npos);
}

TEST_CASE("fault: duplicate BackupIds are printed once", "[e2e][faults]") {
    auto run = list_json({"--duplicate-ids"});
    check_complete(run);
    CHECK(requests(run) == 2);
    // Each page the tool received held the newest backup twice, back to back.
    const BackupObject newest = expected_backups("c1", kBackups).front();
    CHECK(response_log({"--duplicate-ids"}).find(newest.dump() + "," + newest.dump()) !=
          std::string::npos);
}

TEST_CASE("fault: untrusted, expired and wrong-host certificates are exit 4",
          "[e2e][faults][tls]") {
    TempDir dir;
    auto ca = testing::make_ca("fault CA");
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    auto other_ca = testing::make_ca("someone else");
    using std::chrono::hours;
    struct Case {
        const char* name;
        testing::PemPair leaf;
        const char* message;
    };
    std::vector<Case> cases = {
        {"untrusted", testing::issue_certificate(other_ca, {"localhost"}, {"127.0.0.1"}),
         "could not be verified"},
        {"expired",
         testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"}, -hours(48), -hours(24)),
         "expired"},
        {"wrong host", testing::issue_certificate(ca, {"other.example.com"}, {}),
         "could not be verified"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        EmulatorProcess emulator(emulator_args(
            2, {"--cert", dir.write_file(std::string(c.name) + ".pem", c.leaf.cert_pem), "--key",
                dir.write_file(std::string(c.name) + ".key", c.leaf.key_pem)}));
        Cli cli(emulator);
        auto result = cli.run({"list", "--id", "c1", "--ca-bundle", ca_file});
        check_failed_cleanly(result, 4, c.message);
        CHECK(emulator.stats()["requests"] == 0);
    }
}
