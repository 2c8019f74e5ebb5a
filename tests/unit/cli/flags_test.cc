// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "cli/app.h"
#include "cli/flags.h"

using namespace tidb_backups;

namespace {

struct Declared {
    CommandLine line;
    std::unique_ptr<CLI::App> app = build_app(line);
};

// The option's names as typed: "-o", "--output"; a positional argument's name.
std::vector<std::string> option_names(const CLI::Option& option) {
    if (option.get_positional()) {
        return {option.get_name()};
    }
    std::vector<std::string> names;
    for (const auto& name : option.get_snames()) {
        names.push_back("-" + name);
    }
    for (const auto& name : option.get_lnames()) {
        names.push_back("--" + name);
    }
    return names;
}

// Every option of the program ("") and of each command.
std::vector<std::pair<std::string, const CLI::Option*>> every_option(const CLI::App& app) {
    std::vector<std::pair<std::string, const CLI::Option*>> options;
    for (const CLI::Option* option : app.get_options()) {
        options.emplace_back("", option);
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        for (const CLI::Option* option : sub->get_options()) {
            options.emplace_back(sub->get_name(), option);
        }
    }
    return options;
}

bool has(const std::vector<std::string_view>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The settings a resolution needs besides the flag under test: a region and both keys.
Getenv credentials() {
    return [](const char* name) -> std::optional<std::string> {
        std::string_view wanted = name;
        if (wanted == "SIGCALCLOUD_REGION") {
            return "cn-zj";
        }
        if (wanted == "SIGCALCLOUD_PUBLIC_KEY" || wanted == "SIGCALCLOUD_PRIVATE_KEY") {
            return "key";
        }
        return std::nullopt;
    };
}

Expected<ListPlan> plan_with(const std::function<void(ListOptions&)>& set) {
    ListOptions options;
    options.ids = {"c1"};
    set(options);
    return resolve_list_plan(
        options, [] { return std::string(); }, 0);
}

}  // namespace

TEST_CASE("the records are in FlagId order", "[flags]") {
    for (const Flag& record : all_flags()) {
        CHECK(&flag(record.id) == &record);
    }
}

TEST_CASE("every option the app declares has its record, with the record's help", "[flags]") {
    Declared declared;
    for (const auto& [command, option] : every_option(*declared.app)) {
        const std::vector<std::string> names = option_names(*option);
        INFO((command.empty() ? "tidb-backups" : command) << " " << names.back());
        const Flag* record = find_flag(command, names.back());
        REQUIRE(record != nullptr);
        CHECK(flag_names(*record) == names);
        CHECK(option->get_description() == help_text(*record));
        if (!record->value_name.empty()) {
            // A check adds its values: "SHELL:{bash,zsh,fish}".
            CHECK(option->get_type_name().rfind(record->value_name, 0) == 0);
        }
        if (command.empty()) {
            CHECK(record->global);
        } else if (!record->global) {
            CHECK(has(record->commands, command));
        }
    }
}

TEST_CASE("every record is declared by the app where it says", "[flags]") {
    Declared declared;
    std::set<std::pair<std::string, FlagId>> declared_records;
    for (const auto& [command, option] : every_option(*declared.app)) {
        if (const Flag* record = find_flag(command, option_names(*option).back())) {
            declared_records.insert({command, record->id});
        }
    }
    for (const Flag& record : all_flags()) {
        INFO(record.names);
        if (record.global) {
            CHECK(declared_records.count({"", record.id}) == 1);
            continue;
        }
        REQUIRE(!record.commands.empty());
        for (std::string_view command : record.commands) {
            INFO(command);
            CHECK(declared_records.count({std::string(command), record.id}) == 1);
        }
    }
}

TEST_CASE("global flags name the commands that use them, which exist", "[flags]") {
    Declared declared;
    for (const Flag& record : all_flags()) {
        for (std::string_view command : record.commands) {
            INFO(record.names << " " << command);
            auto subcommands = declared.app->get_subcommands(
                [&](const CLI::App* sub) { return sub->get_name() == command; });
            CHECK(subcommands.size() == 1);
        }
    }
    CHECK(flag(FlagId::Region).commands ==
          std::vector<std::string_view>{"list", "check", "wait", "configure"});
    CHECK(flag(FlagId::Timeout).commands == std::vector<std::string_view>{"list", "check", "wait"});
    CHECK(flag(FlagId::Color).commands == std::vector<std::string_view>{"list"});
    CHECK(flag(FlagId::Version).commands.empty());
}

TEST_CASE("help shows the choices, defaults and environment variables of the records", "[flags]") {
    CHECK(help_text(flag(FlagId::Output)) ==
          "Output format: table, json, ndjson, csv, tsv (default: table)");
    CHECK(help_text(flag(FlagId::Region)) ==
          "Region of the cluster, e.g. cn-zj [env: SIGCALCLOUD_REGION]");
    CHECK(help_text(flag(FlagId::Profile)) ==
          "Profile of the config file to use (default: default) [env: SIGCALCLOUD_PROFILE]");
    CHECK(help_text(flag(FlagId::Color)).rfind("Colour in the table: auto, always, never (", 0) ==
          0);
    CHECK(help_text(flag(FlagId::TimeFormat))
              .rfind("Times in csv, tsv, json and ndjson: raw, iso", 0) == 0);
    CHECK(help_text(flag(FlagId::Shell)) == "The shell: bash, zsh, fish");
}

TEST_CASE("the choices --help shows are exactly the values the settings accept", "[flags]") {
    const std::vector<std::string> formats = {"table", "json", "ndjson", "csv", "tsv"};
    CHECK(flag(FlagId::Output).choices == formats);
    for (const auto& format : formats) {
        INFO(format);
        CHECK(plan_with([&](ListOptions& o) { o.output = format; }).has_value());
    }
    auto xml = plan_with([](ListOptions& o) { o.output = "xml"; });
    REQUIRE_FALSE(xml);
    CHECK(xml.error().message ==
          "invalid value for --output: 'xml' (expected table, json, ndjson, csv or tsv)");

    CHECK(flag(FlagId::TimeFormat).choices == std::vector<std::string>{"raw", "iso"});
    CHECK(plan_with([](ListOptions& o) { o.time_format = "iso"; }).has_value());
    auto epoch = plan_with([](ListOptions& o) { o.time_format = "epoch"; });
    REQUIRE_FALSE(epoch);
    CHECK(epoch.error().message ==
          "invalid value for --time-format: 'epoch' (expected raw or iso)");

    const std::vector<std::string> fields = {"BackupId",   "BackupStartTime", "BackupEndTime",
                                             "BackupSize", "State",           "BackupType",
                                             "BackupName", "ClusterId",       "Region"};
    CHECK(flag(FlagId::Fields).choices == fields);
    CHECK(flag(FlagId::SortBy).choices == fields);
    for (const auto& field : fields) {
        INFO(field);
        CHECK(plan_with([&](ListOptions& o) { o.fields = field; }).has_value());
        CHECK(plan_with([&](ListOptions& o) { o.sort_by = field; }).has_value());
    }
    // "Size" is the table's header of BackupSize, so a field too; "Bogus" is nothing.
    CHECK(plan_with([](ListOptions& o) { o.sort_by = "Size"; }).has_value());
    auto bogus = plan_with([](ListOptions& o) { o.sort_by = "Bogus"; });
    REQUIRE_FALSE(bogus);
    CHECK(bogus.error().hint ==
          "valid fields: BackupId, BackupStartTime, BackupEndTime, BackupSize, State, "
          "BackupType, BackupName, ClusterId, Region");
    auto near = plan_with([](ListOptions& o) { o.sort_by = "BackupSise"; });
    REQUIRE_FALSE(near);
    CHECK(near.error().hint ==
          "did you mean BackupSize? valid fields: BackupId, BackupStartTime, BackupEndTime, "
          "BackupSize, State, BackupType, BackupName, ClusterId, Region");

    CHECK(flag(FlagId::Color).choices == std::vector<std::string>{"auto", "always", "never"});
    for (const auto& when : {"auto", "always", "never"}) {
        GlobalOptions global;
        global.color = when;
        INFO(when);
        CHECK(resolve_settings(global, credentials()).has_value());
    }
    GlobalOptions pink;
    pink.color = "pink";
    auto refused = resolve_settings(pink, credentials());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "invalid value for --color: 'pink' (expected auto, always or never)");
}

TEST_CASE("a flag's record is found by any of its names, the command's own first", "[flags]") {
    CHECK(find_flag("list", "-o")->id == FlagId::Output);
    CHECK(find_flag("list", "--state")->id == FlagId::ListState);
    CHECK(find_flag("check", "--state")->id == FlagId::CheckState);
    CHECK(find_flag("check", "--region")->id == FlagId::Region);
    CHECK(find_flag("list", "--help")->id == FlagId::Help);
    CHECK(find_flag("", "--output") == nullptr);
    CHECK(find_flag("check", "--output")->id == FlagId::CheckOutput);
    CHECK(find_flag("check", "-w")->id == FlagId::Warning);
    CHECK(flag_names(flag(FlagId::Verbose)) == std::vector<std::string>{"-v", "--verbose"});
}
