// SPDX-License-Identifier: Apache-2.0
// The man page, docs/tidb-backups.1: the hand-written template docs/tidb-backups.1.in with
// the OPTIONS of each command made from the flag records (cli/flags.h) at build time.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace tidb_backups {

// `page_template` with each line "@OPTIONS COMMAND@" replaced by the man text of the options of
// COMMAND ("global": the program's, --help and --version last), in the order --help shows them.
// Throws std::invalid_argument for a placeholder that names no command.
std::string man_page(std::string_view page_template, const CLI::App& app);

}  // namespace tidb_backups
