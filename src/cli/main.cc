// tidb-backups: parse the command line, resolve settings, run the command, map errors to
// exit codes. Everything else lives in the libraries.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <iostream>
#include <thread>
#include <variant>

#include "cli/app.h"
#include "core/secret.h"

namespace {

// The signal that interrupted the run: the exit code is 128 + it, as shells report it.
std::atomic<int> interrupting_signal{0};

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
    const auto& line = std::get<CommandLine>(parsed);

    CommandContext context{std::cin, std::cout, std::cerr, process_environment()};
    context.in_is_terminal = isatty(STDIN_FILENO) == 1;
    context.cancellation = &cancellation;
    context.watch_interrupts = [&cancellation] { handle_interrupts(cancellation); };
    int code = 0;
    switch (line.command) {
        case Command::List:
            code = execute_list(line.list, line.global, context);
            break;
        case Command::Check:
            code = execute_check(line.check, line.global, context);
            break;
        case Command::Configure:
            code = execute_configure(line.configure, line.global, context);
            break;
        case Command::Completion:
            code = execute_completion(line.completion, line.global, context);
            break;
    }
    if (code == exit_code(ErrorKind::Interrupted) && interrupting_signal != 0) {
        code = 128 + interrupting_signal;
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    // Before any flag, file or variable holding the private key is read.
    tidb_backups::keep_secrets_out_of_core_dumps();
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
