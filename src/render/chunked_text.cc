// SPDX-License-Identifier: Apache-2.0
#include "render/chunked_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace tidb_backups {

namespace {

// An unlinked file for reading and writing in `dir`, or -1.
int unlinked_file(const std::string& dir) {
#ifdef O_TMPFILE
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
        return fd;
    }
#endif
    std::string name = dir + "/tidb-backups-held-XXXXXX";
    int fd_named = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_named >= 0) {
        ::unlink(name.c_str());
    }
    return fd_named;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

ChunkedText::ChunkedText(std::optional<std::size_t> spill_after, std::string spill_dir)
    : spill_after_(spill_after), spill_dir_(std::move(spill_dir)) {
    if (spill_dir_.empty()) {
        const char* tmpdir = std::getenv("TMPDIR");
        spill_dir_ = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    }
}

ChunkedText::~ChunkedText() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void ChunkedText::append(std::string_view text) {
    while (!text.empty()) {
        if (chunks_.empty() || chunks_.back().size() == kChunkBytes) {
            chunks_.emplace_back();
            chunks_.back().reserve(kChunkBytes);
        }
        std::string& last = chunks_.back();
        const std::size_t taken = std::min(text.size(), kChunkBytes - last.size());
        last.append(text.substr(0, taken));
        held_ += taken;
        text.remove_prefix(taken);
        // Once spilling, the file takes each chunk as it fills up.
        const bool over =
            spill_after_ && (fd_ >= 0 ? last.size() == kChunkBytes : held_ > *spill_after_);
        if (over && !spill_failed_) {
            spill();
        }
    }
}

bool ChunkedText::spill() {
    if (fd_ < 0) {
        fd_ = unlinked_file(spill_dir_);
        if (fd_ < 0) {
            spill_failed_ = true;
            return false;
        }
    }
    for (const std::string& chunk : chunks_) {
        if (!write_all(fd_, chunk)) {
            // Whatever part went is cut off again: the text stays whole in memory.
            if (::ftruncate(fd_, static_cast<off_t>(spilled_)) != 0 ||
                ::lseek(fd_, static_cast<off_t>(spilled_), SEEK_SET) < 0) {
                broken_ = true;
            }
            spill_failed_ = true;
            return false;
        }
    }
    spilled_ += held_;
    held_ = 0;
    chunks_.clear();
    return true;
}

void ChunkedText::truncate(Mark mark) {
    if (mark >= size()) {
        return;  // nothing was appended after it
    }
    if (mark >= spilled_) {
        const std::size_t keep = mark - spilled_;
        chunks_.resize(keep / kChunkBytes + (keep % kChunkBytes != 0 ? 1 : 0));
        if (!chunks_.empty()) {
            chunks_.back().resize(keep - (chunks_.size() - 1) * kChunkBytes);
        }
        held_ = keep;
        return;
    }
    chunks_.clear();
    held_ = 0;
    if (::ftruncate(fd_, static_cast<off_t>(mark)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(mark), SEEK_SET) < 0) {
        broken_ = true;
    }
    spilled_ = mark;
}

void ChunkedText::write_to(std::ostream& out) const {
    if (broken_) {
        out.setstate(std::ios::badbit);
        return;
    }
    std::string buffer(std::min<std::size_t>(spilled_, kChunkBytes), '\0');
    for (std::size_t at = 0; at < spilled_;) {
        const ssize_t n = ::pread(fd_, buffer.data(), std::min(buffer.size(), spilled_ - at),
                                  static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            out.setstate(std::ios::badbit);
            return;
        }
        out.write(buffer.data(), n);
        at += static_cast<std::size_t>(n);
    }
    for (const std::string& chunk : chunks_) {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
}

void ChunkedText::clear() {
    chunks_.clear();
    held_ = 0;
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    spilled_ = 0;
    broken_ = false;
}

}  // namespace tidb_backups
