// SPDX-License-Identifier: Apache-2.0
// `check -o json|prometheus|nagios`: every cluster's backups judged by the rules of core/health.h
// and written as one document once every cluster is done (a monitoring system reads a whole
// answer or none), to stdout or, for prometheus, atomically to --textfile.
#pragma once

#include "cli/check_plan.h"
#include "cli/command.h"
#include "cli/settings.h"

namespace tidb_backups {

// The exit code: nagios, the worst status (0..3); json and prometheus, the first failed
// cluster's code, else 1 when a cluster is not OK, else 0. 130 when interrupted, 7 when the
// output could not be written (for --textfile, with the error printed).
int run_health_check(const Settings& settings, const CheckPlan& plan, CommandContext& context);

}  // namespace tidb_backups
