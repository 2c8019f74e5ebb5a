// SPDX-License-Identifier: Apache-2.0
#include "emulator/faults.h"

#include <random>

#include <fmt/format.h>

#include "core/http_wire.h"

namespace tidb_backups::emulator {

namespace {

// SplitMix64: a well-mixed 64-bit value for each request number, so the random failures of a
// seed are the same whatever order concurrent requests take their decisions in.
std::uint64_t mix(std::uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

// Uniform in [0, 1).
double draw(std::uint64_t seed, std::int64_t sequence) {
    std::uint64_t bits = mix(seed ^ mix(static_cast<std::uint64_t>(sequence)));
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace

std::string_view fault_name(Fault fault) {
    switch (fault) {
        case Fault::RateLimited:
            return "rate-limited";
        case Fault::Drop:
            return "drop";
        case Fault::Hang:
            return "hang";
        case Fault::Stall:
            return "stall";
        case Fault::Truncate:
            return "truncate";
        case Fault::Fail:
            return "fail";
        case Fault::Malformed:
            return "malformed";
        case Fault::RetCode:
            return "retcode";
        case Fault::None:
            break;
    }
    return "none";
}

FaultInjector::FaultInjector(FaultPlan plan)
    : plan_(plan), seed_(plan_.seed ? *plan_.seed : std::random_device{}()) {}

Decision FaultInjector::next() {
    return decide(arrived_.fetch_add(1, std::memory_order_acq_rel));
}

Decision FaultInjector::decide(std::int64_t sequence) const {
    Decision decision{sequence, Fault::None};
    bool fails = sequence < plan_.fail_first ||
                 (plan_.fail_rate > 0.0 && draw(seed_, sequence) < plan_.fail_rate);
    bool ret_code = plan_.ret_code && (!plan_.ret_code_first || sequence < *plan_.ret_code_first);
    if (sequence < plan_.drop_first) {
        decision.fault = Fault::Drop;
    } else if (plan_.hang_all || sequence < plan_.hang_first) {
        decision.fault = Fault::Hang;
    } else if (sequence < plan_.stall_first) {
        decision.fault = Fault::Stall;
    } else if (sequence < plan_.truncate_first) {
        decision.fault = Fault::Truncate;
    } else if (fails) {
        decision.fault = Fault::Fail;
    } else if (sequence < plan_.malformed_first) {
        decision.fault = Fault::Malformed;
    } else if (ret_code) {
        decision.fault = Fault::RetCode;
    }
    return decision;
}

std::int64_t FaultInjector::grown() const {
    if (!plan_.grow_after) {
        return 0;
    }
    return answered_.load(std::memory_order_acquire) >= *plan_.grow_after ? plan_.grow_by : 0;
}

std::string error_page(int status) {
    std::string title = fmt::format("{} {}", status, http::reason_phrase(status, "Error"));
    return fmt::format(
        "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        title);
}

std::string truncated_body() {
    return R"({"Action":"ListTiDBClusterBackupResponse","RetCode":0,"TotalCount":8,"Data":[{"Backu)";
}

std::string ret_code_message(int ret_code) {
    if (ret_code == 153) {
        return "Rate limit exceeded";
    }
    return fmt::format("Emulated failure (RetCode {})", ret_code);
}

}  // namespace tidb_backups::emulator
