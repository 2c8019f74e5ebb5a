// The private key never reaches any output, whatever logs: -v, -vv, --dry-run, errors.
#include <catch2/catch.hpp>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

TEST_CASE("the private key appears in no output of any logging combination", "[e2e][secrets]") {
    EmulatorProcess good(emulator_args(4, {"--fail-first", "1"}));
    EmulatorProcess broken(emulator_args(4, {"--malformed-first", "1000"}));
    const std::vector<std::vector<std::string>> runs = {
        {"list", "--id", "c1"},
        {"list", "--id", "c1", "-v"},
        {"list", "--id", "c1", "-vv", "-o", "json"},
        {"list", "--id", "c1", "-vv", "--dry-run"},
        {"list", "--id", "c1", "--dry-run", "--limit", "40"},
        {"list", "--id", "c1", "-vv", "--page-size", "31"},
    };
    for (const auto* emulator : {&good, &broken}) {
        Cli cli(*emulator);
        for (const auto& args : runs) {
            auto result = cli.run(args);
            INFO(result.describe());
            CHECK(result.out.find(kPrivateKey) == std::string::npos);
            CHECK(result.err.find(kPrivateKey) == std::string::npos);
        }
        // A wrong key in the environment is not echoed in the error either.
        cli.env()["SIGCALCLOUD_PRIVATE_KEY"] = "wrong-secret-value";
        auto wrong = cli.run({"list", "--id", "c1", "-vv"});
        CHECK(wrong.out.find("wrong-secret-value") == std::string::npos);
        CHECK(wrong.err.find("wrong-secret-value") == std::string::npos);
    }
}

TEST_CASE("option -vv masks the signature: only --dry-run shows a full signature",
          "[e2e][secrets]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    auto logged = cli.run({"list", "--id", "c1", "-vv", "-o", "json"});
    REQUIRE(logged.exit_code == 0);
    CHECK(logged.err.find("Signature=%2A%2A%2A") != std::string::npos);
    CHECK(logged.err.find("response body: ") != std::string::npos);
    auto dry = cli.run({"list", "--id", "c1", "--dry-run"});
    REQUIRE(dry.exit_code == 0);
    auto at = dry.out.find("&Signature=");
    REQUIRE(at != std::string::npos);
    CHECK(dry.out.substr(at + 11, 40).find_first_not_of("0123456789abcdef") == std::string::npos);
}
