// SPDX-License-Identifier: Apache-2.0
// The host[:port] part of a URL, as the API endpoint and a proxy URL both write it: a name, an
// IPv4 address, or an IPv6 literal in brackets, then an optional decimal port.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups {

struct HostPort {
    std::string host;            // as written (case kept), without the brackets of an IPv6 literal
    std::string_view port_text;  // what follows the ':' (a view into the input); empty without one
};

// Splits "host", "host:port", "[v6]" or "[v6]:port". The host may come back empty; the port is
// not checked (parse_port does that). A usage error whose message says only what is wrong
// ("unclosed '[' in the host", "unexpected text after the host"): the caller names the URL.
Expected<HostPort> split_host_port(std::string_view authority);

// A port number from 1 to 65535 written in decimal digits alone; nullopt for anything else.
std::optional<int> parse_port(std::string_view text);

// `host` as a URL writes it: an IPv6 literal (it holds a ':') in brackets, others unchanged.
std::string url_host(std::string_view host);

}  // namespace tidb_backups
