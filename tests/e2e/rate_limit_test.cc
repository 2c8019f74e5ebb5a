// SPDX-License-Identifier: Apache-2.0
// The API's rate limit (RetCode 153) met by a fleet: the workers learn one shared rate and
// finish the run, instead of each retrying into the limit until its retries run out.
#include <catch2/catch.hpp>

#include <set>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kClusters = 60;
constexpr int kBackupsEach = 5;  // one page each
constexpr int kLimit = 20;       // requests a second, and a second's worth at once

std::string ids_text() {
    std::string text;
    for (int i = 1; i <= kClusters; ++i) {
        text += "c" + std::to_string(i) + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("rate limit: 60 clusters past a limit of 20 a second all list, with few 153s",
          "[e2e][rate]") {
    EmulatorProcess emulator(emulator_args(kBackupsEach, {"--rate-limit", std::to_string(kLimit)}));
    Cli cli(emulator);
    const std::string ids = cli.home().write_file("ids.txt", ids_text());
    ProcessResult result =
        cli.run({"list", "--ids-from", ids, "-o", "ndjson", "--concurrency", "8", "-v"});
    const nlohmann::json stats = emulator.stats();
    INFO(result.describe());
    INFO("emulator: " << stats.dump());

    REQUIRE(result.exit_code == 0);
    std::set<std::string> clusters;
    int lines = 0;
    for (const std::string& line : lines_of(result.out)) {
        clusters.insert(nlohmann::json::parse(line).at("ClusterId").get<std::string>());
        ++lines;
    }
    CHECK(lines == kClusters * kBackupsEach);
    CHECK(clusters.size() == static_cast<std::size_t>(kClusters));

    // The limit was met (the burst of 20 is spent well before 60 requests)...
    const int limited = stats["rate_limited"].get<int>();
    CHECK(limited >= 1);
    CHECK(stats["requests"].get<int>() - limited == kClusters);
    // ...and learned from: the 153s are the requests in flight when it was first met (at most
    // --concurrency) and a few more, not one or more for each of the 40 past the burst.
    CHECK(limited <= 16);
    CHECK(result.err.find("rate limited (RetCode 153): every request now paced at ") !=
          std::string::npos);
}

TEST_CASE("rate limit: the emulator answers 153 past its limit and counts it", "[e2e][rate]") {
    // One request per 100 s, and one at once: the second run, with no retry, meets the limit
    // and ends with the API's error.
    EmulatorProcess emulator(emulator_args(kBackupsEach, {"--rate-limit", "0.01"}));
    Cli cli(emulator);
    ProcessResult ok = cli.run({"list", "--id", "c1", "-o", "json", "--retries", "0"});
    INFO(ok.describe());
    CHECK(ok.exit_code == 0);
    ProcessResult limited = cli.run({"list", "--id", "c1", "-o", "json", "--retries", "0"});
    INFO(limited.describe());
    CHECK(limited.exit_code == 3);
    CHECK(limited.err.find("153") != std::string::npos);
    CHECK(limited.out.empty());
    const nlohmann::json stats = emulator.stats();
    CHECK(stats["requests"] == 2);
    CHECK(stats["rate_limited"] == 1);
}
