// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <thread>
#include <vector>

#include "emulator/faults.h"

using tidb_backups::emulator::Fault;
using tidb_backups::emulator::FaultInjector;
using tidb_backups::emulator::FaultPlan;

namespace {

std::vector<Fault> first_decisions(const FaultInjector& injector, int count) {
    std::vector<Fault> faults;
    for (int i = 0; i < count; ++i) {
        faults.push_back(injector.decide(i).fault);
    }
    return faults;
}

}  // namespace

TEST_CASE("no plan, no faults", "[faults]") {
    FaultInjector injector{FaultPlan{}};
    CHECK(first_decisions(injector, 50) == std::vector<Fault>(50, Fault::None));
    CHECK(injector.grown() == 0);
}

TEST_CASE("each first-N window counts from the first request", "[faults]") {
    FaultPlan plan;
    plan.fail_first = 2;
    FaultInjector injector(plan);
    CHECK(first_decisions(injector, 4) ==
          std::vector<Fault>{Fault::Fail, Fault::Fail, Fault::None, Fault::None});
}

TEST_CASE("overlapping windows: drop, hang, fail, malformed, retcode, in that order", "[faults]") {
    FaultPlan plan;
    plan.drop_first = 1;
    plan.hang_first = 2;
    plan.fail_first = 3;
    plan.malformed_first = 4;
    plan.ret_code = 153;
    plan.ret_code_first = 5;
    FaultInjector injector(plan);
    CHECK(first_decisions(injector, 6) == std::vector<Fault>{Fault::Drop, Fault::Hang, Fault::Fail,
                                                             Fault::Malformed, Fault::RetCode,
                                                             Fault::None});
}

TEST_CASE("hang_all hangs every request but a drop", "[faults]") {
    FaultPlan plan;
    plan.hang_all = true;
    plan.drop_first = 1;
    plan.fail_first = 5;
    FaultInjector injector(plan);
    CHECK(first_decisions(injector, 4) ==
          std::vector<Fault>{Fault::Drop, Fault::Hang, Fault::Hang, Fault::Hang});
}

TEST_CASE("a RetCode without a count applies to every request", "[faults]") {
    FaultPlan plan;
    plan.ret_code = 5000;
    FaultInjector injector(plan);
    CHECK(first_decisions(injector, 20) == std::vector<Fault>(20, Fault::RetCode));
}

TEST_CASE("next() numbers requests in arrival order", "[faults]") {
    FaultPlan plan;
    plan.fail_first = 1;
    FaultInjector injector(plan);
    auto first = injector.next();
    auto second = injector.next();
    CHECK(first.sequence == 0);
    CHECK(first.fault == Fault::Fail);
    CHECK(second.sequence == 1);
    CHECK(second.fault == Fault::None);
}

TEST_CASE("next() gives every concurrent request its own number", "[faults]") {
    FaultInjector injector{FaultPlan{}};
    constexpr int kThreads = 4;
    constexpr int kEach = 500;
    std::vector<std::vector<std::int64_t>> seen(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                seen[t].push_back(injector.next().sequence);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::int64_t> all;
    for (const auto& numbers : seen) {
        all.insert(numbers.begin(), numbers.end());
    }
    CHECK(all.size() == kThreads * kEach);
    CHECK(*all.rbegin() == kThreads * kEach - 1);
}

TEST_CASE("a fail rate with a seed is reproducible and about right", "[faults]") {
    FaultPlan plan;
    plan.fail_rate = 0.3;
    plan.seed = 42;
    FaultInjector first(plan);
    FaultInjector second(plan);
    auto decisions = first_decisions(first, 10000);
    CHECK(decisions == first_decisions(second, 10000));
    auto failures = std::count(decisions.begin(), decisions.end(), Fault::Fail);
    CHECK(failures > 2700);
    CHECK(failures < 3300);

    plan.seed = 43;
    CHECK(first_decisions(FaultInjector(plan), 10000) != decisions);
}

TEST_CASE("fail rates of 0 and 1 are never and always", "[faults]") {
    FaultPlan plan;
    plan.seed = 7;
    plan.fail_rate = 1.0;
    CHECK(first_decisions(FaultInjector(plan), 100) == std::vector<Fault>(100, Fault::Fail));
    plan.fail_rate = 0.0;
    CHECK(first_decisions(FaultInjector(plan), 100) == std::vector<Fault>(100, Fault::None));
}

TEST_CASE("growth starts once enough requests were answered", "[faults]") {
    FaultPlan plan;
    plan.grow_after = 2;
    plan.grow_by = 5;
    FaultInjector injector(plan);
    CHECK(injector.grown() == 0);
    injector.answered();
    CHECK(injector.grown() == 0);
    injector.answered();
    CHECK(injector.grown() == 5);
    injector.answered();
    CHECK(injector.grown() == 5);
}

TEST_CASE("fault bodies", "[faults]") {
    using namespace tidb_backups::emulator;
    std::string page = error_page(502);
    CHECK(page.find("<html>") != std::string::npos);
    CHECK(page.find("502 Bad Gateway") != std::string::npos);
    CHECK(error_page(503).find("503 Service Unavailable") != std::string::npos);
    CHECK(error_page(401).find("<title>401 Unauthorized</title>") != std::string::npos);
    CHECK(error_page(599).find("<title>599 Error</title>") != std::string::npos);
    CHECK_FALSE(nlohmann::json::accept(truncated_body()));
    CHECK(truncated_body().rfind(R"({"Action")", 0) == 0);
    CHECK(ret_code_message(153) == "Rate limit exceeded");
    CHECK(ret_code_message(5000).find("5000") != std::string::npos);
}
