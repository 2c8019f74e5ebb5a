// SPDX-License-Identifier: Apache-2.0
// configure runs at the same time on one config file: each read-modify-write is serialised by
// the lock file beside it, so no profile is lost; a lock held for too long ends configure with
// exit 6 instead of wedging it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::ProcessSpec;

namespace {

// No SIGCALCLOUD_* variables: a private HOME whose default config file configure writes.
struct Home {
    TempDir dir;
    Environment env = testing::base_env(dir);

    std::string config() const { return dir.file("config/tidb-backups/config.toml"); }
    std::string lock() const { return dir.file("config/tidb-backups/.config.toml.lock"); }

    ProcessSpec configure(const std::string& profile, const std::string& region,
                          const std::string& public_key, const std::string& private_key) const {
        ProcessSpec spec;
        spec.argv = {TIDB_BACKUPS_BIN, "configure", "--profile",
                     profile,          "--region",  region,
                     "--public-key",   public_key,  "--private-key-stdin"};
        spec.env = env;
        spec.stdin_data = private_key + "\n";
        spec.timeout = 60s;
        return spec;
    }
};

// The `[profile]` tables of the file configure wrote, each with its `key = "value"` lines (the
// writer's own layout; the e2e tests do not link the CLI library).
std::map<std::string, std::map<std::string, std::string>> tables_of(const std::string& path) {
    std::map<std::string, std::map<std::string, std::string>> tables;
    std::ifstream file(path);
    REQUIRE(file);
    std::string current;
    for (std::string line; std::getline(file, line);) {
        if (!line.empty() && line.front() == '[' && line.back() == ']') {
            current = line.substr(1, line.size() - 2);
            REQUIRE(tables.count(current) == 0);
            tables[current];
        } else if (auto eq = line.find(" = \""); eq != std::string::npos && line.back() == '"') {
            tables[current][line.substr(0, eq)] = line.substr(eq + 4, line.size() - eq - 5);
        }
    }
    return tables;
}

std::string numbered(const char* prefix, int i) {
    return prefix + std::string(i < 10 ? "0" : "") + std::to_string(i);
}

}  // namespace

TEST_CASE("30 configure runs at once on one file keep all 30 profiles", "[e2e][configure][lock]") {
    Home home;
    constexpr int kRuns = 30;
    std::vector<std::unique_ptr<ChildProcess>> runs;
    runs.reserve(kRuns);
    for (int i = 0; i < kRuns; ++i) {
        runs.push_back(std::make_unique<ChildProcess>(
            home.configure(numbered("p", i), numbered("region-", i), numbered("public-", i),
                           numbered("private-", i))));
    }
    for (int i = 0; i < kRuns; ++i) {
        ProcessResult result = runs[static_cast<std::size_t>(i)]->wait();
        INFO(numbered("p", i) << ": " << result.describe());
        CHECK_FALSE(result.timed_out);
        CHECK(result.exit_code == 0);
    }

    auto tables = tables_of(home.config());
    CHECK(tables.size() == kRuns);
    for (int i = 0; i < kRuns; ++i) {
        INFO(numbered("p", i));
        auto values = tables[numbered("p", i)];
        CHECK(values.size() == 3);
        CHECK(values["region"] == numbered("region-", i));
        CHECK(values["public_key"] == numbered("public-", i));
        CHECK(values["private_key"] == numbered("private-", i));
    }
    struct stat info {};
    REQUIRE(::stat(home.config().c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);

    // The file parses, and its profiles are used: the signed request carries their values.
    for (int i : {0, 17, kRuns - 1}) {
        auto listed = testing::run_cli({"list", "--profile", numbered("p", i), "--id", "c1",
                                        "--endpoint", "http://127.0.0.1:1", "--dry-run"},
                                       home.env);
        INFO(listed.describe());
        CHECK(listed.exit_code == 0);
        CHECK(listed.out.find("Region=" + numbered("region-", i) + "&") != std::string::npos);
        CHECK(listed.out.find("PublicKey=" + numbered("public-", i) + "&") != std::string::npos);
    }
}

TEST_CASE("a lock held too long ends configure with exit 6 after 10 s, and nothing is written",
          "[e2e][configure][lock]") {
    Home home;
    auto first = testing::run_process(home.configure("first", "r1", "pub1", "priv1"));
    INFO(first.describe());
    REQUIRE(first.exit_code == 0);
    const std::string before = home.dir.read_file("config/tidb-backups/config.toml");

    // Another process holding the lock, as a configure stopped with Ctrl-Z would.
    int held = ::open(home.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(held >= 0);
    REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
    auto started = std::chrono::steady_clock::now();
    auto blocked = testing::run_process(home.configure("second", "r2", "pub2", "priv2"));
    auto took = std::chrono::steady_clock::now() - started;
    {
        INFO(blocked.describe());
        CHECK_FALSE(blocked.timed_out);
        CHECK(blocked.exit_code == 6);
        CHECK(blocked.out.empty());
        CHECK(blocked.err == "tidb-backups: error: cannot write config file " + home.config() +
                                 ": another process has held its lock file " + home.lock() +
                                 " for more than 10 s; nothing was saved\n"
                                 "hint: another tidb-backups configure is saving to this file, "
                                 "or is stopped (Ctrl-Z); let it finish, then run this again\n");
        CHECK(took >= 9s);
        CHECK(took < 30s);
        CHECK(home.dir.read_file("config/tidb-backups/config.toml") == before);
    }

    // Once the holder lets go, configure works again: the lock file left behind wedges nothing.
    ::close(held);
    auto after = testing::run_process(home.configure("second", "r2", "pub2", "priv2"));
    INFO(after.describe());
    CHECK(after.exit_code == 0);
    auto tables = tables_of(home.config());
    CHECK(tables.size() == 2);
    CHECK(tables["first"]["region"] == "r1");
    CHECK(tables["second"]["region"] == "r2");
}
