// SPDX-License-Identifier: Apache-2.0
// What the bash, zsh and fish completion scripts share: quoting, the checks that keep a name
// from being read specially by a shell, and the placeholders of their fixed text. One file per
// shell (bash_completion.cc, zsh_completion.cc, fish_completion.cc) writes its script.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cli/completion_scripts.h"

namespace tidb_backups::completion_detail {

using Kind = ValueCompletion::Kind;

// Reads the [profile] headers of a TOML file: bare, quoted or 'literal' names, CRLF lines
// and trailing comments allowed. No single quote inside, so every shell can quote it as is.
inline constexpr std::string_view kProfileAwk = R"awk(awk '
        { sub(/\r$/, "") }
        /^[ \t]*\[[^[]/ {
            name = $0
            sub(/^[ \t]*\[[ \t]*/, "", name)
            sub(/[ \t]*\].*$/, "", name)
            q = substr(name, 1, 1)
            if ((q == "\"" || q == sprintf("%c", 39)) && length(name) > 1 && substr(name, length(name)) == q)
                name = substr(name, 2, length(name) - 2)
            if (name != "") print name
        }')awk";

bool is_word_char(char c);

// Names and words go into the scripts unquoted (case patterns, word lists), so they must not
// hold anything a shell would read specially.
const std::string& checked(const std::string& word);

// The words, each checked, joined by spaces.
std::string checked_words(const std::vector<std::string>& words);

// A relative path of such names.
const std::string& checked_path(const std::string& path);

std::string replace_all(std::string text, std::string_view from, std::string_view to);

// 'text' for bash and zsh.
std::string sh_quote(std::string_view text);

// 'text' for fish, where a backslash escapes a backslash or a quote inside single quotes.
std::string fish_quote(std::string_view text);

// The words joined by spaces, continued over lines of at most 100 columns (for bash, whose
// backslash-newline continues a command). The first line starts at column `first`; the next
// ones are indented by `indent`.
std::string wrapped(const std::vector<std::string>& words, std::size_t first, std::size_t indent);

std::vector<std::string> names_of(const std::vector<CompletionFlag>& flags);

// A shell-safe identifier from the program name: "tidb-backups" -> "tidb_backups".
std::string identifier(const std::string& program);

// Fills the placeholders of a script's fixed text (never of descriptions, which are data).
std::string expand(std::string_view text, const CompletionSpec& spec, const std::string& fn);

std::string header(const CompletionSpec& spec, std::string_view shell);

std::string bash_script(const CompletionSpec& spec);
std::string zsh_script(const CompletionSpec& spec);
std::string fish_script(const CompletionSpec& spec);

}  // namespace tidb_backups::completion_detail
