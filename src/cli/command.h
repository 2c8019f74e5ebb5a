// What every command runs with: the standard streams, the environment and Ctrl-C, so a
// command can be run by main or by a test alike.
#pragma once

#include <functional>
#include <istream>
#include <ostream>

#include "cli/settings.h"
#include "core/cancellation.h"

namespace tidb_backups {

struct CommandContext {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    Getenv getenv;
    bool in_is_terminal = false;  // prompts are only for a person at a terminal
    Cancellation* cancellation = nullptr;
    // Starts turning Ctrl-C into cancellation; commands call it before they go to the network.
    std::function<void()> watch_interrupts = [] {};
};

// resolve_settings, then the warnings it found (unless -q) and the --insecure warning on
// stderr. On failure the error is printed and its exit code returned instead.
Expected<Settings> prepare_settings(const GlobalOptions& global, CommandContext& context);

// Prints `error` and returns its exit code.
int fail(CommandContext& context, const Error& error);

// Reads the command's stdin when called, for --ids-from - of list and check: up to one byte
// past kMaxIdsFromBytes (cli/ids_from.h), so a larger input is refused without being read.
std::function<std::string()> stdin_reader(CommandContext& context);

}  // namespace tidb_backups
