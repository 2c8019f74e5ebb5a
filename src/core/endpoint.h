// SPDX-License-Identifier: Apache-2.0
// The API endpoint URL, split for the HTTP client, with the rule that plain http is only for
// loopback hosts (a signed request must not travel in clear over a network).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups {

struct Endpoint {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets for IPv6 literals
    int port = 0;
    std::string path;  // starts with '/', "/" when the URL has none

    bool is_https() const { return scheme == "https"; }
    // scheme://host[:port], the port only when it is not the scheme's (IPv6 literals in brackets).
    std::string origin() const;
    // origin + path, for messages and --dry-run.
    std::string url() const;
};

// Parses http(s)://host[:port][/path]; a usage error names what is wrong with the URL. A URL
// with an '@' (a user or password) is refused, and the message shows it through
// redact_url_credentials.
Expected<Endpoint> parse_endpoint(std::string_view url);

// `url` for a message, with what may be a user and password hidden: everything from after the
// scheme's "://" (or from the start without one) to the last '@' becomes "***", however
// malformed the URL ("https://u:p@ss@host" -> "https://***@host"). Unchanged without an '@'.
std::string redact_url_credentials(std::string_view url);

// localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

}  // namespace tidb_backups
