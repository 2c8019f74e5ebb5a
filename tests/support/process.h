// SPDX-License-Identifier: Apache-2.0
// Runs the real binaries as subprocesses for end-to-end tests: one-shot commands (the CLI), a
// child the test signals while it runs, and a long-running emulator on a free loopback port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace tidb_backups::testing {

using Environment = std::map<std::string, std::string>;

struct ProcessResult {
    int exit_code = -1;  // -1 when the process was killed by a signal
    int signal = 0;      // the signal that killed it, 0 if it exited
    bool timed_out = false;
    long peak_rss_kb = 0;  // the child's peak resident set (getrusage's ru_maxrss), once reaped
    std::string out;
    std::string err;

    // One paragraph for a failed assertion: status, then stdout and stderr (each cut to a few KB).
    std::string describe() const;
};

struct ProcessSpec {
    std::vector<std::string> argv;  // argv[0] without a '/' is looked up in env's PATH
    Environment env;                // the child's complete environment: nothing is inherited
    std::string stdin_data;
    bool close_stdin = true;  // false: stdin stays open (after stdin_data) until the child exits
    std::chrono::milliseconds timeout{60000};
    // A pseudo-terminal instead of a pipe, so that isatty() is true in the child. It is in raw
    // mode (no "\n" to "\r\n"), so the bytes collected are exactly those written; each stream
    // gets a terminal of its own, and none becomes the child's controlling terminal.
    bool stdout_terminal = false;
    bool stderr_terminal = false;
};

// A child started at once and collected by a thread of its own: stdin is fed and stdout and
// stderr are drained while the test does something else (signals it, polls the emulator), so
// the child never blocks on a full pipe.
class ChildProcess {
  public:
    // Throws std::system_error if the program cannot be started.
    explicit ChildProcess(const ProcessSpec& spec);
    // Kills the child and its process group with SIGKILL unless wait() has collected it, and
    // reaps it: no zombie, no descriptor and no thread outlives the object.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const;

    // Sends `sig` to the child itself (not its group); nothing once it has been reaped, so a
    // reused pid is never hit.
    void send_signal(int sig);

    // What it has written so far: a test can wait for a line before acting.
    std::string out_so_far() const;
    std::string err_so_far() const;

    // Waits until the child has exited and closed its output, up to spec.timeout after the
    // start; then kills it and its process group with SIGKILL and sets timed_out. Later calls
    // return the same result. Throws std::system_error if collecting failed.
    ProcessResult wait();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Runs the process to completion, feeding stdin and collecting stdout and stderr together, so
// large outputs cannot deadlock. At the timeout the process and its process group are killed
// with SIGKILL and timed_out is set. Throws std::system_error if the program cannot be started.
ProcessResult run_process(const ProcessSpec& spec);

// run_process with stdout and/or stderr on a pseudo-terminal (see ProcessSpec).
ProcessResult run_in_pty(ProcessSpec spec, bool stdout_terminal, bool stderr_terminal);

// A minimal environment for running the CLI hermetically under `home`: PATH=/usr/bin:/bin,
// HOME, XDG_CONFIG_HOME=<home>/config (not created), LANG=C.UTF-8, TZ=UTC, and the sanitizer
// options of this process (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS) if set.
Environment base_env(const TempDir& home);

// Runs TIDB_BACKUPS_BIN with `args` (after argv[0]) in exactly `env`.
ProcessResult run_cli(const std::vector<std::string>& args, Environment env,
                      std::string stdin_data = {});

// TIDB_BACKUPS_EMULATOR_BIN serving on 127.0.0.1 for the lifetime of the object. Its stdout and
// stderr go to files of its own, so it never blocks on a full pipe however much it logs.
class EmulatorProcess {
  public:
    // Starts the emulator with `--port 0` followed by `extra_args` (which must not set --port),
    // and waits (up to 10 s) for the port it prints as its first stdout line. url() follows
    // `--host` and `--cert` (HTTPS) among extra_args.
    // The environment is base-like (PATH, LANG, TZ, sanitizer options) plus `extra_env`.
    // Throws std::runtime_error, with the emulator's stderr, if it exits or stays silent.
    // `binary` is for this class's own tests, which start a fake.
    explicit EmulatorProcess(std::vector<std::string> extra_args = {}, Environment extra_env = {},
                             std::string binary = TIDB_BACKUPS_EMULATOR_BIN);
    // Stops the emulator as stop() does.
    ~EmulatorProcess();
    EmulatorProcess(const EmulatorProcess&) = delete;
    EmulatorProcess& operator=(const EmulatorProcess&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    bool tls() const { return tls_; }
    // "http://127.0.0.1:PORT"; https when serving TLS, the --host given if any.
    std::string url() const;

    // GET /_emulator/stats (TLS without verification), parsed. Throws std::runtime_error.
    nlohmann::json stats() const;

    std::string stdout_text() const;
    // What the emulator has logged so far.
    std::string stderr_text() const;

    // False once the emulator has exited (it is then reaped; stop() reports how it ended).
    bool running();

    // SIGTERM to its process group, up to 5 s for a clean exit, then SIGKILL (timed_out is set
    // then). Returns how it ended with everything it printed; calling it again returns the same.
    ProcessResult stop();

  private:
    int wait_for_port();
    void terminate() noexcept;

    TempDir logs_;
    pid_t pid_ = -1;
    std::optional<int> wait_status_;
    bool killed_ = false;
    int port_ = 0;
    std::string host_;
    bool tls_ = false;
};

}  // namespace tidb_backups::testing
