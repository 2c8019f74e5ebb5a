// SPDX-License-Identifier: Apache-2.0
// The man page, docs/tidb-backups.1: generated from its template as committed, it renders
// without a warning, and it describes every command and flag that --help shows, the environment
// and the exit codes.
#include <optional>
#include <regex>

#include <catch2/catch.hpp>

#include "cli_help.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

const std::string kManPage = "docs/tidb-backups.1";

// The page's source with roff's escaped hyphens made plain: "\-\-ids\-from" -> "--ids-from".
std::string man_source() {
    return std::regex_replace(read_text(source_path(kManPage)), std::regex(R"(\\-)"), "-");
}

// groff's rendering as plain text (no bold, underline or colour); nullopt without groff.
std::optional<std::string> rendered(const std::string& path, std::string* warnings = nullptr) {
    std::string groff = find_program("groff");
    if (groff.empty()) {
        return std::nullopt;
    }
    testing::TempDir home;
    testing::ProcessSpec spec;
    spec.argv = {groff, "-man", "-ww", "-Tutf8", "-P-cbou", path};
    spec.env = testing::base_env(home);
    testing::ProcessResult result = testing::run_process(spec);
    if (result.exit_code != 0) {
        throw std::runtime_error("groff failed: " + result.describe());
    }
    if (warnings != nullptr) {
        *warnings = result.err;
    }
    return result.out;
}

// The text of section `name` of a rendered page: from its heading to the next one.
std::string section(const std::string& page, const std::string& name) {
    std::smatch match;
    if (!std::regex_search(page, match, std::regex("(^|\n)" + name + "\n"))) {
        return "";
    }
    std::string rest = "\n" + match.suffix().str();
    std::smatch next;
    if (std::regex_search(rest, next, std::regex("\n[A-Z][A-Z ]+\n"))) {
        return rest.substr(0, static_cast<std::size_t>(next.position(0)));
    }
    return rest;
}

bool has_word(const std::string& text, const std::string& word) {
    // Not part of a longer name: "--type" must not be found in "--type-x" or "--types".
    std::string pattern;
    for (char c : word) {
        pattern +=
            std::isalnum(static_cast<unsigned char>(c)) ? std::string(1, c) : std::string("\\") + c;
    }
    return std::regex_search(text,
                             std::regex("(^|[^A-Za-z0-9_-])" + pattern + "($|[^A-Za-z0-9_-])"));
}

}  // namespace

TEST_CASE("docs/tidb-backups.1 holds exactly what the build generates from its template",
          "[e2e][man]") {
    testing::TempDir dir;
    testing::ProcessSpec spec;
    spec.argv = {std::string(TIDB_BACKUPS_BUILD_DIR) + "/src/tidb-backups-man",
                 source_path(kManPage + ".in"), dir.path() + "/tidb-backups.1"};
    spec.env = testing::base_env(dir);
    testing::ProcessResult result = testing::run_process(spec);
    REQUIRE(result.exit_code == 0);
    INFO(kManPage << " differs from what tidb-backups-man makes of " << kManPage
                  << ".in and the flag records. Regenerate it with\n"
                  << "  cmake --build BUILD_DIR --target docs");
    CHECK(read_text(source_path(kManPage)) == read_text(dir.path() + "/tidb-backups.1"));
}

TEST_CASE("the man page renders without warnings and has the usual sections", "[e2e][man]") {
    std::string warnings;
    std::optional<std::string> rendering = rendered(source_path(kManPage), &warnings);
    if (!rendering) {
        TIDB_SKIP("groff is not installed (apt-get install groff-base)");
    }
    const std::string& page = *rendering;
    CHECK(warnings.empty());
    CHECK(page.find("tidb-backups - list and check the backups") != std::string::npos);
    for (const auto& name : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS",
                             "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"}) {
        INFO(name);
        CHECK(!section(page, name).empty());
    }
}

TEST_CASE("the man page describes every command and every flag that --help shows", "[e2e][man]") {
    const std::string source = man_source();
    const std::optional<std::string> page = rendered(source_path(kManPage));
    if (!page) {
        // The flags are still checked in the source; the rendered COMMANDS section is not.
        testing::mark_skipped("groff is not installed (apt-get install groff-base)");
    }
    const std::string commands = page ? section(*page, "COMMANDS") : "";
    for (const auto& [command, flags] : every_help_flag()) {
        if (!command.empty() && page) {
            INFO("command " << command << " is not an item of the man page's COMMANDS");
            CHECK(std::regex_search(commands, std::regex("\n {7}" + command + "\\b")));
        }
        for (const auto& flag : flags) {
            INFO((command.empty() ? "tidb-backups" : command)
                 << " " << flag << " is not in " << kManPage);
            CHECK(has_word(source, flag));
        }
    }
}

TEST_CASE("the man page lists the environment variables and the exit codes", "[e2e][man]") {
    std::optional<std::string> rendering = rendered(source_path(kManPage));
    if (!rendering) {
        TIDB_SKIP("groff is not installed (apt-get install groff-base)");
    }
    const std::string& page = *rendering;
    const std::string environment = section(page, "ENVIRONMENT");
    for (const auto& name : {"SIGCALCLOUD_PUBLIC_KEY", "SIGCALCLOUD_PRIVATE_KEY",
                             "SIGCALCLOUD_REGION", "SIGCALCLOUD_PROJECT_ID", "SIGCALCLOUD_ENDPOINT",
                             "SIGCALCLOUD_PROFILE", "TIDB_BACKUPS_CONFIG", "XDG_CONFIG_HOME",
                             "NO_COLOR", "CLICOLOR_FORCE", "COLUMNS", "TZ"}) {
        INFO(name);
        CHECK(has_word(environment, name));
    }
    const std::string exit_status = section(page, "EXIT STATUS");
    for (const auto& code : {"0", "1", "2", "3", "4", "5", "6", "124", "130", "143"}) {
        INFO("exit code " << code);
        CHECK(std::regex_search(exit_status,
                                std::regex(std::string("\n {7}([0-9]+, )*") + code + "\\b")));
    }
}

TEST_CASE("the emulator's man page renders cleanly and names every option of its --help",
          "[e2e][man]") {
    const std::string page = "docs/tidb-backups-emulator.1";
    testing::TempDir home;
    testing::ProcessSpec spec;
    spec.argv = {TIDB_BACKUPS_EMULATOR_BIN, "--help"};
    spec.env = testing::base_env(home);
    testing::ProcessResult help = testing::run_process(spec);
    REQUIRE(help.exit_code == 0);
    const std::string source =
        std::regex_replace(read_text(source_path(page)), std::regex(R"(\\-)"), "-");
    std::size_t options = 0;
    const std::regex option(R"(--[a-z][a-z-]*)");
    for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option);
         it != std::sregex_iterator(); ++it) {
        INFO(it->str() << " is in --help but not in " << page);
        CHECK(has_word(source, it->str()));
        ++options;
    }
    CHECK(options > 40);
    std::string warnings;
    if (rendered(source_path(page), &warnings)) {
        CHECK(warnings.empty());
    }
}
