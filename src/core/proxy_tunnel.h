// Asks an HTTP proxy for a CONNECT tunnel and reads its answer, on a socket of our own.
// cpp-httplib 0.11 deadlocks when a proxy refuses CONNECT (407, 403, 502...): it takes its
// socket mutex twice while closing the refused connection. Probing the tunnel first turns a
// refusal into a clear error, and leaves httplib only proxies that just said yes.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/proxy.h"

namespace tidb_backups {

// The Proxy-Authorization value for a proxy's credentials ("Basic base64(user:password)").
std::string proxy_basic_credentials(const Proxy& proxy);

// The head of the proxy's answer: "HTTP/1.0 407 Proxy Authentication Required", headers.
struct ProxyAnswer {
    std::string version;  // "HTTP/1.0"
    int status = 0;
    std::string reason;
    bool connection_close = false;  // a Connection: close header

    // Whether cpp-httplib 0.11 takes this answer without deadlocking: it locks its socket
    // mutex again for an HTTP/1.0 answer whose reason is not exactly "Connection established",
    // and for any answer with Connection: close.
    bool safe_for_httplib() const;
};

// Parses the status line and headers in `head`; status 0 when it is not HTTP.
ProxyAnswer parse_proxy_answer(std::string_view head);

// What a proxy's refusal means for the user: the error to report (credentials never shown).
Error proxy_refusal(const Proxy& proxy, const ProxyAnswer& answer, std::string_view target);

class TunnelProbe {
  public:
    // Connects to the proxy (each of its addresses in turn, as cpp-httplib would), asks for
    // CONNECT host:port and reads the answer's head; closes the tunnel again either way.
    // Connecting and the exchange are each bounded by `timeout`, and the whole by `deadline`.
    Status run(const Proxy& proxy, const std::string& host, int port,
               std::chrono::milliseconds timeout, std::chrono::steady_clock::time_point deadline);
    // Cuts a run in progress (from any thread) and fails every later one.
    void cut();

  private:
    Status connect_to(const Proxy& proxy, std::chrono::milliseconds timeout,
                      std::chrono::steady_clock::time_point deadline);
    Status exchange(const Proxy& proxy, const std::string& target,
                    std::chrono::milliseconds timeout,
                    std::chrono::steady_clock::time_point deadline);
    bool open();
    bool was_cut();
    void close_socket();
    void close();

    std::mutex mutex_;  // guards wake_ and cut_, which cut() touches from other threads
    int socket_ = -1;   // only the running thread touches it
    int wake_ = -1;     // an eventfd that cut() makes readable, so no wait outlives a cut
    bool cut_ = false;
};

}  // namespace tidb_backups
