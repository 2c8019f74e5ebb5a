// The `list` command: page through the API for every cluster concurrently and hand the
// backups, in API order, to one renderer; or, with --dry-run, print the signed requests.
#pragma once

#include <ostream>

#include "cli/settings.h"
#include "core/cancellation.h"

namespace tidb_backups {

// Returns the process exit code; errors are reported on `err`, data goes to `out` only once
// every cluster that succeeded is complete.
// `cancellation` (Ctrl-C) ends the listing early with exit 130.
int run_list(const Settings& settings, const ListPlan& plan, std::ostream& out, std::ostream& err,
             Cancellation* cancellation = nullptr);

}  // namespace tidb_backups
