// SPDX-License-Identifier: Apache-2.0
// The socket calls of the emulator's server, kept out of its logic: a loopback listener bound
// the way the emulator has always bound it, and the options its connections need.
#pragma once

#include <string>

#include "core/error.h"

namespace tidb_backups::emulator::sockets {

// A non-blocking listening socket on host:port (port 0: a free one), the first address of
// `host` that binds. SO_REUSEADDR, so a restart need not wait for TIME_WAIT; never
// SO_REUSEPORT, so a second emulator cannot share the port. The backlog is SOMAXCONN: a burst of
// connections must not see SYNs dropped. A Network error names host:port and the reason.
Expected<int> listen_on(const std::string& host, int port);

// The local port a socket is bound to, or -1.
int local_port(int fd);

// "[address]:port" of a connected socket's peer, or "" if it has none.
std::string peer_name(int fd);

// Sends small writes at once (an answer's head and body must not wait for a delayed ACK).
void set_no_delay(int fd);

// Closes with a TCP reset instead of a FIN (SO_LINGER 0): the peer sees the connection die.
void close_with_reset(int fd);

// The soft limit on open descriptors (LONG_MAX when unlimited), or 0 if it cannot be read.
long open_file_limit();

}  // namespace tidb_backups::emulator::sockets
