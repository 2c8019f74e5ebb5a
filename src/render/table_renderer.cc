#include "render/table_renderer.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

#include "core/ascii.h"
#include "render/text.h"

namespace tidb_backups {

namespace {

constexpr std::string_view kDurationColumn = "Duration";
constexpr std::string_view kColumnGap = "  ";
// A shortened column keeps at least this many columns: two characters and the "…".
constexpr std::size_t kShortestCut = 3;

// ANSI SGR: green, red, yellow, and back to normal.
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kReset = "\x1b[0m";

// `shown` (the state, perhaps shortened) in the colour of `state`: Success green, Failed red,
// anything else (Running, Backing, ...) yellow as still in progress or unusual.
std::string coloured_state(std::string_view state, std::string_view shown) {
    if (state.empty()) {
        return std::string(shown);
    }
    std::string_view colour = same_ignoring_ascii_case(state, "Success")  ? kGreen
                              : same_ignoring_ascii_case(state, "Failed") ? kRed
                                                                          : kYellow;
    std::string text(colour);
    text += shown;
    text += kReset;
    return text;
}

bool is_free_text(std::string_view field) {
    return field != "BackupId" && field != kClusterIdField && field != kRegionField &&
           field != "BackupStartTime" && field != "BackupEndTime" && field != "BackupSize" &&
           field != kDurationColumn;
}

}  // namespace

std::string header_for(std::string_view field) {
    static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"BackupId", "BACKUP ID"},    {"BackupStartTime", "STARTED"}, {"BackupEndTime", "ENDED"},
        {"BackupSize", "SIZE"},       {"BackupType", "TYPE"},         {"BackupName", "NAME"},
        {kClusterIdField, "CLUSTER"}, {kRegionField, "REGION"}};
    for (const auto& [name, header] : kHeaders) {
        if (field == name) {
            return std::string(header);
        }
    }
    std::string upper;
    for (char c : field) {
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return upper;
}

TableRenderer::TableRenderer(const RenderOptions& options, std::ostream& out)
    : options_(options), out_(out) {
    std::vector<std::string> fields = options.fields;
    if (fields.empty()) {
        // For reading: what it is and how it went, then when, how long and how big. The raw
        // end time adds little beside the duration.
        fields = {
            "BackupId",  "State", "BackupType", "BackupStartTime", std::string(kDurationColumn),
            "BackupSize"};
        if (options.region_column) {
            fields.insert(fields.begin(), std::string(kRegionField));
        }
        if (options.cluster_column) {
            fields.insert(fields.begin(), std::string(kClusterIdField));
        }
    }
    for (auto& field : fields) {
        bool right = field == "BackupSize" || field == kDurationColumn;
        columns_.push_back({field, header_for(field), right, is_free_text(field)});
    }
    widest_.assign(columns_.size(), 0);
    mark_ = Mark{0, widest_, zone_offset_, zones_differ_};  // a discard before any mark()
}

std::string TableRenderer::cell(const Column& column, const BackupRow& row) const {
    const BackupObject& backup = row.backup;
    if (column.field == kClusterIdField) {
        return sanitize_for_terminal(row.cluster_id);
    }
    if (column.field == kRegionField) {
        return sanitize_for_terminal(row.region);
    }
    if (column.field == kDurationColumn) {
        auto start = field_integer(backup, "BackupStartTime");
        auto end = field_integer(backup, "BackupEndTime");
        std::int64_t seconds = 0;
        // A Running backup has no end yet: its duration so far.
        if (start && *start > 0 && (!end || *end <= 0) && options_.now >= *start &&
            same_ignoring_ascii_case(field_text(backup, "State"), "Running")) {
            return human_duration(options_.now - *start);
        }
        // A server may send any 64-bit times: a difference that does not fit is no duration.
        if (!start || !end || *end <= 0 || *end < *start ||
            __builtin_sub_overflow(*end, *start, &seconds)) {
            return "-";
        }
        return human_duration(seconds);
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
    if (!options_.utc) {
        for (const char* field : {"BackupStartTime", "BackupEndTime"}) {
            auto time = field_integer(row.backup, field);
            std::optional<long> offset = time && *time > 0 ? utc_offset_at(*time) : std::nullopt;
            if (!offset) {
                continue;
            }
            if (zone_offset_ && *zone_offset_ != *offset) {
                zones_differ_ = true;
            }
            zone_offset_ = offset;
        }
    }
    std::vector<std::string> cells;
    cells.reserve(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        // Every row is padded to the widest cell: one huge value must not make every line huge.
        cells.push_back(truncate_to_width(cell(columns_[c], row), kMaxCellWidth));
        const std::size_t width = display_width(cells.back());
        cell_widths_.push_back(static_cast<std::uint16_t>(width));
        widest_[c] = std::max(widest_[c], width);
    }
    rows_.push_back(std::move(cells));
}

void TableRenderer::mark() {
    mark_ = Mark{rows_.size(), widest_, zone_offset_, zones_differ_};
}

void TableRenderer::discard_since_mark() {
    if (mark_.rows >= rows_.size()) {
        return;
    }
    rows_.resize(mark_.rows);
    cell_widths_.resize(mark_.rows * columns_.size());
    widest_ = mark_.widest;
    zone_offset_ = mark_.zone_offset;
    zones_differ_ = mark_.zones_differ;
}

std::vector<std::string> TableRenderer::header_cells() const {
    // "STARTED (UTC+8)": which clock the times are on. Times on two offsets (a daylight-saving
    // change inside the listing) are "(local)": each is the local time of its date.
    const std::string zone = options_.utc    ? std::string("UTC")
                             : zones_differ_ ? std::string("local")
                             : zone_offset_  ? utc_offset_label(*zone_offset_)
                                             : std::string();
    std::vector<std::string> headers;
    for (const auto& column : columns_) {
        const bool time = column.field == "BackupStartTime" || column.field == "BackupEndTime";
        headers.push_back(time && !zone.empty() ? column.header + " (" + zone + ")"
                                                : column.header);
    }
    return headers;
}

std::vector<std::size_t> TableRenderer::column_widths() const {
    std::vector<std::size_t> widths = widest_;
    if (options_.headers) {
        const std::vector<std::string> headers = header_cells();
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            widths[c] = std::max(widths[c], display_width(headers[c]));
        }
    }
    if (options_.width <= 0) {
        return widths;
    }
    std::size_t total = kColumnGap.size() * (columns_.size() - 1);
    for (std::size_t width : widths) {
        total += width;
    }
    // One column at a time, always the widest free-text one, so a long name gives way before a
    // short type does. State, the column people read the table for, gives way only once every
    // other free text is at its shortest; ids, times, sizes and durations are never cut.
    const auto limit = static_cast<std::size_t>(options_.width);
    const auto widest_to_cut = [&](bool state_too) {
        std::optional<std::size_t> widest;
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            const bool allowed =
                columns_[c].free_text && (state_too || columns_[c].field != "State");
            if (allowed && widths[c] > kShortestCut && (!widest || widths[c] > widths[*widest])) {
                widest = c;
            }
        }
        return widest;
    };
    while (total > limit) {
        std::optional<std::size_t> widest = widest_to_cut(false);
        if (!widest) {
            widest = widest_to_cut(true);
        }
        if (!widest) {
            break;  // nothing left to shorten: the terminal wraps the rest
        }
        --widths[*widest];
        --total;
    }
    return widths;
}

void TableRenderer::write_line(const std::vector<std::string>& cells,
                               const std::uint16_t* cell_widths,
                               const std::vector<std::size_t>& widths, bool header) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
        const Column& column = columns_[c];
        // Widths and cuts are worked out on the plain text; colour is wrapped around it last.
        // Only a cell that is cut is measured again.
        const std::size_t natural =
            cell_widths != nullptr ? cell_widths[c] : display_width(cells[c]);
        std::string text = natural <= widths[c] ? cells[c] : truncate_to_width(cells[c], widths[c]);
        const std::size_t shown = natural <= widths[c] ? natural : display_width(text);
        std::size_t padding = widths[c] - std::min(widths[c], shown);
        if (!header && options_.color && column.field == "State") {
            text = coloured_state(cells[c], text);
        }
        if (c > 0) {
            line += kColumnGap;
        }
        if (column.right_aligned) {
            line.append(padding, ' ');
            line += text;
        } else {
            line += text;
            if (c + 1 < cells.size()) {
                line.append(padding, ' ');
            }
        }
    }
    line.push_back('\n');
    out_ << line;
}

void TableRenderer::finish() {
    if (rows_.empty()) {
        out_.flush();
        return;
    }
    std::vector<std::size_t> widths = column_widths();
    if (options_.headers) {
        write_line(header_cells(), nullptr, widths, true);
    }
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        write_line(rows_[r], &cell_widths_[r * columns_.size()], widths, false);
    }
    rows_.clear();
    cell_widths_.clear();
    out_.flush();
}

}  // namespace tidb_backups
