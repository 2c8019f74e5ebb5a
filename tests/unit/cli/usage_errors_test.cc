// SPDX-License-Identifier: Apache-2.0
// Typos of every command and every flag of the declaration table come back as a suggestion
// naming the word meant: the table, not a hand list, says what to try.
#include <catch2/catch.hpp>

#include <algorithm>
#include <variant>

#include "cli/app.h"
#include "cli/flags.h"
#include "cli/usage_errors.h"

using namespace tidb_backups;

namespace {

EarlyExit early_exit(std::vector<std::string> args) {
    std::vector<const char*> argv = {"tidb-backups"};
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    auto parsed = parse_command_line(static_cast<int>(argv.size()), argv.data());
    REQUIRE(std::holds_alternative<EarlyExit>(parsed));
    return std::get<EarlyExit>(parsed);
}

// Two typos of `word` after its leading dashes: its first two letters swapped, and its middle
// letter dropped (the ones that do not leave the word as it was).
std::vector<std::string> typos_of(const std::string& word) {
    const std::size_t start = word.find_first_not_of('-');
    std::vector<std::string> typos;
    std::string swapped = word;
    std::swap(swapped[start], swapped[start + 1]);
    if (swapped != word) {
        typos.push_back(swapped);
    }
    std::string dropped = word;
    dropped.erase(start + (word.size() - start) / 2, 1);
    typos.push_back(dropped);
    return typos;
}

// The long name of a flag record ("--output" of "-o,--output"); empty for a positional one.
std::string long_name(const Flag& record) {
    for (const auto& name : flag_names(record)) {
        if (name.rfind("--", 0) == 0) {
            return name;
        }
    }
    return {};
}

}  // namespace

TEST_CASE("every command, mistyped, is named and suggested", "[usage]") {
    CommandLine line;
    auto app = build_app(line);
    const std::vector<std::string> commands = command_names(*app);
    CHECK(commands ==
          std::vector<std::string>{"list", "check", "wait", "configure", "completion", "help"});
    for (const auto& command : commands) {
        for (const auto& typo : typos_of(command)) {
            INFO(command << " typed as " << typo);
            EarlyExit exit = early_exit({typo});
            CHECK(exit.code == 2);
            CHECK(exit.err.rfind("tidb-backups: error: unknown command '" + typo + "'\n", 0) == 0);
            CHECK(exit.err.find("hint: did you mean ") != std::string::npos);
            CHECK(exit.err.find(" " + command) != std::string::npos);
        }
    }
}

TEST_CASE("every flag of the table, mistyped, is named and suggested", "[usage]") {
    CommandLine line;
    auto app = build_app(line);
    std::size_t tried = 0;
    // Every name any command accepts: a typo that is itself a flag would prove nothing.
    std::vector<std::string> known = accepted_flag_names(*app, nullptr);
    for (const auto& command : command_names(*app)) {
        for (const CLI::App* sub : app->get_subcommands(
                 [&](const CLI::App* candidate) { return candidate->get_name() == command; })) {
            std::vector<std::string> own = accepted_flag_names(*app, sub);
            known.insert(known.end(), own.begin(), own.end());
        }
    }
    for (const Flag& record : all_flags()) {
        const std::string name = long_name(record);
        if (name.empty()) {
            continue;  // completion's shell: a value, covered by its own test
        }
        // A global flag is tried before any command and after each command that uses it.
        std::vector<std::string> commands(record.commands.begin(), record.commands.end());
        if (record.global) {
            commands.emplace_back();
        }
        for (const auto& command : commands) {
            for (const auto& typo : typos_of(name)) {
                std::vector<std::string> args;
                if (!command.empty()) {
                    args.push_back(command);
                }
                args.push_back(typo);
                INFO(name << " of '" << command << "' typed as " << typo);
                REQUIRE(std::find(known.begin(), known.end(), typo) == known.end());
                EarlyExit exit = early_exit(args);
                CHECK(exit.code == 2);
                CHECK(exit.err.rfind("tidb-backups: error: unknown flag '" + typo + "'", 0) == 0);
                CHECK(exit.err.find("hint: did you mean ") != std::string::npos);
                CHECK(exit.err.find(" " + name) != std::string::npos);
                ++tried;
            }
        }
    }
    CHECK(tried > 2 * all_flags().size());
}

TEST_CASE("a flag of another command says whose it is", "[usage]") {
    EarlyExit exit = early_exit({"check", "--id", "c1", "--limit", "5"});
    CHECK(exit.code == 2);
    CHECK(exit.err ==
          "tidb-backups: error: unknown flag '--limit' for check\n"
          "hint: --limit is a flag of 'tidb-backups list'\n");
}

TEST_CASE("a flag without its value is named, not CLI11's sentence", "[usage]") {
    EarlyExit exit = early_exit({"list", "--id", "c1", "--state"});
    CHECK(exit.code == 2);
    CHECK(exit.err ==
          "tidb-backups: error: --state needs a value (S)\n"
          "hint: run 'tidb-backups list --help' for usage\n");
    CHECK(reword_cli11_message("--state: 1 required S missing") == "--state needs a value (S)");
    CHECK(reword_cli11_message("The following arguments were not expected: 26h --maxage") ==
          "unexpected arguments: 26h --maxage");
}

TEST_CASE("a word after list that could be an id suggests --id", "[usage]") {
    EarlyExit exit = early_exit({"list", "MlaMfzgZ"});
    CHECK(exit.err ==
          "tidb-backups: error: unexpected argument 'MlaMfzgZ'\n"
          "hint: a cluster id is given with --id: tidb-backups list --id MlaMfzgZ\n");
}

TEST_CASE("help and help COMMAND print help, bare prints a short help only at a terminal",
          "[usage]") {
    EarlyExit help = early_exit({"help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("Usage:") != std::string::npos);
    EarlyExit list = early_exit({"help", "list"});
    CHECK(list.code == 0);
    CHECK(list.out.find("--page-size") != std::string::npos);
    EarlyExit unknown = early_exit({"help", "lsit"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err == "tidb-backups: error: unknown command 'lsit'\nhint: did you mean list?\n");

    const char* bare[] = {"tidb-backups"};
    auto at_terminal = parse_command_line(1, bare, true);
    REQUIRE(std::holds_alternative<EarlyExit>(at_terminal));
    CHECK(std::get<EarlyExit>(at_terminal).code == 0);
    CHECK(std::get<EarlyExit>(at_terminal).out.find("\n  configure   ") != std::string::npos);
    CHECK(std::get<EarlyExit>(at_terminal).out.find("tidb-backups list --id CLUSTER_ID") !=
          std::string::npos);
    EarlyExit piped = early_exit({});
    CHECK(piped.code == 2);
    CHECK(piped.err.rfind("tidb-backups: error: no command given\n", 0) == 0);
}
