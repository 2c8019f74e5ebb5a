// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <sstream>

#include "render/csv_renderer.h"
#include "render/renderer.h"

using namespace tidb_backups;

namespace {

std::vector<BackupObject> sample() {
    return {
        BackupObject::parse(
            R"({"BackupId":"bk-1","BackupStartTime":1764212400,"BackupEndTime":1764214200,
            "BackupSize":2048,"State":"Success","BackupType":"Automatic","BackupName":"nightly, \"full\""})"),
        BackupObject::parse(R"({"BackupId":"bk-2","BackupStartTime":1764126000,"BackupEndTime":0,
            "BackupSize":512,"State":"Running","BackupType":"Manual","Zone":{"z":1}})"),
    };
}

std::string render(RenderOptions options, const std::vector<BackupObject>& backups,
                   std::string_view cluster = "MlaMfzgZ") {
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    for (const auto& backup : backups) {
        renderer->add(BackupRow{cluster, backup});
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

}  // namespace

TEST_CASE("parse_output_format knows the five formats only, in any case", "[render]") {
    CHECK(parse_output_format("json") == OutputFormat::Json);
    CHECK(parse_output_format("tsv") == OutputFormat::Tsv);
    CHECK(parse_output_format("JSON") == OutputFormat::Json);
    CHECK(parse_output_format("Csv") == OutputFormat::Csv);
    CHECK_FALSE(parse_output_format("xml"));
    CHECK_FALSE(parse_output_format("jsonl"));
}

TEST_CASE("json is one array of the objects exactly as received", "[render][json]") {
    RenderOptions options;
    options.format = OutputFormat::Json;
    auto backups = sample();
    std::string text = render(options, backups);
    auto parsed = BackupObject::parse(text);
    REQUIRE(parsed.is_array());
    REQUIRE(parsed.size() == 2);
    CHECK(parsed[0] == backups[0]);
    CHECK(parsed[1] == backups[1]);
    CHECK(parsed[1]["Zone"]["z"] == 1);
    // Key order is the server's, not alphabetical.
    CHECK(parsed[0].begin().key() == "BackupId");
    CHECK(render(options, {}) == "[]\n");
}

TEST_CASE("ndjson is one object per line", "[render][json]") {
    RenderOptions options;
    options.format = OutputFormat::Ndjson;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 2);
    CHECK(BackupObject::parse(lines[1]) == sample()[1]);
    CHECK(render(options, {}).empty());
}

TEST_CASE("json with several clusters puts ClusterId first: --fields selects keys in order",
          "[render][json]") {
    RenderOptions options;
    options.format = OutputFormat::Ndjson;
    options.cluster_column = true;
    auto first = BackupObject::parse(lines_of(render(options, sample(), "c1"))[0]);
    CHECK(first.begin().key() == "ClusterId");
    CHECK(first["ClusterId"] == "c1");
    CHECK(first["BackupName"] == "nightly, \"full\"");

    options.fields = {"State", "BackupId"};
    auto selected = BackupObject::parse(lines_of(render(options, sample(), "c1"))[0]);
    CHECK(selected.size() == 2);
    CHECK(selected.begin().key() == "State");
}

TEST_CASE("json output survives invalid UTF-8 from the server", "[render][json]") {
    RenderOptions options;
    options.format = OutputFormat::Json;
    BackupObject odd = BackupObject::object();
    odd["BackupId"] = std::string("bad\xff\xfe");
    std::string text = render(options, {odd});
    CHECK(BackupObject::parse(text)[0]["BackupId"] == "bad\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("csv has the documented header and RFC 4180 quoting", "[render][csv]") {
    RenderOptions options;
    options.format = OutputFormat::Csv;
    options.fields = {"BackupId", "BackupName", "BackupSize"};
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "BackupId,BackupName,BackupSize");
    CHECK(lines[1] == R"(bk-1,"nightly, ""full""",2048)");
    CHECK(lines[2] == "bk-2,,512");

    RenderOptions defaults;
    defaults.format = OutputFormat::Csv;
    defaults.headers = false;
    auto plain = lines_of(render(defaults, sample()));
    REQUIRE(plain.size() == 2);
    CHECK(plain[0] == "bk-1,1764212400,1764214200,2048,Success,Automatic");
}

TEST_CASE("csv_quote quotes line breaks and quotes only when needed", "[render][csv]") {
    CHECK(csv_quote("plain") == "plain");
    CHECK(csv_quote("a\nb") == "\"a\nb\"");
    CHECK(csv_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
}

TEST_CASE("tsv escapes tabs, newlines and backslashes", "[render][tsv]") {
    CHECK(tsv_escape("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re");
    RenderOptions options;
    options.format = OutputFormat::Tsv;
    options.cluster_column = true;
    auto lines = lines_of(render(options, sample(), "c9"));
    CHECK(lines[0] ==
          "ClusterId\tBackupId\tBackupStartTime\tBackupEndTime\tBackupSize\tState\tBackupType");
    CHECK(lines[1].rfind("c9\tbk-1\t", 0) == 0);
}

TEST_CASE("table aligns columns under a header with human times, sizes and durations",
          "[render][table]") {
    RenderOptions options;
    options.utc = true;
    auto lines = lines_of(render(options, sample()));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind("BACKUP ID", 0) == 0);
    CHECK(lines[1].find("2025-11-27 03:00") != std::string::npos);
    CHECK(lines[1].find("30m00s") != std::string::npos);
    CHECK(lines[1].find("2.0 GiB") != std::string::npos);
    CHECK(lines[2].find("512 MiB") != std::string::npos);
    // Columns line up: STATE starts at the same offset on every line.
    auto state = lines[0].find("STATE");
    CHECK(lines[1].substr(state, 7) == "Success");
    CHECK(lines[2].substr(state, 7) == "Running");
    // The size column is right-aligned: every line ends at the same width.
    CHECK(lines[1].size() == lines[2].size());
}

TEST_CASE("table replaces control characters from the server", "[render][table]") {
    BackupObject evil = BackupObject::object();
    evil["BackupId"] = "x\x1b[2J\x07\ry\xc2\x9b";
    evil["State"] = "Success";
    std::string text = render(RenderOptions{}, {evil});
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\x07') == std::string::npos);
    CHECK(text.find('\r') == std::string::npos);
    CHECK(text.find("\xc2\x9b") == std::string::npos);
    CHECK(text.find("x\xEF\xBF\xBD[2J") != std::string::npos);
}

TEST_CASE("an empty table writes nothing", "[render][table]") {
    CHECK(render(RenderOptions{}, {}).empty());
}

TEST_CASE("time format iso writes start and end times as UTC ISO 8601 in csv, tsv and json",
          "[render][selection]") {
    auto backups = sample();  // bk-2 is still running: BackupEndTime 0
    RenderOptions csv;
    csv.format = OutputFormat::Csv;
    csv.time_format = TimeFormat::Iso;
    auto lines = lines_of(render(csv, backups));
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "bk-1,2025-11-27T03:00:00Z,2025-11-27T03:30:00Z,2048,Success,Automatic");
    CHECK(lines[2] == "bk-2,2025-11-26T03:00:00Z,0,512,Running,Manual");

    RenderOptions tsv = csv;
    tsv.format = OutputFormat::Tsv;
    CHECK(lines_of(render(tsv, backups))[1].rfind("bk-1\t2025-11-27T03:00:00Z\t", 0) == 0);

    RenderOptions json;
    json.format = OutputFormat::Json;
    json.time_format = TimeFormat::Iso;
    auto parsed = BackupObject::parse(render(json, backups));
    CHECK(parsed[0]["BackupStartTime"] == "2025-11-27T03:00:00Z");
    CHECK(parsed[0]["BackupEndTime"] == "2025-11-27T03:30:00Z");
    CHECK(parsed[1]["BackupEndTime"] == 0);  // no end yet: kept as the API sent it
    CHECK(parsed[0]["BackupName"] == backups[0]["BackupName"]);  // everything else untouched
    CHECK(parsed[1]["Zone"]["z"] == 1);
    CHECK(parsed[0].begin().key() == "BackupId");

    json.format = OutputFormat::Ndjson;
    json.fields = {"BackupEndTime", "BackupId"};
    auto first = BackupObject::parse(lines_of(render(json, backups))[0]);
    CHECK(first.dump() == R"({"BackupEndTime":"2025-11-27T03:30:00Z","BackupId":"bk-1"})");
}

TEST_CASE("time format raw is the default and keeps epoch seconds", "[render][selection]") {
    RenderOptions json;
    json.format = OutputFormat::Json;
    CHECK(json.time_format == TimeFormat::Raw);
    CHECK(BackupObject::parse(render(json, sample()))[0]["BackupStartTime"] == 1764212400);
}

TEST_CASE("time format iso keeps what is not epoch seconds as it is", "[render][selection]") {
    BackupObject odd = BackupObject::object();
    odd["BackupId"] = "bk-odd";
    odd["BackupStartTime"] = "1764212400";  // digits in a string: still a time
    odd["BackupEndTime"] = "later";
    BackupObject minus = BackupObject::object();
    minus["BackupId"] = "bk-minus";
    minus["BackupStartTime"] = -5;
    RenderOptions csv;
    csv.format = OutputFormat::Csv;
    csv.time_format = TimeFormat::Iso;
    csv.fields = {"BackupId", "BackupStartTime", "BackupEndTime"};
    auto lines = lines_of(render(csv, {odd, minus}));
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "bk-odd,2025-11-27T03:00:00Z,later");
    CHECK(lines[2] == "bk-minus,-5,");
    CHECK(parse_time_format("iso") == TimeFormat::Iso);
    CHECK_FALSE(parse_time_format("ISO8601"));
}

TEST_CASE("csv and tsv without rows are the header alone", "[render][csv]") {
    RenderOptions csv;
    csv.format = OutputFormat::Csv;
    CHECK(render(csv, {}) ==
          "BackupId,BackupStartTime,BackupEndTime,BackupSize,State,BackupType\n");
    csv.headers = false;
    CHECK(render(csv, {}).empty());
    RenderOptions tsv;
    tsv.format = OutputFormat::Tsv;
    tsv.fields = {"State"};
    CHECK(render(tsv, {}) == "State\n");
}

TEST_CASE("json and the table take back what was added after a mark, the others have written it",
          "[render]") {
    const std::vector<BackupObject> backups = sample();
    // A cell far wider than the rest: taken back, it must not widen the table either.
    BackupObject wide = backups[1];
    wide["BackupId"] = std::string(300, 'w');
    for (OutputFormat format : {OutputFormat::Json, OutputFormat::Table}) {
        RenderOptions options;
        options.format = format;
        std::ostringstream out;
        auto renderer = make_renderer(options, out);
        renderer->add(BackupRow{"c1", backups[0]});
        renderer->mark();
        renderer->add(BackupRow{"c2", wide});
        renderer->add(BackupRow{"c2", backups[1]});
        renderer->discard_since_mark();
        renderer->finish();
        INFO(out.str());
        CHECK(out.str() == render(options, {backups[0]}, "c1"));
    }
    SECTION("nothing before the mark: json is the empty array") {
        RenderOptions options;
        options.format = OutputFormat::Json;
        std::ostringstream out;
        auto renderer = make_renderer(options, out);
        renderer->mark();
        renderer->add(BackupRow{"c1", backups[0]});
        renderer->discard_since_mark();
        renderer->add(BackupRow{"c1", backups[1]});
        renderer->finish();
        CHECK(out.str() == render(options, {backups[1]}, "c1"));
        CHECK(out.str().rfind("[\n  {", 0) == 0);
    }
    SECTION("ndjson has written it already") {
        RenderOptions options;
        options.format = OutputFormat::Ndjson;
        std::ostringstream out;
        auto renderer = make_renderer(options, out);
        renderer->mark();
        renderer->add(BackupRow{"c1", backups[0]});
        renderer->discard_since_mark();
        renderer->finish();
        CHECK(out.str() == render(options, {backups[0]}, "c1"));
    }
}
