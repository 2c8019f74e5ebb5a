// SPDX-License-Identifier: Apache-2.0
// What every command runs with: the standard streams, the environment, the clock and Ctrl-C,
// so a command can be run by main or by a test alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>

#include "cli/settings.h"
#include "cli/terminal.h"
#include "core/cancellation.h"

namespace tidb_backups {

// The time now in epoch seconds; injectable so tests can fix it.
using Clock = std::function<std::int64_t()>;
// The system's real-time clock.
Clock system_clock();

struct CommandLine;  // cli/app.h
struct CommandContext;

// What a command runs with the parsed command line; returns the exit code. Each command's
// declaration (add_list_command...) sets it in the CommandLine when that command is parsed.
using CommandRun = int (*)(const CommandLine& line, CommandContext& context);

struct CommandContext {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    Getenv getenv;
    bool in_is_terminal = false;  // prompts are only for a person at a terminal
    Cancellation* cancellation = nullptr;
    // Starts turning Ctrl-C into cancellation; commands call it before they go to the network.
    std::function<void()> watch_interrupts = [] {};
    // What ages count from: --since and --until of list, the verdicts of check.
    Clock clock = system_clock();
    // The progress line is drawn only on a terminal (the real stderr unless a test says).
    bool err_is_terminal = stderr_is_terminal();
};

// resolve_settings, then the warnings it found (unless -q) and the --insecure warning on
// stderr. On failure the error is printed and its exit code returned instead.
// `region_required` as resolve_settings takes it.
Expected<Settings> prepare_settings(const GlobalOptions& global, CommandContext& context,
                                    bool region_required = true);

// Prints `error` and returns its exit code.
int fail(CommandContext& context, const Error& error);

// Reads the command's stdin when called, for --ids-from - of list and check: up to one byte
// past kMaxIdsFromBytes (cli/ids_from.h), so a larger input is refused without being read.
std::function<std::string()> stdin_reader(CommandContext& context);

// The cancellation of one listing: fired by `outer` (Ctrl-C) too, but also by the command
// itself when it must stop for a reason of its own (stdout cannot be written), which then does
// not look like an interrupt to anyone watching `outer`.
class ListingStop {
  public:
    explicit ListingStop(Cancellation* outer);
    ~ListingStop();
    ListingStop(const ListingStop&) = delete;
    ListingStop& operator=(const ListingStop&) = delete;

    Cancellation& cancellation() { return *own_; }

  private:
    // Shared with the callback registered on `outer`, which a signal thread may still be
    // running while this object goes away.
    std::shared_ptr<Cancellation> own_ = std::make_shared<Cancellation>();
    Cancellation* outer_;
    std::size_t callback_ = 0;
};

// Flushes `out` and tells whether everything written to it so far has been written.
bool flushed(std::ostream& out);

}  // namespace tidb_backups
