// The fault matrix: one test per way the network or the server can go wrong, each asserting
// the exit code, what reaches stdout and what stderr says. Nothing may crash, hang past its
// bound, or print a partial result as if complete.
#include <catch2/catch.hpp>

#include <set>

#include "core/utf8.h"
#include "e2e.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kBackups = 40;

// Runs `list -o json` against an emulator started with `faults`, with a short timeout.
ProcessResult list_json(const std::vector<std::string>& faults, const std::string& timeout = "1") {
    EmulatorProcess emulator(emulator_args(kBackups, faults));
    Cli cli(emulator);
    return cli.run({"list", "--id", "c1", "-o", "json", "--timeout", timeout, "--retries", "1"});
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

}  // namespace

TEST_CASE("fault: 5xx then success completes the listing", "[e2e][faults]") {
    check_complete(list_json({"--fail-first", "1"}));
}

TEST_CASE("fault: 5xx forever is exit 4 naming the status", "[e2e][faults]") {
    check_failed_cleanly(list_json({"--fail-first", "1000"}), 4, "HTTP 503");
}

TEST_CASE("fault: connection reset every time is exit 4", "[e2e][faults]") {
    check_failed_cleanly(list_json({"--drop-first", "1000"}), 4, "closed before a full response");
}

TEST_CASE("fault: connection refused is exit 4", "[e2e][faults]") {
    int port = EmulatorProcess(emulator_args(1)).port();  // stopped again at once
    Cli cli("http://127.0.0.1:" + std::to_string(port));
    check_failed_cleanly(cli.run({"list", "--id", "c1", "--retries", "1"}), 4, "could not connect");
}

TEST_CASE("fault: a host that does not resolve is exit 4 saying so", "[e2e][faults]") {
    Cli cli("https://tidb-backups-test.invalid");
    check_failed_cleanly(cli.run({"list", "--id", "c1", "--retries", "0", "--timeout", "5"}), 4,
                         "could not resolve host 'tidb-backups-test.invalid'");
}

TEST_CASE("fault: a server that hangs after the headers is cut by the timeout", "[e2e][faults]") {
    auto started = std::chrono::steady_clock::now();
    auto result = list_json({"--stall-first", "1000"});
    check_failed_cleanly(result, 4, "no response");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
}

TEST_CASE("fault: a body cut short is exit 4, and a retry rescues it", "[e2e][faults]") {
    check_failed_cleanly(list_json({"--truncate-first", "1000"}), 4,
                         "closed before a full response");
    check_complete(list_json({"--truncate-first", "1"}));
}

TEST_CASE("fault: a 50 MB body is refused with exit 5", "[e2e][faults]") {
    auto result = list_json({"--pad-bytes", "50000000"}, "30");
    check_failed_cleanly(result, 5, "larger than 16 MiB");
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
    // A bounded number of requests past the end, not a million / 30.
    CHECK(emulator.stats()["requests"].get<int>() <= 2 + 2 * 8);
}

TEST_CASE("fault: a negative or absurd TotalCount is not trusted", "[e2e][faults]") {
    check_complete(list_json({"--total-count", "-5"}));
    check_complete(list_json({"--total-count", "9223372036854775807"}));
}

TEST_CASE("fault: Data null is an empty page", "[e2e][faults]") {
    auto result = list_json({"--null-data"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out == "[]\n");
    CHECK(result.err.empty());
}

TEST_CASE("fault: duplicate BackupIds are printed once", "[e2e][faults]") {
    check_complete(list_json({"--duplicate-ids"}));
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
