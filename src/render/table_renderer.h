// The human table: aligned columns under a header, local times, sizes in MiB/GiB, a duration
// column, and every server string sanitised so it cannot rewrite the terminal. With a width it
// shortens free text (never ids, times, sizes, durations) to fit; with colour it colours State.
#pragma once

#include <string>
#include <vector>

#include "render/renderer.h"

namespace tidb_backups {

class TableRenderer final : public Renderer {
  public:
    TableRenderer(const RenderOptions& options, std::ostream& out);
    void add(const BackupRow& row) override;
    void finish() override;
    bool streams() const override { return false; }

  private:
    struct Column {
        std::string field;  // API field, ClusterId, or "Duration"
        std::string header;
        bool right_aligned;
        bool free_text;  // may be shortened to fit the width: not an id, time, size or duration
    };

    std::string cell(const Column& column, const BackupRow& row) const;
    // Column widths: the widest cell (and header), then narrowed to fit options_.width.
    std::vector<std::size_t> column_widths() const;
    void write_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths,
                    bool header);

    RenderOptions options_;
    std::ostream& out_;
    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace tidb_backups
