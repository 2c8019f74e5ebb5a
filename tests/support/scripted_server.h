// SPDX-License-Identifier: Apache-2.0
// A loopback TCP server whose every connection runs a script the test writes: real sockets for
// peers that misbehave on purpose (a proxy that never ends its answer, a server that floods
// headers, trickles a body or never speaks). Stopping it ends every script at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tidb_backups::testing {

class ScriptedServer;

// One HTTP request as it came over the wire.
struct WireRequest {
    std::string head;  // through the empty line
    std::string body;  // exactly Content-Length bytes
};

// One accepted connection, as a script sees it. Every call returns early once the server
// stops; none raises SIGPIPE.
class Peer {
  public:
    // The request head (through the empty line; at most 1 MiB), or "" if the client left first.
    std::string read_head();
    // The next request on the connection, its body read to the Content-Length the head gives
    // (none: no body; at most 1 MiB). An empty head if the client left or the server stopped
    // before a whole request came.
    WireRequest read_request();
    // Reads until the client closes or the server stops; returns what came.
    std::string read_until_closed();
    // False once the client has gone (or the server stops).
    bool send(std::string_view bytes);
    // Waits `delay`, or less if the server stops; false when it stopped.
    bool pause(std::chrono::milliseconds delay);
    // Keeps the connection open, reading and dropping what comes, until the client closes it
    // or the server stops.
    void hold();
    int fd() const { return fd_; }

  private:
    friend class ScriptedServer;
    Peer(int fd, const ScriptedServer& server) : fd_(fd), server_(server) {}
    // Waits for `events` on the socket; false when the server stopped first.
    bool wait(short events, int timeout_ms = -1);

    // Receives what is there into `into`; false when the client left or the server stopped.
    bool receive(std::string& into);

    int fd_;
    const ScriptedServer& server_;
    std::string pending_;  // bytes read past the end of the last request
};

class ScriptedServer {
  public:
    using Script = std::function<void(Peer& peer)>;

    // Listens on 127.0.0.1, a free port; each connection gets a thread running `script`.
    explicit ScriptedServer(Script script);
    // Stops: the listener and every connection are shut, every script returns, threads join.
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    int port() const { return port_; }
    std::string url(std::string_view scheme = "http") const;

    // Connections accepted so far.
    int connections() const { return accepted_.load(); }
    // Scripts that have returned so far.
    int finished() const { return finished_.load(); }
    // Waits (up to `limit`) until `count` connections were accepted; false if they were not.
    bool wait_for_connections(int count,
                              std::chrono::milliseconds limit = std::chrono::seconds(20)) const;
    // The time between accepting a connection and its script returning, for each finished one.
    std::vector<std::chrono::milliseconds> durations() const;

  private:
    friend class Peer;
    void accept_loop();

    Script script_;
    int listener_ = -1;
    int stop_ = -1;  // an eventfd: readable once the server stops
    int port_ = 0;
    std::atomic<int> accepted_{0};
    std::atomic<int> finished_{0};
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<int> open_fds_;
    std::vector<std::chrono::milliseconds> durations_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace tidb_backups::testing
