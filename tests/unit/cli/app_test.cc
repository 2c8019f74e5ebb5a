// SPDX-License-Identifier: Apache-2.0
#include <sstream>

#include <catch2/catch.hpp>

#include "cli/app.h"

using namespace tidb_backups;

namespace {

std::variant<CommandLine, EarlyExit> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "tidb-backups");
    return parse_command_line(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("global options are accepted before and after the subcommand", "[app]") {
    auto before = parse({"--region", "cn-zj", "-v", "list", "--id", "a"});
    REQUIRE(std::holds_alternative<CommandLine>(before));
    CHECK(std::get<CommandLine>(before).global.region == "cn-zj");
    auto after = parse({"list", "--id", "a", "--region", "cn-bj2", "--timeout", "5", "-vv"});
    REQUIRE(std::holds_alternative<CommandLine>(after));
    const auto& line = std::get<CommandLine>(after);
    CHECK(line.global.region == "cn-bj2");
    CHECK(line.global.timeout == "5");
    CHECK(line.global.verbosity == 2);
    CHECK(line.list.ids == std::vector<std::string>{"a"});
}

TEST_CASE("option --id is repeatable", "[app]") {
    auto parsed = parse({"list", "--id", "a", "--id", "b"});
    REQUIRE(std::holds_alternative<CommandLine>(parsed));
    CHECK(std::get<CommandLine>(parsed).list.ids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("CLI11's parse errors become exit 2 with one error line and a hint", "[app]") {
    for (auto args : std::vector<std::vector<const char*>>{{"list", "--bogus"},
                                                           {},
                                                           {"frobnicate"},
                                                           {"list", "--limit"},
                                                           {"list", "--id", "a", "extra"}}) {
        auto parsed = parse(args);
        REQUIRE(std::holds_alternative<EarlyExit>(parsed));
        const auto& early = std::get<EarlyExit>(parsed);
        CHECK(early.code == 2);
        CHECK(early.out.empty());
        CHECK(early.err.rfind("tidb-backups: error: ", 0) == 0);
        CHECK(early.err.find("\nhint: ") != std::string::npos);
        CHECK(std::count(early.err.begin(), early.err.end(), '\n') == 2);
    }
}

TEST_CASE("option --help and --version exit 0 on stdout", "[app]") {
    auto help = parse({"list", "--help"});
    REQUIRE(std::holds_alternative<EarlyExit>(help));
    CHECK(std::get<EarlyExit>(help).code == 0);
    CHECK(std::get<EarlyExit>(help).out.find("--page-size") != std::string::npos);
    CHECK(std::get<EarlyExit>(help).out.find("Examples:") != std::string::npos);
    auto version = parse({"--version"});
    REQUIRE(std::holds_alternative<EarlyExit>(version));
    CHECK(std::get<EarlyExit>(version).out.rfind("tidb-backups 0.", 0) == 0);
}

TEST_CASE("an unexpected URL argument is repeated without its user and password", "[app]") {
    auto parsed = parse({"list", "--id", "c1", "https://user:hunter2-secret@api.example"});
    REQUIRE(std::holds_alternative<EarlyExit>(parsed));
    const auto& early = std::get<EarlyExit>(parsed);
    CHECK(early.code == 2);
    CHECK(early.err.find("hunter2-secret") == std::string::npos);
    CHECK(early.err.find("user") == std::string::npos);
    CHECK(early.err.find("https://***@api.example") != std::string::npos);
}

namespace {

// The lines of `help` between the heading "Global options:" and the next blank line.
std::vector<std::string> global_section(const std::string& help) {
    std::vector<std::string> lines;
    auto at = help.find("\nGlobal options:\n");
    if (at == std::string::npos) {
        return lines;
    }
    std::istringstream in(help.substr(at + 17));
    for (std::string line; std::getline(in, line) && !line.empty();) {
        lines.push_back(line.substr(0, line.find(' ', 2)));
    }
    return lines;
}

std::string help_of(const char* command) {
    auto parsed = parse({command, "--help"});
    REQUIRE(std::holds_alternative<EarlyExit>(parsed));
    return std::get<EarlyExit>(parsed).out;
}

}  // namespace

TEST_CASE("a command's --help shows the global flags it uses, before its examples", "[app]") {
    const std::string list = help_of("list");
    CHECK(global_section(list) ==
          std::vector<std::string>{"  --region", "  --profile", "  --config", "  --endpoint",
                                   "  --project-id", "  --timeout", "  --retries", "  --ca-bundle",
                                   "  --proxy", "  --insecure", "  --color", "  -v,--verbose",
                                   "  -q,--quiet"});
    CHECK(list.find("  --region REGION             Region of the cluster, e.g. cn-zj [env: "
                    "SIGCALCLOUD_REGION]\n") != std::string::npos);
    CHECK(list.find("\n\nGlobal options:\n") < list.find("\n\nExamples:\n"));
    CHECK(list.find("--dry-run") < list.find("Global options:"));

    CHECK(global_section(help_of("check")) ==
          std::vector<std::string>{"  --region", "  --profile", "  --config", "  --endpoint",
                                   "  --project-id", "  --timeout", "  --retries", "  --ca-bundle",
                                   "  --proxy", "  --insecure", "  -v,--verbose", "  -q,--quiet"});
    CHECK(global_section(help_of("configure")) ==
          std::vector<std::string>{"  --region", "  --profile", "  --config", "  --endpoint",
                                   "  --project-id", "  -q,--quiet"});
    CHECK(global_section(help_of("wait")) ==
          std::vector<std::string>{"  --region", "  --profile", "  --config", "  --endpoint",
                                   "  --project-id", "  --timeout", "  --retries", "  --ca-bundle",
                                   "  --proxy", "  --insecure", "  -v,--verbose", "  -q,--quiet"});
    CHECK(help_of("completion").find("Global options:") == std::string::npos);
}
