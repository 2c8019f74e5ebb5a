// SPDX-License-Identifier: Apache-2.0
// `check -o nagios`: a HealthReport as a monitoring plugin's output (Nagios, Icinga, Naemon,
// Sensu), per the monitoring-plugins development guidelines:
//
//   TIDB BACKUPS CRITICAL - 1 of 3 clusters CRITICAL: c2: no Success backup found | 'age_c1'=...
//   c1 OK: newest Success backup bk-3 is 3h00m old
//   c2 CRITICAL: no Success backup found
//   c3 WARNING: newest backup bk-7 is Failed
//
// The first line is the worst status and a summary naming the clusters in it (at most
// kNamedClusters, then "and N more"; with one cluster just "c1: reason"), then `|` and one
// perfdata item per cluster: 'age_<cluster>'=<seconds>s;<warning age>;<critical age>;0 (a
// threshold that is not set is left empty; "U" when there is no age: no backup, failed call).
// Then one long-output line per cluster, in the order given, with every reason.
//
// Server strings never break the format: control characters, invalid UTF-8 and `|` become
// U+FFFD everywhere; in perfdata labels `=` becomes `_` and a single quote is doubled. A label
// that repeats an earlier one (an id given twice) gets no second perfdata item.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/health.h"

namespace tidb_backups {

inline constexpr std::size_t kNamedClusters = 3;

struct NagiosOutput {
    std::string text;   // every line ends in '\n'
    int exit_code = 3;  // 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN: the worst status
};

// The plugin output of `report`; a report without clusters is UNKNOWN.
NagiosOutput nagios_output(const HealthReport& report);

// A plugin that could not check (a usage or configuration error) answers UNKNOWN with the reason:
// "TIDB BACKUPS UNKNOWN - <message>\n", cleaned as above. Nagios reads the exit status 2 that
// other commands give a usage error as CRITICAL, so `check -o nagios` exits 3 instead.
std::string nagios_unknown(std::string_view message);

// 'age_<cluster>' as a quoted perfdata label (see above).
std::string perfdata_label(std::string_view name);

}  // namespace tidb_backups
