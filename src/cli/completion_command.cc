// SPDX-License-Identifier: Apache-2.0
#include "cli/completion_command.h"

#include <algorithm>

#include "cli/app.h"
#include "cli/flags.h"
#include "cli/report.h"

namespace tidb_backups {

namespace {

constexpr const char* kCompletionFooter = R"(Examples:
  source <(tidb-backups completion bash)        # bash, this session (put it in ~/.bashrc)
  tidb-backups completion bash > ~/.local/share/bash-completion/completions/tidb-backups
  tidb-backups completion zsh > ~/.zfunc/_tidb-backups   # with fpath+=(~/.zfunc) before compinit
  tidb-backups completion fish > ~/.config/fish/completions/tidb-backups.fish

Packages install them for you (bash-completion, zsh vendor-completions, fish
vendor_completions.d). --profile completes the [profile] names of the config file.)";

bool repeatable(const CLI::Option& option) {
    auto policy = option.get_multi_option_policy();
    return policy == CLI::MultiOptionPolicy::TakeAll || policy == CLI::MultiOptionPolicy::Join ||
           option.get_items_expected_max() > 1;
}

CompletionFlag describe_flag(const CLI::App& app, const CLI::Option& option,
                             std::string_view command) {
    CompletionFlag flag;
    for (const auto& name : option.get_snames()) {
        flag.names.push_back("-" + name);
    }
    for (const auto& name : option.get_lnames()) {
        flag.names.push_back("--" + name);
    }
    flag.description = one_line(option.get_description());
    // A flag proper expects no value (CLI11 sets expected(0)) whatever the type it fills.
    flag.takes_value = option.get_expected_max() > 0 && option.get_type_size_max() > 0;
    flag.repeatable = repeatable(option);
    flag.exits = &option == app.get_help_ptr() || &option == app.get_version_ptr();
    if (flag.takes_value) {
        flag.value_name = option.get_type_name();
        flag.value = value_completion(command, flag.names.back());
    }
    return flag;
}

// The flags of `app` that --help shows, --help and --version last.
std::vector<CompletionFlag> visible_flags(const CLI::App& app, std::string_view command) {
    std::vector<CompletionFlag> flags;
    std::vector<CompletionFlag> exits;
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_positional() || option->get_group().empty()) {
            continue;
        }
        CompletionFlag flag = describe_flag(app, *option, command);
        (flag.exits ? exits : flags).push_back(std::move(flag));
    }
    flags.insert(flags.end(), exits.begin(), exits.end());
    return flags;
}

}  // namespace

ValueCompletion value_completion(std::string_view command, std::string_view name) {
    const Flag* record = find_flag(command, name);
    if (record == nullptr) {
        return {};
    }
    return {record->completion, record->completion == ValueCompletion::Kind::Words ||
                                        record->completion == ValueCompletion::Kind::CommaSeparated
                                    ? record->choices
                                    : std::vector<std::string>{}};
}

CompletionSpec completion_spec(const CLI::App& app) {
    CompletionSpec spec;
    spec.program = app.get_name();
    // As config_file.cc looks for it.
    spec.config = {"--config", "TIDB_BACKUPS_CONFIG", "tidb-backups/config.toml"};
    for (auto& flag : visible_flags(app, "")) {
        (flag.exits ? spec.program_flags : spec.global_flags).push_back(std::move(flag));
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App* sub) {
             return !sub->get_group().empty() && !sub->get_disabled();
         })) {
        CompletionCommand command;
        command.name = sub->get_name();
        command.description = one_line(sub->get_description());
        command.flags = visible_flags(*sub, command.name);
        for (const CLI::Option* option : sub->get_options()) {
            if (option->get_positional() && !option->get_group().empty()) {
                std::string name = option->get_name();
                command.arguments.push_back({name, one_line(option->get_description()),
                                             value_completion(command.name, name)});
            }
        }
        spec.commands.push_back(std::move(command));
    }
    return spec;
}

CLI::App* add_completion_command(CLI::App& app, CommandLine& line) {
    CLI::App* command = app.add_subcommand(
        "completion", "Print a completion script for bash, zsh or fish (commands, flags, values)");
    command->footer(kCompletionFooter);
    command->callback([&line] { line.command = execute_completion; });
    add_flag(*command, FlagId::Shell, line.completion.shell)
        ->required()
        ->check(CLI::IsMember(flag(FlagId::Shell).choices));
    return command;
}

int execute_completion(const CommandLine& line, CommandContext& context) {
    const CompletionOptions& options = line.completion;
    CommandLine declared;
    std::unique_ptr<CLI::App> app = build_app(declared);
    auto shell = parse_shell(options.shell);
    if (!shell) {  // CLI11 has checked it; this is for callers that did not parse
        return fail(context, make_error(ErrorKind::Usage, "unknown shell '" + options.shell +
                                                              "'; use bash, zsh or fish"));
    }
    context.out << completion_script(completion_spec(*app), *shell) << std::flush;
    return 0;
}

}  // namespace tidb_backups
