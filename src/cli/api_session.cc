// SPDX-License-Identifier: Apache-2.0
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
                       std::function<void()> before_log, bool err_is_terminal)
    : settings_(settings),
      err_(err),
      cancellation_(cancellation),
      before_log_(std::move(before_log)),
      err_is_terminal_(err_is_terminal),
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

namespace {

// The keys' sources in one phrase: "the environment (SIGCALCLOUD_PUBLIC_KEY,
// SIGCALCLOUD_PRIVATE_KEY)", "profile 'prod' in 'FILE'", or each key's when they differ.
std::string key_sources(const Settings& settings) {
    auto phrase = [](const std::string& source) {
        return source.rfind("SIGCALCLOUD_", 0) == 0 ? "the environment (" + source + ")" : source;
    };
    if (settings.public_key_source == settings.private_key_source) {
        return phrase(settings.public_key_source);
    }
    if (settings.public_key_source.rfind("SIGCALCLOUD_", 0) == 0 &&
        settings.private_key_source.rfind("SIGCALCLOUD_", 0) == 0) {
        return fmt::format("the environment ({}, {})", settings.public_key_source,
                           settings.private_key_source);
    }
    return fmt::format("the public key from {}, the private key from {}",
                       phrase(settings.public_key_source), phrase(settings.private_key_source));
}

}  // namespace

std::string api_error_hint(const Error& error, const Settings& settings,
                           const ClusterRef& cluster) {
    if (error.kind != ErrorKind::Api) {
        return {};
    }
    if (error.ret_code == 171) {
        return fmt::format(
            "the keys came from {}; the environment overrides the profile; check both, or run "
            "'tidb-backups configure'",
            key_sources(settings));
    }
    if (error.ret_code == 230 && error.message.find("[Id]") != std::string::npos) {
        // A region of its own comes from the cluster's --ids-from line.
        if (!cluster.region.empty() && cluster.region != settings.region) {
            return fmt::format(
                "no cluster '{}' in region '{}' (from --ids-from)? check the id and its region",
                sanitize_for_terminal(cluster.id), sanitize_for_terminal(cluster.region));
        }
        return fmt::format("no cluster '{}' in region '{}' (from {})? check the id, and --region",
                           sanitize_for_terminal(cluster.id), settings.region,
                           settings.region_source);
    }
    return {};
}

namespace {

// A page source whose API errors say what to check (api_error_hint).
class ExplainedPageSource final : public PageSource {
  public:
    ExplainedPageSource(std::unique_ptr<PageSource> inner, const Settings& settings)
        : inner_(std::move(inner)), settings_(settings) {}

    Expected<BackupPage> fetch(const ClusterRef& cluster, std::int64_t offset,
                               std::int64_t limit) override {
        Expected<BackupPage> page = inner_->fetch(cluster, offset, limit);
        if (!page && page.error().hint.empty()) {
            page.error().hint = api_error_hint(page.error(), settings_, cluster);
        }
        return page;
    }

    void abort() override { inner_->abort(); }

  private:
    std::unique_ptr<PageSource> inner_;
    const Settings& settings_;
};

}  // namespace

PageSourceFactory ApiSession::page_sources() {
    LogSink log = [this](int level, std::string_view line) {
        // Level 0 is the short retry line: for a terminal without -v (which logs it in full).
        const bool shown = level == 0
                               ? err_is_terminal_ && settings_.verbosity == 0 && !settings_.quiet
                               : level <= settings_.verbosity;
        if (shown) {
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
        return std::make_unique<ExplainedPageSource>(
            std::make_unique<ApiPageSource>(make_http_transport(transport_), signer_, policy_, base,
                                            settings_.endpoint.url(), log, sleep, &rate_),
            settings_);
    };
}

}  // namespace tidb_backups
