// Settings: every source merged in the contract's order (flag > environment > profile >
// default) and checked, so the commands and the core get one validated value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/secret.h"
#include "render/renderer.h"

namespace tidb_backups {

// Reads one environment variable; injectable so tests need not touch the real environment.
using Getenv = std::function<std::optional<std::string>(const char* name)>;
Getenv process_environment();

// Global options as typed on the command line; unset optionals fall back to other sources.
struct GlobalOptions {
    std::optional<std::string> region;
    std::optional<std::string> profile;
    std::optional<std::string> config_path;
    std::optional<std::string> endpoint;
    std::optional<std::string> project_id;
    std::optional<std::string> ca_bundle;
    std::optional<std::string> timeout;  // seconds, validated in resolve_settings
    std::optional<std::string> retries;
    bool insecure = false;
    int verbosity = 0;
    bool quiet = false;
};

// `list` options as typed; validated by resolve_list_options.
struct ListOptions {
    std::vector<std::string> ids;
    std::optional<std::string> ids_from;  // FILE or "-" for stdin
    std::optional<std::string> limit;
    std::optional<std::string> offset;
    std::optional<std::string> page_size;
    std::optional<std::string> concurrency;
    std::string output = "table";
    std::optional<std::string> fields;
    bool no_headers = false;
    bool utc = false;
    bool dry_run = false;
};

struct Settings {
    std::string region;
    std::string project_id;
    std::string public_key;
    Secret private_key;
    Endpoint endpoint;
    std::chrono::milliseconds timeout{30000};
    int retries = 3;
    std::string ca_bundle;
    bool insecure = false;
    int verbosity = 0;
    bool quiet = false;
    std::string profile;                // the profile in use ("default" unless chosen)
    std::string config_path;            // the config file consulted, if any
    std::vector<std::string> warnings;  // to show on stderr before any request
};

struct ListPlan {
    std::vector<std::string> cluster_ids;
    std::optional<std::int64_t> limit;
    std::int64_t offset = 0;
    std::int64_t page_size = 30;
    int concurrency = 8;
    RenderOptions render;
    bool dry_run = false;
};

inline constexpr int kMaxConcurrency = 64;
inline constexpr const char* kDefaultEndpoint = "https://api.sigcalcloud.com";

// Merges flags, environment and the profile. Usage errors (exit 2) for bad flag values and a
// missing region; configuration errors (exit 6) for the file, the profile and credentials.
Expected<Settings> resolve_settings(const GlobalOptions& flags, const Getenv& getenv);

// Checks the list flags and reads --ids-from; `stdin_reader` supplies "-".
Expected<ListPlan> resolve_list_plan(const ListOptions& options,
                                     const std::function<std::string()>& stdin_reader);

}  // namespace tidb_backups
