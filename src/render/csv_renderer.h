// SPDX-License-Identifier: Apache-2.0
// csv (RFC 4180: CRLF-free lines, fields quoted when they hold a comma, quote or line break)
// and tsv (tab-separated; tab, newline, CR and backslash inside a value escaped as \t \n \r \\).
// On a terminal, control characters left in a value are replaced with U+FFFD.
#pragma once

#include <string>
#include <vector>

#include "render/renderer.h"

namespace tidb_backups {

class DelimitedRenderer final : public Renderer {
  public:
    DelimitedRenderer(const RenderOptions& options, std::ostream& out);
    void add(const BackupRow& row) override;
    void finish() override;
    bool streams() const override { return true; }

  private:
    void write_line(const std::vector<std::string>& values);
    void write_header_once();

    std::ostream& out_;
    bool csv_;
    bool terminal_;  // control characters in values are replaced (RenderOptions::terminal)
    bool header_pending_;
    TimeFormat time_format_;
    std::vector<std::string> fields_;
};

// One value quoted for csv when it needs to be.
std::string csv_quote(std::string_view value);
// One value escaped for tsv.
std::string tsv_escape(std::string_view value);

}  // namespace tidb_backups
