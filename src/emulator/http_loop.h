// SPDX-License-Identifier: Apache-2.0
// The inside of HttpServer (emulator/http_server.h): its one event loop, with the bounds and
// states it works by. Private to the server's files: http_server.cc (listening, connections,
// timers), http_requests.cc (reading requests, handing them to the handler) and
// http_answers.cc (writing answers out, closing).
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "emulator/http_server.h"
#include "emulator/tls_server.h"

namespace tidb_backups::emulator {

using Clock = std::chrono::steady_clock;

inline constexpr std::uint64_t kListenerKey = ~std::uint64_t{0};
inline constexpr std::uint64_t kWakeKey = kListenerKey - 1;
inline constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
// Read from one connection per turn of the loop, so that a client that floods cannot starve
// the others.
inline constexpr std::size_t kReadBudget = std::size_t{256} * 1024;
inline constexpr int kAcceptBudget = 64;
inline constexpr int kMaxEvents = 256;
// Descriptors kept out of max_connections: the listener, the loop's own, the process's.
inline constexpr long kReservedFds = 64;
// After the answer that ends a connection, what the client still sends is read and dropped for
// a moment, so that closing does not reset the connection under an answer not yet read.
inline constexpr auto kLingerTime = std::chrono::seconds(1);
inline constexpr std::size_t kLingerBytes = std::size_t{256} * 1024;
// Plaintext encrypted at a time: what waits for the socket stays small.
inline constexpr std::size_t kTlsWriteChunk = std::size_t{64} * 1024;
// Buffers bigger than this are given back once used (a padded page can be megabytes).
inline constexpr std::size_t kKeptBuffer = std::size_t{64} * 1024;
// A delay longer than this is taken as this, so that no deadline overflows the clock.
inline constexpr auto kLongestDelay = std::chrono::hours(24 * 365);

enum class Phase {
    Handshake,  // TLS handshake in progress
    Idle,       // between requests: nothing of the next one yet
    Reading,    // a request's head or body is arriving
    Waiting,    // the handler has the request: an answer to come later, or a hang
    Writing,    // an answer is going out
    Stalled,    // an answer's head went out, its body never will
    Closing,    // the last answer is out: what the client still sends is dropped until it leaves
};

enum class AfterWrite { KeepAlive, Close, Stall };
enum class Delivery { Whole, HeadOnly, HalfBody };

inline void release_if_big(std::string& buffer) {
    if (buffer.empty() && buffer.capacity() > kKeptBuffer) {
        std::string().swap(buffer);
    }
}

class HttpServer::Loop {
  public:
    Loop(const HttpServerOptions& options, HttpHandler& handler)
        : options_(options),
          handler_(handler),
          input_cap_(options.limits.max_head_bytes + options.limits.max_body_bytes),
          wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

    ~Loop() {
        close_connections();
        for (int fd : {listener_, wake_, epoll_}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }

    Expected<int> bind();
    bool run();
    void stop();
    int port() const { return port_; }

  private:
    // An answer to come once a timer ends.
    struct Deferred {
        std::uint64_t connection = 0;
        std::function<Answer()> then;
    };
    using DeferredMap = std::multimap<Clock::time_point, Deferred>;

    struct Connection {
        std::uint64_t id = 0;
        int fd = -1;
        HttpConnection info;
        std::unique_ptr<TlsSession> tls;
        Phase phase = Phase::Idle;
        std::optional<Clock::time_point> deadline;
        std::optional<std::list<std::uint64_t>::iterator> idle_entry;
        // Waiting for this timer (an answer to come later), not hung.
        std::optional<DeferredMap::iterator> deferred;
        std::uint32_t events = 0;  // what epoll watches for

        std::string in;  // received (decrypted) and not yet used
        std::size_t head_scanned = 0;
        std::optional<http::RequestHead> head;
        std::optional<http::BodyReader> body_reader;
        std::string body;
        bool keep_alive = true;     // of the request being answered
        bool head_request = false;  // HEAD: the answer goes without its body
        bool peer_eof = false;      // the client sent its last byte
        bool write_shut = false;
        std::size_t discarded = 0;

        std::string out;  // plaintext to send (TLS: to encrypt)
        std::size_t out_sent = 0;
        std::string wire;  // TLS: ciphertext to send
        std::size_t wire_sent = 0;
        AfterWrite after_write = AfterWrite::KeepAlive;
    };

    void accept_ready();
    void add_connection(int fd);
    bool evict_idle();
    void pause_accepting();
    void resume_accepting();
    void destroy(Connection& c, bool reset);
    void close_connections();

    void on_event(Connection& c, std::uint32_t events);
    bool receive(Connection& c, std::uint32_t events);
    bool decrypt(Connection& c);
    void step(Connection& c);
    bool advance(Connection& c);
    bool dispatch(Connection& c);
    bool apply(Connection& c, Answer answer);
    void refuse(Connection& c, int status);
    void queue_response(Connection& c, const HttpResponse& response, Delivery delivery);
    bool flush(Connection& c);
    bool written(Connection& c);
    void begin_close(Connection& c);
    bool finish_closing(Connection& c);
    bool settle_eof(Connection& c);
    void update_interest(Connection& c);
    static bool has_output(const Connection& c);

    void become_idle(Connection& c);
    void leave_idle(Connection& c);
    void set_deadline(Connection& c, std::optional<Clock::time_point> at);
    void expire(Connection& c);
    void fire_timers();
    int next_timeout_ms() const;
    Answer call_handler(const std::function<Answer()>& call);

    const HttpServerOptions& options_;
    HttpHandler& handler_;
    const std::size_t input_cap_;
    std::unique_ptr<TlsServerContext> tls_;
    int listener_ = -1;
    int wake_ = -1;
    int epoll_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    bool listener_failed_ = false;
    bool accepting_paused_ = false;
    std::size_t max_connections_ = 1;

    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
    std::list<std::uint64_t> idle_;  // idle connections, longest idle first
    std::set<std::pair<Clock::time_point, std::uint64_t>> deadlines_;
    DeferredMap deferred_;
};

}  // namespace tidb_backups::emulator
