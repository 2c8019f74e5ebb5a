// SPDX-License-Identifier: Apache-2.0
#include "support/scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tidb_backups::testing {

namespace {

constexpr std::size_t kMaxHead = std::size_t{1} << 20;

}  // namespace

bool Peer::wait(short events, int timeout_ms) {
    std::array<pollfd, 2> fds{pollfd{fd_, events, 0}, pollfd{server_.stop_, POLLIN, 0}};
    while (true) {
        int ready = ::poll(fds.data(), fds.size(), timeout_ms);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        return ready > 0 && fds[1].revents == 0;
    }
}

std::string Peer::read_head() {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxHead) {
        if (!wait(POLLIN)) {
            return {};
        }
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (got <= 0) {
            return {};
        }
        head.append(buffer, static_cast<std::size_t>(got));
    }
    return head;
}

bool Peer::receive(std::string& into) {
    char buffer[4096];
    while (wait(POLLIN)) {
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        into.append(buffer, static_cast<std::size_t>(got));
        return true;
    }
    return false;
}

WireRequest Peer::read_request() {
    std::string data = std::move(pending_);
    pending_.clear();
    std::size_t end = data.find("\r\n\r\n");
    while (end == std::string::npos) {
        if (data.size() >= kMaxHead || !receive(data)) {
            return {};
        }
        end = data.find("\r\n\r\n");
    }
    WireRequest request{data.substr(0, end + 4), {}};
    std::size_t length = 0;
    std::string lower;
    for (char c : request.head) {
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (std::size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
        length = std::min<std::size_t>(std::stoul(lower.substr(at + 17)), kMaxHead);
    }
    data.erase(0, end + 4);
    while (data.size() < length) {
        if (!receive(data)) {
            return {};
        }
    }
    request.body = data.substr(0, length);
    pending_ = data.substr(length);
    return request;
}

std::string Peer::read_until_closed() {
    std::string all;
    char buffer[4096];
    while (wait(POLLIN)) {
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        all.append(buffer, static_cast<std::size_t>(got));
    }
    return all;
}

bool Peer::send(std::string_view bytes) {
    while (!bytes.empty()) {
        if (!wait(POLLOUT)) {
            return false;
        }
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (sent <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool Peer::pause(std::chrono::milliseconds delay) {
    pollfd stop{server_.stop_, POLLIN, 0};
    auto until = std::chrono::steady_clock::now() + delay;
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return true;
        }
        int ready = ::poll(&stop, 1, static_cast<int>(left.count()));
        if (ready > 0) {
            return false;
        }
    }
}

void Peer::hold() {
    read_until_closed();
}

ScriptedServer::ScriptedServer(Script script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    stop_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || stop_ < 0 ||
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("ScriptedServer: cannot listen on loopback");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t wrote = ::write(stop_, &one, sizeof one);
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (int fd : open_fds_) {
            ::shutdown(fd, SHUT_RDWR);
        }
    }
    for (auto& thread : threads_) {
        thread.join();
    }
    ::close(listener_);
    ::close(stop_);
}

std::string ScriptedServer::url(std::string_view scheme) const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
}

bool ScriptedServer::wait_for_connections(int count, std::chrono::milliseconds limit) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return accepted_.load() >= count; });
}

std::vector<std::chrono::milliseconds> ScriptedServer::durations() const {
    std::lock_guard lock(mutex_);
    return durations_;
}

void ScriptedServer::accept_loop() {
    std::array<pollfd, 2> fds{pollfd{listener_, POLLIN, 0}, pollfd{stop_, POLLIN, 0}};
    while (true) {
        int ready = ::poll(fds.data(), fds.size(), -1);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0 || fds[1].revents != 0) {
            return;
        }
        int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            return;
        }
        std::lock_guard lock(mutex_);
        open_fds_.push_back(fd);
        ++accepted_;
        changed_.notify_all();
        threads_.emplace_back([this, fd] {
            auto started = std::chrono::steady_clock::now();
            Peer peer(fd, *this);
            script_(peer);
            auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started);
            std::lock_guard done(mutex_);
            std::erase(open_fds_, fd);
            ::close(fd);
            durations_.push_back(took);
            ++finished_;
            changed_.notify_all();
        });
    }
}

}  // namespace tidb_backups::testing
