// The `list` command: for each cluster, page through the API and hand the backups, in API
// order, to one renderer; or, with --dry-run, print the signed requests instead.
#pragma once

#include <ostream>

#include "cli/settings.h"

namespace tidb_backups {

// Returns the process exit code; errors are reported on `err`, data goes to `out` only once
// every cluster that succeeded is complete.
int run_list(const Settings& settings, const ListPlan& plan, std::ostream& out, std::ostream& err);

}  // namespace tidb_backups
