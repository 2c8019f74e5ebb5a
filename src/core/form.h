// SPDX-License-Identifier: Apache-2.0
// application/x-www-form-urlencoded bodies: what the client sends and the emulator reads.
// Values are signed raw and encoded only here, for the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/signer.h"

namespace tidb_backups {

// Percent-encodes everything but the RFC 3986 unreserved characters (space becomes %20).
std::string percent_encode(std::string_view text);

// name=value pairs joined by '&', both sides percent-encoded, in the given order.
std::string form_encode(const Params& params);

// The inverse of form_encode; also accepts '+' for space. nullopt on a malformed escape.
std::optional<Params> form_decode(std::string_view body);

// Decodes %XX escapes as RFC 3986 does, for URL parts such as a user or password: '+' stays
// '+' (only form bodies use it for a space). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace tidb_backups
