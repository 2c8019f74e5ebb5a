// SPDX-License-Identifier: Apache-2.0
// The bash completion script (see completion_script_parts.h).
#include <stdexcept>

#include "cli/completion_script_parts.h"

namespace tidb_backups::completion_detail {

namespace {

// `head` and the words after it, as a command line indented by `indent`.
std::string bash_line(std::size_t indent, const std::string& head,
                      const std::vector<std::string>& words) {
    return std::string(indent, ' ') + head + " " +
           wrapped(words, indent + head.size() + 1, indent + 4);
}

// The line that completes `value` from `current`, or "" when there is nothing to offer.
std::string bash_value_line(std::size_t indent, const std::string& fn, const ValueCompletion& value,
                            const std::string& current) {
    switch (value.kind) {
        case Kind::Any:
            return "";
        case Kind::Words:
            return bash_line(indent, fn + "_words " + current, value.words);
        case Kind::CommaSeparated:
            return bash_line(indent, fn + "_word_list " + current, value.words);
        case Kind::Profiles:
            return std::string(indent, ' ') + fn + "_profile_names " + current;
        case Kind::Files:
            return std::string(indent, ' ') + fn + "_files " + current;
    }
    return "";
}

// "'list -o' | 'list --output'", or "*' --region'" for a global flag (command "*").
std::string bash_patterns(const std::string& command, const CompletionFlag& flag) {
    std::string out;
    for (const auto& name : flag.names) {
        out += (out.empty() ? "" : " | ") +
               (command == "*" ? "*' " + checked(name) + "'"
                               : "'" + checked(command) + " " + checked(name) + "'");
    }
    return out;
}

}  // namespace

std::string bash_script(const CompletionSpec& spec) {
    const std::string fn = "_" + identifier(spec.program);
    std::vector<std::pair<std::string, const std::vector<CompletionFlag>*>> scopes;
    for (const auto& command : spec.commands) {
        scopes.emplace_back(command.name, &command.flags);
    }
    scopes.emplace_back("*", &spec.global_flags);

    std::string takes_value;
    std::string values;
    for (const auto& [command, flags] : scopes) {
        for (const auto& flag : *flags) {
            if (!flag.takes_value) {
                continue;
            }
            takes_value += "    " + bash_patterns(command, flag) + ") return 0 ;;\n";
            if (flag.value.kind != Kind::Any) {
                values += "    " + bash_patterns(command, flag) + ")\n" +
                          bash_value_line(8, fn, flag.value, "\"$3\"") + "\n        ;;\n";
            }
        }
    }

    std::vector<std::string> command_names;
    for (const auto& command : spec.commands) {
        command_names.push_back(command.name);
    }
    std::vector<std::string> first_flags = names_of(spec.global_flags);
    for (const auto& name : names_of(spec.program_flags)) {
        first_flags.push_back(name);
    }
    const std::string complete_words = fn + "_words \"$cur\"";
    std::string dispatch = "    '')\n        if [[ $cur == -* ]]; then\n" +
                           bash_line(12, complete_words, first_flags) + "\n        else\n" +
                           bash_line(12, complete_words, command_names) +
                           "\n        fi\n        ;;\n";
    for (const auto& command : spec.commands) {
        std::vector<std::string> flags = names_of(command.flags);
        for (const auto& name : names_of(spec.global_flags)) {
            flags.push_back(name);
        }
        dispatch += "    " + checked(command.name) + ")\n        if [[ $cur == -* ]]; then\n" +
                    bash_line(12, complete_words, flags) + "\n";
        for (std::size_t i = 0; i < command.arguments.size(); ++i) {
            std::string line = bash_value_line(12, fn, command.arguments[i].value, "\"$cur\"");
            if (!line.empty()) {
                dispatch +=
                    "        elif ((arguments == " + std::to_string(i) + ")); then\n" + line + "\n";
            }
        }
        dispatch += "        fi\n        ;;\n";
    }

    auto t = [&](std::string_view text) { return expand(text, spec, fn); };
    return header(spec, "bash") +
           t(R"sh(# Load it with `source <(@PROG@ completion bash)` (in ~/.bashrc, say), or install it as
# /usr/share/bash-completion/completions/@PROG@, where bash-completion finds it.

# Whether flag $2 of command $1 ("" before the command) takes a value.
@FN@_takes_value() {
    case "$1 $2" in
)sh") + takes_value +
           t(R"sh(    esac
    return 1
}

# Completes value $3 of flag $2 of command $1 ("" before the command) into COMPREPLY.
@FN@_value() {
    case "$1 $2" in
)sh") + values +
           t(R"sh(    esac
    return 0
}

# Adds the words of $2... that start with $1, ignoring case.
@FN@_words() {
    local cur=${1,,} word
    shift
    for word; do
        [[ ${word,,} == "$cur"* ]] && COMPREPLY+=("$word")
    done
    return 0
}

# Completes the last item of the comma-separated list $1 from $2..., each word at most once.
@FN@_word_list() {
    local listed= last=$1 word
    if [[ $1 == *,* ]]; then
        listed=${1%,*},
        last=${1##*,}
    fi
    for word in "${@:2}"; do
        [[ ,${listed,,} == *,"${word,,}",* ]] && continue
        [[ ${word,,} == "${last,,}"* ]] && COMPREPLY+=("$listed$word")
    done
    # No space after an item, so that a comma and the next one can follow.
    compopt -o nospace 2>/dev/null
    return 0
}

@FN@_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$1")
}

# Prints the [profile] names of the config file: the one given by @CONFIG_FLAG@ on the line,
# else $@CONFIG_ENV@, else the default. Reads the caller's `words` and `cword`.
@FN@_profiles() {
    local base=$HOME/.config i
    [[ $XDG_CONFIG_HOME == /* ]] && base=${XDG_CONFIG_HOME%/}
    local config=${@CONFIG_ENV@:-$base/@CONFIG_PATH@}
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        @CONFIG_FLAG@) config=${words[i + 1]} ;;
        @CONFIG_FLAG@=*) config=${words[i]#@CONFIG_FLAG@=} ;;
        esac
    done
    [[ $config == "~/"* ]] && config=$HOME/${config:2}
    [[ -r $config ]] || return 0
    @AWK@ "$config" 2>/dev/null
}

@FN@_profile_names() {
    local -a names
    mapfile -t names < <(@FN@_profiles)
    @FN@_words "$1" "${names[@]}"
}

@FN@() {
    COMPREPLY=()
    # The words up to the cursor, with what COMP_WORDBREAKS split at '=' joined again:
    # "--output=js" is one word here.
    local -a words=()
    local cword cur command= arguments=0 i
    for ((i = 0; i <= COMP_CWORD; i++)); do
        if ((i > 0)) && [[ ${words[-1]} == --* ]] &&
            [[ ${COMP_WORDS[i]} == = || ${COMP_WORDS[i - 1]} == = ]]; then
            words[-1]+=${COMP_WORDS[i]}
        else
            words+=("${COMP_WORDS[i]}")
        fi
    done
    cword=$((${#words[@]} - 1))
    cur=${words[cword]}

    # The command is the first word that is neither a flag nor a flag's value; the words
    # after it that are neither are its arguments.
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        -*=*) ;;
        -*) @FN@_takes_value "$command" "${words[i]}" && i=$((i + 1)) ;;
        *)
            if [[ -z $command ]]; then
                command=${words[i]}
            else
                arguments=$((arguments + 1))
            fi
            ;;
        esac
    done

    if [[ $cur == -*=* ]]; then
        @FN@_value "$command" "${cur%%=*}" "${cur#*=}"
        # Without '=' in COMP_WORDBREAKS, bash replaces the whole word, flag included.
        [[ $COMP_WORDBREAKS == *=* ]] || COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
        return 0
    fi
    if ((cword > 1)) && [[ ${words[cword - 1]} == -* ]] &&
        @FN@_takes_value "$command" "${words[cword - 1]}"; then
        @FN@_value "$command" "${words[cword - 1]}" "$cur"
        return 0
    fi

    case $command in
)sh") + dispatch +
           t(R"sh(    esac
    return 0
}

complete -F @FN@ @PROG@
)sh");
}

}  // namespace tidb_backups::completion_detail
