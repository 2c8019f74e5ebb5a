// SPDX-License-Identifier: Apache-2.0
// HTTPS against the emulator with a certificate made by the test: trusted through --ca-bundle,
// refused without it, accepted with --insecure (and a warning).
#include <catch2/catch.hpp>

#include "e2e.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

struct TlsEmulator {
    TempDir dir;
    testing::PemPair ca = testing::make_ca("tidb-backups test CA");
    testing::PemPair leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    std::string cert_file = dir.write_file("cert.pem", leaf.cert_pem);
    std::string key_file = dir.write_file("key.pem", leaf.key_pem);
    EmulatorProcess emulator{emulator_args(7, {"--cert", cert_file, "--key", key_file})};
};

}  // namespace

TEST_CASE("HTTPS with the test's CA in --ca-bundle lists the backups", "[e2e][tls]") {
    TlsEmulator tls;
    REQUIRE(tls.emulator.url().rfind("https://", 0) == 0);
    Cli cli(tls.emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--ca-bundle", tls.ca_file});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 7)));
    CHECK(result.err.empty());
}

TEST_CASE("HTTPS with an untrusted certificate fails with exit 4 and a hint, without retrying",
          "[e2e][tls]") {
    TlsEmulator tls;
    Cli cli(tls.emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    CHECK(result.exit_code == 4);
    CHECK(result.out.empty());
    CHECK(result.err.find("certificate") != std::string::npos);
    CHECK(result.err.find("hint: ") != std::string::npos);
    CHECK(tls.emulator.stats()["requests"] == 0);
}

TEST_CASE("option --insecure skips verification and says so", "[e2e][tls]") {
    TlsEmulator tls;
    Cli cli(tls.emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--insecure"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.find("warning: --insecure") != std::string::npos);
    CHECK(BackupObject::parse(result.out).size() == 7);
}

TEST_CASE("a certificate for another host is refused", "[e2e][tls]") {
    TempDir dir;
    auto ca = testing::make_ca("test CA");
    auto leaf = testing::issue_certificate(ca, {"other.example.com"}, {});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    EmulatorProcess emulator(emulator_args(2, {"--cert", dir.write_file("c.pem", leaf.cert_pem),
                                               "--key", dir.write_file("k.pem", leaf.key_pem)}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "--ca-bundle", ca_file});
    INFO(result.describe());
    CHECK(result.exit_code == 4);
    CHECK(result.out.empty());
}
