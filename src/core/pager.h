// The part of a cluster's backup list that --limit, --offset and --page-size select.
#pragma once

#include <cstdint>
#include <optional>

namespace tidb_backups {

struct PageWindow {
    std::optional<std::int64_t> limit;  // most backups to return; nullopt: all
    std::int64_t offset = 0;            // backups to skip first
    std::int64_t page_size = 30;        // the API's Limit per request, 1..30
};

inline constexpr std::int64_t kMaxPageSize = 30;

// The API Limit of the first request for `window`.
std::int64_t first_page_limit(const PageWindow& window);

}  // namespace tidb_backups
