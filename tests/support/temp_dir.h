// SPDX-License-Identifier: Apache-2.0
// A private scratch directory for one test (HOME, config files, logs), removed with everything
// in it when the test ends.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace tidb_backups::testing {

class TempDir {
  public:
    // Creates a fresh directory under $TMPDIR (or /tmp); throws std::system_error on failure.
    TempDir();
    ~TempDir();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }

    // `name` is relative to the directory ("config/tidb-backups/config.toml"); an absolute name
    // or one that climbs out with ".." throws std::invalid_argument.
    std::string file(std::string_view name) const;

    // Writes `content` to `name`, creating missing parent directories; the file gets exactly
    // `mode` whatever the umask. Returns the full path.
    std::string write_file(std::string_view name, std::string_view content,
                           mode_t mode = 0600) const;

    // The whole content of `name`; throws std::system_error when it cannot be read.
    std::string read_file(std::string_view name) const;

  private:
    std::string path_;
};

}  // namespace tidb_backups::testing
