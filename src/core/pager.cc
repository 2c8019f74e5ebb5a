#include "core/pager.h"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_set>

namespace tidb_backups {

std::int64_t first_page_limit(const PageWindow& window) {
    return window.limit ? std::min(window.page_size, *window.limit) : window.page_size;
}

Expected<std::vector<BackupObject>> fetch_window(const PageWindow& window, const FetchPage& fetch) {
    std::vector<BackupObject> backups;
    std::unordered_set<std::string> seen;
    const std::int64_t wanted = window.limit.value_or(std::numeric_limits<std::int64_t>::max());
    std::int64_t offset = window.offset;
    std::optional<std::int64_t> total;
    while (static_cast<std::int64_t>(backups.size()) < wanted && (!total || offset < *total)) {
        std::int64_t remaining = wanted - static_cast<std::int64_t>(backups.size());
        std::int64_t limit = std::min(window.page_size, remaining);
        Expected<BackupPage> page = fetch(offset, limit);
        if (!page) {
            return page.error();
        }
        total = page->total_count;
        for (auto& backup : page->backups) {
            if (static_cast<std::int64_t>(backups.size()) >= wanted) {
                break;
            }
            std::string id = backup_id(backup);
            // A backup seen on an earlier page moved down because newer ones were added.
            if (!id.empty() && !seen.insert(std::move(id)).second) {
                continue;
            }
            backups.push_back(std::move(backup));
        }
        auto received = static_cast<std::int64_t>(page->backups.size());
        offset += received;
        // A short page is the end, whatever TotalCount claims: asking again would loop forever.
        if (received < limit) {
            break;
        }
    }
    return backups;
}

}  // namespace tidb_backups
