// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "cli/app.h"
#include "cli/completion_command.h"
#include "cli/completion_scripts.h"
#include "render/renderer.h"
#include "support/process.h"
#include "support/skip.h"

using namespace tidb_backups;

namespace {

struct Declared {
    CommandLine line;
    std::unique_ptr<CLI::App> app = build_app(line);
    CompletionSpec spec = completion_spec(*app);
};

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

// Every flag name of `app` as written on the command line, hidden ones left out.
std::vector<std::string> flag_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_positional() || option->get_group().empty()) {
            continue;
        }
        for (const auto& name : option->get_snames()) {
            names.push_back("-" + name);
        }
        for (const auto& name : option->get_lnames()) {
            names.push_back("--" + name);
        }
    }
    return names;
}

const CompletionFlag* find_flag(const std::vector<CompletionFlag>& flags, const std::string& name) {
    for (const auto& flag : flags) {
        if (std::find(flag.names.begin(), flag.names.end(), name) != flag.names.end()) {
            return &flag;
        }
    }
    return nullptr;
}

const CompletionCommand* find_command(const CompletionSpec& spec, const std::string& name) {
    for (const auto& command : spec.commands) {
        if (command.name == name) {
            return &command;
        }
    }
    return nullptr;
}

ValueCompletion list_value(const CompletionSpec& spec, const std::string& flag) {
    const CompletionFlag* found = find_flag(find_command(spec, "list")->flags, flag);
    REQUIRE(found != nullptr);
    return found->value;
}

}  // namespace

TEST_CASE("the completion spec has every command and every flag the app declares", "[completion]") {
    Declared declared;
    const CLI::App& app = *declared.app;
    CHECK(declared.spec.program == "tidb-backups");
    for (const auto& name : flag_names(app)) {
        INFO(name);
        CHECK((find_flag(declared.spec.global_flags, name) != nullptr ||
               find_flag(declared.spec.program_flags, name) != nullptr));
    }
    CHECK(find_flag(declared.spec.program_flags, "--version") != nullptr);
    CHECK(find_flag(declared.spec.program_flags, "--help") != nullptr);
    CHECK(find_flag(declared.spec.global_flags, "--version") == nullptr);

    REQUIRE(declared.spec.commands.size() == commands_of(app).size());
    for (const CLI::App* sub : commands_of(app)) {
        const CompletionCommand* command = find_command(declared.spec, sub->get_name());
        REQUIRE(command != nullptr);
        CHECK(command->description == sub->get_description());
        for (const auto& name : flag_names(*sub)) {
            INFO(sub->get_name() << " " << name);
            CHECK(find_flag(command->flags, name) != nullptr);
        }
        // The scripts offer the global flags after every command, as CLI11 accepts them there.
        CHECK(sub->get_fallthrough());
    }
}

TEST_CASE("flags know whether they take a value and whether they repeat", "[completion]") {
    Declared declared;
    const auto& globals = declared.spec.global_flags;
    CHECK(find_flag(globals, "--region")->takes_value);
    CHECK(find_flag(globals, "--region")->value_name == "REGION");
    CHECK_FALSE(find_flag(globals, "--insecure")->takes_value);
    CHECK(find_flag(globals, "-v")->repeatable);
    CHECK(find_flag(globals, "-v")->names == std::vector<std::string>{"-v", "--verbose"});
    CHECK_FALSE(find_flag(globals, "--region")->repeatable);
    const auto& list = find_command(declared.spec, "list")->flags;
    CHECK(find_flag(list, "--id")->repeatable);
    CHECK(find_flag(list, "--id")->takes_value);
    CHECK_FALSE(find_flag(list, "--dry-run")->takes_value);
    CHECK(find_flag(list, "--help")->exits);
    CHECK(list.back().exits);  // --help comes last
}

TEST_CASE(
    "the flag records give -o, --color, --fields, --sort-by, --state and --profile their "
    "values",
    "[completion]") {
    Declared declared;
    using Kind = ValueCompletion::Kind;
    const auto& spec = declared.spec;
    CHECK(list_value(spec, "-o").kind == Kind::Words);
    CHECK(list_value(spec, "-o").words == output_format_names());
    const std::vector<std::string> fields = {"BackupId",   "BackupStartTime", "BackupEndTime",
                                             "BackupSize", "State",           "BackupType",
                                             "BackupName", "ClusterId",       "Region"};
    CHECK(list_value(spec, "--fields").kind == Kind::CommaSeparated);
    CHECK(list_value(spec, "--fields").words == fields);
    CHECK(list_value(spec, "--sort-by").kind == Kind::Words);
    CHECK(list_value(spec, "--sort-by").words == fields);
    CHECK(list_value(spec, "--state").words ==
          std::vector<std::string>{"Success", "Failed", "Running"});
    CHECK(list_value(spec, "--ids-from").kind == Kind::Files);
    CHECK(list_value(spec, "--id").kind == Kind::Any);
    CHECK(find_flag(spec.global_flags, "--color")->value.words ==
          std::vector<std::string>{"auto", "always", "never"});
    CHECK(find_flag(spec.global_flags, "--profile")->value.kind == Kind::Profiles);
    CHECK(find_flag(spec.global_flags, "--config")->value.kind == Kind::Files);
    CHECK(find_flag(spec.global_flags, "--ca-bundle")->value.kind == Kind::Files);
    const CompletionCommand* completion = find_command(spec, "completion");
    REQUIRE(completion->arguments.size() == 1);
    CHECK(completion->arguments[0].value.words == shell_names());
}

TEST_CASE("each script names every command and flag, and is the same every time", "[completion]") {
    Declared declared;
    for (const auto& shell : shell_names()) {
        const std::string script = completion_script(declared.spec, *parse_shell(shell));
        CHECK(script == completion_script(Declared().spec, *parse_shell(shell)));
        for (const auto& command : declared.spec.commands) {
            CHECK(script.find(command.name) != std::string::npos);
        }
        for (const auto& name : flag_names(*declared.app)) {
            INFO(shell << " " << name);
            CHECK(script.find(name.substr(name.find_first_not_of('-'))) != std::string::npos);
        }
    }
    CHECK_FALSE(parse_shell("tcsh"));
}

TEST_CASE("a word that a shell would read specially is refused, and descriptions are quoted",
          "[completion]") {
    CompletionSpec spec;
    spec.program = "tool";
    spec.config = {"--config", "TOOL_CONFIG", "tool/config.toml"};
    CompletionFlag flag;
    flag.names = {"--mode"};
    flag.takes_value = true;
    flag.value = {ValueCompletion::Kind::Words, {"a", "b;rm -rf /"}};
    spec.global_flags.push_back(flag);
    for (const auto& shell : shell_names()) {
        CHECK_THROWS_AS(completion_script(spec, *parse_shell(shell)), std::invalid_argument);
    }

    // A description with quotes, brackets, colons and a backslash: each script still parses.
    spec.global_flags[0].value.words = {"a", "b"};
    spec.global_flags[0].description = R"(It's [really] "odd": C:\ $HOME `x` \' end)";
    CompletionCommand command;
    command.name = "run";
    command.description = "Run it: 'now' [or] later";
    command.arguments.push_back({"what", "The thing: it's", {ValueCompletion::Kind::Files, {}}});
    spec.commands.push_back(command);
    for (const auto& shell : shell_names()) {
        testing::TempDir dir;
        std::string path = dir.write_file("script", completion_script(spec, *parse_shell(shell)));
        testing::ProcessSpec check;
        check.argv = {shell, "-n", path};
        check.env = {{"PATH", "/usr/bin:/bin"}, {"HOME", dir.path()}};
        testing::ProcessResult result;
        try {
            result = testing::run_process(check);
        } catch (const std::system_error&) {
            testing::mark_skipped(std::string(shell) + " is not installed (apt-get install " +
                                  std::string(shell) + ")");
            continue;
        }
        INFO(shell << ": " << result.describe());
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
    }
}
