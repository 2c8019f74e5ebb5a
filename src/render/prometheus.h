// SPDX-License-Identifier: Apache-2.0
// `check -o prometheus`: a HealthReport in the Prometheus text exposition format (version 0.0.4),
// as node_exporter's textfile collector reads it (write it with write_file_atomically so the
// collector never reads half a file).
//
// Every series is a gauge labelled {cluster, region} (region "" when unknown). Metrics:
//   tidb_backup_last_success_start_timestamp_seconds   newest backup in the checked state
//   tidb_backup_last_success_end_timestamp_seconds     (Success unless the rules say otherwise)
//   tidb_backup_last_success_size_bytes                BackupSize MB x 1048576
//   tidb_backup_last_success_duration_seconds
//   tidb_backup_backups{state}                         backups by state; Success, Failed and
//                                                      Running always present
//   tidb_backup_newest_failed                          1 when the newest backup (any state) Failed
//   tidb_backup_check_status                           0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
//   tidb_backup_api_up                                 1 when every page was fetched, else 0
//   tidb_backup_check_timestamp_seconds (no labels)    when the check ran
// A value that is not known (no backup in the state, no end time yet, a failed call) has no
// series, rather than a made-up 0: alert on tidb_backup_check_status, or with absent(). No sample
// carries a timestamp (the textfile collector refuses them); ages are for the alert rules to
// compute: time() - tidb_backup_last_success_start_timestamp_seconds.
//
// Label values are escaped per the format (\\, \", \n) and invalid UTF-8 in them is replaced by
// U+FFFD. When two clusters end up with the same labels (an id given twice) only the first is
// written: a repeated series makes the whole file unreadable to the collector.
#pragma once

#include <string>
#include <string_view>

#include "core/health.h"

namespace tidb_backups {

// The exposition text of `report`, ending in a newline.
std::string prometheus_text(const HealthReport& report);

// `value` as it goes between the quotes of a label: valid UTF-8, with backslash, double quote
// and line feed escaped.
std::string escape_label_value(std::string_view value);

}  // namespace tidb_backups
