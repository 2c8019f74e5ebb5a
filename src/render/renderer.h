// Writers of backups to stdout in each output format. ndjson, csv and tsv write each backup
// as it comes (whole lines only); json and the table hold everything back until finish(), so
// a listing that fails or is interrupted never leaves a truncated array or table.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"

namespace tidb_backups {

enum class OutputFormat { Table, Json, Ndjson, Csv, Tsv };

std::optional<OutputFormat> parse_output_format(std::string_view name);
const std::vector<std::string>& output_format_names();

// The extra field a backup gains when several clusters are listed.
inline constexpr std::string_view kClusterIdField = "ClusterId";

struct RenderOptions {
    OutputFormat format = OutputFormat::Table;
    std::vector<std::string> fields;  // chosen fields in order; empty: the format's default
    bool headers = true;              // header row of table, csv and tsv
    bool utc = false;                 // table times in UTC instead of the local zone
    bool cluster_column = false;      // several clusters: ClusterId comes first
};

// One backup and the cluster it belongs to.
struct BackupRow {
    std::string_view cluster_id;
    const BackupObject& backup;
};

class Renderer {
  public:
    virtual ~Renderer() = default;
    virtual void add(const BackupRow& row) = 0;
    // Whether add() writes at once (ndjson, csv, tsv) rather than at finish().
    virtual bool streams() const = 0;
    // Writes whatever is still buffered (and, for json, closes the array).
    virtual void finish() = 0;
};

std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::ostream& out);

// The columns a renderer shows: `options.fields` if given, else the documented fields, with
// ClusterId first when there are several clusters and it was not named.
std::vector<std::string> effective_fields(const RenderOptions& options);

}  // namespace tidb_backups
