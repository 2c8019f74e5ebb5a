// The command line: every command and flag is declared once, here, with its help text; CLI11
// parses argv into the raw option structs that resolve_settings then checks.
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

namespace tidb_backups {

enum class Command { List, Check, Configure, Completion };

struct CommandLine {
    Command command = Command::List;
    GlobalOptions global;
    ListOptions list;
    CheckOptions check;
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

std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv);

// "tidb-backups 0.1.0 (git 1a2b3c)".
std::string version_text();

}  // namespace tidb_backups
