// The `configure` command. (Being written: registers nothing yet.)
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/settings.h"

namespace tidb_backups {

struct ConfigureOptions {};

CLI::App* add_configure_command(CLI::App& app, ConfigureOptions& options);

int execute_configure(const ConfigureOptions& options, const GlobalOptions& global,
                      CommandContext& context);

}  // namespace tidb_backups
