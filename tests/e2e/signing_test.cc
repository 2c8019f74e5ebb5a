// SPDX-License-Identifier: Apache-2.0
// The signature on the wire, checked by nothing of the project's own: the request the real CLI
// sends (over a socket, and as --dry-run prints it) is decoded by hand here, the string to sign
// is written out by hand, and its SHA1 comes from the `openssl` command. The emulator verifies
// with the project's own signer, so only a check like this one catches a signer that is wrong
// in a way the emulator shares.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "cli_help.h"
#include "e2e.h"
#include "support/scripted_server.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// A cluster id with every character a form body or a signer can get wrong: spaces, '+' (a
// space in a form body), '&' and '=' (the body's separators), '%' (its escape) and non-ASCII
// (备份, UTF-8).
const std::string kId = "db cluster+1&role=primary 100% \xE5\xA4\x87\xE4\xBB\xBD";
const std::string kProjectId = "org 42&x=1";

// The parameters of `list --id kId --project-id kProjectId --limit 7 --offset 3`, as the API
// document names them, and the private key. Written out, not computed.
const std::map<std::string, std::string> kExpectedParams = {
    {"Action", "ListTiDBClusterBackup"},
    {"Region", "cn-zj"},
    {"Id", kId},
    {"Limit", "7"},
    {"Offset", "3"},
    {"ProjectId", kProjectId},
    {"PublicKey", "demo-public-key"},
};

// The string to sign for them, by hand: names in byte order (Action, Id, Limit, Offset,
// ProjectId, PublicKey, Region), each name followed by its raw value, nothing between, then the
// private key.
const std::string kStringToSign =
    "ActionListTiDBClusterBackup"
    "Id" +
    kId +
    "Limit7"
    "Offset3"
    "ProjectId" +
    kProjectId +
    "PublicKeydemo-public-key"
    "Regioncn-zj"
    "demo-private-key";

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// application/x-www-form-urlencoded, decoded here rather than by the project's form_decode:
// '+' is a space, %XX a byte.
std::string form_unescape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%') {
            REQUIRE(i + 2 < text.size());
            int high = hex_digit(text[i + 1]);
            int low = hex_digit(text[i + 2]);
            REQUIRE(high >= 0);
            REQUIRE(low >= 0);
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// name=value pairs split on '&' and the first '='; a name that comes twice fails the test.
std::map<std::string, std::string> decode_form(const std::string& body) {
    std::map<std::string, std::string> params;
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('&', start);
        if (end == std::string::npos) {
            end = body.size();
        }
        std::string pair = body.substr(start, end - start);
        std::size_t eq = pair.find('=');
        REQUIRE(eq != std::string::npos);
        auto [at, inserted] =
            params.emplace(form_unescape(pair.substr(0, eq)), form_unescape(pair.substr(eq + 1)));
        INFO("parameter " << at->first << " sent twice");
        CHECK(inserted);
        start = end + 1;
    }
    return params;
}

// SHA1 of `text` in lowercase hex, by the openssl command; "" if openssl is not installed.
std::string openssl_sha1(const std::string& text) {
    const std::string openssl = find_program("openssl");
    if (openssl.empty()) {
        return "";
    }
    testing::ProcessSpec spec;
    spec.argv = {openssl, "sha1"};
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.stdin_data = text;
    spec.timeout = std::chrono::seconds(20);
    testing::ProcessResult result = testing::run_process(spec);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    std::smatch digest;
    REQUIRE(std::regex_search(result.out, digest, std::regex("= ([0-9a-f]{40})\n$")));
    return digest[1];
}

// Checks one request body the CLI produced: the parameters are the expected ones, and the
// Signature is the SHA1 of the string to sign, by openssl.
void check_signed_body(const std::string& body, const std::string& expected_signature) {
    INFO("body: " << body);
    auto params = decode_form(body);
    REQUIRE(params.count("Signature") == 1);
    std::string signature = params["Signature"];
    params.erase("Signature");
    CHECK(params == kExpectedParams);
    CHECK(signature == expected_signature);
}

// The openssl digest the test compares with; marks the test skipped without openssl.
#define REQUIRE_OPENSSL_SIGNATURE(name)                                              \
    const std::string name = openssl_sha1(kStringToSign);                            \
    if (name.empty()) {                                                              \
        TIDB_SKIP("the openssl command is not installed (apt-get install openssl)"); \
    }

// The CLI's arguments for the request this file checks.
const std::vector<std::string> kArgs = {
    "list", "--id", kId, "--project-id", kProjectId, "--limit", "7", "--offset", "3", "-o", "json"};

// The page a server sends back: one backup at offset 3 of 4.
const std::string kPage =
    R"({"Action":"ListTiDBClusterBackupResponse","RetCode":0,"TotalCount":4,"Data":[)"
    R"({"BackupId":"bk-over-wire","BackupStartTime":1794989200,"BackupEndTime":1794991000,)"
    R"("BackupSize":1024,"State":"Success","BackupType":"Manual"}]})";

}  // namespace

TEST_CASE("the openssl command hashes the way this file expects", "[e2e][signing]") {
    // SHA1("abc") from FIPS 180-2, so a broken external hash cannot pass the tests below.
    const std::string openssl = find_program("openssl");
    if (openssl.empty()) {
        TIDB_SKIP("the openssl command is not installed (apt-get install openssl)");
    }
    CHECK(openssl_sha1("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("signing: the request sent over the wire is signed as the API document says",
          "[e2e][signing]") {
    REQUIRE_OPENSSL_SIGNATURE(expected_signature);
    std::mutex mutex;
    std::vector<std::string> bodies;
    std::vector<std::string> heads;
    testing::ScriptedServer server([&](testing::Peer& peer) {
        for (auto request = peer.read_request(); !request.head.empty();
             request = peer.read_request()) {
            {
                std::lock_guard lock(mutex);
                heads.push_back(request.head);
                bodies.push_back(request.body);
            }
            peer.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(kPage.size()) + "\r\n\r\n" + kPage);
        }
    });
    Cli cli(server.url());
    ProcessResult result = cli.run(kArgs);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("\"bk-over-wire\"") != std::string::npos);

    std::lock_guard lock(mutex);
    REQUIRE(bodies.size() == 1);
    CHECK(heads[0].rfind("POST / HTTP/1.1\r\n", 0) == 0);
    CHECK(heads[0].find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") !=
          std::string::npos);
    check_signed_body(bodies[0], expected_signature);
}

TEST_CASE("signing: --dry-run prints the request the wire gets, signed the same way",
          "[e2e][signing]") {
    REQUIRE_OPENSSL_SIGNATURE(expected_signature);
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    std::vector<std::string> args = kArgs;
    args.emplace_back("--dry-run");
    ProcessResult result = cli.run(args);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(emulator.stats()["requests"] == 0);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "POST " + emulator.url() + "/");
    CHECK(lines[1] == "Content-Type: application/x-www-form-urlencoded");
    CHECK(lines[3].empty());
    check_signed_body(lines[4], expected_signature);

    // And the emulator, which verifies with the project's signer, takes that very request.
    auto sent = cli.run(kArgs);
    INFO(sent.describe());
    REQUIRE(sent.exit_code == 0);
    auto stats = emulator.stats();
    CHECK(stats["signature_failures"] == 0);
    CHECK(stats["requests"] == 1);
    CHECK(stats["recent"][0]["Id"] == kId);
}
