// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the end-to-end tests: an emulator with a fixed clock, and the real
// tidb-backups binary run against it in a hermetic environment.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/catalog.h"
#include "support/eventually.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace tidb_backups::e2e {

using testing::EmulatorProcess;
using testing::Environment;
using testing::ProcessResult;
using testing::TempDir;

// The emulator's clock in every test, so the catalog below predicts what it serves.
inline constexpr std::int64_t kNow = 1795000000;
inline constexpr const char* kPublicKey = "demo-public-key";
inline constexpr const char* kPrivateKey = "demo-private-key";

// Emulator arguments: a fixed clock and `backups` per cluster, then `extra`.
inline std::vector<std::string> emulator_args(int backups, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--now", std::to_string(kNow), "--backups",
                                     std::to_string(backups)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// What the emulator serves for `cluster_id` when started with emulator_args(backups).
inline std::vector<BackupObject> expected_backups(const std::string& cluster_id, int backups,
                                                  std::int64_t grown = 0) {
    emulator::CatalogOptions options;
    options.default_count = backups;
    options.now = kNow;
    return emulator::Catalog(options).backups(cluster_id, grown);
}

// The CLI with credentials, region and endpoint in its environment, and a private HOME.
class Cli {
  public:
    explicit Cli(const std::string& endpoint) : env_(testing::base_env(home_)) {
        env_["SIGCALCLOUD_PUBLIC_KEY"] = kPublicKey;
        env_["SIGCALCLOUD_PRIVATE_KEY"] = kPrivateKey;
        env_["SIGCALCLOUD_REGION"] = "cn-zj";
        env_["SIGCALCLOUD_ENDPOINT"] = endpoint;
    }
    explicit Cli(const EmulatorProcess& emulator) : Cli(emulator.url()) {}

    ProcessResult run(const std::vector<std::string>& args, std::string stdin_data = {}) const {
        return testing::run_cli(args, env_, std::move(stdin_data));
    }

    Environment& env() { return env_; }
    const Environment& env_copy() const { return env_; }
    const TempDir& home() const { return home_; }

  private:
    TempDir home_;
    Environment env_;
};

// A spec running tidb-backups with `args` in `cli`'s environment (for ChildProcess, run_in_pty).
inline testing::ProcessSpec cli_spec(const Cli& cli, const std::vector<std::string>& args) {
    testing::ProcessSpec spec;
    spec.argv = {TIDB_BACKUPS_BIN};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = cli.env_copy();
    spec.timeout = std::chrono::seconds(45);
    return spec;
}

using testing::eventually;

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

inline std::vector<std::string> ids_of(const std::vector<BackupObject>& backups) {
    std::vector<std::string> ids;
    for (const auto& backup : backups) {
        ids.push_back(backup_id(backup));
    }
    return ids;
}

}  // namespace tidb_backups::e2e
