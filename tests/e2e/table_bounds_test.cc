// SPDX-License-Identifier: Apache-2.0
// A huge value from the server cannot make a huge table: every row is padded to the widest cell,
// so a cell is cut at 1000 columns (kMaxCellWidth) with "…" in the table only; json and csv keep
// the whole value.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kBackups = 300;
constexpr std::size_t kLongId = 1000000;
constexpr const char* kEllipsis = "\xE2\x80\xA6";

// The emulator's --long-id BackupId of the newest backup: its usual id, '-', then 0123456789
// over and over, cut to `size` bytes.
std::string long_id(const std::string& cluster, std::size_t size) {
    std::string id = backup_id(expected_backups(cluster, kBackups).front()) + "-";
    while (id.size() < size) {
        id += "0123456789";
    }
    return id.substr(0, size);
}

}  // namespace

TEST_CASE("table: a 1 MB BackupId is cut in the table, whole in json and csv",
          "[e2e][table][bounds]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--long-id", std::to_string(kLongId)}));
    Cli cli(emulator);
    const std::string id = long_id("c1", kLongId);

    ProcessResult table = cli.run({"list", "--id", "c1"});
    INFO(table.out.substr(0, 2000));
    INFO(table.err);
    REQUIRE(table.exit_code == 0);
    auto lines = lines_of(table.out);
    REQUIRE(lines.size() == kBackups + 1);
    // The id cell: 999 characters of the id and "…", 1000 columns (1002 bytes). The rest of a
    // row (state, type, start, duration, size and the gaps) takes under 60 columns, all ASCII,
    // so no line reaches 1100 bytes; without the cut every line would be padded to 1 MB (301 MB
    // in all).
    CHECK(lines[1].rfind(id.substr(0, 999) + kEllipsis + "  ", 0) == 0);
    std::size_t longest = 0;
    for (const auto& line : lines) {
        longest = std::max(longest, line.size());
    }
    CHECK(longest < 1100);
    CHECK(table.out.size() < std::size_t{1100} * (kBackups + 1));

    ProcessResult json = cli.run({"list", "--id", "c1", "-o", "json"});
    REQUIRE(json.exit_code == 0);
    auto parsed = BackupObject::parse(json.out);
    REQUIRE(parsed.size() == kBackups);
    CHECK(parsed[0]["BackupId"] == id);
    CHECK(parsed[1]["BackupId"] == backup_id(expected_backups("c1", kBackups)[1]));

    ProcessResult csv = cli.run({"list", "--id", "c1", "-o", "csv", "--fields", "BackupId"});
    REQUIRE(csv.exit_code == 0);
    CHECK(lines_of(csv.out)[1] == id);
}
