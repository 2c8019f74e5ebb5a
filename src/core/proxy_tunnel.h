// SPDX-License-Identifier: Apache-2.0
// The CONNECT exchange that opens a tunnel through an HTTP proxy to an HTTPS endpoint, and what
// a proxy's answer means for the user. The proxy's answer is read within the head bound and
// the attempt's deadline like any other; credentials never appear in a message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/net.h"
#include "core/proxy.h"

namespace tidb_backups {

// The Proxy-Authorization value for a proxy's credentials ("Basic base64(user:password)").
std::string proxy_basic_credentials(const Proxy& proxy);

// What a proxy's refusal (status and reason phrase) means for the user: the error to report.
// Refused credentials or a forbidden destination are not retryable; a failing upstream is.
Error proxy_refusal(const Proxy& proxy, int status, std::string_view reason,
                    std::string_view target);

// Asks `proxy`, connected through `stream`, for a tunnel to `target` (host:port, IPv6 in
// brackets) and reads its answer. Ok when the proxy granted it: the stream then carries the
// tunnel. `timeout` is only for messages; `deadline` bounds the exchange.
Status open_tunnel(net::Stream& stream, const Proxy& proxy, const std::string& target,
                   const net::Wakeup& wakeup, net::Clock::time_point deadline,
                   std::chrono::milliseconds timeout);

}  // namespace tidb_backups
