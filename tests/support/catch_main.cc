// SPDX-License-Identifier: Apache-2.0
// The main of every test binary: Catch2's session, then kSkipReturnCode when a test was skipped
// and none failed, so ctest reports it as skipped (see support/skip.h).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <mutex>

#include "support/skip.h"

namespace tidb_backups::testing {

namespace {

std::mutex& skip_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::vector<std::string>& reasons() {
    static std::vector<std::string> list;
    return list;
}

}  // namespace

void mark_skipped(const std::string& reason) {
    WARN("SKIPPED: " << reason);
    std::lock_guard lock(skip_mutex());
    reasons().push_back(reason);
}

std::vector<std::string> skipped_reasons() {
    std::lock_guard lock(skip_mutex());
    return reasons();
}

}  // namespace tidb_backups::testing

int main(int argc, char* argv[]) {
    const int result = Catch::Session().run(argc, argv);
    const auto skipped = tidb_backups::testing::skipped_reasons();
    if (result != 0 || skipped.empty()) {
        return result;
    }
    for (const auto& reason : skipped) {
        std::fprintf(stdout, "SKIPPED: %s\n", reason.c_str());
    }
    std::fflush(stdout);
    return tidb_backups::testing::kSkipReturnCode;
}
