// SPDX-License-Identifier: Apache-2.0
#include "cli/flags.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/flag_records.h"

namespace tidb_backups {

namespace {

std::vector<Flag> make_flags() {
    std::vector<Flag> flags = global_flag_records();
    std::vector<Flag> own = command_flag_records();
    flags.insert(flags.end(), std::make_move_iterator(own.begin()),
                 std::make_move_iterator(own.end()));
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (static_cast<std::size_t>(flags[i].id) != i) {
            throw std::logic_error("flags.cc: the records are not in FlagId order");
        }
    }
    return flags;
}

bool belongs_to(const Flag& flag, std::string_view command) {
    return std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

}  // namespace

const std::vector<Flag>& all_flags() {
    static const std::vector<Flag> flags = make_flags();
    return flags;
}

const Flag& flag(FlagId id) {
    return all_flags().at(static_cast<std::size_t>(id));
}

std::vector<std::string> flag_names(const Flag& flag) {
    std::vector<std::string> names;
    std::string_view rest = flag.names;
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        names.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return names;
}

const Flag* find_flag(std::string_view command, std::string_view name) {
    const Flag* global = nullptr;
    for (const Flag& flag : all_flags()) {
        const std::vector<std::string> names = flag_names(flag);
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            continue;
        }
        // --help is global and also every command's own; a command's own wins over a global.
        if (!flag.global && belongs_to(flag, command)) {
            return &flag;
        }
        if (flag.global) {
            global = &flag;
        }
    }
    return global;
}

std::string help_text(const Flag& flag) {
    std::string text(flag.help);
    if (auto at = text.find("{choices}"); at != std::string::npos) {
        text.replace(at, 9, fmt::format("{}", fmt::join(flag.choices, ", ")));
    }
    if (!flag.default_text.empty()) {
        text += fmt::format(" (default: {})", flag.default_text);
    }
    if (!flag.env.empty()) {
        text += fmt::format(" [env: {}]", flag.env);
    }
    return text;
}

std::string choices_text(const Flag& flag) {
    const auto& choices = flag.choices;
    if (choices.size() < 2) {
        return choices.empty() ? std::string() : choices.front();
    }
    return fmt::format("{} or {}", fmt::join(choices.begin(), choices.end() - 1, ", "),
                       choices.back());
}

bool is_choice(const Flag& flag, std::string_view value) {
    return std::find(flag.choices.begin(), flag.choices.end(), value) != flag.choices.end();
}

std::string not_a_choice(const Flag& flag, std::string_view value) {
    return fmt::format("invalid value for {}: '{}' (expected {})", flag_names(flag).back(), value,
                       choices_text(flag));
}

}  // namespace tidb_backups
