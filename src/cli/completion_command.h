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

CLI::App* add_completion_command(CLI::App& app, CompletionOptions& options);

int execute_completion(const CompletionOptions& options, const GlobalOptions& global,
                       CommandContext& context);

// One line of the table of flag values: what the value of a flag, or of a command's argument,
// completes to. `key` is "--flag" (any command), or "COMMAND --flag" / "COMMAND ARGUMENT" for
// one command only, which wins over the former.
struct ValueRule {
    std::string key;
    ValueCompletion value;
};

// The table, in one place for every command. A value not in it completes nothing, unless its
// name (type_name) is FILE or PATH: then it completes file names.
const std::vector<ValueRule>& value_rules();

// What `flag` of `command` completes to: value_rules(), else the FILE/PATH rule.
ValueCompletion value_completion(std::string_view command, const std::vector<std::string>& names,
                                 std::string_view value_name);

// Every command, flag and argument of `app` that --help shows (hidden ones are left out), with
// its description and what its value completes to.
CompletionSpec completion_spec(const CLI::App& app);

}  // namespace tidb_backups
