// SPDX-License-Identifier: Apache-2.0
#include "render/csv_renderer.h"

#include "render/text.h"

namespace tidb_backups {

std::string csv_quote(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(value);
    }
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') {
            quoted += "\"\"";
        } else {
            quoted.push_back(c);
        }
    }
    quoted.push_back('"');
    return quoted;
}

std::string tsv_escape(std::string_view value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\t':
                escaped += "\\t";
                break;
            case '\n':
                escaped += "\\n";
                break;
            case '\r':
                escaped += "\\r";
                break;
            case '\\':
                escaped += "\\\\";
                break;
            default:
                escaped.push_back(c);
        }
    }
    return escaped;
}

DelimitedRenderer::DelimitedRenderer(const RenderOptions& options, std::ostream& out)
    : out_(out),
      csv_(options.format == OutputFormat::Csv),
      terminal_(options.terminal),
      header_pending_(options.headers),
      time_format_(options.time_format),
      fields_(effective_fields(options)) {}

void DelimitedRenderer::write_header_once() {
    // Written with the first row (or at the end), so a listing that fails first prints nothing.
    if (header_pending_) {
        header_pending_ = false;
        write_line(fields_);
    }
}

void DelimitedRenderer::write_line(const std::vector<std::string>& values) {
    std::string line;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            line.push_back(csv_ ? ',' : '\t');
        }
        if (!terminal_) {
            line += csv_ ? csv_quote(values[i]) : tsv_escape(values[i]);
        } else if (csv_) {
            // Replaced before quoting: a line break inside quotes is still a CR or LF on screen.
            line += csv_quote(sanitize_for_terminal(values[i]));
        } else {
            // Escaped first, so tab, newline and CR read as \t, \n, \r rather than U+FFFD.
            line += sanitize_for_terminal(tsv_escape(values[i]));
        }
    }
    // RFC 4180 records end in CRLF, but every Unix tool expects LF; csv readers accept both.
    line.push_back('\n');
    out_ << line;
}

void DelimitedRenderer::add(const BackupRow& row) {
    write_header_once();
    std::vector<std::string> values;
    values.reserve(fields_.size());
    for (const auto& field : fields_) {
        if (field == kClusterIdField) {
            values.emplace_back(row.cluster_id);
        } else if (field == kRegionField) {
            values.emplace_back(row.region);
        } else if (auto time = formatted_time(row.backup, field, time_format_)) {
            values.push_back(std::move(*time));
        } else {
            values.push_back(field_text(row.backup, field));
        }
    }
    write_line(values);
}

void DelimitedRenderer::finish() {
    write_header_once();  // no rows (nothing matched): still a valid document, the header alone
    out_.flush();
}

}  // namespace tidb_backups
