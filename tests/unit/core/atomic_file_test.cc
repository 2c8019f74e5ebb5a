// SPDX-License-Identifier: Apache-2.0
// Replacing a file atomically: the content and mode asked for, and nothing left behind.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "support/temp_dir.h"

using namespace tidb_backups;
using tidb_backups::testing::TempDir;

namespace {

std::vector<std::string> entries(const std::string& directory) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Sets the umask for one scope.
class Umask {
  public:
    explicit Umask(mode_t mask) : old_(::umask(mask)) {}
    ~Umask() { ::umask(old_); }
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;

  private:
    mode_t old_;
};

}  // namespace

TEST_CASE("write_file_atomically writes the text with mode 0644 whatever the umask",
          "[atomic_file]") {
    TempDir dir;
    const std::string path = dir.file("tidb_backups.prom");
    Umask umask(077);
    REQUIRE(write_file_atomically(path, "tidb_backup_api_up 1\n"));
    CHECK(dir.read_file("tidb_backups.prom") == "tidb_backup_api_up 1\n");
    CHECK(mode_of(path) == 0644);
    CHECK(entries(dir.path()) == std::vector<std::string>{"tidb_backups.prom"});
}

TEST_CASE("write_file_atomically replaces a file and takes the mode given", "[atomic_file]") {
    TempDir dir;
    const std::string path = dir.write_file("out.prom", "old content that is longer\n", 0600);
    REQUIRE(write_file_atomically(path, "new\n", 0640));
    CHECK(dir.read_file("out.prom") == "new\n");
    CHECK(mode_of(path) == 0640);
    CHECK(entries(dir.path()) == std::vector<std::string>{"out.prom"});
}

TEST_CASE("write_file_atomically writes large and empty texts exactly", "[atomic_file]") {
    TempDir dir;
    std::string big(3 * 1024 * 1024 + 7, 'x');
    big.back() = '\n';
    REQUIRE(write_file_atomically(dir.file("big"), big));
    CHECK(dir.read_file("big") == big);
    REQUIRE(write_file_atomically(dir.file("empty"), ""));
    CHECK(dir.read_file("empty").empty());
}

TEST_CASE("write_file_atomically replaces a symbolic link rather than its target",
          "[atomic_file]") {
    TempDir dir;
    const std::string target = dir.write_file("target", "target\n", 0644);
    std::filesystem::create_symlink(target, dir.file("link"));
    REQUIRE(write_file_atomically(dir.file("link"), "replaced\n"));
    CHECK(dir.read_file("target") == "target\n");
    CHECK_FALSE(std::filesystem::is_symlink(dir.file("link")));
    CHECK(dir.read_file("link") == "replaced\n");
}

TEST_CASE("write_file_atomically names the path when the directory is missing", "[atomic_file]") {
    TempDir dir;
    const std::string path = dir.file("missing/out.prom");
    Status status = write_file_atomically(path, "x\n");
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Output);
    CHECK(status.error().message ==
          "cannot write " + path +
              ": cannot create a temporary file beside it: No such file or directory");
    CHECK(entries(dir.path()).empty());
}

TEST_CASE("write_file_atomically leaves nothing behind when the rename fails", "[atomic_file]") {
    TempDir dir;
    // A directory where the file should go: the temporary file is written, the rename fails.
    std::filesystem::create_directory(dir.file("out.prom"));
    dir.write_file("out.prom/inside", "kept\n");
    const std::string path = dir.file("out.prom");
    Status status = write_file_atomically(path, "x\n");
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Output);
    CHECK(status.error().message ==
          "cannot write " + path + ": cannot rename the temporary file over it: Is a directory");
    CHECK(entries(dir.path()) == std::vector<std::string>{"out.prom"});
    CHECK(dir.read_file("out.prom/inside") == "kept\n");
}

TEST_CASE("write_file_atomically refuses a path that ends in a slash", "[atomic_file]") {
    TempDir dir;
    Status status = write_file_atomically(dir.path() + "/", "x\n");
    REQUIRE_FALSE(status);
    CHECK(status.error().message == "cannot write " + dir.path() + "/: the path names a directory");
    CHECK(entries(dir.path()).empty());
}
