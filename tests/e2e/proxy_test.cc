// SPDX-License-Identifier: Apache-2.0
// HTTPS through a real CONNECT proxy (Debian's tinyproxy, started by the test): HTTPS_PROXY
// and --proxy are honoured, NO_PROXY bypasses, proxy credentials never reach any output.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e.h"
#include "support/tls_cert.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr const char* kTinyproxy = "/usr/bin/tinyproxy";

// A port nothing listens on right now (the kernel's choice for an ephemeral bind).
int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return ok;
}

// tinyproxy in the foreground on a free loopback port, allowing CONNECT to `target_port`.
class Tinyproxy {
  public:
    Tinyproxy(const TempDir& dir, int target_port, const std::string& credentials)
        : port_(free_port()) {
        if (!std::filesystem::exists(kTinyproxy)) {
            FAIL("tinyproxy is not installed (apt-get install tinyproxy)");
        }
        std::ostringstream config;
        config << "Port " << port_
               << "\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\n"
               << "LogLevel Connect\nLogFile \"" << dir.file("tinyproxy.log") << "\"\n"
               << "ConnectPort " << target_port << "\n";
        if (!credentials.empty()) {
            auto colon = credentials.find(':');
            config << "BasicAuth " << credentials.substr(0, colon) << " "
                   << credentials.substr(colon + 1) << "\n";
        }
        log_ = dir.file("tinyproxy.log");
        testing::ProcessSpec spec;
        spec.argv = {kTinyproxy, "-d", "-c", dir.write_file("tinyproxy.conf", config.str())};
        spec.env = {{"PATH", "/usr/bin:/bin"}};
        spec.timeout = std::chrono::seconds(120);
        child_ = std::make_unique<testing::ChildProcess>(spec);
        if (!eventually([this] { return accepts_connections(port_); }, std::chrono::seconds(10))) {
            throw std::runtime_error("tinyproxy did not start: " + child_->err_so_far());
        }
    }
    ~Tinyproxy() {
        child_->send_signal(SIGTERM);
        child_->wait();
    }

    int port() const { return port_; }
    std::string log() const {
        std::ifstream in(log_);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

  private:
    int port_;
    std::string log_;
    std::unique_ptr<testing::ChildProcess> child_;
};

struct TlsSetup {
    TempDir dir;
    testing::PemPair ca = testing::make_ca("proxy test CA");
    testing::PemPair leaf = testing::issue_certificate(ca, {"localhost"}, {"127.0.0.1"});
    std::string ca_file = dir.write_file("ca.pem", ca.cert_pem);
    EmulatorProcess emulator{emulator_args(35, {"--cert", dir.write_file("c.pem", leaf.cert_pem),
                                                "--key", dir.write_file("k.pem", leaf.key_pem)})};
};

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("HTTPS_PROXY carries HTTPS requests through a CONNECT proxy with credentials",
          "[e2e][proxy]") {
    TlsSetup tls;
    Tinyproxy proxy(tls.dir, tls.emulator.port(), "proxyuser:proxy-secret-pw");
    Cli cli(tls.emulator);
    cli.env()["HTTPS_PROXY"] =
        "http://proxyuser:proxy-secret-pw@127.0.0.1:" + std::to_string(proxy.port());
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--ca-bundle", tls.ca_file, "-vv"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 35)));
    CHECK(count(proxy.log(), "CONNECT") >= 1);
    CHECK(result.err.find("proxy-secret-pw") == std::string::npos);
    CHECK(result.out.find("proxy-secret-pw") == std::string::npos);
}

TEST_CASE("option --proxy wins over the environment and NO_PROXY bypasses it", "[e2e][proxy]") {
    TlsSetup tls;
    Tinyproxy proxy(tls.dir, tls.emulator.port(), "");
    Cli cli(tls.emulator);
    cli.env()["https_proxy"] = "http://127.0.0.1:1";  // nothing listens there
    auto by_flag = cli.run({"list", "--id", "c1", "-o", "json", "--ca-bundle", tls.ca_file,
                            "--proxy", "http://127.0.0.1:" + std::to_string(proxy.port())});
    INFO(by_flag.describe());
    REQUIRE(by_flag.exit_code == 0);
    std::size_t connects = count(proxy.log(), "CONNECT");
    CHECK(connects >= 1);

    cli.env()["HTTPS_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    cli.env()["NO_PROXY"] = "localhost,127.0.0.1";
    auto bypassed = cli.run({"list", "--id", "c1", "-o", "json", "--ca-bundle", tls.ca_file});
    INFO(bypassed.describe());
    REQUIRE(bypassed.exit_code == 0);
    CHECK(count(proxy.log(), "CONNECT") == connects);
}

TEST_CASE("a malformed proxy URL is a usage error naming its source, not its credentials",
          "[e2e][proxy]") {
    EmulatorProcess emulator(emulator_args(1));
    Cli cli(emulator);
    cli.env()["HTTPS_PROXY"] = "socks5://user:hidden-pass@127.0.0.1:1080";
    cli.env()["SIGCALCLOUD_ENDPOINT"] = "https://127.0.0.1:1";
    auto result = cli.run({"list", "--id", "c1"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("HTTPS_PROXY") != std::string::npos);
    CHECK(result.err.find("hidden-pass") == std::string::npos);
}

TEST_CASE("a proxy refusing the credentials ends the run at once with exit 4, no password",
          "[e2e][proxy]") {
    TlsSetup tls;
    Tinyproxy proxy(tls.dir, tls.emulator.port(), "proxyuser:right-pw");
    Cli cli(tls.emulator);
    auto started = std::chrono::steady_clock::now();
    auto result =
        cli.run({"list", "--id", "c1", "--ca-bundle", tls.ca_file, "--timeout", "20", "-vv",
                 "--proxy", "http://proxyuser:wrong-pw@127.0.0.1:" + std::to_string(proxy.port())});
    auto took = std::chrono::steady_clock::now() - started;
    INFO(result.describe());
    CHECK(result.exit_code == 4);
    CHECK(result.out.empty());
    // Refused credentials are not retried, so the run ends long before one --timeout.
    CHECK(took < std::chrono::seconds(20));
    CHECK(result.err.find("error: the proxy http://127.0.0.1:" + std::to_string(proxy.port()) +
                          " refused to connect to 127.0.0.1:" +
                          std::to_string(tls.emulator.port())) != std::string::npos);
    CHECK(result.err.find("check the user and password") != std::string::npos);
    CHECK(result.err.find("wrong-pw") == std::string::npos);
    CHECK(result.err.find("right-pw") == std::string::npos);
}

TEST_CASE("a proxy refusing the destination, or not running, is exit 4 with what it said",
          "[e2e][proxy]") {
    TlsSetup tls;
    Tinyproxy proxy(tls.dir, tls.emulator.port() == 1 ? 2 : 1, "");  // CONNECT only to port 1
    Cli cli(tls.emulator);
    cli.env()["HTTPS_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto forbidden = cli.run({"list", "--id", "c1", "--ca-bundle", tls.ca_file});
    INFO(forbidden.describe());
    CHECK(forbidden.exit_code == 4);
    CHECK(forbidden.out.empty());
    CHECK(forbidden.err.find(" refused to connect to 127.0.0.1:" +
                             std::to_string(tls.emulator.port()) + ": 403") != std::string::npos);

    cli.env()["HTTPS_PROXY"] = "http://127.0.0.1:" + std::to_string(free_port());
    auto absent = cli.run({"list", "--id", "c1", "--ca-bundle", tls.ca_file, "--retries", "0"});
    INFO(absent.describe());
    CHECK(absent.exit_code == 4);
    CHECK(absent.out.empty());
    CHECK(absent.err.find("could not connect to the proxy http://127.0.0.1:") != std::string::npos);
}

TEST_CASE("HTTP_PROXY carries plain-HTTP requests, HTTPS_PROXY is not used for them",
          "[e2e][proxy]") {
    TempDir dir;
    EmulatorProcess emulator(emulator_args(5));
    Tinyproxy proxy(dir, emulator.port(), "");
    Cli cli(emulator);
    cli.env()["HTTPS_PROXY"] = "http://127.0.0.1:1";  // nothing listens there
    cli.env()["HTTP_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto result = cli.run({"list", "--id", "c1", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(BackupObject::parse(result.out) == BackupObject(expected_backups("c1", 5)));
    CHECK(proxy.log().find("POST http://127.0.0.1:" + std::to_string(emulator.port()) + "/") !=
          std::string::npos);
}
