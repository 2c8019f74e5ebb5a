// SPDX-License-Identifier: Apache-2.0
// HttpServer's loop, writing: answers queued and sent as the socket takes them (through TLS
// when serving HTTPS), then kept alive, stalled or closed without losing what the client reads.
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

void HttpServer::Loop::queue_response(Connection& c, const HttpResponse& response,
                                      Delivery delivery) {
    std::vector<http::Header> headers;
    if (!response.content_type.empty()) {
        headers.push_back({"Content-Type", response.content_type});
    }
    headers.push_back({"Content-Length", std::to_string(response.body.size())});
    headers.insert(headers.end(), response.headers.begin(), response.headers.end());
    if (delivery == Delivery::Whole && !c.keep_alive) {
        headers.push_back({"Connection", "close"});
    }
    c.out +=
        http::format_response_head(response.status, http::reason_phrase(response.status), headers);
    if (!c.head_request) {
        if (delivery == Delivery::Whole) {
            c.out += response.body;
        } else if (delivery == Delivery::HalfBody) {
            c.out.append(response.body, 0, response.body.size() / 2);
        }
    }
    switch (delivery) {
        case Delivery::Whole:
            c.after_write = c.keep_alive ? AfterWrite::KeepAlive : AfterWrite::Close;
            break;
        case Delivery::HeadOnly:
            c.after_write = AfterWrite::Stall;
            break;
        case Delivery::HalfBody:
            c.after_write = AfterWrite::Close;
            break;
    }
    c.phase = Phase::Writing;
    set_deadline(c, Clock::now() + options_.limits.idle_timeout);
}

bool HttpServer::Loop::has_output(const Connection& c) {
    return c.out_sent < c.out.size() || c.wire_sent < c.wire.size();
}

// Sends what the socket takes now.
bool HttpServer::Loop::flush(Connection& c) {
    bool progressed = false;
    for (;;) {
        std::string& pending = c.tls ? c.wire : c.out;
        std::size_t& sent = c.tls ? c.wire_sent : c.out_sent;
        if (sent == pending.size()) {
            pending.clear();
            sent = 0;
            if (!c.tls) {
                break;
            }
            if (c.tls->handshake_done() && c.out_sent < c.out.size()) {
                std::size_t size = std::min(kTlsWriteChunk, c.out.size() - c.out_sent);
                if (!c.tls->write(std::string_view(c.out).substr(c.out_sent, size))) {
                    destroy(c, false);
                    return false;
                }
                c.out_sent += size;
                if (c.out_sent == c.out.size()) {
                    c.out.clear();
                    c.out_sent = 0;
                }
            }
            c.tls->take_output(c.wire);
            if (c.wire.empty()) {
                break;
            }
            continue;
        }
        ssize_t got = ::send(c.fd, pending.data() + sent, pending.size() - sent, MSG_NOSIGNAL);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            destroy(c, false);  // the client has gone
            return false;
        }
        sent += static_cast<std::size_t>(got);
        progressed = true;
    }
    if (c.phase == Phase::Writing) {
        if (!has_output(c)) {
            return written(c);
        }
        if (progressed) {
            set_deadline(c, Clock::now() + options_.limits.idle_timeout);
        }
    }
    return true;
}

bool HttpServer::Loop::written(Connection& c) {
    release_if_big(c.out);
    release_if_big(c.wire);
    switch (c.after_write) {
        case AfterWrite::KeepAlive:
            become_idle(c);
            return c.tls ? decrypt(c) : true;
        case AfterWrite::Close:
            begin_close(c);
            return true;
        case AfterWrite::Stall:
            c.phase = Phase::Stalled;
            set_deadline(c, std::nullopt);
            return true;
    }
    return true;
}

void HttpServer::Loop::begin_close(Connection& c) {
    leave_idle(c);
    c.phase = Phase::Closing;
    c.in = std::string();
    if (c.tls) {
        c.tls->close();  // close_notify goes out with the next flush
    }
    set_deadline(c, Clock::now() + kLingerTime);
}

bool HttpServer::Loop::finish_closing(Connection& c) {
    if (c.phase != Phase::Closing) {
        return true;
    }
    if (c.tls && !flush(c)) {
        return false;
    }
    if (has_output(c)) {
        return true;
    }
    if (!c.write_shut) {
        ::shutdown(c.fd, SHUT_WR);
        c.write_shut = true;
    }
    if (c.peer_eof) {
        destroy(c, false);
        return false;
    }
    return true;
}

// The client has sent its last byte: what that means depends on what it was waiting for.
bool HttpServer::Loop::settle_eof(Connection& c) {
    if (!c.peer_eof) {
        return true;
    }
    switch (c.phase) {
        case Phase::Handshake:
        case Phase::Idle:
        case Phase::Reading:  // an incomplete request that will never be completed
        case Phase::Waiting:  // the client gave up waiting (as nginx takes it, a 499)
        case Phase::Stalled:
            destroy(c, false);
            return false;
        case Phase::Writing:
        case Phase::Closing:
            return true;
    }
    return true;
}

void HttpServer::Loop::update_interest(Connection& c) {
    std::uint32_t events = 0;
    if (!c.peer_eof) {
        events |= EPOLLRDHUP;
        if (c.phase == Phase::Closing || c.in.size() < input_cap_) {
            events |= EPOLLIN;
        }
    }
    if (has_output(c)) {
        events |= EPOLLOUT;
    }
    if (events == c.events) {
        return;
    }
    epoll_event event{};
    event.events = events;
    event.data.u64 = c.id;
    if (::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event) == 0) {
        c.events = events;
    }
}

}  // namespace tidb_backups::emulator
