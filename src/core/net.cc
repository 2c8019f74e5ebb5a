// SPDX-License-Identifier: Apache-2.0
#include "core/net.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>

namespace tidb_backups::net {

namespace {

int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
        return 0;
    }
    return left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
}

// Waits for any of `fds` until the deadline; which became ready is in their revents.
Io wait_any(pollfd* fds, std::size_t count, Clock::time_point deadline) {
    while (true) {
        int ready = ::poll(fds, count, milliseconds_until(deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            return Io::Failed;
        }
        if (ready == 0) {
            if (Clock::now() < deadline) {
                continue;  // poll rounds its timeout down; the deadline has not passed yet
            }
            return Io::TimedOut;
        }
        return Io::Ok;
    }
}

std::vector<Address> addresses_of(const addrinfo* list) {
    std::vector<Address> addresses;
    for (const addrinfo* entry = list; entry != nullptr; entry = entry->ai_next) {
        if (entry->ai_addrlen > sizeof(sockaddr_storage)) {
            continue;
        }
        Address address;
        std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
        address.length = entry->ai_addrlen;
        addresses.push_back(address);
    }
    return addresses;
}

// getaddrinfo into Resolution form.
Resolution look_up(const std::string& host, const std::string& service, int flags) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    Resolution resolution;
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
    if (rc != 0) {
        resolution.status = Io::Failed;
        resolution.gai_error = rc;
        return resolution;
    }
    resolution.addresses = addresses_of(found);
    if (resolution.addresses.empty()) {
        resolution.status = Io::Failed;
        resolution.gai_error = EAI_NONAME;
    }
    return resolution;
}

// What a lookup thread and its caller share; whoever finishes last frees it.
struct Lookup {
    std::mutex mutex;
    bool done = false;
    Resolution result;
    int event = -1;  // an eventfd the thread makes readable when done

    ~Lookup() {
        if (event >= 0) {
            ::close(event);
        }
    }
};

}  // namespace

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Wakeup::~Wakeup() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void Wakeup::cut() {
    std::lock_guard lock(mutex_);
    cut_ = true;
    if (fd_ >= 0) {
        std::uint64_t one = 1;
        [[maybe_unused]] ssize_t wrote = ::write(fd_, &one, sizeof one);
    }
}

bool Wakeup::is_cut() const {
    std::lock_guard lock(mutex_);
    return cut_;
}

Io wait_for(int fd, short events, const Wakeup& wakeup, Clock::time_point deadline) {
    if (wakeup.is_cut()) {
        return Io::Cut;
    }
    std::array<pollfd, 2> fds{pollfd{fd, events, 0}, pollfd{wakeup.fd(), POLLIN, 0}};
    // Without an eventfd (none left), the deadline still bounds the wait.
    Io waited = wait_any(fds.data(), wakeup.fd() >= 0 ? 2 : 1, deadline);
    if (waited != Io::Ok) {
        return waited;
    }
    return fds[1].revents != 0 || wakeup.is_cut() ? Io::Cut : Io::Ok;
}

Resolution resolve(const std::string& host, int port, const Wakeup& wakeup,
                   Clock::time_point deadline) {
    const std::string service = std::to_string(port);
    Resolution numeric = look_up(host, service, AI_NUMERICHOST | AI_NUMERICSERV);
    if (numeric.status == Io::Ok) {
        return numeric;
    }
    auto lookup = std::make_shared<Lookup>();
    lookup->event = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (lookup->event < 0) {
        return look_up(host, service, AI_NUMERICSERV);  // no descriptor left: wait it out here
    }
    try {
        std::thread([lookup, host, service] {
            Resolution result = look_up(host, service, AI_NUMERICSERV);
            std::lock_guard lock(lookup->mutex);
            lookup->result = std::move(result);
            lookup->done = true;
            std::uint64_t one = 1;
            [[maybe_unused]] ssize_t wrote = ::write(lookup->event, &one, sizeof one);
        }).detach();
    } catch (const std::system_error&) {
        return look_up(host, service, AI_NUMERICSERV);  // no thread to be had: wait it out here
    }
    Io waited = wait_for(lookup->event, POLLIN, wakeup, deadline);
    std::lock_guard lock(lookup->mutex);
    if (lookup->done) {
        return std::move(lookup->result);
    }
    Resolution unfinished;
    unfinished.status = waited == Io::Ok ? Io::Failed : waited;
    unfinished.gai_error = EAI_AGAIN;
    return unfinished;
}

Socket::~Socket() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

Socket::Socket(Socket&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

Socket& Socket::operator=(Socket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

IoResult Socket::send_some(std::string_view data) {
    while (true) {
        ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent >= 0) {
            return IoResult{Io::Ok, static_cast<std::size_t>(sent), 0, {}};
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return IoResult{Io::WouldBlock, 0, 0, {}};
        }
        return IoResult{Io::Failed, 0, errno, {}};
    }
}

IoResult Socket::receive_some(char* buffer, std::size_t size) {
    while (true) {
        ssize_t got = ::recv(fd_, buffer, size, 0);
        if (got > 0) {
            return IoResult{Io::Ok, static_cast<std::size_t>(got), 0, {}};
        }
        if (got == 0) {
            return IoResult{Io::Closed, 0, 0, {}};
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return IoResult{Io::WouldBlock, 0, 0, {}};
        }
        return IoResult{Io::Failed, 0, errno, {}};
    }
}

Connected connect_any(const std::vector<Address>& addresses, const Wakeup& wakeup,
                      Clock::time_point deadline) {
    Connected connected;
    connected.status = Io::Failed;
    connected.error = EADDRNOTAVAIL;
    for (const Address& address : addresses) {
        Socket socket(
            ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!socket.is_open()) {
            connected.error = errno;
            continue;
        }
        int yes = 1;
        ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        int failure = 0;
        if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address.storage),
                      address.length) != 0) {
            failure = errno;
        }
        if (failure == EINPROGRESS || failure == EINTR) {
            Io waited = wait_for(socket.fd(), POLLOUT, wakeup, deadline);
            if (waited == Io::TimedOut || waited == Io::Cut) {
                connected.status = waited;
                return connected;
            }
            socklen_t length = sizeof failure;
            if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &failure, &length) != 0) {
                failure = errno;
            }
        }
        if (failure == 0) {
            connected.status = Io::Ok;
            connected.error = 0;
            connected.socket = std::move(socket);
            return connected;
        }
        connected.error = failure;
    }
    return connected;
}

IoResult PlainStream::read_some(char* buffer, std::size_t size, const Wakeup& wakeup,
                                Clock::time_point deadline) {
    while (true) {
        IoResult got = socket_.receive_some(buffer, size);
        if (got.status != Io::WouldBlock) {
            return got;
        }
        Io waited = wait_for(socket_.fd(), POLLIN, wakeup, deadline);
        if (waited != Io::Ok) {
            return IoResult{waited, 0, 0, {}};
        }
    }
}

IoResult PlainStream::write_all(std::string_view data, const Wakeup& wakeup,
                                Clock::time_point deadline) {
    std::size_t written = 0;
    while (written < data.size()) {
        IoResult sent = socket_.send_some(data.substr(written));
        if (sent.status == Io::Ok) {
            written += sent.bytes;
            continue;
        }
        if (sent.status != Io::WouldBlock) {
            sent.bytes = written;
            return sent;
        }
        Io waited = wait_for(socket_.fd(), POLLOUT, wakeup, deadline);
        if (waited != Io::Ok) {
            return IoResult{waited, written, 0, {}};
        }
    }
    return IoResult{Io::Ok, written, 0, {}};
}

bool PlainStream::reusable() {
    pollfd watch{socket_.fd(), POLLIN, 0};
    return socket_.is_open() && ::poll(&watch, 1, 0) == 0;
}

}  // namespace tidb_backups::net
