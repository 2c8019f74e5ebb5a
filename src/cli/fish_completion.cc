// SPDX-License-Identifier: Apache-2.0
// The fish completion script (see completion_script_parts.h).
#include <stdexcept>

#include "cli/completion_script_parts.h"

namespace tidb_backups::completion_detail {

namespace {

std::string fish_value_args(const std::string& fn, const ValueCompletion& value) {
    switch (value.kind) {
        case Kind::Any:
            return " -x";
        case Kind::Words:
            return " -x -a " + fish_quote(checked_words(value.words));
        case Kind::CommaSeparated:
            return " -x -a " + fish_quote("(" + fn + "_word_list " + checked_words(value.words) + ")");
        case Kind::Profiles:
            return " -x -a " + fish_quote("(" + fn + "_profiles)");
        case Kind::Files:
            return " -r -F";
    }
    return " -x";
}

std::string fish_flag_line(const CompletionSpec& spec, const std::string& fn,
                           const std::string& condition, const CompletionFlag& flag) {
    std::string line = "complete -c " + spec.program;
    if (!condition.empty()) {
        line += " -n " + fish_quote(condition);
    }
    for (const auto& name : flag.names) {
        line += (name.rfind("--", 0) == 0 ? " -l " + checked(name).substr(2)
                                          : " -s " + checked(name).substr(1));
    }
    if (flag.takes_value) {
        line += fish_value_args(fn, flag.value);
    }
    return line + " -d " + fish_quote(flag.description) + "\n";
}

// `case` patterns of the flags that take a value, for the function that skips their values.
std::string fish_value_patterns(const std::string& command,
                                const std::vector<CompletionFlag>& flags) {
    std::vector<std::string> patterns;
    for (const auto& flag : flags) {
        if (flag.takes_value) {
            for (const auto& name : flag.names) {
                patterns.push_back("'" + command + " " + checked(name) + "'");
            }
        }
    }
    if (patterns.empty()) {
        return "";
    }
    std::string out = "        case";
    std::size_t column = out.size();
    for (const auto& pattern : patterns) {
        if (column + 1 + pattern.size() + 2 > 100) {
            out += " \\\n            ";
            column = 12;
        }
        out += " " + pattern;
        column += 1 + pattern.size();
    }
    return out + "\n            return 0\n";
}

}  // namespace

std::string fish_script(const CompletionSpec& spec) {
    const std::string fn = "__" + identifier(spec.program);
    std::string takes_value;
    for (const auto& command : spec.commands) {
        takes_value += fish_value_patterns(checked(command.name), command.flags);
    }
    takes_value += fish_value_patterns("*", spec.global_flags);

    std::string completions = "\n# Before the command.\n";
    for (const auto& command : spec.commands) {
        completions += "complete -c " + spec.program + " -n " + fish_quote(fn + "_needs_command") +
                       " -a " + checked(command.name) + " -d " + fish_quote(command.description) +
                       "\n";
    }
    for (const auto& flag : spec.program_flags) {
        completions += fish_flag_line(spec, fn, fn + "_needs_command", flag);
    }
    completions += "\n# Before or after the command.\n";
    for (const auto& flag : spec.global_flags) {
        completions += fish_flag_line(spec, fn, "", flag);
    }
    for (const auto& command : spec.commands) {
        completions += "\n# " + spec.program + " " + command.name + "\n";
        for (const auto& flag : command.flags) {
            completions += fish_flag_line(spec, fn, fn + "_using_command " + command.name, flag);
        }
        for (std::size_t i = 0; i < command.arguments.size(); ++i) {
            const auto& argument = command.arguments[i];
            completions += "complete -c " + spec.program + " -n " +
                           fish_quote(fn + "_argument " + command.name + " " + std::to_string(i)) +
                           fish_value_args(fn, argument.value) + " -d " +
                           fish_quote(argument.description) + "\n";
        }
    }

    auto t = [&](std::string_view text) { return expand(text, spec, fn); };
    return header(spec, "fish") +
           t(R"sh(# Load it with `@PROG@ completion fish | source`, or install it as
# ~/.config/fish/completions/@PROG@.fish (Debian: /usr/share/fish/vendor_completions.d).

# Whether flag $argv[2] of command $argv[1] ("" before the command) takes a value.
function @FN@_takes_value
    switch "$argv[1] $argv[2]"
)sh") + takes_value +
           t(R"sh(    end
    return 1
end

# Prints the command and its arguments so far, one a line: the words before the cursor that
# are neither flags nor flags' values.
function @FN@_words
    set -l words (commandline -opc)
    set -e words[1]
    set -l command ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case '-*=*'
            case '-*'
                @FN@_takes_value "$command" $word; and set skip 1
            case '*'
                test -z "$command"; and set command $word
                echo $word
        end
    end
end

function @FN@_needs_command
    set -l words (@FN@_words)
    test (count $words) -eq 0
end

function @FN@_using_command
    set -l words (@FN@_words)
    test "$words[1]" = "$argv[1]"
end

# Whether the word being typed is argument $argv[2] (from 0) of command $argv[1].
function @FN@_argument
    set -l words (@FN@_words)
    test "$words[1]" = "$argv[1]"; and test (count $words) -eq (math $argv[2] + 1)
end

# Completes the last item of the comma-separated list being typed from $argv, each at most once.
function @FN@_word_list
    set -l token (string replace -r -- '^-[^=]*=' '' (commandline -ct))
    set -l listed (string split -- , $token)
    set -e listed[-1]
    set -l prefix (string join -- , $listed)
    test -n "$prefix"; and set prefix "$prefix,"
    set -l lowered (string lower -- $listed)
    for word in $argv
        contains -- (string lower -- $word) $lowered; and continue
        echo "$prefix$word"
    end
end

# Prints the [profile] names of the config file: the one given by @CONFIG_FLAG@ on the line,
# else $@CONFIG_ENV@, else the default.
function @FN@_profiles
    set -l base $HOME/.config
    string match -q -- '/*' "$XDG_CONFIG_HOME"; and set base (string replace -r -- '/$' '' $XDG_CONFIG_HOME)
    set -l config $base/@CONFIG_PATH@
    test -n "$@CONFIG_ENV@"; and set config $@CONFIG_ENV@
    set -l words (commandline -opc)
    for i in (seq (count $words))
        switch $words[$i]
            case @CONFIG_FLAG@
                set -q words[(math $i + 1)]; and set config $words[(math $i + 1)]
            case '@CONFIG_FLAG@=*'
                set config (string replace -- @CONFIG_FLAG@= '' $words[$i])
        end
    end
    set config (string replace -r -- '^~/' "$HOME/" $config)
    test -r "$config"; or return 0
    @AWK@ $config 2>/dev/null
end

# Complete no file names unless a flag's value is one.
complete -c @PROG@ -f
)sh") + completions;
}

}  // namespace tidb_backups::completion_detail
