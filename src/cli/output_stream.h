// SPDX-License-Identifier: Apache-2.0
// stdout as the tool writes it: a stream buffer over a file descriptor that checks every
// write(2), so a full disk, a pipe whose reader is gone or a closed stdout is noticed, with its
// errno, instead of being lost the way a failed std::cout is at exit.
#pragma once

#include <cstddef>
#include <streambuf>
#include <vector>

namespace tidb_backups {

class DescriptorBuffer final : public std::streambuf {
  public:
    explicit DescriptorBuffer(int fd, std::size_t capacity = std::size_t{64} * 1024);
    // Neither flushes nor closes: the owner does both and checks them (close()).
    ~DescriptorBuffer() override = default;
    DescriptorBuffer(const DescriptorBuffer&) = delete;
    DescriptorBuffer& operator=(const DescriptorBuffer&) = delete;

    // 0 while every write succeeded, else the errno of the first that failed. From then on
    // nothing more is written (the stream goes bad): a later write that succeeded would leave
    // a hole in the data rather than a clean end.
    int error() const { return error_; }

    // Writes what is buffered, then closes the descriptor, checking both (some file systems
    // report a failed write only at close). Returns error(). Later writes fail with EBADF.
    int close();

  protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* data, std::streamsize size) override;
    int sync() override;

  private:
    // Writes the buffered bytes and empties the buffer (also when the write fails).
    bool drain();
    // write(2) until all of `data` is written: retried on EINTR, waited for on EAGAIN (a
    // non-blocking descriptor inherited from the parent); the first other failure is kept.
    bool write_all(const char* data, std::size_t size);

    int fd_;
    std::vector<char> buffer_;
    int error_ = 0;
    bool closed_ = false;
};

}  // namespace tidb_backups
