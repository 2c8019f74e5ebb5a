// SPDX-License-Identifier: Apache-2.0
// Text held back before it is written (the json array until the listing is complete), so that a
// listing that fails or is interrupted never leaves half a document on stdout. It is held in
// chunks of at most kChunkBytes, so growing it never copies what it holds (one doubling
// std::string takes up to three times its size while it grows); past `spill_after` bytes it
// moves to an unlinked file in TMPDIR (or /tmp) and only the last chunk stays in memory, so a
// million backups take no more memory than a thousand. Should that file fail (no TMPDIR, a full
// disk), the text stays in memory. What was appended after a mark can be taken back.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups {

class ChunkedText {
  public:
    static constexpr std::size_t kChunkBytes = std::size_t{256} << 10;
    static constexpr std::size_t kSpillAfter = std::size_t{1} << 20;

    // `spill_after`: bytes held in memory before the rest goes to a file (nullopt: never).
    // `spill_dir`: where the file is made (empty: TMPDIR, else /tmp).
    explicit ChunkedText(std::optional<std::size_t> spill_after = kSpillAfter,
                         std::string spill_dir = {});
    ~ChunkedText();
    ChunkedText(const ChunkedText&) = delete;
    ChunkedText& operator=(const ChunkedText&) = delete;

    void append(std::string_view text);
    std::size_t size() const { return spilled_ + held_; }
    // Bytes in the file, for the tests.
    std::size_t spilled() const { return spilled_; }

    // A mark is the size at the time.
    using Mark = std::size_t;
    Mark mark() const { return size(); }
    // Forgets everything appended after `mark` (a mark of this text, taken since the last clear).
    void truncate(Mark mark);

    // Writes the text in order. A failure to read the file back sets `out`'s badbit: the caller
    // sees it as a failed write.
    void write_to(std::ostream& out) const;
    void clear();

  private:
    // Moves the chunks in memory to the end of the file; false (and nothing moved) if the file
    // cannot be made or written, and then it is not tried again.
    bool spill();

    std::optional<std::size_t> spill_after_;
    std::string spill_dir_;
    std::vector<std::string> chunks_;  // what follows the file's bytes; all but the last full
    std::size_t held_ = 0;             // bytes in chunks_
    int fd_ = -1;
    std::size_t spilled_ = 0;  // bytes in the file, which come first
    bool spill_failed_ = false;
    bool broken_ = false;  // the file could not be cut back: the text is lost
};

}  // namespace tidb_backups
