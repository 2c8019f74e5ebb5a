// SPDX-License-Identifier: Apache-2.0
// A new user's first session, typed into a real terminal: tmux runs a shell on a fresh $HOME,
// `tidb-backups configure` asks its questions, and `list` then shows a table from the emulator.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "e2e.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

// A tmux server of its own (its socket in a temporary directory), one session running sh.
class TmuxSession {
  public:
    TmuxSession(const TempDir& dir, Environment env) : env_(std::move(env)) {
        socket_ = dir.file("tmux.sock");
        auto started = tmux({"new-session", "-d", "-x", "160", "-y", "50", "sh"});
        started_ = started.exit_code == 0;
        INFO(started.describe());
        CHECK(started_);
    }
    ~TmuxSession() { tmux({"kill-server"}); }
    TmuxSession(const TmuxSession&) = delete;
    TmuxSession& operator=(const TmuxSession&) = delete;

    // Types `text` and Enter.
    void type_line(const std::string& text) { tmux({"send-keys", "-l", text + "\n"}); }

    std::string screen() { return tmux({"capture-pane", "-p", "-J", "-S", "-200"}).out; }

    bool shows(const std::string& text) {
        return eventually([&] { return screen().find(text) != std::string::npos; });
    }

  private:
    ProcessResult tmux(std::vector<std::string> args) {
        testing::ProcessSpec spec;
        spec.argv = {"tmux", "-S", socket_};
        spec.argv.insert(spec.argv.end(), args.begin(), args.end());
        spec.env = env_;
        spec.timeout = std::chrono::seconds(20);
        return testing::run_process(spec);
    }

    Environment env_;
    std::string socket_;
    bool started_ = false;
};

}  // namespace

TEST_CASE("configure then list, typed at a terminal on a fresh HOME", "[e2e][newcomer][tmux]") {
    testing::ProcessSpec which;
    which.argv = {"sh", "-c", "command -v tmux"};
    which.env = {{"PATH", "/usr/bin:/bin"}};
    if (testing::run_process(which).exit_code != 0) {
        TIDB_SKIP("tmux is not installed (apt-get install tmux)");
    }
    EmulatorProcess emulator(emulator_args(3));
    TempDir home;
    Environment env = testing::base_env(home);
    env["TERM"] = "xterm";
    env["COLUMNS"] = "160";
    env["NO_COLOR"] = "1";
    env["PS1"] = "$ ";
    TmuxSession terminal(home, env);

    terminal.type_line(std::string(TIDB_BACKUPS_BIN) + " list --id c1");
    REQUIRE(terminal.shows("hint: run 'tidb-backups configure'"));

    terminal.type_line(std::string(TIDB_BACKUPS_BIN) + " configure");
    REQUIRE(terminal.shows("Region: "));
    terminal.type_line("cn-zj");
    REQUIRE(terminal.shows("Public key: "));
    terminal.type_line(kPublicKey);
    REQUIRE(terminal.shows("Private key: "));
    terminal.type_line(kPrivateKey);
    REQUIRE(terminal.shows("Endpoint [https://api.sigcalcloud.com]: "));
    terminal.type_line(emulator.url());
    REQUIRE(terminal.shows("Project id [none]: "));
    terminal.type_line("");
    REQUIRE(terminal.shows("Next: tidb-backups list --id CLUSTER_ID"));
    const std::string configured = terminal.screen();
    INFO(configured);
    CHECK(configured.find("tidb-backups: saved profile 'default' to " +
                          home.file("config/tidb-backups/config.toml")) != std::string::npos);
    CHECK(configured.find("tidb-backups: the API at " + emulator.url()) != std::string::npos);
    CHECK(configured.find(" accepted the keys") != std::string::npos);
    CHECK(configured.find(kPrivateKey) == std::string::npos);

    terminal.type_line(std::string(TIDB_BACKUPS_BIN) + " list --id c1");
    const std::string first_id = backup_id(expected_backups("c1", 3)[0]);
    REQUIRE(terminal.shows(first_id));
    const std::string listed = terminal.screen();
    INFO(listed);
    CHECK(listed.find("BACKUP ID") != std::string::npos);
    CHECK(listed.find(backup_id(expected_backups("c1", 3)[2])) != std::string::npos);
}
