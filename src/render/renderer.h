// SPDX-License-Identifier: Apache-2.0
// Writers of backups to stdout in each output format. ndjson, csv and tsv write each backup
// as it comes (whole lines only); json and the table hold everything back until finish(), so
// a listing that fails or is interrupted never leaves a truncated array or table. What they hold
// is already in its written form (json text, table cells), not the API's objects; a cluster's
// backups can be given to them as its pages arrive and taken back should it fail part-way
// (mark(), discard_since_mark()).
#pragma once

#include <cstdint>
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

// How csv, tsv, json and ndjson write BackupStartTime and BackupEndTime: as the API sent them
// (epoch seconds) or as ISO 8601 in UTC ("2026-11-27T03:00:00Z"; 0, meaning none, stays 0).
enum class TimeFormat { Raw, Iso };

std::optional<TimeFormat> parse_time_format(std::string_view name);
const std::vector<std::string>& time_format_names();

struct RenderOptions {
    OutputFormat format = OutputFormat::Table;
    std::vector<std::string> fields;  // chosen fields in order; empty: the format's default
    bool headers = true;              // header row of table, csv and tsv
    bool utc = false;                 // table times in UTC instead of the local zone
    bool cluster_column = false;      // several clusters: ClusterId comes first
    bool region_column = false;       // clusters in several regions: Region comes after it
    TimeFormat time_format = TimeFormat::Raw;  // csv, tsv, json, ndjson (the table is human)
    // Decided by the caller from the terminal, --color and the environment.
    // stdout is a terminal: no control character from the server may reach it. csv and tsv then
    // replace them with U+FFFD (the table always does), json and ndjson escape them as \uXXXX.
    // Otherwise (a file or a pipe) csv, tsv, json and ndjson carry the exact data.
    bool terminal = false;
    // The table only:
    bool color = false;  // State in colour (ANSI SGR): Success green, Failed red, else yellow
    int width = 0;       // fit lines to this many columns by shortening free text; 0: no limit
    // The time now (epoch seconds) for a Running backup's DURATION so far; 0: unknown ("-").
    std::int64_t now = 0;
};

// One backup and the cluster it belongs to.
struct BackupRow {
    std::string_view cluster_id;
    const BackupObject& backup;
    std::string_view region = {};  // the cluster's region
};

class Renderer {
  public:
    virtual ~Renderer() = default;
    virtual void add(const BackupRow& row) = 0;
    // Whether add() writes at once (ndjson, csv, tsv) rather than at finish().
    virtual bool streams() const = 0;
    // Writes whatever is still buffered (and, for json, closes the array).
    virtual void finish() = 0;
    // The renderers that hold back (!streams()): mark() records what has been added so far, and
    // discard_since_mark() forgets everything added after it, as if it had never been given.
    // The streaming ones have written it already and do nothing.
    virtual void mark() {}
    virtual void discard_since_mark() {}
};

std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::ostream& out);

// What csv, tsv, json and ndjson write instead of the API's value of `field`: the ISO 8601 form
// of BackupStartTime or BackupEndTime with TimeFormat::Iso; nullopt (the value as sent) for
// other fields, the raw format, 0 (no time yet) and values that are not epoch seconds.
std::optional<std::string> formatted_time(const BackupObject& backup, std::string_view field,
                                          TimeFormat format);

// The columns a renderer shows: `options.fields` if given, else the documented fields, with
// ClusterId first when there are several clusters, then Region when they span several regions.
std::vector<std::string> effective_fields(const RenderOptions& options);

}  // namespace tidb_backups
