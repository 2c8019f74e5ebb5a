// SPDX-License-Identifier: Apache-2.0
// The table for people at a terminal: colour of State, fitting a width by shortening free text
// only, and alignment measured in display columns (wide characters, colour codes).
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "render/renderer.h"
#include "render/text.h"

using namespace tidb_backups;

namespace {

constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kEllipsis = "\xE2\x80\xA6";

BackupObject backup(const std::string& id, const std::string& state, const std::string& name,
                    const std::string& type = "Automatic") {
    BackupObject object = BackupObject::object();
    object["BackupId"] = id;
    object["BackupStartTime"] = 1764212400;
    object["BackupEndTime"] = 1764214200;
    object["BackupSize"] = 2048;
    object["State"] = state;
    object["BackupType"] = type;
    object["BackupName"] = name;
    return object;
}

std::vector<BackupObject> sample() {
    return {backup("bk-0000000001", "Success", "nightly-full-2025-11-27-0300"),
            backup("bk-0000000002", "Failed", "manual", "Manual"),
            backup("bk-0000000003", "Running", "weekly"), backup("bk-0000000004", "Backing", "x")};
}

std::string render(const RenderOptions& options, const std::vector<BackupObject>& backups) {
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    for (const auto& b : backups) {
        renderer->add(BackupRow{"c1", b});
    }
    renderer->finish();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string without_colour(const std::string& text) {
    return std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
}

// Terminal columns of a plain line, counted here rather than by the renderer's display_width:
// two for a CJK ideograph (U+4E00-U+9FFF, the only wide characters these tests use), one for
// any other character.
std::size_t columns(const std::string& line) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size();) {
        auto byte = static_cast<unsigned char>(line[i]);
        std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
        char32_t code = length == 1 ? byte : byte & (0xFF >> (length + 1));
        for (std::size_t k = 1; k < length && i + k < line.size(); ++k) {
            code = (code << 6) | (static_cast<unsigned char>(line[i + k]) & 0x3F);
        }
        count += code >= 0x4E00 && code <= 0x9FFF ? 2 : 1;
        i += length;
    }
    return count;
}

RenderOptions table(std::vector<std::string> fields = {}) {
    RenderOptions options;
    options.utc = true;
    options.fields = std::move(fields);
    return options;
}

const std::vector<std::string> kWithName = {"BackupId",   "State",           "BackupType",
                                            "BackupName", "BackupStartTime", "BackupSize"};

}  // namespace

TEST_CASE("with colour, State is green for Success, red for Failed, yellow otherwise",
          "[render][table]") {
    RenderOptions options = table();
    options.color = true;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].find('\x1b') == std::string::npos);  // the header stays plain
    CHECK(lines[1].find(std::string(kGreen) + "Success" + kReset) != std::string::npos);
    CHECK(lines[2].find(std::string(kRed) + "Failed" + kReset) != std::string::npos);
    CHECK(lines[3].find(std::string(kYellow) + "Running" + kReset) != std::string::npos);
    CHECK(lines[4].find(std::string(kYellow) + "Backing" + kReset) != std::string::npos);
    // Only State is coloured: one colour and one reset per line.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        CHECK(std::count(lines[i].begin(), lines[i].end(), '\x1b') == 2);
    }
}

TEST_CASE("without colour, no escape sequence is written", "[render][table]") {
    std::string text = render(table(), sample());
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("Success") != std::string::npos);
}

TEST_CASE("colour codes do not change the alignment", "[render][table]") {
    RenderOptions coloured = table(kWithName);
    coloured.color = true;
    std::string plain = render(table(kWithName), sample());
    CHECK(without_colour(render(coloured, sample())) == plain);
    // And in the plain table, TYPE starts at the same column on every line.
    auto lines = lines_of(plain);
    auto type = lines[0].find("TYPE");
    CHECK(lines[1].substr(type, 9) == "Automatic");
    CHECK(lines[2].substr(type, 6) == "Manual");
}

TEST_CASE("an empty State is left uncoloured", "[render][table]") {
    RenderOptions options = table();
    options.color = true;
    std::string text = render(options, {backup("bk-0000000009", "", "n")});
    CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("a width shortens only the widest free-text column, with an ellipsis",
          "[render][table]") {
    // SIZE is right-aligned, so every line of the full table is this wide.
    const auto full = lines_of(render(table(kWithName), sample()));
    REQUIRE(full.size() == 5);
    CHECK(full[1] ==
          "bk-0000000001  Success  Automatic  nightly-full-2025-11-27-0300  2025-11-27 03:00  "
          "2.0 GiB");
    const std::size_t natural = 90;  // 13 + 7 + 9 + 28 + 16 + 7 columns, 5 gaps of 2
    CHECK(columns(full[1]) == natural);
    RenderOptions options = table(kWithName);
    options.width = static_cast<int>(natural) - 5;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    for (const auto& line : lines) {
        CHECK(columns(line) <= static_cast<std::size_t>(options.width));
    }
    // The name lost five columns; ids, states, types, times and sizes are whole.
    CHECK(lines[1].find(std::string("nightly-full-2025-11-2") + kEllipsis) != std::string::npos);
    CHECK(lines[1].find("nightly-full-2025-11-27-0300") == std::string::npos);
    CHECK(lines[1].rfind("bk-0000000001  Success  Automatic  ", 0) == 0);
    CHECK(lines[1].find("2025-11-27 03:00") != std::string::npos);
    CHECK(lines[1].find("2.0 GiB") != std::string::npos);
    CHECK(lines[2].find("manual ") != std::string::npos);  // short names need no cut
    CHECK(lines[0].find("NAME") != std::string::npos);
}

TEST_CASE("a narrow width shortens the widest free text first, then the next, never ids",
          "[render][table]") {
    RenderOptions options = table(kWithName);
    options.width = 60;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        INFO(lines[i]);
        CHECK(columns(lines[i]) <= 60);
        CHECK(lines[i].rfind("bk-000000000" + std::to_string(i) + "  ", 0) == 0);
        CHECK(lines[i].find("2025-11-27 03:00") != std::string::npos);
        CHECK(lines[i].find("2.0 GiB") != std::string::npos);
    }
    // 30 columns too many: the name gave way down to the width of the next widest free text
    // (TYPE, 9), then both, levelled (name 4, type 3); State, 7 wide, is whole.
    CHECK(lines[1].rfind(
              std::string("bk-0000000001  Success  Au") + kEllipsis + "  nig" + kEllipsis + "  ",
              0) == 0);
    CHECK(lines[3].find("  Running  ") != std::string::npos);
    CHECK(lines[4].find("  Backing  ") != std::string::npos);
    CHECK(lines[0].find("  STATE  ") != std::string::npos);
}

TEST_CASE("State is cut only when every other free text is at its shortest", "[render][table]") {
    RenderOptions options = table(kWithName);
    // Name and type at their shortest cut (3 each) leave 13+7+3+3+16+7 and 5 gaps: 59. One
    // column less than that is taken from State.
    options.width = 58;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    CHECK(lines[1].rfind(std::string("bk-0000000001  Succe") + kEllipsis + "  Au" + kEllipsis +
                             "  ni" + kEllipsis + "  ",
                         0) == 0);
    options.width = 59;
    lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    CHECK(lines[1].rfind(
              std::string("bk-0000000001  Success  Au") + kEllipsis + "  ni" + kEllipsis + "  ",
              0) == 0);
}

TEST_CASE("ids, times and sizes are never cut, even when the width cannot be met",
          "[render][table]") {
    RenderOptions options = table({"BackupId", "BackupStartTime", "BackupSize", "State"});
    options.width = 10;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 5);
    CHECK(lines[1].rfind("bk-0000000001  2025-11-27 03:00  2.0 GiB  ", 0) == 0);
    // State shrank to its shortest cut and the header with it.
    CHECK(lines[1].ends_with(std::string("Su") + kEllipsis));
    CHECK(lines[0].ends_with(std::string("ST") + kEllipsis));
}

TEST_CASE("no width (a pipe or a file) never shortens anything", "[render][table]") {
    BackupObject long_name = backup("bk-0000000001", "Success", std::string(300, 'n'));
    std::string text = render(table(kWithName), {long_name});
    CHECK(text.find(std::string(300, 'n')) != std::string::npos);
    CHECK(text.find(kEllipsis) == std::string::npos);
}

TEST_CASE("a table that already fits is left as it is", "[render][table]") {
    RenderOptions options = table(kWithName);
    options.width = 500;
    CHECK(render(options, sample()) == render(table(kWithName), sample()));
}

TEST_CASE("wide characters are aligned and cut by display width", "[render][table]") {
    const std::string cjk = "\xE5\xA4\x87\xE4\xBB\xBD";  // 备份: two characters, four columns
    std::vector<BackupObject> backups = {
        backup("bk-0000000001", "Success", cjk + cjk + cjk),  // 12 columns
        backup("bk-0000000002", "Failed", "ascii-name"),      // 10 columns
    };
    std::vector<std::string> fields = {"BackupId", "BackupName", "BackupSize"};
    auto lines = lines_of(render(table(fields), backups));
    REQUIRE(lines.size() == 3);
    // SIZE is right-aligned: every line takes the same number of columns.
    // 13 + 12 + 7 columns and two gaps: the name column is as wide as 备份备份备份.
    CHECK(lines[1] == "bk-0000000001  " + cjk + cjk + cjk + "  2.0 GiB");
    CHECK(lines[2] == "bk-0000000002  ascii-name    2.0 GiB");
    CHECK(columns(lines[0]) == 36);
    CHECK(columns(lines[1]) == 36);
    CHECK(columns(lines[2]) == 36);

    // Two columns less: the name column is 10 wide. 备份备份 and "…" take 9 of them (a third
    // 备 would need 11), padded to 10, so the columns still line up.
    RenderOptions narrow = table(fields);
    narrow.width = 34;
    auto cut = lines_of(render(narrow, backups));
    REQUIRE(cut.size() == 3);
    for (const auto& line : cut) {
        INFO(line);
        CHECK(columns(line) == 34);
    }
    CHECK(cut[1].find(cjk + cjk + kEllipsis + " ") != std::string::npos);
    CHECK(cut[2].find("ascii-name") != std::string::npos);
}

TEST_CASE("server control characters are replaced before measuring, cutting or colouring",
          "[render][table]") {
    RenderOptions options = table({"BackupId", "State", "BackupName"});
    options.color = true;
    options.width = 30;
    BackupObject evil = backup("bk-\x1b[2J\x07",
                               "Succ\x1b]0;x\x07"
                               "ess\r",
                               "\x1b[31mred\x9b");
    std::string text = render(options, {evil});
    std::string plain = without_colour(text);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find('\x07') == std::string::npos);
    CHECK(plain.find('\r') == std::string::npos);
    // The only escapes are ours: one colour and its reset around State.
    CHECK(std::count(text.begin(), text.end(), '\x1b') == 2);
}

TEST_CASE("a Running backup without an end shows how long it has run so far", "[table]") {
    BackupObject running = backup("bk-0000000003", "Running", "weekly");
    running["BackupEndTime"] = 0;
    RenderOptions options;
    options.utc = true;
    options.fields = {"BackupId", "State", "Duration"};
    options.now = 1764212400 + 3725;  // 1h02m05s after its start
    CHECK(lines_of(render(options, {running})) ==
          std::vector<std::string>{"BACKUP ID      STATE    DURATION",
                                   "bk-0000000003  Running     1h02m"});
    options.now = 0;  // no clock: no duration
    CHECK(lines_of(render(options, {running}))[1] == "bk-0000000003  Running         -");
}

TEST_CASE("the time headers name the zone the times are in", "[table]") {
    RenderOptions options;
    options.fields = {"BackupId", "BackupStartTime"};
    options.utc = true;
    CHECK(lines_of(render(options, {sample()[0]}))[0] == "BACKUP ID      STARTED (UTC)");
    CHECK(utc_offset_label(0) == "UTC");
    CHECK(utc_offset_label(8 * 3600) == "UTC+8");
    CHECK(utc_offset_label(-(3 * 3600 + 1800)) == "UTC-3:30");
    CHECK(utc_offset_label(10 * 3600 + 1800) == "UTC+10:30");
}

TEST_CASE("the table keeps thousands of rows in order, and takes back rows after a mark",
          "[render][table]") {
    // About 100 bytes of text a row: the rows fill several of the table's 64 KiB text blocks,
    // and one cell (a thousand "é" made of e and a combining accent, 3,000 bytes in 1,000
    // columns) is longer than most.
    std::string accented;
    for (int i = 0; i < 1000; ++i) {
        accented += "e\xCC\x81";
    }
    const auto name = [](int i) {
        return "name-" + std::to_string(i) + "-" + std::string(60, 'p');
    };
    RenderOptions options = table({"BackupId", "BackupName", "State"});
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    for (int i = 0; i < 2000; ++i) {
        renderer->add(BackupRow{"c1", backup("bk-" + std::to_string(i), "Success", name(i))});
    }
    renderer->add(BackupRow{"c1", backup("bk-accented", "Success", accented)});
    renderer->mark();
    for (int i = 2000; i < 3000; ++i) {
        renderer->add(BackupRow{"c1", backup("bk-" + std::to_string(i), "Failed", name(i))});
    }
    renderer->discard_since_mark();
    renderer->add(BackupRow{"c1", backup("bk-last", "", "")});
    renderer->finish();

    const std::vector<std::string> lines = lines_of(out.str());
    REQUIRE(lines.size() == 1 + 2000 + 2);
    CHECK(lines[0].rfind("BACKUP ID", 0) == 0);
    for (int i = 0; i < 2000; ++i) {
        const std::string& line = lines[static_cast<std::size_t>(1 + i)];
        INFO(line);
        REQUIRE(line.rfind("bk-" + std::to_string(i) + " ", 0) == 0);
        REQUIRE(line.find(" " + name(i) + " ") != std::string::npos);
        REQUIRE(line.find("Success") != std::string::npos);
    }
    CHECK(lines[2001].rfind("bk-accented ", 0) == 0);
    CHECK(lines[2001].find(accented + "  Success") != std::string::npos);
    CHECK(lines[2002].rfind("bk-last ", 0) == 0);
    CHECK(out.str().find("Failed") == std::string::npos);
}
