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

// The first line of the proxy's answer, split: "HTTP/1.0 407 Proxy Authentication Required".
struct ProxyAnswer {
    int status = 0;
    std::string reason;
};

// Parses the status line at the start of `head`; status 0 when it is not HTTP.
ProxyAnswer parse_proxy_answer(std::string_view head);

// What a proxy's refusal means for the user: the error to report (credentials never shown).
Error proxy_refusal(const Proxy& proxy, const ProxyAnswer& answer, std::string_view target);

class TunnelProbe {
  public:
    // Connects to the proxy, asks for CONNECT host:port and reads the answer's head; closes
    // the tunnel again either way. Each step is bounded by `timeout`.
    Status run(const Proxy& proxy, const std::string& host, int port,
               std::chrono::milliseconds timeout);
    // Cuts a run in progress (from any thread) and fails every later one.
    void cut();

  private:
    Status exchange(int socket, const Proxy& proxy, const std::string& target,
                    std::chrono::milliseconds timeout);
    bool open(int socket);
    bool was_cut();
    void close();

    std::mutex mutex_;
    int socket_ = -1;
    int wake_ = -1;  // an eventfd that cut() makes readable, so no wait outlives a cut
    bool cut_ = false;
};

}  // namespace tidb_backups
