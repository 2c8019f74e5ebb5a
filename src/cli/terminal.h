// SPDX-License-Identifier: Apache-2.0
// What the tool asks of the terminal, in one place: whether stdout is one, how wide it is, and
// whether to colour (--color, NO_COLOR, CLICOLOR_FORCE, TERM=dumb); whether stderr can redraw a
// progress line; and echo off (with the signals that must restore it) while a secret is typed.
// Renderers get the answers as plain values and never look at the terminal themselves.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/settings.h"

namespace tidb_backups {

// What the process found out about stdout.
struct TerminalFacts {
    bool is_terminal = false;
    int columns = 0;  // the terminal's width (TIOCGWINSZ); 0 when unknown
};

// Asks the real stdout (file descriptor 1).
TerminalFacts probe_stdout();

// Asks the real stderr (file descriptor 2) whether it is a terminal.
bool stderr_is_terminal();

// stderr is a terminal that can redraw a line (not TERM=dumb): where the progress line may go.
bool stderr_can_redraw(bool stderr_terminal, const Getenv& getenv);

// Writes `prompt` to `prompt_to` and reads one line from `in` that is not to be shown (the private
// key): when stdin is a terminal, its ECHO is turned off before the prompt is written and
// restored after the line is read (then a newline is written for the Enter that was not
// echoed), also when Ctrl-C, SIGTERM, SIGHUP or SIGQUIT end the process meanwhile; Ctrl-Z and
// fg turn it off again. std::nullopt at the end of input.
std::optional<std::string> read_line_without_echo(std::istream& in, std::ostream& prompt_to,
                                                  std::string_view prompt);

// How output is shaped for where it goes.
struct OutputStyle {
    bool terminal = false;  // stdout is a terminal: no control character from the server on it
    bool color = false;
    int width = 0;  // columns to fit into; 0: no limit
};

// The decision, from the facts and the environment alone (so tests need no terminal):
// - terminal: stdout is one (whatever --color, NO_COLOR or TERM say): every format then keeps
//   control characters from the server off it; a pipe or file gets the exact data;
// - colour: --color never: no; --color always: yes; auto: not with NO_COLOR set (non-empty),
//   yes with CLICOLOR_FORCE set and not "0", else only when stdout is a terminal and TERM is
//   not "dumb";
// - width: only when stdout is a terminal: COLUMNS when it is a positive number, else the
//   terminal's own width. A pipe or file gets every character.
OutputStyle output_style(ColorMode mode, const TerminalFacts& stdout_facts, const Getenv& getenv);

}  // namespace tidb_backups
