// SPDX-License-Identifier: Apache-2.0
// The emulator's API over its HTTP server (http_server.h): ListTiDBClusterBackup answered from
// a Catalog, signatures verified as the real API does, faults injected per request, counters
// for tests to assert on.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/form.h"
#include "emulator/catalog.h"
#include "emulator/faults.h"
#include "emulator/hostile.h"
#include "emulator/http_server.h"
#include "emulator/rate_limit.h"
#include "emulator/transition.h"

namespace tidb_backups::emulator {

// How a successful page is sent, to test the client's tolerance of the API's inconsistencies.
enum class ResponseShape {
    Data,        // "Data": [...] (what the service sends)
    Object,      // "Data": {...} when the page holds exactly one backup, an array otherwise
    BackupData,  // "BackupData": [...], and {} when the page is empty (the document's example)
};

inline constexpr std::int64_t kDefaultLimit = 20;  // Limit when a request has none
inline constexpr std::int64_t kMaxLimit = 30;
inline constexpr std::size_t kRecentRequests = 1000;  // kept for GET /_emulator/stats
// --pad-bytes at most: a page is built whole in memory.
inline constexpr std::int64_t kMaxPadBytes = std::int64_t{1} << 30;

struct ServerOptions {
    std::string host = "127.0.0.1";  // loopback only
    int port = 8080;                 // 0: any free port (bind() says which)
    std::string public_key = "demo-public-key";
    std::string private_key = "demo-private-key";
    CatalogOptions catalog;
    // Cluster Ids answered with RetCode 230 "Params [Id] not available", like an Id the
    // service does not know (--unknown-id).
    std::set<std::string, std::less<>> unknown_ids;
    FaultPlan faults;
    // Requests a second (token bucket, a second's worth at once); over it, RetCode 153. A
    // request over the limit still takes its place in the plan's first-N windows.
    std::optional<double> rate_limit;
    ResponseShape shape = ResponseShape::Data;
    bool ret_code_as_string = false;  // "RetCode":"0"
    bool omit_total_count = false;
    // Misbehaviours of a broken or hostile server, for the client's fault matrix:
    std::optional<std::int64_t> total_count;  // report this TotalCount instead of the truth
    bool null_data = false;                   // "Data": null
    bool duplicate_ids = false;               // every backup twice in its page
    std::int64_t pad_bytes = 0;  // a "Padding" string making each page this much bigger (at
                                 // most kMaxPadBytes)
    // BackupType and BackupName with ESC, BEL, CR, C1 (escaped and raw), an OSC sequence, the
    // bidi controls U+202E and U+200F, and bytes that are not UTF-8.
    bool hostile_text = false;
    // When > 0: the newest backup of every cluster gets a BackupId of exactly this many bytes,
    // its usual id then "-" and the digits 0123456789 over and over (cut to length).
    std::int64_t long_id = 0;
    // The newest backup Running for the first N requests of a cluster, then Success or Failed
    // (--running-for, --then, --running-cluster).
    TransitionOptions transition;
    HostileOptions hostile;  // pages capped, Offset ignored, deep nesting, odd numbers...
    std::string cert_file;   // PEM; with key_file, serve HTTPS
    std::string key_file;
    HttpLimits limits;  // what one client may send, and how slowly (http_server.h)
    // Receives one line per API request (-v); empty: silent. Called from the server's thread.
    std::function<void(std::string_view line)> log;
};

// The parameters of one API request as sent; absent ones are nullopt.
struct RecordedRequest {
    std::optional<std::string> id;
    std::optional<std::string> limit;
    std::optional<std::string> offset;
    std::optional<std::string> region;
};

struct ServerStats {
    std::int64_t requests = 0;            // API requests (the stats endpoint is not counted)
    std::int64_t connections = 0;         // connections that carried them
    std::int64_t signature_failures = 0;  // answered with RetCode 171
    std::int64_t rate_limited = 0;        // answered with RetCode 153 by --rate-limit
    std::vector<RecordedRequest> recent;  // the last kRecentRequests, oldest first

    // {"requests":N,"connections":M,"signature_failures":K,"rate_limited":L,"recent":[{"Id":..,"Limit":..,
    // "Offset":..,"Region":..}]}: Limit and Offset as numbers when they are integers, absent
    // parameters as null. Values are the bytes sent: dump() them with the replace error handler
    // (or use to_text()), since a client may send bytes that are not UTF-8.
    nlohmann::ordered_json to_json() const;
    // to_json() as text, every byte that is not UTF-8 replaced by U+FFFD.
    std::string to_text() const;
};

class EmulatorServer : private HttpHandler {
  public:
    explicit EmulatorServer(ServerOptions options);
    ~EmulatorServer() override;
    EmulatorServer(const EmulatorServer&) = delete;
    EmulatorServer& operator=(const EmulatorServer&) = delete;

    // Loads the certificate (if any) and binds; the socket is listening when this returns, so
    // clients may connect before run() starts. Returns the bound port. A Usage error for a
    // non-loopback host or an unusable certificate; a Network error when the port is taken.
    // Ignores SIGPIPE process-wide: a client that vanishes must not kill the server.
    Expected<int> bind();

    // Serves on the calling thread until stop(); true then, and at once if stop() came first.
    // False when serving failed (the listening socket broke).
    bool run();

    // Thread-safe and prompt: run() closes the listening socket and every open connection and
    // returns; requests still hanging or delayed are dropped unanswered. Join the thread of
    // run() before destroying the server.
    void stop();

    bool is_https() const { return http_.is_https(); }
    int port() const { return port_; }
    ServerStats stats() const;
    const Catalog& catalog() const { return catalog_; }

  private:
    // HttpHandler, on the server's thread: GET /_emulator/stats, or an API request.
    Answer handle(const HttpRequest& request, HttpConnection& connection) override;
    Answer handle_api(const HttpRequest& request, HttpConnection& connection);
    // What API request number `decision.sequence` gets; `outcome` says it for the log.
    Answer answer_api(const Params& params, const Decision& decision, std::string& outcome);
    HttpResponse handle_stats() const;
    void answer_page(const Params& params, HttpResponse& response, std::string& outcome);
    void record(HttpConnection& connection, const RecordedRequest& params);
    void send_json(HttpResponse& response, nlohmann::ordered_json body) const;
    void log(std::string_view line) const;

    ServerOptions options_;
    Catalog catalog_;
    FaultInjector faults_;
    BackupTransition transition_;
    std::optional<TokenBucket> rate_limit_;
    HttpServer http_;
    int port_ = 0;

    mutable std::mutex stats_mutex_;
    std::int64_t requests_ = 0;
    std::int64_t signature_failures_ = 0;
    std::int64_t rate_limited_ = 0;
    std::int64_t connections_ = 0;
    std::deque<RecordedRequest> recent_;
};

// "data", "object" or "backupdata"; nullopt for anything else.
std::optional<ResponseShape> parse_shape(std::string_view name);

}  // namespace tidb_backups::emulator
