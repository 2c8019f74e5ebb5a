// SPDX-License-Identifier: Apache-2.0
// The emulator's HTTP/1.1 server: one thread running one epoll loop over non-blocking sockets
// (TLS sessions in memory), requests framed by core/http_wire within the bounds below and
// answered in order, one at a time per connection. Delays are timers of the loop, not sleeping
// threads, so neither a slow client nor a hung answer holds anything but its own connection.
// What each request gets is a handler's decision: an answer, now or later, or one of the ways a
// broken server fails to give one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/http_wire.h"

namespace tidb_backups::emulator {

// What the server accepts from a client before it gives up on it: each bound keeps one
// connection from taking the memory, or the attention, that the others need.
struct HttpLimits {
    // Request line and headers (http::kMaxHeadBytes): beyond, 431 and the connection closes.
    std::size_t max_head_bytes = http::kMaxHeadBytes;
    // A request body (a signed form is a few hundred bytes): beyond, 413 and the connection
    // closes.
    std::size_t max_body_bytes = std::size_t{64} * 1024;
    // From the first byte of a request to its last, and for a TLS handshake (slowloris): then
    // 408 (or nothing, mid-handshake) and the connection closes.
    std::chrono::milliseconds request_timeout{10'000};
    // A connection with no request in progress (new, or kept alive) is closed after this; so is
    // one whose client takes nothing of its answer for this long.
    std::chrono::milliseconds idle_timeout{60'000};
    // Open connections, further bounded by the descriptor limit (RLIMIT_NOFILE less 64). At the
    // bound the longest-idle connection is closed to make room; if none is idle, the new one is
    // closed at once. The connections being served are never the ones given up.
    std::size_t max_connections = 4096;
};

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;           // 0: any free port (bind() says which)
    std::string cert_file;  // PEM; with key_file, serve HTTPS
    std::string key_file;
    HttpLimits limits;
};

struct HttpRequest {
    std::string method;
    std::string target;  // as sent: the path and the query
    int minor_version = 1;
    http::Headers headers;
    std::string body;

    // The target up to its '?'.
    std::string_view path() const;
    // The target after its '?' ("" without one).
    std::string_view query() const;
};

// The connection a request came on, as a handler sees it.
struct HttpConnection {
    std::uint64_t id = 0;  // 1, 2, ... in the order accepted
    std::string peer;      // "[address]:port"
    bool marked = false;   // the handler's own flag, kept with the connection
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain";
    std::string body;
    std::vector<http::Header> headers;  // more headers (Content-Type and -Length are the server's)
};

// What a request gets.
struct Answer {
    enum class Kind {
        Respond,   // the response, whole
        Reset,     // no response: the connection is reset (TCP RST)
        Hang,      // no response, ever: until the client leaves or the server stops
        HeadOnly,  // the response's head (its full Content-Length), then nothing until the
                   // client leaves or the server stops
        HalfBody,  // the head and the first half of the body, then the connection closes
        Later,     // what `then` returns once `delay` has passed
    };

    static Answer respond(HttpResponse response);
    static Answer reset();
    static Answer hang();
    static Answer head_only(HttpResponse response);
    static Answer half_body(HttpResponse response);
    // `then` runs on the server's thread after `delay` and what it returns goes to the client;
    // unless the client leaves first (closes or resets its connection: the timer goes with it)
    // or the server stops.
    static Answer later(std::chrono::milliseconds delay, std::function<Answer()> then);

    Kind kind = Kind::Respond;
    HttpResponse response;
    std::chrono::milliseconds delay{0};
    std::function<Answer()> then;
};

class HttpHandler {
  public:
    virtual ~HttpHandler() = default;
    // Called on the server's thread for each complete request, one at a time per connection.
    // An exception becomes a 500 answer.
    virtual Answer handle(const HttpRequest& request, HttpConnection& connection) = 0;
};

class HttpServer {
  public:
    HttpServer(HttpServerOptions options, HttpHandler& handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Loads the certificate (if any) and listens: clients may connect before run() starts.
    // Returns the bound port. A Usage error for an unusable certificate, a Network error when
    // the address cannot be bound.
    Expected<int> bind();

    // Serves on the calling thread until stop(): true then (and at once if stop() came first);
    // false if serving failed (the listening socket broke) or bind() did not succeed.
    bool run();

    // Thread-safe and prompt: run() closes every connection and returns. Answers still waiting
    // (delayed, hung or stalled) are reset, never sent.
    void stop();

    int port() const;
    bool is_https() const { return !options_.cert_file.empty(); }

  private:
    class Loop;

    HttpServerOptions options_;
    HttpHandler& handler_;
    std::unique_ptr<Loop> loop_;
};

}  // namespace tidb_backups::emulator
