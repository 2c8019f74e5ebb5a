// Turns --limit/--offset/--page-size into page requests and pages into one ordered list of
// backups: no backup lost when the list grows while paging, none printed twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/response.h"

namespace tidb_backups {

struct PageWindow {
    std::optional<std::int64_t> limit;  // most backups to return; nullopt: all
    std::int64_t offset = 0;            // backups to skip first
    std::int64_t page_size = 30;        // the API's Limit per request, 1..30
};

inline constexpr std::int64_t kMaxPageSize = 30;

// Fetches the page of `limit` backups starting at `offset`.
using FetchPage = std::function<Expected<BackupPage>(std::int64_t offset, std::int64_t limit)>;

// The API Limit of the first request for `window`.
std::int64_t first_page_limit(const PageWindow& window);

// Every backup in the window, in API order, duplicates (same BackupId) dropped. Stops at
// TotalCount (re-read from every page, so growth while paging is followed), at a short or
// empty page, or when `limit` backups are in.
Expected<std::vector<BackupObject>> fetch_window(const PageWindow& window, const FetchPage& fetch);

}  // namespace tidb_backups
