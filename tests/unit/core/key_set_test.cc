// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "core/key_set.h"

using namespace tidb_backups;

namespace {

// 00 01 02 ... 0f, as the two halves of the SipHash paper's test key.
constexpr std::array<std::uint64_t, 2> kPaperKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

std::string counting_bytes(std::size_t length) {
    std::string bytes;
    for (std::size_t i = 0; i < length; ++i) {
        bytes.push_back(static_cast<char>(i));
    }
    return bytes;
}

// SipHash-2-4 as OpenSSL computes it: an implementation independent of ours.
std::uint64_t openssl_siphash(const std::array<std::uint64_t, 2>& key, const std::string& data) {
    std::array<unsigned char, 16> key_bytes{};
    for (std::size_t i = 0; i < 16; ++i) {
        key_bytes[i] = static_cast<unsigned char>(key[i / 8] >> (8 * (i % 8)));
    }
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
    REQUIRE(mac != nullptr);
    EVP_MAC_CTX* context = EVP_MAC_CTX_new(mac);
    REQUIRE(context != nullptr);
    unsigned int size = 8;
    std::array<OSSL_PARAM, 2> params{OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size),
                                     OSSL_PARAM_construct_end()};
    REQUIRE(EVP_MAC_init(context, key_bytes.data(), key_bytes.size(), params.data()) == 1);
    REQUIRE(EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1);
    std::array<unsigned char, 8> out{};
    std::size_t written = 0;
    REQUIRE(EVP_MAC_final(context, out.data(), &written, out.size()) == 1);
    REQUIRE(written == 8);
    EVP_MAC_CTX_free(context);
    EVP_MAC_free(mac);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | out[static_cast<std::size_t>(i)];
    }
    return value;
}

}  // namespace

TEST_CASE("siphash24 gives the SipHash paper's vectors", "[key_set]") {
    // Appendix A of the paper: the 15-byte message 00 01 ... 0e.
    CHECK(siphash24(kPaperKey, counting_bytes(15)) == 0xa129ca6149be45e5ULL);
    // The reference implementation's vectors.h, first entry: the empty message.
    CHECK(siphash24(kPaperKey, "") == 0x726fdb47dd0e0e31ULL);
}

TEST_CASE("siphash24 agrees with OpenSSL's SipHash for every tail length", "[key_set]") {
    std::mt19937_64 random(20261204);
    for (std::size_t length = 0; length <= 80; ++length) {
        const std::array<std::uint64_t, 2> key{random(), random()};
        std::string data;
        for (std::size_t i = 0; i < length; ++i) {
            data.push_back(static_cast<char>(random()));
        }
        INFO("length " << length);
        CHECK(siphash24(key, data) == openssl_siphash(key, data));
    }
}

TEST_CASE("a key set tells new keys from keys it holds", "[key_set]") {
    KeySet set;
    CHECK(set.insert("bk-1"));
    CHECK(set.insert("bk-2"));
    CHECK_FALSE(set.insert("bk-1"));
    CHECK(set.insert(""));
    CHECK_FALSE(set.insert(""));
    // A key that is a prefix of another, and keys with NUL bytes, are their own keys.
    CHECK(set.insert("bk-"));
    CHECK(set.insert(std::string("bk-1\0", 5)));
    CHECK_FALSE(set.insert(std::string("bk-1\0", 5)));
    CHECK(set.size() == 5);
}

TEST_CASE("a key set holds keys past the stored length by digest, still apart", "[key_set]") {
    KeySet set;
    const std::string longest(KeySet::kMaxStoredKey, 'x');
    const std::string digested = longest + "y";
    CHECK(set.insert(longest));
    CHECK(set.insert(digested));
    CHECK_FALSE(set.insert(longest));
    CHECK_FALSE(set.insert(digested));
    // Long keys that differ only in their last byte, or only in length.
    const std::string big(100000, 'a');
    CHECK(set.insert(big));
    CHECK(set.insert(big.substr(0, big.size() - 1) + "b"));
    CHECK(set.insert(big + "a"));
    CHECK_FALSE(set.insert(big));
    CHECK(set.size() == 5);
}

TEST_CASE("a key set agrees with std::set over many keys, across its growth", "[key_set]") {
    // A fixed hash key, so that a failure comes back the same every run.
    KeySet set({0x0123456789abcdefULL, 0xfedcba9876543210ULL});
    std::set<std::string> reference;
    std::mt19937 random(7);
    std::uniform_int_distribution<int> length(0, 90);
    std::uniform_int_distribution<int> letter('a', 'd');  // few letters: many repeats
    for (int i = 0; i < 60000; ++i) {
        std::string key(static_cast<std::size_t>(length(random) % 7), ' ');
        if (i % 10 == 0) {
            key.resize(static_cast<std::size_t>(length(random)), 'z');
        }
        for (char& c : key) {
            c = static_cast<char>(letter(random));
        }
        key += std::to_string(i % 20000);
        const bool is_new = reference.insert(key).second;
        INFO("key " << key);
        REQUIRE(set.insert(key) == is_new);
    }
    CHECK(set.size() == reference.size());
}

TEST_CASE("a cleared key set is empty and takes keys again", "[key_set]") {
    KeySet set;
    for (int i = 0; i < 1000; ++i) {
        set.insert("bk-" + std::to_string(i));
    }
    set.clear();
    CHECK(set.size() == 0);
    CHECK(set.insert("bk-7"));
    CHECK_FALSE(set.insert("bk-7"));
    CHECK(set.size() == 1);
}
