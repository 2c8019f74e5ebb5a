// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <map>

#include "cli/terminal.h"

using namespace tidb_backups;

namespace {

Getenv env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

const TerminalFacts kTerminal{true, 100};
const TerminalFacts kPipe{false, 0};

}  // namespace

TEST_CASE("colour: auto means a terminal, always and never mean what they say", "[table]") {
    CHECK(output_style(ColorMode::Auto, kTerminal, env({})).color);
    CHECK_FALSE(output_style(ColorMode::Auto, kPipe, env({})).color);
    CHECK(output_style(ColorMode::Always, kPipe, env({})).color);
    CHECK_FALSE(output_style(ColorMode::Never, kTerminal, env({})).color);
}

TEST_CASE("colour: NO_COLOR turns auto off, --color always still wins", "[table]") {
    CHECK_FALSE(output_style(ColorMode::Auto, kTerminal, env({{"NO_COLOR", "1"}})).color);
    CHECK(output_style(ColorMode::Auto, kTerminal, env({{"NO_COLOR", ""}})).color);  // empty: unset
    CHECK(output_style(ColorMode::Always, kTerminal, env({{"NO_COLOR", "1"}})).color);
}

TEST_CASE("colour: CLICOLOR_FORCE forces it unless 0, --color never or NO_COLOR", "[table]") {
    CHECK(output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", "1"}})).color);
    CHECK(output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", "yes"}})).color);
    CHECK_FALSE(output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", "0"}})).color);
    CHECK_FALSE(output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", ""}})).color);
    CHECK_FALSE(output_style(ColorMode::Never, kPipe, env({{"CLICOLOR_FORCE", "1"}})).color);
    CHECK_FALSE(
        output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}}))
            .color);
}

TEST_CASE("colour: a dumb terminal gets none unless asked", "[table]") {
    CHECK_FALSE(output_style(ColorMode::Auto, kTerminal, env({{"TERM", "dumb"}})).color);
    CHECK(output_style(ColorMode::Auto, kTerminal, env({{"TERM", "xterm-256color"}})).color);
    CHECK(output_style(ColorMode::Always, kTerminal, env({{"TERM", "dumb"}})).color);
}

TEST_CASE("width: the terminal's, COLUMNS when it is a positive number, none for a pipe",
          "[table]") {
    CHECK(output_style(ColorMode::Auto, kTerminal, env({})).width == 100);
    CHECK(output_style(ColorMode::Auto, kTerminal, env({{"COLUMNS", "60"}})).width == 60);
    for (const char* ignored : {"0", "-5", "wide", "", "60x"}) {
        INFO(ignored);
        CHECK(output_style(ColorMode::Auto, kTerminal, env({{"COLUMNS", ignored}})).width == 100);
    }
    CHECK(output_style(ColorMode::Auto, kPipe, env({{"COLUMNS", "60"}})).width == 0);
    CHECK(output_style(ColorMode::Always, kPipe, env({})).width == 0);
    CHECK(output_style(ColorMode::Auto, TerminalFacts{true, 0}, env({})).width == 0);
}

TEST_CASE("terminal: server text is kept off a terminal whatever colour says", "[terminal]") {
    CHECK(output_style(ColorMode::Auto, kTerminal, env({})).terminal);
    CHECK(output_style(ColorMode::Never, kTerminal, env({{"NO_COLOR", "1"}})).terminal);
    CHECK(output_style(ColorMode::Auto, kTerminal, env({{"TERM", "dumb"}})).terminal);
    CHECK_FALSE(output_style(ColorMode::Always, kPipe, env({})).terminal);
    CHECK_FALSE(output_style(ColorMode::Auto, kPipe, env({{"CLICOLOR_FORCE", "1"}})).terminal);
}
