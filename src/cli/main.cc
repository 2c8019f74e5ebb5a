// tidb-backups: parse the command line, resolve settings, run the command, map errors to
// exit codes. Everything else lives in the libraries.
#include <exception>
#include <iostream>
#include <iterator>
#include <variant>

#include "cli/app.h"
#include "cli/report.h"
#include "cli/run_list.h"

namespace {

std::string read_stdin() {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int run(int argc, char** argv) {
    using namespace tidb_backups;
    auto parsed = parse_command_line(argc, argv);
    if (auto* early = std::get_if<EarlyExit>(&parsed)) {
        std::cout << early->out << std::flush;
        std::cerr << early->err << std::flush;
        return early->code;
    }
    auto& line = std::get<CommandLine>(parsed);

    // List flags are checked before settings: a bad flag is exit 2 whatever the config says.
    Expected<ListPlan> plan = resolve_list_plan(line.list, read_stdin);
    if (!plan) {
        print_error(std::cerr, plan.error());
        return exit_code(plan.error().kind);
    }
    Expected<Settings> settings = resolve_settings(line.global, process_environment());
    if (!settings) {
        print_error(std::cerr, settings.error());
        return exit_code(settings.error().kind);
    }
    if (!settings->quiet) {
        for (const auto& warning : settings->warnings) {
            print_warning(std::cerr, warning);
        }
    }
    if (settings->insecure && settings->endpoint.is_https()) {
        print_warning(std::cerr, "--insecure: TLS certificates are not verified");
    }
    return run_list(*settings, *plan, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "tidb-backups: error: internal error: " << error.what() << "\n"
                  << "hint: this is a bug; please report it with the command you ran\n";
    } catch (...) {
        std::cerr << "tidb-backups: error: internal error\n";
    }
    return 70;
}
