// SPDX-License-Identifier: Apache-2.0
#include "core/key_set.h"

#include <openssl/evp.h>

#include <bit>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>

namespace tidb_backups {

namespace {

// A record is a length byte and the key, or kDigestMark and the key's SHA-256.
constexpr unsigned char kDigestMark = 0xff;
constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kMaxRecord = 1 + KeySet::kMaxStoredKey;
static_assert(1 + kDigestBytes <= kMaxRecord);

constexpr std::size_t kBlockBytes = 64 * 1024;
// Records are addressed by a 32-bit offset across the blocks.
constexpr std::size_t kMaxBlocks = (std::size_t{1} << 32) / kBlockBytes - 1;

constexpr std::size_t kFirstSlots = 64;

std::uint64_t load_le64(const unsigned char* bytes) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | bytes[i];
    }
    return value;
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;

    void round() {
        v0 += v1;
        v1 = std::rotl(v1, 13);
        v1 ^= v0;
        v0 = std::rotl(v0, 32);
        v2 += v3;
        v3 = std::rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = std::rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = std::rotl(v1, 17);
        v1 ^= v2;
        v2 = std::rotl(v2, 32);
    }

    void absorb(std::uint64_t word) {
        v3 ^= word;
        round();
        round();
        v0 ^= word;
    }
};

std::array<std::uint64_t, 2> random_hash_key() {
    std::random_device device;  // getrandom(2) on Linux
    std::array<std::uint64_t, 2> key{};
    for (auto& half : key) {
        half = (std::uint64_t{device()} << 32) | device();
    }
    return key;
}

// What the set stores for `key` (see kDigestMark), in `buffer`.
std::string_view record_of(std::string_view key, std::array<char, kMaxRecord>& buffer) {
    if (key.size() <= KeySet::kMaxStoredKey) {
        buffer[0] = static_cast<char>(key.size());
        std::memcpy(buffer.data() + 1, key.data(), key.size());
        return {buffer.data(), 1 + key.size()};
    }
    unsigned int length = 0;
    if (EVP_Digest(key.data(), key.size(), reinterpret_cast<unsigned char*>(buffer.data() + 1),
                   &length, EVP_sha256(), nullptr) != 1 ||
        length != kDigestBytes) {
        throw std::runtime_error("OpenSSL could not compute SHA-256");
    }
    buffer[0] = static_cast<char>(kDigestMark);
    return {buffer.data(), 1 + kDigestBytes};
}

}  // namespace

std::uint64_t siphash24(const std::array<std::uint64_t, 2>& key, std::string_view data) {
    SipState state{0x736f6d6570736575ULL ^ key[0], 0x646f72616e646f6dULL ^ key[1],
                   0x6c7967656e657261ULL ^ key[0], 0x7465646279746573ULL ^ key[1]};
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t whole = data.size() / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8) {
        state.absorb(load_le64(bytes + i));
    }
    std::uint64_t last = std::uint64_t{data.size() & 0xff} << 56;
    for (std::size_t i = whole; i < data.size(); ++i) {
        last |= std::uint64_t{bytes[i]} << (8 * (i - whole));
    }
    state.absorb(last);
    state.v2 ^= 0xff;
    for (int i = 0; i < 4; ++i) {
        state.round();
    }
    return state.v0 ^ state.v1 ^ state.v2 ^ state.v3;
}

KeySet::KeySet() : KeySet(random_hash_key()) {}

KeySet::KeySet(const std::array<std::uint64_t, 2>& hash_key) : hash_key_(hash_key) {}

std::string_view KeySet::record_at(std::uint32_t ref) const {
    const std::size_t at = ref - 1;
    const char* start = blocks_[at / kBlockBytes].get() + at % kBlockBytes;
    const auto head = static_cast<unsigned char>(start[0]);
    return {start, 1 + (head == kDigestMark ? kDigestBytes : head)};
}

std::uint32_t KeySet::append(std::string_view record) {
    if (blocks_.empty() || block_used_ + record.size() > kBlockBytes) {
        if (blocks_.size() >= kMaxBlocks) {
            throw std::length_error("KeySet: more than 4 GiB of keys");
        }
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
        block_used_ = 0;
    }
    std::memcpy(blocks_.back().get() + block_used_, record.data(), record.size());
    const std::size_t at = (blocks_.size() - 1) * kBlockBytes + block_used_;
    block_used_ += record.size();
    return static_cast<std::uint32_t>(at + 1);
}

// Doubles the table; at most four slots in five are ever in use.
void KeySet::grow() {
    std::vector<Slot> old(slots_.empty() ? kFirstSlots : slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
        if (slot.ref == 0) {
            continue;
        }
        std::size_t at = slot.hash & mask;
        while (slots_[at].ref != 0) {
            at = (at + 1) & mask;
        }
        slots_[at] = slot;
    }
}

bool KeySet::insert(std::string_view key) {
    if ((size_ + 1) * 5 > slots_.size() * 4) {
        grow();
    }
    std::array<char, kMaxRecord> buffer;
    const std::string_view record = record_of(key, buffer);
    const auto hash = static_cast<std::uint32_t>(siphash24(hash_key_, record));
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = hash & mask;
    for (; slots_[at].ref != 0; at = (at + 1) & mask) {
        if (slots_[at].hash == hash && record_at(slots_[at].ref) == record) {
            return false;
        }
    }
    slots_[at] = Slot{hash, append(record)};
    ++size_;
    return true;
}

void KeySet::clear() {
    std::vector<Slot>().swap(slots_);
    std::vector<std::unique_ptr<char[]>>().swap(blocks_);
    block_used_ = 0;
    size_ = 0;
}

}  // namespace tidb_backups
