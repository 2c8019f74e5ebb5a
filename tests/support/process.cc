// SPDX-License-Identifier: Apache-2.0
#include "support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <httplib.h>

namespace tidb_backups::testing {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::system_error errno_error(const std::string& what) {
    return std::system_error(errno, std::generic_category(), what);
}

// Owns one file descriptor.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

  private:
    int fd_ = -1;
};

// Every descriptor we hand to a child is moved to 3 or above: if one were 0, 1 or 2 already
// (this process started with a standard stream closed), dup2 onto itself would keep its
// close-on-exec flag and the child would lose the stream.
Fd above_std_streams(Fd fd) {
    if (fd.get() > 2) {
        return fd;
    }
    Fd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
    if (!moved) {
        throw errno_error("cannot move a descriptor above the standard streams");
    }
    return moved;
}

Fd open_for_child(const std::string& path, int flags) {
    Fd fd(::open(path.c_str(), flags | O_CLOEXEC, 0600));
    if (!fd) {
        throw errno_error(fmt::format("cannot open {}", path));
    }
    return above_std_streams(std::move(fd));
}

struct Pipe {
    Fd read;
    Fd write;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw errno_error("cannot create a pipe for a child process");
    }
    Fd read(fds[0]);
    Fd write(fds[1]);
    return Pipe{above_std_streams(std::move(read)), above_std_streams(std::move(write))};
}

// One output stream of a child: the end it writes to, and the end this process reads.
struct Channel {
    Fd parent;
    Fd child;
};

// A pseudo-terminal pair in raw mode, so the child's isatty() is true and its bytes arrive
// unchanged. posix_openpt rather than openpty: it needs no libutil.
Channel make_terminal() {
    Fd master(::posix_openpt(O_RDWR | O_NOCTTY));
    if (!master) {
        throw errno_error("cannot open a pseudo-terminal");
    }
    if (::fcntl(master.get(), F_SETFD, FD_CLOEXEC) != 0 || ::grantpt(master.get()) != 0 ||
        ::unlockpt(master.get()) != 0) {
        throw errno_error("cannot set up a pseudo-terminal");
    }
    char name[128];
    if (int rc = ::ptsname_r(master.get(), name, sizeof name); rc != 0) {
        throw std::system_error(rc, std::generic_category(), "ptsname_r");
    }
    Fd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) {
        throw errno_error(fmt::format("cannot open {}", name));
    }
    termios mode{};
    if (::tcgetattr(slave.get(), &mode) != 0) {
        throw errno_error(fmt::format("tcgetattr on {}", name));
    }
    ::cfmakeraw(&mode);
    if (::tcsetattr(slave.get(), TCSANOW, &mode) != 0) {
        throw errno_error(fmt::format("tcsetattr on {}", name));
    }
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 80;
    if (::ioctl(slave.get(), TIOCSWINSZ, &size) != 0) {
        throw errno_error(fmt::format("cannot set the size of {}", name));
    }
    return Channel{above_std_streams(std::move(master)), above_std_streams(std::move(slave))};
}

Channel make_channel(bool terminal) {
    if (terminal) {
        return make_terminal();
    }
    Pipe pipe = make_pipe();
    return Channel{std::move(pipe.read), std::move(pipe.write)};
}

void set_nonblocking(const Fd& fd) {
    int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
        throw errno_error("cannot make a pipe non-blocking");
    }
}

void copy_sanitizer_options(Environment& env) {
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        if (const char* value = std::getenv(name)) {
            env[name] = value;
        }
    }
}

std::string resolve_program(const std::string& name, const Environment& env) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    auto it = env.find("PATH");
    std::string path = it != env.end() ? it->second : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = std::min(path.find(':', start), path.size());
        std::string dir = path.substr(start, end - start);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    throw std::system_error(ENOENT, std::generic_category(),
                            fmt::format("cannot find {} in PATH={}", name, path));
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& s : strings) {
        pointers.push_back(const_cast<char*>(s.c_str()));
    }
    pointers.push_back(nullptr);
    return pointers;
}

// Starts argv with exactly env, the given descriptors as its standard streams and nothing else
// open, default signal handling, and its own process group (so a timeout can kill whatever it
// started too).
pid_t spawn(const std::vector<std::string>& argv, const Environment& env, int in, int out,
            int err) {
    if (argv.empty() || argv[0].empty()) {
        throw std::invalid_argument("cannot start a process without argv[0]");
    }
    std::string program = resolve_program(argv[0], env);
    std::vector<std::string> env_entries;
    for (const auto& [name, value] : env) {
        env_entries.push_back(name + "=" + value);
    }
    std::vector<char*> c_argv = c_strings(argv);
    std::vector<char*> c_env = c_strings(env_entries);

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), "posix_spawn_file_actions_init");
    }
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        throw std::system_error(rc, std::generic_category(), "posix_spawnattr_init");
    }
    auto first_error = [&rc](int result) {
        if (rc == 0) {
            rc = result;
        }
    };
    first_error(posix_spawn_file_actions_adddup2(&actions, in, 0));
    first_error(posix_spawn_file_actions_adddup2(&actions, out, 1));
    first_error(posix_spawn_file_actions_adddup2(&actions, err, 2));
    first_error(posix_spawn_file_actions_addclosefrom_np(&actions, 3));
    sigset_t no_signals;
    sigset_t all_signals;
    sigemptyset(&no_signals);
    sigfillset(&all_signals);
    first_error(posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    first_error(posix_spawnattr_setpgroup(&attr, 0));
    first_error(posix_spawnattr_setsigmask(&attr, &no_signals));
    first_error(posix_spawnattr_setsigdefault(&attr, &all_signals));
    pid_t pid = -1;
    if (rc == 0) {
        rc = posix_spawn(&pid, program.c_str(), &actions, &attr, c_argv.data(), c_env.data());
    }
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(),
                                fmt::format("cannot start {}", program));
    }
    return pid;
}

// The peak resident set of each child reaped, until its result takes it.
std::mutex peak_rss_mutex;
std::map<pid_t, long> peak_rss_kb;

void note_peak_rss(pid_t pid, const rusage& usage) {
    std::lock_guard lock(peak_rss_mutex);
    peak_rss_kb[pid] = usage.ru_maxrss;
}

long take_peak_rss(pid_t pid) {
    std::lock_guard lock(peak_rss_mutex);
    auto it = peak_rss_kb.find(pid);
    if (it == peak_rss_kb.end()) {
        return 0;
    }
    long kb = it->second;
    peak_rss_kb.erase(it);
    return kb;
}

// The exit status if the child has exited (it is then reaped), nothing if it still runs.
std::optional<int> try_reap(pid_t pid) {
    for (;;) {
        int status = 0;
        rusage usage{};
        pid_t r = ::wait4(pid, &status, WNOHANG, &usage);
        if (r == pid) {
            note_peak_rss(pid, usage);
            return status;
        }
        if (r == 0) {
            return std::nullopt;
        }
        if (errno != EINTR) {
            throw errno_error(fmt::format("waitpid({}) (is SIGCHLD ignored?)", pid));
        }
    }
}

std::optional<int> reap_until(pid_t pid, Clock::time_point deadline) {
    auto pause = 1ms;
    for (;;) {
        if (auto status = try_reap(pid)) {
            return status;
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
}

int kill_and_reap(pid_t pid) noexcept {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    note_peak_rss(pid, usage);
    return status;
}

void set_status(ProcessResult& result, int status) {
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
        result.signal = 0;
    } else {
        result.exit_code = -1;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
}

// A write to a pipe whose reader has gone raises SIGPIPE, which would kill the test binary: it
// is blocked for this thread around the write, and the one the write raised is swallowed.
ssize_t write_without_sigpipe(int fd, std::string_view data) {
    sigset_t pipe_only;
    sigset_t old_mask;
    sigset_t pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    ssize_t n = ::write(fd, data.data(), data.size());
    int saved = errno;
    if (n < 0 && saved == EPIPE && !was_pending) {
        timespec zero{};
        while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    errno = saved;
    return n;
}

// Reads what is available now; closes the descriptor at end of file or on an error (a
// pseudo-terminal's master reports EIO once the child side is closed).
void read_available(Fd& fd, std::string& into) {
    char buffer[65536];
    while (fd) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            return;
        } else {
            fd.reset();
        }
    }
}

std::string clip(const std::string& text) {
    constexpr size_t kEdge = 2048;
    if (text.size() <= 2 * kEdge) {
        return text;
    }
    return fmt::format("{}\n[... {} bytes left out ...]\n{}", text.substr(0, kEdge),
                       text.size() - 2 * kEdge, text.substr(text.size() - kEdge));
}

// The value of `--name value` or `--name=value` among args, the last one winning as in CLI11.
std::optional<std::string> option_value(const std::vector<std::string>& args,
                                        const std::string& name) {
    std::optional<std::string> value;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == name && i + 1 < args.size()) {
            value = args[++i];
        } else if (args[i].starts_with(name + "=")) {
            value = args[i].substr(name.size() + 1);
        }
    }
    return value;
}

std::string join(const std::vector<std::string>& words) {
    std::string joined;
    for (const auto& word : words) {
        joined += (joined.empty() ? "" : " ") + word;
    }
    return joined;
}

}  // namespace

std::string ProcessResult::describe() const {
    std::string status;
    if (timed_out) {
        status = "timed out and was killed";
    } else if (signal != 0) {
        const char* name = ::sigabbrev_np(signal);
        status = fmt::format("was killed by signal {} (SIG{})", signal, name ? name : "?");
    } else {
        status = fmt::format("exited with code {}", exit_code);
    }
    return fmt::format("process {}\n--- stdout ({} bytes) ---\n{}\n--- stderr ({} bytes) ---\n{}",
                       status, out.size(), clip(out), err.size(), clip(err));
}

// Everything the collecting thread and the owner share. The thread feeds stdin and reads the
// output until end of file (or the deadline), then reaps the child; `mutex` guards the output
// read so far and `reaped`, so that a signal is never sent to a pid that was reused.
struct ChildProcess::State {
    pid_t pid = -1;
    Clock::time_point deadline;
    std::string stdin_data;
    bool close_stdin = true;
    Fd in;
    Fd out;
    Fd err;
    Fd wake_read;  // readable once the owner gives up on the child
    Fd wake_write;
    std::atomic<bool> abandoned{false};

    mutable std::mutex mutex;
    std::string out_text;
    std::string err_text;
    bool reaped = false;

    // Written by the thread, read by the owner once it has joined the thread.
    std::thread collector;
    ProcessResult result;
    std::exception_ptr failure;

    void collect() noexcept {
        std::optional<int> status;
        try {
            status = pump();
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(mutex);
        if (!status && !reaped) {
            status = kill_and_reap(pid);
            // Whatever the killed processes wrote last; a descendant that escaped the process
            // group may still hold the pipes, so only what is there now.
            read_available(out, out_text);
            read_available(err, err_text);
        }
        reaped = true;
        set_status(result, status.value_or(-1));
        result.peak_rss_kb = take_peak_rss(pid);
        result.out = out_text;
        result.err = err_text;
    }

    // The exit status once the child has exited and closed its output; nothing at the deadline
    // or when abandoned.
    std::optional<int> pump() {
        std::string_view pending_stdin = stdin_data;
        if (pending_stdin.empty() && close_stdin) {
            in.reset();
        }
        while (out || err) {
            auto left = deadline - Clock::now();
            if (left <= 0ms) {
                result.timed_out = true;
                return std::nullopt;
            }
            // poll skips a negative descriptor, which is what a closed Fd holds.
            pollfd fds[4] = {
                {pending_stdin.empty() ? -1 : in.get(), POLLOUT, 0},
                {out.get(), POLLIN, 0},
                {err.get(), POLLIN, 0},
                {wake_read.get(), POLLIN, 0},
            };
            auto wait = std::chrono::ceil<std::chrono::milliseconds>(left);
            if (::poll(fds, 4, static_cast<int>(wait.count())) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                throw errno_error("poll on a child process's pipes");
            }
            if (fds[3].revents != 0) {
                return std::nullopt;
            }
            if (fds[0].revents != 0) {
                ssize_t n = write_without_sigpipe(in.get(), pending_stdin);
                if (n > 0) {
                    pending_stdin.remove_prefix(static_cast<size_t>(n));
                    if (pending_stdin.empty() && close_stdin) {
                        in.reset();
                    }
                } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                    in.reset();  // the child closed its stdin: it wants no more
                    pending_stdin = {};
                }
            }
            if (fds[1].revents != 0) {
                drain(out, out_text);
            }
            if (fds[2].revents != 0) {
                drain(err, err_text);
            }
        }
        auto pause = 1ms;
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (auto status = try_reap(pid)) {
                    reaped = true;
                    return status;
                }
            }
            if (abandoned) {
                return std::nullopt;
            }
            if (Clock::now() >= deadline) {
                result.timed_out = true;
                return std::nullopt;
            }
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(20));
        }
    }

    void drain(Fd& fd, std::string& into) {
        std::string chunk;
        read_available(fd, chunk);
        std::lock_guard lock(mutex);
        into += chunk;
    }
};

ChildProcess::ChildProcess(const ProcessSpec& spec) : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.deadline = Clock::now() + spec.timeout;
    s.stdin_data = spec.stdin_data;
    s.close_stdin = spec.close_stdin;
    Pipe in = make_pipe();
    Channel out = make_channel(spec.stdout_terminal);
    Channel err = make_channel(spec.stderr_terminal);
    Pipe wake = make_pipe();
    s.pid = spawn(spec.argv, spec.env, in.read.get(), out.child.get(), err.child.get());
    // The child holds its ends now; ours must go, or end of file would never come.
    in.read.reset();
    out.child.reset();
    err.child.reset();
    try {
        set_nonblocking(in.write);
        set_nonblocking(out.parent);
        set_nonblocking(err.parent);
        s.in = std::move(in.write);
        s.out = std::move(out.parent);
        s.err = std::move(err.parent);
        s.wake_read = std::move(wake.read);
        s.wake_write = std::move(wake.write);
        s.collector = std::thread([&s] { s.collect(); });
    } catch (...) {
        kill_and_reap(s.pid);  // a child nobody collects must not remain
        throw;
    }
}

ChildProcess::~ChildProcess() {
    State& s = *state_;
    if (!s.collector.joinable()) {
        return;
    }
    s.abandoned = true;
    char byte = 0;
    [[maybe_unused]] ssize_t written = ::write(s.wake_write.get(), &byte, 1);
    s.collector.join();
}

pid_t ChildProcess::pid() const {
    return state_->pid;
}

void ChildProcess::send_signal(int sig) {
    std::lock_guard lock(state_->mutex);
    if (!state_->reaped) {
        ::kill(state_->pid, sig);
    }
}

std::string ChildProcess::out_so_far() const {
    std::lock_guard lock(state_->mutex);
    return state_->out_text;
}

std::string ChildProcess::err_so_far() const {
    std::lock_guard lock(state_->mutex);
    return state_->err_text;
}

ProcessResult ChildProcess::wait() {
    if (state_->collector.joinable()) {
        state_->collector.join();
    }
    if (state_->failure) {
        std::rethrow_exception(state_->failure);
    }
    return state_->result;
}

ProcessResult run_process(const ProcessSpec& spec) {
    return ChildProcess(spec).wait();
}

ProcessResult run_in_pty(ProcessSpec spec, bool stdout_terminal, bool stderr_terminal) {
    spec.stdout_terminal = stdout_terminal;
    spec.stderr_terminal = stderr_terminal;
    return run_process(spec);
}

Environment base_env(const TempDir& home) {
    Environment env = {
        {"PATH", "/usr/bin:/bin"},
        {"HOME", home.path()},
        {"XDG_CONFIG_HOME", home.path() + "/config"},
        {"LANG", "C.UTF-8"},
        {"TZ", "UTC"},
    };
    copy_sanitizer_options(env);
    return env;
}

ProcessResult run_cli(const std::vector<std::string>& args, Environment env,
                      std::string stdin_data) {
    ProcessSpec spec;
    spec.argv.push_back(TIDB_BACKUPS_BIN);
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = std::move(env);
    spec.stdin_data = std::move(stdin_data);
    return run_process(spec);
}

EmulatorProcess::EmulatorProcess(std::vector<std::string> extra_args, Environment extra_env,
                                 std::string binary) {
    tls_ = option_value(extra_args, "--cert").has_value();
    host_ = option_value(extra_args, "--host").value_or("127.0.0.1");
    std::vector<std::string> argv = {std::move(binary), "--port", "0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    Environment env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"TZ", "UTC"}};
    copy_sanitizer_options(env);
    for (auto& [name, value] : extra_env) {
        env[name] = std::move(value);
    }

    {
        const int log_flags = O_WRONLY | O_CREAT | O_TRUNC;
        Fd in = open_for_child("/dev/null", O_RDONLY);
        Fd out = open_for_child(logs_.file("stdout.log"), log_flags);
        Fd err = open_for_child(logs_.file("stderr.log"), log_flags);
        pid_ = spawn(argv, env, in.get(), out.get(), err.get());
    }

    try {
        port_ = wait_for_port();
    } catch (const std::exception& e) {
        terminate();  // whatever went wrong, the emulator must not outlive this constructor
        throw std::runtime_error(fmt::format("the emulator ({}) {}; its stderr:\n{}", join(argv),
                                             e.what(), clip(stderr_text())));
    }
}

int EmulatorProcess::wait_for_port() {
    const auto deadline = Clock::now() + 10s;
    for (;;) {
        std::string out = stdout_text();
        if (size_t newline = out.find('\n'); newline != std::string::npos) {
            std::string line = out.substr(0, newline);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
                line.pop_back();
            }
            char* end = nullptr;
            long port = std::strtol(line.c_str(), &end, 10);
            if (line.empty() || *end != '\0' || port <= 0 || port > 65535) {
                throw std::runtime_error(
                    fmt::format("printed \"{}\" where its port was expected", line));
            }
            return static_cast<int>(port);
        }
        if (!running()) {
            ProcessResult ended;
            set_status(ended, *wait_status_);
            throw std::runtime_error(
                ended.signal != 0
                    ? fmt::format("was killed by signal {} before printing its port", ended.signal)
                    : fmt::format("exited with code {} before printing its port", ended.exit_code));
        }
        if (Clock::now() >= deadline) {
            throw std::runtime_error("did not print its port within 10 s");
        }
        std::this_thread::sleep_for(10ms);
    }
}

EmulatorProcess::~EmulatorProcess() {
    terminate();
}

std::string EmulatorProcess::url() const {
    bool ipv6 = host_.find(':') != std::string::npos;
    return fmt::format("{}://{}{}{}:{}", tls_ ? "https" : "http", ipv6 ? "[" : "", host_,
                       ipv6 ? "]" : "", port_);
}

nlohmann::json EmulatorProcess::stats() const {
    httplib::Client client(url());
    client.set_connection_timeout(5);
    client.set_read_timeout(10);
    client.set_write_timeout(10);
    if (tls_) {
        client.enable_server_certificate_verification(false);
    }
    std::string target = url() + "/_emulator/stats";
    auto response = client.Get("/_emulator/stats");
    if (!response) {
        throw std::runtime_error(
            fmt::format("GET {} failed: {}", target, httplib::to_string(response.error())));
    }
    if (response->status != 200) {
        throw std::runtime_error(fmt::format("GET {} answered HTTP {}: {}", target,
                                             response->status, clip(response->body)));
    }
    try {
        return nlohmann::json::parse(response->body);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(fmt::format("GET {} returned invalid JSON ({}): {}", target,
                                             e.what(), clip(response->body)));
    }
}

std::string EmulatorProcess::stdout_text() const {
    return logs_.read_file("stdout.log");
}

std::string EmulatorProcess::stderr_text() const {
    return logs_.read_file("stderr.log");
}

bool EmulatorProcess::running() {
    if (!wait_status_) {
        wait_status_ = try_reap(pid_);
    }
    return !wait_status_;
}

ProcessResult EmulatorProcess::stop() {
    terminate();
    ProcessResult result;
    set_status(result, *wait_status_);
    result.timed_out = killed_;
    result.out = stdout_text();
    result.err = stderr_text();
    return result;
}

void EmulatorProcess::terminate() noexcept {
    if (pid_ <= 0 || wait_status_) {
        return;
    }
    // The whole process group: anything the emulator started must not outlive it. The group
    // id cannot be reused before the leader is reaped.
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    try {
        wait_status_ = reap_until(pid_, Clock::now() + 5s);
    } catch (const std::system_error&) {
        wait_status_ = 0;  // already reaped elsewhere: nothing left to wait for
        return;
    }
    if (!wait_status_) {
        killed_ = true;
        wait_status_ = kill_and_reap(pid_);
    }
}

}  // namespace tidb_backups::testing
