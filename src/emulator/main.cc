// SPDX-License-Identifier: Apache-2.0
// tidb-backups-emulator: the command line over EmulatorServer. Prints the bound port first on
// stdout (tests read it), serves until SIGINT or SIGTERM, and exits 0.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/version_text.h"
#include "core/endpoint.h"
#include "emulator/server.h"

namespace {

using tidb_backups::emulator::EmulatorServer;
using tidb_backups::emulator::FaultPlan;
using tidb_backups::emulator::kMaxBackups;
using tidb_backups::emulator::ServerOptions;

constexpr const char* kProgram = "tidb-backups-emulator";
// --nest: 2 bytes a level, so the deepest body is 20 MB, past the client's 16 MiB cap.
constexpr std::int64_t kMaxNestDepth = 10'000'000;

struct Flags {
    ServerOptions server;
    std::string port_file;
    std::vector<std::string> backups_for;
    std::string shape = "data";
    std::int64_t latency_ms = 0;
    std::int64_t now = -1;
    std::uint64_t seed = 0;
    int ret_code = 0;
    std::int64_t ret_code_first = 0;
    std::int64_t grow_after = 0;
    std::string nest;  // FIELD=DEPTH
    std::string time_unit = "s";
    std::string running_cluster;
    bool verbose = false;
};

// The bounds of the server (http_server.h), for --help.
std::string bounds_text(const tidb_backups::emulator::HttpLimits& limits) {
    return fmt::format(
        "Bounds on every client (beyond one, its connection is closed):\n"
        "  a request head of {} KiB (answered 431) and a body of {} KiB (413);\n"
        "  {} s from a request's first byte to its last, and for a TLS handshake (408);\n"
        "  {} s idle between requests, or without taking any of an answer;\n"
        "  {} open connections (fewer if the descriptor limit, raised to its hard limit, is\n"
        "  lower): the longest idle one is closed for a new one, or the new one if none is idle.",
        limits.max_head_bytes / 1024, limits.max_body_bytes / 1024,
        limits.request_timeout.count() / 1000, limits.idle_timeout.count() / 1000,
        limits.max_connections);
}

// Enough descriptors for every connection the server allows: a soft limit of 1024 is common.
void raise_open_file_limit(std::size_t connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, connections + 128);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = wanted;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int usage_error(std::string_view message) {
    fmt::print(stderr, "{}: error: {}\n", kProgram, message);
    return 2;
}

void define_server_flags(CLI::App& app, Flags& flags) {
    ServerOptions& s = flags.server;
    const std::string group = "Server";
    app.add_option("--host", s.host, "Loopback address to listen on")
        ->type_name("HOST")
        ->capture_default_str()
        ->group(group);
    app.add_option("--port", s.port, "TCP port; 0 picks a free one")
        ->type_name("N")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str()
        ->group(group);
    app.add_option("--port-file", flags.port_file, "Also write the bound port to this file")
        ->type_name("FILE")
        ->group(group);
    app.add_option("--cert", s.cert_file, "PEM certificate: serve HTTPS (needs --key)")
        ->type_name("FILE")
        ->check(CLI::ExistingFile)
        ->group(group);
    app.add_option("--key", s.key_file, "PEM private key of --cert")
        ->type_name("FILE")
        ->check(CLI::ExistingFile)
        ->group(group);
    app.add_option("--public-key", s.public_key, "The PublicKey that requests must carry")
        ->capture_default_str()
        ->group(group);
    app.add_option("--private-key", s.private_key, "The private key signatures are checked with")
        ->capture_default_str()
        ->group(group);
    app.add_flag("-v,--verbose", flags.verbose, "Log one line per API request to stderr")
        ->group(group);
}

// What a broken or hostile server sends, to reproduce the client's defences by hand.
void define_hostile_flags(CLI::App& app, Flags& flags, const std::string& group) {
    tidb_backups::emulator::HostileOptions& h = flags.server.hostile;
    app.add_option("--page-cap", h.page_cap, "At most N backups a page, whatever Limit says")
        ->type_name("N")
        ->check(CLI::PositiveNumber)
        ->group(group);
    app.add_flag("--ignore-offset", h.ignore_offset, "Answer every request as if Offset were 0")
        ->group(group);
    app.add_flag("--omit-backup-id", h.omit_backup_id, "Leave BackupId out of backups")
        ->group(group);
    app.add_option("--nest", flags.nest,
                   "Replace FIELD (BackupName, RetCode or TotalCount) by DEPTH nested arrays")
        ->type_name("FIELD=DEPTH")
        ->group(group);
    app.add_flag("--huge-number", h.huge_number,
                 fmt::format("Send BackupSize {} (2^64, past any 64-bit integer)",
                             tidb_backups::emulator::kHugeNumber))
        ->group(group);
    app.add_option("--raw-retcode", h.raw_ret_code,
                   "Write the RetCode of successful pages as this raw JSON text, e.g. 0.5")
        ->type_name("TEXT")
        ->group(group);
    app.add_flag("--lone-surrogate", h.lone_surrogate,
                 "Put an unpaired \\ud800 escape in BackupName")
        ->group(group);
    app.add_option("--time-unit", flags.time_unit,
                   "Unit of BackupStartTime and BackupEndTime: s (the API's) or ms")
        ->check(CLI::IsMember({"s", "ms"}))
        ->capture_default_str()
        ->group(group);
    app.add_option("--future-backup", h.future_backup,
                   "Date the newest backup (a Success) this many seconds after --now")
        ->type_name("SECONDS")
        ->check(CLI::NonNegativeNumber)
        ->group(group);
}

// A backup that changes state while a client polls it (for `wait`).
void define_transition_flags(CLI::App& app, Flags& flags, const std::string& group) {
    tidb_backups::emulator::TransitionOptions& t = flags.server.transition;
    auto* running_for =
        app.add_option("--running-for", t.running_for,
                       "The newest backup of every cluster is Running for the first N API "
                       "requests answered for that cluster, then --then")
            ->type_name("N")
            ->check(CLI::Range(std::int64_t{0}, tidb_backups::emulator::kMaxRunningFor))
            ->group(group);
    app.add_option("--then", t.then, "State of that backup after --running-for")
        ->check(CLI::IsMember({"Success", "Failed"}))
        ->capture_default_str()
        ->needs(running_for)
        ->group(group);
    app.add_option("--running-cluster", flags.running_cluster,
                   "Only cluster ID's newest backup is Running (default: every cluster's)")
        ->type_name("ID")
        ->needs(running_for)
        ->group(group);
}

void define_data_flags(CLI::App& app, Flags& flags) {
    ServerOptions& s = flags.server;
    const std::string group = "Backups and responses";
    app.add_option("--backups", s.catalog.default_count, "Backups per cluster")
        ->type_name("N")
        ->check(CLI::Range(std::int64_t{0}, kMaxBackups))
        ->capture_default_str()
        ->group(group);
    app.add_option("--unknown-id", s.unknown_ids, "Answer cluster ID with RetCode 230 (repeatable)")
        ->type_name("ID")
        ->allow_extra_args(false)
        ->group(group);
    app.add_option("--backups-for", flags.backups_for, "N backups for cluster ID (repeatable)")
        ->type_name("ID=N")
        ->group(group);
    app.add_option("--now", flags.now, "Clock as epoch seconds (default: now, to the minute)")
        ->type_name("EPOCH")
        ->check(CLI::Range(std::int64_t{0}, tidb_backups::emulator::kMaxNow))
        ->group(group);
    app.add_option("--shape", flags.shape, "Page shape: data, object (one backup) or backupdata")
        ->check(CLI::IsMember({"data", "object", "backupdata"}))
        ->capture_default_str()
        ->group(group);
    app.add_flag("--retcode-as-string", s.ret_code_as_string, "Send RetCode as a string (\"0\")")
        ->group(group);
    app.add_option("--total-count", s.total_count, "Report this TotalCount, whatever the truth")
        ->type_name("N")
        ->group(group);
    app.add_flag("--null-data", s.null_data, "Send \"Data\": null")->group(group);
    app.add_flag("--duplicate-ids", s.duplicate_ids, "Send every backup twice in its page")
        ->group(group);
    app.add_option("--pad-bytes", s.pad_bytes, "Make every page this many bytes bigger")
        ->type_name("N")
        ->check(CLI::Range(std::int64_t{0}, tidb_backups::emulator::kMaxPadBytes))
        ->group(group);
    app.add_flag("--hostile-text", s.hostile_text,
                 "Put control characters (C0, C1, an OSC sequence, bidi controls) and bytes that "
                 "are not UTF-8 in BackupType and BackupName")
        ->group(group);
    app.add_option("--long-id", s.long_id,
                   "Give the newest backup of every cluster a BackupId of BYTES bytes: its usual "
                   "id, '-', then 0123456789 repeated, cut to length (default: 0, off)")
        ->type_name("BYTES")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{100000000}))
        ->group(group);
    app.add_flag("--omit-total-count", s.omit_total_count, "Leave TotalCount out of pages")
        ->group(group);
    define_transition_flags(app, flags, group);
    define_hostile_flags(app, flags, group);
}

void define_fault_flags(CLI::App& app, Flags& flags) {
    FaultPlan& faults = flags.server.faults;
    const std::string group = "Faults (counted over API requests, in arrival order)";
    auto count = [&](const std::string& name, std::int64_t& target, const std::string& help) {
        return app.add_option(name, target, help)
            ->type_name("N")
            ->check(CLI::NonNegativeNumber)
            ->group(group);
    };
    const std::int64_t max_latency = tidb_backups::emulator::kMaxLatency.count();
    app.add_option("--latency", flags.latency_ms, "Delay every API answer by MS milliseconds")
        ->type_name("MS")
        ->check(CLI::Range(std::int64_t{0}, max_latency))
        ->group(group);
    app.add_option("--rate-limit", flags.server.rate_limit,
                   "Answer RetCode 153 to requests past N a second (a second's worth at once)")
        ->type_name("N")
        ->check(CLI::Range(0.001, tidb_backups::emulator::kMaxRateLimit))
        ->group(group);
    count("--drop-first", faults.drop_first, "Drop the connection of the first N requests");
    count("--hang-first", faults.hang_first, "Never answer the first N requests");
    count("--stall-first", faults.stall_first,
          "Send the headers of the first N answers, never the body");
    count("--truncate-first", faults.truncate_first,
          "Cut the first N answers' bodies in half, then close");
    app.add_flag("--hang", faults.hang_all, "Never answer any request")->group(group);
    count("--fail-first", faults.fail_first, "Answer the first N requests with an HTTP error");
    app.add_option("--fail-rate", faults.fail_rate, "Answer this share (0..1) with an HTTP error")
        ->type_name("P")
        ->check(CLI::Range(0.0, 1.0))
        ->group(group);
    app.add_option("--seed", flags.seed, "Seed for --fail-rate (default: random)")
        ->type_name("S")
        ->group(group);
    app.add_option("--fail-status", faults.fail_status, "HTTP status of injected errors")
        ->type_name("CODE")
        ->check(CLI::Range(400, 599))
        ->capture_default_str()
        ->group(group);
    count("--malformed-first", faults.malformed_first,
          "Answer the first N requests with a body that is not JSON");
    auto* ret_code =
        app.add_option("--retcode", flags.ret_code, "Answer with this RetCode (153: rate limited)")
            ->type_name("CODE")
            ->group(group);
    count("--retcode-first", flags.ret_code_first,
          "Only the first N requests get --retcode (default: all)")
        ->needs(ret_code);
    auto* grow_after = count("--grow-after", flags.grow_after,
                             "After N answered requests, clusters gain --grow-by backups");
    count("--grow-by", faults.grow_by, "Backups gained after --grow-after")
        ->type_name("K")
        ->check(CLI::Range(std::int64_t{0}, kMaxBackups))
        ->needs(grow_after)
        ->capture_default_str();
}

// Moves what CLI11 could not check on its own into the options; an error message or "".
std::string finish(CLI::App& app, Flags& flags) {
    ServerOptions& s = flags.server;
    if (s.cert_file.empty() != s.key_file.empty()) {
        return "--cert and --key go together";
    }
    if (!tidb_backups::is_loopback_host(s.host)) {
        return fmt::format(
            "--host must be a loopback address (127.0.0.0/8, ::1, localhost), "
            "not '{}'",
            s.host);
    }
    for (const std::string& entry : flags.backups_for) {
        std::size_t eq = entry.rfind('=');
        std::int64_t count = -1;
        if (eq == std::string::npos || eq == 0) {
            return fmt::format("--backups-for expects ID=N, got '{}'", entry);
        }
        std::string_view number = std::string_view(entry).substr(eq + 1);
        auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
        if (ec != std::errc{} || end != number.data() + number.size() || count < 0 ||
            count > kMaxBackups) {
            return fmt::format("--backups-for expects ID=N with N from 0 to {}, got '{}'",
                               kMaxBackups, entry);
        }
        s.catalog.counts[entry.substr(0, eq)] = count;
    }
    if (!flags.nest.empty()) {
        std::size_t eq = flags.nest.rfind('=');
        std::string field = flags.nest.substr(0, eq == std::string::npos ? flags.nest.size() : eq);
        std::int64_t depth = 0;
        std::string_view number = eq == std::string::npos
                                      ? std::string_view{}
                                      : std::string_view(flags.nest).substr(eq + 1);
        auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), depth);
        if (!tidb_backups::emulator::is_nestable_field(field) || number.empty() ||
            ec != std::errc{} || end != number.data() + number.size() || depth < 1 ||
            depth > kMaxNestDepth) {
            return fmt::format(
                "--nest expects FIELD=DEPTH with FIELD BackupName, RetCode or TotalCount and "
                "DEPTH 1..{}, got '{}'",
                kMaxNestDepth, flags.nest);
        }
        s.hostile.nest_field = field;
        s.hostile.nest_depth = depth;
    }
    if (s.hostile.raw_ret_code && s.hostile.nest_field == "RetCode") {
        return "--raw-retcode and --nest RetCode=... both set RetCode; pick one";
    }
    if (app.count("--running-cluster") > 0) {
        s.transition.cluster = flags.running_cluster;
    }
    s.hostile.milliseconds = flags.time_unit == "ms";
    s.shape = *tidb_backups::emulator::parse_shape(flags.shape);
    if (flags.now < 0) {
        std::int64_t now = std::time(nullptr);
        flags.now = now - now % 60;
    }
    s.catalog.now = flags.now;
    s.faults.latency = std::chrono::milliseconds(flags.latency_ms);
    if (app.count("--seed") > 0) {
        s.faults.seed = flags.seed;
    }
    if (app.count("--retcode") > 0) {
        s.faults.ret_code = flags.ret_code;
        if (app.count("--retcode-first") > 0) {
            s.faults.ret_code_first = flags.ret_code_first;
        }
    }
    if (app.count("--grow-after") > 0) {
        s.faults.grow_after = flags.grow_after;
    }
    if (flags.verbose) {
        s.log = [](std::string_view line) { fmt::print(stderr, "{}: {}\n", kProgram, line); };
    }
    return {};
}

bool write_port_file(const std::string& path, int port) {
    // Written aside and renamed, so a reader polling for the file never sees it half written.
    std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << port << '\n';
        if (!out.flush()) {
            return false;
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    return !error;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"A local server of the ListTiDBClusterBackup API, for tests, demos and benchmarks",
                 kProgram};
    Flags flags;
    app.set_version_flag("--version", tidb_backups::version_text(kProgram));
    define_server_flags(app, flags);
    define_data_flags(app, flags);
    define_fault_flags(app, flags);
    app.footer(bounds_text(flags.server.limits));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }
    if (std::string problem = finish(app, flags); !problem.empty()) {
        return usage_error(problem);
    }

    // Blocked before any thread starts, so every thread inherits the mask and only the waiter
    // below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    raise_open_file_limit(flags.server.limits.max_connections);
    const bool https = !flags.server.cert_file.empty();
    const std::string host = flags.server.host;
    EmulatorServer server(std::move(flags.server));
    auto port = server.bind();
    if (!port) {
        fmt::print(stderr, "{}: error: {}\n", kProgram, port.error().message);
        if (!port.error().hint.empty()) {
            fmt::print(stderr, "hint: {}\n", port.error().hint);
        }
        return port.error().kind == tidb_backups::ErrorKind::Usage ? 2 : 1;
    }
    std::cout << *port << std::endl;  // the first line of stdout, flushed: tests wait for it
    if (!flags.port_file.empty() && !write_port_file(flags.port_file, *port)) {
        fmt::print(stderr, "{}: error: cannot write the port to '{}'\n", kProgram, flags.port_file);
        return 1;
    }
    std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    fmt::print(stderr, "{} listening on {}://{}:{}\n", kProgram, https ? "https" : "http",
               shown_host, *port);

    std::thread signal_waiter([&server, &stop_signals] {
        int received = 0;
        sigwait(&stop_signals, &received);
        server.stop();
    });
    bool served = server.run();
    // run() also ends without a signal if serving fails: wake the waiter so it can be joined.
    // Sent to the process, the signal stays pending (blocked everywhere) if the waiter is gone.
    kill(getpid(), SIGTERM);
    signal_waiter.join();
    if (!served) {
        fmt::print(stderr, "{}: error: the listening socket failed; stopped serving\n", kProgram);
        return 1;
    }
    return 0;
}
