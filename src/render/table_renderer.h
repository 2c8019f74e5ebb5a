// SPDX-License-Identifier: Apache-2.0
// The human table: aligned columns under a header, local times, sizes in MiB/GiB, a duration
// column, and every server string sanitised so it cannot rewrite the terminal. With a width it
// shortens free text (never ids, times, sizes, durations) to fit; with colour it colours State.
// Any cell wider than kMaxCellWidth is cut to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "render/renderer.h"

namespace tidb_backups {

// The widest a table cell may be, in columns. A longer value is cut to it with "…", so one huge
// value from the server cannot make every padded line of the table huge (a 1 MB BackupId made a
// 301 MB table of 300 backups). No real id, name or type comes near it: names are limited to a
// few hundred characters at most, and a 300-character one is still shown whole. json, ndjson,
// csv and tsv always carry the whole value.
inline constexpr std::size_t kMaxCellWidth = 1000;

// The table's header of `field`: "STARTED" for BackupStartTime, "SIZE" for BackupSize; --fields
// and --sort-by accept these too.
std::string header_for(std::string_view field);

class TableRenderer final : public Renderer {
  public:
    TableRenderer(const RenderOptions& options, std::ostream& out);
    void add(const BackupRow& row) override;
    void finish() override;
    bool streams() const override { return false; }
    void mark() override;
    void discard_since_mark() override;

  private:
    struct Column {
        std::string field;  // API field, ClusterId, or "Duration"
        std::string header;
        bool right_aligned;
        bool free_text;  // may be shortened to fit the width: not an id, time, size or duration
    };

    std::string cell(const Column& column, const BackupRow& row) const;
    // The header row: each column's header, the time columns with their zone.
    std::vector<std::string> header_cells() const;
    // Column widths: the widest cell (and header), then narrowed to fit options_.width.
    std::vector<std::size_t> column_widths() const;
    // `widths_known`: each cell's display width, as measured when it was added; nullptr to
    // measure them here (the header).
    void write_line(const std::vector<std::string_view>& cells, const std::uint16_t* widths_known,
                    const std::vector<std::size_t>& widths, bool header);
    void keep_cell(std::string text, std::size_t width);

    RenderOptions options_;
    std::ostream& out_;
    std::vector<Column> columns_;
    // Every cell of every row, row after row: its text in text_blocks_ (back to back, none split
    // between blocks), its length and display width (at most kMaxCellWidth) in cells_. A cell
    // costs its text and 8 bytes, where a std::string per cell cost 32 bytes and often a heap
    // block more.
    struct KeptCell {
        std::uint32_t bytes = 0;
        std::uint16_t width = 0;
    };
    std::vector<KeptCell> cells_;
    std::vector<std::string> text_blocks_;
    std::vector<std::size_t> widest_;  // the widest cell of each column so far
    // The UTC offset of the local times shown, for the time headers: one offset for all, or
    // none when they differ (a daylight-saving change inside the listing).
    std::optional<long> zone_offset_;
    bool zones_differ_ = false;
    // What mark() recorded: the cells and their text, and the zone seen in them.
    struct Mark {
        std::size_t cells = 0;
        std::size_t blocks = 0;
        std::size_t last_block_bytes = 0;
        std::vector<std::size_t> widest;
        std::optional<long> zone_offset;
        bool zones_differ = false;
    };
    Mark mark_;
};

}  // namespace tidb_backups
