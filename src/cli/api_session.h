// SPDX-License-Identifier: Apache-2.0
// What `list` and `check` share to talk to the API: one signer, the retry policy, request logs
// on stderr (secrets masked, one writer at a time), and a factory of page sources, each with
// its own kept-alive connection.
#pragma once

#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/settings.h"
#include "core/api_client.h"
#include "core/cancellation.h"
#include "core/listing.h"

namespace tidb_backups {

// "tidb-backups/0.1.0", sent as User-Agent.
std::string user_agent();

// What every list request of these settings names: the region and the project.
PageQuery base_query(const Settings& settings);

// What to check after an API error the settings can explain: for RetCode 171 (signature) where
// the keys came from; for RetCode 230 on Id the cluster and the region asked (its own, from
// --ids-from, or the settings'). Empty otherwise.
std::string api_error_hint(const Error& error, const Settings& settings, const ClusterRef& cluster);

class ApiSession {
  public:
    // `before_log` runs under the stderr lock before a log line, e.g. to erase a progress line.
    // `err_is_terminal`: a person watches stderr, so each retry gets a short line even without
    // -v (never with -q).
    ApiSession(const Settings& settings, std::ostream& err, Cancellation* cancellation,
               std::function<void()> before_log = {}, bool err_is_terminal = false);

    // Makes one page source per call (the listing calls it once per worker).
    PageSourceFactory page_sources();

    // Held by anyone writing to stderr while requests run.
    std::mutex& err_mutex() { return err_mutex_; }

  private:
    const Settings& settings_;
    std::ostream& err_;
    Cancellation* cancellation_;
    std::function<void()> before_log_;
    bool err_is_terminal_;
    std::mutex err_mutex_;
    Signer signer_;
    RetryPolicy policy_;
    AdaptiveRate rate_;  // one for every worker of the run
    TransportOptions transport_;
};

}  // namespace tidb_backups
