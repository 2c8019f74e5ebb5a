// SPDX-License-Identifier: Apache-2.0
// Which failure the emulator injects into each API request: the fault plan from the command
// line, and a thread-safe injector that decides per request, in arrival order, reproducibly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tidb_backups::emulator {

// --latency at most: a day. A hang is --hang's job; no deadline can overflow the clock.
inline constexpr std::chrono::milliseconds kMaxLatency{86'400'000};

// Every "first N" counts API requests (not the stats endpoint) from 0 in arrival order, each
// window on its own: --drop-first 1 --fail-first 2 drops request 0 and fails request 1.
struct FaultPlan {
    std::chrono::milliseconds latency{0};  // before every API answer, whatever it is; a timer of
                                           // the server's loop, up to kMaxLatency

    std::int64_t drop_first = 0;      // close the connection without a response
    std::int64_t hang_first = 0;      // never answer (until the client leaves or the server stops)
    bool hang_all = false;            // hang every request
    std::int64_t stall_first = 0;     // send the headers, then never the body
    std::int64_t truncate_first = 0;  // send headers and half the body, then close
    std::int64_t fail_first = 0;      // answer with HTTP fail_status and an HTML page
    double fail_rate = 0.0;           // 0..1: also fail this share of requests, at random
    std::optional<std::uint64_t> seed;  // for fail_rate; none: a different sequence each run
    int fail_status = 503;
    std::int64_t malformed_first = 0;            // HTTP 200 with a body that is not JSON
    std::optional<int> ret_code;                 // answer RetCode ret_code instead of the page...
    std::optional<std::int64_t> ret_code_first;  // ...for the first N requests; none: for all

    // Once grow_after API requests have been answered, every cluster has grow_by more backups.
    std::optional<std::int64_t> grow_after;
    std::int64_t grow_by = 1;
};

// When several faults apply to one request, the first in this order wins.
// RateLimited is not the plan's: the server's --rate-limit puts it over any of them.
enum class Fault { RateLimited, Drop, Hang, Stall, Truncate, Fail, Malformed, RetCode, None };

std::string_view fault_name(Fault fault);

struct Decision {
    std::int64_t sequence = 0;  // 0-based arrival number of the API request
    Fault fault = Fault::None;
};

class FaultInjector {
  public:
    explicit FaultInjector(FaultPlan plan);

    // The decision for the next API request; call exactly once per request, on arrival.
    Decision next();

    // The decision for request number `sequence`, which depends only on the plan and the
    // seed: what next() returns for that request.
    Decision decide(std::int64_t sequence) const;

    // Records that an API request got a response (any but a drop or a hang): growth counts these.
    void answered() { answered_.fetch_add(1, std::memory_order_acq_rel); }

    // Backups added to every cluster as of now (0 or plan.grow_by).
    std::int64_t grown() const;

    const FaultPlan& plan() const { return plan_; }
    std::uint64_t seed() const { return seed_; }

  private:
    FaultPlan plan_;
    std::uint64_t seed_;
    std::atomic<std::int64_t> arrived_{0};
    std::atomic<std::int64_t> answered_{0};
};

// The body of a fault response: an HTML page like a proxy's, e.g. "503 Service Unavailable".
std::string error_page(int status);

// A body that starts like a good answer and stops mid-way: not JSON.
std::string truncated_body();

// The Message sent with an injected RetCode (153: "Rate limit exceeded").
std::string ret_code_message(int ret_code);

}  // namespace tidb_backups::emulator
