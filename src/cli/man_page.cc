// SPDX-License-Identifier: Apache-2.0
#include "cli/man_page.h"

#include <sstream>
#include <stdexcept>
#include <vector>

#include "cli/flags.h"

namespace tidb_backups {

namespace {

constexpr std::string_view kPlaceholderStart = "@OPTIONS ";

// A name as roff prints it: a hyphen is "\-", so it is not hyphenated or turned into a dash.
std::string roff_name(std::string_view name) {
    std::string out;
    for (char c : name) {
        out += c == '-' ? std::string("\\-") : std::string(1, c);
    }
    return out;
}

// ".BR \-o ", " \-\-output " \fIFORMAT\fR"": the names in bold, the value in italics.
std::string heading(const Flag& flag, bool positional) {
    const std::vector<std::string> names = flag_names(flag);
    if (positional) {
        return ".I " + names.front();
    }
    const std::string value = roff_name(flag.value_name);
    if (names.size() == 1) {
        return flag.value_name.empty() ? ".B " + roff_name(names[0])
                                       : ".BI " + roff_name(names[0]) + " \" " + value + "\"";
    }
    std::string line = ".BR " + roff_name(names[0]);
    for (std::size_t i = 1; i < names.size(); ++i) {
        line += " \", \" " + roff_name(names[i]);
    }
    if (!flag.value_name.empty()) {
        line += " \" \\fI" + value + "\\fR\"";
    }
    return line;
}

std::string item(const CLI::Option& option, std::string_view command) {
    const Flag* record = find_flag(command, option.get_name());
    if (record == nullptr) {
        throw std::logic_error("no record for " + option.get_name());
    }
    return ".TP\n" + heading(*record, option.get_positional()) + "\n" + std::string(record->man) +
           "\n";
}

// The options of `app` that --help shows, --help and --version last; for a command, without
// --help, which the global ones describe.
std::string options_text(const CLI::App& app, std::string_view command) {
    std::string text;
    std::string last;
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_group().empty()) {
            continue;
        }
        const bool exits = option == app.get_help_ptr() || option == app.get_version_ptr();
        if (exits && !command.empty()) {
            continue;
        }
        (exits ? last : text) += item(*option, command);
    }
    return text + last;
}

const CLI::App* command_named(const CLI::App& app, std::string_view name) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name() == name) {
            return sub;
        }
    }
    return nullptr;
}

}  // namespace

std::string man_page(std::string_view page_template, const CLI::App& app) {
    std::string page;
    std::istringstream lines{std::string(page_template)};
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(kPlaceholderStart, 0) != 0 || line.back() != '@') {
            page += line + "\n";
            continue;
        }
        std::string name =
            line.substr(kPlaceholderStart.size(), line.size() - kPlaceholderStart.size() - 1);
        if (name == "global") {
            page += options_text(app, "");
            continue;
        }
        const CLI::App* command = command_named(app, name);
        if (command == nullptr) {
            throw std::invalid_argument("the man page template names no command '" + name + "'");
        }
        page += options_text(*command, name);
    }
    return page;
}

}  // namespace tidb_backups
