// SPDX-License-Identifier: Apache-2.0
// DescriptorBuffer: every byte reaches the descriptor, in order; the first failed write is kept
// with its errno, the stream goes bad, and nothing is written after it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>
#include <thread>

#include "cli/output_stream.h"

using namespace tidb_backups;

namespace {

// A pipe; both ends closed when it goes.
struct Pipe {
    Pipe() { REQUIRE(pipe2(fds, O_CLOEXEC) == 0); }
    ~Pipe() {
        close_read();
        if (fds[1] >= 0) {
            ::close(fds[1]);
        }
    }
    void close_read() {
        if (fds[0] >= 0) {
            ::close(fds[0]);
            fds[0] = -1;
        }
    }
    int fds[2] = {-1, -1};
};

// Everything readable from `fd` until its writer closes.
std::string read_all(int fd) {
    std::string text;
    char chunk[4096];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) {
        text.append(chunk, static_cast<std::size_t>(n));
    }
    return text;
}

// SIGPIPE ignored while it lives, as main sets it, so a write to a closed pipe fails with EPIPE.
struct SigpipeIgnored {
    SigpipeIgnored() { old = signal(SIGPIPE, SIG_IGN); }
    ~SigpipeIgnored() { signal(SIGPIPE, old); }
    sighandler_t old;
};

}  // namespace

TEST_CASE("DescriptorBuffer writes small and large pieces in order", "[output]") {
    Pipe pipe;
    std::string received;
    std::thread reader([&] { received = read_all(pipe.fds[0]); });
    std::string expected;
    {
        DescriptorBuffer buffer(pipe.fds[1], 16);  // a tiny buffer: every path is taken
        std::ostream out(&buffer);
        const std::string big(100000, 'b');
        for (int i = 0; i < 50; ++i) {
            out << i << ',';
            expected += std::to_string(i) + ",";
        }
        out << big << 'x' << std::string(15, 'y');
        expected += big + "x" + std::string(15, 'y');
        CHECK(out.good());
        CHECK(buffer.close() == 0);
        pipe.fds[1] = -1;  // closed by the buffer
    }
    reader.join();
    CHECK(received == expected);
}

TEST_CASE("DescriptorBuffer keeps the errno of a full disk and writes nothing after", "[output]") {
    int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    DescriptorBuffer buffer(fd, 64);
    std::ostream out(&buffer);
    out << "small";  // buffered: nothing known yet
    CHECK(out.good());
    CHECK(buffer.error() == 0);
    out << std::flush;
    CHECK(out.bad());
    CHECK(buffer.error() == ENOSPC);
    CHECK(buffer.close() == ENOSPC);
}

TEST_CASE("DescriptorBuffer reports a pipe whose reader is gone as EPIPE", "[output]") {
    SigpipeIgnored ignored;
    Pipe pipe;
    pipe.close_read();
    DescriptorBuffer buffer(pipe.fds[1], 64);
    std::ostream out(&buffer);
    out << std::string(1000, 'z');  // larger than the buffer: written at once
    CHECK(out.bad());
    CHECK(buffer.error() == EPIPE);
}

TEST_CASE("DescriptorBuffer stops at the first failure even if writing could resume", "[output]") {
    SigpipeIgnored ignored;
    Pipe pipe;
    std::string received;
    DescriptorBuffer buffer(pipe.fds[1], 8);
    std::ostream out(&buffer);
    out << "first" << std::flush;
    // The descriptor fails once (read-only /dev/null put in its place), then works again.
    int saved = ::dup(pipe.fds[1]);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::dup2(null, pipe.fds[1]);
    out << "second" << std::flush;
    CHECK(buffer.error() == EBADF);
    ::dup2(saved, pipe.fds[1]);
    ::close(saved);
    ::close(null);
    out.clear();
    out << "third" << std::flush;
    CHECK(out.bad());
    CHECK(buffer.close() == EBADF);
    pipe.fds[1] = -1;
    CHECK(read_all(pipe.fds[0]) == "first");
}

TEST_CASE("DescriptorBuffer: nothing is written after close", "[output]") {
    Pipe pipe;
    DescriptorBuffer buffer(pipe.fds[1]);
    std::ostream out(&buffer);
    out << "all";
    CHECK(buffer.close() == 0);
    pipe.fds[1] = -1;
    out << "more" << std::flush;
    CHECK(out.bad());
    CHECK(buffer.error() == EBADF);
    CHECK(read_all(pipe.fds[0]) == "all");
}
