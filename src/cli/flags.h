// SPDX-License-Identifier: Apache-2.0
// Every flag of tidb-backups, one record each (as ripgrep's flags/defs.rs): its names, value,
// help line, man page text, allowed values, completion, environment variable and default.
// The CLI11 declarations, --help, the validation messages, the completion scripts and the man
// page's OPTIONS are all made from these records, so they cannot disagree.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/completion_scripts.h"

namespace tidb_backups {

enum class FlagId {
    // Global: declared on the program, accepted before or after any command.
    Region,
    Profile,
    Config,
    Endpoint,
    ProjectId,
    Timeout,
    Retries,
    CaBundle,
    Proxy,
    Insecure,
    Color,
    Verbose,
    Quiet,
    Help,
    Version,
    // list and check
    Id,
    IdsFrom,
    Concurrency,
    // list
    Limit,
    Offset,
    PageSize,
    Output,
    Fields,
    NoHeaders,
    ListState,
    Type,
    Since,
    Until,
    SortBy,
    Reverse,
    TimeFormat,
    Utc,
    DryRun,
    // check
    MaxAge,
    CheckState,
    CheckOutput,
    Textfile,
    Warning,
    Critical,
    OnFailed,
    MaxRunning,
    OnNoBackup,
    MinSizePercent,
    // wait
    BackupId,
    MaxWait,
    Interval,
    // configure
    PublicKey,
    PrivateKeyStdin,
    NoInput,
    NoVerify,
    ConfigureAction,
    // completion's argument
    Shell,
};

struct Flag {
    FlagId id;
    // As CLI11 takes them: "-o,--output"; a positional argument's name: "shell".
    std::string_view names;
    // "FORMAT"; empty for a flag that takes no value.
    std::string_view value_name = {};
    // The line --help shows; "{choices}" in it stands for the choices, joined by ", ".
    std::string_view help;
    // The man page's paragraph under the flag's names, in man(7) roff.
    std::string_view man = {};
    // The values it takes. The completion scripts offer them; --output, --color, --time-format,
    // --fields, --sort-by and completion's shell refuse any other.
    std::vector<std::string> choices = {};
    ValueCompletion::Kind completion = ValueCompletion::Kind::Any;
    // The environment variable read when the flag is not given.
    std::string_view env = {};
    // What applies when neither the flag nor env is given, as --help says it.
    std::string_view default_text = {};
    // Declared on the program and accepted before or after any command.
    bool global = false;
    // The commands that declare it; for a global flag, those that use it (their --help lists it
    // under "Global options:"). --help belongs to every command, --version to the program only.
    std::vector<std::string_view> commands = {};
};

// Every record, in FlagId order.
const std::vector<Flag>& all_flags();
const Flag& flag(FlagId id);

// The record of the option named `name` ("-o", "--output", "shell") of `command` ("" for the
// program), or a global one; nullptr if there is none.
const Flag* find_flag(std::string_view command, std::string_view name);

// "-o", "--output" as typed on a command line (a positional argument's name as it is).
std::vector<std::string> flag_names(const Flag& flag);

// The line --help shows: help with its choices, then "(default: ...)" and "[env: ...]".
std::string help_text(const Flag& flag);

// "auto, always or never", for messages.
std::string choices_text(const Flag& flag);

bool is_choice(const Flag& flag, std::string_view value);

// The usage error's text for a value of `flag` not among its choices:
// "invalid value for --color: 'x' (expected auto, always or never)".
std::string not_a_choice(const Flag& flag, std::string_view value);

// The --help section of the global flags: the program's, and each command's (those it uses).
inline constexpr const char* kGlobalOptionsGroup = "Global options";

// Declares `flag` on `app`, writing into `target`: an option when it takes a value (each
// occurrence one value when `target` is a list), else a flag (an int counts repeats).
template <typename T>
CLI::Option* add_flag(CLI::App& app, FlagId id, T& target) {
    const Flag& record = flag(id);
    const std::string names(record.names);
    CLI::Option* option = nullptr;
    if (record.value_name.empty()) {
        option = app.add_flag(names, target, help_text(record));
    } else {
        option = app.add_option(names, target, help_text(record))
                     ->type_name(std::string(record.value_name));
        if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            option->allow_extra_args(false);
        }
    }
    if (record.global) {
        option->group(kGlobalOptionsGroup);
    }
    return option;
}

}  // namespace tidb_backups
