// The `completion` command. (Being written: registers nothing yet.)
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/settings.h"

namespace tidb_backups {

struct CompletionOptions {};

CLI::App* add_completion_command(CLI::App& app, CompletionOptions& options);

int execute_completion(const CompletionOptions& options, const GlobalOptions& global,
                       CommandContext& context);

}  // namespace tidb_backups
