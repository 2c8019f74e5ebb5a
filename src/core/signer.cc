// SPDX-License-Identifier: Apache-2.0
#include "core/signer.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tidb_backups {

std::string sha1_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL could not compute SHA1");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(std::size_t{length} * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0x0f]);
    }
    return hex;
}

std::string signature_of(const Params& params, std::string_view private_key) {
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(params.size());
    for (const auto& param : params) {
        if (param.first != "Signature") {
            sorted.push_back(&param);
        }
    }
    // std::string compares with char_traits<char>, which compares as unsigned char: byte order.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string material;
    for (const auto* param : sorted) {
        material += param->first;
        material += param->second;
    }
    material += private_key;
    std::string hex = sha1_hex(material);
    OPENSSL_cleanse(material.data(), material.size());
    return hex;
}

Signer::Signer(std::string public_key, Secret private_key)
    : public_key_(std::move(public_key)), private_key_(std::move(private_key)) {}

Params Signer::sign(Params params) const {
    std::erase_if(params,
                  [](const auto& p) { return p.first == "PublicKey" || p.first == "Signature"; });
    params.emplace_back("PublicKey", public_key_);
    std::string signature = signature_of(params, private_key_.reveal());
    params.emplace_back("Signature", std::move(signature));
    return params;
}

}  // namespace tidb_backups
