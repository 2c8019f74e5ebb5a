// SPDX-License-Identifier: Apache-2.0
#include "cli/app.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/check_plan.h"
#include "cli/flags.h"
#include "cli/report.h"
#include "cli/usage_errors.h"
#include "cli/version_text.h"
#include "core/endpoint.h"
#include "core/health.h"
#include "render/nagios.h"

namespace tidb_backups {

namespace {

constexpr const char* kProgram = "tidb-backups";

constexpr const char* kMainDescription =
    "List the backups of TiDB clusters on SigCalCloud, for people and for scripts.";

constexpr const char* kMainFooter = R"(Examples:
  tidb-backups list --region cn-zj --id MlaMfzgZ
  tidb-backups list --region cn-zj --id MlaMfzgZ -o json | jq '.[0]'
  SIGCALCLOUD_PROFILE=prod tidb-backups list --id MlaMfzgZ --limit 5
  tidb-backups wait --region cn-zj --id MlaMfzgZ --max-wait 90m && ./deploy.sh

Credentials come from SIGCALCLOUD_PUBLIC_KEY / SIGCALCLOUD_PRIVATE_KEY or a profile in
$XDG_CONFIG_HOME/tidb-backups/config.toml. Exit codes: 0 ok, 2 usage, 3 API error,
4 network, 5 bad response, 6 configuration, 7 output could not be written; check and wait
have their own (see their --help).)";

void add_global_options(CLI::App& app, GlobalOptions& global) {
    add_flag(app, FlagId::Region, global.region);
    add_flag(app, FlagId::Profile, global.profile);
    add_flag(app, FlagId::Config, global.config_path);
    add_flag(app, FlagId::Endpoint, global.endpoint);
    add_flag(app, FlagId::ProjectId, global.project_id);
    add_flag(app, FlagId::Timeout, global.timeout);
    add_flag(app, FlagId::Retries, global.retries);
    add_flag(app, FlagId::CaBundle, global.ca_bundle);
    add_flag(app, FlagId::Proxy, global.proxy);
    add_flag(app, FlagId::Insecure, global.insecure);
    add_flag(app, FlagId::Color, global.color);
    add_flag(app, FlagId::Verbose, global.verbosity);
    add_flag(app, FlagId::Quiet, global.quiet);
}

// The "Global options:" section of `command`'s --help: the program's flags that it uses (gh's
// INHERITED FLAGS), formatted as the program's --help shows them.
std::string global_options_help(const CLI::App& app, const std::string& command) {
    std::vector<const CLI::Option*> used = app.get_options([&command](const CLI::Option* option) {
        if (option->get_group() != kGlobalOptionsGroup) {
            return false;
        }
        const Flag* record = find_flag("", option->get_name());
        return record != nullptr && std::find(record->commands.begin(), record->commands.end(),
                                              command) != record->commands.end();
    });
    if (used.empty()) {
        return {};
    }
    std::string section = CLI::Formatter().make_group(kGlobalOptionsGroup, false, used);
    return section.substr(section.find_first_not_of('\n'));  // the blank line is the caller's
}

// Every word of `text` that is a URL with a user or password, shown without them: CLI11
// repeats unexpected arguments word for word.
std::string without_credentials(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        std::size_t end = text.find_first_of(" \t\n");
        std::string_view word = text.substr(0, end);
        bool url =
            word.find("://") != std::string_view::npos && word.find('@') != std::string_view::npos;
        out += url ? redact_url_credentials(word) : std::string(word);
        if (end == std::string_view::npos) {
            break;
        }
        out += text[end];
        text.remove_prefix(end + 1);
    }
    return out;
}

// The page of a bare `tidb-backups` at a terminal: the commands and where to start.
std::string short_help(const CLI::App& app) {
    std::string text = fmt::format("{}: {}\n\nCommands:\n", kProgram, kMainDescription);
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App* sub) {
             return !sub->get_group().empty() && !sub->get_disabled();
         })) {
        text += fmt::format("  {:<12}{}\n", sub->get_name(), one_line(sub->get_description()));
    }
    text += fmt::format("  {:<12}{}\n", "help", "Print the help of the program, or of a command");
    text += R"(
Start with:
  tidb-backups configure                 save your keys and region
  tidb-backups list --id CLUSTER_ID      list a cluster's backups

Run 'tidb-backups help COMMAND' for a command's flags, 'tidb-backups --help' for everything.
)";
    return text;
}

// A usage error as main prints it: one error line and a hint, exit 2. CLI11 repeats the
// words it did not expect, so a URL among them is shown without its user and password.
EarlyExit usage_exit(const Error& error) {
    std::string text =
        fmt::format("{}: error: {}\n", kProgram, one_line(without_credentials(error.message)));
    if (!error.hint.empty()) {
        text += fmt::format("hint: {}\n", one_line(without_credentials(error.hint)));
    }
    return EarlyExit{2, {}, text};
}

// The same for `check -o nagios`: the plugin's UNKNOWN line on stdout and exit 3, which Nagios
// does not read as CRITICAL.
EarlyExit nagios_usage_exit(const Error& error) {
    EarlyExit exit = usage_exit(error);
    exit.code = static_cast<int>(HealthStatus::Unknown);
    exit.out = nagios_unknown(without_credentials(error.message));
    return exit;
}

}  // namespace

std::unique_ptr<CLI::App> build_app(CommandLine& target) {
    auto app = std::make_unique<CLI::App>(kMainDescription, kProgram);
    const Flag& help = flag(FlagId::Help);
    app->set_help_flag(std::string(help.names), help_text(help));
    const Flag& version = flag(FlagId::Version);
    app->set_version_flag(std::string(version.names), version_text(kProgram), help_text(version));
    app->footer(kMainFooter);
    // Global options are accepted after the subcommand too: it passes what it does not know up.
    app->fallthrough();
    app->require_subcommand(1);
    add_global_options(*app, target.global);
    add_list_command(*app, target);
    add_check_command(*app, target);
    add_wait_command(*app, target);
    add_configure_command(*app, target);
    add_completion_command(*app, target);
    for (CLI::App* command : app->get_subcommands([](const CLI::App*) { return true; })) {
        if (!global_options_help(*app, command->get_name()).empty()) {
            command->footer([&parent = *app, name = command->get_name()] {
                return global_options_help(parent, name);
            });
        }
    }
    return app;
}

std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv,
                                                        bool stdout_is_terminal) {
    CommandLine line;
    std::unique_ptr<CLI::App> app = build_app(line);
    const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (args.empty() && stdout_is_terminal) {
        return EarlyExit{0, short_help(*app), {}};
    }
    if (!args.empty() && args.front() == "help") {
        if (args.size() == 1) {
            return EarlyExit{0, app->help(), {}};
        }
        for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
            if (args.size() == 2 && sub->get_name() == args[1] && !sub->get_group().empty()) {
                return EarlyExit{0, sub->help(kProgram), {}};
            }
        }
        Error error = args.size() == 2 && args[1].rfind('-', 0) != 0
                          ? diagnose_arguments(*app, {args[1]}).value_or(usage(""))
                          : usage("help takes one command", "run 'tidb-backups help COMMAND'");
        return usage_exit(error);
    }
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return EarlyExit{0, app->help(), {}};
    } catch (const CLI::CallForAllHelp&) {
        return EarlyExit{0, app->help("", CLI::AppFormatMode::All), {}};
    } catch (const CLI::CallForVersion&) {
        return EarlyExit{0, version_text(kProgram) + "\n", {}};
    } catch (const CLI::ParseError& error) {
        // CLI11's own exit codes (100+) are not ours: every usage error is exit 2. Its messages
        // are not ours either: the arguments are walked again to name the wrong word.
        std::optional<Error> found = diagnose_arguments(*app, args);
        if (!found) {
            std::string hint = "run 'tidb-backups --help' for usage";
            for (const CLI::App* sub : app->get_subcommands()) {
                hint = fmt::format("run 'tidb-backups {} --help' for usage", sub->get_name());
            }
            found = usage(reword_cli11_message(error.what()), hint);
        }
        return asks_for_nagios(args) ? nagios_usage_exit(*found) : usage_exit(*found);
    }
    return line;
}

}  // namespace tidb_backups
