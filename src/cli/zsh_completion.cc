// SPDX-License-Identifier: Apache-2.0
// The zsh completion script (see completion_script_parts.h).
#include <stdexcept>

#include "cli/completion_script_parts.h"

namespace tidb_backups::completion_detail {

namespace {

// Inside [...] of an _arguments spec: brackets and backslashes escaped.
std::string zsh_bracketed(const std::string& text) {
    return replace_all(replace_all(replace_all(text, "\\", "\\\\"), "[", "\\["), "]", "\\]");
}

// A message or name between colons of an _arguments spec.
std::string zsh_colon_safe(const std::string& text) {
    return replace_all(replace_all(text, "\\", "\\\\"), ":", "\\:");
}

std::string zsh_action(const std::string& fn, const ValueCompletion& value,
                       const std::string& message) {
    switch (value.kind) {
        case Kind::Any:
            return " ";
        case Kind::Words:
            return "(" + checked_words(value.words) + ")";
        case Kind::CommaSeparated:
            return "_values -s , " + replace_all(zsh_colon_safe(message), " ", "\\ ") + " " +
                   checked_words(value.words);
        case Kind::Profiles:
            return fn + "_profiles";
        case Kind::Files:
            return "_files";
    }
    return " ";
}

// One _arguments spec per name of the flag, each quoted.
std::vector<std::string> zsh_flag_specs(const std::string& fn, const CompletionFlag& flag) {
    std::string exclusion;
    if (flag.exits) {
        exclusion = "(- : *)";
    } else if (!flag.repeatable && flag.names.size() > 1) {
        for (const auto& name : flag.names) {
            exclusion += (exclusion.empty() ? "(" : " ") + checked(name);
        }
        exclusion += ")";
    }
    std::vector<std::string> specs;
    for (const auto& name : flag.names) {
        std::string spec = exclusion + (flag.repeatable && !flag.exits ? "*" : "") + checked(name);
        if (flag.takes_value) {
            spec += name.rfind("--", 0) == 0 ? "=" : "+";
        }
        spec += "[" + zsh_bracketed(flag.description) + "]";
        if (flag.takes_value) {
            std::string message = flag.value_name.empty() ? "value" : flag.value_name;
            spec += ":" + zsh_colon_safe(message) + ":" + zsh_action(fn, flag.value, message);
        }
        specs.push_back(sh_quote(spec));
    }
    return specs;
}

std::string zsh_spec_lines(const std::string& fn, const std::vector<CompletionFlag>& flags,
                           const std::string& indent) {
    std::string out;
    for (const auto& flag : flags) {
        for (const auto& spec : zsh_flag_specs(fn, flag)) {
            out.append(" \\\n").append(indent).append(spec);
        }
    }
    return out;
}

}  // namespace

std::string zsh_script(const CompletionSpec& spec) {
    const std::string fn = "_" + checked(spec.program);

    std::string globals;
    for (const auto& flag : spec.global_flags) {
        for (const auto& line : zsh_flag_specs(fn, flag)) {
            globals += "        " + line + "\n";
        }
    }
    std::string commands;
    for (const auto& command : spec.commands) {
        commands += "        " +
                    sh_quote(zsh_colon_safe(checked(command.name)) + ":" + command.description) +
                    "\n";
    }
    std::string dispatch;
    for (const auto& command : spec.commands) {
        dispatch += "        (" + checked(command.name) +
                    ")\n            _arguments -s -S : " + "$global_flags" +
                    zsh_spec_lines(fn, command.flags, "                ");
        for (const auto& argument : command.arguments) {
            std::string message = argument.name + " -- " + argument.description;
            dispatch +=
                " \\\n                " + sh_quote(":" + zsh_colon_safe(message) + ":" +
                                                   zsh_action(fn, argument.value, argument.name));
        }
        dispatch += " && ret=0\n            ;;\n";
    }

    auto t = [&](std::string_view text) { return expand(text, spec, fn); };
    return "#compdef " + spec.program + "\n" + header(spec, "zsh") +
           t(R"sh(# Load it with `source <(@PROG@ completion zsh)` after compinit (in ~/.zshrc, say), or
# install it as _@PROG@ in a directory of $fpath (Debian: /usr/share/zsh/vendor-completions).

# Completes a [profile] of the config file: the one given by @CONFIG_FLAG@ on the line, else
# $@CONFIG_ENV@, else the default.
@FN@_profiles() {
    local base=$HOME/.config
    [[ $XDG_CONFIG_HOME == /* ]] && base=${XDG_CONFIG_HOME%/}
    local config=${@CONFIG_ENV@:-$base/@CONFIG_PATH@}
    local -a line_words profiles expl
    line_words=(${(Q)${(z)LBUFFER}})
    local -i i
    for (( i = 1; i < $#line_words; i++ )); do
        case $line_words[i] in
        (@CONFIG_FLAG@) config=$line_words[i+1] ;;
        (@CONFIG_FLAG@=*) config=${line_words[i]#@CONFIG_FLAG@=} ;;
        esac
    done
    [[ $config == '~/'* ]] && config=$HOME/${config#'~/'}
    [[ -r $config ]] && profiles=(${(f)"$(@AWK@ $config 2>/dev/null)"})
    _wanted profiles expl profile compadd -a profiles
}

@FN@_commands() {
    local -a commands
    commands=(
)sh") + commands +
           t(R"sh(    )
    _describe -t commands '@PROG@ command' commands
}

@FN@() {
    local curcontext=$curcontext state state_descr line ret=1
    local -A opt_args
    # Accepted before and after the command.
    local -a global_flags
    global_flags=(
)sh") + globals +
           t(R"sh(    )
    _arguments -C -s -S : $global_flags)sh") +
           zsh_spec_lines(fn, spec.program_flags, "        ") + t(R"sh( \
        ':command:@FN@_commands' \
        '*:: :->command' && ret=0
    if [[ $state == command ]]; then
        curcontext=${curcontext%:*:*}:@PROG@-$words[1]:
        case $words[1] in
)sh") + dispatch +
           t(R"sh(        esac
    fi
    return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    # Autoloaded from $fpath by compinit.
    @FN@ "$@"
else
    # Sourced.
    compdef @FN@ @PROG@
fi
)sh");
}

}  // namespace tidb_backups::completion_detail
