// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/form.h"
#include "core/signer.h"

using namespace tidb_backups;

namespace {
const char* kPublicKey = "ucloudsomeone@example.com1296235120854146120";
const char* kPrivateKey = "46f09bb9fab4f12dfc160dae12273d5332b5debe";
}  // namespace

TEST_CASE("signature matches the first official vector", "[signer]") {
    Params params = {{"Action", "DescribeUHostInstance"},
                     {"Region", "cn-bj2"},
                     {"Limit", "10"},
                     {"PublicKey", kPublicKey}};
    CHECK(signature_of(params, kPrivateKey) == "cba5cf5ec4d4233d206b1b54951e3787350a642f");
}

TEST_CASE("signature matches the second official vector, sorted in byte order", "[signer]") {
    // Given in an order where a case-insensitive sort would put ChargeType before CPU.
    Params params = {{"Action", "CreateUHostInstance"},
                     {"ChargeType", "Month"},
                     {"CPU", "2"},
                     {"DiskSpace", "10"},
                     {"ImageId", "f43736e1-65a5-4bea-ad2e-8a46e18883c2"},
                     {"LoginMode", "Password"},
                     {"Memory", "2048"},
                     {"Name", "Host01"},
                     {"Password", "VUNsb3VkLmNu"},
                     {"PublicKey", kPublicKey},
                     {"Quantity", "1"},
                     {"Region", "cn-bj2"},
                     {"Zone", "cn-bj2-04"}};
    CHECK(signature_of(params, kPrivateKey) == "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65");
}

TEST_CASE("an existing Signature parameter does not take part in signing", "[signer]") {
    Params params = {{"Action", "DescribeUHostInstance"},
                     {"Region", "cn-bj2"},
                     {"Limit", "10"},
                     {"PublicKey", kPublicKey},
                     {"Signature", "stale"}};
    CHECK(signature_of(params, kPrivateKey) == "cba5cf5ec4d4233d206b1b54951e3787350a642f");
}

TEST_CASE("Signer adds PublicKey and a Signature computed over the raw values", "[signer]") {
    Signer signer(kPublicKey, Secret(kPrivateKey));
    Params signed_params =
        signer.sign({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}});
    REQUIRE(signed_params.size() == 5);
    CHECK(signed_params[3] == std::pair<std::string, std::string>{"PublicKey", kPublicKey});
    CHECK(signed_params[4] == std::pair<std::string, std::string>{
                                  "Signature", "cba5cf5ec4d4233d206b1b54951e3787350a642f"});
}

TEST_CASE("values with reserved and non-ASCII characters are signed raw and survive the wire",
          "[signer][form]") {
    const std::string id = "a+b c/d@e&f=1%20\xE5\xA4\x87\xE4\xBB\xBD";  // ends in 备份
    Signer signer(kPublicKey, Secret(kPrivateKey));
    Params params = signer.sign({{"Action", "ListTiDBClusterBackup"}, {"Id", id}});
    std::string body = form_encode(params);
    CHECK(body.find(' ') == std::string::npos);
    CHECK(body.find("a+b") == std::string::npos);
    auto decoded = form_decode(body);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == params);
    // What the server recomputes from the decoded values equals what was sent.
    CHECK(signature_of(*decoded, kPrivateKey) == params.back().second);
    // The raw value is what was signed: signing the encoded text would give another signature.
    Params encoded_variant = {
        {"Action", "ListTiDBClusterBackup"}, {"Id", percent_encode(id)}, {"PublicKey", kPublicKey}};
    CHECK(signature_of(encoded_variant, kPrivateKey) != params.back().second);
}

TEST_CASE("sha1_hex is lowercase hex of the digest", "[signer]") {
    CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
}
