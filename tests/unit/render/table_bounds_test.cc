// SPDX-License-Identifier: Apache-2.0
// The table's bounds: a duration from any pair of 64-bit times without overflow, and no cell
// wider than kMaxCellWidth however long the value.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "render/renderer.h"
#include "render/table_renderer.h"

using namespace tidb_backups;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr const char* kEllipsis = "\xE2\x80\xA6";

// The DURATION cell of the default table for a backup with these times and nothing else: State,
// BackupType and BackupSize are empty, so it is the last word of the row.
std::string duration_of(std::int64_t start, std::int64_t end) {
    BackupObject backup = BackupObject::object();
    backup["BackupId"] = "bk-1";
    backup["BackupStartTime"] = start;
    backup["BackupEndTime"] = end;
    RenderOptions options;
    options.utc = true;
    options.headers = false;
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    renderer->add(BackupRow{"c1", backup});
    renderer->finish();
    std::istringstream words(out.str());
    std::string last;
    for (std::string word; words >> word;) {
        last = word;
    }
    return last;
}

}  // namespace

TEST_CASE("table: durations at the int64 extremes do not overflow", "[render][table]") {
    CHECK(duration_of(kMin, kMax) == "-");
    CHECK(duration_of(kMin, 1) == "-");
    CHECK(duration_of(-1, kMax) == "-");
    CHECK(duration_of(kMin + 1, 0) == "-");  // no end yet
    // Differences that fit are shown: INT64_MAX - 1 seconds is 106751991167300 days and 15 h.
    CHECK(duration_of(1, kMax) == "106751991167300d15h");
    CHECK(duration_of(0, kMax) == "106751991167300d15h");
    CHECK(duration_of(1764212400, 1764214200) == "30m00s");
    CHECK(duration_of(kMax, kMax) == "0s");
}

TEST_CASE("table: a cell is cut at kMaxCellWidth columns, other formats keep it whole",
          "[render][table]") {
    REQUIRE(kMaxCellWidth == 1000);
    const std::string id(1000000, 'x');
    BackupObject backup = BackupObject::object();
    backup["BackupId"] = id;
    backup["BackupName"] = std::string(kMaxCellWidth, 'n');  // exactly the width: kept whole
    RenderOptions options;
    options.fields = {"BackupId", "BackupName"};
    options.headers = false;
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    renderer->add(BackupRow{"c1", backup});
    renderer->finish();
    CHECK(out.str() == std::string(999, 'x') + kEllipsis + "  " + std::string(1000, 'n') + "\n");

    options.format = OutputFormat::Csv;
    std::ostringstream csv;
    renderer = make_renderer(options, csv);
    renderer->add(BackupRow{"c1", backup});
    renderer->finish();
    CHECK(csv.str() == id + "," + std::string(1000, 'n') + "\n");
}
