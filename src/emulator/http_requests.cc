// SPDX-License-Identifier: Apache-2.0
// HttpServer's loop, reading: bytes in (through TLS when serving HTTPS), requests framed within
// the bounds, each handed to the handler and its answer applied; refusals of what is too big,
// too slow or malformed.
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

void HttpServer::Loop::on_event(Connection& c, std::uint32_t events) {
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
        destroy(c, false);  // reset, or closed both ways: nobody is left to answer
        return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP)) != 0 && !receive(c, events)) {
        return;
    }
    step(c);
}

bool HttpServer::Loop::receive(Connection& c, std::uint32_t events) {
    char buffer[kReadChunk];
    std::size_t taken = 0;
    while (!c.peer_eof && taken < kReadBudget) {
        if (c.phase != Phase::Closing && c.in.size() >= input_cap_) {
            // Enough waits to be used; a client that has also finished sending has left.
            if ((events & EPOLLRDHUP) != 0) {
                c.peer_eof = true;
            }
            break;
        }
        ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            destroy(c, false);
            return false;
        }
        if (got == 0) {
            c.peer_eof = true;
            break;
        }
        const auto size = static_cast<std::size_t>(got);
        taken += size;
        if (c.phase == Phase::Closing) {
            c.discarded += size;
            if (c.discarded > kLingerBytes) {
                destroy(c, false);
                return false;
            }
        } else if (c.tls) {
            c.tls->received(std::string_view(buffer, size));
            if (!decrypt(c)) {
                return false;
            }
        } else {
            c.in.append(buffer, size);
        }
    }
    return true;
}

bool HttpServer::Loop::decrypt(Connection& c) {
    if (c.phase == Phase::Handshake) {
        if (c.tls->handshake() != TlsSession::Result::Progress) {
            destroy(c, false);
            return false;
        }
        if (!c.tls->handshake_done()) {
            return true;
        }
        become_idle(c);
    }
    TlsSession::Result result = c.tls->read(c.in, input_cap_);
    if (result == TlsSession::Result::Failed) {
        destroy(c, false);
        return false;
    }
    if (result == TlsSession::Result::Closed) {
        c.peer_eof = true;
    }
    return true;
}

void HttpServer::Loop::step(Connection& c) {
    for (;;) {
        if (!advance(c)) {
            return;
        }
        const Phase before = c.phase;
        if (!flush(c)) {
            return;
        }
        // An answer went out whole: the next request may already be here.
        if (before != Phase::Writing || c.phase != Phase::Idle) {
            break;
        }
    }
    if (!finish_closing(c) || !settle_eof(c)) {
        return;
    }
    update_interest(c);
}

// Parses what has arrived; a complete request goes to the handler.
bool HttpServer::Loop::advance(Connection& c) {
    if ((c.phase != Phase::Idle && c.phase != Phase::Reading) || c.in.empty()) {
        return true;
    }
    const HttpLimits& limits = options_.limits;
    if (c.phase == Phase::Idle) {
        leave_idle(c);
        c.phase = Phase::Reading;
        set_deadline(c, Clock::now() + limits.request_timeout);
    }
    if (!c.head) {
        // Empty lines before a request line are allowed (RFC 9112, section 2.2).
        if (c.head_scanned == 0) {
            c.in.erase(0, std::min(c.in.find_first_not_of("\r\n"), c.in.size()));
        }
        std::optional<std::size_t> end = http::find_head_end(c.in, c.head_scanned);
        if (!end) {
            if (c.in.size() > limits.max_head_bytes) {
                refuse(c, 431);
            } else {
                c.head_scanned = c.in.size();
            }
            return true;
        }
        if (*end > limits.max_head_bytes) {
            refuse(c, 431);
            return true;
        }
        Expected<http::RequestHead> head =
            http::parse_request_head(std::string_view(c.in).substr(0, *end));
        Expected<http::Framing> framing =
            head ? http::request_framing(*head) : Expected<http::Framing>(head.error());
        if (!framing) {
            refuse(c, 400);
            return true;
        }
        if (framing->kind == http::Framing::Kind::Length &&
            framing->length > limits.max_body_bytes) {
            refuse(c, 413);
            return true;
        }
        c.in.erase(0, *end);
        c.head_scanned = 0;
        c.keep_alive = http::keeps_alive(head->minor_version, head->headers);
        c.body_reader.emplace(*framing, limits.max_body_bytes);
        if (!c.body_reader->done() && c.in.empty() && head->minor_version >= 1 &&
            head->headers.has_token("Expect", "100-continue")) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        }
        c.head = std::move(*head);
    }
    Expected<std::size_t> took = c.body_reader->feed(c.in, c.body);
    if (!took) {
        refuse(c, took.error().kind == ErrorKind::Response ? 413 : 400);
        return true;
    }
    c.in.erase(0, *took);
    if (!c.body_reader->done()) {
        return true;
    }
    return dispatch(c);
}

bool HttpServer::Loop::dispatch(Connection& c) {
    HttpRequest request;
    request.method = std::move(c.head->method);
    request.target = std::move(c.head->target);
    request.minor_version = c.head->minor_version;
    request.headers = std::move(c.head->headers);
    request.body = std::move(c.body);
    c.head.reset();
    c.body_reader.reset();
    c.body = std::string();
    c.head_request = request.method == "HEAD";
    c.phase = Phase::Waiting;
    set_deadline(c, std::nullopt);
    Answer answer = call_handler([&] { return handler_.handle(request, c.info); });
    return apply(c, std::move(answer));
}

Answer HttpServer::Loop::call_handler(const std::function<Answer()>& call) {
    try {
        return call();
    } catch (...) {
        HttpResponse failed;
        failed.status = 500;
        failed.body = "500 Internal Server Error\n";
        return Answer::respond(std::move(failed));
    }
}

bool HttpServer::Loop::apply(Connection& c, Answer answer) {
    switch (answer.kind) {
        case Answer::Kind::Respond:
            queue_response(c, answer.response, Delivery::Whole);
            return true;
        case Answer::Kind::Reset:
            destroy(c, true);
            return false;
        case Answer::Kind::Hang:
            c.phase = Phase::Waiting;
            return true;
        case Answer::Kind::HeadOnly:
            queue_response(c, answer.response, Delivery::HeadOnly);
            return true;
        case Answer::Kind::HalfBody:
            queue_response(c, answer.response, Delivery::HalfBody);
            return true;
        case Answer::Kind::Later: {
            c.phase = Phase::Waiting;
            auto delay = std::clamp<std::chrono::milliseconds>(answer.delay, 0ms, kLongestDelay);
            c.deferred =
                deferred_.emplace(Clock::now() + delay, Deferred{c.id, std::move(answer.then)});
            return true;
        }
    }
    return true;
}

// Answers a request the server could not take (malformed, too big, too slow) and closes.
void HttpServer::Loop::refuse(Connection& c, int status) {
    c.head.reset();
    c.body_reader.reset();
    c.body.clear();
    c.in.clear();
    c.head_scanned = 0;
    c.keep_alive = false;
    c.head_request = false;
    HttpResponse response;
    response.status = status;
    response.body = fmt::format("{} {}\n", status, http::reason_phrase(status));
    queue_response(c, response, Delivery::Whole);
}

}  // namespace tidb_backups::emulator
