// SPDX-License-Identifier: Apache-2.0
// Which HTTP proxy, if any, carries a request: --proxy, else HTTPS_PROXY / HTTP_PROXY (either
// case) by the endpoint's scheme, unless NO_PROXY names the host: the conventions of curl and
// friends, kept in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups {

struct Proxy {
    std::string host;
    int port = 0;
    std::string user;      // percent-decoded; empty when the URL has none
    std::string password;  // never printed: shown() leaves both out

    // "http://host:port", for messages.
    std::string shown() const;
};

// The environment's say, as read by the caller (empty strings count as unset).
struct ProxyEnvironment {
    std::string https_proxy;  // HTTPS_PROXY, else https_proxy
    std::string http_proxy;   // HTTP_PROXY, else http_proxy
    std::string no_proxy;     // NO_PROXY, else no_proxy
};

// Parses http://[user[:password]@]host[:port][/]; a usage error otherwise (the message never
// repeats the credentials).
Expected<Proxy> parse_proxy_url(std::string_view url, std::string_view source);

// True when a NO_PROXY list ("*", "example.com", ".example.com", "10.1.2.3", "host:443")
// exempts `host` on `port`.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, int port);

// The proxy for a request to scheme://host:port; nullopt for a direct connection.
Expected<std::optional<Proxy>> choose_proxy(std::string_view scheme, std::string_view host,
                                            int port, const std::optional<std::string>& flag,
                                            const ProxyEnvironment& environment);

}  // namespace tidb_backups
