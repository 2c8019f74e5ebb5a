// SPDX-License-Identifier: Apache-2.0
#include "core/packed_backups.h"

#include <limits>
#include <stdexcept>

namespace tidb_backups {

namespace {

constexpr std::size_t kBlockBytes = 256 * 1024;

std::uint32_t narrow(std::size_t value) {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("more backups held than a sort can take");
    }
    return static_cast<std::uint32_t>(value);
}

}  // namespace

void PackedBackups::add(std::size_t group, const BackupObject& backup) {
    scratch_.clear();
    BackupObject::to_msgpack(backup, nlohmann::detail::output_adapter<char>(scratch_));
    if (blocks_.empty() || blocks_.back().size() + scratch_.size() > kBlockBytes) {
        blocks_.emplace_back().reserve(std::max(kBlockBytes, scratch_.size()));
    }
    std::string& block = blocks_.back();
    held_.push_back(Held{narrow(group), narrow(blocks_.size() - 1), narrow(block.size()),
                         narrow(scratch_.size())});
    block += scratch_;
}

BackupObject PackedBackups::unpack(std::size_t index) const {
    const Held& held = held_[index];
    const char* start = blocks_[held.block].data() + held.offset;
    return BackupObject::from_msgpack(start, start + held.bytes);
}

PackedBackups::Mark PackedBackups::mark() const {
    return Mark{held_.size(), blocks_.size(), blocks_.empty() ? 0 : blocks_.back().size()};
}

void PackedBackups::truncate(const Mark& mark) {
    if (mark.held >= held_.size()) {
        return;
    }
    held_.resize(mark.held);
    blocks_.resize(mark.blocks);
    if (!blocks_.empty()) {
        blocks_.back().resize(mark.last_block_bytes);
    }
}

void PackedBackups::clear() {
    std::vector<Held>().swap(held_);
    std::vector<std::string>().swap(blocks_);
}

}  // namespace tidb_backups
