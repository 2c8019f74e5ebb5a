// SPDX-License-Identifier: Apache-2.0
// --ids-from: the bounds on bytes and ids, stdin read no further than the bound, and named pipes
// read without blocking on open, with one notice while no writer has come.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "cli/ids_from.h"
#include "cli/list_plan.h"
#include "cli/settings.h"
#include "support/temp_dir.h"

using namespace tidb_backups;
using namespace std::chrono_literals;
using tidb_backups::testing::TempDir;

namespace {

std::string ids_text(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
        text += "id-" + std::to_string(i) + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("parse_ids trims, skips blanks and comments", "[ids-from]") {
    auto ids = parse_ids("# clusters\nalpha\n\n  beta  \r\n\t#gamma\n \t\r\ndelta", "'f'");
    REQUIRE(ids);
    CHECK(*ids == std::vector<ClusterRef>{{"alpha", ""}, {"beta", ""}, {"delta", ""}});
    auto none = parse_ids("", "'f'");
    REQUIRE(none);
    CHECK(none->empty());
}

TEST_CASE("parse_ids takes REGION ID lines beside ID lines", "[ids-from]") {
    auto ids = parse_ids("cn-zj alpha\nbeta\n  cn-bj2 \t gamma  \r\n# cn-sh delta\n", "'f'");
    REQUIRE(ids);
    CHECK(*ids == std::vector<ClusterRef>{{"alpha", "cn-zj"}, {"beta", ""}, {"gamma", "cn-bj2"}});
}

TEST_CASE("parse_ids refuses a line of three words, naming it", "[ids-from]") {
    auto ids = parse_ids("alpha\n\ncn-zj beta extra\n", "'fleet.txt'");
    REQUIRE_FALSE(ids);
    CHECK(ids.error().kind == ErrorKind::Usage);
    CHECK(ids.error().message ==
          "--ids-from 'fleet.txt' line 3 has 3 words: expected ID or REGION ID");
}

TEST_CASE("parse_ids takes 10000 ids and refuses one more", "[ids-from]") {
    auto at_bound = parse_ids(ids_text(10000), "'fleet.txt'");
    REQUIRE(at_bound);
    CHECK(at_bound->size() == 10000);
    CHECK(at_bound->back().id == "id-9999");

    auto over = parse_ids(ids_text(10001), "'fleet.txt'");
    REQUIRE_FALSE(over);
    CHECK(over.error().kind == ErrorKind::Usage);
    CHECK(over.error().message == "--ids-from 'fleet.txt' holds more than 10000 cluster ids");
    CHECK(over.error().hint ==
          "a run takes at most 10000 cluster ids (1 MiB); split them over several runs");
}

TEST_CASE("parse_ids takes 1 MiB and refuses one byte more", "[ids-from]") {
    std::string text = "one\n" + std::string(1048576 - 7, '#') + "\n";
    text.insert(0, "x\n");
    REQUIRE(text.size() == 1048576);
    auto at_bound = parse_ids(text, "- (standard input)");
    REQUIRE(at_bound);
    CHECK(*at_bound == std::vector<ClusterRef>{{"x", ""}, {"one", ""}});

    auto over = parse_ids(text + "\n", "- (standard input)");
    REQUIRE_FALSE(over);
    CHECK(over.error().kind == ErrorKind::Usage);
    CHECK(over.error().message == "--ids-from - (standard input) is larger than 1 MiB");
}

TEST_CASE("read_at_most reads no further than its limit", "[ids-from]") {
    std::istringstream in("abcdefgh");
    CHECK(read_at_most(in, 3) == "abc");
    CHECK(read_at_most(in, 100) == "defgh");
    CHECK(read_at_most(in, 100).empty());
}

TEST_CASE("read_ids_file stops one byte past the bound, even on /dev/zero", "[ids-from]") {
    std::ostringstream notices;
    auto endless = read_ids_file("/dev/zero", notices);
    REQUIRE(endless);
    CHECK(endless->size() == kMaxIdsFromBytes + 1);
    CHECK(notices.str().empty());

    TempDir dir;
    std::string small = dir.write_file("ids.txt", "a\nb\n");
    auto read = read_ids_file(small, notices);
    REQUIRE(read);
    CHECK(*read == "a\nb\n");
}

TEST_CASE("read_ids_file: what cannot be read is a usage error with the reason", "[ids-from]") {
    TempDir dir;
    std::ostringstream notices;
    auto missing = read_ids_file(dir.file("none.txt"), notices);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::Usage);
    CHECK(missing.error().message ==
          "cannot read --ids-from '" + dir.file("none.txt") + "': No such file or directory");
    auto directory = read_ids_file(dir.path(), notices);
    REQUIRE_FALSE(directory);
    CHECK(directory.error().message ==
          "cannot read --ids-from '" + dir.path() + "': Is a directory");
}

TEST_CASE("read_ids_file reads a named pipe and says once when it waits for a writer",
          "[ids-from][fifo]") {
    TempDir dir;
    std::string fifo = dir.file("ids.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // A writer connected before we open, silent for a while: nothing to announce.
    int placeholder = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(placeholder >= 0);
    int writer_fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(writer_fd >= 0);
    std::thread writer([writer_fd] {
        std::this_thread::sleep_for(300ms);  // far past the 50 ms after which a notice would come
        [[maybe_unused]] ssize_t first = ::write(writer_fd, "c1\n", 3);
        std::this_thread::sleep_for(100ms);
        [[maybe_unused]] ssize_t second = ::write(writer_fd, "c2\n", 3);
        ::close(writer_fd);
    });
    std::ostringstream notices;
    auto text = read_ids_file(fifo, notices, 50ms);
    writer.join();
    ::close(placeholder);  // it read nothing: kept so that a write never finds no reader
    REQUIRE(text);
    CHECK(*text == "c1\nc2\n");
    CHECK(notices.str().empty());

    // No writer for longer than the notice's delay: said once, then the writer's ids are read.
    std::ostringstream waited;
    std::thread late_writer([&fifo] {
        std::this_thread::sleep_for(400ms);
        int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);  // the reader is there
        if (fd >= 0) {
            [[maybe_unused]] ssize_t written = ::write(fd, "c3\n", 3);
            ::close(fd);
        }
    });
    auto late = read_ids_file(fifo, waited, 50ms);
    late_writer.join();
    REQUIRE(late);
    CHECK(*late == "c3\n");
    CHECK(waited.str() == "tidb-backups: waiting for a writer on the named pipe '" + fifo +
                              "' (--ids-from); Ctrl-C to stop\n");
}

TEST_CASE("read_ids_file: a writer that comes and goes without a word is an empty input",
          "[ids-from][fifo]") {
    TempDir dir;
    std::string fifo = dir.file("ids.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::ostringstream notices;
    std::thread writer([&fifo] {
        std::this_thread::sleep_for(200ms);
        int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);  // the reader is there
        if (fd >= 0) {
            ::close(fd);
        }
    });
    auto text = read_ids_file(fifo, notices, 50ms);
    writer.join();
    REQUIRE(text);
    CHECK(text->empty());
}

TEST_CASE("resolve_list_plan refuses --ids-from over its bounds, from stdin and from a file",
          "[ids-from][settings]") {
    ListOptions from_stdin;
    from_stdin.ids_from = "-";
    auto huge =
        resolve_list_plan(from_stdin, [] { return std::string(kMaxIdsFromBytes + 1, '\n'); });
    REQUIRE_FALSE(huge);
    CHECK(huge.error().kind == ErrorKind::Usage);
    CHECK(huge.error().message == "--ids-from - (standard input) is larger than 1 MiB");

    TempDir dir;
    ListOptions from_file;
    from_file.ids = {"given"};
    from_file.ids_from = dir.write_file("fleet.txt", ids_text(10001));
    auto many = resolve_list_plan(from_file, [] { return std::string(); });
    REQUIRE_FALSE(many);
    CHECK(many.error().message ==
          "--ids-from '" + *from_file.ids_from + "' holds more than 10000 cluster ids");

    from_file.ids_from = dir.write_file("fleet.txt", ids_text(10000));
    auto plan = resolve_list_plan(from_file, [] { return std::string(); });
    REQUIRE(plan);
    CHECK(plan->clusters.size() == 10001);  // --id comes first, then the file's
    CHECK(plan->clusters.front().id == "given");
}
