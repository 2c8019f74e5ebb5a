// SPDX-License-Identifier: Apache-2.0
#include "emulator/server.h"

#include <charconv>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "core/endpoint.h"
#include "core/form.h"
#include "core/signer.h"

namespace tidb_backups::emulator {

namespace {

constexpr std::string_view kApiAction = "ListTiDBClusterBackup";
constexpr std::string_view kResponseAction = "ListTiDBClusterBackupResponse";
constexpr std::string_view kStatsPath = "/_emulator/stats";
// Below this much padding a delayed answer is made on arrival (see handle_api).
constexpr std::int64_t kEagerPageBytes = std::int64_t{1} << 20;

HttpServerOptions http_options(const ServerOptions& options) {
    HttpServerOptions http;
    http.host = options.host;
    http.port = options.port;
    http.cert_file = options.cert_file;
    http.key_file = options.key_file;
    http.limits = options.limits;
    return http;
}

// Text for a client, whatever bytes it holds: the JSON library refuses to write bytes that are
// not UTF-8 unless told to replace them.
std::string dump_text(const nlohmann::ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
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

Params request_params(const HttpRequest& request) {
    std::string_view form = request.body;
    if (request.method != "POST" || form.empty()) {
        form = request.query();
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
    json["rate_limited"] = rate_limited;
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

std::string ServerStats::to_text() const {
    return dump_text(to_json());
}

EmulatorServer::EmulatorServer(ServerOptions options)
    : options_(std::move(options)),
      catalog_(options_.catalog),
      faults_(options_.faults),
      transition_(options_.transition),
      http_(http_options(options_), *this) {
    if (options_.rate_limit) {
        rate_limit_.emplace(*options_.rate_limit, TokenBucket::Clock::now());
    }
}

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
    // A client that vanishes must not kill the server (its sends use MSG_NOSIGNAL as well).
    if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        return make_error(ErrorKind::Network,
                          fmt::format("cannot ignore SIGPIPE: {}", std::strerror(errno)));
    }
    auto port = http_.bind();
    if (port) {
        port_ = *port;
    }
    return port;
}

bool EmulatorServer::run() {
    return http_.run();
}

void EmulatorServer::stop() {
    http_.stop();
}

ServerStats EmulatorServer::stats() const {
    std::lock_guard lock(stats_mutex_);
    return ServerStats{requests_,
                       connections_,
                       signature_failures_,
                       rate_limited_,
                       {recent_.begin(), recent_.end()}};
}

HttpResponse EmulatorServer::handle_stats() const {
    HttpResponse response;
    response.content_type = "application/json";
    response.body = stats().to_text();
    return response;
}

void EmulatorServer::record(HttpConnection& connection, const RecordedRequest& params) {
    std::lock_guard lock(stats_mutex_);
    ++requests_;
    if (!connection.marked) {
        connection.marked = true;
        ++connections_;
    }
    recent_.push_back(params);
    if (recent_.size() > kRecentRequests) {
        recent_.pop_front();
    }
}

Answer EmulatorServer::handle(const HttpRequest& request, HttpConnection& connection) {
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (!get && request.method != "POST") {
        HttpResponse response;
        response.status = 405;
        response.body = "405 Method Not Allowed\n";
        response.headers.push_back({"Allow", "GET, POST"});
        return Answer::respond(std::move(response));
    }
    if (get && request.path() == kStatsPath) {
        return Answer::respond(handle_stats());
    }
    return handle_api(request, connection);
}

Answer EmulatorServer::handle_api(const HttpRequest& request, HttpConnection& connection) {
    Params params = request_params(request);
    RecordedRequest recorded{param(params, "Id"), param(params, "Limit"), param(params, "Offset"),
                             param(params, "Region")};
    Decision decision = faults_.next();
    if (rate_limit_ && !rate_limit_->take(TokenBucket::Clock::now())) {
        decision.fault = Fault::RateLimited;
        std::lock_guard lock(stats_mutex_);
        ++rate_limited_;
    }
    record(connection, recorded);

    struct Decided {
        Answer answer;
        std::string outcome;
    };
    auto decide = [this, params = std::move(params), decision] {
        Decided decided;
        decided.answer = answer_api(params, decision, decided.outcome);
        return decided;
    };
    auto deliver = [this, recorded = std::move(recorded), decision, method = request.method,
                    path = std::string(request.path())](Decided decided) {
        if (decision.fault != Fault::Drop && decision.fault != Fault::Hang) {
            faults_.answered();  // growth counts every answer but a drop or a hang
        }
        auto shown = [](const std::optional<std::string>& value) { return value.value_or("-"); };
        log(fmt::format("#{} {} {} Id={} Limit={} Offset={} -> {}", decision.sequence, method, path,
                        shown(recorded.id), shown(recorded.limit), shown(recorded.offset),
                        decided.outcome));
        return std::move(decided.answer);
    };
    const std::chrono::milliseconds latency = options_.faults.latency;
    if (latency == std::chrono::milliseconds::zero()) {
        return deliver(decide());
    }
    // The latency is a timer of the server's loop, not a sleep. With growth, a page depends on
    // the answers given before it, so it is made once its latency has passed. Without, nothing
    // in it depends on the time: it is made now, as requests arrive one by one, so that a burst
    // of timers ending together costs a burst of writes rather than of pages; unless pages are
    // padded to a size that every waiting request would then hold.
    const bool small_pages = options_.pad_bytes + options_.long_id < kEagerPageBytes;
    if (options_.faults.grow_after || !small_pages) {
        return Answer::later(latency, [decide, deliver] { return deliver(decide()); });
    }
    return Answer::later(
        latency, [deliver, decided = decide()]() mutable { return deliver(std::move(decided)); });
}

Answer EmulatorServer::answer_api(const Params& params, const Decision& decision,
                                  std::string& outcome) {
    HttpResponse response;
    Answer answer;
    switch (decision.fault) {
        case Fault::RateLimited: {
            nlohmann::ordered_json body = {
                {"Action", kResponseAction}, {"RetCode", 153}, {"Message", ret_code_message(153)}};
            send_json(response, std::move(body));
            outcome = "200 RetCode 153 (over --rate-limit)";
            answer = Answer::respond(std::move(response));
            break;
        }
        case Fault::Drop:
            outcome = "connection dropped";
            return Answer::reset();
        case Fault::Hang:
            outcome = "hung, no answer";
            return Answer::hang();
        case Fault::Stall:
            answer_page(params, response, outcome);
            outcome = "headers, then no body (injected)";
            answer = Answer::head_only(std::move(response));
            break;
        case Fault::Truncate:
            answer_page(params, response, outcome);
            outcome = "body cut in half (injected)";
            answer = Answer::half_body(std::move(response));
            break;
        case Fault::Fail:
            response.status = options_.faults.fail_status;
            response.content_type = "text/html";
            response.body = error_page(options_.faults.fail_status);
            outcome = fmt::format("{} (injected)", response.status);
            answer = Answer::respond(std::move(response));
            break;
        case Fault::Malformed:
            response.content_type = "application/json";
            response.body = truncated_body();
            outcome = "200 malformed body (injected)";
            answer = Answer::respond(std::move(response));
            break;
        case Fault::RetCode: {
            int code = *options_.faults.ret_code;
            nlohmann::ordered_json body = {{"Action", kResponseAction},
                                           {"RetCode", code},
                                           {"Message", ret_code_message(code)}};
            send_json(response, std::move(body));
            outcome = fmt::format("200 RetCode {} (injected)", code);
            answer = Answer::respond(std::move(response));
            break;
        }
        case Fault::None:
            answer_page(params, response, outcome);
            answer = Answer::respond(std::move(response));
            break;
    }
    return answer;
}

namespace {
constexpr std::string_view kHostilePlaceholder = "@@HOSTILE@@";
}  // namespace

void EmulatorServer::answer_page(const Params& params, HttpResponse& response,
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
    const std::int64_t request = transition_.count_request(id);
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
        if (first + static_cast<std::int64_t>(i) == 0) {
            transition_.apply(backup, request);
        }
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

void EmulatorServer::send_json(HttpResponse& response, nlohmann::ordered_json body) const {
    if (options_.ret_code_as_string) {
        body["RetCode"] = std::to_string(body["RetCode"].get<int>());
    }
    response.status = 200;
    response.content_type = "application/json";
    response.body = dump_text(body);  // an Action echoed back may hold any bytes
}

void EmulatorServer::log(std::string_view line) const {
    if (options_.log) {
        options_.log(line);  // only ever from the server's thread
    }
}

}  // namespace tidb_backups::emulator
