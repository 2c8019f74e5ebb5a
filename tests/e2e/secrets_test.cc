// SPDX-License-Identifier: Apache-2.0
// The private key never reaches any output, whatever logs: every command, -v, -vv, --dry-run,
// every kind of failure, the key from the environment or from a profile. A full signature
// shows only where --dry-run asks for it. A running tidb-backups cannot be dumped, and keeps
// no second copy of the key in its environment.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "e2e.h"
#include "support/skip.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr const char* kFileKey = "file-held-private-key-9f3a";

// A 40-hex-digit run: a SHA1 signature, in any encoding of the log line.
bool shows_full_signature(const std::string& text) {
    static const std::regex kSha1("[0-9a-f]{40}");
    return std::regex_search(text, kSha1);
}

void check_no_secret(const ProcessResult& result, const std::string& key, bool dry_run) {
    INFO(result.describe());
    CHECK(result.signal == 0);
    CHECK(result.out.find(key) == std::string::npos);
    CHECK(result.err.find(key) == std::string::npos);
    CHECK_FALSE(shows_full_signature(result.err));
    if (!dry_run) {
        CHECK_FALSE(shows_full_signature(result.out));
    }
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether a user with no rights of its own can reach and run `binary`: o+x on it and on every
// directory above it.
bool others_can_run(const std::string& binary) {
    std::filesystem::path at(binary);
    for (; !at.empty() && at != at.root_path(); at = at.parent_path()) {
        struct stat info {};
        if (::stat(at.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0) {
            return false;
        }
    }
    return true;
}

}  // namespace

namespace {

// One way for a run to end: retried then fine (a fresh emulator per run, so every run
// retries), not JSON, an API error, a stalled body, a certificate nobody trusts, or a refused
// connection. `code` is list's exit status; check may also say stale (1).
struct Outcome {
    const char* name;
    std::vector<std::string> faults;  // none: no emulator, so a refused connection
    bool fresh_per_run;
    int code;
};

// Runs every command at every verbosity against `outcome`, and checks that no output holds
// the key (one test case per outcome, each well inside ctest's time limit).
void check_outcome(const Outcome& outcome) {
    INFO(outcome.name);
    const std::vector<std::vector<std::string>> commands = {
        {"list", "--id", "c1"},
        {"list", "--id", "c1", "--id", "c2", "-o", "json", "--concurrency", "2"},
        {"list", "--id", "c1", "-o", "ndjson", "--limit", "35"},
        {"list", "--id", "c1", "-o", "csv", "--page-size", "31"},  // a usage error
        {"list", "--id", "c1", "--dry-run"},
        {"check", "--id", "c1", "--max-age", "1d"},
    };
    const std::vector<std::vector<std::string>> verbosities = {{}, {"-v"}, {"-vv"}, {"-q"}};
    auto expected_codes = [&outcome](const std::vector<std::string>& command) {
        if (command.back() == "31") {
            return std::set<int>{2};
        }
        if (command.back() == "--dry-run") {
            return std::set<int>{0};
        }
        if (command.front() == "check" && outcome.code == 0) {
            return std::set<int>{0, 1};
        }
        return std::set<int>{outcome.code};
    };
    std::unique_ptr<EmulatorProcess> shared;
    if (!outcome.fresh_per_run && !outcome.faults.empty()) {
        shared = std::make_unique<EmulatorProcess>(emulator_args(40, outcome.faults));
    }
    for (const auto& command : commands) {
        for (const auto& verbosity : verbosities) {
            std::unique_ptr<EmulatorProcess> fresh;
            if (outcome.fresh_per_run) {
                fresh = std::make_unique<EmulatorProcess>(emulator_args(40, outcome.faults));
            }
            const EmulatorProcess* emulator = fresh ? fresh.get() : shared.get();
            Cli cli(emulator != nullptr ? emulator->url() : "http://127.0.0.1:1");
            std::vector<std::string> args = command;
            args.insert(args.end(), verbosity.begin(), verbosity.end());
            args.insert(args.end(),
                        {"--timeout", "0.25", "--retries", outcome.fresh_per_run ? "1" : "0"});
            auto result = cli.run(args);
            check_no_secret(result, kPrivateKey, command.back() == "--dry-run");
            INFO(result.describe());
            CHECK(expected_codes(command).count(result.exit_code) == 1);
            if (outcome.fresh_per_run && !verbosity.empty() && verbosity[0] != "-q" &&
                result.exit_code != 2 && command.back() != "--dry-run") {
                CHECK(result.err.find("retry 1/1") != std::string::npos);
            }
        }
    }
}

}  // namespace

TEST_CASE("the private key appears in no output of any command or logging level: retried",
          "[e2e][secrets]") {
    check_outcome({"retried", {"--fail-first", "1"}, true, 0});
}

TEST_CASE("the private key appears in no output of any command or logging level: not JSON",
          "[e2e][secrets]") {
    check_outcome({"not JSON", {"--malformed-first", "1000"}, false, 5});
}

TEST_CASE("the private key appears in no output of any command or logging level: API error",
          "[e2e][secrets]") {
    check_outcome({"API error", {"--retcode", "171"}, false, 3});
}

TEST_CASE("the private key appears in no output of any command or logging level: stalled body",
          "[e2e][secrets]") {
    check_outcome({"stalled body", {"--stall-first", "1000"}, false, 4});
}

TEST_CASE("the private key appears in no output of any command or logging level: untrusted TLS",
          "[e2e][secrets]") {
    TempDir dir;
    testing::PemPair ca = testing::make_ca("secrets test CA");
    testing::PemPair leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    check_outcome({"untrusted certificate",
                   {"--cert", dir.write_file("c.pem", leaf.cert_pem), "--key",
                    dir.write_file("k.pem", leaf.key_pem)},
                   false,
                   4});
}

TEST_CASE("the private key appears in no output of any command or logging level: refused",
          "[e2e][secrets]") {
    check_outcome({"refused", {}, false, 4});
}

TEST_CASE("the private key from a profile readable by others is in no output either",
          "[e2e][secrets]") {
    EmulatorProcess retried(emulator_args(40, {"--fail-rate", "0.5", "--seed", "7"}));
    EmulatorProcess malformed(emulator_args(4, {"--malformed-first", "1000"}));
    Cli cli("");
    cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    std::string config = cli.home().write_file(
        "config.toml", std::string("[default]\npublic_key = \"") + kPublicKey +
                           "\"\nprivate_key = \"" + kFileKey + "\"\n");
    REQUIRE(::chmod(config.c_str(), 0644) == 0);
    for (const std::string& endpoint :
         {retried.url(), malformed.url(), std::string("http://127.0.0.1:1")}) {
        cli.env()["SIGCALCLOUD_ENDPOINT"] = endpoint;
        for (const std::vector<std::string>& command :
             {std::vector<std::string>{"list", "--id", "c1", "-o", "json"},
              std::vector<std::string>{"list", "--id", "c1", "--dry-run"},
              std::vector<std::string>{"check", "--id", "c1", "--max-age", "1d"}}) {
            std::vector<std::string> args = command;
            args.insert(args.end(), {"-vv", "--config", config, "--timeout", "0.25"});
            auto result = cli.run(args);
            check_no_secret(result, kFileKey, command.back() == "--dry-run");
            INFO(result.describe());
            CHECK(result.err.find("chmod 600") != std::string::npos);
        }
    }
}

TEST_CASE("a config file that fails to parse never shows the key's line", "[e2e][secrets]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    for (const std::string& broken :
         {std::string("[default]\nprivate_key = \"") + kFileKey + "\n",
          std::string("[default]\nprivate_key = ") + kFileKey + "\n",
          std::string("[default]\nprivate_key = \"") + kFileKey + "\"\nprivate_key = \"" +
              kFileKey + "\"\n",
          std::string("[default]\nprivate_key = \"") + kFileKey + "\" trailing\n"}) {
        std::string config = cli.home().write_file("broken.toml", broken);
        auto result = cli.run({"list", "--id", "c1", "-vv", "--config", config});
        CHECK(result.exit_code == 6);
        check_no_secret(result, kFileKey, false);
    }
}

TEST_CASE("configure never shows the key it stores, whatever goes wrong", "[e2e][secrets]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    std::string config = cli.home().file("written.toml");
    const std::vector<std::string> base = {
        "configure", "--config",     config, "--region",
        "cn-zj",     "--public-key", "pub",  "--private-key-stdin"};
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, {"-vv"}, {"--profile", "second", "-v"}, {"--no-input"}}) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        auto result = cli.run(args, std::string(kFileKey) + "\n");
        INFO(result.describe());
        CHECK(result.exit_code == 0);
        check_no_secret(result, kFileKey, false);
    }
    CHECK(read_text(config).find(kFileKey) != std::string::npos);  // it did store the key

    std::string link = cli.home().file("link.toml");
    REQUIRE(::symlink(config.c_str(), link.c_str()) == 0);
    std::vector<std::string> args = base;
    args[2] = link;
    args.emplace_back("-vv");
    auto refused = cli.run(args, std::string(kFileKey) + "\n");
    CHECK(refused.exit_code == 6);
    check_no_secret(refused, kFileKey, false);
    auto no_key = cli.run({"configure", "--config", cli.home().file("new.toml"), "--region",
                           "cn-zj", "--public-key", "pub", "--private-key-stdin", "-vv"},
                          "");
    CHECK(no_key.exit_code != 0);
    check_no_secret(no_key, kFileKey, false);
}

TEST_CASE("option -vv masks the signature: only --dry-run shows a full signature",
          "[e2e][secrets]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    auto logged = cli.run({"list", "--id", "c1", "-vv", "-o", "json"});
    REQUIRE(logged.exit_code == 0);
    CHECK(logged.err.find("Signature=%2A%2A%2A") != std::string::npos);
    CHECK(logged.err.find("response body: ") != std::string::npos);
    CHECK_FALSE(shows_full_signature(logged.err));
    auto dry = cli.run({"list", "--id", "c1", "--dry-run"});
    REQUIRE(dry.exit_code == 0);
    auto at = dry.out.find("&Signature=");
    REQUIRE(at != std::string::npos);
    CHECK(dry.out.substr(at + 11, 40).find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(shows_full_signature(dry.out));
}

TEST_CASE(
    "a running tidb-backups cannot be dumped and keeps no copy of the key in its "
    "environment",
    "[e2e][secrets]") {
    EmulatorProcess emulator(emulator_args(2, {"--hang"}));
    Cli cli(emulator);
    // Readable by the unprivileged user the run switches to below.
    REQUIRE(::chmod(cli.home().path().c_str(), 0755) == 0);
    testing::ProcessSpec spec =
        cli_spec(cli, {"list", "--id", "c1", "--config", "/dev/null", "--timeout", "60"});
    const bool root = ::geteuid() == 0;
    // A copy of the binary, for root when other users cannot reach the build tree.
    std::optional<TempDir> open_copy;
    if (root) {
        // As root every /proc file is root's; as nobody, only a non-dumpable process's are.
        const std::string setpriv = "/usr/bin/setpriv";
        if (::access(setpriv.c_str(), X_OK) != 0) {
            TIDB_SKIP("running as root without setpriv (apt-get install util-linux)");
        }
        if (!others_can_run(spec.argv[0])) {
            // The build tree is closed to other users: run the very same binary, copied into a
            // directory they may enter.
            open_copy.emplace();
            REQUIRE(::chmod(open_copy->path().c_str(), 0755) == 0);
            const std::string copy = open_copy->path() + "/tidb-backups";
            std::filesystem::copy_file(spec.argv[0], copy);
            REQUIRE(::chmod(copy.c_str(), 0755) == 0);
            if (!others_can_run(copy)) {
                TIDB_SKIP(
                    "running as root, and neither the build tree nor TMPDIR can be entered by "
                    "other users: cannot run the binary as nobody");
            }
            spec.argv[0] = copy;
        }
        spec.argv.insert(spec.argv.begin(),
                         {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"});
    }
    testing::ChildProcess child(spec);
    REQUIRE(eventually([&] { return emulator.stats()["requests"] >= 1; }));
    const std::string proc = "/proc/" + std::to_string(child.pid());

    struct stat status {};
    REQUIRE(::stat((proc + "/status").c_str(), &status) == 0);
    CHECK(status.st_uid == 0);  // owned by root: the process is not dumpable
    CHECK(read_text(proc + "/status").find("Uid:\t" + std::to_string(root ? 65534 : ::getuid())) !=
          std::string::npos);

    std::string limits = read_text(proc + "/limits");
    std::smatch core;
    REQUIRE(std::regex_search(limits, core, std::regex("Max core file size +(\\S+) +(\\S+)")));
    CHECK(core[1] == "0");
    CHECK(core[2] == "0");

    if (root) {
        std::string environment = read_text(proc + "/environ");
        CHECK(environment.find(std::string("SIGCALCLOUD_PUBLIC_KEY=") + kPublicKey) !=
              std::string::npos);
        CHECK(environment.find("SIGCALCLOUD_PRIVATE_KEY=") != std::string::npos);
        CHECK(environment.find(kPrivateKey) == std::string::npos);
    } else {
        CHECK(read_text(proc + "/environ").empty());  // not readable: the process is not dumpable
    }
}
