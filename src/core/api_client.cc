// SPDX-License-Identifier: Apache-2.0
#include "core/api_client.h"

#include <thread>

#include <fmt/format.h>

#include "core/form.h"

namespace tidb_backups {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kAction = "ListTiDBClusterBackup";
// -vv shows bodies; a huge one (a misconfigured endpoint serving a file) is cut.
constexpr std::size_t kLoggedBodyLimit = std::size_t{64} * 1024;

bool is_masked(const std::string& name) {
    return name == "Signature" || name == "PublicKey";
}

// The HTTP status families that a retry can fix: rate limiting and server-side failures.
bool is_retryable_status(int status) {
    return status == 429 || status == 408 || status >= 500;
}

Error http_status_error(const HttpResponse& response, std::string_view url) {
    Error error =
        make_error(ErrorKind::Network, fmt::format("HTTP {} from {}", response.status, url));
    error.retryable = is_retryable_status(response.status);
    if (response.status == 429) {
        error.hint = "the API is rate limiting this key; try again later or lower --concurrency";
    } else if (response.status >= 500) {
        error.hint = "the service or a proxy in front of it is failing; try again later";
    } else if (response.status == 404) {
        error.hint = "check --endpoint: it should be the API's base URL";
    } else if (response.status == 407) {
        error.hint = "the HTTP proxy wants credentials: check the user and password in its URL";
    }
    return error;
}

}  // namespace

Params list_params(const PageQuery& query) {
    Params params = {
        {"Action", std::string(kAction)},
        {"Region", query.region},
        {"Id", query.cluster_id},
        {"Limit", std::to_string(query.limit)},
        {"Offset", std::to_string(query.offset)},
    };
    if (!query.project_id.empty()) {
        params.emplace_back("ProjectId", query.project_id);
    }
    return params;
}

std::string masked_form(const Params& params) {
    Params shown = params;
    for (auto& [name, value] : shown) {
        if (is_masked(name)) {
            value = "***";
        }
    }
    return form_encode(shown);
}

ApiClient::ApiClient(Transport& transport, const Signer& signer, RetryPolicy policy,
                     std::string url_for_logs, LogSink log, Sleep sleep, AdaptiveRate* rate)
    : transport_(transport),
      signer_(signer),
      policy_(policy),
      url_for_logs_(std::move(url_for_logs)),
      log_(std::move(log)),
      sleep_(std::move(sleep)),
      rate_(rate),
      random_(std::random_device{}()) {
    if (!sleep_) {
        sleep_ = [](std::chrono::milliseconds delay) {
            std::this_thread::sleep_for(delay);
            return true;
        };
    }
}

Params ApiClient::signed_params(const PageQuery& query) const {
    return signer_.sign(list_params(query));
}

Expected<BackupPage> ApiClient::list_page(const PageQuery& query) {
    Params params = signed_params(query);
    const std::string body = form_encode(params);
    const std::string shown = masked_form(params);
    for (int attempt = 0;; ++attempt) {
        if (!wait_for_slot()) {
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
        log(1, fmt::format("POST {} {}", url_for_logs_, shown));
        Expected<BackupPage> page = attempt_once(body);
        learn(page);
        if (page || !page.error().retryable || attempt >= policy_.retries) {
            return page;
        }
        std::chrono::milliseconds delay = policy_.backoff(attempt + 1, random_);
        delay = std::max(delay, retry_after_);
        log(1, fmt::format("retry {}/{} in {} ms: {}", attempt + 1, policy_.retries, delay.count(),
                           page.error().message));
        // For a person watching a terminal (level 0: the caller decides where it shows):
        // "retrying c1 page 3 (2/4): connection reset", counting attempts.
        log(0, fmt::format("retrying {} page {} ({}/{}): {}", query.cluster_id,
                           query.limit > 0 ? query.offset / query.limit + 1 : 1, attempt + 2,
                           policy_.retries + 1, page.error().message));
        if (!sleep_(delay)) {
            return make_error(ErrorKind::Interrupted, "interrupted");
        }
    }
}

bool ApiClient::wait_for_slot() {
    if (rate_ == nullptr) {
        return true;
    }
    const auto wait = rate_->reserve(AdaptiveRate::Clock::now());
    if (wait <= AdaptiveRate::Clock::duration::zero()) {
        return true;
    }
    return sleep_(std::chrono::ceil<std::chrono::milliseconds>(wait));
}

void ApiClient::learn(const Expected<BackupPage>& page) {
    if (rate_ == nullptr) {
        return;
    }
    const auto now = AdaptiveRate::Clock::now();
    if (page) {
        rate_->accepted(now);
        return;
    }
    if (page.error().kind != ErrorKind::Api) {
        return;  // no answer from the API: says nothing of its rate
    }
    if (page.error().ret_code != kRateLimitedRetCode) {
        rate_->accepted(now);
        return;
    }
    if (auto lowered = rate_->throttled(now)) {
        log(1, fmt::format("rate limited (RetCode {}): every request now paced at {:.1f} a second",
                           kRateLimitedRetCode, *lowered));
    }
}

Expected<BackupPage> ApiClient::attempt_once(const std::string& body) {
    retry_after_ = std::chrono::milliseconds(0);
    auto started = Clock::now();
    Expected<HttpResponse> response = transport_.post_form(body);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (!response) {
        log(1, fmt::format("failed after {} ms: {}", elapsed.count(), response.error().message));
        return response.error();
    }
    log(1, fmt::format("HTTP {} in {} ms, {} bytes", response->status, elapsed.count(),
                       response->body.size()));
    if (response->body.size() <= kLoggedBodyLimit) {
        log(2, fmt::format("response body: {}", response->body));
    } else {
        log(2, fmt::format("response body (first {} of {} bytes): {}", kLoggedBodyLimit,
                           response->body.size(),
                           std::string_view(response->body).substr(0, kLoggedBodyLimit)));
    }
    bool success_status = response->status >= 200 && response->status < 300;
    if (!success_status) {
        retry_after_ = parse_retry_after(response->retry_after, policy_.cap);
    }
    Expected<BackupPage> page = parse_backup_page(response->body);
    if (success_status) {
        return page;
    }
    // An error status with an API answer in the body: the RetCode says more than the status,
    // unless the status itself asks for a retry.
    if (!page && page.error().kind == ErrorKind::Api && !is_retryable_status(response->status)) {
        return page;
    }
    return http_status_error(*response, url_for_logs_);
}

ApiPageSource::ApiPageSource(std::unique_ptr<Transport> transport, const Signer& signer,
                             RetryPolicy policy, PageQuery base, std::string url_for_logs,
                             LogSink log, Sleep sleep, AdaptiveRate* rate)
    : transport_(std::move(transport)),
      client_(*transport_, signer, policy, std::move(url_for_logs), std::move(log),
              std::move(sleep), rate),
      base_(std::move(base)) {}

Expected<BackupPage> ApiPageSource::fetch(const ClusterRef& cluster, std::int64_t offset,
                                          std::int64_t limit) {
    PageQuery query = base_;
    query.cluster_id = cluster.id;
    if (!cluster.region.empty()) {
        query.region = cluster.region;
    }
    query.offset = offset;
    query.limit = limit;
    return client_.list_page(query);
}

void ApiClient::log(int verbosity, std::string_view line) const {
    if (log_) {
        log_(verbosity, line);
    }
}

}  // namespace tidb_backups
