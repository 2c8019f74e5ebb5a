#include "core/pager.h"

#include <algorithm>

namespace tidb_backups {

std::int64_t first_page_limit(const PageWindow& window) {
    return window.limit ? std::min(window.page_size, *window.limit) : window.page_size;
}

}  // namespace tidb_backups
