// SPDX-License-Identifier: Apache-2.0
#include "cli/output_stream.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tidb_backups {

DescriptorBuffer::DescriptorBuffer(int fd, std::size_t capacity)
    : fd_(fd), buffer_(capacity == 0 ? 1 : capacity) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool DescriptorBuffer::write_all(const char* data, std::size_t size) {
    if (error_ == 0 && closed_) {
        error_ = EBADF;
    }
    while (error_ == 0 && size > 0) {
        ssize_t written = ::write(fd_, data, size);
        if (written > 0) {
            data += written;
            size -= static_cast<std::size_t>(written);
        } else if (written < 0 && errno == EINTR) {
            continue;
        } else if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd ready{fd_, POLLOUT, 0};
            ::poll(&ready, 1, -1);  // EINTR or an error: the next write says what it is
        } else {
            error_ = written < 0 ? errno : EIO;  // write(2) never returns 0 for a non-empty write
        }
    }
    return error_ == 0;
}

bool DescriptorBuffer::drain() {
    const auto pending = static_cast<std::size_t>(pptr() - pbase());
    bool written = write_all(pbase(), pending);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return written;
}

DescriptorBuffer::int_type DescriptorBuffer::overflow(int_type c) {
    if (!drain()) {
        return traits_type::eof();
    }
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
        *pptr() = traits_type::to_char_type(c);
        pbump(1);
    }
    return traits_type::not_eof(c);
}

std::streamsize DescriptorBuffer::xsputn(const char* data, std::streamsize size) {
    if (error_ != 0 || size <= 0) {
        return error_ != 0 ? 0 : size;
    }
    const auto length = static_cast<std::size_t>(size);
    if (length > static_cast<std::size_t>(epptr() - pptr())) {
        if (!drain()) {
            return 0;
        }
        if (length >= buffer_.size()) {
            return write_all(data, length) ? size : 0;  // too big to buffer: written as it is
        }
    }
    std::memcpy(pptr(), data, length);
    pbump(static_cast<int>(length));  // less than the buffer's capacity
    return size;
}

int DescriptorBuffer::sync() {
    return drain() ? 0 : -1;
}

int DescriptorBuffer::close() {
    drain();
    if (!closed_) {
        closed_ = true;
        // Linux closes the descriptor even when close() reports EINTR: nothing to retry.
        if (::close(fd_) != 0 && errno != EINTR && error_ == 0) {
            error_ = errno;
        }
    }
    return error_;
}

}  // namespace tidb_backups
