// SPDX-License-Identifier: Apache-2.0
// The held-back text of json: appended across chunk boundaries, taken back to a mark, written
// whole and in order. Expected text is built here with plain std::string.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "render/chunked_text.h"

using namespace tidb_backups;

namespace {

std::string written(const ChunkedText& text) {
    std::ostringstream out;
    text.write_to(out);
    return out.str();
}

// `n` bytes of a pattern that shows where a byte came from.
std::string pattern(std::size_t n, char first) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) {
        text.push_back(static_cast<char>(first + static_cast<char>(i % 23)));
    }
    return text;
}

}  // namespace

TEST_CASE("chunked text: appends across chunk boundaries come out whole and in order",
          "[render][chunked]") {
    ChunkedText text;
    CHECK(written(text).empty());
    std::string expected;
    // Pieces that end inside a chunk, exactly on its end, and span more than one chunk.
    for (std::size_t n : {std::size_t{10}, ChunkedText::kChunkBytes - 10,
                          2 * ChunkedText::kChunkBytes + 7, std::size_t{1}}) {
        const std::string piece = pattern(n, static_cast<char>('a' + expected.size() % 3));
        text.append(piece);
        expected += piece;
        CHECK(text.size() == expected.size());
    }
    CHECK(written(text) == expected);
    text.clear();
    CHECK(text.size() == 0);
    CHECK(written(text).empty());
}

TEST_CASE("chunked text: truncate forgets what came after the mark, even chunks later",
          "[render][chunked]") {
    ChunkedText text;
    const std::string kept = pattern(ChunkedText::kChunkBytes - 3, 'A');
    text.append(kept);
    const ChunkedText::Mark mark = text.mark();

    text.append(pattern(3 * ChunkedText::kChunkBytes, 'a'));  // under the file's bound
    text.truncate(mark);
    CHECK(text.size() == kept.size());
    CHECK(written(text) == kept);

    // Appending after a truncate goes on from the mark.
    text.append("xyz1234");
    CHECK(written(text) == kept + "xyz1234");

    SECTION("a mark at a chunk's exact end, and one before anything") {
        ChunkedText full;
        const ChunkedText::Mark start = full.mark();
        const std::string chunk = pattern(ChunkedText::kChunkBytes, 'k');
        full.append(chunk);
        const ChunkedText::Mark at_end = full.mark();
        full.append("more");
        full.truncate(at_end);
        CHECK(written(full) == chunk);
        full.truncate(start);
        CHECK(full.size() == 0);
        CHECK(written(full).empty());
    }
    SECTION("a truncate to a mark with nothing after it changes nothing") {
        const ChunkedText::Mark now = text.mark();
        text.truncate(now);
        CHECK(written(text) == kept + "xyz1234");
    }
}

TEST_CASE("chunked text: past its bound it moves to a file, and reads back the same",
          "[render][chunked]") {
    ChunkedText text(std::size_t{100});  // a file in TMPDIR (or /tmp) past 100 bytes
    std::string expected;
    for (int piece = 0; piece < 7; ++piece) {
        const std::string bytes = pattern(ChunkedText::kChunkBytes / 2 + 17, 'a');
        text.append(bytes);
        expected += bytes;
    }
    CHECK(text.size() == expected.size());
    // All but the chunk being filled went to the file.
    CHECK(text.spilled() >= expected.size() - ChunkedText::kChunkBytes);
    CHECK(written(text) == expected);

    SECTION("truncate into the file's part cuts the file") {
        const std::size_t keep = 1000;
        text.truncate(keep);
        CHECK(text.size() == keep);
        CHECK(text.spilled() == keep);
        text.append("tail");
        CHECK(written(text) == expected.substr(0, keep) + "tail");
    }
    SECTION("truncate into the part in memory keeps the file") {
        const std::size_t spilled = text.spilled();
        text.truncate(spilled + 5);
        CHECK(text.spilled() == spilled);
        CHECK(written(text) == expected.substr(0, spilled + 5));
    }
    SECTION("clear starts afresh") {
        text.clear();
        text.append("x");
        CHECK(written(text) == "x");
    }
}

TEST_CASE("chunked text: a directory where no file can be made keeps the text in memory",
          "[render][chunked]") {
    ChunkedText text(std::size_t{0}, "/nonexistent/tidb-backups-test");
    const std::string bytes = pattern(3 * ChunkedText::kChunkBytes + 5, 'q');
    text.append(bytes);
    CHECK(text.spilled() == 0);
    CHECK(written(text) == bytes);
    text.truncate(10);
    CHECK(written(text) == bytes.substr(0, 10));
}
