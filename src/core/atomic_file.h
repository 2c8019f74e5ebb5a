// SPDX-License-Identifier: Apache-2.0
// Replacing a file so that a reader sees the old content or the new, never half of either: what
// node_exporter's textfile collector (and any poller) needs from `--textfile PATH`.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups {

// Writes `text` to a temporary file in the directory of `path` (".NAME.tmp-XXXXXX", which no
// "*.prom" glob matches), gives it exactly `mode` whatever the umask, fsyncs it, renames it over
// `path` and fsyncs the directory. On failure nothing is left behind and `path` is untouched;
// the error (ErrorKind::Output, exit 7) names the path and the reason. A symbolic link at `path`
// is replaced, not followed.
Status write_file_atomically(const std::string& path, std::string_view text, mode_t mode = 0644);

}  // namespace tidb_backups
