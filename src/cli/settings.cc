// SPDX-License-Identifier: Apache-2.0
#include "cli/settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "cli/config_file.h"
#include "cli/flags.h"
#include "cli/report.h"
#include "cli/suggest.h"
#include "core/ascii.h"
#include "core/backup.h"
#include "render/table_renderer.h"

namespace tidb_backups {

namespace {

// One setting's value and where it came from, for error messages that say what to fix.
struct Sourced {
    std::string value;   // wiped when it goes: it may be the private key
    std::string source;  // "--region", "SIGCALCLOUD_REGION", "profile 'prod'"

    Sourced(std::string value_, std::string source_)
        : value(std::move(value_)), source(std::move(source_)) {}
    Sourced(const Sourced&) = default;
    Sourced(Sourced&&) = default;
    Sourced& operator=(const Sourced&) = default;
    Sourced& operator=(Sourced&&) = default;
    ~Sourced() { explicit_bzero(value.data(), value.size()); }
};

std::optional<std::string> non_empty(std::optional<std::string> value) {
    if (value && value->empty()) {
        return std::nullopt;
    }
    return value;
}

Error config(std::string message, std::string hint = {}) {
    return make_error(ErrorKind::Config, std::move(message), std::move(hint));
}

const std::vector<std::string>& profile_keys() {
    static const std::vector<std::string> keys = {"region", "public_key", "private_key",
                                                  "project_id", "endpoint"};
    return keys;
}

// The profile's values (empty when the file or the default profile is absent).
Expected<ConfigProfile> load_profile(Settings& settings, const GlobalOptions& flags,
                                     const Getenv& getenv) {
    std::optional<std::string> named_profile = non_empty(flags.profile);
    if (!named_profile) {
        named_profile = non_empty(getenv(std::string(flag(FlagId::Profile).env).c_str()));
    }
    settings.profile = named_profile.value_or("default");

    std::optional<std::string> chosen_path = non_empty(flags.config_path);
    if (!chosen_path) {
        chosen_path = non_empty(getenv(std::string(flag(FlagId::Config).env).c_str()));
    }
    settings.config_path = chosen_path ? *chosen_path : default_config_path(getenv);
    if (settings.config_path.empty()) {
        if (named_profile) {
            return config(fmt::format("profile '{}' requested but no config file could be located",
                                      settings.profile),
                          "set HOME or XDG_CONFIG_HOME, or pass --config FILE");
        }
        return ConfigProfile{};
    }

    Expected<std::optional<ConfigFile>> loaded = load_config_file(settings.config_path);
    if (!loaded) {
        return loaded.error();
    }
    if (!loaded->has_value()) {
        if (chosen_path) {
            return config(fmt::format("config file '{}' does not exist", settings.config_path),
                          "create it, or fix --config / TIDB_BACKUPS_CONFIG");
        }
        if (named_profile) {
            return config(
                fmt::format("profile '{}' not found: there is no config file at '{}'",
                            settings.profile, settings.config_path),
                "create it with a [" + settings.profile + "] table, or pass --config FILE");
        }
        return ConfigProfile{};
    }
    const ConfigFile& file = **loaded;
    const ConfigProfile* profile = file.find_profile(settings.profile);
    if (profile == nullptr) {
        if (!named_profile) {
            return ConfigProfile{};
        }
        std::string known;
        for (const auto& entry : file.profiles) {
            known += known.empty() ? entry.name : ", " + entry.name;
        }
        return config(
            fmt::format("profile '{}' not found in '{}'", settings.profile, settings.config_path),
            known.empty() ? std::string("the file has no profiles")
                          : fmt::format("profiles in the file: {}", known));
    }
    if (auto warning = config_permission_warning(settings.config_path, holds_private_key(file))) {
        settings.warnings.push_back(*warning);
    }
    const auto& keys = profile_keys();
    for (const auto& [key, ignored] : profile->values) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            settings.warnings.push_back(
                fmt::format("warning: unknown key '{}' in profile '{}' of '{}' is ignored", key,
                            settings.profile, settings.config_path));
        }
    }
    return *profile;
}

// flag > environment > profile.
std::optional<Sourced> pick(const std::optional<std::string>& flag, std::string_view flag_name,
                            const Getenv& getenv, const char* env_name,
                            const ConfigProfile& profile, const std::string& key,
                            const std::string& profile_name) {
    if (auto value = non_empty(flag)) {
        return Sourced{std::move(*value), std::string(flag_name)};
    }
    if (auto value = non_empty(getenv(env_name))) {
        return Sourced{std::move(*value), env_name};
    }
    if (const std::string* value = profile.find(key); value != nullptr && !value->empty()) {
        return Sourced{*value, fmt::format("profile '{}'", profile_name)};
    }
    return std::nullopt;
}

// pick() for the flag `id`, by the name and the environment variable of its record.
std::optional<Sourced> pick(const std::optional<std::string>& value, FlagId id,
                            const Getenv& getenv, const ConfigProfile& profile,
                            const std::string& key, const std::string& profile_name) {
    const Flag& record = flag(id);
    return pick(value, record.names, getenv, std::string(record.env).c_str(), profile, key,
                profile_name);
}

// ", config 'FILE'" when a config file was consulted, for messages about the profile.
std::string in_config_file(const Settings& settings) {
    return settings.config_path.empty() ? std::string() : ", config '" + settings.config_path + "'";
}

// Where a setting came from, for a message about its value: "SIGCALCLOUD_REGION",
// "profile 'prod' in 'FILE'".
std::string described_source(const Sourced& sourced, const Settings& settings) {
    if (sourced.source.rfind("profile ", 0) == 0 && !settings.config_path.empty()) {
        return fmt::format("{} in '{}'", sourced.source, settings.config_path);
    }
    return sourced.source;
}

// What a path that is not a regular file is, for messages.
const char* describe_file_type(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a named pipe";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "a special file";
}

// --ca-bundle is read by OpenSSL when the first connection is made: it must be a regular file
// (a link to one is fine) that we can open. A named pipe would block that read forever, a
// directory or a device would fail it only then; all are refused before any request.
Status check_ca_bundle(const std::string& path) {
    constexpr const char* kHint = "--ca-bundle expects a PEM file of CA certificates";
    if (path.empty()) {
        return usage("invalid value for --ca-bundle: the path is empty", kHint);
    }
    // O_NONBLOCK: opening a named pipe must not wait for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return usage(fmt::format("cannot read --ca-bundle '{}': {}", path, strerror(errno)), kHint);
    }
    struct stat info {};
    int examined = ::fstat(fd, &info);
    int error_number = errno;
    ::close(fd);
    if (examined != 0) {
        return usage(fmt::format("cannot read --ca-bundle '{}': {}", path, strerror(error_number)),
                     kHint);
    }
    if (!S_ISREG(info.st_mode)) {
        return usage(fmt::format("--ca-bundle '{}' is {}, not a regular file", path,
                                 describe_file_type(info.st_mode)),
                     kHint);
    }
    return ok();
}

// The value `parsed` from `text`, or the error listing what the flag takes.
template <typename Choice>
Expected<Choice> one_of(std::optional<Choice> parsed, FlagId id, std::string_view text) {
    if (!parsed) {
        return usage(not_a_choice(flag(id), text));
    }
    return *parsed;
}

}  // namespace

Expected<std::int64_t> whole_number(const std::string& text, std::string_view flag,
                                    std::int64_t min, std::int64_t max) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    bool parsed = !text.empty() && ec == std::errc{} && end == text.data() + text.size();
    if (!parsed || number < min || number > max) {
        std::string range = max >= INT64_MAX / 2
                                ? fmt::format("a whole number, at least {}", min)
                                : fmt::format("a whole number from {} to {}", min, max);
        return usage(fmt::format("invalid value for {}: '{}' (expected {})", flag, text, range));
    }
    return number;
}

Expected<std::string> field_named(std::string_view name, std::string_view flag) {
    const std::vector<std::string>& known = selectable_fields();
    auto same = [&](const std::string& field) { return same_ignoring_ascii_case(field, name); };
    auto match = std::find_if(known.begin(), known.end(), same);
    if (match == known.end()) {
        // The table's headers name the same fields: --sort-by size, --fields started,state.
        match = std::find_if(known.begin(), known.end(), [&](const std::string& field) {
            return same_ignoring_ascii_case(header_for(field), name);
        });
    }
    if (match == known.end()) {
        std::string hint = did_you_mean(nearest(name, known));
        return usage(fmt::format("unknown field '{}' in {}", name, flag),
                     fmt::format("{}valid fields: {}", hint.empty() ? "" : hint + " ",
                                 fmt::join(known, ", ")));
    }
    return *match;
}

Expected<std::vector<std::string>> value_list(const std::vector<std::string>& given,
                                              std::string_view flag) {
    std::vector<std::string> values;
    for (const auto& text : given) {
        std::istringstream parts(text + ",");  // so "a," ends in an empty value, not nothing
        for (std::string part; std::getline(parts, part, ',');) {
            auto first = part.find_first_not_of(' ');
            if (first == std::string::npos) {
                return usage(fmt::format("invalid value for {}: '{}' (an empty name)", flag, text));
            }
            values.push_back(part.substr(first, part.find_last_not_of(' ') - first + 1));
        }
    }
    return values;
}

Expected<OutputFormat> output_format_flag(const std::string& text) {
    return one_of(parse_output_format(text), FlagId::Output, text);
}

Expected<TimeFormat> time_format_flag(const std::string& text) {
    return one_of(parse_time_format(text), FlagId::TimeFormat, text);
}

Expected<std::vector<std::string>> fields_flag(const std::string& text) {
    std::vector<std::string> fields;
    std::istringstream parts(text);
    for (std::string part; std::getline(parts, part, ',');) {
        auto field = field_named(part, "--fields");
        if (!field) {
            return field.error();
        }
        fields.push_back(std::move(*field));
    }
    if (fields.empty()) {
        return usage("--fields is empty",
                     fmt::format("valid fields: {}", fmt::join(selectable_fields(), ", ")));
    }
    return fields;
}

Getenv process_environment() {
    return [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

void wipe_private_key_variable() {
    if (char* value = std::getenv("SIGCALCLOUD_PRIVATE_KEY")) {
        explicit_bzero(value, std::strlen(value));
    }
}

Expected<Settings> resolve_settings(const GlobalOptions& flags, const Getenv& getenv,
                                    bool region_required) {
    Settings settings;
    settings.insecure = flags.insecure;
    settings.verbosity = flags.verbosity;
    settings.quiet = flags.quiet;

    // Flag values that need no other source are checked first: a usage error beats a file error.
    if (flags.timeout) {
        double seconds = 0;
        const std::string& text = *flags.timeout;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
            !std::isfinite(seconds) || seconds <= 0 || seconds > 86400) {
            return usage(fmt::format(
                "invalid value for --timeout: '{}' (expected seconds, more than 0, e.g. 30 or 2.5)",
                text));
        }
        settings.timeout =
            std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(seconds * 1000)));
    }
    if (!is_choice(flag(FlagId::Color), flags.color)) {
        return usage(not_a_choice(flag(FlagId::Color), flags.color));
    }
    settings.color = flags.color == "always"  ? ColorMode::Always
                     : flags.color == "never" ? ColorMode::Never
                                              : ColorMode::Auto;
    if (flags.retries) {
        Expected<std::int64_t> retries = whole_number(*flags.retries, "--retries", 0, 10);
        if (!retries) {
            return retries.error();
        }
        settings.retries = static_cast<int>(*retries);
    }
    if (flags.ca_bundle) {
        settings.ca_bundle = *flags.ca_bundle;
        if (Status bundle = check_ca_bundle(settings.ca_bundle); !bundle) {
            return bundle.error();
        }
    }

    Expected<ConfigProfile> profile = load_profile(settings, flags, getenv);
    if (!profile) {
        return profile.error();
    }
    const std::string& name = settings.profile;

    auto region = pick(flags.region, FlagId::Region, getenv, *profile, "region", name);
    auto public_key =
        pick(std::nullopt, "", getenv, "SIGCALCLOUD_PUBLIC_KEY", *profile, "public_key", name);
    auto private_key =
        pick(std::nullopt, "", getenv, "SIGCALCLOUD_PRIVATE_KEY", *profile, "private_key", name);
    if (!region && region_required && (!public_key || !private_key)) {
        // A first run: everything it lacks in one message, and the one command that fixes it.
        // Exit 2, as for a missing region alone, which is what this case always was.
        std::vector<std::string> missing;
        std::vector<std::string> variables;
        if (!public_key) {
            missing.emplace_back("public key");
            variables.emplace_back("SIGCALCLOUD_PUBLIC_KEY");
        }
        if (!private_key) {
            missing.emplace_back("private key");
            variables.emplace_back("SIGCALCLOUD_PRIVATE_KEY");
        }
        missing.emplace_back("region");
        variables.emplace_back("SIGCALCLOUD_REGION");
        return usage(
            fmt::format("not configured: no {} or {} found (profile '{}'{})",
                        fmt::join(missing.begin(), missing.end() - 1, ", "), missing.back(), name,
                        in_config_file(settings)),
            fmt::format("run 'tidb-backups configure', or set {} and {}",
                        fmt::join(variables.begin(), variables.end() - 1, ", "), variables.back()));
    }
    if (!region && region_required) {
        return usage("no region given",
                     "pass --region (e.g. --region cn-zj), set SIGCALCLOUD_REGION, or add region "
                     "to the profile");
    }
    if (region) {
        settings.region = region->value;
        settings.region_source = described_source(*region, settings);
    }
    if (auto project =
            pick(flags.project_id, FlagId::ProjectId, getenv, *profile, "project_id", name)) {
        settings.project_id = project->value;
    }

    auto endpoint_text = pick(flags.endpoint, FlagId::Endpoint, getenv, *profile, "endpoint", name);
    Sourced endpoint_source = endpoint_text.value_or(Sourced{kDefaultEndpoint, "default"});
    Expected<Endpoint> endpoint = parse_endpoint(endpoint_source.value);
    if (!endpoint) {
        Error error = endpoint.error();
        error.message += fmt::format(" (from {})", endpoint_source.source);
        if (endpoint_source.source != "--endpoint") {
            error.kind = ErrorKind::Config;
        }
        return error;
    }
    if (!endpoint->is_https() && !is_loopback_host(endpoint->host) && !settings.insecure) {
        return usage(
            fmt::format("refusing plain http to '{}': the signed request would travel in clear",
                        endpoint->host),
            "use an https:// endpoint, or pass --insecure if you really mean it");
    }
    settings.endpoint = std::move(*endpoint);

    // The proxy conventions of curl: --proxy, then the environment, unless NO_PROXY.
    auto first_set = [&getenv](const char* upper, const char* lower) {
        return non_empty(getenv(upper)).value_or(non_empty(getenv(lower)).value_or(""));
    };
    ProxyEnvironment proxy_environment{first_set("HTTPS_PROXY", "https_proxy"),
                                       first_set("HTTP_PROXY", "http_proxy"),
                                       first_set("NO_PROXY", "no_proxy")};
    Expected<std::optional<Proxy>> proxy =
        choose_proxy(settings.endpoint.scheme, settings.endpoint.host, settings.endpoint.port,
                     non_empty(flags.proxy), proxy_environment);
    if (!proxy) {
        return proxy.error();
    }
    settings.proxy = std::move(*proxy);

    if (!public_key || !private_key) {
        std::string missing = !public_key && !private_key ? "public and private key"
                              : !public_key               ? "public key"
                                                          : "private key";
        return config(
            fmt::format("no {} found (profile '{}'{})", missing, name, in_config_file(settings)),
            "run 'tidb-backups configure', or set SIGCALCLOUD_PUBLIC_KEY and "
            "SIGCALCLOUD_PRIVATE_KEY");
    }
    settings.public_key_source = described_source(*public_key, settings);
    settings.private_key_source = described_source(*private_key, settings);
    settings.public_key = public_key->value;
    settings.private_key = Secret(std::move(private_key->value));
    return settings;
}

namespace {

// "abcd****wxyz": enough of a public key to tell two apart, not enough to use it.
std::string partly_masked(const std::string& key) {
    if (key.size() < 12) {
        return std::string(key.size(), '*');
    }
    return key.substr(0, 4) + "****" + key.substr(key.size() - 4);
}

}  // namespace

Expected<std::vector<SettingSource>> describe_settings(const GlobalOptions& flags,
                                                       const Getenv& getenv) {
    Settings settings;
    Expected<ConfigProfile> profile = load_profile(settings, flags, getenv);
    if (!profile) {
        return profile.error();
    }
    const std::string& name = settings.profile;
    auto source_of = [&](const std::optional<Sourced>& sourced) -> std::string {
        if (!sourced) {
            return {};
        }
        if (sourced->source.rfind("SIGCALCLOUD_", 0) == 0) {
            return "env " + sourced->source;
        }
        return described_source(*sourced, settings);
    };
    auto flag_or_env = [&](const std::optional<std::string>& flag_value, FlagId id,
                           const std::string& fallback) {
        const Flag& record = flag(id);
        if (non_empty(flag_value)) {
            return std::string(record.names);
        }
        if (non_empty(getenv(std::string(record.env).c_str()))) {
            return "env " + std::string(record.env);
        }
        return fallback;
    };
    std::vector<SettingSource> shown;
    shown.push_back({"profile", name, flag_or_env(flags.profile, FlagId::Profile, "default")});
    shown.push_back({"config", settings.config_path,
                     settings.config_path.empty()
                         ? std::string()
                         : flag_or_env(flags.config_path, FlagId::Config, "default")});
    auto region = pick(flags.region, FlagId::Region, getenv, *profile, "region", name);
    shown.push_back({"region", region ? region->value : "", source_of(region)});
    auto public_key =
        pick(std::nullopt, "", getenv, "SIGCALCLOUD_PUBLIC_KEY", *profile, "public_key", name);
    shown.push_back(
        {"public_key", public_key ? partly_masked(public_key->value) : "", source_of(public_key)});
    auto private_key =
        pick(std::nullopt, "", getenv, "SIGCALCLOUD_PRIVATE_KEY", *profile, "private_key", name);
    shown.push_back({"private_key", private_key ? "****************" : "", source_of(private_key)});
    auto project = pick(flags.project_id, FlagId::ProjectId, getenv, *profile, "project_id", name);
    shown.push_back({"project_id", project ? project->value : "", source_of(project)});
    auto endpoint = pick(flags.endpoint, FlagId::Endpoint, getenv, *profile, "endpoint", name);
    shown.push_back({"endpoint",
                     endpoint ? redact_url_credentials(endpoint->value) : kDefaultEndpoint,
                     endpoint ? source_of(endpoint) : "default"});
    return shown;
}

}  // namespace tidb_backups
