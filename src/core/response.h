// SPDX-License-Identifier: Apache-2.0
// Parses a ListTiDBClusterBackup response body. The document disagrees with itself and with
// the service, so this accepts every shape seen: Data as an array or a single object, the
// example's "BackupData" (object or array), TotalCount missing, RetCode as a string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"
#include "core/error.h"

namespace tidb_backups {

// The deepest nesting of arrays and objects a response may have. A page needs 3 (the response,
// Data, a backup); the rest is room for unknown fields. Deeper bodies are refused while parsing,
// before anything could recurse through them.
inline constexpr int kMaxJsonDepth = 64;

struct BackupPage {
    std::vector<BackupObject> backups;
    std::optional<std::int64_t> total_count;  // absent, or not a usable number
};

// An ErrorKind::Response error for a body that is not a JSON object, nests deeper than
// kMaxJsonDepth, holds an integer past 64 bits (it could not be kept exactly), or whose RetCode
// is missing or neither an integer nor a string of digits; an ErrorKind::Api error (ret_code set)
// for RetCode != 0. Bytes that are not UTF-8 and escapes of half a surrogate pair become U+FFFD.
Expected<BackupPage> parse_backup_page(std::string_view body);

// "Rate limit exceeded": the API asks the client to slow down.
inline constexpr int kRateLimitedRetCode = 153;

// RetCodes after which the same request may succeed: 153 (rate limited) and >= 2000 (server side).
bool is_retryable_ret_code(int ret_code);

}  // namespace tidb_backups
