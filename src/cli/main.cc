// SPDX-License-Identifier: Apache-2.0
// tidb-backups: parse the command line, resolve settings, run the command, map errors to
// exit codes. Everything else lives in the libraries.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <thread>
#include <variant>

#include "cli/app.h"
#include "cli/output_stream.h"
#include "cli/report.h"
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

// A standard descriptor the parent closed (`>&-`) would be taken by the next file or socket
// opened, and what is meant for stdout would be written there. Each is held by /dev/null opened
// read-only: a write to it fails (EBADF), so a closed stdout is exit 7, not data sent elsewhere.
void hold_closed_standard_descriptors() {
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
            continue;
        }
        int held = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (held >= 0 && held != fd) {
            dup2(held, fd);
            close(held);
        }
    }
}

// SIGPIPE kills a process writing to a pipe or socket whose reader is gone: a server resetting a
// connection would end the run with status 141 and no message. It is ignored for the whole run,
// so such a write fails with EPIPE and is handled. Returns whether the parent had left it at its
// default, which decides how a closed stdout pipe ends (finish_output).
bool ignore_sigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction inherited {};
    if (sigaction(SIGPIPE, &ignore, &inherited) != 0) {
        return true;
    }
    return inherited.sa_handler != SIG_IGN;  // exec resets handlers: SIG_DFL or SIG_IGN
}

// Everything written goes out and stdout is closed, each checked: exit 0 promises the data was
// written. A failure is exit 7 with the reason, whatever the command returned, except a pipe
// closed by its reader while the parent left SIGPIPE at its default: that ends the process by
// SIGPIPE, quietly and with status 141, as it always has (`tidb-backups list ... | head -1`).
int finish_output(tidb_backups::DescriptorBuffer& out, int code, bool sigpipe_was_default) {
    using namespace tidb_backups;
    const int error = out.close();
    if (error == 0) {
        return code;
    }
    if (error == EPIPE && sigpipe_was_default) {
        // Dying of SIGPIPE is what the parent expects; should any of this fail, 141 says the same.
        (void)signal(SIGPIPE, SIG_DFL);
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_UNBLOCK, &pipe, nullptr);
        (void)raise(SIGPIPE);
        return 128 + SIGPIPE;  // not reached
    }
    print_error(std::cerr,
                make_error(ErrorKind::Output,
                           std::string("could not write the output: ") + std::strerror(error)));
    return exit_code(ErrorKind::Output);
}

int run(int argc, char** argv, std::ostream& out, tidb_backups::Cancellation& cancellation) {
    using namespace tidb_backups;
    auto parsed = parse_command_line(argc, argv, isatty(STDOUT_FILENO) == 1);
    if (auto* early = std::get_if<EarlyExit>(&parsed)) {
        out << early->out << std::flush;
        std::cerr << early->err << std::flush;
        return early->code;
    }
    const auto& line = std::get<CommandLine>(parsed);

    CommandContext context{std::cin, out, std::cerr, process_environment()};
    context.in_is_terminal = isatty(STDIN_FILENO) == 1;
    context.cancellation = &cancellation;
    context.watch_interrupts = [&cancellation] { handle_interrupts(cancellation); };
    int code = line.command(line, context);
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
    hold_closed_standard_descriptors();  // before anything opens a file or socket
    const bool sigpipe_was_default = ignore_sigpipe();
    // Outlives the signal thread, which is never joined.
    static tidb_backups::Cancellation cancellation;
    // All of stdout goes through it (std::cout is not used), so no failed write goes unseen.
    tidb_backups::DescriptorBuffer stdout_buffer(STDOUT_FILENO);
    std::ostream out(&stdout_buffer);
    int code = 70;
    try {
        code = run(argc, argv, out, cancellation);
    } catch (const std::exception& error) {
        std::cerr << "tidb-backups: error: internal error: " << error.what() << "\n"
                  << "hint: this is a bug; please report it with the command you ran\n";
    } catch (...) {
        std::cerr << "tidb-backups: error: internal error\n";
    }
    return finish_output(stdout_buffer, code, sigpipe_was_default);
}
