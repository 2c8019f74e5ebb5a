// The private key never reaches any output, whatever logs: every command, -v, -vv, --dry-run,
// every kind of failure, the key from the environment or from a profile. A full signature
// shows only where --dry-run asks for it. A running tidb-backups cannot be dumped, and keeps
// no second copy of the key in its environment.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "e2e.h"
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

}  // namespace

TEST_CASE("the private key appears in no output of any command, logging level or failure",
          "[e2e][secrets]") {
    TempDir dir;
    testing::PemPair ca = testing::make_ca("secrets test CA");
    testing::PemPair leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    const std::vector<std::string> tls = {"--cert", dir.write_file("c.pem", leaf.cert_pem), "--key",
                                          dir.write_file("k.pem", leaf.key_pem)};
    // One emulator per way a run can end: retried then fine, not JSON, an API error, a stalled
    // body, and HTTPS with a certificate nobody trusts.
    EmulatorProcess retried(emulator_args(40, {"--fail-first", "1"}));
    EmulatorProcess malformed(emulator_args(4, {"--malformed-first", "1000"}));
    EmulatorProcess api_error(emulator_args(4, {"--retcode", "171"}));
    EmulatorProcess stalled(emulator_args(4, {"--stall-first", "1000"}));
    EmulatorProcess untrusted(emulator_args(4, tls));
    const std::vector<std::string> endpoints = {retried.url(),   malformed.url(),
                                                api_error.url(), stalled.url(),
                                                untrusted.url(), "http://127.0.0.1:1"};
    const std::vector<std::vector<std::string>> commands = {
        {"list", "--id", "c1"},
        {"list", "--id", "c1", "--id", "c2", "-o", "json", "--concurrency", "2"},
        {"list", "--id", "c1", "-o", "ndjson", "--limit", "35"},
        {"list", "--id", "c1", "-o", "csv", "--page-size", "31"},
        {"list", "--id", "c1", "--dry-run"},
        {"check", "--id", "c1", "--max-age", "1d"},
    };
    const std::vector<std::vector<std::string>> verbosities = {{}, {"-v"}, {"-vv"}, {"-q"}};

    SECTION("the key from the environment") {
        Cli cli(retried);
        for (const auto& endpoint : endpoints) {
            cli.env()["SIGCALCLOUD_ENDPOINT"] = endpoint;
            for (const auto& command : commands) {
                for (const auto& verbosity : verbosities) {
                    std::vector<std::string> args = command;
                    args.insert(args.end(), verbosity.begin(), verbosity.end());
                    // One retry where it helps (and logs); none where it only adds a wait.
                    args.insert(args.end(), {"--timeout", "0.25", "--retries",
                                             endpoint == retried.url() ? "1" : "0"});
                    check_no_secret(cli.run(args), kPrivateKey, command.back() == "--dry-run");
                }
            }
        }
    }
    SECTION("the key from a profile readable by others (it gets a warning, not the key)") {
        Cli cli("");
        cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
        cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
        std::string config = cli.home().write_file(
            "config.toml", std::string("[default]\npublic_key = \"") + kPublicKey +
                               "\"\nprivate_key = \"" + kFileKey + "\"\n");
        REQUIRE(::chmod(config.c_str(), 0644) == 0);
        for (const auto& endpoint : endpoints) {
            cli.env()["SIGCALCLOUD_ENDPOINT"] = endpoint;
            for (const auto& command : commands) {
                std::vector<std::string> args = command;
                args.insert(args.end(),
                            {"-vv", "--config", config, "--timeout", "0.25", "--retries", "0"});
                auto result = cli.run(args);
                check_no_secret(result, kFileKey, command.back() == "--dry-run");
                INFO(result.describe());
                if (result.exit_code != 2) {  // a usage error stops before any file is read
                    CHECK(result.err.find("chmod 600") != std::string::npos);
                }
            }
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
    if (root) {
        // As root every /proc file is root's; as nobody, only a non-dumpable process's are.
        spec.argv.insert(spec.argv.begin(),
                         {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
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
