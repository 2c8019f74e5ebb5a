// The `check` command. (Being written: registers nothing yet.)
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/settings.h"

namespace tidb_backups {

struct CheckOptions {};

CLI::App* add_check_command(CLI::App& app, CheckOptions& options);

int execute_check(const CheckOptions& options, const GlobalOptions& global,
                  CommandContext& context);

}  // namespace tidb_backups
