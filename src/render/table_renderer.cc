// SPDX-License-Identifier: Apache-2.0
#include "render/table_renderer.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <stdexcept>
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
// The kept cells' text is held in blocks of this size (a longer cell in one of its own).
constexpr std::size_t kTextBlockBytes = 64 * 1024;

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
    mark_ = Mark{0, 0, 0, widest_, zone_offset_, zones_differ_};  // a discard before any mark()
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
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        // Every row is padded to the widest cell: one huge value must not make every line huge.
        std::string text = truncate_to_width(cell(columns_[c], row), kMaxCellWidth);
        const std::size_t width = display_width(text);
        widest_[c] = std::max(widest_[c], width);
        keep_cell(std::move(text), width);
    }
}

void TableRenderer::keep_cell(std::string text, std::size_t width) {
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("a table cell over 4 GiB");  // kMaxCellWidth makes it unreachable
    }
    cells_.push_back(
        KeptCell{static_cast<std::uint32_t>(text.size()), static_cast<std::uint16_t>(width)});
    if (text.empty()) {
        return;  // kept in no block: finish() reads none for it
    }
    if (text_blocks_.empty() || text_blocks_.back().size() + text.size() > kTextBlockBytes) {
        if (text.size() >= kTextBlockBytes) {
            text_blocks_.push_back(std::move(text));  // a block of its own
            return;
        }
        text_blocks_.emplace_back().reserve(kTextBlockBytes);
    }
    text_blocks_.back() += text;
}

void TableRenderer::mark() {
    mark_ = Mark{
        cells_.size(), text_blocks_.size(), text_blocks_.empty() ? 0 : text_blocks_.back().size(),
        widest_,       zone_offset_,        zones_differ_};
}

void TableRenderer::discard_since_mark() {
    if (mark_.cells >= cells_.size()) {
        return;
    }
    cells_.resize(mark_.cells);
    text_blocks_.resize(mark_.blocks);
    if (!text_blocks_.empty()) {
        text_blocks_.back().resize(mark_.last_block_bytes);
    }
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

void TableRenderer::write_line(const std::vector<std::string_view>& cells,
                               const std::uint16_t* widths_known,
                               const std::vector<std::size_t>& widths, bool header) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
        const Column& column = columns_[c];
        // Widths and cuts are worked out on the plain text; colour is wrapped around it last.
        // Only a cell that is cut is measured again.
        const std::size_t natural =
            widths_known != nullptr ? widths_known[c] : display_width(cells[c]);
        std::string text =
            natural <= widths[c] ? std::string(cells[c]) : truncate_to_width(cells[c], widths[c]);
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
    if (cells_.empty()) {
        out_.flush();
        return;
    }
    std::vector<std::size_t> widths = column_widths();
    if (options_.headers) {
        const std::vector<std::string> headers = header_cells();
        write_line({headers.begin(), headers.end()}, nullptr, widths, true);
    }
    // The cells in the order keep_cell() laid them out.
    std::vector<std::string_view> line(columns_.size());
    std::vector<std::uint16_t> line_widths(columns_.size());
    std::size_t block = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        const KeptCell kept = cells_[i];
        const std::size_t c = i % columns_.size();
        line[c] = {};
        if (kept.bytes > 0) {
            if (at + kept.bytes > text_blocks_[block].size()) {
                ++block;
                at = 0;
            }
            line[c] = std::string_view(text_blocks_[block]).substr(at, kept.bytes);
            at += kept.bytes;
        }
        line_widths[c] = kept.width;
        if (c + 1 == columns_.size()) {
            write_line(line, line_widths.data(), widths, false);
        }
    }
    cells_.clear();
    text_blocks_.clear();
    out_.flush();
}

}  // namespace tidb_backups
