#include "cli/app.h"

#include "core/endpoint.h"

#include <fmt/format.h>

#include "tidb_backups/version.h"

namespace tidb_backups {

namespace {

constexpr const char* kProgram = "tidb-backups";

constexpr const char* kMainDescription =
    "List the backups of TiDB clusters on SigCalCloud, for people and for scripts.";

constexpr const char* kMainFooter = R"(Examples:
  tidb-backups list --region cn-zj --id MlaMfzgZ
  tidb-backups list --region cn-zj --id MlaMfzgZ -o json | jq '.[0]'
  SIGCALCLOUD_PROFILE=prod tidb-backups list --id MlaMfzgZ --limit 5

Credentials come from SIGCALCLOUD_PUBLIC_KEY / SIGCALCLOUD_PRIVATE_KEY or a profile in
$XDG_CONFIG_HOME/tidb-backups/config.toml. Exit codes: 0 ok, 2 usage, 3 API error,
4 network, 5 bad response, 6 configuration, 7 output could not be written.)";

void add_global_options(CLI::App& app, GlobalOptions& global) {
    const char* group = "Global options";
    app.add_option("--region", global.region,
                   "Region of the cluster, e.g. cn-zj [env: SIGCALCLOUD_REGION]")
        ->type_name("REGION")
        ->group(group);
    app.add_option(
           "--profile", global.profile,
           "Profile of the config file to use (default: default) [env: SIGCALCLOUD_PROFILE]")
        ->type_name("NAME")
        ->group(group);
    app.add_option("--config", global.config_path,
                   "Config file [env: TIDB_BACKUPS_CONFIG; default: "
                   "$XDG_CONFIG_HOME/tidb-backups/config.toml]")
        ->type_name("PATH")
        ->group(group);
    app.add_option(
           "--endpoint", global.endpoint,
           "API endpoint URL (default: https://api.sigcalcloud.com) [env: SIGCALCLOUD_ENDPOINT]")
        ->type_name("URL")
        ->group(group);
    app.add_option("--project-id", global.project_id,
                   "Project id to send with each request [env: SIGCALCLOUD_PROJECT_ID]")
        ->type_name("ID")
        ->group(group);
    app.add_option("--timeout", global.timeout,
                   "Seconds one attempt may take in all: connect, TLS, proxy, answer (default: 30)")
        ->type_name("SECONDS")
        ->group(group);
    app.add_option("--retries", global.retries,
                   "Retries after a failed attempt that may succeed later (default: 3)")
        ->type_name("N")
        ->group(group);
    app.add_option("--ca-bundle", global.ca_bundle,
                   "PEM file of CA certificates to trust instead of the system store")
        ->type_name("PATH")
        ->group(group);
    app.add_option(
           "--proxy", global.proxy,
           "HTTP proxy for API requests, http://[user:password@]host:port (default: "
           "HTTPS_PROXY or HTTP_PROXY by the endpoint's scheme, unless NO_PROXY names the host)")
        ->type_name("URL")
        ->group(group);
    app.add_flag("--insecure", global.insecure,
                 "Do not verify TLS certificates; allow plain http to any host")
        ->group(group);
    app.add_option("--color", global.color,
                   "Colour in the table: auto (on a terminal, unless NO_COLOR is set; "
                   "CLICOLOR_FORCE forces it), always, never (default: auto)")
        ->type_name("WHEN")
        ->group(group);
    app.add_flag("-v,--verbose", global.verbosity,
                 "Log requests to stderr (-vv: and bodies); secrets masked")
        ->group(group);
    app.add_flag("-q,--quiet", global.quiet, "Print only data and errors")->group(group);
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

std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n') {
            c = ' ';
        }
    }
    return text;
}

}  // namespace

std::string version_text() {
    std::string git = kGitDescribe;
    if (git.empty() || git == kVersion) {
        return fmt::format("{} {}", kProgram, kVersion);
    }
    return fmt::format("{} {} (git {})", kProgram, kVersion, git);
}

std::unique_ptr<CLI::App> build_app(CommandLine& target) {
    auto app = std::make_unique<CLI::App>(kMainDescription, kProgram);
    app->set_version_flag("--version", version_text(), "Print the version and exit");
    app->footer(kMainFooter);
    // Global options are accepted after the subcommand too: it passes what it does not know up.
    app->fallthrough();
    app->require_subcommand(1);
    add_global_options(*app, target.global);
    add_list_command(*app, target.list);
    add_check_command(*app, target.check);
    add_configure_command(*app, target.configure);
    add_completion_command(*app, target.completion);
    return app;
}

std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv) {
    CommandLine line;
    std::unique_ptr<CLI::App> app = build_app(line);
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return EarlyExit{0, app->help(), {}};
    } catch (const CLI::CallForAllHelp&) {
        return EarlyExit{0, app->help("", CLI::AppFormatMode::All), {}};
    } catch (const CLI::CallForVersion&) {
        return EarlyExit{0, version_text() + "\n", {}};
    } catch (const CLI::ParseError& error) {
        // CLI11's own exit codes (100+) are not ours: every usage error is exit 2.
        std::string hint = "run 'tidb-backups --help' for usage";
        for (const CLI::App* sub : app->get_subcommands()) {
            hint = fmt::format("run 'tidb-backups {} --help' for usage", sub->get_name());
        }
        return EarlyExit{2,
                         {},
                         fmt::format("{}: error: {}\nhint: {}\n", kProgram,
                                     one_line(without_credentials(error.what())), hint)};
    }
    const std::string name = app->get_subcommands().front()->get_name();
    line.command = name == "check"        ? Command::Check
                   : name == "configure"  ? Command::Configure
                   : name == "completion" ? Command::Completion
                                          : Command::List;
    return line;
}

}  // namespace tidb_backups
