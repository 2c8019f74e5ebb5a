// SPDX-License-Identifier: Apache-2.0
// Backups held until a listing is complete (a sort needs every one before the first is written),
// each in its MessagePack form, back to back in blocks: about 170 bytes a backup, where the
// parsed object takes about 900. Unpacking gives back exactly the object packed: its keys in
// their order, numbers as they were, strings byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/backup.h"

namespace tidb_backups {

class PackedBackups {
  public:
    // `group`: which of the caller's lists the backup belongs to (the cluster's index).
    void add(std::size_t group, const BackupObject& backup);

    std::size_t size() const { return held_.size(); }
    std::size_t group(std::size_t index) const { return held_[index].group; }
    BackupObject unpack(std::size_t index) const;

    // Marks and truncation: what was added after a mark (a cluster that failed part-way) can be
    // taken back.
    struct Mark {
        std::size_t held = 0;
        std::size_t blocks = 0;
        std::size_t last_block_bytes = 0;
    };
    Mark mark() const;
    void truncate(const Mark& mark);
    void clear();

  private:
    struct Held {
        std::uint32_t group = 0;
        std::uint32_t block = 0;
        std::uint32_t offset = 0;
        std::uint32_t bytes = 0;
    };
    std::vector<Held> held_;
    std::vector<std::string> blocks_;
    std::string scratch_;  // one backup's MessagePack, before it goes into a block
};

}  // namespace tidb_backups
