// SPDX-License-Identifier: Apache-2.0
// configure with the real binary: a profile written from flags and stdin that `list` then uses
// against the emulator, updates that keep the rest, scripted failures, a symlinked file, and a
// person answering the prompts on a real pseudo-terminal.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>

#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// The default config file under the hermetic HOME of testing::base_env.
std::string default_config(const TempDir& home) {
    return home.file("config/tidb-backups/config.toml");
}

mode_t mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

// The value of `key` in table [profile] of the file configure wrote, or "<unset>". (A reading of
// the writer's own layout, `key = "value"` lines, enough for the plain values used here; the
// e2e tests do not link the CLI library.)
std::string value_of(const std::string& path, std::string_view profile, std::string_view key) {
    std::ifstream file(path);
    REQUIRE(file);
    bool inside = false;
    for (std::string line; std::getline(file, line);) {
        if (!line.empty() && line.front() == '[') {
            inside = line == "[" + std::string(profile) + "]";
        } else if (std::string prefix = std::string(key) + " = \"";
                   inside && line.rfind(prefix, 0) == 0 && line.back() == '"') {
            return line.substr(prefix.size(), line.size() - prefix.size() - 1);
        }
    }
    return "<unset>";
}

// No SIGCALCLOUD_* variables: whatever `list` needs must come from the profile.
struct Home {
    TempDir dir;
    Environment env = testing::base_env(dir);

    ProcessResult run(const std::vector<std::string>& args, std::string stdin_data = {}) const {
        return testing::run_cli(args, env, std::move(stdin_data));
    }
};

void check_no_secret(const ProcessResult& result) {
    INFO(result.describe());
    CHECK(result.out.find(kPrivateKey) == std::string::npos);
    CHECK(result.err.find(kPrivateKey) == std::string::npos);
}

std::vector<std::string> listed_ids(const ProcessResult& result) {
    std::vector<std::string> ids;
    for (const auto& backup : nlohmann::json::parse(result.out)) {
        ids.push_back(backup.at("BackupId").get<std::string>());
    }
    return ids;
}

// The CLI on a pseudo-terminal that is its controlling terminal and its stdin, stdout and
// stderr, driven like a person: wait for a prompt, type an answer. The transcript is what the
// person would see, echo included.
class TerminalSession {
  public:
    TerminalSession(const std::vector<std::string>& args, const Environment& env) {
        // Everything the child needs is built before fork: after it, only exec.
        std::vector<std::string> strings = {TIDB_BACKUPS_BIN};
        strings.insert(strings.end(), args.begin(), args.end());
        std::vector<std::string> environment;
        for (const auto& [name, value] : env) {
            environment.push_back(name + "=" + value);
        }
        std::vector<char*> argv;
        for (auto& text : strings) {
            argv.push_back(text.data());
        }
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& text : environment) {
            envp.push_back(text.data());
        }
        envp.push_back(nullptr);
        pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
    }
    TerminalSession(const TerminalSession&) = delete;
    TerminalSession& operator=(const TerminalSession&) = delete;
    ~TerminalSession() {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(master_);
    }

    // Reads until the transcript, past what earlier calls matched, holds `text` (true), or the
    // child closes the terminal or 20 s pass (false).
    bool wait_for(std::string_view text) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (true) {
            if (auto at = transcript_.find(text, matched_); at != std::string::npos) {
                matched_ = at + text.size();
                return true;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) {
                return false;
            }
        }
    }

    void type(std::string_view text) {
        REQUIRE(::write(master_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    }

    // Waits for the child to exit, collecting the rest of the transcript; its wait status.
    int wait_exit() {
        while (read_some(20000)) {
        }
        int status = 0;
        REQUIRE(::waitpid(pid_, &status, 0) == pid_);
        status_ = status;
        return status;
    }

    // Whether the terminal echoes now (the pty's settings, read through its master side).
    bool echoing() const {
        termios settings{};
        REQUIRE(::tcgetattr(master_, &settings) == 0);
        return (settings.c_lflag & ECHO) != 0;
    }

    const std::string& transcript() const { return transcript_; }

  private:
    // One read within timeout_ms; false at the end (EIO once the child closed its side).
    bool read_some(int timeout_ms) {
        pollfd ready{master_, POLLIN, 0};
        int polled = ::poll(&ready, 1, timeout_ms);
        if (polled < 0 && errno == EINTR) {
            return true;
        }
        if (polled <= 0) {
            return false;
        }
        char buffer[4096];
        ssize_t count = ::read(master_, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            return true;
        }
        if (count <= 0) {
            return false;
        }
        transcript_.append(buffer, static_cast<size_t>(count));
        return true;
    }

    pid_t pid_ = -1;
    int master_ = -1;
    std::optional<int> status_;
    std::string transcript_;
    std::size_t matched_ = 0;
};

}  // namespace

TEST_CASE("configure from flags and stdin writes a 0600 profile that list then uses",
          "[e2e][configure]") {
    EmulatorProcess emulator(emulator_args(3));
    Home home;
    std::string path = default_config(home.dir);
    auto configured = home.run({"configure", "--profile", "e2e", "--region", "cn-zj", "--endpoint",
                                emulator.url(), "--public-key", kPublicKey, "--private-key-stdin"},
                               std::string(kPrivateKey) + "\n");
    INFO(configured.describe());
    REQUIRE(configured.exit_code == 0);
    CHECK(configured.out.empty());
    CHECK(configured.err == "tidb-backups: saved profile 'e2e' to " + path + "\n");
    check_no_secret(configured);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(home.dir.file("config/tidb-backups")) == 0700);
    CHECK(value_of(path, "e2e", "private_key") == kPrivateKey);
    CHECK(value_of(path, "e2e", "endpoint") == emulator.url());

    auto listed = home.run({"list", "--profile", "e2e", "--id", "c1", "-o", "json"});
    INFO(listed.describe());
    REQUIRE(listed.exit_code == 0);
    CHECK(listed_ids(listed) == ids_of(expected_backups("c1", 3)));
    check_no_secret(listed);
    CHECK(listed.err.find("warning") == std::string::npos);  // 0600: no permission warning
}

TEST_CASE("configure updates one profile and keeps its other values and the other profiles",
          "[e2e][configure]") {
    EmulatorProcess emulator(emulator_args(2));
    Home home;
    std::string path = default_config(home.dir);
    for (const char* profile : {"default", "other"}) {
        auto created = home.run(
            {"configure", "--profile", profile, "--region", "cn-zj", "--endpoint", emulator.url(),
             "--public-key", kPublicKey, "--project-id", "org-1", "--private-key-stdin"},
            std::string(kPrivateKey) + "\n");
        INFO(created.describe());
        REQUIRE(created.exit_code == 0);
    }
    // Flags after the subcommand or before it, as for every command.
    auto updated = home.run({"--region", "cn-bj2", "configure", "--project-id", ""});
    INFO(updated.describe());
    REQUIRE(updated.exit_code == 0);
    check_no_secret(updated);
    CHECK(value_of(path, "default", "region") == "cn-bj2");
    CHECK(value_of(path, "default", "project_id") == "<unset>");
    CHECK(value_of(path, "default", "public_key") == kPublicKey);
    CHECK(value_of(path, "default", "private_key") == kPrivateKey);
    CHECK(value_of(path, "default", "endpoint") == emulator.url());
    CHECK(value_of(path, "other", "region") == "cn-zj");
    CHECK(value_of(path, "other", "project_id") == "org-1");
    CHECK(mode_of(path) == 0600);

    // A wrong private key through stdin replaces the right one, and list then fails the signature
    // check: proof that the key is taken from the profile and that updating it works.
    auto rekeyed = home.run({"configure", "--profile", "other", "--private-key-stdin"},
                            "wrong-private-value\n");
    REQUIRE(rekeyed.exit_code == 0);
    CHECK(rekeyed.err.find("wrong-private-value") == std::string::npos);
    auto rejected = home.run({"list", "--profile", "other", "--id", "c1", "--retries", "0"});
    CHECK(rejected.exit_code == 3);
    auto still_fine = home.run({"list", "--id", "c1", "-o", "json", "--region", "cn-zj"});
    INFO(still_fine.describe());
    CHECK(still_fine.exit_code == 0);
}

TEST_CASE("configure without a terminal and without what a new profile needs: exit 2",
          "[e2e][configure]") {
    Home home;
    std::string path = default_config(home.dir);
    SECTION("--no-input") {
        auto result =
            home.run({"configure", "--no-input", "--region", "cn-zj", "--private-key-stdin"},
                     std::string(kPrivateKey) + "\n");
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("configure --no-input: no public key given for new profile "
                              "'default' (use --public-key)") != std::string::npos);
        check_no_secret(result);
    }
    SECTION("stdin a pipe: nothing is asked, nothing hangs") {
        auto result = home.run({"configure", "--profile", "new"}, "cn-zj\npub\nsecret\n");
        INFO(result.describe());
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("no region, public key or private key given for new profile "
                              "'new'") != std::string::npos);
        CHECK(result.err.find("Region") == std::string::npos);
    }
    CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("configure refuses a symlinked config file with exit 6", "[e2e][configure]") {
    Home home;
    std::string real = home.dir.write_file("real.toml", "[default]\nregion = \"cn-zj\"\n");
    std::string link = home.dir.file("link.toml");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    auto result =
        home.run({"configure", "--config", link, "--public-key", kPublicKey, "--private-key-stdin"},
                 std::string(kPrivateKey) + "\n");
    INFO(result.describe());
    CHECK(result.exit_code == 6);
    CHECK(result.err.find(link) != std::string::npos);
    CHECK(result.err.find("symbolic link") != std::string::npos);
    check_no_secret(result);
    CHECK(home.dir.read_file("real.toml") == "[default]\nregion = \"cn-zj\"\n");
}

TEST_CASE("configure at a terminal asks, and the private key is not echoed", "[e2e][configure]") {
    EmulatorProcess emulator(emulator_args(2));
    Home home;
    std::string path = default_config(home.dir);
    TerminalSession person({"configure", "--profile", "tty"}, home.env);
    REQUIRE(person.wait_for("Region: "));
    person.type("cn-zj\n");
    REQUIRE(person.wait_for("Public key: "));
    person.type(std::string(kPublicKey) + "\n");
    REQUIRE(person.wait_for("Private key: "));
    CHECK_FALSE(person.echoing());
    person.type(std::string(kPrivateKey) + "\n");
    REQUIRE(person.wait_for("Endpoint [https://api.sigcalcloud.com]: "));
    CHECK(person.echoing());
    person.type(emulator.url() + "\n");
    REQUIRE(person.wait_for("Project id [none]: "));
    person.type("\n");
    int status = person.wait_exit();
    INFO(person.transcript());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(person.transcript().find("saved profile 'tty'") != std::string::npos);
    // The other answers were echoed by the terminal as usual; the key was not.
    CHECK(person.transcript().find("cn-zj\r\n") != std::string::npos);
    CHECK(person.transcript().find(kPrivateKey) == std::string::npos);
    CHECK(value_of(path, "tty", "private_key") == kPrivateKey);
    CHECK(mode_of(path) == 0600);

    auto listed = home.run({"list", "--profile", "tty", "--id", "c1", "-o", "json"});
    INFO(listed.describe());
    CHECK(listed.exit_code == 0);

    SECTION("an update shows current values and never the key") {
        TerminalSession again({"configure", "--profile", "tty", "--region", "cn-bj2"}, home.env);
        REQUIRE(again.wait_for("Public key [" + std::string(kPublicKey) + "]: "));
        again.type("\n");
        REQUIRE(again.wait_for("Private key [keep existing]: "));
        again.type("\n");
        REQUIRE(again.wait_for("Endpoint [" + emulator.url() + "]: "));
        again.type("\n");
        REQUIRE(again.wait_for("Project id [none]: "));
        again.type("\n");
        int again_status = again.wait_exit();
        INFO(again.transcript());
        CHECK(WIFEXITED(again_status));
        CHECK(again.transcript().find(kPrivateKey) == std::string::npos);
        CHECK(again.transcript().find("Region") == std::string::npos);
        CHECK(value_of(path, "tty", "region") == "cn-bj2");
        CHECK(value_of(path, "tty", "private_key") == kPrivateKey);
    }
}

TEST_CASE("Ctrl-C at the private key prompt puts the terminal's echo back", "[e2e][configure]") {
    Home home;
    TerminalSession person({"configure", "--region", "cn-zj", "--public-key", kPublicKey},
                           home.env);
    REQUIRE(person.wait_for("Private key: "));
    CHECK_FALSE(person.echoing());
    person.type("half-typed");
    person.type("\x03");  // the terminal's interrupt character: SIGINT to the foreground group
    int status = person.wait_exit();
    INFO(person.transcript());
    CHECK(WIFSIGNALED(status));
    CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT));
    CHECK(person.echoing());
    CHECK(person.transcript().find("half-typed") == std::string::npos);
    CHECK(::access(default_config(home.dir).c_str(), F_OK) != 0);
}
