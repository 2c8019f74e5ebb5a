#include "cli/app.h"

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
4 network, 5 bad response, 6 configuration.)";

constexpr const char* kListFooter = R"(Examples:
  tidb-backups list --region cn-zj --id MlaMfzgZ
  tidb-backups list --region cn-zj --id MlaMfzgZ --limit 7 --offset 7
  tidb-backups list --region cn-zj --id MlaMfzgZ -o csv > backups.csv
  tidb-backups list --region cn-zj --id MlaMfzgZ -o ndjson | jq -c 'select(.State != "Success")'
  tidb-backups list --region cn-zj --id MlaMfzgZ --dry-run)";

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
                   "Seconds each attempt may take, connect and read (default: 30)")
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
    app.add_flag("--insecure", global.insecure,
                 "Do not verify TLS certificates; allow plain http to any host")
        ->group(group);
    app.add_flag("-v,--verbose", global.verbosity,
                 "Log requests to stderr (-vv: and bodies); secrets masked")
        ->group(group);
    app.add_flag("-q,--quiet", global.quiet, "Print only data and errors")->group(group);
}

void add_list_command(CLI::App& app, ListOptions& list) {
    CLI::App* command = app.add_subcommand("list", "List the backups of one or more clusters");
    command->footer(kListFooter);
    command->add_option("--id", list.ids, "Cluster id (repeatable)")
        ->type_name("ID")
        ->allow_extra_args(false);
    command
        ->add_option("--ids-from", list.ids_from,
                     "Read cluster ids from FILE, one per line ('-': stdin)")
        ->type_name("FILE");
    command->add_option("--limit", list.limit, "Most backups to return (default: all)")
        ->type_name("N");
    command->add_option("--offset", list.offset, "Backups to skip first (default: 0)")
        ->type_name("N");
    command->add_option("--page-size", list.page_size, "Backups per request, 1-30 (default: 30)")
        ->type_name("N");
    command
        ->add_option("--concurrency", list.concurrency,
                     "Requests in flight at once, each on its own kept-alive connection "
                     "(default: 8; 1: one after another)")
        ->type_name("N");
    command
        ->add_option("-o,--output", list.output,
                     "Output format: table, json, ndjson, csv, tsv (default: table)")
        ->type_name("FORMAT");
    command->add_option("--fields", list.fields, "Comma-separated fields to show, in order")
        ->type_name("F1,F2");
    command->add_flag("--no-headers", list.no_headers, "Omit the header row (table, csv, tsv)");
    command->add_flag("--utc", list.utc, "Show table times in UTC instead of the local time zone");
    command->add_flag("--dry-run", list.dry_run, "Print the signed request(s) and send nothing");
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
        return EarlyExit{
            2,
            {},
            fmt::format("{}: error: {}\nhint: {}\n", kProgram, one_line(error.what()), hint)};
    }
    line.command = Command::List;
    return line;
}

}  // namespace tidb_backups
