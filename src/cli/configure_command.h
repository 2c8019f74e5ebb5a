// SPDX-License-Identifier: Apache-2.0
// The `configure` command: creates or updates one profile of the config file, from flags and
// stdin for scripts, or by asking a person at a terminal (the private key without echo).
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_file.h"
#include "cli/settings.h"
#include "core/secret.h"

namespace tidb_backups {

// `configure` flags as typed; --region, --endpoint, --project-id and --profile are the global ones.
struct ConfigureOptions {
    std::optional<std::string> public_key;
    bool private_key_stdin = false;  // the first line of stdin is the private key
    bool no_input = false;           // never ask, even at a terminal
    bool no_verify = false;          // no signed request to test the keys after asking
    std::string action;              // "list", or "" to configure
};

// What configure was told for one profile. An unset field keeps the profile's value; an empty
// endpoint or project_id removes the key (back to the built-in default).
struct ProfileChanges {
    std::optional<std::string> region;
    std::optional<std::string> public_key;
    std::optional<Secret> private_key;
    std::optional<std::string> endpoint;
    std::optional<std::string> project_id;
};

// Writes `changes` into `profile`; other keys (unknown ones too) are kept.
void apply_profile_changes(ConfigProfile& profile, const ProfileChanges& changes);

// What a profile needs and lacks after `changes` ("region", "public key", "private key", in that
// order): all three for a profile configure creates; nothing for an existing one (`existing` is
// nullptr for a new profile), which keeps whatever it does not set.
std::vector<std::string> missing_settings(const ConfigProfile* existing,
                                          const ProfileChanges& changes);

// Writes `prompt` to `prompt_to`, then reads one line from `in` that is not to be shown (the
// private key). std::nullopt at the end of input.
using SecretLineReader = std::function<std::optional<std::string>(
    std::istream& in, std::ostream& prompt_to, std::string_view prompt)>;

// Declares `configure` and its flags, writing into `line.configure`; parsed, it sets
// line.command.
CLI::App* add_configure_command(CLI::App& app, CommandLine& line);

// Runs configure; returns the exit code. The private key never reaches context.out or
// context.err. `read_secret_line` reads it (tests pass their own).
int run_configure(const ConfigureOptions& options, const GlobalOptions& global,
                  CommandContext& context, const SecretLineReader& read_secret_line);

// `configure list`: each setting, its value (keys masked) and its source, as a table on stdout.
int run_configure_list(const GlobalOptions& global, CommandContext& context);

// run_configure with read_line_without_echo (cli/terminal.h), or run_configure_list.
int execute_configure(const CommandLine& line, CommandContext& context);

}  // namespace tidb_backups
