#include "render/table_renderer.h"

#include <algorithm>

#include "render/text.h"

namespace tidb_backups {

namespace {

constexpr std::string_view kDurationColumn = "Duration";
constexpr std::string_view kColumnGap = "  ";

std::string header_for(std::string_view field) {
    if (field == "BackupId")
        return "BACKUP ID";
    if (field == "BackupStartTime")
        return "STARTED";
    if (field == "BackupEndTime")
        return "ENDED";
    if (field == "BackupSize")
        return "SIZE";
    if (field == "BackupType")
        return "TYPE";
    if (field == "BackupName")
        return "NAME";
    if (field == kClusterIdField)
        return "CLUSTER";
    std::string upper;
    for (char c : field) {
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return upper;
}

}  // namespace

TableRenderer::TableRenderer(const RenderOptions& options, std::ostream& out)
    : options_(options), out_(out) {
    std::vector<std::string> fields = options.fields;
    if (fields.empty()) {
        // For reading: what it is and how it went, then when, how long and how big. The raw
        // end time adds little beside the duration.
        fields = {
            "BackupId",  "State", "BackupType", "BackupStartTime", std::string(kDurationColumn),
            "BackupSize"};
        if (options.cluster_column) {
            fields.insert(fields.begin(), std::string(kClusterIdField));
        }
    }
    for (auto& field : fields) {
        bool right = field == "BackupSize" || field == kDurationColumn;
        columns_.push_back({field, header_for(field), right});
    }
}

std::string TableRenderer::cell(const Column& column, const BackupRow& row) const {
    const BackupObject& backup = row.backup;
    if (column.field == kClusterIdField) {
        return sanitize_for_terminal(row.cluster_id);
    }
    if (column.field == kDurationColumn) {
        auto start = field_integer(backup, "BackupStartTime");
        auto end = field_integer(backup, "BackupEndTime");
        if (!start || !end || *end <= 0 || *end < *start) {
            return "-";
        }
        return human_duration(*end - *start);
    }
    if (column.field == "BackupStartTime" || column.field == "BackupEndTime") {
        auto time = field_integer(backup, column.field);
        if (time && *time > 0) {
            return human_time(*time, options_.utc);
        }
        return time ? "-" : sanitize_for_terminal(field_text(backup, column.field));
    }
    if (column.field == "BackupSize") {
        if (auto size = field_integer(backup, column.field)) {
            return human_size_mb(*size);
        }
    }
    return sanitize_for_terminal(field_text(backup, column.field));
}

void TableRenderer::add(const BackupRow& row) {
    std::vector<std::string> cells;
    cells.reserve(columns_.size());
    for (const auto& column : columns_) {
        cells.push_back(cell(column, row));
    }
    rows_.push_back(std::move(cells));
}

void TableRenderer::finish() {
    if (rows_.empty()) {
        out_.flush();
        return;
    }
    std::vector<std::size_t> widths(columns_.size(), 0);
    if (options_.headers) {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            widths[c] = display_width(columns_[c].header);
        }
    }
    for (const auto& cells : rows_) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            widths[c] = std::max(widths[c], display_width(cells[c]));
        }
    }
    auto write_line = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            std::size_t padding = widths[c] - display_width(cells[c]);
            bool last = c + 1 == cells.size();
            if (c > 0) {
                line += kColumnGap;
            }
            if (columns_[c].right_aligned) {
                line.append(padding, ' ');
                line += cells[c];
            } else {
                line += cells[c];
                if (!last) {
                    line.append(padding, ' ');
                }
            }
        }
        line.push_back('\n');
        out_ << line;
    };
    if (options_.headers) {
        std::vector<std::string> headers;
        for (const auto& column : columns_) {
            headers.push_back(column.header);
        }
        write_line(headers);
    }
    for (const auto& cells : rows_) {
        write_line(cells);
    }
    rows_.clear();
    out_.flush();
}

}  // namespace tidb_backups
