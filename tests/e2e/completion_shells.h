// SPDX-License-Identifier: Apache-2.0
// Drives real bash, zsh and fish through a completion script and returns what they offer for a
// command line, as a person pressing TAB would get it.
//   bash: the function `complete -p tidb-backups` names, called with COMP_WORDS and COMP_CWORD
//         set as readline sets them; its COMPREPLY.
//   zsh:  an interactive zsh on a pseudo-terminal (zsh/zpty) with compinit, the line typed and
//         TAB pressed; every match the completion system adds is recorded by wrapping compadd.
//   fish: `complete -C LINE`.
#pragma once

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_help.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace tidb_backups::e2e {

inline bool have_shell(const std::string& name) {
    return !find_program(name).empty();
}

inline std::vector<std::string> sorted(std::vector<std::string> list) {
    std::sort(list.begin(), list.end());
    return list;
}

inline std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) {
        out += (out.empty() ? "" : " ") + item;
    }
    return out;
}

// `tidb-backups completion SHELL`, run once per shell.
inline const std::string& generated_script(const std::string& shell) {
    static std::map<std::string, std::string> scripts;
    auto [it, added] = scripts.emplace(shell, "");
    if (added) {
        it->second = cli_output({"completion", shell});
    }
    return it->second;
}

// The shells and the files completions/ keeps their scripts in.
inline std::vector<std::pair<std::string, std::string>> committed_completion_files() {
    return {{"bash", "tidb-backups.bash"}, {"zsh", "_tidb-backups"}, {"fish", "tidb-backups.fish"}};
}

// A shell session's private HOME (XDG_CONFIG_HOME is HOME/config) and environment.
struct ShellRun {
    testing::TempDir home;
    testing::Environment env = testing::base_env(home);
};

namespace shell_detail {

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

inline testing::ProcessResult run(const ShellRun& session, std::vector<std::string> argv) {
    testing::ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.env = session.env;
    spec.timeout = std::chrono::seconds(30);
    return testing::run_process(spec);
}

inline std::vector<std::string> checked_lines(const testing::ProcessResult& result) {
    if (result.exit_code != 0) {
        throw std::runtime_error("the shell failed: " + result.describe());
    }
    return lines(result.out);
}

}  // namespace shell_detail

// COMPREPLY for `words` as bash's COMP_WORDS (readline splits "--output=js" into "--output",
// "=", "js"); the last word is the one being completed. `setup` is bash code that makes
// `complete -p tidb-backups` known, by default sourcing `script`.
inline std::vector<std::string> bash_complete(const ShellRun& session,
                                              const std::vector<std::string>& words,
                                              const std::string& setup = "") {
    static const std::string kHarness = R"sh(
eval "$1" || exit 90
shift
spec=$(complete -p tidb-backups) || exit 91
fn=${spec#*-F }
fn=${fn%% *}
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
"$fn" tidb-backups "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
)sh";
    std::string code = setup;
    if (code.empty()) {
        std::string script = session.home.file("tidb-backups.bash");
        session.home.write_file("tidb-backups.bash", generated_script("bash"));
        code = "source '" + script + "'";
    }
    std::vector<std::string> argv = {"bash",   "--norc",  "--noprofile", "-c",
                                     kHarness, "harness", code};
    argv.insert(argv.end(), words.begin(), words.end());
    std::vector<std::string> out = shell_detail::checked_lines(shell_detail::run(session, argv));
    out.erase(std::remove(out.begin(), out.end(), ""), out.end());
    return out;
}

enum class ZshLoad {
    Source,  // `source SCRIPT` after compinit, as ~/.zshrc would
    Fpath,   // SCRIPT is a directory put first in $fpath before compinit: autoloaded
};

// The matches zsh offers when TAB is pressed at the end of `line`.
inline std::vector<std::string> zsh_complete(const ShellRun& session, ZshLoad load,
                                             const std::string& script, const std::string& line) {
    // Runs in the session's zsh: its argument is the directory to record into.
    static const std::string kSetup = R"sh(
out=$1
PS1='' RPROMPT=''
[[ -n $fpath_dir ]] && fpath=($fpath_dir $fpath)
autoload -U compinit && compinit -u -D
[[ -n $script ]] && source $script
# compadd is how every completion function offers matches: record what it adds, then add it.
compadd() {
    local -a added
    if (( ${@[(I)-[OAD]]} )); then
        builtin compadd "$@"
        return
    fi
    builtin compadd -A added "$@"
    (( $#added )) && print -rl -- $added >> $out/matches
    builtin compadd "$@"
}
zstyle ':completion:*' menu no
_record_complete() {
    zle complete-word
    print done > $out/done
}
zle -N _record_complete
bindkey '^I' _record_complete
print ready > $out/ready
)sh";
    // Runs in a plain zsh that drives the session's on a pseudo-terminal.
    static const std::string kDriver = R"sh(
zmodload zsh/zpty || exit 93
out=$1 line=$2 setup=$3
wait_for() {
    local i
    for i in {1..400}; do
        [[ -e $out/$1 ]] && return 0
        sleep 0.025
    done
    zpty -r -t session output
    print -u2 -r -- "no $1 from zsh; it printed: $output"
    exit 94
}
zpty session zsh -f -i
zpty -w session "source ${(q)setup} ${(q)out}"
wait_for ready
zpty -w -n session "$line"$'\t'
wait_for done
zpty -d session
[[ -e $out/matches ]] && cat $out/matches
exit 0
)sh";
    testing::TempDir out;
    std::string setup = "script=" + std::string(load == ZshLoad::Source ? script : "") +
                        "\nfpath_dir=" + std::string(load == ZshLoad::Fpath ? script : "") + "\n" +
                        kSetup;
    std::string setup_path = out.write_file("setup.zsh", setup);
    std::string driver_path = out.write_file("driver.zsh", kDriver);
    std::string record = out.file("record");
    out.write_file("record/.keep", "");
    auto matches = shell_detail::checked_lines(
        shell_detail::run(session, {"zsh", "-f", driver_path, record, line, setup_path}));
    std::sort(matches.begin(), matches.end());
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    return matches;
}

// The candidates of `complete -C line` (without their descriptions), after sourcing `script`;
// with an empty `script`, fish's own autoloading (fish_complete_path) must find it.
inline std::vector<std::string> fish_complete(const ShellRun& session, const std::string& script,
                                              const std::string& line) {
    std::vector<std::string> argv = {
        "fish", "--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", script, line};
    if (script.empty()) {
        argv = {"fish", "-c", "complete -C $argv[1]", line};
    }
    std::vector<std::string> out;
    for (const auto& candidate : shell_detail::checked_lines(shell_detail::run(session, argv))) {
        out.push_back(candidate.substr(0, candidate.find('\t')));
    }
    return out;
}

}  // namespace tidb_backups::e2e
