// SPDX-License-Identifier: Apache-2.0
// RenderOptions::terminal: on a terminal csv and tsv replace control characters and json/ndjson
// escape them (the same JSON data); into a file or pipe every format keeps the exact value.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "render/renderer.h"

using namespace tidb_backups;

namespace {

constexpr const char* kF = "\xEF\xBF\xBD";  // U+FFFD

// ESC, BEL, CR, LF, tab, C1 U+009B, RLO U+202E, a comma and a quote.
const std::string kHostile = "a\x1b]0;t\x07|\r\n\t\xC2\x9B\xE2\x80\xAE,\"";

std::string render(OutputFormat format, bool terminal, std::string_view cluster = "c1") {
    BackupObject backup = BackupObject::object();
    backup["BackupId"] = "bk-1";
    backup["BackupName"] = kHostile;
    RenderOptions options;
    options.format = format;
    options.terminal = terminal;
    options.fields = {"ClusterId", "BackupId", "BackupName"};
    options.headers = false;
    std::ostringstream out;
    auto renderer = make_renderer(options, out);
    renderer->add(BackupRow{cluster, backup});
    renderer->finish();
    return out.str();
}

std::string with_f(const std::string& pattern) {
    std::string text;
    for (char c : pattern) {
        if (c == '~') {
            text += kF;
        } else {
            text.push_back(c);
        }
    }
    return text;
}

}  // namespace

TEST_CASE("csv on a terminal replaces control characters, a pipe keeps them",
          "[render][terminal]") {
    CHECK(render(OutputFormat::Csv, false) == "c1,bk-1,\"" +
                                                  std::string("a\x1b]0;t\x07|\r\n\t\xC2\x9B"
                                                              "\xE2\x80\xAE,\"\"") +
                                                  "\"\n");
    // No CR or LF is left, but the comma and quote still need quoting.
    CHECK(render(OutputFormat::Csv, true) == with_f("c1,bk-1,\"a~]0;t~|~~~~~,\"\"\"\n"));
    // A cluster id is cleaned too.
    CHECK(render(OutputFormat::Csv, true, "c\x1b") == with_f("c~,bk-1,\"a~]0;t~|~~~~~,\"\"\"\n"));
}

TEST_CASE("tsv on a terminal escapes tab, CR and LF, then replaces the rest",
          "[render][terminal]") {
    CHECK(render(OutputFormat::Tsv, false) ==
          "c1\tbk-1\ta\x1b]0;t\x07|\\r\\n\\t\xC2\x9B\xE2\x80\xAE,\"\n");
    CHECK(render(OutputFormat::Tsv, true) == with_f("c1\tbk-1\ta~]0;t~|\\r\\n\\t~~,\"\n"));
}

TEST_CASE("json and ndjson on a terminal escape controls and mean the same", "[render][terminal]") {
    for (OutputFormat format : {OutputFormat::Json, OutputFormat::Ndjson}) {
        std::string piped = render(format, false);
        std::string shown = render(format, true);
        CHECK(piped.find("\xC2\x9B\xE2\x80\xAE") != std::string::npos);
        CHECK(shown.find("\\u009b\\u202e") != std::string::npos);
        CHECK(shown.find("\xC2\x9B") == std::string::npos);
        CHECK(shown.find("\xE2\x80\xAE") == std::string::npos);
        CHECK(BackupObject::parse(shown) == BackupObject::parse(piped));
    }
}
