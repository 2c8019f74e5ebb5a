// SPDX-License-Identifier: Apache-2.0
// What the tool reads from files, flags and the environment, with the real binary: --ids-from
// is bounded (a huge file, /dev/zero, an endless stdin), named pipes never hang it silently
// (--config, --ca-bundle, --ids-from), a password in an endpoint URL is never shown, a '+' in
// a proxy password is sent as a '+', and a config file on stdin gets a true permission warning.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "e2e.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::ProcessSpec;

namespace {

using Clock = std::chrono::steady_clock;

int requests(const EmulatorProcess& emulator) {
    return emulator.stats()["requests"].get<int>();
}

// The CLI run by a shell, for what only a shell gives: a redirect from a file, <(...). The
// script calls the binary as "$0"; `args` become $1, $2...
ProcessSpec shell_spec(const Cli& cli, const std::string& shell, const std::string& script,
                       const std::vector<std::string>& args = {}) {
    ProcessSpec spec;
    spec.argv = {shell, "-c", script, TIDB_BACKUPS_BIN};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = cli.env_copy();
    spec.timeout = 45s;
    return spec;
}

std::string make_fifo(const TempDir& dir, const std::string& name) {
    std::string path = dir.file(name);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    return path;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// One error line (and perhaps a hint), nothing on stdout.
void check_refused(const ProcessResult& result, int code, const std::string& error_line) {
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == code);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("tidb-backups: error: " + error_line + "\n", 0) == 0);
    CHECK(count(result.err, "\n") <= 2);
}

// A run that must end well within its 45 s guard: a hang shows as timed_out.
ProcessResult run_bounded(ProcessSpec spec, Clock::duration& took) {
    spec.timeout = 45s;
    auto started = Clock::now();
    ProcessResult result = testing::run_process(spec);
    took = Clock::now() - started;
    return result;
}

std::string real_path(const std::string& path) {
    char resolved[PATH_MAX];
    REQUIRE(::realpath(path.c_str(), resolved) != nullptr);
    return resolved;
}

}  // namespace

// ---- --ids-from is bounded: 1 MiB, 10000 ids. ----

TEST_CASE("option --ids-from: /dev/zero or an endless stdin stops at the 1 MiB bound with exit 2",
          "[e2e][inputs][ids-from]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    Clock::duration took{};
    auto file = run_bounded(cli_spec(cli, {"list", "--ids-from", "/dev/zero"}), took);
    check_refused(file, 2, "--ids-from '/dev/zero' is larger than 1 MiB");
    CHECK(took < 15s);

    auto piped = run_bounded(
        shell_spec(cli, "/bin/sh", "exec \"$0\" check --max-age 1d --ids-from - < /dev/zero"),
        took);
    check_refused(piped, 2, "--ids-from - (standard input) is larger than 1 MiB");
    CHECK(took < 15s);
    CHECK(requests(emulator) == 0);
}

TEST_CASE("option --ids-from takes 1 MiB and not one byte more", "[e2e][inputs][ids-from]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    // One id, then comment lines up to exactly 1 MiB: the bound is on bytes, not on ids.
    std::string text = "c1\n";
    const std::string comment = "# " + std::string(61, 'x') + "\n";  // 64 bytes
    while (text.size() + comment.size() <= 1048576) {
        text += comment;
    }
    text += "#" + std::string(1048576 - text.size() - 2, 'y') + "\n";
    REQUIRE(text.size() == 1048576);
    std::string at_bound = cli.home().write_file("at-bound.txt", text);
    std::string over = cli.home().write_file("over.txt", text + "\n");

    auto accepted = cli.run({"list", "--ids-from", at_bound, "-o", "json"});
    INFO(accepted.describe());
    CHECK(accepted.exit_code == 0);
    CHECK(BackupObject::parse(accepted.out) == BackupObject(expected_backups("c1", 1)));

    auto refused = cli.run({"list", "--ids-from", over, "-o", "json"});
    check_refused(refused, 2, "--ids-from '" + over + "' is larger than 1 MiB");
    CHECK(refused.err.find("hint: a run takes at most 10000 cluster ids (1 MiB); split them "
                           "over several runs\n") != std::string::npos);
    auto refused_stdin = cli.run({"list", "--ids-from", "-", "-o", "json"}, text + "\n");
    check_refused(refused_stdin, 2, "--ids-from - (standard input) is larger than 1 MiB");
}

TEST_CASE("option --ids-from holds at most 10000 cluster ids", "[e2e][inputs][ids-from]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    std::string ids;
    for (int i = 0; i <= 10000; ++i) {
        ids += "cluster-" + std::to_string(i) + "\n";
    }
    std::string file = cli.home().write_file("fleet.txt", ids);
    auto result = cli.run({"list", "--ids-from", file, "--dry-run"});
    check_refused(result, 2, "--ids-from '" + file + "' holds more than 10000 cluster ids");
    auto checked = cli.run({"check", "--max-age", "1d", "--ids-from", "-"}, ids);
    check_refused(checked, 2, "--ids-from - (standard input) holds more than 10000 cluster ids");
    CHECK(requests(emulator) == 0);
}

// ---- Named pipes: refused where a file is meant, announced where a pipe is fine. ----

TEST_CASE("a named pipe as --config is exit 6 at once, not a silent hang", "[e2e][inputs][fifo]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    std::string fifo = make_fifo(cli.home(), "config.fifo");
    Clock::duration took{};
    auto by_flag = run_bounded(cli_spec(cli, {"list", "--id", "c1", "--config", fifo}), took);
    check_refused(by_flag, 6, "config file " + fifo + " is a named pipe, not a file");
    CHECK(by_flag.err.find("hint: pass a regular file; to feed the config through a pipe, use "
                           "--config /dev/stdin or --config <(...)") != std::string::npos);
    CHECK(took < 15s);

    cli.env()["TIDB_BACKUPS_CONFIG"] = fifo;
    auto by_env = run_bounded(cli_spec(cli, {"check", "--id", "c1", "--max-age", "1d"}), took);
    check_refused(by_env, 6, "config file " + fifo + " is a named pipe, not a file");
    cli.env().erase("TIDB_BACKUPS_CONFIG");

    ProcessSpec configure = cli_spec(cli, {"configure", "--config", fifo, "--region", "r",
                                           "--public-key", "p", "--private-key-stdin"});
    configure.stdin_data = "k\n";
    auto configured = run_bounded(configure, took);
    check_refused(configured, 6, "config file " + fifo + " is not a regular file");
    CHECK(requests(emulator) == 0);
}

TEST_CASE("the shell's pipes still work as --config: <(...) and /dev/stdin",
          "[e2e][inputs][fifo]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_REGION");  // only the config file gives it
    const std::string profile = "[default]\nregion = \"cn-zj\"\n";
    Clock::duration took{};
    auto substituted = run_bounded(
        shell_spec(cli, "/bin/bash",
                   "exec \"$0\" --config <(printf '%s' \"$1\") list --id c1 -o json", {profile}),
        took);
    INFO(substituted.describe());
    CHECK(substituted.exit_code == 0);
    CHECK(BackupObject::parse(substituted.out) == BackupObject(expected_backups("c1", 2)));

    auto from_stdin =
        cli.run({"--config", "/dev/stdin", "list", "--id", "c1", "-o", "json"}, profile);
    INFO(from_stdin.describe());
    CHECK(from_stdin.exit_code == 0);
    CHECK(from_stdin.err.empty());
    CHECK(BackupObject::parse(from_stdin.out) == BackupObject(expected_backups("c1", 2)));
}

TEST_CASE("option --ca-bundle must be a regular file: a pipe or a directory is exit 2 first",
          "[e2e][inputs][fifo][tls]") {
    TempDir dir;
    auto ca = testing::make_ca("inputs test CA");
    auto leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    EmulatorProcess emulator(emulator_args(2, {"--cert", dir.write_file("c.pem", leaf.cert_pem),
                                               "--key", dir.write_file("k.pem", leaf.key_pem)}));
    Cli cli(emulator);
    const std::string hint = "hint: --ca-bundle expects a PEM file of CA certificates\n";

    std::string fifo = make_fifo(dir, "ca.fifo");
    Clock::duration took{};
    auto piped = run_bounded(cli_spec(cli, {"list", "--id", "c1", "--ca-bundle", fifo}), took);
    check_refused(piped, 2, "--ca-bundle '" + fifo + "' is a named pipe, not a regular file");
    CHECK(piped.err.find(hint) != std::string::npos);
    CHECK(took < 15s);

    auto directory = cli.run({"list", "--id", "c1", "--ca-bundle", dir.path()});
    check_refused(directory, 2,
                  "--ca-bundle '" + dir.path() + "' is a directory, not a regular file");
    auto missing = cli.run({"list", "--id", "c1", "--ca-bundle", dir.file("none.pem")});
    check_refused(
        missing, 2,
        "cannot read --ca-bundle '" + dir.file("none.pem") + "': No such file or directory");
    CHECK(requests(emulator) == 0);

    // A link to a regular file is fine.
    std::string link = dir.file("ca-link.pem");
    REQUIRE(::symlink(ca_file.c_str(), link.c_str()) == 0);
    auto linked = cli.run({"list", "--id", "c1", "--ca-bundle", link, "-o", "json"});
    INFO(linked.describe());
    CHECK(linked.exit_code == 0);
    CHECK(BackupObject::parse(linked.out) == BackupObject(expected_backups("c1", 2)));
}

TEST_CASE(
    "option --ids-from: a named pipe says once that it waits for a writer, then lists what comes",
    "[e2e][inputs][fifo][ids-from]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    std::string fifo = make_fifo(cli.home(), "ids.fifo");
    const std::string notice = "tidb-backups: waiting for a writer on the named pipe '" + fifo +
                               "' (--ids-from); Ctrl-C to stop\n";
    ChildProcess child(cli_spec(cli, {"list", "--ids-from", fifo, "-o", "ndjson"}));
    REQUIRE(eventually([&] { return child.err_so_far().find(notice) != std::string::npos; }));
    CHECK(requests(emulator) == 0);

    int writer = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // the reader is there: no wait
    REQUIRE(writer >= 0);
    const std::string ids = "c1\n# a comment\nc2\n";
    CHECK(::write(writer, ids.data(), ids.size()) == static_cast<ssize_t>(ids.size()));
    ::close(writer);

    ProcessResult result = child.wait();
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 0);
    CHECK(result.err == notice);  // said once
    std::vector<std::string> listed;
    for (const auto& line : lines_of(result.out)) {
        auto backup = nlohmann::json::parse(line);
        listed.push_back(backup.at("ClusterId").get<std::string>() + "/" +
                         backup.at("BackupId").get<std::string>());
    }
    std::vector<std::string> expected;
    for (const char* cluster : {"c1", "c2"}) {
        for (const auto& id : ids_of(expected_backups(cluster, 3))) {
            expected.push_back(std::string(cluster) + "/" + id);
        }
    }
    CHECK(listed == expected);
}

TEST_CASE("Ctrl-C while --ids-from waits for a writer ends the run at once",
          "[e2e][inputs][fifo][ids-from]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    std::string fifo = make_fifo(cli.home(), "ids.fifo");
    for (const char* command : {"list", "check"}) {
        INFO(command);
        std::vector<std::string> args = {command, "--ids-from", fifo};
        if (std::string(command) == "check") {
            args.insert(args.end(), {"--max-age", "1d"});
        }
        ChildProcess child(cli_spec(cli, args));
        REQUIRE(eventually(
            [&] { return child.err_so_far().find("waiting for a writer") != std::string::npos; }));
        auto sent = Clock::now();
        child.send_signal(SIGINT);
        ProcessResult result = child.wait();
        INFO(result.describe());
        CHECK_FALSE(result.timed_out);
        CHECK(result.signal == SIGINT);  // the default action: nothing was being cancelled yet
        CHECK(Clock::now() - sent < 5s);
        CHECK(result.out.empty());
    }
    CHECK(requests(emulator) == 0);
}

TEST_CASE("option --ids-from <(a slow writer) or /dev/stdin: no notice, the ids are read",
          "[e2e][inputs][fifo][ids-from]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    Clock::duration took{};
    // The writer is connected from the start and only slow: there is no writer to wait for.
    auto slow = run_bounded(
        shell_spec(cli, "/bin/bash", "exec \"$0\" list --ids-from <(sleep 1.5; echo c1) -o json"),
        took);
    INFO(slow.describe());
    CHECK(slow.exit_code == 0);
    CHECK(slow.err.empty());
    CHECK(BackupObject::parse(slow.out) == BackupObject(expected_backups("c1", 2)));

    auto dev_stdin = cli.run({"list", "--ids-from", "/dev/stdin", "-o", "json"}, "c1\n");
    INFO(dev_stdin.describe());
    CHECK(dev_stdin.exit_code == 0);
    CHECK(dev_stdin.err.empty());
    CHECK(BackupObject::parse(dev_stdin.out) == BackupObject(expected_backups("c1", 2)));
}

// ---- A password in the endpoint URL appears in no output. ----

TEST_CASE("a password in the endpoint URL is shown by no message, whatever its source",
          "[e2e][inputs][secrets]") {
    EmulatorProcess emulator(emulator_args(1));
    const std::string secret = "Pw0rdS3cr3t";
    // Well-formed, and broken in ways each checked before the credentials used to be (more
    // shapes in the unit tests of parse_endpoint).
    const std::vector<std::string> endpoints = {
        "https://alice:" + secret + "@api.example.com",
        "https://alice:" + secret + "@api.example.com:99999",
        "ftp://alice:" + secret + "@api.example.com",
        "alice:" + secret + "@api.example.com",
        "https://alice:x/" + secret + "@api.example.com",
    };
    for (const auto& endpoint : endpoints) {
        INFO(endpoint);
        Cli cli(emulator);
        std::vector<std::pair<std::string, ProcessResult>> runs;
        runs.emplace_back("--endpoint", cli.run({"list", "--id", "c1", "--endpoint", endpoint}));
        runs.emplace_back("check --endpoint", cli.run({"check", "--id", "c1", "--max-age", "1d",
                                                       "--endpoint", endpoint, "-vv"}));
        cli.env()["SIGCALCLOUD_ENDPOINT"] = endpoint;
        runs.emplace_back("SIGCALCLOUD_ENDPOINT", cli.run({"list", "--id", "c1", "-vv"}));
        cli.env().erase("SIGCALCLOUD_ENDPOINT");
        std::string config =
            cli.home().write_file("config.toml", "[default]\nendpoint = \"" + endpoint + "\"\n");
        runs.emplace_back("profile", cli.run({"list", "--id", "c1", "--config", config}));
        runs.emplace_back("configure",
                          cli.run({"configure", "--profile", "p", "--region", "r", "--public-key",
                                   "k", "--endpoint", endpoint, "--private-key-stdin"},
                                  "private\n"));
        for (const auto& [source, result] : runs) {
            INFO(source << ": " << result.describe());
            CHECK((result.exit_code == 2 || result.exit_code == 6));
            CHECK(result.err.find("invalid endpoint '") != std::string::npos);
            CHECK(result.out.find(secret) == std::string::npos);
            CHECK(result.err.find(secret) == std::string::npos);
            CHECK(result.err.find("***@") != std::string::npos);
        }
        CHECK(runs[0].second.exit_code == 2);
        CHECK(runs[2].second.exit_code == 6);
        CHECK(runs[3].second.exit_code == 6);
        CHECK(runs[4].second.exit_code == 2);
    }
    CHECK(requests(emulator) == 0);
}

// ---- A '+' in a proxy password is a '+'. ----

namespace {

// Answers every CONNECT with 407 and keeps the request heads, so the test sees the credentials
// the CLI sent. (tinyproxy cannot hold such a password: its BasicAuth takes [-.A-Za-z0-9_].)
class RefusingProxy {
  public:
    RefusingProxy() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 8) == 0);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        server_ = std::thread([this] { serve(); });
    }
    RefusingProxy(const RefusingProxy&) = delete;
    RefusingProxy& operator=(const RefusingProxy&) = delete;
    ~RefusingProxy() {
        ::shutdown(listener_, SHUT_RDWR);  // ends the accept() that waits for no one
        server_.join();
        ::close(listener_);
    }

    int port() const { return port_; }
    std::vector<std::string> heads() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return heads_;
    }

  private:
    void serve() {
        while (true) {
            int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) {
                return;
            }
            std::string head;
            char buffer[512];
            while (head.find("\r\n\r\n") == std::string::npos) {
                ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
                if (got <= 0) {
                    break;
                }
                head.append(buffer, static_cast<std::size_t>(got));
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                heads_.push_back(head);
            }
            const std::string answer =
                "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n"
                "Connection: close\r\n\r\n";
            ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
            ::close(client);
        }
    }

    int listener_ = -1;
    int port_ = 0;
    std::thread server_;
    mutable std::mutex mutex_;
    std::vector<std::string> heads_;
};

}  // namespace

TEST_CASE("a '+' in a proxy password is sent as '+', as curl sends it", "[e2e][inputs][proxy]") {
    struct Case {
        const char* userinfo;
        const char* basic;  // base64 of the decoded "user:password", computed outside the tool
    };
    const Case cases[] = {
        {"proxyuser:pa+ss", "cHJveHl1c2VyOnBhK3Nz"},    // proxyuser:pa+ss
        {"proxyuser:pa%2Bss", "cHJveHl1c2VyOnBhK3Nz"},  // proxyuser:pa+ss
        {"proxyuser:pa%20ss", "cHJveHl1c2VyOnBhIHNz"},  // proxyuser:pa ss
    };
    for (const Case& c : cases) {
        INFO(c.userinfo);
        RefusingProxy proxy;
        Cli cli("https://127.0.0.1:1");  // the proxy refuses before anything goes there
        cli.env()["HTTPS_PROXY"] =
            std::string("http://") + c.userinfo + "@127.0.0.1:" + std::to_string(proxy.port());
        auto result = cli.run({"list", "--id", "c1", "--timeout", "20"});
        INFO(result.describe());
        CHECK(result.exit_code == 4);
        CHECK(result.err.find("pa+ss") == std::string::npos);
        CHECK(result.err.find("pa ss") == std::string::npos);
        auto heads = proxy.heads();
        REQUIRE_FALSE(heads.empty());
        for (const auto& head : heads) {
            CHECK(head.find(std::string("\r\nProxy-Authorization: Basic ") + c.basic + "\r\n") !=
                  std::string::npos);
        }
    }
}

// ---- A config file on standard input: the permission warning tells the truth. ----

TEST_CASE("option --config /dev/stdin from a file others can read: the warning names the file",
          "[e2e][inputs][config]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    cli.env().erase("SIGCALCLOUD_PUBLIC_KEY");
    cli.env().erase("SIGCALCLOUD_PRIVATE_KEY");
    std::string config =
        cli.home().write_file("shared.toml",
                              std::string("[default]\npublic_key = \"") + kPublicKey +
                                  "\"\nprivate_key = \"" + kPrivateKey + "\"\n",
                              0644);
    const std::string file = real_path(config);
    auto result = testing::run_process(shell_spec(
        cli, "/bin/sh", "exec \"$0\" --config /dev/stdin list --id c1 -o json < \"$1\"", {config}));
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 1)));
    CHECK(result.err ==
          "tidb-backups: warning: the config file on standard input (" + file +
              ") holds a private key and is accessible by group or others (mode 0644); run: "
              "chmod 600 " +
              file + "\n");
    CHECK(result.err.find("/dev/stdin") == std::string::npos);
    CHECK(result.err.find(kPrivateKey) == std::string::npos);

    // The same through a pipe: nobody else can read a pipe's contents, so no warning.
    auto piped = cli.run({"--config", "/dev/stdin", "list", "--id", "c1", "-o", "json"},
                         cli.home().read_file("shared.toml"));
    INFO(piped.describe());
    CHECK(piped.exit_code == 0);
    CHECK(piped.err.empty());
}
