// SPDX-License-Identifier: Apache-2.0
// Sockets with a deadline and a way out: name resolution, connecting, sending and receiving on
// non-blocking TCP sockets. Every wait is bounded by the attempt's deadline and ends at once
// when its Wakeup is cut (Ctrl-C); nothing here can raise SIGPIPE.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups::net {

using Clock = std::chrono::steady_clock;

// An eventfd that cut() makes readable, watched by every wait of the connection it guards.
class Wakeup {
  public:
    Wakeup();
    ~Wakeup();
    Wakeup(const Wakeup&) = delete;
    Wakeup& operator=(const Wakeup&) = delete;

    // Thread-safe and final: every wait in progress or to come ends with Io::Cut.
    void cut();
    bool is_cut() const;
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
    mutable std::mutex mutex_;
    bool cut_ = false;
};

enum class Io {
    Ok,
    WouldBlock,  // non-blocking: try again once the socket is ready
    TimedOut,    // the deadline passed
    Cut,         // the Wakeup was cut
    Closed,      // the peer ended the stream (EOF)
    Failed,      // an error; `error` holds errno, `detail` any more
};

struct IoResult {
    Io status = Io::Ok;
    std::size_t bytes = 0;
    int error = 0;
    std::string detail;
};

// Waits until `fd` reports `events` (POLLIN, POLLOUT), the deadline passes or `wakeup` is cut.
Io wait_for(int fd, short events, const Wakeup& wakeup, Clock::time_point deadline);

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

struct Resolution {
    Io status = Io::Ok;  // Ok, TimedOut, Cut or Failed
    int gai_error = 0;   // getaddrinfo's code when Failed
    std::vector<Address> addresses;
};

// The addresses of host:port. getaddrinfo cannot be interrupted, so a name is looked up on a
// thread of its own that a deadline or a cut leaves behind; numeric hosts need no thread.
Resolution resolve(const std::string& host, int port, const Wakeup& wakeup,
                   Clock::time_point deadline);

// A connected, non-blocking TCP socket (TCP_NODELAY), closed with the object.
class Socket {
  public:
    Socket() = default;
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket();
    Socket(Socket&& other) noexcept;
    Socket& operator=(Socket&& other) noexcept;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    int fd() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }

    // One send or recv, never blocking: WouldBlock when the socket is not ready.
    IoResult send_some(std::string_view data);
    IoResult receive_some(char* buffer, std::size_t size);

  private:
    int fd_ = -1;
};

struct Connected {
    Io status = Io::Ok;  // Ok, TimedOut, Cut or Failed (error: the last address's errno)
    int error = 0;
    Socket socket;
};

// Tries each address in turn until one accepts, all within the deadline.
Connected connect_any(const std::vector<Address>& addresses, const Wakeup& wakeup,
                      Clock::time_point deadline);

// A byte stream over a connection: plain TCP, or TLS over it.
class Stream {
  public:
    virtual ~Stream() = default;
    // Up to `size` bytes, waiting for at least one; Closed at the end of the stream.
    virtual IoResult read_some(char* buffer, std::size_t size, const Wakeup& wakeup,
                               Clock::time_point deadline) = 0;
    // All of `data`, or the reason it could not be sent.
    virtual IoResult write_all(std::string_view data, const Wakeup& wakeup,
                               Clock::time_point deadline) = 0;
    // Whether the stream can carry another request: open, and nothing unread has arrived
    // (a peer that closed an idle kept-alive connection has sent its end).
    virtual bool reusable() = 0;
};

class PlainStream final : public Stream {
  public:
    explicit PlainStream(Socket socket) : socket_(std::move(socket)) {}
    IoResult read_some(char* buffer, std::size_t size, const Wakeup& wakeup,
                       Clock::time_point deadline) override;
    IoResult write_all(std::string_view data, const Wakeup& wakeup,
                       Clock::time_point deadline) override;
    bool reusable() override;

    // Hands the socket on (to TLS, once a proxy tunnel is open).
    Socket release_socket() { return std::move(socket_); }

  private:
    Socket socket_;
};

}  // namespace tidb_backups::net
