// SPDX-License-Identifier: Apache-2.0
// Settings: every source merged in the contract's order (flag > environment > profile >
// default) and checked, so the commands and the core get one validated value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/proxy.h"
#include "core/secret.h"
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
    std::string profile;      // the profile in use ("default" unless chosen)
    std::string config_path;  // the config file consulted, if any
    // Where the region and the keys came from ("--region", "SIGCALCLOUD_PUBLIC_KEY",
    // "profile 'prod' in 'FILE'"), for the hints of errors about them.
    std::string region_source;
    std::string public_key_source;
    std::string private_key_source;
    std::vector<std::string> warnings;  // to show on stderr before any request
};

inline constexpr const char* kDefaultEndpoint = "https://api.sigcalcloud.com";

// One setting as `configure list` shows it: its value (keys masked) and where it came from.
struct SettingSource {
    std::string name;    // "region", "public_key"...
    std::string value;   // "" when not set; the private key is never here, only "set"
    std::string source;  // "--region", "env SIGCALCLOUD_REGION", "profile 'prod' in FILE",
                         // "default", or "" when not set
};

// Every setting from the same sources as resolve_settings, without requiring any: profile,
// config file, region, public and private key, project id, endpoint. Only a config file that
// cannot be read, or a named profile that does not exist, is an error.
Expected<std::vector<SettingSource>> describe_settings(const GlobalOptions& flags,
                                                       const Getenv& getenv);

// Merges flags, environment and the profile. Usage errors (exit 2) for bad flag values and a
// missing region (unless not `region_required`: every cluster names its own, and the region is
// then "" when none is given); configuration errors (exit 6) for the file, the profile and
// credentials.
Expected<Settings> resolve_settings(const GlobalOptions& flags, const Getenv& getenv,
                                    bool region_required = true);

// Flag values checked one at a time, shared by the settings and the command plans. Each error
// is a usage error (exit 2) naming the flag and the value.

// A whole number from min to max.
Expected<std::int64_t> whole_number(const std::string& text, std::string_view flag,
                                    std::int64_t min, std::int64_t max);

// `name` (any case) as the field is spelled (selectable_fields()), or an error listing them.
Expected<std::string> field_named(std::string_view name, std::string_view flag);

// The values of a repeatable flag that also takes comma-separated lists: "--state a,b --state c".
Expected<std::vector<std::string>> value_list(const std::vector<std::string>& given,
                                              std::string_view flag);

// --output, --time-format and --fields.
Expected<OutputFormat> output_format_flag(const std::string& text);
Expected<TimeFormat> time_format_flag(const std::string& text);
Expected<std::vector<std::string>> fields_flag(const std::string& text);

}  // namespace tidb_backups
