// SPDX-License-Identifier: Apache-2.0
// Skipping a test that cannot run here (a program it drives is missing, or it needs a user it
// cannot become) so that ctest says "Skipped" rather than "Passed": the test binary then exits
// with kSkipReturnCode, which tests/CMakeLists.txt gives ctest as SKIP_RETURN_CODE, and CI
// fails on any skipped test. Catch2 v2 has no SKIP of its own.
#pragma once

#include <string>
#include <vector>

namespace tidb_backups::testing {

inline constexpr int kSkipReturnCode = 77;

// Records that the running test did not examine what it claims, and why. The test may go on
// with what it can still check; the binary exits with kSkipReturnCode unless a test failed.
void mark_skipped(const std::string& reason);

// The reasons recorded so far in this run.
std::vector<std::string> skipped_reasons();

}  // namespace tidb_backups::testing

// Marks the test skipped and returns from it (use in the TEST_CASE body itself).
#define TIDB_SKIP(reason)                              \
    do {                                               \
        ::tidb_backups::testing::mark_skipped(reason); \
        return;                                        \
    } while (false)
