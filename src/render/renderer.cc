// SPDX-License-Identifier: Apache-2.0
#include "render/renderer.h"

#include <algorithm>

#include "core/ascii.h"
#include "render/csv_renderer.h"
#include "render/json_renderer.h"
#include "render/table_renderer.h"
#include "render/text.h"

namespace tidb_backups {

const std::vector<std::string>& output_format_names() {
    static const std::vector<std::string> names = {"table", "json", "ndjson", "csv", "tsv"};
    return names;
}

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    static constexpr OutputFormat kFormats[] = {OutputFormat::Table, OutputFormat::Json,
                                                OutputFormat::Ndjson, OutputFormat::Csv,
                                                OutputFormat::Tsv};
    const auto& names = output_format_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (same_ignoring_ascii_case(names[i], name)) {  // -o JSON as well as -o json
            return kFormats[i];
        }
    }
    return std::nullopt;
}

const std::vector<std::string>& time_format_names() {
    static const std::vector<std::string> names = {"raw", "iso"};
    return names;
}

std::optional<TimeFormat> parse_time_format(std::string_view name) {
    if (name == "raw") {
        return TimeFormat::Raw;
    }
    if (name == "iso") {
        return TimeFormat::Iso;
    }
    return std::nullopt;
}

std::optional<std::string> formatted_time(const BackupObject& backup, std::string_view field,
                                          TimeFormat format) {
    if (format != TimeFormat::Iso || (field != "BackupStartTime" && field != "BackupEndTime")) {
        return std::nullopt;
    }
    auto seconds = field_integer(backup, field);
    if (!seconds || *seconds <= 0) {
        return std::nullopt;
    }
    return iso_time_utc(*seconds);
}

std::vector<std::string> effective_fields(const RenderOptions& options) {
    std::vector<std::string> fields = options.fields.empty() ? documented_fields() : options.fields;
    if (options.fields.empty()) {
        if (options.region_column) {
            fields.insert(fields.begin(), std::string(kRegionField));
        }
        if (options.cluster_column) {
            fields.insert(fields.begin(), std::string(kClusterIdField));
        }
    }
    return fields;
}

std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::ostream& out) {
    switch (options.format) {
        case OutputFormat::Json:
        case OutputFormat::Ndjson:
            return std::make_unique<JsonRenderer>(options, out);
        case OutputFormat::Csv:
        case OutputFormat::Tsv:
            return std::make_unique<DelimitedRenderer>(options, out);
        case OutputFormat::Table:
            break;
    }
    return std::make_unique<TableRenderer>(options, out);
}

}  // namespace tidb_backups
