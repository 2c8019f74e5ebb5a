// SPDX-License-Identifier: Apache-2.0
// Usage errors in our own words: when CLI11 refuses a command line, the arguments are walked
// again against the same app to say which word is wrong and what was probably meant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.h"

namespace tidb_backups {

// The commands of `app` a person may type, and "help".
std::vector<std::string> command_names(const CLI::App& app);

// The long and short flag names `command` accepts: its own, then the program's (global) ones.
std::vector<std::string> accepted_flag_names(const CLI::App& app, const CLI::App* command);

// What is wrong with `args` (argv without the program), as a usage error with a hint; nullopt
// when the walk finds nothing it can name (the caller then words CLI11's message).
std::optional<Error> diagnose_arguments(const CLI::App& app, const std::vector<std::string>& args);

// CLI11's message for what the walk could not name, reworded where we know its form
// ("--state: 1 required S missing").
std::string reword_cli11_message(std::string_view message);

}  // namespace tidb_backups
