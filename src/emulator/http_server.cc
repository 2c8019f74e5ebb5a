// SPDX-License-Identifier: Apache-2.0
// HttpServer's face, and its loop's listening, connections and timers.
#include "emulator/http_server.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "emulator/http_loop.h"
#include "emulator/sockets.h"

namespace tidb_backups::emulator {

using namespace std::chrono_literals;

Answer Answer::respond(HttpResponse response) {
    Answer answer;
    answer.kind = Kind::Respond;
    answer.response = std::move(response);
    return answer;
}

Answer Answer::reset() {
    Answer answer;
    answer.kind = Kind::Reset;
    return answer;
}

Answer Answer::hang() {
    Answer answer;
    answer.kind = Kind::Hang;
    return answer;
}

Answer Answer::head_only(HttpResponse response) {
    Answer answer = respond(std::move(response));
    answer.kind = Kind::HeadOnly;
    return answer;
}

Answer Answer::half_body(HttpResponse response) {
    Answer answer = respond(std::move(response));
    answer.kind = Kind::HalfBody;
    return answer;
}

Answer Answer::later(std::chrono::milliseconds delay, std::function<Answer()> then) {
    Answer answer;
    answer.kind = Kind::Later;
    answer.delay = delay;
    answer.then = std::move(then);
    return answer;
}

std::string_view HttpRequest::path() const {
    std::string_view view = target;
    return view.substr(0, view.find('?'));
}

std::string_view HttpRequest::query() const {
    std::string_view view = target;
    std::size_t question = view.find('?');
    return question == std::string_view::npos ? std::string_view{} : view.substr(question + 1);
}

Expected<int> HttpServer::Loop::bind() {
    if (listener_ >= 0) {
        return port_;
    }
    if (!options_.cert_file.empty()) {
        auto context = TlsServerContext::load(options_.cert_file, options_.key_file);
        if (!context) {
            return context.error();
        }
        tls_ = std::move(*context);
    }
    auto listener = sockets::listen_on(options_.host, options_.port);
    if (!listener) {
        return listener.error();
    }
    listener_ = *listener;
    port_ = sockets::local_port(listener_);
    return port_;
}

void HttpServer::Loop::stop() {
    stopping_.store(true);
    if (wake_ >= 0) {
        std::uint64_t one = 1;
        [[maybe_unused]] ssize_t written = ::write(wake_, &one, sizeof one);
    }
}

bool HttpServer::Loop::run() {
    if (stopping_.load()) {
        return true;
    }
    if (listener_ < 0 || wake_ < 0) {
        return false;
    }
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event listen_event{};
    listen_event.events = EPOLLIN;
    listen_event.data.u64 = kListenerKey;
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.u64 = kWakeKey;
    if (epoll_ < 0 || ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &listen_event) != 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &wake_event) != 0) {
        return false;
    }
    max_connections_ = std::max<std::size_t>(options_.limits.max_connections, 1);
    if (long files = sockets::open_file_limit(); files > 0) {
        max_connections_ = std::min<std::size_t>(
            max_connections_, static_cast<std::size_t>(std::max(files - kReservedFds, 1L)));
    }

    epoll_event events[kMaxEvents];
    while (!stopping_.load() && !listener_failed_) {
        int ready = ::epoll_wait(epoll_, events, kMaxEvents, next_timeout_ms());
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            listener_failed_ = true;
            break;
        }
        for (int i = 0; i < ready && !listener_failed_; ++i) {
            const std::uint64_t key = events[i].data.u64;
            if (key == kWakeKey) {
                std::uint64_t count = 0;
                [[maybe_unused]] ssize_t got = ::read(wake_, &count, sizeof count);
            } else if (key == kListenerKey) {
                if ((events[i].events & (EPOLLERR | EPOLLHUP)) != 0) {
                    listener_failed_ = true;
                } else {
                    accept_ready();
                }
            } else if (auto found = connections_.find(key); found != connections_.end()) {
                on_event(*found->second, events[i].events);
            }
        }
        if (!stopping_.load()) {
            fire_timers();
        }
    }
    close_connections();
    ::close(listener_);
    listener_ = -1;
    return !listener_failed_;
}

void HttpServer::Loop::accept_ready() {
    for (int i = 0; i < kAcceptBudget; ++i) {
        int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of descriptors: an idle connection makes room, or accepting waits until
                // a connection closes (the client waits in the backlog meanwhile).
                if (!evict_idle()) {
                    pause_accepting();
                    return;
                }
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                listener_failed_ = true;
            }
            return;
        }
        if (connections_.size() >= max_connections_ && !evict_idle()) {
            ::close(fd);  // every connection is busy: the new one is turned away
            continue;
        }
        add_connection(fd);
    }
}

void HttpServer::Loop::add_connection(int fd) {
    auto owned = std::make_unique<Connection>();
    Connection& c = *owned;
    c.id = next_id_++;
    c.fd = fd;
    c.info.id = c.id;
    c.info.peer = sockets::peer_name(fd);
    sockets::set_no_delay(fd);
    if (tls_) {
        c.tls = std::make_unique<TlsSession>(tls_->get());
        if (!c.tls->ok()) {
            ::close(fd);
            return;
        }
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = c.id;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
        ::close(fd);
        return;
    }
    c.events = event.events;
    connections_.emplace(c.id, std::move(owned));
    if (c.tls) {
        c.phase = Phase::Handshake;
        set_deadline(c, Clock::now() + options_.limits.request_timeout);
    } else {
        become_idle(c);
    }
}

bool HttpServer::Loop::evict_idle() {
    if (idle_.empty()) {
        return false;
    }
    destroy(*connections_.at(idle_.front()), false);
    return true;
}

void HttpServer::Loop::pause_accepting() {
    epoll_event event{};
    event.data.u64 = kListenerKey;
    if (!accepting_paused_ && ::epoll_ctl(epoll_, EPOLL_CTL_MOD, listener_, &event) == 0) {
        accepting_paused_ = true;
    }
}

void HttpServer::Loop::resume_accepting() {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kListenerKey;
    if (accepting_paused_ && ::epoll_ctl(epoll_, EPOLL_CTL_MOD, listener_, &event) == 0) {
        accepting_paused_ = false;
    }
}

void HttpServer::Loop::destroy(Connection& c, bool reset) {
    leave_idle(c);
    set_deadline(c, std::nullopt);
    if (c.deferred) {
        deferred_.erase(*c.deferred);  // nobody is left to answer
    }
    if (reset) {
        sockets::close_with_reset(c.fd);
    } else {
        ::close(c.fd);  // also takes it out of the epoll set
    }
    connections_.erase(c.id);  // `c` is gone
    if (accepting_paused_) {
        resume_accepting();
    }
}

void HttpServer::Loop::close_connections() {
    for (auto& [id, c] : connections_) {
        // An answer still owed is never sent: the client sees the connection die.
        bool owed =
            c->phase == Phase::Waiting || c->phase == Phase::Stalled || c->phase == Phase::Writing;
        if (owed) {
            sockets::close_with_reset(c->fd);
        } else {
            ::close(c->fd);
        }
    }
    connections_.clear();
    idle_.clear();
    deadlines_.clear();
    deferred_.clear();
}

void HttpServer::Loop::become_idle(Connection& c) {
    c.phase = Phase::Idle;
    c.keep_alive = true;
    c.head_request = false;
    release_if_big(c.in);
    if (!c.idle_entry) {
        c.idle_entry = idle_.insert(idle_.end(), c.id);
    }
    set_deadline(c, Clock::now() + options_.limits.idle_timeout);
}

void HttpServer::Loop::leave_idle(Connection& c) {
    if (c.idle_entry) {
        idle_.erase(*c.idle_entry);
        c.idle_entry.reset();
    }
}

void HttpServer::Loop::set_deadline(Connection& c, std::optional<Clock::time_point> at) {
    if (c.deadline) {
        deadlines_.erase({*c.deadline, c.id});
    }
    c.deadline = at;
    if (at) {
        deadlines_.insert({*at, c.id});
    }
}

void HttpServer::Loop::expire(Connection& c) {
    switch (c.phase) {
        case Phase::Handshake:
        case Phase::Idle:
        case Phase::Closing:
            destroy(c, false);
            return;
        case Phase::Reading:  // slowloris
            refuse(c, 408);
            step(c);
            return;
        case Phase::Writing:  // the client takes nothing of its answer
            destroy(c, true);
            return;
        case Phase::Waiting:
        case Phase::Stalled:
            return;
    }
}

void HttpServer::Loop::fire_timers() {
    const Clock::time_point now = Clock::now();
    while (!deferred_.empty() && deferred_.begin()->first <= now && !stopping_.load()) {
        Deferred deferred = std::move(deferred_.begin()->second);
        deferred_.erase(deferred_.begin());
        // A connection that goes takes its timer with it: this one is still there, waiting.
        auto found = connections_.find(deferred.connection);
        if (found == connections_.end()) {
            continue;
        }
        Connection& c = *found->second;
        c.deferred.reset();
        Answer answer = call_handler(deferred.then);
        if (apply(c, std::move(answer))) {
            step(c);
        }
    }
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        Connection& c = *connections_.at(deadlines_.begin()->second);
        set_deadline(c, std::nullopt);
        expire(c);
    }
}

int HttpServer::Loop::next_timeout_ms() const {
    std::optional<Clock::time_point> next;
    if (!deferred_.empty()) {
        next = deferred_.begin()->first;
    }
    if (!deadlines_.empty() && (!next || deadlines_.begin()->first < *next)) {
        next = deadlines_.begin()->first;
    }
    if (!next) {
        return -1;
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
    return static_cast<int>(std::clamp<std::chrono::milliseconds>(wait, 0ms, 1h).count());
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler)
    : options_(std::move(options)),
      handler_(handler),
      loop_(std::make_unique<Loop>(options_, handler_)) {}

HttpServer::~HttpServer() = default;

Expected<int> HttpServer::bind() {
    return loop_->bind();
}

bool HttpServer::run() {
    return loop_->run();
}

void HttpServer::stop() {
    loop_->stop();
}

int HttpServer::port() const {
    return loop_->port();
}

}  // namespace tidb_backups::emulator
