// SPDX-License-Identifier: Apache-2.0
// The `list` command: page through the API for every cluster concurrently and hand the
// backups, in API order, to one renderer; or, with --dry-run, print the signed requests.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/list_plan.h"
#include "cli/settings.h"
#include "core/cancellation.h"

namespace tidb_backups {

// Returns the process exit code; errors are reported on the context's `err`, data goes to its
// `out` only once every cluster that succeeded is complete (ndjson, csv, tsv: page by page,
// each flushed). Its `cancellation` (Ctrl-C) ends the listing early with exit 130. When `out`
// cannot be written the listing stops at once and the code is 7 (ErrorKind::Output); the owner
// of `out` says why. The progress line asks the context's environment and err_is_terminal.
int run_list(const Settings& settings, const ListPlan& plan, CommandContext& context);

// Declares `list` and its flags, writing into `line.list`; parsed, it sets line.command.
CLI::App* add_list_command(CLI::App& app, CommandLine& line);

// Checks the flags, resolves settings, runs the listing; returns the exit code.
int execute_list(const CommandLine& line, CommandContext& context);

}  // namespace tidb_backups
