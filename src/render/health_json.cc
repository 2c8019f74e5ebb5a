// SPDX-License-Identifier: Apache-2.0
#include "render/health_json.h"

#include "render/text.h"

namespace tidb_backups {

namespace {

using Json = nlohmann::ordered_json;

Json optional_number(const std::optional<std::int64_t>& value) {
    return value ? Json(*value) : Json(nullptr);
}

std::string_view kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage:
            return "usage";
        case ErrorKind::Api:
            return "api";
        case ErrorKind::Network:
            return "network";
        case ErrorKind::Response:
            return "response";
        case ErrorKind::Config:
            return "config";
        case ErrorKind::Output:
            return "output";
        case ErrorKind::Interrupted:
            return "interrupted";
    }
    return "unknown";
}

Json backup_json(const BackupFacts& facts) {
    Json object = Json::object();
    object["id"] = facts.id;
    object["state"] = facts.state;
    object["start"] = facts.start;
    object["end"] = optional_number(facts.end);
    object["size_bytes"] = optional_number(facts.size_bytes);
    object["duration_seconds"] = optional_number(facts.duration);
    return object;
}

Json error_json(const Error& error) {
    Json object = Json::object();
    object["kind"] = kind_name(error.kind);
    object["exit_code"] = exit_code(error.kind);
    object["message"] = error.message;
    object["hint"] = error.hint;
    object["ret_code"] = error.kind == ErrorKind::Api ? Json(error.ret_code) : Json(nullptr);
    return object;
}

}  // namespace

Json cluster_health_json(const ClusterHealth& cluster, const std::string& state) {
    Json object = Json::object();
    object["id"] = cluster.cluster;
    object["region"] = cluster.region;
    object["verdict"] = status_name(cluster.status);
    object["reasons"] = cluster.reasons;
    object["state"] = state;
    object["newest"] = cluster.newest ? backup_json(*cluster.newest) : Json(nullptr);
    object["age_seconds"] = optional_number(cluster.age);
    Json counts = Json::object();
    for (const auto& entry : cluster.counts) {
        counts[entry.state] = entry.count;
    }
    object["counts"] = std::move(counts);
    object["total"] = cluster.total;
    object["newest_failed"] = cluster.newest_failed;
    if (cluster.longest_running && cluster.running_for) {
        object["running"] = Json{{"id", cluster.longest_running->id},
                                 {"start", cluster.longest_running->start},
                                 {"seconds", *cluster.running_for}};
    } else {
        object["running"] = nullptr;
    }
    if (cluster.size_drop) {
        object["size_drop"] = Json{{"previous_id", cluster.size_drop->previous_id},
                                   {"previous_size_bytes", cluster.size_drop->previous_bytes},
                                   {"size_bytes", cluster.size_drop->newest_bytes}};
    } else {
        object["size_drop"] = nullptr;
    }
    object["notes"] = cluster.notes;
    object["error"] = cluster.error ? error_json(*cluster.error) : Json(nullptr);
    return object;
}

std::string health_json(const HealthReport& report, bool terminal) {
    if (report.clusters.empty()) {
        return "[]\n";
    }
    std::string text = "[\n";
    bool first = true;
    for (const auto& cluster : report.clusters) {
        std::string line = cluster_health_json(cluster, report.rules.state)
                               .dump(-1, ' ', false, Json::error_handler_t::replace);
        if (terminal) {
            line = escape_json_for_terminal(line);
        }
        text += first ? "  " : ",\n  ";
        text += line;
        first = false;
    }
    text += "\n]\n";
    return text;
}

}  // namespace tidb_backups
