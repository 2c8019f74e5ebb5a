// SPDX-License-Identifier: Apache-2.0
#include "cli/check_plan.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "cli/flags.h"
#include "cli/list_plan.h"
#include "cli/report.h"
#include "cli/settings.h"
#include "core/ascii.h"
#include "core/time_spec.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

// A duration flag ("90m", "26h", "7d"); `flag` names it in the error.
Expected<std::int64_t> duration_flag(const std::string& text, std::string_view flag) {
    std::optional<std::int64_t> seconds = parse_duration(text);
    if (!seconds) {
        return usage(
            fmt::format("invalid value for {}: '{}' (expected a duration such as 90m, 26h or 7d)",
                        flag, text),
            all_digits(text) ? fmt::format("a unit is required: {0}m, {0}h or {0}d", text)
                             : std::string());
    }
    return *seconds;
}

Expected<CheckOutput> output_flag(const CheckOptions& options) {
    const Flag& record = flag(FlagId::CheckOutput);
    if (!options.output) {
        return options.textfile ? CheckOutput::Prometheus : CheckOutput::Human;
    }
    if (!is_choice(record, *options.output)) {
        return usage(not_a_choice(record, *options.output));
    }
    const auto& names = check_output_names();
    const auto at = std::find(names.begin(), names.end(), *options.output) - names.begin();
    const auto output = static_cast<CheckOutput>(at);
    if (options.textfile && output != CheckOutput::Prometheus) {
        return usage(
            fmt::format("--textfile writes the prometheus output, not -o {}", *options.output),
            "drop -o, or pass -o prometheus");
    }
    return output;
}

Expected<HealthStatus> status_flag(const std::optional<std::string>& text, FlagId id,
                                   HealthStatus fallback) {
    if (!text) {
        return fallback;
    }
    const Flag& record = flag(id);
    if (!is_choice(record, *text)) {
        return usage(not_a_choice(record, *text));
    }
    return *text == "ok"        ? HealthStatus::Ok
           : *text == "warning" ? HealthStatus::Warning
                                : HealthStatus::Critical;
}

// The flags that only the rules of json, prometheus and nagios use, with their names.
std::vector<std::pair<const std::optional<std::string>*, std::string_view>> rule_flags(
    const CheckOptions& options) {
    return {{&options.warning, "--warning"},
            {&options.on_failed, "--on-failed"},
            {&options.max_running, "--max-running"},
            {&options.on_no_backup, "--on-no-backup"},
            {&options.min_size_percent, "--min-size-percent"}};
}

// --state, trimmed.
Expected<std::string> state_flag(const std::string& text) {
    auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return usage("invalid value for --state: the state is empty",
                     "pass the State a backup must have, e.g. --state Success");
    }
    auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

Status resolve_rules(const CheckOptions& options, CheckPlan& plan) {
    Expected<std::string> state = state_flag(options.state);
    if (!state) {
        return state.error();
    }
    if (options.max_age && options.critical) {
        return usage("--max-age and --critical are the same setting: give one of them");
    }
    const std::optional<std::string>& critical =
        options.max_age ? options.max_age : options.critical;
    const std::string_view critical_name = options.max_age ? "--max-age" : "--critical";
    std::optional<std::int64_t> critical_age;
    if (critical) {
        Expected<std::int64_t> age = duration_flag(*critical, critical_name);
        if (!age) {
            return age.error();
        }
        critical_age = *age;
    }

    if (plan.output == CheckOutput::Human) {
        if (!critical_age) {
            return usage("missing --max-age",
                         "pass --max-age DURATION, e.g. --max-age 26h (units: s, m, h, d, w)");
        }
        for (const auto& [value, name] : rule_flags(options)) {
            if (*value) {
                return usage(
                    fmt::format("{} is for -o json, prometheus or nagios: the human output "
                                "judges --max-age alone",
                                name),
                    "add -o nagios (or json, prometheus) to apply every rule");
            }
        }
        plan.rule.state = *state;
        plan.rule.max_age = *critical_age;
        plan.rule.max_age_text = *critical;
        return ok();
    }

    HealthRules& rules = plan.rules;
    rules.state = *state;
    rules.critical_age = critical_age;
    if (options.warning) {
        Expected<std::int64_t> age = duration_flag(*options.warning, "--warning");
        if (!age) {
            return age.error();
        }
        rules.warning_age = *age;
    }
    Expected<HealthStatus> failed =
        status_flag(options.on_failed, FlagId::OnFailed, rules.newest_failed);
    if (!failed) {
        return failed.error();
    }
    rules.newest_failed = *failed;
    Expected<HealthStatus> none =
        status_flag(options.on_no_backup, FlagId::OnNoBackup, rules.no_backup);
    if (!none) {
        return none.error();
    }
    rules.no_backup = *none;
    if (options.max_running == "off") {
        rules.running_too_long = HealthStatus::Ok;
    } else if (options.max_running) {
        Expected<std::int64_t> limit = duration_flag(*options.max_running, "--max-running");
        if (!limit) {
            return limit.error();
        }
        rules.running_limit = *limit;
    }
    if (options.min_size_percent == "off") {
        rules.size_drop = HealthStatus::Ok;
    } else if (options.min_size_percent) {
        Expected<std::int64_t> percent =
            whole_number(*options.min_size_percent, "--min-size-percent", 1, 100);
        if (!percent) {
            return percent.error();
        }
        rules.min_size_percent = *percent;
    }
    return validate_rules(rules);
}

}  // namespace

bool asks_for_nagios(const std::vector<std::string>& args) {
    const auto check = std::find(args.begin(), args.end(), "check");
    if (check == args.end()) {
        return false;
    }
    for (auto word = check + 1; word != args.end(); ++word) {
        std::string_view value;
        if ((*word == "-o" || *word == "--output") && word + 1 != args.end()) {
            value = *(word + 1);
        } else if (word->rfind("--output=", 0) == 0) {
            value = std::string_view(*word).substr(9);
        } else if (word->rfind("-o", 0) == 0 && word->size() > 2 && (*word)[2] != '-') {
            value = std::string_view(*word).substr((*word)[2] == '=' ? 3 : 2);
        }
        if (same_ignoring_ascii_case(value, "nagios")) {
            return true;
        }
    }
    return false;
}

std::string cluster_message_prefix(const CheckPlan& plan, std::size_t cluster) {
    if (plan.clusters.size() < 2) {
        return {};
    }
    const ClusterRef& ref = plan.clusters[cluster];
    if (several_regions(plan.clusters)) {
        return fmt::format("cluster {} in {}: ", sanitize_for_terminal(ref.id),
                           sanitize_for_terminal(ref.region));
    }
    return fmt::format("cluster {}: ", sanitize_for_terminal(ref.id));
}

const std::vector<std::string>& check_output_names() {
    // In CheckOutput order.
    static const std::vector<std::string> names = {"human", "json", "prometheus", "nagios"};
    return names;
}

const std::vector<std::string>& rule_status_names() {
    static const std::vector<std::string> names = {"ok", "warning", "critical"};
    return names;
}

Expected<CheckPlan> resolve_check_plan(const CheckOptions& options,
                                       const std::function<std::string()>& stdin_reader,
                                       std::ostream& notices) {
    CheckPlan plan;
    Expected<CheckOutput> output = output_flag(options);
    if (!output) {
        return output.error();
    }
    plan.output = *output;
    plan.textfile = options.textfile;
    if (plan.textfile && plan.textfile->empty()) {
        return usage("invalid value for --textfile: the path is empty");
    }
    if (Status rules = resolve_rules(options, plan); !rules) {
        return rules.error();
    }
    // The ids and --concurrency mean exactly what they mean for `list`: one parser for both.
    ListOptions list;
    list.ids = options.ids;
    list.ids_from = options.ids_from;
    list.concurrency = options.concurrency;
    Expected<ListPlan> listing = resolve_list_plan(list, stdin_reader, std::nullopt, notices);
    if (!listing) {
        return listing.error();
    }
    plan.clusters = std::move(listing->clusters);
    plan.concurrency = listing->concurrency;
    return plan;
}

}  // namespace tidb_backups
