// SPDX-License-Identifier: Apache-2.0
#include "render/nagios.h"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/time_spec.h"
#include "core/utf8.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

// Text safe on one line of plugin output: no controls, valid UTF-8, no '|' (perfdata follows it).
std::string plain(std::string_view text) {
    std::string out = sanitize_for_terminal(text);
    std::string result;
    result.reserve(out.size());
    for (char c : out) {
        if (c == '|') {
            result += kReplacementCharacter;
        } else {
            result += c;
        }
    }
    return result;
}

// What a cluster's line says after its status.
std::string cluster_summary(const ClusterHealth& cluster, const HealthRules& rules) {
    if (!cluster.reasons.empty()) {
        std::string joined;
        for (const auto& reason : cluster.reasons) {
            joined += joined.empty() ? "" : "; ";
            joined += reason;
        }
        return plain(joined);
    }
    if (cluster.newest && cluster.age) {
        return plain(fmt::format("newest {} backup {} is {} old", cluster.newest->state,
                                 cluster.newest->id, format_age(*cluster.age)));
    }
    return plain(fmt::format("no {} backup", rules.state));
}

std::string first_reason(const ClusterHealth& cluster) {
    return cluster.reasons.empty() ? std::string() : plain(cluster.reasons.front());
}

std::string summary(const HealthReport& report, HealthStatus worst) {
    const auto& clusters = report.clusters;
    if (clusters.size() == 1) {
        return fmt::format("{}: {}", plain(clusters[0].cluster),
                           worst == HealthStatus::Ok ? cluster_summary(clusters[0], report.rules)
                                                     : first_reason(clusters[0]));
    }
    std::vector<const ClusterHealth*> in_worst;
    for (const auto& cluster : clusters) {
        if (cluster.status == worst) {
            in_worst.push_back(&cluster);
        }
    }
    if (worst == HealthStatus::Ok) {
        return fmt::format("{} clusters OK", clusters.size());
    }
    std::string text =
        fmt::format("{} of {} clusters {}: ", in_worst.size(), clusters.size(), status_name(worst));
    for (std::size_t i = 0; i < in_worst.size() && i < kNamedClusters; ++i) {
        text += i == 0 ? "" : "; ";
        text += fmt::format("{}: {}", plain(in_worst[i]->cluster), first_reason(*in_worst[i]));
    }
    if (in_worst.size() > kNamedClusters) {
        text += fmt::format("; and {} more", in_worst.size() - kNamedClusters);
    }
    return text;
}

std::string threshold(const std::optional<std::int64_t>& seconds) {
    return seconds ? std::to_string(*seconds) : std::string();
}

std::string perfdata(const HealthReport& report) {
    std::string items;
    std::set<std::string> labels;
    for (const auto& cluster : report.clusters) {
        std::string label = perfdata_label("age_" + cluster.cluster);
        if (!labels.insert(label).second) {
            continue;
        }
        items += items.empty() ? "" : " ";
        items += fmt::format(
            "{}={};{};{};0", label, cluster.age ? std::to_string(*cluster.age) + "s" : "U",
            threshold(report.rules.warning_age), threshold(report.rules.critical_age));
    }
    return items;
}

}  // namespace

std::string perfdata_label(std::string_view name) {
    std::string label = "'";
    for (char c : plain(name)) {
        if (c == '\'') {
            label += "''";
        } else if (c == '=') {
            label += '_';
        } else {
            label += c;
        }
    }
    label += '\'';
    return label;
}

std::string nagios_unknown(std::string_view message) {
    return fmt::format("TIDB BACKUPS UNKNOWN - {}\n", plain(message));
}

NagiosOutput nagios_output(const HealthReport& report) {
    if (report.clusters.empty()) {
        return {"TIDB BACKUPS UNKNOWN - no clusters checked\n",
                static_cast<int>(HealthStatus::Unknown)};
    }
    const HealthStatus worst = worst_status(report);
    NagiosOutput output;
    output.exit_code = static_cast<int>(worst);
    output.text = fmt::format("TIDB BACKUPS {} - {} | {}\n", status_name(worst),
                              summary(report, worst), perfdata(report));
    for (const auto& cluster : report.clusters) {
        output.text +=
            fmt::format("{} {}: {}\n", plain(cluster.cluster), status_name(cluster.status),
                        cluster_summary(cluster, report.rules));
    }
    return output;
}

}  // namespace tidb_backups
