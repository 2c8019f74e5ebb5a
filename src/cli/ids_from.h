// SPDX-License-Identifier: Apache-2.0
// --ids-from: cluster ids read from a file, a named pipe or stdin within fixed bounds, so that a
// huge file or /dev/zero is refused at once and a pipe nobody writes to is said, not hung on.
#pragma once

#include <chrono>
#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/listing.h"

namespace tidb_backups {

// A fleet has hundreds to a few thousand clusters; ten thousand ids of up to a hundred
// characters fit in the byte bound.
inline constexpr std::size_t kMaxIdsFromBytes = 1 << 20;  // 1 MiB
inline constexpr std::size_t kMaxIdsFromIds = 10000;

// How long a named pipe may stay without a writer before we say that we wait for one.
inline constexpr std::chrono::milliseconds kIdsFromWriterNotice{1000};

// Up to `limit` bytes of `in`, and no more are read: enough for the caller to tell that the
// input is too large without reading all of it.
std::string read_at_most(std::istream& in, std::size_t limit);

// The text of --ids-from FILE, at most kMaxIdsFromBytes + 1 bytes of it (more is for the caller
// to refuse). A named pipe is opened without waiting for a writer; if none has come after
// `notice_after`, one line on `notices` says that we wait for one (Ctrl-C still ends the
// process: its default action is in place until the listing starts). A usage error (exit 2)
// names the path and the system's reason when the file cannot be opened or read.
Expected<std::string> read_ids_file(const std::string& path, std::ostream& notices,
                                    std::chrono::milliseconds notice_after = kIdsFromWriterNotice);

// The clusters in `text`: one a line, "ID" or "REGION ID" separated by spaces or tabs (the
// region empty when not given: --region's), blanks around trimmed, blank lines and '#' comments
// skipped. A usage error (exit 2) when the text is over kMaxIdsFromBytes, holds more than
// kMaxIdsFromIds ids, or has a line of more than two words (naming the line); `shown` names the
// source in it ("'ids.txt'", "- (stdin)").
Expected<std::vector<ClusterRef>> parse_ids(std::string_view text, std::string_view shown);

}  // namespace tidb_backups
