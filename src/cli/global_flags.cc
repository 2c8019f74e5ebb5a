// SPDX-License-Identifier: Apache-2.0
// The records of the global flags: declared on the program, accepted before or after any command.
#include "cli/flag_records.h"

namespace tidb_backups {

std::vector<Flag> global_flag_records() {
    using Kind = ValueCompletion::Kind;
    return {
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
         .commands = kApiCommandsConfigure},
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
         .commands = kApiCommandsConfigure},
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
         .commands = kApiCommandsConfigure},
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
         .commands = kApiCommandsConfigure},
        {.id = FlagId::ProjectId,
         .names = "--project-id",
         .value_name = "ID",
         .help = "Project id to send with each request",
         .man = "Project id sent with each request (default: none sent).",
         .env = "SIGCALCLOUD_PROJECT_ID",
         .global = true,
         .commands = kApiCommandsConfigure},
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
         .commands = kApiCommands},
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
         .commands = kApiCommands},
        {.id = FlagId::CaBundle,
         .names = "--ca-bundle",
         .value_name = "PATH",
         .help = "PEM file of CA certificates to trust instead of the system store",
         .man = "PEM file of CA certificates to trust instead of the system store.",
         .completion = Kind::Files,
         .global = true,
         .commands = kApiCommands},
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
         .commands = kApiCommands},
        {.id = FlagId::Insecure,
         .names = "--insecure",
         .help = "Do not verify TLS certificates; allow plain http to any host",
         .man = R"man(Do not verify TLS certificates, and allow plain
.B http://
to any host; says so on standard error.)man",
         .global = true,
         .commands = kApiCommands},
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
         .commands = kApiCommands},
        {.id = FlagId::Quiet,
         .names = "-q,--quiet",
         .help = "Print only data and errors",
         .man = "Print only data and errors: no warnings, no progress line.",
         .global = true,
         .commands = kApiCommandsConfigure},
        {.id = FlagId::Help,
         .names = "-h,--help",
         .help = "Print this help message and exit",
         .man = "Print the help of the program, or of a command when given after it, and exit.",
         .global = true,
         .commands = {"list", "check", "wait", "configure", "completion"}},
        {.id = FlagId::Version,
         .names = "--version",
         .help = "Print the version and exit",
         .man = "Print the version (and the git commit it was built from) and exit.",
         .global = true},
    };
}

}  // namespace tidb_backups
