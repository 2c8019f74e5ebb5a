// SPDX-License-Identifier: Apache-2.0
// A loopback TCP client that misbehaves on purpose, for tests of a server's bounds: it sends
// half a request and stops, sends headers that never end, or connects and says nothing. Real
// sockets, every wait bounded, nothing raises SIGPIPE.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace tidb_backups::testing {

class RawClient {
  public:
    // Connects to 127.0.0.1:port; throws std::runtime_error if it cannot.
    explicit RawClient(int port);
    ~RawClient();
    RawClient(RawClient&& other) noexcept;
    RawClient& operator=(RawClient&& other) noexcept;
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    int fd() const { return fd_; }

    // Sends all of `bytes` within `limit`; false if the server closed or reset the connection
    // first, or the limit passed.
    bool send(std::string_view bytes,
              std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

    // Waits up to `limit` for bytes and returns what came ("" at the limit or the end).
    std::string receive(std::chrono::milliseconds limit);

    // Reads until the server ends the connection (a FIN or a reset); true if it did within
    // `limit`. What arrived meanwhile is appended to `received`.
    bool wait_closed(std::chrono::milliseconds limit, std::string* received = nullptr);

    // Whether the server reset the connection (as opposed to closing it), once it ended.
    bool was_reset() const { return reset_; }

    struct Flood {
        std::size_t sent = 0;  // bytes the server took
        std::string received;  // what the server sent meanwhile
        bool closed = false;   // the server ended the connection before `max_bytes` went
    };
    // Sends `first`, then `line` over and over, reading what the server says meanwhile, until
    // the server ends the connection, `max_bytes` are sent, or `limit` passes.
    Flood flood(std::string_view first, std::string_view line, std::size_t max_bytes,
                std::chrono::milliseconds limit);

  private:
    // One non-blocking read into `into`; false once the connection has ended.
    bool read_available(std::string& into);

    int fd_ = -1;
    bool ended_ = false;
    bool reset_ = false;
};

// Raises this process's soft limit on open descriptors towards `wanted` (up to the hard limit)
// and returns the soft limit now in force: descriptors a test may open, with its children.
std::size_t raise_open_file_limit(std::size_t wanted);

// The peak resident set (VmHWM) of process `pid` in KiB, read from /proc; 0 if unknown.
long peak_rss_kb_of(int pid);

}  // namespace tidb_backups::testing
