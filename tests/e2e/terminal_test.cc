// SPDX-License-Identifier: Apache-2.0
// No control character from the server reaches a terminal, in any output format, through a real
// pseudo-terminal: the table and csv/tsv replace them, json/ndjson escape them (the same data);
// error prefixes naming a cluster are cleaned too. A pipe still gets the exact data.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/utf8.h"
#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr int kBackups = 3;
constexpr const char* kF = "\xEF\xBF\xBD";  // U+FFFD

// What the client holds of the emulator's --hostile-text value: ESC, BEL, CR and C1 sent as JSON
// escapes, two bytes that are not UTF-8 (repaired to U+FFFD when parsed), then RLO (U+202E), RLM
// (U+200F), an OSC sequence and C1 U+009B sent as raw UTF-8.
const std::string kHostile =
    "evil\x1b[2J\x07\r\xC2\x9B\xEF\xBF\xBD\xEF\xBF\xBD name \xE2\x80\xAE\xE2\x80\x8F\x1b]0;owned"
    "\x07\xC2\x9B";

// Everything in `text` that could drive a terminal, described: C0 controls but the newline (and
// the tab, with `tab_separates`: tsv's own separator), DEL, C1 controls, the bidi controls,
// U+2028 and U+2029, and bytes that are not UTF-8.
std::vector<std::string> hazards(const std::string& text, bool tab_separates = false) {
    std::vector<std::string> found;
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        std::size_t length = decode_utf8(text, i, c);
        if (length == 0) {
            found.push_back(
                fmt::format("byte {:#04x} at {}", static_cast<unsigned char>(text[i]), i));
            ++i;
            continue;
        }
        bool control =
            (c < 0x20 && c != '\n' && !(tab_separates && c == '\t')) || (c >= 0x7F && c <= 0x9F);
        bool bidi = c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
                    (c >= 0x2066 && c <= 0x2069);
        if (control || bidi || c == 0x2028 || c == 0x2029) {
            found.push_back(fmt::format("U+{:04X} at {}", static_cast<std::uint32_t>(c), i));
        }
        i += length;
    }
    return found;
}

// `args` with stdout on a terminal (stderr a pipe), without colour so only server text is left,
// and wide enough that the table shows every character of it.
ProcessResult on_terminal(const Cli& cli, const std::vector<std::string>& args) {
    testing::ProcessSpec spec = cli_spec(cli, args);
    spec.env["NO_COLOR"] = "1";
    spec.env["COLUMNS"] = "400";
    return testing::run_in_pty(spec, true, false);
}

// The csv or tsv document of the emulator's backups of `cluster` with BackupType `type` (already
// quoted or escaped for the format).
std::string delimited(const std::string& cluster, char separator, const std::string& type) {
    std::string text = fmt::format(
        "BackupId{0}BackupStartTime{0}BackupEndTime{0}BackupSize{0}"
        "State{0}BackupType\n",
        separator);
    for (const auto& backup : expected_backups(cluster, kBackups)) {
        text += fmt::format(
            "{1}{0}{2}{0}{3}{0}{4}{0}{5}{0}{6}\n", separator, backup["BackupId"].get<std::string>(),
            backup["BackupStartTime"].get<std::int64_t>(),
            backup["BackupEndTime"].get<std::int64_t>(), backup["BackupSize"].get<std::int64_t>(),
            backup["State"].get<std::string>(), type);
    }
    return text;
}

}  // namespace

TEST_CASE("terminal: no control character from the server in any format", "[e2e][terminal]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--hostile-text"}));
    Cli cli(emulator);
    for (const char* format : {"table", "json", "ndjson", "csv", "tsv"}) {
        INFO("-o " << format);
        ProcessResult result = on_terminal(cli, {"list", "--id", "c1", "-o", format});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        CHECK(result.out.find("evil") != std::string::npos);
        CHECK(hazards(result.out, std::string(format) == "tsv") == std::vector<std::string>{});
    }
}

TEST_CASE("terminal: csv and tsv replace control characters with U+FFFD", "[e2e][terminal]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--hostile-text"}));
    Cli cli(emulator);
    const std::string csv_type =
        fmt::format("evil{0}[2J{0}{0}{0}{0}{0} name {0}{0}{0}]0;owned{0}{0}", kF);
    const std::string tsv_type =
        fmt::format("evil{0}[2J{0}\\r{0}{0}{0} name {0}{0}{0}]0;owned{0}{0}", kF);
    ProcessResult csv = on_terminal(cli, {"list", "--id", "c1", "-o", "csv"});
    INFO(csv.describe());
    CHECK(csv.out == delimited("c1", ',', csv_type));
    ProcessResult tsv = on_terminal(cli, {"list", "--id", "c1", "-o", "tsv"});
    INFO(tsv.describe());
    CHECK(tsv.out == delimited("c1", '\t', tsv_type));
}

TEST_CASE("terminal: json and ndjson escape controls and still mean the same data",
          "[e2e][terminal]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--hostile-text"}));
    Cli cli(emulator);
    for (const char* format : {"json", "ndjson"}) {
        INFO("-o " << format);
        ProcessResult shown = on_terminal(cli, {"list", "--id", "c1", "-o", format});
        ProcessResult piped = cli.run({"list", "--id", "c1", "-o", format});
        INFO(shown.describe());
        INFO(piped.describe());
        REQUIRE(shown.exit_code == 0);
        REQUIRE(piped.exit_code == 0);
        // Escaped: C1, RLO, RLM as \uXXXX (C0 such as ESC were escaped already).
        CHECK(shown.out.find("\\u009b") != std::string::npos);
        CHECK(shown.out.find("\\u202e") != std::string::npos);
        CHECK(shown.out.find("\\u200f") != std::string::npos);
        auto shown_lines = lines_of(shown.out);
        auto piped_lines = lines_of(piped.out);
        REQUIRE(shown_lines.size() == piped_lines.size());
        if (std::string(format) == "json") {
            CHECK(BackupObject::parse(shown.out) == BackupObject::parse(piped.out));
        } else {
            for (std::size_t i = 0; i < shown_lines.size(); ++i) {
                CHECK(BackupObject::parse(shown_lines[i]) == BackupObject::parse(piped_lines[i]));
            }
        }
    }
}

TEST_CASE("terminal: a pipe gets the exact data in json, ndjson, csv and tsv", "[e2e][terminal]") {
    EmulatorProcess emulator(emulator_args(kBackups, {"--hostile-text"}));
    Cli cli(emulator);

    ProcessResult ndjson = cli.run({"list", "--id", "c1", "-o", "ndjson"});
    INFO(ndjson.describe());
    REQUIRE(ndjson.exit_code == 0);
    auto lines = lines_of(ndjson.out);
    REQUIRE(lines.size() == kBackups);
    for (const auto& line : lines) {
        auto backup = BackupObject::parse(line);
        CHECK(backup["BackupName"] == kHostile);
        CHECK(backup["BackupType"] == kHostile);
    }
    // Raw in the text, not escaped: only C0 needs an escape in JSON.
    CHECK(ndjson.out.find("\xC2\x9B") != std::string::npos);
    CHECK(ndjson.out.find("\xE2\x80\xAE\xE2\x80\x8F") != std::string::npos);

    ProcessResult json = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(json.describe());
    REQUIRE(json.exit_code == 0);
    CHECK(BackupObject::parse(json.out)[2]["BackupName"] == kHostile);
    CHECK(json.out.find("\xE2\x80\xAE\xE2\x80\x8F") != std::string::npos);

    ProcessResult csv = cli.run({"list", "--id", "c1", "-o", "csv"});
    INFO(csv.describe());
    CHECK(csv.out == delimited("c1", ',', "\"" + kHostile + "\""));

    std::string tsv_type = kHostile;
    tsv_type.replace(tsv_type.find('\r'), 1, "\\r");
    ProcessResult tsv = cli.run({"list", "--id", "c1", "-o", "tsv"});
    INFO(tsv.describe());
    CHECK(tsv.out == delimited("c1", '\t', tsv_type));
}

TEST_CASE("terminal: an error naming a cluster id cannot drive the terminal", "[e2e][terminal]") {
    const std::string hostile_id = "bad\x1b]0;owned\x07\xE2\x80\xAE\xC2\x9B";
    EmulatorProcess emulator(emulator_args(kBackups, {"--unknown-id", hostile_id}));
    Cli cli(emulator);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"list", "--id", hostile_id, "--id", "c1", "-o", "json"},
             {"list", "--id", hostile_id, "--id", "c1"},
             {"check", "--id", hostile_id, "--id", "c1", "--max-age", "26h"}}) {
        INFO(args.front());
        ProcessResult result = cli.run(args);
        INFO(result.describe());
        CHECK(result.exit_code == 3);
        CHECK(result.err.rfind(
                  fmt::format("tidb-backups: error: cluster bad{0}]0;owned{0}{0}{0}: ", kF), 0) ==
              0);
        CHECK(hazards(result.err) == std::vector<std::string>{});
    }
}
