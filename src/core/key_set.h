// SPDX-License-Identifier: Apache-2.0
// A set of byte strings that holds each in a few bytes more than its length, for telling apart
// every backup of a cluster while listing it (a std::unordered_set<std::string> takes about 110
// bytes per short key; this one about 25).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace tidb_backups {

// SipHash-2-4 of `data` under the 128-bit `key` (two little-endian 64-bit halves).
std::uint64_t siphash24(const std::array<std::uint64_t, 2>& key, std::string_view data);

// Keys of up to kMaxStoredKey bytes are kept as they are, so the set is exact for them; a longer
// key is kept as its SHA-256, so two such keys are told apart unless SHA-256 collides. Keys live
// one after another in blocks, and an open-addressing table points into them; the table's hash is
// keyed with a random key, so that a server cannot pick ids that all land in one place.
class KeySet {
  public:
    static constexpr std::size_t kMaxStoredKey = 64;

    KeySet();  // a random hash key
    explicit KeySet(const std::array<std::uint64_t, 2>& hash_key);

    // True when `key` was not in the set (and now is). Throws std::length_error past 4 GiB of
    // stored keys.
    bool insert(std::string_view key);

    std::size_t size() const { return size_; }
    // Empties the set and gives its memory back.
    void clear();

  private:
    struct Slot {
        std::uint32_t hash = 0;  // the low 32 bits of the key's hash
        std::uint32_t ref = 0;   // 1 + where the key's record starts; 0: empty
    };

    std::string_view record_at(std::uint32_t ref) const;
    std::uint32_t append(std::string_view record);
    void grow();

    std::array<std::uint64_t, 2> hash_key_;
    std::vector<Slot> slots_;  // a power of two long, or empty
    std::size_t size_ = 0;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_used_ = 0;  // bytes used in the last block
};

}  // namespace tidb_backups
