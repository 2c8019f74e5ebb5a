#include "cli/api_session.h"

#include <thread>

#include <fmt/format.h>

#include "core/tls.h"
#include "render/text.h"
#include "tidb_backups/version.h"

namespace tidb_backups {

std::string user_agent() {
    return fmt::format("tidb-backups/{}", kVersion);
}

PageQuery base_query(const Settings& settings) {
    PageQuery query;
    query.region = settings.region;
    query.project_id = settings.project_id;
    return query;
}

ApiSession::ApiSession(const Settings& settings, std::ostream& err, Cancellation* cancellation,
                       std::function<void()> before_log)
    : settings_(settings),
      err_(err),
      cancellation_(cancellation),
      before_log_(std::move(before_log)),
      signer_(settings.public_key, settings.private_key) {
    policy_.retries = settings.retries;
    transport_.endpoint = settings.endpoint;
    transport_.timeout = settings.timeout;
    transport_.ca_bundle = settings.ca_bundle;
    transport_.insecure = settings.insecure;
    transport_.user_agent = user_agent();
    transport_.proxy = settings.proxy;
    // One trust store for every worker's connection, loaded once.
    transport_.tls = std::make_shared<net::TlsClientContext>(
        net::TlsOptions{settings.ca_bundle, settings.insecure});
}

PageSourceFactory ApiSession::page_sources() {
    LogSink log = [this](int level, std::string_view line) {
        if (level <= settings_.verbosity) {
            std::lock_guard lock(err_mutex_);
            if (before_log_) {
                before_log_();
            }
            err_ << "tidb-backups: " << sanitize_for_terminal(line) << '\n' << std::flush;
        }
    };
    Sleep sleep = [this](std::chrono::milliseconds delay) {
        if (cancellation_ == nullptr) {
            std::this_thread::sleep_for(delay);
            return true;
        }
        return cancellation_->sleep_for(delay);
    };
    return [this, log, sleep, base = base_query(settings_)]() -> std::unique_ptr<PageSource> {
        return std::make_unique<ApiPageSource>(make_http_transport(transport_), signer_, policy_,
                                               base, settings_.endpoint.url(), log, sleep, &rate_);
    };
}

}  // namespace tidb_backups
