// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/selection.h"

using namespace tidb_backups;

namespace {

BackupObject backup(const std::string& id, std::int64_t start, std::int64_t size,
                    const std::string& state = "Success", const std::string& type = "Automatic") {
    BackupObject object = BackupObject::object();
    object["BackupId"] = id;
    object["BackupStartTime"] = start;
    object["BackupEndTime"] = start + 600;
    object["BackupSize"] = size;
    object["State"] = state;
    object["BackupType"] = type;
    return object;
}

std::vector<std::string> ids(const std::vector<BackupObject>& backups) {
    std::vector<std::string> result;
    for (const auto& b : backups) {
        result.push_back(backup_id(b));
    }
    return result;
}

std::vector<std::string> ids(const std::vector<ClusterBackup>& rows) {
    std::vector<std::string> result;
    for (const auto& row : rows) {
        result.push_back(backup_id(row.backup));
    }
    return result;
}

std::vector<ClusterBackup> rows(const std::vector<BackupObject>& backups,
                                std::string_view cluster = "c1") {
    std::vector<ClusterBackup> result;
    for (const auto& b : backups) {
        result.push_back({cluster, b});
    }
    return result;
}

std::vector<std::string> sorted_ids(std::vector<ClusterBackup> input, const std::string& field,
                                    bool reverse = false) {
    Selection selection;
    selection.sort_by = field;
    selection.reverse = reverse;
    order_backups(input, selection);
    return ids(input);
}

}  // namespace

TEST_CASE("a selection without filters keeps every backup in API order", "[selection]") {
    std::vector<BackupObject> page = {backup("a", 100, 1), backup("b", 50, 2)};
    Selection none;
    filter_backups(page, none);
    CHECK(ids(page) == std::vector<std::string>{"a", "b"});
    CHECK_FALSE(none.reorders());
}

TEST_CASE("option --state and --type match any of the names, in any case", "[selection]") {
    std::vector<BackupObject> page = {
        backup("ok", 1, 1, "Success"),  backup("bad", 2, 1, "Failed"),
        backup("run", 3, 1, "Running"), backup("man", 4, 1, "Success", "Manual"),
        backup("odd", 5, 1, "FAILED"),
    };
    Selection failed;
    failed.states = {"failed"};
    auto kept = page;
    filter_backups(kept, failed);
    CHECK(ids(kept) == std::vector<std::string>{"bad", "odd"});

    Selection several;
    several.states = {"Running", "FAILED"};
    kept = page;
    filter_backups(kept, several);
    CHECK(ids(kept) == std::vector<std::string>{"bad", "run", "odd"});

    Selection manual;
    manual.types = {"MANUAL"};
    kept = page;
    filter_backups(kept, manual);
    CHECK(ids(kept) == std::vector<std::string>{"man"});

    Selection both;  // every filter must pass
    both.types = {"Manual"};
    both.states = {"Failed"};
    kept = page;
    filter_backups(kept, both);
    CHECK(kept.empty());
}

TEST_CASE("a state filter matches whole names only", "[selection]") {
    Selection selection;
    selection.states = {"Succ"};
    CHECK_FALSE(selection.matches(backup("a", 1, 1, "Success")));
    BackupObject no_state = backup("b", 1, 1);
    no_state.erase("State");
    selection.states = {"Success"};
    CHECK_FALSE(selection.matches(no_state));
}

TEST_CASE("option --since is inclusive and --until exclusive on BackupStartTime", "[selection]") {
    Selection range;
    range.since = 1000;
    range.until = 2000;
    CHECK_FALSE(range.matches(backup("before", 999, 1)));
    CHECK(range.matches(backup("at-since", 1000, 1)));
    CHECK(range.matches(backup("inside", 1999, 1)));
    CHECK_FALSE(range.matches(backup("at-until", 2000, 1)));

    Selection since_only;
    since_only.since = 1000;
    CHECK(since_only.matches(backup("late", 5000000000, 1)));
    Selection until_only;
    until_only.until = 1000;
    CHECK(until_only.matches(backup("early", 0, 1)));
    CHECK_FALSE(until_only.matches(backup("late", 1000, 1)));
}

TEST_CASE("a backup without a usable start time fails a time filter", "[selection]") {
    BackupObject missing = backup("m", 1500, 1);
    missing.erase("BackupStartTime");
    BackupObject text = backup("t", 1500, 1);
    text["BackupStartTime"] = "soon";
    BackupObject digits = backup("d", 1500, 1);
    digits["BackupStartTime"] = "1500";  // the API is loose: digits in a string count
    Selection range;
    range.since = 1000;
    CHECK_FALSE(range.matches(missing));
    CHECK_FALSE(range.matches(text));
    CHECK(range.matches(digits));
    CHECK(Selection{}.matches(missing));  // no time filter: no time needed
}

TEST_CASE("numeric fields sort by value, not as text", "[selection]") {
    auto input = rows({backup("ten", 10, 10), backup("nine", 9, 9), backup("hundred", 100, 100)});
    CHECK(sorted_ids(input, "BackupSize") == std::vector<std::string>{"nine", "ten", "hundred"});
    CHECK(sorted_ids(input, "BackupStartTime") ==
          std::vector<std::string>{"nine", "ten", "hundred"});
    CHECK(sorted_ids(input, "BackupSize", true) ==
          std::vector<std::string>{"hundred", "ten", "nine"});
}

TEST_CASE("string fields sort byte by byte", "[selection]") {
    auto input = rows({backup("b10", 1, 1), backup("b9", 1, 1), backup("B1", 1, 1)});
    CHECK(sorted_ids(input, "BackupId") == std::vector<std::string>{"B1", "b10", "b9"});
    CHECK(sorted_ids(input, "BackupId", true) == std::vector<std::string>{"b9", "b10", "B1"});
}

TEST_CASE("the sort is stable in both directions: ties keep API order", "[selection]") {
    auto input = rows({backup("1", 1, 5, "Success"), backup("2", 2, 5, "Failed"),
                       backup("3", 3, 5, "Success"), backup("4", 4, 7, "Failed")});
    CHECK(sorted_ids(input, "State") == std::vector<std::string>{"2", "4", "1", "3"});
    CHECK(sorted_ids(input, "State", true) == std::vector<std::string>{"1", "3", "2", "4"});
    CHECK(sorted_ids(input, "BackupSize", true) == std::vector<std::string>{"4", "1", "2", "3"});
}

TEST_CASE("missing values sort last in both directions, non-numbers after numbers", "[selection]") {
    BackupObject absent = backup("absent", 1, 1);
    absent.erase("BackupSize");
    BackupObject null_size = backup("null", 1, 1);
    null_size["BackupSize"] = nullptr;
    BackupObject text = backup("text", 1, 1);
    text["BackupSize"] = "n/a";
    BackupObject digits = backup("digits", 1, 1);
    digits["BackupSize"] = "50";
    auto input =
        rows({absent, backup("big", 1, 100), text, null_size, digits, backup("small", 1, 2)});
    CHECK(sorted_ids(input, "BackupSize") ==
          std::vector<std::string>{"small", "digits", "big", "text", "absent", "null"});
    CHECK(sorted_ids(input, "BackupSize", true) ==
          std::vector<std::string>{"big", "digits", "small", "text", "absent", "null"});
}

TEST_CASE("ClusterId sorts by the cluster each backup was listed for", "[selection]") {
    std::vector<ClusterBackup> input = {{"zeta", backup("z1", 1, 1)},
                                        {"alpha", backup("a1", 1, 1)},
                                        {"zeta", backup("z2", 1, 1)},
                                        {"alpha", backup("a2", 1, 1)}};
    CHECK(sorted_ids(input, std::string(kClusterIdField)) ==
          std::vector<std::string>{"a1", "a2", "z1", "z2"});
}

TEST_CASE("option --reverse without --sort-by reverses API order", "[selection]") {
    auto input = rows({backup("1", 3, 1), backup("2", 1, 1), backup("3", 2, 1)});
    Selection reverse;
    reverse.reverse = true;
    CHECK(reverse.reorders());
    order_backups(input, reverse);
    CHECK(ids(input) == std::vector<std::string>{"3", "2", "1"});
    order_backups(input, Selection{});
    CHECK(ids(input) == std::vector<std::string>{"3", "2", "1"});
}
