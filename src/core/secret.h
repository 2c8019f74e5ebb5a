// SPDX-License-Identifier: Apache-2.0
// A string that must never be printed: the private key. It has no stream operator, is wiped
// when destroyed, and can only be read through an explicit call.
#pragma once

#include <string>
#include <string_view>

namespace tidb_backups {

class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& other) : value_(other.value_) {}
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
    Secret& operator=(const Secret& other);
    Secret& operator=(Secret&& other) noexcept;
    ~Secret() { wipe(); }

    bool empty() const { return value_.empty(); }
    std::string_view reveal() const { return value_; }
    void wipe() noexcept;

  private:
    std::string value_;
};

// Makes sure no core dump carries the private key out of this process: the core size limit
// goes to 0 and the process becomes non-dumpable (which also keeps other processes of the same
// user from attaching a debugger). Best effort: false if the kernel refused either.
bool keep_secrets_out_of_core_dumps();

}  // namespace tidb_backups
