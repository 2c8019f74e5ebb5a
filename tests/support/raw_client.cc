// SPDX-License-Identifier: Apache-2.0
#include "support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace tidb_backups::testing {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

}  // namespace

RawClient::RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        throw std::runtime_error(std::string("RawClient: socket: ") + std::strerror(errno));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error(std::string("RawClient: connect: ") + std::strerror(error));
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

RawClient::RawClient(RawClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), ended_(other.ended_), reset_(other.reset_) {}

RawClient& RawClient::operator=(RawClient&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        ended_ = other.ended_;
        reset_ = other.reset_;
    }
    return *this;
}

bool RawClient::read_available(std::string& into) {
    char buffer[16384];
    for (;;) {
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) {
            into.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0) {
            ended_ = true;
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return true;
        }
        ended_ = true;
        reset_ = errno == ECONNRESET;
        return false;
    }
}

bool RawClient::send(std::string_view bytes, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            ended_ = true;
            reset_ = reset_ || errno == ECONNRESET;
            return false;
        }
        pollfd ready{fd_, POLLOUT, 0};
        if (::poll(&ready, 1, milliseconds_until(deadline)) <= 0) {
            return false;
        }
    }
    return true;
}

std::string RawClient::receive(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    std::string received;
    while (received.empty() && !ended_) {
        pollfd ready{fd_, POLLIN, 0};
        int rc = ::poll(&ready, 1, milliseconds_until(deadline));
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            break;
        }
        read_available(received);
    }
    return received;
}

bool RawClient::wait_closed(std::chrono::milliseconds limit, std::string* received) {
    const auto deadline = Clock::now() + limit;
    std::string ignored;
    std::string& into = received != nullptr ? *received : ignored;
    while (!ended_) {
        pollfd ready{fd_, POLLIN, 0};
        int rc = ::poll(&ready, 1, milliseconds_until(deadline));
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            return false;
        }
        read_available(into);
    }
    return true;
}

RawClient::Flood RawClient::flood(std::string_view first, std::string_view line,
                                  std::size_t max_bytes, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    Flood result;
    std::string pending(first);
    std::size_t at = 0;
    std::string batch;
    while (batch.size() < 64 * 1024) {
        batch += line;
    }
    while (!ended_ && result.sent < max_bytes && Clock::now() < deadline) {
        if (at == pending.size()) {
            pending = batch;
            at = 0;
        }
        pollfd ready{fd_, POLLIN | POLLOUT, 0};
        int rc = ::poll(&ready, 1, milliseconds_until(deadline));
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            break;
        }
        if ((ready.revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
            !read_available(result.received)) {
            break;
        }
        if ((ready.revents & POLLOUT) != 0) {
            std::size_t size = std::min(pending.size() - at, max_bytes - result.sent);
            ssize_t sent = ::send(fd_, pending.data() + at, size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent > 0) {
                at += static_cast<std::size_t>(sent);
                result.sent += static_cast<std::size_t>(sent);
            } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                ended_ = true;
                reset_ = errno == ECONNRESET;
            }
        }
    }
    if (ended_) {
        read_available(result.received);  // what came before the end, if anything is left
    }
    result.closed = ended_;
    return result;
}

std::size_t raise_open_file_limit(std::size_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            ::getrlimit(RLIMIT_NOFILE, &limit);
        }
    }
    return limit.rlim_cur == RLIM_INFINITY ? wanted : static_cast<std::size_t>(limit.rlim_cur);
}

long peak_rss_kb_of(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

}  // namespace tidb_backups::testing
