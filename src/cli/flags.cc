#include "cli/flags.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/backup.h"
#include "core/selection.h"
#include "render/renderer.h"

namespace tidb_backups {

namespace {

using Kind = ValueCompletion::Kind;

// The fields --fields and --sort-by name: the documented ones, and ClusterId.
std::vector<std::string> field_names() {
    std::vector<std::string> names = documented_fields();
    names.emplace_back(kClusterIdField);
    return names;
}

// The States and BackupTypes the API documents (the emulator serves the same); others pass.
const std::vector<std::string> kStates = {"Success", "Failed", "Running"};
const std::vector<std::string> kBackupTypes = {"Automatic", "Manual"};

const std::vector<std::string_view> kListCheck = {"list", "check"};
const std::vector<std::string_view> kListCheckConfigure = {"list", "check", "configure"};

std::vector<Flag> make_flags() {
    std::vector<Flag> flags = {
        {.id = FlagId::Region,
         .names = "--region",
         .value_name = "REGION",
         .help = "Region of the cluster, e.g. cn-zj",
         .man = R"man(Region of the cluster, e.g.\&
.BR cn\-zj .
Required, from here,
.B SIGCALCLOUD_REGION
or the profile.)man",
         .env = "SIGCALCLOUD_REGION",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::Profile,
         .names = "--profile",
         .value_name = "NAME",
         .help = "Profile of the config file to use",
         .man = R"man(Profile of the config file to use (default:
.BR default ).
A named profile that does not exist is exit 6.)man",
         .completion = Kind::Profiles,
         .env = "SIGCALCLOUD_PROFILE",
         .default_text = "default",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::Config,
         .names = "--config",
         .value_name = "PATH",
         .help = "Config file",
         .man = R"man(Config file to read instead of the default one (see
.BR FILES );
one that does not exist is exit 6.)man",
         .completion = Kind::Files,
         .env = "TIDB_BACKUPS_CONFIG",
         .default_text = "$XDG_CONFIG_HOME/tidb-backups/config.toml",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::Endpoint,
         .names = "--endpoint",
         .value_name = "URL",
         .help = "API endpoint URL",
         .man = R"man(API endpoint (default:
.BR https://api.sigcalcloud.com ).
Plain
.B http://
is allowed only for loopback hosts (the emulator), unless
.BR \-\-insecure .)man",
         .env = "SIGCALCLOUD_ENDPOINT",
         .default_text = "https://api.sigcalcloud.com",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::ProjectId,
         .names = "--project-id",
         .value_name = "ID",
         .help = "Project id to send with each request",
         .man = "Project id sent with each request (default: none sent).",
         .env = "SIGCALCLOUD_PROJECT_ID",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::Timeout,
         .names = "--timeout",
         .value_name = "SECONDS",
         .help = "Seconds one attempt may take in all: connect, TLS, proxy, answer",
         .man =
             R"man(Time one attempt may take in all (default: 30): name lookup, connecting, the proxy tunnel, the
TLS handshake, sending the request and receiving the whole answer.
One request cannot take longer than
.IR timeout " \(mu (" retries " + 1)"
plus the waits between attempts (at most 8 seconds each).)man",
         .default_text = "30",
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::Retries,
         .names = "--retries",
         .value_name = "N",
         .help = "Retries after a failed attempt that may succeed later",
         .man =
             R"man(Retries after an attempt that failed in a way that may succeed later (default: 3): connection
failures, timeouts, HTTP 429 and 5xx, and API RetCodes that mean \(lqtry later\(rq, with
exponential backoff and jitter.
Never after a signature or parameter error.)man",
         .default_text = "3",
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::CaBundle,
         .names = "--ca-bundle",
         .value_name = "PATH",
         .help = "PEM file of CA certificates to trust instead of the system store",
         .man = "PEM file of CA certificates to trust instead of the system store.",
         .completion = Kind::Files,
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::Proxy,
         .names = "--proxy",
         .value_name = "URL",
         .help = "HTTP proxy for API requests, http://[user:password@]host:port",
         .man = R"man(HTTP proxy for API requests,
.BR http://[user:password@]host:port ;
HTTPS goes through it with CONNECT.
Default: \fBHTTPS_PROXY\fR (or \fBHTTP_PROXY\fR for an http endpoint) unless
\fBNO_PROXY\fR names the host.
Proxy credentials are never printed.
A proxy that refuses the tunnel (wrong credentials, a forbidden destination) ends the run
with exit status 4 and the proxy's answer; such a refusal is not retried.
A user without a password is sent as the user with an empty password, as curl does.)man",
         .default_text =
             "HTTPS_PROXY or HTTP_PROXY by the endpoint's scheme, unless NO_PROXY names the host",
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::Insecure,
         .names = "--insecure",
         .help = "Do not verify TLS certificates; allow plain http to any host",
         .man = R"man(Do not verify TLS certificates, and allow plain
.B http://
to any host; says so on standard error.)man",
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::Color,
         .names = "--color",
         .value_name = "WHEN",
         .help = "Colour in the table: {choices} (auto: on a terminal, unless NO_COLOR is set; "
                 "CLICOLOR_FORCE forces it)",
         .man = R"man(Colour in the table:
.B auto
(the default: on a terminal, unless
.B NO_COLOR
is set;
.B CLICOLOR_FORCE
forces it),
.BR always ,
or
.BR never .)man",
         .choices = {"auto", "always", "never"},
         .completion = Kind::Words,
         .default_text = "auto",
         .global = true,
         .commands = {"list"}},
        {.id = FlagId::Verbose,
         .names = "-v,--verbose",
         .help = "Log requests to stderr (-vv: and bodies); secrets masked",
         .man = R"man(Log each request line and status to standard error, with
.B Signature
and
.B PublicKey
masked;
.B \-vv
adds the bodies, masked the same way.)man",
         .global = true,
         .commands = kListCheck},
        {.id = FlagId::Quiet,
         .names = "-q,--quiet",
         .help = "Print only data and errors",
         .man = "Print only data and errors: no warnings, no progress line.",
         .global = true,
         .commands = kListCheckConfigure},
        {.id = FlagId::Help,
         .names = "-h,--help",
         .help = "Print this help message and exit",
         .man = "Print the help of the program, or of a command when given after it, and exit.",
         .global = true,
         .commands = {"list", "check", "configure", "completion"}},
        {.id = FlagId::Version,
         .names = "--version",
         .help = "Print the version and exit",
         .man = "Print the version (and the git commit it was built from) and exit.",
         .global = true},

        {.id = FlagId::Id,
         .names = "--id",
         .value_name = "ID",
         .help = "Cluster id (repeatable)",
         .man = "Cluster id; repeat it for several clusters.",
         .commands = kListCheck},
        {.id = FlagId::IdsFrom,
         .names = "--ids-from",
         .value_name = "FILE",
         .help = "Read cluster ids from FILE, one per line ('-': stdin)",
         .man = R"man(Read cluster ids from
.IR FILE ,
one per line, or from standard input with
.BR \- ;
blank lines and
.B #
comments are skipped.
At most 10000 ids and 1 MiB (exit status 2 beyond).
A named pipe is waited for; after a second without a writer, standard error says so.)man",
         .completion = Kind::Files,
         .commands = kListCheck},
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
         .help = "Most backups to return",
         .man = "The most backups to return (default: all).",
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
         .help = "Comma-separated fields to show, in order, any case: {choices}",
         .man = R"man(Fields to show, in this order, in any case:
.BR BackupId ,
.BR BackupStartTime ,
.BR BackupEndTime ,
.BR BackupSize ,
.BR State ,
.BR BackupType ,
.BR ClusterId .)man",
         .choices = field_names(),
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
         .help = "Sort by FIELD, any case: {choices}; times and size numerically; needs every "
                 "backup before the first is written",
         .man = R"man(Sort by a
.B \-\-fields
name (times and size numerically); every backup is then fetched before the first is written
(default: API order).)man",
         .choices = field_names(),
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
         .help = "Required: the newest backup must have started within this long, e.g. 90m, "
                 "26h, 7d",
         .man = R"man(Required: the newest backup must have started within this long, e.g.\&
.BR 90m ,
.BR 26h ,
.BR 7d .)man",
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
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (static_cast<std::size_t>(flags[i].id) != i) {
            throw std::logic_error("flags.cc: the records are not in FlagId order");
        }
    }
    return flags;
}

bool belongs_to(const Flag& flag, std::string_view command) {
    return std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

}  // namespace

const std::vector<Flag>& all_flags() {
    static const std::vector<Flag> flags = make_flags();
    return flags;
}

const Flag& flag(FlagId id) {
    return all_flags().at(static_cast<std::size_t>(id));
}

std::vector<std::string> flag_names(const Flag& flag) {
    std::vector<std::string> names;
    std::string_view rest = flag.names;
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        names.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return names;
}

const Flag* find_flag(std::string_view command, std::string_view name) {
    const Flag* global = nullptr;
    for (const Flag& flag : all_flags()) {
        const std::vector<std::string> names = flag_names(flag);
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            continue;
        }
        // --help is global and also every command's own; a command's own wins over a global.
        if (!flag.global && belongs_to(flag, command)) {
            return &flag;
        }
        if (flag.global) {
            global = &flag;
        }
    }
    return global;
}

std::string help_text(const Flag& flag) {
    std::string text(flag.help);
    if (auto at = text.find("{choices}"); at != std::string::npos) {
        text.replace(at, 9, fmt::format("{}", fmt::join(flag.choices, ", ")));
    }
    if (!flag.default_text.empty()) {
        text += fmt::format(" (default: {})", flag.default_text);
    }
    if (!flag.env.empty()) {
        text += fmt::format(" [env: {}]", flag.env);
    }
    return text;
}

std::string choices_text(const Flag& flag) {
    const auto& choices = flag.choices;
    if (choices.size() < 2) {
        return choices.empty() ? std::string() : choices.front();
    }
    return fmt::format("{} or {}", fmt::join(choices.begin(), choices.end() - 1, ", "),
                       choices.back());
}

bool is_choice(const Flag& flag, std::string_view value) {
    return std::find(flag.choices.begin(), flag.choices.end(), value) != flag.choices.end();
}

std::string not_a_choice(const Flag& flag, std::string_view value) {
    return fmt::format("invalid value for {}: '{}' (expected {})", flag_names(flag).back(), value,
                       choices_text(flag));
}

}  // namespace tidb_backups
