// What `list` and `check` share to talk to the API: one signer, the retry policy, request logs
// on stderr (secrets masked, one writer at a time), and a factory of page sources, each with
// its own kept-alive connection.
#pragma once

#include <functional>
#include <mutex>
#include <ostream>
#include <string>

#include "cli/settings.h"
#include "core/api_client.h"
#include "core/cancellation.h"
#include "core/listing.h"

namespace tidb_backups {

// "tidb-backups/0.1.0", sent as User-Agent.
std::string user_agent();

// What every list request of these settings names: the region and the project.
PageQuery base_query(const Settings& settings);

class ApiSession {
  public:
    // `before_log` runs under the stderr lock before a log line, e.g. to erase a progress line.
    ApiSession(const Settings& settings, std::ostream& err, Cancellation* cancellation,
               std::function<void()> before_log = {});

    // Makes one page source per call (the listing calls it once per worker).
    PageSourceFactory page_sources();

    // Held by anyone writing to stderr while requests run.
    std::mutex& err_mutex() { return err_mutex_; }

  private:
    const Settings& settings_;
    std::ostream& err_;
    Cancellation* cancellation_;
    std::function<void()> before_log_;
    std::mutex err_mutex_;
    Signer signer_;
    RetryPolicy policy_;
    AdaptiveRate rate_;  // one for every worker of the run
    TransportOptions transport_;
};

}  // namespace tidb_backups
