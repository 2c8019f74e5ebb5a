// SPDX-License-Identifier: Apache-2.0
// Writing the config file back: atomically (a reader sees the old file or the new one, never
// half of it), private (mode 0600) and never through a symbolic link.
#pragma once

#include <chrono>
#include <string>

#include "cli/config_file.h"
#include "core/error.h"

namespace tidb_backups {

// How long configure waits for another process's lock on the config file before it gives up.
inline constexpr std::chrono::milliseconds kConfigLockWait{10000};

// An exclusive lock on one config file between processes, held while the object lives, so that
// concurrent configure runs each read the file the one before them wrote. It is a flock(2) on an
// empty file ".NAME.lock" (mode 0600) beside the config file, not on the config file itself,
// which every save replaces by a rename. The lock file stays: removing it could let two
// processes hold locks on two different files. The kernel drops the lock when the holder exits,
// however it exits, so a crash never leaves it held.
class ConfigLock {
  public:
    ConfigLock(ConfigLock&& other) noexcept;
    ConfigLock& operator=(ConfigLock&&) = delete;
    ConfigLock(const ConfigLock&) = delete;
    ConfigLock& operator=(const ConfigLock&) = delete;
    ~ConfigLock();

  private:
    friend Expected<ConfigLock> lock_config_file(const std::string& path,
                                                 std::chrono::milliseconds wait);
    explicit ConfigLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// The lock file of the config file at path: "DIR/.NAME.lock".
std::string config_lock_path(const std::string& path);

// Creates the missing parent directories of path (mode 0700), then takes the lock, waiting up
// to `wait` while another process holds it. An ErrorKind::Config error names the lock file when
// the wait runs out (a configure stopped with Ctrl-Z, say) or it cannot be created or locked.
Expected<ConfigLock> lock_config_file(const std::string& path,
                                      std::chrono::milliseconds wait = kConfigLockWait);

// Whether path may be (re)written by save_config_file: it must not exist, or be a regular file.
// A symbolic link (dangling or not), a directory or any other kind of file is an
// ErrorKind::Config error naming the path. configure checks this before asking anything.
Status check_config_target(const std::string& path);

// Replaces the file at path with serialize_config(config): check_config_target, then missing
// parent directories are created with mode 0700, the text goes to a temporary file (mode 0600) in
// the same directory, which is flushed to disk and renamed over path; the directory is synced
// so the rename survives a crash. A file owned by another user keeps its owner when we may set
// it (root editing a user's file). On failure the temporary file is removed, the old file is left
// as it was, and the ErrorKind::Config error names the path and the system's reason.
// Comments and layout of the old file are not kept: it is rewritten from `config`.
Status save_config_file(const std::string& path, const ConfigFile& config);

}  // namespace tidb_backups
