// SPDX-License-Identifier: Apache-2.0
#include "render/json_renderer.h"

#include "render/text.h"

namespace tidb_backups {

namespace {

// Invalid UTF-8 from the server must not abort the output; it becomes U+FFFD.
std::string dump(const BackupObject& value) {
    return value.dump(-1, ' ', false, BackupObject::error_handler_t::replace);
}

}  // namespace

JsonRenderer::JsonRenderer(const RenderOptions& options, std::ostream& out)
    : options_(options), out_(out), array_(options.format == OutputFormat::Json) {}

BackupObject JsonRenderer::shape(const BackupRow& row) const {
    BackupObject shaped = select(row);
    if (options_.time_format != TimeFormat::Raw && shaped.is_object()) {
        for (const char* field : {"BackupStartTime", "BackupEndTime"}) {
            auto it = shaped.find(field);
            if (it == shaped.end()) {
                continue;
            }
            if (auto time = formatted_time(shaped, field, options_.time_format)) {
                *it = std::move(*time);
            }
        }
    }
    return shaped;
}

BackupObject JsonRenderer::select(const BackupRow& row) const {
    if (options_.fields.empty() && !options_.cluster_column && !options_.region_column) {
        return row.backup;
    }
    BackupObject shaped = BackupObject::object();
    if (options_.fields.empty()) {
        if (options_.cluster_column) {
            shaped[std::string(kClusterIdField)] = std::string(row.cluster_id);
        }
        if (options_.region_column) {
            shaped[std::string(kRegionField)] = std::string(row.region);
        }
        for (const auto& [key, value] : row.backup.items()) {
            if (!shaped.contains(key)) {
                shaped[key] = value;
            }
        }
        return shaped;
    }
    for (const auto& field : options_.fields) {
        if (field == kClusterIdField) {
            shaped[field] = std::string(row.cluster_id);
        } else if (field == kRegionField) {
            shaped[field] = std::string(row.region);
        } else if (auto it = row.backup.find(field); it != row.backup.end()) {
            shaped[field] = *it;
        } else {
            shaped[field] = nullptr;
        }
    }
    return shaped;
}

void JsonRenderer::add(const BackupRow& row) {
    std::string text = dump(shape(row));
    if (options_.terminal) {
        text = escape_json_for_terminal(text);
    }
    if (array_) {
        // The array is held back until finish(): an interrupted or failed listing must not
        // leave a truncated array on stdout.
        pending_.append(first_ ? "[\n  " : ",\n  ");
        pending_.append(text);
    } else {
        text.push_back('\n');
        out_ << text;
    }
    first_ = false;
}

void JsonRenderer::finish() {
    if (array_) {
        pending_.append(first_ ? "[]\n" : "\n]\n");
        pending_.write_to(out_);
        pending_.clear();
    }
    out_.flush();
}

void JsonRenderer::mark() {
    mark_ = pending_.mark();
    first_at_mark_ = first_;
}

void JsonRenderer::discard_since_mark() {
    if (array_) {
        pending_.truncate(mark_);
        first_ = first_at_mark_;
    }
}

}  // namespace tidb_backups
