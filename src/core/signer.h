// SPDX-License-Identifier: Apache-2.0
// UCloud-style request signing: parameters sorted by name in byte order, each name and value
// concatenated raw, the private key appended, SHA1 as lowercase hex.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/secret.h"

namespace tidb_backups {

// Request parameters in the order they were added; the signer sorts its own copy.
using Params = std::vector<std::pair<std::string, std::string>>;

// Lowercase hex SHA1 of `data` (OpenSSL's one-shot EVP digest).
std::string sha1_hex(std::string_view data);

// The signature of `params` (any "Signature" entry is ignored) under `private_key`.
std::string signature_of(const Params& params, std::string_view private_key);

class Signer {
  public:
    Signer(std::string public_key, Secret private_key);

    // `params` plus PublicKey and Signature, ready for the wire.
    Params sign(Params params) const;

    const std::string& public_key() const { return public_key_; }

  private:
    std::string public_key_;
    Secret private_key_;
};

}  // namespace tidb_backups
