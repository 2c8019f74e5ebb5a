// tidb-backups: parse the command line, resolve settings, run the command, map errors to
// exit codes. Everything else lives in the libraries.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <iostream>
#include <iterator>
#include <thread>
#include <variant>

#include "cli/app.h"
#include "cli/report.h"
#include "cli/run_list.h"

namespace {

// The signal that interrupted the run: the exit code is 128 + it, as shells report it.
std::atomic<int> interrupting_signal{0};

std::string read_stdin() {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// Ctrl-C (and SIGTERM, SIGHUP) are taken by one thread with sigwait, so no request thread is
// interrupted mid-write: the first cancels the listing, a second one exits at once.
void handle_interrupts(tidb_backups::Cancellation& cancellation) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started later
    std::thread([signals, &cancellation] {
        for (int received = 0;;) {
            int signal = 0;
            if (sigwait(&signals, &signal) != 0) {
                return;
            }
            if (++received > 1) {
                _exit(128 + signal);
            }
            interrupting_signal = signal;
            cancellation.cancel();
        }
    }).detach();
}

int run(int argc, char** argv, tidb_backups::Cancellation& cancellation) {
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
    handle_interrupts(cancellation);
    int code = run_list(*settings, *plan, std::cout, std::cerr, &cancellation);
    if (code == exit_code(ErrorKind::Interrupted) && interrupting_signal != 0) {
        code = 128 + interrupting_signal;
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    // Outlives the signal thread, which is never joined.
    static tidb_backups::Cancellation cancellation;
    try {
        return run(argc, argv, cancellation);
    } catch (const std::exception& error) {
        std::cerr << "tidb-backups: error: internal error: " << error.what() << "\n"
                  << "hint: this is a bug; please report it with the command you ran\n";
    } catch (...) {
        std::cerr << "tidb-backups: error: internal error\n";
    }
    return 70;
}
