// Installing and packaging: `cmake --install` into a temporary prefix puts every file where
// Debian expects it and the installed programs run; the shells find the installed completion
// scripts on their own; `cpack -G DEB` makes a package with its dependencies and files.
#include <filesystem>

#include <catch2/catch.hpp>

#include "cli_help.h"
#include "completion_shells.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

const std::vector<std::string> kFormats = {"csv", "json", "ndjson", "table", "tsv"};

// Where each installed file goes, from a prefix other than /usr (/usr/local, say).
const std::vector<std::string> kInstalledFiles = {
    "bin/tidb-backups",
    "bin/tidb-backups-emulator",
    "share/man/man1/tidb-backups.1",
    "share/man/man1/tidb-backups-emulator.1",
    "share/bash-completion/completions/tidb-backups",
    "share/zsh/site-functions/_tidb-backups",
    "share/fish/vendor_completions.d/tidb-backups.fish",
    "share/doc/tidb-backups/README.md",
};

testing::ProcessResult run(std::vector<std::string> argv, testing::Environment env,
                           std::chrono::seconds timeout = std::chrono::seconds(60)) {
    testing::ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.env = std::move(env);
    spec.timeout = timeout;
    return testing::run_process(spec);
}

// The build tree installed into a fresh temporary prefix.
struct Installation {
    testing::TempDir home;
    testing::TempDir prefix;
    testing::ProcessResult result;

    Installation() {
        result = run(
            {TIDB_BACKUPS_CMAKE, "--install", TIDB_BACKUPS_BUILD_DIR, "--prefix", prefix.path()},
            testing::base_env(home));
    }
    std::string path(const std::string& relative) const { return prefix.file(relative); }
};

std::string read_or_empty(const std::string& path) {
    try {
        return read_text(path);
    } catch (const std::runtime_error&) {
        return "";
    }
}

}  // namespace

TEST_CASE(
    "cmake --install puts the programs, the man page and the completions where Debian "
    "expects them",
    "[e2e][install]") {
    Installation installed;
    INFO(installed.result.describe());
    REQUIRE(installed.result.exit_code == 0);
    for (const auto& file : kInstalledFiles) {
        INFO(file << " is not installed");
        CHECK(std::filesystem::is_regular_file(installed.path(file)));
    }
    for (const auto& [shell, file] : committed_completion_files()) {
        INFO(shell);
        CHECK(read_or_empty(source_path("completions/" + file)) == generated_script(shell));
    }
    CHECK(read_or_empty(installed.path("share/bash-completion/completions/tidb-backups")) ==
          generated_script("bash"));
    CHECK(read_or_empty(installed.path("share/zsh/site-functions/_tidb-backups")) ==
          generated_script("zsh"));
    CHECK(read_or_empty(installed.path("share/fish/vendor_completions.d/tidb-backups.fish")) ==
          generated_script("fish"));
    CHECK(read_or_empty(installed.path("share/man/man1/tidb-backups.1")) ==
          read_text(source_path("docs/tidb-backups.1")));

    // The installed programs run, and say the version the build says.
    testing::Environment env = testing::base_env(installed.home);
    auto version = run({installed.path("bin/tidb-backups"), "--version"}, env);
    INFO(version.describe());
    CHECK(version.exit_code == 0);
    CHECK(version.out == cli_output({"--version"}));
    CHECK(version.out.rfind("tidb-backups ", 0) == 0);
    auto emulator = run({installed.path("bin/tidb-backups-emulator"), "--help"}, env);
    INFO(emulator.describe());
    CHECK(emulator.exit_code == 0);

    // man finds and renders the installed page, without a warning from groff.
    const std::string man = find_program("man");
    const std::string groff = find_program("groff");
    if (man.empty() || groff.empty()) {
        TIDB_SKIP("man or groff is not installed (apt-get install man-db groff-base)");
    }
    auto warnings =
        run({groff, "-man", "-ww", "-z", installed.path("share/man/man1/tidb-backups.1")}, env);
    CHECK(warnings.exit_code == 0);
    CHECK(warnings.err.empty());
    env["MANPATH"] = installed.path("share/man");
    env["MANPAGER"] = "cat";
    env["MANWIDTH"] = "80";
    auto page = run({man, "tidb-backups"}, env);
    INFO(page.describe());
    CHECK(page.exit_code == 0);
    CHECK(page.out.find("tidb-backups - list and check the backups") != std::string::npos);
    CHECK(page.out.find("EXIT STATUS") != std::string::npos);
}

TEST_CASE("bash-completion, zsh and fish find the installed completion scripts by themselves",
          "[e2e][install][completion]") {
    Installation installed;
    INFO(installed.result.describe());
    REQUIRE(installed.result.exit_code == 0);
    ShellRun session;
    session.env["PATH"] = installed.path("bin") + ":/usr/bin:/bin";
    session.env["XDG_DATA_DIRS"] = installed.path("share");

    const std::string loader = "/usr/share/bash-completion/bash_completion";
    if (!have_shell("bash") || !std::filesystem::exists(loader)) {
        testing::mark_skipped(
            "bash or bash-completion is not installed (apt-get install bash-completion)");
    } else {
        // bash-completion loads completions/tidb-backups from $XDG_DATA_DIRS on first use.
        std::string setup = "source " + loader + " && __load_completion tidb-backups";
        CHECK(sorted(bash_complete(session, {"tidb-backups", "list", "-o", ""}, setup)) ==
              kFormats);
    }
    if (!have_shell("zsh")) {
        testing::mark_skipped("zsh is not installed (apt-get install zsh)");
    } else {
        // compinit autoloads _tidb-backups from $fpath, as from
        // /usr/local/share/zsh/site-functions.
        CHECK(zsh_complete(session, ZshLoad::Fpath, installed.path("share/zsh/site-functions"),
                           "tidb-backups list -o ") == kFormats);
    }
    if (!have_shell("fish")) {
        testing::mark_skipped("fish is not installed (apt-get install fish)");
    } else {
        // fish looks in $XDG_DATA_DIRS/fish/vendor_completions.d.
        CHECK(sorted(fish_complete(session, "", "tidb-backups list -o ")) == kFormats);
    }
}

TEST_CASE("cpack -G DEB makes a package with its dependencies, metadata and files",
          "[e2e][install]") {
    const std::string dpkg_deb = find_program("dpkg-deb");
    if (dpkg_deb.empty()) {
        TIDB_SKIP("dpkg-deb is not installed, so no .deb can be built (apt-get install dpkg-dev)");
    }
    testing::TempDir home;
    testing::TempDir out;
    testing::Environment env = testing::base_env(home);
    auto packed =
        run({TIDB_BACKUPS_CPACK, "-G", "DEB", "--config",
             std::string(TIDB_BACKUPS_BUILD_DIR) + "/CPackConfig.cmake", "-B", out.path()},
            env, std::chrono::seconds(100));
    INFO(packed.describe());
    REQUIRE(packed.exit_code == 0);
    std::string deb;
    for (const auto& entry : std::filesystem::directory_iterator(out.path())) {
        if (entry.path().extension() == ".deb") {
            deb = entry.path().string();
        }
    }
    REQUIRE(!deb.empty());
    CHECK(std::filesystem::path(deb).filename().string().rfind("tidb-backups_", 0) == 0);

    auto info = run({dpkg_deb, "-I", deb}, env);
    INFO(info.describe());
    REQUIRE(info.exit_code == 0);
    for (const auto& field :
         {"Package: tidb-backups", "Section: utils", "Maintainer: ",
          "Homepage: https://github.com/tidb-backups/tidb-backups", "Description: ", "Depends: "}) {
        INFO(field);
        CHECK(info.out.find(field) != std::string::npos);
    }
    // The shared libraries the programs link to, as dpkg-shlibdeps names their packages.
    std::string depends = info.out.substr(info.out.find("Depends: "));
    depends = depends.substr(0, depends.find('\n'));
    for (const auto& package : {"libc6", "libstdc++6", "libssl3", "libfmt9"}) {
        INFO(depends << " lacks " << package);
        CHECK(depends.find(package) != std::string::npos);
    }
    // Neither program speaks HTTP through cpp-httplib any more (only the tests do).
    CHECK(depends.find("libcpp-httplib") == std::string::npos);

    auto contents = run({dpkg_deb, "-c", deb}, env);
    INFO(contents.describe());
    REQUIRE(contents.exit_code == 0);
    for (std::string file : kInstalledFiles) {
        // Under /usr the zsh completion goes where Debian's zsh looks for packages' ones.
        if (file == "share/zsh/site-functions/_tidb-backups") {
            file = "share/zsh/vendor-completions/_tidb-backups";
        }
        INFO("the package lacks /usr/" << file);
        CHECK(contents.out.find("./usr/" + file + "\n") != std::string::npos);
    }
}
