// SPDX-License-Identifier: Apache-2.0
// The command line: the program, its global flags and one command per file (list_command.cc...),
// each declaring its flags from their records (cli/flags.h) and setting what runs; CLI11 parses
// argv into the raw option structs that resolve_settings then checks.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "cli/check_command.h"
#include "cli/completion_command.h"
#include "cli/configure_command.h"
#include "cli/list_command.h"
#include "cli/settings.h"
#include "cli/wait_command.h"

namespace tidb_backups {

struct CommandLine {
    CommandRun command = nullptr;  // the parsed command's, set by its declaration
    GlobalOptions global;
    ListOptions list;
    CheckOptions check;
    WaitOptions wait;
    ConfigureOptions configure;
    CompletionOptions completion;
};

// What to do instead of running a command: help, version, or a usage error (exit 2).
struct EarlyExit {
    int code = 0;
    std::string out;
    std::string err;
};

// The CLI11 application writing into `target`; exposed so tests can inspect every flag.
std::unique_ptr<CLI::App> build_app(CommandLine& target);

// `stdout_is_terminal`: no arguments at all then print a short help and exit 0 (in a pipe, a
// usage error).
std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv,
                                                        bool stdout_is_terminal = false);

}  // namespace tidb_backups
