// Writing the config file back: atomically (a reader sees the old file or the new one, never
// half of it), private (mode 0600) and never through a symbolic link.
#pragma once

#include <string>

#include "cli/config_file.h"
#include "core/error.h"

namespace tidb_backups {

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
