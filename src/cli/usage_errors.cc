// SPDX-License-Identifier: Apache-2.0
#include "cli/usage_errors.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "cli/flags.h"
#include "cli/report.h"
#include "cli/suggest.h"
#include "core/endpoint.h"

namespace tidb_backups {

namespace {

constexpr std::string_view kHelpCommand = "help";

bool is_command(const CLI::App* sub) {
    return !sub->get_group().empty() && !sub->get_disabled();
}

const CLI::App* find_command(const CLI::App& app, std::string_view name) {
    for (const CLI::App* sub : app.get_subcommands(is_command)) {
        if (sub->get_name() == name) {
            return sub;
        }
    }
    return nullptr;
}

void add_names(const CLI::App& app, std::vector<std::string>& names) {
    for (const CLI::Option* option : app.get_options()) {
        for (const auto& name : option->get_lnames()) {
            names.push_back("--" + name);
        }
        for (const auto& name : option->get_snames()) {
            names.push_back("-" + name);
        }
    }
}

// The option `name` ("--max-age", "-o") of `command` or of the program.
const CLI::Option* find_option(const CLI::App& app, const CLI::App* command,
                               const std::string& name) {
    if (command != nullptr) {
        if (const CLI::Option* option = command->get_option_no_throw(name)) {
            return option;
        }
    }
    return app.get_option_no_throw(name);
}

std::string usage_hint(const CLI::App* command) {
    return command == nullptr
               ? std::string("run 'tidb-backups --help' for usage")
               : fmt::format("run 'tidb-backups {} --help' for usage", command->get_name());
}

// A word a cluster id could be: letters and digits (and - or _), no dot or slash.
bool looks_like_id(std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
}

Error unknown_command(const CLI::App& app, const std::string& word) {
    if (word == "version") {
        return usage("unknown command 'version'", "did you mean --version?");
    }
    std::string hint = did_you_mean(nearest(word, command_names(app)));
    if (hint.empty()) {
        hint = fmt::format("commands: {}; run 'tidb-backups help' for more",
                           fmt::join(command_names(app), ", "));
    }
    return usage(fmt::format("unknown command '{}'", word), hint);
}

Error unknown_flag(const CLI::App& app, const CLI::App* command, const std::string& name) {
    const std::string where = command == nullptr ? "" : " for " + command->get_name();
    // A flag of another command: say whose it is rather than guess a near one of this one.
    for (const Flag& record : all_flags()) {
        const std::vector<std::string> names = flag_names(record);
        if (std::find(names.begin(), names.end(), name) != names.end() && !record.global &&
            !record.commands.empty()) {
            return usage(fmt::format("unknown flag '{}'{}", name, where),
                         fmt::format("{} is a flag of 'tidb-backups {}'", name,
                                     fmt::join(record.commands, "' and 'tidb-backups ")));
        }
    }
    std::vector<std::string> candidates;
    const bool long_form = name.rfind("--", 0) == 0;
    for (const auto& known : accepted_flag_names(app, command)) {
        if ((known.rfind("--", 0) == 0) == long_form) {
            candidates.push_back(known);
        }
    }
    std::string hint = did_you_mean(nearest(name, candidates));
    return usage(fmt::format("unknown flag '{}'{}", name, where),
                 hint.empty() ? usage_hint(command) : hint);
}

Error missing_value(const CLI::App* command, const CLI::Option* option, const std::string& name) {
    return usage(fmt::format("{} needs a value ({})", name, option->get_type_name()),
                 usage_hint(command));
}

}  // namespace

std::vector<std::string> command_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands(is_command)) {
        names.push_back(sub->get_name());
    }
    names.emplace_back(kHelpCommand);
    return names;
}

std::vector<std::string> accepted_flag_names(const CLI::App& app, const CLI::App* command) {
    std::vector<std::string> names;
    if (command != nullptr) {
        add_names(*command, names);
    }
    add_names(app, names);
    names.erase(std::remove(names.begin(), names.end(), "--version"), names.end());
    if (command == nullptr) {
        names.emplace_back("--version");
    }
    return names;
}

std::optional<Error> diagnose_arguments(const CLI::App& app, const std::vector<std::string>& args) {
    const CLI::App* command = nullptr;
    std::size_t positionals = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            break;
        }
        if (word.size() > 1 && word[0] == '-') {
            const bool long_form = word.rfind("--", 0) == 0;
            const std::size_t equals = word.find('=');
            // "-vv" and "-ojson" name the option by their first letter.
            std::string name = long_form ? word.substr(0, equals) : word.substr(0, 2);
            const CLI::Option* option = find_option(app, command, name);
            if (option == nullptr) {
                if (!long_form && std::isdigit(static_cast<unsigned char>(word[1])) != 0) {
                    continue;  // a negative number is a value, judged by the flag before it
                }
                return unknown_flag(app, command, name);
            }
            if (name == "--version" && command != nullptr) {
                return usage(fmt::format("--version is not a flag of {}", command->get_name()),
                             "run 'tidb-backups --version'");
            }
            const bool takes_value = option->get_type_size_max() > 0;
            const bool value_attached = long_form ? equals != std::string::npos : word.size() > 2;
            if (takes_value && !value_attached) {
                if (i + 1 == args.size() ||
                    (args[i + 1].size() > 1 && args[i + 1][0] == '-' &&
                     std::isdigit(static_cast<unsigned char>(args[i + 1][1])) == 0)) {
                    return missing_value(command, option, name);
                }
                ++i;
            }
            continue;
        }
        if (command == nullptr) {
            command = find_command(app, word);
            if (command == nullptr) {
                return unknown_command(app, word);
            }
            continue;
        }
        std::vector<const CLI::Option*> arguments = command->get_options(
            [](const CLI::Option* option) { return option->get_positional(); });
        if (positionals < arguments.size()) {
            const Flag* record = find_flag(command->get_name(), arguments[positionals]->get_name());
            if (record != nullptr && !record->choices.empty() && !is_choice(*record, word)) {
                std::string hint = did_you_mean(nearest(word, record->choices));
                return usage(not_a_choice(*record, word),
                             hint.empty() ? usage_hint(command) : hint);
            }
            ++positionals;
            continue;
        }
        const std::string name = command->get_name();
        if ((name == "list" || name == "check") && looks_like_id(word)) {
            return usage(fmt::format("unexpected argument '{}'", word),
                         fmt::format("a cluster id is given with --id: tidb-backups {} --id {}",
                                     name, word));
        }
        // A URL may carry a password: it is repeated without it.
        const bool url =
            word.find("://") != std::string::npos && word.find('@') != std::string::npos;
        return usage(
            fmt::format("unexpected argument '{}'", url ? redact_url_credentials(word) : word),
            usage_hint(command));
    }
    if (command == nullptr) {
        return usage("no command given",
                     fmt::format("commands: {}; try 'tidb-backups list --region REGION --id ID'",
                                 fmt::join(command_names(app), ", ")));
    }
    return std::nullopt;
}

std::string reword_cli11_message(std::string_view message) {
    // "--state: 1 required S missing": a flag given without its value.
    static const std::regex missing(R"(^(\S+): \d+ required (\S+) missing$)");
    // "The following arguments were not expected: 26h --maxage" (in reverse order).
    static const std::regex extras(R"(^The following arguments? (?:was|were) not expected: (.*)$)");
    std::string text = one_line(std::string(message));
    std::smatch match;
    if (std::regex_match(text, match, missing)) {
        return fmt::format("{} needs a value ({})", match[1].str(), match[2].str());
    }
    if (std::regex_match(text, match, extras)) {
        return fmt::format("unexpected arguments: {}", match[1].str());
    }
    return text;
}

}  // namespace tidb_backups
