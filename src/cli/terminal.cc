// SPDX-License-Identifier: Apache-2.0
#include "cli/terminal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>

namespace tidb_backups {

namespace {

bool set_and_not(const std::optional<std::string>& value, std::string_view unless) {
    return value && !value->empty() && *value != unless;
}

std::optional<int> positive_number(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    int number = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (ec != std::errc{} || end != text->data() + text->size() || number <= 0) {
        return std::nullopt;
    }
    return number;
}

// Echo off while the private key is typed.

// The terminal as it was, and as it is while the key is typed: the signal handler puts it back.
termios g_terminal_before{};
termios g_terminal_quiet{};
constexpr std::array<int, 5> kWatchedSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
std::array<struct sigaction, kWatchedSignals.size()> g_previous_actions{};
std::array<bool, kWatchedSignals.size()> g_handled{};

void restore_terminal_and_resend(int sig);

struct sigaction restoring_action() {
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_resend;
    action.sa_flags = SA_RESTART;  // after Ctrl-Z and fg, the read goes on
    sigemptyset(&action.sa_mask);
    return action;
}

// Async-signal-safe: puts the terminal back, then lets the signal do what it did before we
// caught it (usually: end the process). If that returns (Ctrl-Z, then fg), echo goes off again.
void restore_terminal_and_resend(int sig) {
    int saved_errno = errno;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &g_terminal_before);
    for (std::size_t i = 0; i < kWatchedSignals.size(); ++i) {
        if (kWatchedSignals[i] == sig) {
            ::sigaction(sig, &g_previous_actions[i], nullptr);
        }
    }
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
    // Nothing could be done here if raise() failed (it cannot, for a signal we were sent).
    (void)::raise(sig);
    struct sigaction again = restoring_action();
    ::sigaction(sig, &again, nullptr);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &g_terminal_quiet);
    errno = saved_errno;
}

// Echo off on stdin for its lifetime, when stdin is a terminal; nothing otherwise.
class EchoOff {
  public:
    EchoOff() {
        if (::isatty(STDIN_FILENO) != 1 || ::tcgetattr(STDIN_FILENO, &g_terminal_before) != 0) {
            return;
        }
        g_terminal_quiet = g_terminal_before;
        g_terminal_quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
        struct sigaction action = restoring_action();
        for (std::size_t i = 0; i < kWatchedSignals.size(); ++i) {
            ::sigaction(kWatchedSignals[i], nullptr, &g_previous_actions[i]);
            // An ignored signal stays ignored (nohup, background jobs).
            g_handled[i] = g_previous_actions[i].sa_handler != SIG_IGN;
            if (g_handled[i]) {
                ::sigaction(kWatchedSignals[i], &action, nullptr);
            }
        }
        // TCSAFLUSH: what was typed ahead, and so echoed, is not taken as the key.
        active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_terminal_quiet) == 0;
        if (!active_) {
            restore_handlers();
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;
    bool active() const { return active_; }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(STDIN_FILENO, TCSANOW, &g_terminal_before);
            restore_handlers();
        }
    }

  private:
    static void restore_handlers() {
        for (std::size_t i = 0; i < kWatchedSignals.size(); ++i) {
            if (g_handled[i]) {
                ::sigaction(kWatchedSignals[i], &g_previous_actions[i], nullptr);
            }
        }
    }

    bool active_ = false;
};

}  // namespace

TerminalFacts probe_stdout() {
    TerminalFacts facts;
    facts.is_terminal = isatty(STDOUT_FILENO) == 1;
    winsize size{};
    if (facts.is_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
        facts.columns = size.ws_col;
    }
    return facts;
}

bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

bool stderr_can_redraw(bool stderr_terminal, const Getenv& getenv) {
    return stderr_terminal && getenv("TERM") != "dumb";
}

OutputStyle output_style(ColorMode mode, const TerminalFacts& stdout_facts, const Getenv& getenv) {
    OutputStyle style;
    style.terminal = stdout_facts.is_terminal;
    switch (mode) {
        case ColorMode::Never:
            style.color = false;
            break;
        case ColorMode::Always:
            style.color = true;
            break;
        case ColorMode::Auto:
            if (set_and_not(getenv("NO_COLOR"), "")) {
                style.color = false;
            } else if (set_and_not(getenv("CLICOLOR_FORCE"), "0")) {
                style.color = true;
            } else {
                style.color = stdout_facts.is_terminal && getenv("TERM") != "dumb";
            }
            break;
    }
    if (stdout_facts.is_terminal) {
        style.width = positive_number(getenv("COLUMNS")).value_or(stdout_facts.columns);
    }
    return style;
}

std::optional<std::string> read_line_without_echo(std::istream& in, std::ostream& prompt_to,
                                                  std::string_view prompt) {
    std::optional<std::string> line;
    {
        // The prompt comes once echo is off: what is typed after it is never shown.
        EchoOff quiet;
        prompt_to << prompt << std::flush;
        if (std::string text; std::getline(in, text)) {
            line = std::move(text);
        }
        if (quiet.active()) {
            prompt_to << '\n' << std::flush;  // for the Enter that was not echoed
        }
    }
    return line;
}

}  // namespace tidb_backups
