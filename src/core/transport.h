// The seam between the API client and the network: one POST of a form body to the endpoint.
// The real implementation uses cpp-httplib; unit tests substitute a scripted fake.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/proxy.h"

namespace tidb_backups {

struct HttpResponse {
    int status = 0;
    std::string body;
    std::string retry_after;  // the Retry-After header, if any
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Sends `form_body` as application/x-www-form-urlencoded. A failure is an ErrorKind::Network
    // error, `retryable` unless retrying cannot help (e.g. a certificate that does not verify).
    virtual Expected<HttpResponse> post_form(const std::string& form_body) = 0;
    // Cuts a request in progress and fails every later one (ErrorKind::Interrupted); may be
    // called from another thread.
    virtual void abort() {}
};

struct TransportOptions {
    Endpoint endpoint;
    std::chrono::milliseconds timeout{30000};  // connect, read and write, each attempt
    std::string ca_bundle;                     // PEM file; empty: the system store
    bool insecure = false;                     // skip certificate verification
    std::string user_agent;
    std::optional<Proxy> proxy;  // HTTP proxy (CONNECT for https)
};

// A cpp-httplib client that keeps its connection alive between calls.
std::unique_ptr<Transport> make_http_transport(const TransportOptions& options);

}  // namespace tidb_backups
