// SPDX-License-Identifier: Apache-2.0
// The `completion` command: prints a bash, zsh or fish completion script generated from the
// command line as declared, so the scripts know every command and flag without a copy of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/completion_scripts.h"
#include "cli/settings.h"

namespace tidb_backups {

struct CompletionOptions {
    std::string shell;  // one of shell_names(), checked by CLI11
};

// Declares `completion` and its argument, writing into `line.completion`; parsed, it sets
// line.command.
CLI::App* add_completion_command(CLI::App& app, CommandLine& line);

int execute_completion(const CommandLine& line, CommandContext& context);

// What the value of the flag (or argument) `name` of `command` ("" for the program) completes
// to: its record's completion kind and choices (cli/flags.h).
ValueCompletion value_completion(std::string_view command, std::string_view name);

// Every command, flag and argument of `app` that --help shows (hidden ones are left out), with
// its description and what its value completes to.
CompletionSpec completion_spec(const CLI::App& app);

}  // namespace tidb_backups
