// SPDX-License-Identifier: Apache-2.0
#include "render/prometheus.h"

#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/utf8.h"

namespace tidb_backups {

namespace {

struct Family {
    std::string_view name;
    std::string_view help;
};

// The labels of one cluster, escaped: cluster="...",region="..."
std::string cluster_labels(const ClusterHealth& cluster) {
    return fmt::format(R"(cluster="{}",region="{}")", escape_label_value(cluster.cluster),
                       escape_label_value(cluster.region));
}

class Exposition {
  public:
    explicit Exposition(const HealthReport& report) {
        std::set<std::string> seen;
        for (const auto& cluster : report.clusters) {
            std::string labels = cluster_labels(cluster);
            if (seen.insert(labels).second) {
                clusters_.push_back(Labelled{&cluster, std::move(labels)});
            }
        }
    }

    // One gauge with a sample per cluster for which `value` knows one.
    void gauge(const Family& family,
               const std::function<std::optional<std::int64_t>(const ClusterHealth&)>& value) {
        std::string samples;
        for (const auto& [cluster, labels] : clusters_) {
            if (std::optional<std::int64_t> v = value(*cluster)) {
                samples += fmt::format("{}{{{}}} {}\n", family.name, labels, *v);
            }
        }
        write(family, samples);
    }

    // tidb_backup_backups: one sample per cluster and state.
    void counts(const Family& family) {
        std::string samples;
        for (const auto& [cluster, labels] : clusters_) {
            for (const auto& entry : cluster->counts) {
                samples += fmt::format(R"({}{{{},state="{}"}} {})", family.name, labels,
                                       escape_label_value(entry.state), entry.count);
                samples += '\n';
            }
        }
        write(family, samples);
    }

    void unlabelled(const Family& family, std::int64_t value) {
        write(family, fmt::format("{} {}\n", family.name, value));
    }

    std::string take() { return std::move(text_); }

  private:
    struct Labelled {
        const ClusterHealth* cluster;
        std::string labels;
    };

    // A family without a sample is left out altogether.
    void write(const Family& family, const std::string& samples) {
        if (samples.empty()) {
            return;
        }
        text_ +=
            fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, family.help, family.name);
        text_ += samples;
    }

    std::vector<Labelled> clusters_;
    std::string text_;
};

std::optional<std::int64_t> when(bool known, std::int64_t value) {
    return known ? std::optional<std::int64_t>(value) : std::nullopt;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    const std::string valid = repair_utf8(value);
    std::string out;
    out.reserve(valid.size());
    for (char c : valid) {
        switch (c) {
            case '\\':
                out += R"(\\)";
                break;
            case '"':
                out += R"(\")";
                break;
            case '\n':
                out += R"(\n)";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string prometheus_text(const HealthReport& report) {
    Exposition exposition(report);
    exposition.gauge({"tidb_backup_last_success_start_timestamp_seconds",
                      "Start of the newest backup in the checked state (Success by default), "
                      "epoch seconds."},
                     [](const ClusterHealth& c) {
                         return when(c.newest.has_value(), c.newest ? c.newest->start : 0);
                     });
    exposition.gauge(
        {"tidb_backup_last_success_end_timestamp_seconds",
         "End of the newest backup in the checked state, epoch seconds."},
        [](const ClusterHealth& c) { return c.newest ? c.newest->end : std::nullopt; });
    exposition.gauge(
        {"tidb_backup_last_success_size_bytes",
         "Size of the newest backup in the checked state, bytes."},
        [](const ClusterHealth& c) { return c.newest ? c.newest->size_bytes : std::nullopt; });
    exposition.gauge(
        {"tidb_backup_last_success_duration_seconds",
         "How long the newest backup in the checked state took, seconds."},
        [](const ClusterHealth& c) { return c.newest ? c.newest->duration : std::nullopt; });
    exposition.counts({"tidb_backup_backups", "Backups the API lists, by state."});
    exposition.gauge(
        {"tidb_backup_newest_failed", "1 when the newest backup of any state is Failed, else 0."},
        [](const ClusterHealth& c) { return when(!c.error, c.newest_failed ? 1 : 0); });
    exposition.gauge({"tidb_backup_check_status",
                      "Verdict of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
                     [](const ClusterHealth& c) {
                         return std::optional<std::int64_t>(static_cast<std::int64_t>(c.status));
                     });
    exposition.gauge(
        {"tidb_backup_api_up",
         "1 when every page of the cluster's backups was fetched, 0 when the call "
         "failed."},
        [](const ClusterHealth& c) { return std::optional<std::int64_t>(c.error ? 0 : 1); });
    exposition.unlabelled(
        {"tidb_backup_check_timestamp_seconds", "When the check ran, epoch seconds."},
        report.checked_at);
    return exposition.take();
}

}  // namespace tidb_backups
