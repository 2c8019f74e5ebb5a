// Settings: every source merged in the contract's order (flag > environment > profile >
// default) and checked, so the commands and the core get one validated value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/proxy.h"
#include "core/secret.h"
#include "core/selection.h"
#include "render/renderer.h"

namespace tidb_backups {

// Reads one environment variable; injectable so tests need not touch the real environment.
using Getenv = std::function<std::optional<std::string>(const char* name)>;
Getenv process_environment();

// Overwrites SIGCALCLOUD_PRIVATE_KEY's value in this process's own environment (it reads as
// empty afterwards), once Settings holds the key: no second copy stays in memory for a dump
// or /proc/PID/environ to show.
void wipe_private_key_variable();

// Global options as typed on the command line; unset optionals fall back to other sources.
struct GlobalOptions {
    std::optional<std::string> region;
    std::optional<std::string> profile;
    std::optional<std::string> config_path;
    std::optional<std::string> endpoint;
    std::optional<std::string> project_id;
    std::optional<std::string> ca_bundle;
    std::optional<std::string> proxy;    // http://[user:password@]host:port
    std::optional<std::string> timeout;  // seconds, validated in resolve_settings
    std::optional<std::string> retries;
    bool insecure = false;
    int verbosity = 0;
    bool quiet = false;
    std::string color = "auto";  // auto, always, never; validated in resolve_settings
};

// --color: whether output for people may be coloured (see cli/terminal.h for the decision).
enum class ColorMode { Auto, Always, Never };

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
    std::vector<std::string> states;  // --state, repeatable, each maybe a comma-separated list
    std::vector<std::string> types;   // --type, the same
    std::optional<std::string> since;
    std::optional<std::string> until;
    std::optional<std::string> sort_by;
    bool reverse = false;
    std::string time_format = "raw";
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
    std::optional<Proxy> proxy;  // from --proxy or HTTPS_PROXY / HTTP_PROXY, unless NO_PROXY
    int verbosity = 0;
    bool quiet = false;
    ColorMode color = ColorMode::Auto;
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
    RenderOptions render;  // color and width are left for the caller to decide from the terminal
    Selection selection;   // applied to the backups after paging
    bool dry_run = false;
};

inline constexpr int kMaxConcurrency = 64;
inline constexpr const char* kDefaultEndpoint = "https://api.sigcalcloud.com";

// Merges flags, environment and the profile. Usage errors (exit 2) for bad flag values and a
// missing region; configuration errors (exit 6) for the file, the profile and credentials.
Expected<Settings> resolve_settings(const GlobalOptions& flags, const Getenv& getenv);

// Checks the list flags and reads --ids-from (within the bounds of cli/ids_from.h);
// `stdin_reader` supplies "-" and needs to give no more than kMaxIdsFromBytes + 1 bytes of it.
// Ages in --since and --until count back from `now` (epoch seconds; the clock when not given).
// `notices` gets the line saying that a named pipe given to --ids-from has no writer yet.
Expected<ListPlan> resolve_list_plan(const ListOptions& options,
                                     const std::function<std::string()>& stdin_reader,
                                     std::optional<std::int64_t> now = std::nullopt,
                                     std::ostream& notices = std::cerr);

}  // namespace tidb_backups
