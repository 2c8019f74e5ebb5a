#include "emulator/server.h"

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "core/endpoint.h"
#include "core/form.h"
#include "core/signer.h"

namespace tidb_backups::emulator {

namespace {

constexpr std::string_view kApiAction = "ListTiDBClusterBackup";
constexpr std::string_view kResponseAction = "ListTiDBClusterBackupResponse";

// cpp-httplib hands a handler no socket, yet dropping a connection and noticing that a client
// gave up need one. A connection's socket is the one whose two ends are the request's: found by
// asking every open socket of the process (few, and only for these rare faults and at stop).
struct SocketEnds {
    int local_port = -1;
    std::string peer_host;  // numeric, as cpp-httplib writes Request::remote_addr
    int peer_port = -1;
};

int port_of(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return -1;
}

std::optional<SocketEnds> connected_ends(int fd) {
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_length = sizeof local;
    socklen_t peer_length = sizeof peer;
    char host[NI_MAXHOST];
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0 ||
        getnameinfo(reinterpret_cast<const sockaddr*>(&peer), peer_length, host, sizeof host,
                    nullptr, 0, NI_NUMERICHOST) != 0) {
        return std::nullopt;  // not a socket, or not a connected one (e.g. a listener)
    }
    return SocketEnds{port_of(local), host, port_of(peer)};
}

std::vector<int> open_fds() {
    std::vector<int> fds;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (const dirent* entry = readdir(dir)) {
            int fd = -1;
            std::string_view name = entry->d_name;
            if (std::from_chars(name.data(), name.data() + name.size(), fd).ec == std::errc{}) {
                fds.push_back(fd);
            }
        }
        closedir(dir);
        return fds;
    }
    for (int fd = 3; fd < 4096; ++fd) {  // no /proc: try the usual range
        fds.push_back(fd);
    }
    return fds;
}

// The server side of the connection that carried `request`, or -1.
int connection_fd(const httplib::Request& request) {
    for (int fd : open_fds()) {
        auto ends = connected_ends(fd);
        if (ends && ends->local_port == request.local_port &&
            ends->peer_port == request.remote_port && ends->peer_host == request.remote_addr) {
            return fd;
        }
    }
    return -1;
}

// Ends the connection without a response. The socket stays open (cpp-httplib closes it), so
// the descriptor cannot be reused under it; its attempt to write the response then fails.
void abort_connection(int fd) {
    linger hard{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    shutdown(fd, SHUT_RDWR);
}

// True when the client closed its end (it gave up waiting).
bool peer_closed(int fd) {
    pollfd watch{fd, POLLRDHUP, 0};
    return poll(&watch, 1, 0) > 0 && (watch.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

// Wakes workers that idle in cpp-httplib's keep-alive wait, which would otherwise hold run()
// for up to its keep-alive timeout after stop().
void shut_connections_to_port(int port) {
    for (int fd : open_fds()) {
        auto ends = connected_ends(fd);
        if (ends && ends->local_port == port) {
            shutdown(fd, SHUT_RDWR);
        }
    }
}

std::optional<std::string> param(const Params& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

Params request_params(const httplib::Request& request) {
    std::string_view form = request.body;
    if (request.method == "GET" || form.empty()) {
        std::string_view target = request.target;
        std::size_t question = target.find('?');
        form =
            question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    }
    // A malformed escape leaves nothing to verify a signature against: answered as such.
    return form_decode(form).value_or(Params{});
}

nlohmann::ordered_json number_or_text(const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    if (auto number = parse_integer(*value)) {
        return *number;
    }
    return *value;
}

}  // namespace

std::optional<ResponseShape> parse_shape(std::string_view name) {
    if (name == "data") {
        return ResponseShape::Data;
    }
    if (name == "object") {
        return ResponseShape::Object;
    }
    if (name == "backupdata") {
        return ResponseShape::BackupData;
    }
    return std::nullopt;
}

nlohmann::ordered_json ServerStats::to_json() const {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    json["requests"] = requests;
    json["connections"] = connections;
    json["signature_failures"] = signature_failures;
    json["recent"] = nlohmann::ordered_json::array();
    for (const auto& request : recent) {
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        entry["Id"] = request.id ? nlohmann::ordered_json(*request.id) : nullptr;
        entry["Limit"] = number_or_text(request.limit);
        entry["Offset"] = number_or_text(request.offset);
        entry["Region"] = request.region ? nlohmann::ordered_json(*request.region) : nullptr;
        json["recent"].push_back(std::move(entry));
    }
    return json;
}

EmulatorServer::EmulatorServer(ServerOptions options)
    : options_(std::move(options)), catalog_(options_.catalog), faults_(options_.faults) {}

EmulatorServer::~EmulatorServer() {
    stop();
}

Expected<int> EmulatorServer::bind() {
    if (!is_loopback_host(options_.host)) {
        return make_error(
            ErrorKind::Usage,
            fmt::format("the emulator listens on loopback only, not '{}'", options_.host),
            "use 127.0.0.1, ::1 or localhost");
    }
    // A client that vanishes must not kill the server.
    if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        return make_error(ErrorKind::Network,
                          fmt::format("cannot ignore SIGPIPE: {}", std::strerror(errno)));
    }

    if (is_https()) {
        for (const std::string& path : {options_.cert_file, options_.key_file}) {
            if (!std::ifstream(path)) {
                return make_error(ErrorKind::Usage,
                                  fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
            }
        }
        http_ = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(),
                                                     options_.key_file.c_str());
        if (!http_->is_valid()) {
            return make_error(ErrorKind::Usage,
                              fmt::format("cannot use certificate '{}' with key '{}'",
                                          options_.cert_file, options_.key_file),
                              "both must be PEM files, and the key must match the certificate");
        }
    } else {
        http_ = std::make_unique<httplib::Server>();
    }

    const std::size_t threads = static_cast<std::size_t>(std::max(options_.threads, 1));
    http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // The default also sets SO_REUSEPORT, which would let a second emulator share the port.
    http_->set_socket_options([this](socket_t sock) {
        listen_socket_ = sock;
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http_->set_tcp_nodelay(true);           // the body must not wait for the client's delayed ACK
    http_->set_keep_alive_max_count(1000);  // like nginx: a paging client keeps its connection
    http_->Get("/_emulator/stats", [this](const httplib::Request&, httplib::Response& response) {
        handle_stats(response);
    });
    auto api = [this](const httplib::Request& request, httplib::Response& response) {
        handle_api(request, response);
    };
    http_->Get(".*", api);
    http_->Post(".*", api);

    errno = 0;
    if (options_.port == 0) {
        port_ = http_->bind_to_any_port(options_.host);
    } else {
        port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
    }
    if (port_ > 0) {
        // httplib 0.11 listens with a backlog of 5: eight workers connecting at once would see
        // SYNs dropped and a one-second retransmit.
        ::listen(listen_socket_, SOMAXCONN);
    }
    if (port_ <= 0) {
        int error = errno;
        return make_error(ErrorKind::Network,
                          fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port,
                                      error != 0 ? std::strerror(error) : "bind failed"),
                          "is the port in use? --port 0 picks a free one");
    }
    return port_;
}

bool EmulatorServer::run() {
    {
        std::lock_guard lock(state_mutex_);
        if (stopping_ || !http_ || port_ <= 0) {
            return stopping_;
        }
        running_ = true;
    }
    bool served = http_->listen_after_bind();
    std::lock_guard lock(state_mutex_);
    running_ = false;
    return served;
}

void EmulatorServer::stop() {
    {
        std::lock_guard lock(state_mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    stopped_.notify_all();
    if (!http_) {
        return;
    }
    // httplib's stop() only acts once listening has begun; run() may be just about to.
    for (;;) {
        {
            std::lock_guard lock(state_mutex_);
            if (!running_) {
                break;
            }
        }
        if (http_->is_running()) {
            http_->stop();
            break;
        }
        std::this_thread::yield();
    }
    shut_connections_to_port(port_);
}

ServerStats EmulatorServer::stats() const {
    std::lock_guard lock(stats_mutex_);
    return ServerStats{requests_,
                       static_cast<std::int64_t>(connections_.size()),
                       signature_failures_,
                       {recent_.begin(), recent_.end()}};
}

void EmulatorServer::handle_stats(httplib::Response& response) const {
    response.set_content(stats().to_json().dump(), "application/json");
}

void EmulatorServer::record(const httplib::Request& request, const RecordedRequest& params) {
    std::lock_guard lock(stats_mutex_);
    ++requests_;
    connections_.insert(fmt::format("[{}]:{}", request.remote_addr, request.remote_port));
    recent_.push_back(params);
    if (recent_.size() > kRecentRequests) {
        recent_.pop_front();
    }
}

bool EmulatorServer::wait_unless_stopped(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(state_mutex_);
    return !stopped_.wait_until(lock, deadline, [this] { return stopping_; });
}

void EmulatorServer::hang(const httplib::Request& request) {
    int fd = connection_fd(request);
    // Poll for the client leaving so that hung requests do not pile up and exhaust the threads.
    while (wait_unless_stopped(std::chrono::steady_clock::now() + std::chrono::milliseconds(50))) {
        if (fd >= 0 && peer_closed(fd)) {
            break;
        }
    }
    if (fd >= 0) {
        abort_connection(fd);  // a hung request never gets an answer, not even at stop
    }
}

void EmulatorServer::handle_api(const httplib::Request& request, httplib::Response& response) {
    const Params params = request_params(request);
    const RecordedRequest recorded{param(params, "Id"), param(params, "Limit"),
                                   param(params, "Offset"), param(params, "Region")};
    const Decision decision = faults_.next();
    record(request, recorded);

    std::string outcome;
    if (!wait_unless_stopped(std::chrono::steady_clock::now() + options_.faults.latency)) {
        // Stopping: what is still waiting is dropped, as a server going away would.
        if (int fd = connection_fd(request); fd >= 0) {
            abort_connection(fd);
        }
        response.status = 503;
        outcome = "dropped (stopping)";
    } else {
        switch (decision.fault) {
            case Fault::Drop: {
                int fd = connection_fd(request);
                if (fd >= 0) {
                    abort_connection(fd);
                    outcome = "connection dropped";
                } else {
                    response.status = 500;
                    response.set_content(error_page(500), "text/html");
                    outcome = "500 (could not find the connection to drop)";
                }
                break;
            }
            case Fault::Hang:
                hang(request);
                outcome = "hung, no answer";
                break;
            case Fault::Stall:
            case Fault::Truncate: {
                httplib::Response full;
                answer_page(params, full, outcome);
                auto body = std::make_shared<std::string>(std::move(full.body));
                const bool stall = decision.fault == Fault::Stall;
                response.status = full.status;
                response.set_content_provider(
                    body->size(), "application/json",
                    [this, body, stall](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                        if (stall) {
                            // The headers are out; the body never comes (until the server stops).
                            wait_unless_stopped(std::chrono::steady_clock::now() +
                                                std::chrono::hours(1));
                        } else if (offset == 0) {
                            sink.write(body->data(), body->size() / 2);
                        }
                        return false;  // ends the connection short of Content-Length
                    });
                outcome =
                    stall ? "headers, then no body (injected)" : "body cut in half (injected)";
                break;
            }
            case Fault::Fail:
                response.status = options_.faults.fail_status;
                response.set_content(error_page(options_.faults.fail_status), "text/html");
                outcome = fmt::format("{} (injected)", response.status);
                break;
            case Fault::Malformed:
                response.set_content(truncated_body(), "application/json");
                outcome = "200 malformed body (injected)";
                break;
            case Fault::RetCode: {
                int code = *options_.faults.ret_code;
                nlohmann::ordered_json body = {{"Action", kResponseAction},
                                               {"RetCode", code},
                                               {"Message", ret_code_message(code)}};
                send_json(response, std::move(body));
                outcome = fmt::format("200 RetCode {} (injected)", code);
                break;
            }
            case Fault::None:
                answer_page(params, response, outcome);
                break;
        }
        if (decision.fault != Fault::Drop && decision.fault != Fault::Hang) {
            faults_.answered();
        }
    }
    auto shown = [](const std::optional<std::string>& value) { return value.value_or("-"); };
    log(fmt::format("#{} {} {} Id={} Limit={} Offset={} -> {}", decision.sequence, request.method,
                    request.path, shown(recorded.id), shown(recorded.limit), shown(recorded.offset),
                    outcome));
}

namespace {
constexpr std::string_view kHostilePlaceholder = "@@HOSTILE@@";
}  // namespace

void EmulatorServer::answer_page(const Params& params, httplib::Response& response,
                                 std::string& outcome) {
    auto fail = [&](int code, std::string message, const std::string& action = {}) {
        outcome = fmt::format("200 RetCode {} {}", code, message);
        nlohmann::ordered_json body = {
            {"Action", action.empty() ? std::string(kResponseAction) : action + "Response"},
            {"RetCode", code},
            {"Message", std::move(message)}};
        send_json(response, std::move(body));
    };

    auto public_key = param(params, "PublicKey");
    auto signature = param(params, "Signature");
    if (!public_key || *public_key != options_.public_key || !signature ||
        *signature != signature_of(params, options_.private_key)) {
        {
            std::lock_guard lock(stats_mutex_);
            ++signature_failures_;
        }
        return fail(171, "Signature VerifyAC Error");
    }

    auto action = param(params, "Action");
    if (!action || action->empty()) {
        return fail(160, "Missing params [Action]");
    }
    if (*action != kApiAction) {
        return fail(161, fmt::format("Action [{}] not found", *action), *action);
    }
    for (std::string_view required : {"Region", "Id"}) {
        auto value = param(params, required);
        if (!value || value->empty()) {
            return fail(160, fmt::format("Missing params [{}]", required));
        }
    }

    // An empty Limit or Offset counts as absent, as an HTML form would send it.
    std::int64_t limit = kDefaultLimit;
    if (auto text = param(params, "Limit"); text && !text->empty()) {
        auto value = parse_integer(*text);
        if (!value || *value < 0 || *value > kMaxLimit) {
            return fail(230, "Params [Limit] not available");
        }
        limit = *value;
    }
    std::int64_t offset = 0;
    if (auto text = param(params, "Offset"); text && !text->empty()) {
        auto value = parse_integer(*text);
        if (!value || *value < 0) {
            return fail(230, "Params [Offset] not available");
        }
        offset = *value;
    }

    const std::string id = *param(params, "Id");
    if (options_.unknown_ids.count(id) > 0) {
        return fail(230, "Params [Id] not available");
    }
    const std::int64_t grown = faults_.grown();
    const std::int64_t total = catalog_.count(id) + grown;
    const std::int64_t first = served_offset(options_.hostile, offset);
    std::vector<BackupObject> page =
        catalog_.page(id, first, served_limit(options_.hostile, limit), grown);

    nlohmann::ordered_json body = {{"Action", kResponseAction}, {"RetCode", 0}};
    if (!options_.omit_total_count) {
        body["TotalCount"] = options_.total_count.value_or(total);
    }
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    if (options_.long_id > 0 && offset == 0 && !page.empty()) {
        const auto size = static_cast<std::size_t>(options_.long_id);
        std::string long_id = backup_id(page.front()) + "-";
        for (int digit = 0; long_id.size() < size; digit = (digit + 1) % 10) {
            long_id.push_back(static_cast<char>('0' + digit));
        }
        long_id.resize(size);
        page.front()["BackupId"] = std::move(long_id);
    }
    for (std::size_t i = 0; i < page.size(); ++i) {
        BackupObject& backup = page[i];
        tamper_backup(options_.hostile, backup, first + static_cast<std::int64_t>(i),
                      catalog_.now());
        if (options_.hostile_text) {
            backup["BackupType"] = std::string(kHostilePlaceholder);
            backup["BackupName"] = std::string(kHostilePlaceholder);
        }
        if (options_.duplicate_ids) {
            data.push_back(backup);
        }
        data.push_back(std::move(backup));
    }
    switch (options_.shape) {
        case ResponseShape::Data:
            body["Data"] = std::move(data);
            break;
        case ResponseShape::Object:
            body["Data"] = data.size() == 1 ? data[0] : data;
            break;
        case ResponseShape::BackupData:
            body["BackupData"] = data.empty() ? nlohmann::ordered_json::object() : data;
            break;
    }
    if (options_.null_data) {
        body.erase("BackupData");
        body["Data"] = nullptr;
    }
    if (options_.pad_bytes > 0) {
        body["Padding"] = std::string(static_cast<std::size_t>(options_.pad_bytes), 'x');
    }
    outcome = fmt::format("200 RetCode 0, {} of {} backups", page.size(), total);
    tamper_body(options_.hostile, body);
    send_json(response, std::move(body));
    splice(options_.hostile, response.body);
    if (options_.hostile_text) {
        // JSON escapes control characters itself; bytes that are not UTF-8 have to be spliced
        // into the text, since no JSON library will write them.
        std::string& text = response.body;
        const std::string hostile =
            "evil\\u001b[2J\\u0007\\r\\u009b\xff\xfe name"
            " \xe2\x80\xae\xe2\x80\x8f\\u001b]0;owned\\u0007\xc2\x9b";  // RLO, RLM, OSC, raw C1
        for (auto at = text.find(kHostilePlaceholder); at != std::string::npos;
             at = text.find(kHostilePlaceholder, at + hostile.size())) {
            text.replace(at, kHostilePlaceholder.size(), hostile);
        }
    }
}

void EmulatorServer::send_json(httplib::Response& response, nlohmann::ordered_json body) const {
    if (options_.ret_code_as_string) {
        body["RetCode"] = std::to_string(body["RetCode"].get<int>());
    }
    response.status = 200;
    response.set_content(body.dump(), "application/json");
}

void EmulatorServer::log(std::string_view line) const {
    if (options_.log) {
        std::lock_guard lock(log_mutex_);
        options_.log(line);
    }
}

}  // namespace tidb_backups::emulator
