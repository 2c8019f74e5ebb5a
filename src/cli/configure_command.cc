// SPDX-License-Identifier: Apache-2.0
#include "cli/configure_command.h"

#include <string.h>

#include <algorithm>

#include <fmt/format.h>

#include "cli/api_session.h"
#include "cli/app.h"
#include "cli/config_writer.h"
#include "cli/flags.h"
#include "cli/report.h"
#include "cli/terminal.h"
#include "core/endpoint.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

// ---- Values: where they come from and whether they can be written. ----

std::string trimmed(std::string text) {
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    std::string out = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    explicit_bzero(text.data(), text.size());  // it may be the private key
    return out;
}

// Why `value` cannot be the `what` of a profile, or "" when it can. Never quotes the value.
std::string problem_with(std::string_view what, std::string_view value, bool required) {
    if (value.empty()) {
        return required ? fmt::format("the {} is empty", what) : "";
    }
    // The file must parse back, and a value shown in a prompt must not drive the terminal.
    if (sanitize_for_terminal(value) != value) {
        return fmt::format("the {} contains a control character or invalid UTF-8", what);
    }
    if (what == "endpoint") {
        if (auto endpoint = parse_endpoint(value); !endpoint) {
            return endpoint.error().message;
        }
    }
    return "";
}

// The profile and file configure works on, chosen as for every command.
struct Target {
    std::string profile;
    std::string path;
};

Expected<Target> locate(const GlobalOptions& global, const Getenv& getenv) {
    auto first_set = [](std::optional<std::string> flag, std::optional<std::string> env) {
        if (flag && !flag->empty()) {
            return flag;
        }
        return env && !env->empty() ? env : std::nullopt;
    };
    Target target;
    target.profile =
        first_set(global.profile, getenv("SIGCALCLOUD_PROFILE")).value_or(std::string("default"));
    if (std::string problem = problem_with("profile name", target.profile, true);
        !problem.empty()) {
        return usage("invalid profile name: " + problem);
    }
    auto chosen = first_set(global.config_path, getenv("TIDB_BACKUPS_CONFIG"));
    target.path = chosen ? *chosen : default_config_path(getenv);
    if (target.path.empty()) {
        return make_error(ErrorKind::Config, "no config file could be located",
                          "set HOME or XDG_CONFIG_HOME, or pass --config FILE");
    }
    return target;
}

// The flags as changes; a bad value is a usage error naming the flag.
Expected<ProfileChanges> changes_from_flags(const ConfigureOptions& options,
                                            const GlobalOptions& global) {
    ProfileChanges changes;
    struct Flag {
        const std::optional<std::string>& value;
        const char* name;
        const char* what;
        bool required;
        std::optional<std::string>& target;
    };
    const Flag flags[] = {
        {global.region, "--region", "region", true, changes.region},
        {options.public_key, "--public-key", "public key", true, changes.public_key},
        {global.endpoint, "--endpoint", "endpoint", false, changes.endpoint},
        {global.project_id, "--project-id", "project id", false, changes.project_id},
    };
    for (const Flag& flag : flags) {
        if (!flag.value) {
            continue;
        }
        std::string value = trimmed(*flag.value);
        if (std::string problem = problem_with(flag.what, value, flag.required); !problem.empty()) {
            return usage(fmt::format("invalid value for {}: {}", flag.name, problem));
        }
        flag.target = std::move(value);
    }
    return changes;
}

Expected<Secret> private_key_from_stdin(CommandContext& context,
                                        const SecretLineReader& read_secret_line) {
    std::optional<std::string> line = read_secret_line(context.in, context.err, "");
    if (!line) {
        return usage("--private-key-stdin: stdin is empty",
                     "send the private key as the first line of stdin");
    }
    Secret key(trimmed(std::move(*line)));
    if (std::string problem = problem_with("private key", key.reveal(), true); !problem.empty()) {
        return usage("--private-key-stdin: " + problem + " (first line of stdin)");
    }
    return key;
}

// ---- Asking a person. ----

constexpr int kAttempts = 3;

struct Question {
    std::string label;    // "Region"
    const char* what;     // "region", for messages
    std::string current;  // shown in brackets ("" for none); for a secret, only whether it is set
    bool required;        // an empty answer is not accepted
    bool secret;          // read without echo, never shown
};

// One answer: std::nullopt keeps what the profile has. Asks again after a bad answer.
Expected<std::optional<std::string>> ask(CommandContext& context, const Question& question,
                                         const SecretLineReader& read_secret_line) {
    for (int attempt = 1;; ++attempt) {
        std::string shown = question.current.empty() ? ""
                            : question.secret
                                ? " [keep existing]"
                                : " [" + sanitize_for_terminal(question.current) + "]";
        std::string prompt = question.label + shown + ": ";
        std::optional<std::string> line;
        if (question.secret) {
            line = read_secret_line(context.in, context.err, prompt);
        } else {
            context.err << prompt << std::flush;
            if (std::string text; std::getline(context.in, text)) {
                line = std::move(text);
            }
        }
        if (!line) {
            context.err << '\n' << std::flush;  // Ctrl-D left the cursor after the prompt
            return usage(fmt::format("configure: input ended at the {} prompt; nothing was saved",
                                     question.what));
        }
        std::string answer = trimmed(std::move(*line));
        bool keep = answer.empty() && !(question.required && question.current.empty());
        if (keep) {
            return std::optional<std::string>();
        }
        std::string problem = problem_with(question.what, answer, true);
        if (problem.empty()) {
            return std::optional<std::string>(std::move(answer));
        }
        explicit_bzero(answer.data(), answer.size());
        Error error = usage(problem);
        if (attempt == kAttempts) {
            return error;
        }
        print_error(context.err, error);
    }
}

const std::string* value_in(const ConfigProfile* profile, std::string_view key) {
    return profile == nullptr ? nullptr : profile->find(key);
}

std::string current(const ConfigProfile* profile, std::string_view key) {
    const std::string* value = value_in(profile, key);
    return value == nullptr ? "" : *value;
}

// Asks for everything the flags did not give.
Status ask_for_the_rest(CommandContext& context, const ConfigProfile* existing,
                        ProfileChanges& changes, const SecretLineReader& read_secret_line) {
    bool is_new = existing == nullptr;
    struct Field {
        Question question;
        std::optional<std::string>* target;
    };
    std::string endpoint = current(existing, "endpoint");
    std::string project = current(existing, "project_id");
    const std::string* stored_key = value_in(existing, "private_key");
    bool has_private_key = stored_key != nullptr && !stored_key->empty();
    std::optional<std::string> private_key;
    Field fields[] = {
        {{"Region", "region", current(existing, "region"), is_new, false}, &changes.region},
        {{"Public key", "public key", current(existing, "public_key"), is_new, false},
         &changes.public_key},
        {{"Private key", "private key", has_private_key ? "set" : "", is_new, true}, &private_key},
        // A hand-written endpoint may hold a password: never shown (parse_endpoint refuses it).
        {{"Endpoint", "endpoint",
          endpoint.empty() ? kDefaultEndpoint : redact_url_credentials(endpoint), false, false},
         &changes.endpoint},
        {{"Project id", "project id", project.empty() ? "none" : project, false, false},
         &changes.project_id},
    };
    for (Field& field : fields) {
        bool given =
            field.question.secret ? changes.private_key.has_value() : field.target->has_value();
        if (given) {
            continue;
        }
        Expected<std::optional<std::string>> answer =
            ask(context, field.question, read_secret_line);
        if (!answer) {
            return answer.error();
        }
        *field.target = std::move(*answer);
    }
    if (private_key) {
        changes.private_key = Secret(*private_key);
        explicit_bzero(private_key->data(), private_key->size());
    }
    return ok();
}

std::string listed(const std::vector<std::string>& items, std::string_view last_joiner) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : i + 1 == items.size() ? std::string(last_joiner) : ", ";
        out += items[i];
    }
    return out;
}

Error missing_error(const std::vector<std::string>& missing, const std::string& profile,
                    bool no_input) {
    std::vector<std::string> flags;
    flags.reserve(missing.size());
    for (const std::string& what : missing) {
        flags.emplace_back(what == "region"       ? "--region"
                           : what == "public key" ? "--public-key"
                                                  : "--private-key-stdin");
    }
    return usage(
        fmt::format("configure{}: no {} given for new profile '{}' (use {})",
                    no_input ? " --no-input" : "", listed(missing, " or "), profile,
                    listed(flags, ", ")),
        no_input ? "a new profile needs a region, a public key and a private key; the private key "
                   "is read from the first line of stdin with --private-key-stdin"
                 : "stdin is not a terminal, so nothing is asked: pass them as flags, the private "
                   "key on stdin with --private-key-stdin");
}

// Wipes the private keys the file held once configure is done with it.
struct WipedConfig {
    ConfigFile file;
    ~WipedConfig() {
        for (ConfigProfile& profile : file.profiles) {
            for (auto& [key, value] : profile.values) {
                explicit_bzero(value.data(), value.size());
            }
        }
    }
};

// The read-modify-write, under the lock: the file is read again, so that what another configure
// saved since the first read (while a person answered the prompts, say) is kept.
Status save_profile_changes(const Target& target, const ProfileChanges& changes,
                            bool profile_existed) {
    Expected<ConfigLock> lock = lock_config_file(target.path);
    if (!lock) {
        return lock.error();
    }
    Expected<std::optional<ConfigFile>> loaded = load_config_file(target.path);
    if (!loaded) {
        return loaded.error();
    }
    WipedConfig latest{loaded->has_value() ? std::move(**loaded) : ConfigFile{}};
    if (profile_existed && latest.file.find_profile(target.profile) == nullptr) {
        // What was kept from it is gone: a new profile would lack the region or the keys.
        return make_error(ErrorKind::Config,
                          fmt::format("profile '{}' was removed from {} while configure ran; "
                                      "nothing was saved",
                                      target.profile, sanitize_for_terminal(target.path)),
                          "run configure again to create it");
    }
    apply_profile_changes(latest.file.profile(target.profile), changes);
    return save_config_file(target.path, latest.file);
}

// The id the key test asks about: any id will do, since the signature is checked first (a
// wrong key is RetCode 171 whatever the id), and an unknown one is a harmless answer.
constexpr const char* kKeyTestClusterId = "tidb-backups-key-test";

// One signed request with the settings `list` would now use: exit 3 when the API refuses the
// keys (RetCode 171), else 0, with one line on stderr saying which. A network failure is only a
// warning: the profile is saved, and the network may be what is missing.
int test_keys(const GlobalOptions& global, const std::string& profile, const std::string& path,
              CommandContext& context) {
    GlobalOptions chosen = global;
    chosen.profile = profile;
    chosen.config_path = path;
    chosen.retries = "0";
    chosen.timeout = "10";
    Expected<Settings> settings = resolve_settings(chosen, context.getenv);
    if (!settings) {
        print_warning(context.err, "the keys were not tested: " + settings.error().message);
        return 0;
    }
    ApiSession session(*settings, context.err, context.cancellation);
    std::unique_ptr<PageSource> source = session.page_sources()();
    Expected<BackupPage> page = source->fetch(ClusterRef{kKeyTestClusterId, {}}, 0, 1);
    if (!page && page.error().kind == ErrorKind::Api && page.error().ret_code == 171) {
        return fail(context, page.error());
    }
    if (!page && page.error().kind != ErrorKind::Api) {
        print_warning(context.err, fmt::format("the keys were not tested: {} ({})",
                                               page.error().message, settings->endpoint.url()));
        return 0;
    }
    if (!global.quiet) {
        context.err << fmt::format("tidb-backups: the API at {} accepted the keys\n",
                                   sanitize_for_terminal(settings->endpoint.url()))
                    << std::flush;
    }
    return 0;
}

// The command to try once a profile is saved.
std::string next_command(const std::string& profile) {
    return fmt::format(
        "Next: tidb-backups list {}--id CLUSTER_ID\n",
        profile == "default" ? std::string() : "--profile " + sanitize_for_terminal(profile) + " ");
}

constexpr const char* kConfigureFooter =
    R"(Without a terminal on stdin (or with --no-input) nothing is asked: values come from
the flags, and the private key from the first line of stdin with --private-key-stdin. Values not
given keep what the profile has; a new profile needs a region, a public key and a private key.
An empty --endpoint or --project-id removes it from the profile. At a terminal, everything not
given as a flag is asked for, the private key without echo.

Examples:
  tidb-backups configure                                   # asks, at a terminal
  tidb-backups configure list                              # each setting and its source
  tidb-backups configure --profile prod --region cn-bj2
  pass show sigcalcloud | tidb-backups configure --profile ci --region cn-zj \
      --public-key PUBLIC_KEY --private-key-stdin)";

}  // namespace

void apply_profile_changes(ConfigProfile& profile, const ProfileChanges& changes) {
    auto set = [&profile](const char* key, const std::optional<std::string>& value) {
        if (!value) {
            return;
        }
        if (value->empty()) {
            profile.values.erase(std::string(key));
        } else {
            profile.values[key] = *value;
        }
    };
    set("region", changes.region);
    set("public_key", changes.public_key);
    set("endpoint", changes.endpoint);
    set("project_id", changes.project_id);
    if (changes.private_key) {
        profile.values["private_key"] = std::string(changes.private_key->reveal());
    }
}

std::vector<std::string> missing_settings(const ConfigProfile* existing,
                                          const ProfileChanges& changes) {
    std::vector<std::string> missing;
    if (existing != nullptr) {
        return missing;
    }
    if (!changes.region || changes.region->empty()) {
        missing.emplace_back("region");
    }
    if (!changes.public_key || changes.public_key->empty()) {
        missing.emplace_back("public key");
    }
    if (!changes.private_key || changes.private_key->empty()) {
        missing.emplace_back("private key");
    }
    return missing;
}

CLI::App* add_configure_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand(
        "configure",
        "Create or update a profile of the config file (mode 0600): asks at a terminal, or takes "
        "--region, --public-key, --endpoint, --project-id and --private-key-stdin");
    command->footer(kConfigureFooter);
    command->callback([&line] { line.command = execute_configure; });
    add_flag(*command, FlagId::PublicKey, line.configure.public_key);
    add_flag(*command, FlagId::PrivateKeyStdin, line.configure.private_key_stdin);
    add_flag(*command, FlagId::NoInput, line.configure.no_input);
    add_flag(*command, FlagId::NoVerify, line.configure.no_verify);
    add_flag(*command, FlagId::ConfigureAction, line.configure.action)
        ->check(CLI::IsMember(flag(FlagId::ConfigureAction).choices));
    return command;
}

int run_configure(const ConfigureOptions& options, const GlobalOptions& global,
                  CommandContext& context, const SecretLineReader& read_secret_line) {
    // Usage errors first, as for every command; then the file; and only then a question.
    Expected<Target> target = locate(global, context.getenv);
    if (!target) {
        return fail(context, target.error());
    }
    Expected<ProfileChanges> changes = changes_from_flags(options, global);
    if (!changes) {
        return fail(context, changes.error());
    }
    if (Status writable = check_config_target(target->path); !writable) {
        return fail(context, writable.error());
    }
    Expected<std::optional<ConfigFile>> loaded = load_config_file(target->path);
    if (!loaded) {
        return fail(context, loaded.error());
    }
    WipedConfig config{loaded->has_value() ? std::move(**loaded) : ConfigFile{}};
    const ConfigProfile* existing = config.file.find_profile(target->profile);

    bool asking = context.in_is_terminal && !options.no_input;
    if (asking) {
        context.err << fmt::format(
                           "Configuring profile '{}' in {}; Enter keeps the value in brackets.\n",
                           target->profile, sanitize_for_terminal(target->path))
                    << std::flush;
        if (Status asked = ask_for_the_rest(context, existing, *changes, read_secret_line);
            !asked) {
            return fail(context, asked.error());
        }
    } else {
        if (options.private_key_stdin) {
            Expected<Secret> key = private_key_from_stdin(context, read_secret_line);
            if (!key) {
                return fail(context, key.error());
            }
            changes->private_key = std::move(*key);
        }
        if (auto missing = missing_settings(existing, *changes); !missing.empty()) {
            return fail(context, missing_error(missing, target->profile, options.no_input));
        }
    }

    if (changes->endpoint && !changes->endpoint->empty() && !global.quiet) {
        Expected<Endpoint> endpoint = parse_endpoint(*changes->endpoint);
        if (endpoint && !endpoint->is_https() && !is_loopback_host(endpoint->host)) {
            print_warning(context.err,
                          fmt::format("plain http to '{}': commands will refuse this endpoint "
                                      "without --insecure",
                                      endpoint->host));
        }
    }

    // Nothing to change, as the file read first says: nothing to write, and no lock to take.
    bool unchanged = false;
    if (existing != nullptr) {
        ConfigProfile preview = *existing;  // wipes itself
        apply_profile_changes(preview, *changes);
        unchanged = preview.values == existing->values;
    }
    std::string shown_path = sanitize_for_terminal(target->path);
    if (unchanged) {
        if (!global.quiet) {
            context.err << fmt::format("tidb-backups: profile '{}' in {} is unchanged\n",
                                       target->profile, shown_path)
                        << std::flush;
        }
        return 0;
    }
    if (Status saved = save_profile_changes(*target, *changes, existing != nullptr); !saved) {
        return fail(context, saved.error());
    }
    if (!global.quiet) {
        context.err << fmt::format("tidb-backups: saved profile '{}' to {}\n", target->profile,
                                   shown_path)
                    << std::flush;
    }
    if (asking && !options.no_verify) {
        if (int tested = test_keys(global, target->profile, target->path, context); tested != 0) {
            return tested;
        }
    }
    if (asking && !global.quiet) {  // a script knows what it runs next
        context.err << next_command(target->profile) << std::flush;
    }
    return 0;
}

int run_configure_list(const GlobalOptions& global, CommandContext& context) {
    Expected<std::vector<SettingSource>> settings = describe_settings(global, context.getenv);
    if (!settings) {
        return fail(context, settings.error());
    }
    std::size_t widths[2] = {7, 5};  // "SETTING", "VALUE"
    for (const auto& setting : *settings) {
        widths[0] = std::max(widths[0], setting.name.size());
        widths[1] = std::max(widths[1], display_width(sanitize_for_terminal(
                                            setting.value.empty() ? "<not set>" : setting.value)));
    }
    std::string text =
        fmt::format("{:<{}}  {:<{}}  {}\n", "SETTING", widths[0], "VALUE", widths[1], "SOURCE");
    for (const auto& setting : *settings) {
        std::string value =
            sanitize_for_terminal(setting.value.empty() ? "<not set>" : setting.value);
        text += fmt::format("{:<{}}  {}{}  {}\n", setting.name, widths[0], value,
                            std::string(widths[1] - display_width(value), ' '),
                            setting.source.empty() ? "-" : sanitize_for_terminal(setting.source));
    }
    context.out << text;
    return flushed(context.out) ? 0 : exit_code(ErrorKind::Output);
}

int execute_configure(const CommandLine& line, CommandContext& context) {
    if (line.configure.action == "list") {
        return run_configure_list(line.global, context);
    }
    return run_configure(line.configure, line.global, context, read_line_without_echo);
}

}  // namespace tidb_backups
