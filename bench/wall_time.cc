// SPDX-License-Identifier: Apache-2.0
// bench-wall-time: runs commands several times, interleaved, and prints each one's median,
// minimum and maximum wall time. Commands are exec'd directly (no shell), so a fast command
// such as `/bin/true` is timed without a shell's start-up on top; hyperfine is not in Debian 12.
//
//   bench-wall-time [--runs N] [--warmup N] -- CMD1 ARGS... [-- CMD2 ARGS...]...
//
// Prints one line per command: "<median ms>\t<min ms>\t<max ms>", in the order given. The
// commands' stdout and stderr go to /dev/null; a run that exits non-zero stops everything with
// exit status 1 and says which command failed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

using Command = std::vector<std::string>;

struct Plan {
    int runs = 11;
    int warmup = 1;
    std::vector<Command> commands;
};

bool parse_count(std::string_view text, int& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value >= 0;
}

bool parse_plan(int argc, char** argv, Plan& plan) {
    int i = 1;
    // Flags before the first "--" come in pairs: the flag, then its value.
    for (; i < argc && std::string_view(argv[i]) != "--"; i += 2) {
        std::string_view flag = argv[i];
        int* target = flag == "--runs" ? &plan.runs : flag == "--warmup" ? &plan.warmup : nullptr;
        if (target == nullptr || i + 1 >= argc || !parse_count(argv[i + 1], *target)) {
            return false;
        }
    }
    for (; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--") {
            plan.commands.emplace_back();
        } else {
            plan.commands.back().emplace_back(argv[i]);
        }
    }
    return plan.runs > 0 && !plan.commands.empty() &&
           std::none_of(plan.commands.begin(), plan.commands.end(),
                        [](const Command& c) { return c.empty(); });
}

std::string describe(const Command& command) {
    std::string text;
    for (const auto& word : command) {
        text += (text.empty() ? "" : " ") + word;
    }
    return text;
}

// Wall time of one run in nanoseconds, or -1 when it could not start or exited non-zero.
long long run_once(const Command& command) {
    std::vector<char*> argv;
    for (const auto& word : command) {
        argv.push_back(const_cast<char*>(word.c_str()));
    }
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);

    auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        (void)std::fprintf(stderr, "bench-wall-time: cannot start %s: %s\n", argv[0],
                           std::strerror(rc));
        return -1;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        (void)std::fprintf(stderr, "bench-wall-time: `%s` %s %d; run it by hand to see why\n",
                           describe(command).c_str(),
                           WIFEXITED(status) ? "exited with" : "was killed by signal",
                           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    return std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
}

double median(std::vector<long long> values) {
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    auto at = [&values](std::size_t i) { return static_cast<double>(values[i]); };
    return n % 2 == 1 ? at(n / 2) : (at(n / 2 - 1) + at(n / 2)) / 2.0;
}

}  // namespace

int main(int argc, char** argv) {
    Plan plan;
    if (!parse_plan(argc, argv, plan)) {
        (void)std::fprintf(
            stderr,
            "usage: bench-wall-time [--runs N] [--warmup N] -- CMD ARGS... [-- CMD ARGS...]\n");
        return 2;
    }
    // Commands take turns, so a burst of noise from other users of the machine hits each alike.
    std::vector<std::vector<long long>> times(plan.commands.size());
    for (int round = 0; round < plan.warmup + plan.runs; ++round) {
        for (std::size_t c = 0; c < plan.commands.size(); ++c) {
            long long ns = run_once(plan.commands[c]);
            if (ns < 0) {
                return 1;
            }
            if (round >= plan.warmup) {
                times[c].push_back(ns);
            }
        }
    }
    for (const auto& t : times) {
        auto [lo, hi] = std::minmax_element(t.begin(), t.end());
        // The times are this program's whole output: a failed write must not look like success.
        if (std::printf("%.3f\t%.3f\t%.3f\n", median(t) / 1e6, static_cast<double>(*lo) / 1e6,
                        static_cast<double>(*hi) / 1e6) < 0) {
            return 1;
        }
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
}
