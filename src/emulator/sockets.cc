// SPDX-License-Identifier: Apache-2.0
#include "emulator/sockets.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace tidb_backups::emulator::sockets {

namespace {

int port_of(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return -1;
}

Error listen_error(const std::string& host, int port, const std::string& reason) {
    return make_error(ErrorKind::Network,
                      fmt::format("cannot listen on {}:{}: {}", host, port, reason),
                      "is the port in use? --port 0 picks a free one");
}

}  // namespace

Expected<int> listen_on(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        return listen_error(host, port, ::gai_strerror(rc));
    }
    int error = 0;
    int listener = -1;
    for (const addrinfo* at = found; at != nullptr && listener < 0; at = at->ai_next) {
        int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          at->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(fd, at->ai_addr, at->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
            error = errno;
            ::close(fd);
            continue;
        }
        listener = fd;
    }
    ::freeaddrinfo(found);
    if (listener < 0) {
        return listen_error(host, port, error != 0 ? std::strerror(error) : "no address to bind");
    }
    return listener;
}

int local_port(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return -1;
    }
    return port_of(address);
}

std::string peer_name(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return {};
    }
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        address.ss_family == AF_INET6
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6&>(address).sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in&>(address).sin_addr);
    if (::inet_ntop(address.ss_family, raw, text, sizeof text) == nullptr) {
        return {};
    }
    return fmt::format("[{}]:{}", text, port_of(address));
}

void set_no_delay(int fd) {
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

void close_with_reset(int fd) {
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
}

long open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur > static_cast<rlim_t>(std::numeric_limits<long>::max())) {
        return std::numeric_limits<long>::max();
    }
    return static_cast<long>(limit.rlim_cur);
}

}  // namespace tidb_backups::emulator::sockets
