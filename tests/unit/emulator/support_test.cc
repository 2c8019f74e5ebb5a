// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <openssl/x509_vfy.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "support/eventually.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tls_cert.h"

using namespace tidb_backups::testing;
using namespace std::chrono_literals;

namespace {

ProcessResult run_sh(const std::string& script, std::string stdin_data = {},
                     std::chrono::milliseconds timeout = 20s) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.stdin_data = std::move(stdin_data);
    spec.timeout = timeout;
    return run_process(spec);
}

ProcessSpec sh_spec(const std::string& script, std::chrono::milliseconds timeout = 20s) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.timeout = timeout;
    return spec;
}

}  // namespace

TEST_CASE("TempDir writes files with exact modes and removes everything", "[support]") {
    std::string path;
    {
        TempDir dir;
        path = dir.path();
        REQUIRE(std::filesystem::is_directory(path));
        std::string file = dir.write_file("config/tidb-backups/config.toml", "a = 1\n", 0640);
        CHECK(file == path + "/config/tidb-backups/config.toml");
        CHECK(dir.read_file("config/tidb-backups/config.toml") == "a = 1\n");
        struct stat info {};
        REQUIRE(::stat(file.c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0640);
        CHECK_THROWS_AS(dir.file("../escape"), std::invalid_argument);
        CHECK_THROWS_AS(dir.file("/etc/passwd"), std::invalid_argument);
        CHECK_THROWS_AS(dir.read_file("missing"), std::system_error);
    }
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("run_process separates stdout, stderr and the exit code", "[support]") {
    ProcessResult result = run_sh("echo out; echo err >&2; exit 3");
    INFO(result.describe());
    CHECK(result.exit_code == 3);
    CHECK(result.signal == 0);
    CHECK_FALSE(result.timed_out);
    CHECK(result.out == "out\n");
    CHECK(result.err == "err\n");
}

TEST_CASE("run_process reports the signal that killed the child", "[support]") {
    ProcessResult result = run_sh("kill -TERM $$");
    CHECK(result.exit_code == -1);
    CHECK(result.signal == SIGTERM);
}

TEST_CASE("run_process gives the child exactly the environment asked for", "[support]") {
    ProcessSpec spec;
    spec.argv = {"env"};  // found through the child's PATH
    spec.env = {{"PATH", "/usr/bin:/bin"}, {"ONLY", "this"}};
    ProcessResult result = run_process(spec);
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(result.out == "ONLY=this\nPATH=/usr/bin:/bin\n");
}

TEST_CASE("run_process throws when the program cannot be started", "[support]") {
    ProcessSpec spec;
    spec.argv = {"/nonexistent/tidb-backups"};
    CHECK_THROWS_AS(run_process(spec), std::system_error);
    spec.argv = {"no-such-program-anywhere"};
    CHECK_THROWS_AS(run_process(spec), std::system_error);
}

TEST_CASE("run_process kills a child that outlives its timeout, with its children", "[support]") {
    auto start = std::chrono::steady_clock::now();
    // Not `exec sleep`: the shell waits on a child of its own, which must die too or it would
    // hold the pipes open.
    ProcessResult result = run_sh("echo started; sleep 30; echo never", {}, 1s);
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(result.timed_out);
    CHECK(result.signal == SIGKILL);
    CHECK(result.out == "started\n");
    CHECK(elapsed < 10s);
}

TEST_CASE("run_process streams large stdin and outputs without deadlock", "[support]") {
    const std::string input(3 * 1024 * 1024, 'i');
    // cat echoes stdin while 5 MB go to stderr: every pipe fills up at once.
    ProcessResult result = run_sh("head -c 5242880 /dev/zero >&2 & cat; wait", input);
    CHECK(result.exit_code == 0);
    CHECK(result.out == input);
    CHECK(result.err.size() == 5242880);
}

TEST_CASE("run_process copes with a child that closes stdin unread", "[support]") {
    // Without care the write after the child closed its end would SIGPIPE the test binary.
    ProcessResult result = run_sh("exec 0<&-; echo done", std::string(1024 * 1024, 'x'));
    CHECK(result.exit_code == 0);
    CHECK(result.out == "done\n");
}

TEST_CASE("run_process can keep stdin open for the child's lifetime", "[support]") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "read line; echo \"got $line\"; cat"};
    spec.stdin_data = "first\n";
    spec.close_stdin = false;
    spec.timeout = 1s;
    ProcessResult result = run_process(spec);
    CHECK(result.timed_out);  // cat never saw end of file
    CHECK(result.out == "got first\n");
}

TEST_CASE("ChildProcess delivers a signal to a running child", "[support]") {
    ChildProcess child(
        sh_spec("trap 'echo \"got TERM\"; exit 7' TERM; echo ready; while :; do sleep 0.05; done"));
    CHECK(child.pid() > 0);
    REQUIRE(eventually([&] { return child.out_so_far() == "ready\n"; }));
    child.send_signal(SIGTERM);
    ProcessResult result = child.wait();
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 7);
    CHECK(result.out == "ready\ngot TERM\n");
    CHECK(child.wait().exit_code == 7);  // the same result again
    child.send_signal(SIGKILL);          // reaped already: nothing is sent
}

TEST_CASE("ChildProcess drains large outputs before wait is called", "[support]") {
    // Both pipes would fill long before "done" unless something reads them meanwhile.
    ChildProcess child(
        sh_spec("head -c 3145728 /dev/zero; head -c 3145728 /dev/zero >&2; echo done >&2"));
    REQUIRE(eventually([&] { return child.err_so_far().ends_with("done\n"); }));
    ProcessResult result = child.wait();
    CHECK(result.exit_code == 0);
    CHECK(result.out.size() == 3145728);
    CHECK(result.err.size() == 3145728 + 5);
}

TEST_CASE("ChildProcess kills a child at its timeout, and one it abandons", "[support]") {
    auto start = std::chrono::steady_clock::now();
    // Long enough for the shell to print under a loaded machine, far below the sleep.
    ChildProcess timed(sh_spec("echo started; sleep 30", 2s));
    ProcessResult result = timed.wait();
    CHECK(result.timed_out);
    CHECK(result.signal == SIGKILL);
    CHECK(result.out == "started\n");
    { ChildProcess abandoned(sh_spec("sleep 30")); }
    CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("run_in_pty gives each chosen stream a raw terminal of its own", "[support]") {
    ProcessSpec spec = sh_spec(
        "[ -t 1 ] && o=tty || o=pipe; [ -t 2 ] && e=tty || e=pipe; "
        "printf 'out:%s\\n' $o; printf 'err:%s\\n' $e >&2");
    struct Case {
        bool out_tty;
        bool err_tty;
        const char* out;
        const char* err;
    };
    for (const Case& c : {Case{false, false, "out:pipe\n", "err:pipe\n"},
                          Case{true, false, "out:tty\n", "err:pipe\n"},
                          Case{false, true, "out:pipe\n", "err:tty\n"},
                          Case{true, true, "out:tty\n", "err:tty\n"}}) {
        ProcessResult result = run_in_pty(spec, c.out_tty, c.err_tty);
        INFO(result.describe());
        CHECK(result.exit_code == 0);
        // Raw mode: "\n" is not turned into "\r\n" on the way through the terminal.
        CHECK(result.out == c.out);
        CHECK(result.err == c.err);
    }
    ProcessResult size = run_in_pty(sh_spec("stty size <&2"), false, true);
    INFO(size.describe());
    CHECK(size.exit_code == 0);
    CHECK(size.out == "24 80\n");
}

TEST_CASE("base_env is minimal and points HOME into the temporary directory", "[support]") {
    TempDir home;
    Environment env = base_env(home);
    CHECK(env.at("HOME") == home.path());
    CHECK(env.at("XDG_CONFIG_HOME") == home.path() + "/config");
    CHECK(env.at("PATH") == "/usr/bin:/bin");
    CHECK(env.at("LANG") == "C.UTF-8");
    CHECK(env.at("TZ") == "UTC");
    for (const auto& [name, value] : env) {
        CHECK((name == "PATH" || name == "HOME" || name == "XDG_CONFIG_HOME" || name == "LANG" ||
               name == "TZ" || name.ends_with("SAN_OPTIONS")));
    }
}

TEST_CASE("EmulatorProcess reads the port and stops the process", "[support]") {
    TempDir dir;
    std::string fake = dir.write_file(
        "fake-emulator", "#!/bin/sh\necho \"args: $*\" >&2\necho 4242\nexec sleep 30\n", 0700);
    EmulatorProcess emulator({"--cert", "c.pem"}, {}, fake);
    CHECK(emulator.port() == 4242);
    CHECK(emulator.url() == "https://127.0.0.1:4242");
    CHECK(emulator.running());
    ProcessResult ended = emulator.stop();
    CHECK_FALSE(ended.timed_out);
    CHECK(ended.signal == SIGTERM);
    CHECK(ended.err == "args: --port 0 --cert c.pem\n");
    CHECK_FALSE(emulator.running());

    EmulatorProcess on_ipv6({"--host=::1"}, {}, fake);
    CHECK(on_ipv6.url() == "http://[::1]:4242");
}

TEST_CASE("EmulatorProcess reports an emulator that fails to start", "[support]") {
    TempDir dir;
    std::string exits = dir.write_file("exits", "#!/bin/sh\necho 'bad flag' >&2\nexit 2\n", 0700);
    CHECK_THROWS_WITH(EmulatorProcess({}, {}, exits),
                      Catch::Contains("exited with code 2") && Catch::Contains("bad flag"));
    std::string garbage = dir.write_file("garbage", "#!/bin/sh\necho listening\nsleep 30\n", 0700);
    CHECK_THROWS_WITH(EmulatorProcess({}, {}, garbage), Catch::Contains("\"listening\""));
}

TEST_CASE("subprocesses leave no descriptors or children behind", "[support]") {
    auto open_descriptors = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                             std::filesystem::directory_iterator());
    };
    auto before = open_descriptors();
    CHECK(run_sh("echo hi").exit_code == 0);
    CHECK(run_sh("sleep 30", {}, 100ms).timed_out);
    CHECK_THROWS_AS(run_process(ProcessSpec{{"/nonexistent"}, {}, {}, true, 1s}),
                    std::system_error);
    CHECK(run_in_pty(ProcessSpec{{"/bin/true"}, {}, {}, true, 10s}, true, true).exit_code == 0);
    {
        ChildProcess abandoned(ProcessSpec{{"/bin/sleep", "30"}, {}, {}, true, 10s});
        ChildProcess waited(ProcessSpec{{"/bin/sleep", "30"}, {}, {}, true, 10s});
        waited.send_signal(SIGINT);
        CHECK(waited.wait().signal == SIGINT);
    }
    {
        TempDir dir;
        std::string fake = dir.write_file("fake", "#!/bin/sh\necho 1\nsleep 30\n", 0700);
        EmulatorProcess emulator({}, {}, fake);
    }
    CHECK(open_descriptors() == before);
    errno = 0;
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
}

TEST_CASE("a certificate issued by a test CA verifies for its names only", "[support][tls]") {
    PemPair ca = make_ca("tidb-backups test CA");
    PemPair leaf = issue_certificate(ca, {"localhost", "api.test"}, {"127.0.0.1", "::1"});
    CHECK(leaf.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    CHECK(subject_alt_names(leaf.cert_pem) ==
          std::vector<std::string>{"DNS:localhost", "DNS:api.test", "IP:127.0.0.1", "IP:::1"});
    CHECK(verify_certificate(leaf.cert_pem, ca.cert_pem) == X509_V_OK);
    CHECK(verify_certificate(leaf.cert_pem, ca.cert_pem, "localhost") == X509_V_OK);
    CHECK(verify_certificate(leaf.cert_pem, ca.cert_pem, "127.0.0.1") == X509_V_OK);
    CHECK(verify_certificate(leaf.cert_pem, ca.cert_pem, "other.test") ==
          X509_V_ERR_HOSTNAME_MISMATCH);
    CHECK(verify_certificate(leaf.cert_pem, ca.cert_pem, "127.0.0.2") ==
          X509_V_ERR_IP_ADDRESS_MISMATCH);
    PemPair other_ca = make_ca("another CA");
    CHECK(verify_certificate(leaf.cert_pem, other_ca.cert_pem) ==
          X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_CASE("an expired certificate fails verification as expired", "[support][tls]") {
    PemPair ca = make_ca("tidb-backups test CA");
    PemPair expired = issue_certificate(ca, {"localhost"}, {}, -48h, -24h);
    CHECK(verify_certificate(expired.cert_pem, ca.cert_pem, "localhost") ==
          X509_V_ERR_CERT_HAS_EXPIRED);
    PemPair future = issue_certificate(ca, {"localhost"}, {}, 24h, 48h);
    CHECK(verify_certificate(future.cert_pem, ca.cert_pem) == X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST_CASE("a self-signed certificate is trusted only as its own anchor", "[support][tls]") {
    PemPair self = make_self_signed({"localhost"}, {"127.0.0.1"});
    CHECK(subject_alt_names(self.cert_pem) ==
          std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"});
    CHECK(verify_certificate(self.cert_pem, self.cert_pem, "127.0.0.1") == X509_V_OK);
    PemPair ca = make_ca("tidb-backups test CA");
    CHECK(verify_certificate(self.cert_pem, ca.cert_pem) == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

TEST_CASE("certificates without names or with a bad address", "[support][tls]") {
    PemPair ca = make_ca("tidb-backups test CA");
    PemPair nameless = issue_certificate(ca, {}, {});
    CHECK(subject_alt_names(nameless.cert_pem).empty());
    CHECK_THROWS_AS(issue_certificate(ca, {}, {"not-an-ip"}), std::invalid_argument);
}
