#include "emulator/http_server.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "emulator/sockets.h"
#include "emulator/tls_server.h"

namespace tidb_backups::emulator {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::uint64_t kListenerKey = ~std::uint64_t{0};
constexpr std::uint64_t kWakeKey = kListenerKey - 1;
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
// Read from one connection per turn of the loop, so that a client that floods cannot starve
// the others.
constexpr std::size_t kReadBudget = std::size_t{256} * 1024;
constexpr int kAcceptBudget = 64;
constexpr int kMaxEvents = 256;
// Descriptors kept out of max_connections: the listener, the loop's own, the process's.
constexpr long kReservedFds = 64;
// After the answer that ends a connection, what the client still sends is read and dropped for
// a moment, so that closing does not reset the connection under an answer not yet read.
constexpr auto kLingerTime = 1s;
constexpr std::size_t kLingerBytes = std::size_t{256} * 1024;
// Plaintext encrypted at a time: what waits for the socket stays small.
constexpr std::size_t kTlsWriteChunk = std::size_t{64} * 1024;
// Buffers bigger than this are given back once used (a padded page can be megabytes).
constexpr std::size_t kKeptBuffer = std::size_t{64} * 1024;
// A delay longer than this is taken as this, so that no deadline overflows the clock.
constexpr auto kLongestDelay = std::chrono::hours(24 * 365);

enum class Phase {
    Handshake,  // TLS handshake in progress
    Idle,       // between requests: nothing of the next one yet
    Reading,    // a request's head or body is arriving
    Waiting,    // the handler has the request: an answer to come later, or a hang
    Writing,    // an answer is going out
    Stalled,    // an answer's head went out, its body never will
    Closing,    // the last answer is out: what the client still sends is dropped until it leaves
};

enum class AfterWrite { KeepAlive, Close, Stall };
enum class Delivery { Whole, HeadOnly, HalfBody };

void release_if_big(std::string& buffer) {
    if (buffer.empty() && buffer.capacity() > kKeptBuffer) {
        std::string().swap(buffer);
    }
}

}  // namespace

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

class HttpServer::Loop {
  public:
    Loop(const HttpServerOptions& options, HttpHandler& handler)
        : options_(options),
          handler_(handler),
          input_cap_(options.limits.max_head_bytes + options.limits.max_body_bytes),
          wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

    ~Loop() {
        close_connections();
        for (int fd : {listener_, wake_, epoll_}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }

    Expected<int> bind();
    bool run();
    void stop();
    int port() const { return port_; }

  private:
    // An answer to come once a timer ends.
    struct Deferred {
        std::uint64_t connection = 0;
        std::function<Answer()> then;
    };
    using DeferredMap = std::multimap<Clock::time_point, Deferred>;

    struct Connection {
        std::uint64_t id = 0;
        int fd = -1;
        HttpConnection info;
        std::unique_ptr<TlsSession> tls;
        Phase phase = Phase::Idle;
        std::optional<Clock::time_point> deadline;
        std::optional<std::list<std::uint64_t>::iterator> idle_entry;
        // Waiting for this timer (an answer to come later), not hung.
        std::optional<DeferredMap::iterator> deferred;
        std::uint32_t events = 0;  // what epoll watches for

        std::string in;  // received (decrypted) and not yet used
        std::size_t head_scanned = 0;
        std::optional<http::RequestHead> head;
        std::optional<http::BodyReader> body_reader;
        std::string body;
        bool keep_alive = true;     // of the request being answered
        bool head_request = false;  // HEAD: the answer goes without its body
        bool peer_eof = false;      // the client sent its last byte
        bool write_shut = false;
        std::size_t discarded = 0;

        std::string out;  // plaintext to send (TLS: to encrypt)
        std::size_t out_sent = 0;
        std::string wire;  // TLS: ciphertext to send
        std::size_t wire_sent = 0;
        AfterWrite after_write = AfterWrite::KeepAlive;
    };

    void accept_ready();
    void add_connection(int fd);
    bool evict_idle();
    void pause_accepting();
    void resume_accepting();
    void destroy(Connection& c, bool reset);
    void close_connections();

    void on_event(Connection& c, std::uint32_t events);
    bool receive(Connection& c, std::uint32_t events);
    bool decrypt(Connection& c);
    void step(Connection& c);
    bool advance(Connection& c);
    bool dispatch(Connection& c);
    bool apply(Connection& c, Answer answer);
    void refuse(Connection& c, int status);
    void queue_response(Connection& c, const HttpResponse& response, Delivery delivery);
    bool flush(Connection& c);
    bool written(Connection& c);
    void begin_close(Connection& c);
    bool finish_closing(Connection& c);
    bool settle_eof(Connection& c);
    void update_interest(Connection& c);
    static bool has_output(const Connection& c);

    void become_idle(Connection& c);
    void leave_idle(Connection& c);
    void set_deadline(Connection& c, std::optional<Clock::time_point> at);
    void expire(Connection& c);
    void fire_timers();
    int next_timeout_ms() const;
    Answer call_handler(const std::function<Answer()>& call);

    const HttpServerOptions& options_;
    HttpHandler& handler_;
    const std::size_t input_cap_;
    std::unique_ptr<TlsServerContext> tls_;
    int listener_ = -1;
    int wake_ = -1;
    int epoll_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    bool listener_failed_ = false;
    bool accepting_paused_ = false;
    std::size_t max_connections_ = 1;

    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
    std::list<std::uint64_t> idle_;  // idle connections, longest idle first
    std::set<std::pair<Clock::time_point, std::uint64_t>> deadlines_;
    DeferredMap deferred_;
};

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
