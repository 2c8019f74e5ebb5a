// SPDX-License-Identifier: Apache-2.0
// The seam between the API client and the network: one POST of a form body to the endpoint.
// The real implementation is the project's own HTTP/1.1 client (http_transport.cc); unit tests
// substitute a scripted fake.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/proxy.h"

namespace tidb_backups {

namespace net {
class TlsClientContext;
}

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
    // The whole of one attempt: name lookup, connect, proxy, TLS, request, headers and body.
    std::chrono::milliseconds timeout{30000};
    std::string ca_bundle;  // PEM file; empty: the system store
    bool insecure = false;  // skip certificate verification
    std::string user_agent;
    std::optional<Proxy> proxy;  // HTTP proxy (CONNECT for https)
    // The TLS context to share among transports (the trust store is loaded once); null: each
    // transport makes its own from ca_bundle and insecure.
    std::shared_ptr<net::TlsClientContext> tls;
};

// An HTTP/1.1 client that keeps its connection alive between calls.
std::unique_ptr<Transport> make_http_transport(const TransportOptions& options);

}  // namespace tidb_backups
