// SPDX-License-Identifier: Apache-2.0
// Shell completion scripts for bash, zsh and fish, written from a plain description of the
// command line. completion_command.cc fills the description from the CLI11 application itself,
// so every command and flag is declared once and the scripts cannot drift from it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups {

enum class Shell { Bash, Zsh, Fish };

// "bash", "zsh", "fish": the order `completion --help` lists them in.
const std::vector<std::string>& shell_names();
std::optional<Shell> parse_shell(std::string_view name);

// What the value of a flag (or a command's argument) completes to. The scripts read profile
// names from the config file themselves, so completing needs no binary and no credentials.
struct ValueCompletion {
    enum class Kind {
        Any,             // free text: nothing to offer
        Words,           // one of `words`
        CommaSeparated,  // a comma-separated list of `words`, each at most once
        Profiles,        // a [profile] of the config file
        Files,           // a file name
    };
    Kind kind = Kind::Any;
    std::vector<std::string> words;  // Words and CommaSeparated; letters, digits, '-', '_', '.'
};

struct CompletionFlag {
    std::vector<std::string> names;  // with their dashes, short ones first: "-o", "--output"
    std::string description;         // one line
    bool takes_value = false;
    std::string value_name;  // "FORMAT": what zsh shows while a value is typed
    ValueCompletion value;   // when takes_value
    bool repeatable = false;
    bool exits = false;  // --help, --version: nothing else follows them
};

// A positional argument of a command.
struct CompletionArgument {
    std::string name;
    std::string description;
    ValueCompletion value;
};

struct CompletionCommand {
    std::string name;
    std::string description;
    std::vector<CompletionFlag> flags;  // its own flags; the global ones are accepted too
    std::vector<CompletionArgument> arguments;
};

// Where the scripts find the config file whose [profile] names --profile completes to.
struct ConfigLocation {
    std::string flag;         // "--config": a path given on the line being completed wins
    std::string environment;  // "TIDB_BACKUPS_CONFIG": else this variable's path
    std::string
        default_path;  // "tidb-backups/config.toml": else under $XDG_CONFIG_HOME (~/.config)
};

struct CompletionSpec {
    std::string program;  // "tidb-backups"
    ConfigLocation config;
    std::vector<CompletionFlag> global_flags;   // before or after the command
    std::vector<CompletionFlag> program_flags;  // only before a command: --help, --version
    std::vector<CompletionCommand> commands;
};

// The script for `shell`: deterministic, so the copies in completions/ can be compared with it.
// Throws std::invalid_argument for a word or name the scripts could not quote safely.
std::string completion_script(const CompletionSpec& spec, Shell shell);

}  // namespace tidb_backups
