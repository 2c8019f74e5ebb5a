// SPDX-License-Identifier: Apache-2.0
// One ListTiDBClusterBackup call: build the parameters, sign them, send them through a
// Transport, retry what may succeed later, parse the page. Logs through a callback with the
// Signature and PublicKey masked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "core/listing.h"
#include "core/rate_limit.h"
#include "core/response.h"
#include "core/retry.h"
#include "core/signer.h"
#include "core/transport.h"

namespace tidb_backups {

struct PageQuery {
    std::string region;
    std::string cluster_id;
    std::string project_id;  // not sent when empty
    std::int64_t limit = 30;
    std::int64_t offset = 0;
};

// The unsigned request parameters of one page, in the document's order.
Params list_params(const PageQuery& query);

// A form body with the values of Signature and PublicKey replaced by "***", for logs.
std::string masked_form(const Params& params);

// Verbosity 1: one line per request and response; 2: also the bodies.
using LogSink = std::function<void(int verbosity, std::string_view line)>;
// Waits between retries; returns false when the wait was cut short (Ctrl-C).
using Sleep = std::function<bool(std::chrono::milliseconds)>;

class ApiClient {
  public:
    // `rate`, shared by the clients of one run, paces them once the API said 153; null: never.
    ApiClient(Transport& transport, const Signer& signer, RetryPolicy policy,
              std::string url_for_logs, LogSink log = {}, Sleep sleep = {},
              AdaptiveRate* rate = nullptr);

    // The signed parameters that list_page would send for `query`.
    Params signed_params(const PageQuery& query) const;

    Expected<BackupPage> list_page(const PageQuery& query);

  private:
    Expected<BackupPage> attempt_once(const std::string& body);
    // Waits for this request's slot of the shared rate; false when the wait was cut short.
    bool wait_for_slot();
    // Tells the shared rate how the API answered.
    void learn(const Expected<BackupPage>& page);
    void log(int verbosity, std::string_view line) const;

    Transport& transport_;
    const Signer& signer_;
    RetryPolicy policy_;
    std::string url_for_logs_;
    LogSink log_;
    Sleep sleep_;
    AdaptiveRate* rate_;
    std::mt19937_64 random_;
    std::chrono::milliseconds retry_after_{0};  // from the last error response
};

// A PageSource over its own transport (so its own kept-alive connection) and ApiClient.
class ApiPageSource final : public PageSource {
  public:
    ApiPageSource(std::unique_ptr<Transport> transport, const Signer& signer, RetryPolicy policy,
                  PageQuery base, std::string url_for_logs, LogSink log = {}, Sleep sleep = {},
                  AdaptiveRate* rate = nullptr);

    // Signed for the cluster's region when it has one, else for the base query's.
    Expected<BackupPage> fetch(const ClusterRef& cluster, std::int64_t offset,
                               std::int64_t limit) override;
    void abort() override { transport_->abort(); }

  private:
    std::unique_ptr<Transport> transport_;
    ApiClient client_;
    PageQuery base_;
};

}  // namespace tidb_backups
