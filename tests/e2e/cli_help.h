// SPDX-License-Identifier: Apache-2.0
// What the completion, man page and install tests check the documents against: every command
// and flag that the real binary's --help shows, and the files of the source tree.
#pragma once

#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace tidb_backups::e2e {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A file of the source tree, by its path from the top ("completions/_tidb-backups").
inline std::string source_path(const std::string& relative) {
    return std::string(TIDB_BACKUPS_SOURCE_DIR) + "/" + relative;
}

// The first of /usr/bin and /bin holding an executable `name`, or "" (the tests' PATH).
inline std::string find_program(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"}) {
        std::string path = dir + name;
        if (access(path.c_str(), X_OK) == 0) {
            return path;
        }
    }
    return "";
}

// Runs the CLI with `args` in a private HOME; throws unless it exits 0.
inline std::string cli_output(const std::vector<std::string>& args) {
    testing::TempDir home;
    testing::ProcessResult result = testing::run_cli(args, testing::base_env(home));
    if (result.exit_code != 0) {
        throw std::runtime_error("tidb-backups failed: " + result.describe());
    }
    return result.out;
}

namespace help_detail {

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

// The indented lines of the sections whose heading (an unindented line ending in ':')
// satisfies `wanted`.
template <typename Wanted>
std::vector<std::string> section_lines(const std::string& help, Wanted wanted) {
    std::vector<std::string> out;
    bool inside = false;
    for (const auto& line : lines(help)) {
        if (!line.empty() && line[0] != ' ') {
            inside = line.back() == ':' && wanted(line);
            continue;
        }
        if (inside && line.size() > 2) {
            out.push_back(line.substr(line.find_first_not_of(' ')));
        }
    }
    return out;
}

}  // namespace help_detail

// The commands that `tidb-backups --help` lists.
inline std::vector<std::string> help_commands() {
    std::vector<std::string> commands;
    for (const auto& line : help_detail::section_lines(
             cli_output({"--help"}), [](const std::string& h) { return h == "Subcommands:"; })) {
        commands.push_back(line.substr(0, line.find(' ')));
    }
    return commands;
}

// The flags ("-o", "--output") that `tidb-backups [command] --help` shows in its option
// sections ("Options:", "Global options:").
inline std::vector<std::string> help_flags(const std::string& command) {
    std::vector<std::string> args;
    if (!command.empty()) {
        args.push_back(command);
    }
    args.push_back("--help");
    std::vector<std::string> flags;
    auto is_options = [](const std::string& heading) {
        return heading.size() >= 8 && (heading.compare(heading.size() - 8, 8, "options:") == 0 ||
                                       heading.compare(heading.size() - 8, 8, "Options:") == 0);
    };
    for (const auto& line : help_detail::section_lines(cli_output(args), is_options)) {
        if (line[0] != '-') {
            continue;
        }
        std::istringstream names(line.substr(0, line.find(' ')));
        for (std::string name; std::getline(names, name, ',');) {
            flags.push_back(name);
        }
    }
    return flags;
}

// Every command ("" for the program itself) with the flags its --help shows.
inline std::map<std::string, std::vector<std::string>> every_help_flag() {
    std::map<std::string, std::vector<std::string>> flags;
    flags[""] = help_flags("");
    for (const auto& command : help_commands()) {
        flags[command] = help_flags(command);
    }
    return flags;
}

}  // namespace tidb_backups::e2e
