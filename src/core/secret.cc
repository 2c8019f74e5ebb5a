// SPDX-License-Identifier: Apache-2.0
#include "core/secret.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <openssl/crypto.h>

namespace tidb_backups {

Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        wipe();
        value_ = other.value_;
    }
    return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

void Secret::wipe() noexcept {
    // OPENSSL_cleanse cannot be optimised away, unlike a plain memset before destruction.
    if (!value_.empty()) {
        OPENSSL_cleanse(value_.data(), value_.size());
    }
    value_.clear();
}

bool keep_secrets_out_of_core_dumps() {
    rlimit none{0, 0};
    bool limited = ::setrlimit(RLIMIT_CORE, &none) == 0;
    bool undumpable = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
    return limited && undumpable;
}

}  // namespace tidb_backups
