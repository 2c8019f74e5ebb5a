// SPDX-License-Identifier: Apache-2.0
// The records of the flags of list, check, wait and configure, and of completion's argument.
#include "cli/flag_records.h"

#include "cli/check_plan.h"
#include "core/backup.h"
#include "core/selection.h"
#include "render/renderer.h"

namespace tidb_backups {

namespace {

// The States and BackupTypes the API documents (the emulator serves the same); others pass.
const std::vector<std::string> kStates = {"Success", "Failed", "Running"};
const std::vector<std::string> kBackupTypes = {"Automatic", "Manual"};

}  // namespace

std::vector<Flag> command_flag_records() {
    using Kind = ValueCompletion::Kind;
    return {
        {.id = FlagId::Id,
         .names = "--id",
         .value_name = "ID",
         .help = "Cluster id (repeatable or comma-separated: --id c1,c2)",
         .man = "Cluster id; repeat it, or separate ids with commas, for several clusters.",
         .commands = kApiCommands},
        {.id = FlagId::IdsFrom,
         .names = "--ids-from",
         .value_name = "FILE",
         .help = "Read cluster ids from FILE, one per line as ID or REGION ID ('-': stdin)",
         .man = R"man(Read cluster ids from
.IR FILE ,
one per line, or from standard input with
.BR \- .
A line is
.I ID
or
.I REGION ID
(separated by blanks); an id without a region is in
.BR \-\-region .
Each cluster's requests are signed for its region, and when the clusters span several regions
every output carries the region (a
.B Region
column or key in
.BR list ,
.B region
in
.BR check ,
a prefix in
.BR wait ).
Blank lines and
.B #
comments are skipped.
At most 10000 ids and 1 MiB (exit status 2 beyond).
A named pipe is waited for; after a second without a writer, standard error says so.)man",
         .completion = Kind::Files,
         .commands = kApiCommands},
        {.id = FlagId::Concurrency,
         .names = "--concurrency",
         .value_name = "N",
         .help = "Requests in flight at once, each on its own kept-alive connection; 1: one "
                 "after another",
         .man =
             R"man(Requests in flight at once, each on its own kept-alive connection, 1 to 64 (default: 8; 1: one
after another).)man",
         .default_text = "8",
         .commands = kListCheck},

        {.id = FlagId::Limit,
         .names = "--limit",
         .value_name = "N",
         .help = "Most backups to return from each cluster, counted before the filters",
         .man = R"man(The most backups to return from each cluster (default: all): with several
clusters, up to N of each.
They are counted in API order before
.BR \-\-state ,
.BR \-\-type ,
.B \-\-since
and
.B \-\-until
filter them.)man",
         .default_text = "all",
         .commands = {"list"}},
        {.id = FlagId::Offset,
         .names = "--offset",
         .value_name = "N",
         .help = "Backups to skip first",
         .man = R"man(Backups to skip first (default: 0).
.B \-\-limit 7 \-\-offset 7
sends exactly one request.)man",
         .default_text = "0",
         .commands = {"list"}},
        {.id = FlagId::PageSize,
         .names = "--page-size",
         .value_name = "N",
         .help = "Backups per request, 1-30",
         .man = "Backups per API request, 1 to 30 (default: 30).",
         .default_text = "30",
         .commands = {"list"}},
        {.id = FlagId::Output,
         .names = "-o,--output",
         .value_name = "FORMAT",
         .help = "Output format: {choices}",
         .man = R"man(.B table
(default): aligned columns, local times, sizes in MiB or GiB, a duration column; control
characters from the server are replaced, and a value wider than 1000 columns is cut.
.BR json :
one array of the backup objects exactly as the API sent them (raw epoch seconds and MB, unknown
fields kept).
.BR ndjson :
the same objects, one per line.
.BR csv " (RFC 4180) and " tsv :
a header row of API field names, raw values.
On a terminal, csv and tsv replace control characters, and json and ndjson escape C1 and bidi
controls as
.BR \\uXXXX ;
files and pipes get the exact data.)man",
         .choices = output_format_names(),
         .completion = Kind::Words,
         .default_text = "table",
         .commands = {"list"}},
        {.id = FlagId::Fields,
         .names = "--fields",
         .value_name = "F1,F2",
         .help = "Comma-separated fields to show, in order, any case: {choices}; or the "
                 "table's headers (started, size...)",
         .man = R"man(Fields to show, in this order, in any case:
.BR BackupId ,
.BR BackupStartTime ,
.BR BackupEndTime ,
.BR BackupSize ,
.BR State ,
.BR BackupType ,
.BR BackupName ,
.BR ClusterId ,
.BR Region ;
or the table's headers for them
.RB ( started ,
.BR ended ,
.BR size ,
.BR type ,
.BR name ,
.BR cluster ,
.BR region ).)man",
         .choices = selectable_fields(),
         .completion = Kind::CommaSeparated,
         .commands = {"list"}},
        {.id = FlagId::NoHeaders,
         .names = "--no-headers",
         .help = "Omit the header row (table, csv, tsv)",
         .man = "Omit the header row (table, csv, tsv).",
         .commands = {"list"}},
        {.id = FlagId::ListState,
         .names = "--state",
         .value_name = "S",
         .help = "Only backups in this State, any case (repeatable or comma-separated: "
                 "--state Failed,Running)",
         .man = R"man(Only backups in this State, in any case
.RB ( Success ,
.BR Failed ,
.BR Running );
repeatable or comma-separated.)man",
         .choices = kStates,
         .completion = Kind::CommaSeparated,
         .commands = {"list"}},
        {.id = FlagId::Type,
         .names = "--type",
         .value_name = "T",
         .help = "Only backups of this BackupType, any case (repeatable or comma-separated)",
         .man = R"man(Only backups of this BackupType, in any case
.RB ( Automatic ,
.BR Manual );
repeatable or comma-separated.)man",
         .choices = kBackupTypes,
         .completion = Kind::CommaSeparated,
         .commands = {"list"}},
        {.id = FlagId::Since,
         .names = "--since",
         .value_name = "TIME",
         .help = "Only backups started at or after TIME: 2026-11-27, 2026-11-27T03:00 (local "
                 "time), 2026-11-27T03:00:00Z, or an age such as 7d, 26h, 90m",
         .man = R"man(Only backups started at or after
.IR TIME :
a date
.RB ( 2026\-11\-27 ),
a local time
.RB ( 2026\-11\-27T03:00 ),
a UTC time
.RB ( 2026\-11\-27T03:00:00Z ),
or an age such as
.BR 7d ,
.BR 26h ,
.BR 90m .)man",
         .commands = {"list"}},
        {.id = FlagId::Until,
         .names = "--until",
         .value_name = "TIME",
         .help = "Only backups started before TIME (same forms as --since)",
         .man = R"man(Only backups started before
.I TIME
(same forms as
.BR \-\-since ).)man",
         .commands = {"list"}},
        {.id = FlagId::SortBy,
         .names = "--sort-by",
         .value_name = "FIELD",
         .help = "Sort by FIELD, any case: {choices}, or a table header (started, size...); "
                 "times and size numerically; needs every backup before the first is written",
         .man = R"man(Sort by a
.B \-\-fields
name (times and size numerically); every backup is then fetched before the first is written
(default: API order).)man",
         .choices = selectable_fields(),
         .completion = Kind::Words,
         .default_text = "API order",
         .commands = {"list"}},
        {.id = FlagId::Reverse,
         .names = "--reverse",
         .help = "Descending sort; without --sort-by, the API order reversed",
         .man = R"man(Descending sort; without
.BR \-\-sort\-by ,
the API order reversed.)man",
         .commands = {"list"}},
        {.id = FlagId::TimeFormat,
         .names = "--time-format",
         .value_name = "raw|iso",
         .help = "Times in csv, tsv, json and ndjson: {choices} (raw: epoch seconds, as the API "
                 "sends them; iso: 2026-11-27T03:00:00Z, UTC; 0 stays 0)",
         .man = R"man(Times in csv, tsv, json and ndjson:
.B raw
(epoch seconds, as the API sends them; the default) or
.B iso
(2026\-11\-27T03:00:00Z, in UTC; 0 stays 0).)man",
         .choices = time_format_names(),
         .completion = Kind::Words,
         .default_text = "raw",
         .commands = {"list"}},
        {.id = FlagId::Utc,
         .names = "--utc",
         .help = "Show table times in UTC instead of the local time zone",
         .man = "Show table times in UTC instead of the local time zone.",
         .commands = {"list"}},
        {.id = FlagId::DryRun,
         .names = "--dry-run",
         .help = "Print the signed request(s) and send nothing (at most 3 per cluster, then a "
                 "line telling how many more)",
         .man =
             R"man(Print the signed request(s) and send nothing: at most 3 per cluster, then one line saying how
many more would follow.)man",
         .commands = {"list"}},

        {.id = FlagId::MaxAge,
         .names = "--max-age",
         .value_name = "DURATION",
         .help = "The newest backup must have started within this long, e.g. 90m, 26h, 7d "
                 "(the same as --critical)",
         .man = R"man(The newest backup must have started within this long, e.g.\&
.BR 90m ,
.BR 26h ,
.BR 7d ;
older is STALE (exit status 1), or CRITICAL in the other outputs.
The same setting as
.BR \-\-critical ;
the human output needs one of the two.)man",
         .commands = {"check"}},
        {.id = FlagId::CheckState,
         .names = "--state",
         .value_name = "STATE",
         .help = "State the newest backup must be in, any case",
         .man = R"man(The state the newest backup must be in, in any case (default:
.BR Success ).
A backup that starts more than 15 minutes after now (a time in milliseconds, or one far
ahead) is not counted, with a warning on standard error.)man",
         .choices = kStates,
         .completion = Kind::Words,
         .default_text = "Success",
         .commands = {"check"}},
        {.id = FlagId::CheckOutput,
         .names = "-o,--output",
         .value_name = "FORMAT",
         .help = "Output format: {choices}",
         .man = R"man(.B human
(default): one OK or STALE line per cluster, judged by
.B \-\-max-age
alone.
.BR json :
one array, one object per cluster with its verdict, reasons, newest backup, age and counts by
state.
.BR prometheus :
the text exposition format for node_exporter's textfile collector, one series per cluster
labelled
.B cluster
and
.BR region .
.BR nagios :
monitoring-plugins output (a summary line with perfdata, then a line per cluster) with exit
status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
Every output but human applies all the rules below.)man",
         .choices = check_output_names(),
         .completion = Kind::Words,
         .default_text = "human",
         .commands = {"check"}},
        {.id = FlagId::Textfile,
         .names = "--textfile",
         .value_name = "PATH",
         .help = "Write the prometheus output to PATH atomically (mode 0644) instead of stdout; "
                 "implies -o prometheus",
         .man = R"man(Write the prometheus output to
.I PATH
instead of standard output: to a temporary file in the same directory, then renamed over
.I PATH
with mode 0644, so node_exporter's textfile collector never reads half a file.
Implies
.BR "\-o prometheus" ;
any other output is exit status 2.
A cluster whose call fails is still written (with
.BR "tidb_backup_api_up 0" ).)man",
         .completion = Kind::Files,
         .commands = {"check"}},
        {.id = FlagId::Warning,
         .names = "-w,--warning",
         .value_name = "DURATION",
         .help = "WARNING when the newest backup started longer ago than this (json, "
                 "prometheus, nagios)",
         .man = R"man(WARNING when the newest backup in the state started longer ago than this
(default: no warning by age); not above
.BR \-\-critical .
Not for the human output.)man",
         .default_text = "off",
         .commands = {"check"}},
        {.id = FlagId::Critical,
         .names = "-c,--critical",
         .value_name = "DURATION",
         .help = "CRITICAL when the newest backup started longer ago than this (the same as "
                 "--max-age)",
         .man = R"man(CRITICAL when the newest backup in the state started longer ago than this
(default: no critical age); the same setting as
.BR \-\-max\-age ,
so give one of the two.)man",
         .default_text = "off",
         .commands = {"check"}},
        {.id = FlagId::OnFailed,
         .names = "--on-failed",
         .value_name = "STATUS",
         .help = "Status when the newest backup of any state is Failed: {choices}",
         .man = R"man(The status when the newest backup of any state is Failed:
.BR ok ,
.B warning
(default) or
.BR critical .
Not critical by default: the data is as safe as the last Success, whose age the age rules judge.)man",
         .choices = rule_status_names(),
         .completion = Kind::Words,
         .default_text = "warning",
         .commands = {"check"}},
        {.id = FlagId::MaxRunning,
         .names = "--max-running",
         .value_name = "DURATION",
         .help = "WARNING when a backup has been Running longer than this; 'off' to not check",
         .man = R"man(WARNING when a backup has been Running for longer than this (default:
.BR 6h ;
.B off
turns the rule off).)man",
         .default_text = "6h",
         .commands = {"check"}},
        {.id = FlagId::OnNoBackup,
         .names = "--on-no-backup",
         .value_name = "STATUS",
         .help = "Status when a cluster has no backup in the state: {choices}",
         .man = R"man(The status when a cluster has no backup in the state (none at all, or none
with a usable start time):
.BR ok ,
.B warning
or
.B critical
(default).)man",
         .choices = rule_status_names(),
         .completion = Kind::Words,
         .default_text = "critical",
         .commands = {"check"}},
        {.id = FlagId::MinSizePercent,
         .names = "--min-size-percent",
         .value_name = "N",
         .help = "WARNING when the newest backup in the state is smaller than N% of the one "
                 "before, 1-100; 'off' to not check",
         .man = R"man(WARNING when the newest backup in the state is smaller than
.I N
percent (1 to 100) of the one before it: a truncated backup that reports Success is the
classic silent failure (default:
.BR 50 ;
.B off
turns the rule off).)man",
         .default_text = "50",
         .commands = {"check"}},

        {.id = FlagId::BackupId,
         .names = "--backup-id",
         .value_name = "ID",
         .help = "Wait for this backup instead of the cluster's newest (one cluster only)",
         .man = R"man(Wait for this backup instead of the cluster's newest; with one cluster only.
One the cluster does not list is exit status 2.)man",
         .default_text = "the newest",
         .commands = {"wait"}},
        {.id = FlagId::MaxWait,
         .names = "--max-wait",
         .value_name = "DURATION",
         .help = "Give up after this long, exit 124 (not --timeout: that bounds each request)",
         .man = R"man(Give up after this long with exit status 124, e.g.\&
.BR 90m ,
.BR 2h ,
.B 30s
(default:
.BR 2h );
a last poll falls on the deadline.
Not
.BR \-\-timeout ,
which bounds each request.)man",
         .default_text = "2h",
         .commands = {"wait"}},
        {.id = FlagId::Interval,
         .names = "--interval",
         .value_name = "DURATION",
         .help = "Longest pause between polls; they start at 2s and double up to it, with jitter "
                 "(at least 100ms)",
         .man = R"man(The longest pause between two polls (default:
.BR 30s ,
at least
.BR 100ms ).
The pauses start at 2 seconds (or this, if shorter) and double up to it, each shortened by up
to a fifth at random.)man",
         .default_text = "30s",
         .commands = {"wait"}},

        {.id = FlagId::PublicKey,
         .names = "--public-key",
         .value_name = "KEY",
         .help = "Public key of the API key pair",
         .man = "Public key of the API key pair.",
         .commands = {"configure"}},
        {.id = FlagId::PrivateKeyStdin,
         .names = "--private-key-stdin",
         .help = "Read the private key from the first line of stdin (there is no flag for it: "
                 "it would show in ps)",
         .man = R"man(Read the private key from the first line of standard input.
There is no flag for the key itself: it would show in
.BR ps (1).)man",
         .commands = {"configure"}},
        {.id = FlagId::NoInput,
         .names = "--no-input",
         .help = "Never ask, even at a terminal; fail naming what a new profile lacks",
         .man = "Never ask, even at a terminal; fail naming what a new profile lacks.",
         .commands = {"configure"}},
        {.id = FlagId::NoVerify,
         .names = "--no-verify",
         .help = "At a terminal, do not test the saved keys with one signed request",
         .man = R"man(Do not test the saved keys: at a terminal, configure otherwise ends with one
signed request to the endpoint and says whether the API accepted the keys.
Without a terminal (or with
.BR \-\-no\-input )
no request is made.)man",
         .commands = {"configure"}},

        {.id = FlagId::ConfigureAction,
         .names = "action",
         .value_name = "ACTION",
         .help = "list: show each setting, its value (keys masked) and where it comes from",
         .man = R"man(.B list
shows each setting (profile, config file, region, keys, project id, endpoint), its value with
the keys masked, and where it comes from: a flag, an environment variable, the profile in the
config file, or the default.
Nothing is written.)man",
         .choices = {"list"},
         .completion = Kind::Words,
         .commands = {"configure"}},

        {.id = FlagId::Shell,
         .names = "shell",
         .value_name = "SHELL",
         .help = "The shell: {choices}",
         .man = R"man(.BR bash ,
.BR zsh " or"
.BR fish .)man",
         .choices = shell_names(),
         .completion = Kind::Words,
         .commands = {"completion"}},
    };
}

}  // namespace tidb_backups
