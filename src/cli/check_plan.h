// SPDX-License-Identifier: Apache-2.0
// The check plan: what `check` will do, from its flags as typed: the clusters, the output, and
// the rules a cluster's backups are judged by, each checked before any setting is resolved or
// any request is made (a bad value is exit 2 and sends nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/health.h"
#include "core/listing.h"

namespace tidb_backups {

// `check` options as typed; validated by resolve_check_plan.
struct CheckOptions {
    std::vector<std::string> ids;
    std::optional<std::string> ids_from;  // FILE or "-" for stdin
    std::optional<std::string> max_age;   // "90m", "26h", "7d"; the same as critical
    std::string state = "Success";
    std::optional<std::string> concurrency;
    std::optional<std::string> output;  // unset: human, or prometheus with --textfile
    std::optional<std::string> textfile;
    std::optional<std::string> warning;
    std::optional<std::string> critical;
    std::optional<std::string> on_failed;
    std::optional<std::string> max_running;
    std::optional<std::string> on_no_backup;
    std::optional<std::string> min_size_percent;
};

enum class CheckOutput { Human, Json, Prometheus, Nagios };

// "human", "json", "prometheus", "nagios": the choices of check's --output.
const std::vector<std::string>& check_output_names();
// "ok", "warning", "critical": the choices of --on-failed and --on-no-backup.
const std::vector<std::string>& rule_status_names();

// What makes a cluster's backups fresh in the human output.
struct FreshnessRule {
    std::string state = "Success";  // compared with the API's State in any case
    std::int64_t max_age = 0;       // seconds
    std::string max_age_text;       // as typed, for the STALE line
};

struct CheckPlan {
    std::vector<ClusterRef> clusters;  // as ListPlan's
    int concurrency = 8;
    CheckOutput output = CheckOutput::Human;
    std::optional<std::string> textfile;  // prometheus only
    FreshnessRule rule;                   // the human output
    HealthRules rules;                    // every other output
};

// Checks the flags (usage errors, exit 2) and reads --ids-from; `stdin_reader` supplies "-".
Expected<CheckPlan> resolve_check_plan(const CheckOptions& options,
                                       const std::function<std::string()>& stdin_reader,
                                       std::ostream& notices = std::cerr);

// Whether the words after the program name run `check -o nagios` (any spelling of -o and any case
// of nagios): a usage error is then the plugin's UNKNOWN (exit 3), even one found before the
// words could be parsed.
bool asks_for_nagios(const std::vector<std::string>& args);

// Before a message about one cluster on stderr: "" for a single cluster, else "cluster ID: ", or
// "cluster ID in REGION: " when the clusters span several regions; sanitised for a terminal.
std::string cluster_message_prefix(const CheckPlan& plan, std::size_t cluster);

}  // namespace tidb_backups
