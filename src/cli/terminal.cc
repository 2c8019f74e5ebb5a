#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

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

}  // namespace tidb_backups
