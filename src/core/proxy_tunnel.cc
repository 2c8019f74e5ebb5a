#include "core/proxy_tunnel.h"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "core/ascii.h"

namespace tidb_backups {

namespace {

using Clock = std::chrono::steady_clock;

// A proxy's answer to CONNECT is a status line and a few headers; more is not a proxy.
constexpr std::size_t kMaxAnswerBytes = std::size_t{16} * 1024;

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

int milliseconds_left(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

enum class Wait { Ready, TimedOut, Cut };

// Waits until `socket` has `events` or the probe is cut through `wake`.
Wait wait_for(int socket, short events, int wake, Clock::time_point deadline) {
    std::array<pollfd, 2> fds{pollfd{socket, events, 0}, pollfd{wake, POLLIN, 0}};
    while (true) {
        int ready = ::poll(fds.data(), fds.size(), milliseconds_left(deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return Wait::TimedOut;
        }
        return fds[1].revents != 0 ? Wait::Cut : Wait::Ready;
    }
}

}  // namespace

std::string proxy_basic_credentials(const Proxy& proxy) {
    return "Basic " + base64(proxy.user + ":" + proxy.password);
}

bool ProxyAnswer::safe_for_httplib() const {
    return !connection_close && !(version == "HTTP/1.0" && reason != "Connection established");
}

ProxyAnswer parse_proxy_answer(std::string_view head) {
    ProxyAnswer answer;
    std::string_view line = head.substr(0, head.find("\r\n"));
    if (line.substr(0, 5) != "HTTP/") {
        return answer;
    }
    auto space = line.find(' ');
    if (space == std::string_view::npos || line.size() < space + 4) {
        return answer;
    }
    int status = 0;
    for (char digit : line.substr(space + 1, 3)) {
        if (digit < '0' || digit > '9') {
            return answer;
        }
        status = status * 10 + (digit - '0');
    }
    answer.version = std::string(line.substr(0, space));
    answer.status = status;
    if (line.size() > space + 5) {
        answer.reason = std::string(line.substr(space + 5));
    }
    // Headers, for Connection: close (names and this value in any case).
    std::size_t at = line.size() + 2;
    while (at < head.size()) {
        std::size_t end = head.find("\r\n", at);
        std::string_view header = head.substr(at, end == std::string_view::npos ? end : end - at);
        if (header.empty()) {
            break;
        }
        auto colon = header.find(':');
        if (colon != std::string_view::npos &&
            same_ignoring_ascii_case(header.substr(0, colon), "Connection")) {
            std::string_view value = header.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
                value.remove_prefix(1);
            }
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
                value.remove_suffix(1);
            }
            // httplib reads the first Connection header; any "close" is the safe reading.
            answer.connection_close =
                answer.connection_close || same_ignoring_ascii_case(value, "close");
        }
        if (end == std::string_view::npos) {
            break;
        }
        at = end + 2;
    }
    return answer;
}

Error proxy_refusal(const Proxy& proxy, const ProxyAnswer& answer, std::string_view target) {
    std::string said = answer.reason.empty() ? fmt::format("{}", answer.status)
                                             : fmt::format("{} {}", answer.status, answer.reason);
    std::string message =
        fmt::format("the proxy {} refused to connect to {}: {}", proxy.shown(), target, said);
    if (answer.status == 407 || answer.status == 401) {
        return make_network_error(
            std::move(message),
            proxy.user.empty() ? "the proxy wants credentials: http://USER:PASSWORD@HOST:PORT"
                               : "check the user and password in the proxy URL",
            false);
    }
    if (answer.status == 403) {
        return make_network_error(std::move(message),
                                  "the proxy does not allow this destination; ask its operator, or "
                                  "exempt the host with NO_PROXY",
                                  false);
    }
    return make_network_error(std::move(message),
                              "the proxy could not reach the endpoint; try later",
                              answer.status >= 500);
}

Status TunnelProbe::run(const Proxy& proxy, const std::string& host, int port,
                        std::chrono::milliseconds timeout, Clock::time_point deadline) {
    const std::string target = host.find(':') != std::string::npos
                                   ? fmt::format("[{}]:{}", host, port)
                                   : fmt::format("{}:{}", host, port);
    if (!open()) {
        return was_cut() ? make_error(ErrorKind::Interrupted, "interrupted")
                         : make_network_error("could not create an event descriptor", "", true);
    }
    Status status = connect_to(proxy, timeout, deadline);
    if (status) {
        status = exchange(proxy, target, timeout, deadline);
    }
    close();
    return status;
}

Status TunnelProbe::connect_to(const Proxy& proxy, std::chrono::milliseconds timeout,
                               Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(proxy.port);
    if (getaddrinfo(proxy.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
        return make_network_error(fmt::format("could not resolve the proxy host '{}'", proxy.host),
                                  "check the host in --proxy or HTTPS_PROXY", true);
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
    const std::string seconds =
        fmt::format("{:g}s", std::chrono::duration<double>(timeout).count());
    Status last =
        make_network_error(fmt::format("could not connect to the proxy {}", proxy.shown()),
                           "check --proxy or HTTPS_PROXY, and that the proxy is running", true);
    // Every address in turn, as cpp-httplib does: "localhost" may be ::1 first, with the proxy
    // listening on 127.0.0.1 only.
    for (addrinfo* address = found; address != nullptr; address = address->ai_next) {
        close_socket();
        socket_ = ::socket(address->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (socket_ < 0) {
            continue;
        }
        int failure = 0;
        if (::connect(socket_, address->ai_addr, address->ai_addrlen) != 0) {
            failure = errno;
        }
        if (failure == EINPROGRESS) {
            Clock::time_point until = std::min(Clock::now() + timeout, deadline);
            Wait waited = wait_for(socket_, POLLOUT, wake_, until);
            if (waited == Wait::Cut) {
                return make_error(ErrorKind::Interrupted, "interrupted");
            }
            if (waited == Wait::TimedOut) {
                last = make_network_error(fmt::format("could not connect to the proxy {} within {}",
                                                      proxy.shown(), seconds),
                                          "check --proxy or HTTPS_PROXY", true);
                continue;
            }
            socklen_t length = sizeof failure;
            getsockopt(socket_, SOL_SOCKET, SO_ERROR, &failure, &length);
        }
        if (failure == 0) {
            return Done{};
        }
        last = make_network_error(
            fmt::format("could not connect to the proxy {}: {}", proxy.shown(), strerror(failure)),
            "check --proxy or HTTPS_PROXY, and that the proxy is running", true);
    }
    return last;
}

Status TunnelProbe::exchange(const Proxy& proxy, const std::string& target,
                             std::chrono::milliseconds timeout, Clock::time_point deadline) {
    std::string request = fmt::format("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", target);
    // It carries the proxy's password: wiped however this returns.
    std::unique_ptr<std::string, void (*)(std::string*)> wipe_request(
        &request, [](std::string* text) { explicit_bzero(text->data(), text->size()); });
    // As cpp-httplib does: credentials only with both a user and a password, so that the
    // probe gets the answer httplib's own CONNECT will get.
    if (!proxy.user.empty() && !proxy.password.empty()) {
        request += "Proxy-Authorization: " + proxy_basic_credentials(proxy) + "\r\n";
    }
    request += "\r\n";
    const Clock::time_point until = std::min(Clock::now() + timeout, deadline);
    auto no_answer = [&] {
        return make_network_error(
            fmt::format("no answer from the proxy {} within {:g}s", proxy.shown(),
                        std::chrono::duration<double>(timeout).count()),
            "the proxy is slow or hanging; raise --timeout or try later", true);
    };
    std::size_t sent = 0;
    while (sent < request.size()) {
        Wait waited = wait_for(socket_, POLLOUT, wake_, until);
        if (waited != Wait::Ready) {
            return waited == Wait::Cut ? make_error(ErrorKind::Interrupted, "interrupted")
                                       : no_answer();
        }
        ssize_t wrote = ::send(socket_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (wrote < 0 && errno != EAGAIN && errno != EINTR) {
            return make_network_error(
                fmt::format("the proxy {} closed the connection", proxy.shown()), "", true);
        }
        sent += wrote > 0 ? static_cast<std::size_t>(wrote) : 0;
    }
    std::string head;
    std::array<char, 2048> buffer{};
    while (head.find("\r\n\r\n") == std::string::npos) {
        Wait waited = wait_for(socket_, POLLIN, wake_, until);
        if (waited != Wait::Ready) {
            return waited == Wait::Cut ? make_error(ErrorKind::Interrupted, "interrupted")
                                       : no_answer();
        }
        ssize_t got = ::recv(socket_, buffer.data(), buffer.size(), 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
            break;  // what arrived so far may still say why
        }
        head.append(buffer.data(), got > 0 ? static_cast<std::size_t>(got) : 0);
        if (head.size() > kMaxAnswerBytes) {
            break;
        }
    }
    if (head.empty()) {
        return make_network_error(
            fmt::format("the proxy {} closed the connection without an answer", proxy.shown()),
            "check --proxy or HTTPS_PROXY", true);
    }
    ProxyAnswer answer = parse_proxy_answer(head);
    if (answer.status == 0) {
        return make_network_error(
            fmt::format("the proxy {} did not answer CONNECT with HTTP", proxy.shown()),
            "--proxy and HTTPS_PROXY expect an HTTP proxy (http://HOST:PORT)", true);
    }
    if (answer.status < 200 || answer.status > 299) {
        return proxy_refusal(proxy, answer, target);
    }
    if (!answer.safe_for_httplib()) {
        return make_network_error(
            fmt::format("the proxy {} granted the tunnel with '{} {} {}'{}, which cpp-httplib "
                        "0.11 cannot take without hanging",
                        proxy.shown(), answer.version, answer.status, answer.reason,
                        answer.connection_close ? " and Connection: close" : ""),
            "reach the endpoint without this proxy (NO_PROXY), or through one that answers "
            "'Connection established'",
            false);
    }
    return Done{};
}

bool TunnelProbe::open() {
    std::lock_guard lock(mutex_);
    if (cut_) {
        return false;
    }
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return wake_ >= 0;
}

bool TunnelProbe::was_cut() {
    std::lock_guard lock(mutex_);
    return cut_;
}

void TunnelProbe::close_socket() {
    if (socket_ >= 0) {
        ::close(socket_);
        socket_ = -1;
    }
}

void TunnelProbe::close() {
    close_socket();
    std::lock_guard lock(mutex_);
    if (wake_ >= 0) {
        ::close(wake_);
        wake_ = -1;
    }
}

void TunnelProbe::cut() {
    std::lock_guard lock(mutex_);
    cut_ = true;
    if (wake_ >= 0) {
        std::uint64_t one = 1;
        [[maybe_unused]] ssize_t wrote = ::write(wake_, &one, sizeof one);
    }
}

}  // namespace tidb_backups
