// SPDX-License-Identifier: Apache-2.0
// Installing and packaging: `cmake --install` into a temporary prefix puts every file where
// Debian expects it and the installed programs run; the shells find the installed completion
// scripts on their own; `cpack -G DEB` makes a package with its dependencies and files that
// lintian accepts; the source tarball builds on its own.
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
    "share/man/man1/tidb-backups.1.gz",
    "share/man/man1/tidb-backups-emulator.1.gz",
    "share/bash-completion/completions/tidb-backups",
    "share/zsh/site-functions/_tidb-backups",
    "share/fish/vendor_completions.d/tidb-backups.fish",
    "share/doc/tidb-backups/README.md",
    "share/doc/tidb-backups/changelog.gz",
    "share/doc/tidb-backups/copyright",
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

// The version in project() of CMakeLists.txt, its one home.
std::string project_version() {
    const std::string text = read_text(source_path("CMakeLists.txt"));
    const std::string marker = "project(tidb-backups\n    VERSION ";
    const std::size_t at = text.find(marker);
    REQUIRE(at != std::string::npos);
    const std::size_t start = at + marker.size();
    return text.substr(start, text.find('\n', start) - start);
}

// What `gzip -dc` makes of a file: gzip itself, not our code, says what is in it.
std::string gunzipped(const std::string& path) {
    testing::TempDir home;
    auto result = run({"gzip", "-dc", path}, testing::base_env(home));
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    return result.out;
}

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
    // Man pages and the changelog compressed, their text unchanged.
    CHECK(gunzipped(installed.path("share/man/man1/tidb-backups.1.gz")) ==
          read_text(source_path("docs/tidb-backups.1")));
    CHECK(gunzipped(installed.path("share/man/man1/tidb-backups-emulator.1.gz")) ==
          read_text(source_path("docs/tidb-backups-emulator.1")));
    CHECK(gunzipped(installed.path("share/doc/tidb-backups/changelog.gz")) ==
          read_text(source_path("CHANGELOG.md")));
    CHECK(read_or_empty(installed.path("share/doc/tidb-backups/copyright")) ==
          read_text(source_path("packaging/copyright")));
    // The package's own changelog goes only into /usr.
    CHECK_FALSE(
        std::filesystem::exists(installed.path("share/doc/tidb-backups/changelog.Debian.gz")));

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
    for (const char* page : {"tidb-backups", "tidb-backups-emulator"}) {
        testing::TempDir unpacked;
        const std::string text = unpacked.write_file(
            std::string(page) + ".1",
            gunzipped(installed.path("share/man/man1/" + std::string(page) + ".1.gz")));
        auto warnings = run({groff, "-man", "-ww", "-z", text}, env);
        INFO(page << ": " << warnings.describe());
        CHECK(warnings.exit_code == 0);
        CHECK(warnings.err.empty());
    }
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

TEST_CASE("cpack -G DEB makes a package with its dependencies and files that lintian accepts",
          "[e2e][install][.packaging][deb]") {
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
         {"Package: tidb-backups", "Section: utils", "Priority: optional", "Maintainer: ",
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
    CHECK(contents.out.find("./usr/share/doc/tidb-backups/changelog.Debian.gz\n") !=
          std::string::npos);

    // The package's changelog names the package's version, as dpkg-deb reads it.
    auto version = run({dpkg_deb, "-f", deb, "Version"}, env);
    REQUIRE(version.exit_code == 0);
    testing::TempDir unpacked;
    auto extracted = run({dpkg_deb, "-x", deb, unpacked.path()}, env);
    REQUIRE(extracted.exit_code == 0);
    const std::string debian_changelog =
        gunzipped(unpacked.file("usr/share/doc/tidb-backups/changelog.Debian.gz"));
    CHECK(debian_changelog.rfind(
              "tidb-backups (" + version.out.substr(0, version.out.find('\n')) + ") ", 0) == 0);

    // lintian, Debian's own checker, finds no error and no warning.
    const std::string lintian = find_program("lintian");
    if (lintian.empty()) {
        TIDB_SKIP("lintian is not installed (apt-get install lintian)");
    }
    auto checked =
        run({lintian, "--fail-on", "error,warning", deb}, env, std::chrono::seconds(300));
    INFO(checked.describe());
    CHECK(checked.exit_code == 0);
    CHECK(checked.out.find("E: ") == std::string::npos);
    CHECK(checked.out.find("W: ") == std::string::npos);
}

TEST_CASE("the source tarball builds on its own and its programs say their version",
          "[e2e][install][.packaging][tarball]") {
    const std::string tar = find_program("tar");
    const std::string ninja = find_program("ninja");
    if (tar.empty() || ninja.empty()) {
        TIDB_SKIP("tar or ninja is not installed (apt-get install tar ninja-build)");
    }
    testing::TempDir home;
    testing::TempDir out;
    testing::Environment env = testing::base_env(home);
    auto packed =
        run({TIDB_BACKUPS_CPACK, "--config",
             std::string(TIDB_BACKUPS_BUILD_DIR) + "/CPackSourceConfig.cmake", "-B", out.path()},
            env, std::chrono::seconds(120));
    INFO(packed.describe());
    REQUIRE(packed.exit_code == 0);
    const std::string tarball = out.file("tidb-backups-" + project_version() + ".tar.gz");
    REQUIRE(std::filesystem::is_regular_file(tarball));

    auto listed = run({tar, "-tzf", tarball}, env);
    REQUIRE(listed.exit_code == 0);
    const std::string top = "tidb-backups-" + project_version() + "/";
    for (const char* file : {"CMakeLists.txt", "CMakePresets.json", "LICENSE", "CHANGELOG.md",
                             "README.md", "packaging/copyright", "src/cli/main.cc"}) {
        INFO(file);
        CHECK(listed.out.find(top + file + "\n") != std::string::npos);
    }
    // Nothing of git's, and no build tree.
    CHECK(listed.out.find("/.git/") == std::string::npos);
    CHECK(listed.out.find("/.git\n") == std::string::npos);
    CHECK(listed.out.find(top + "build/") == std::string::npos);

    // Unpacked away from any checkout, built as the README says (the programs only, without
    // the tests), but with no build type (no optimisation, no debug information): what this
    // proves is that the tree is complete, and it takes half the time of -O3. --version is the
    // bare version, as there is no git to describe.
    testing::TempDir unpacked;
    REQUIRE(run({tar, "-xzf", tarball, "-C", unpacked.path()}, env).exit_code == 0);
    const std::string tree = unpacked.file(top);
    auto configured = run(
        {TIDB_BACKUPS_CMAKE, "-S", tree, "--preset", "release", "-DTIDB_BACKUPS_BUILD_TESTS=OFF",
         "-DTIDB_BACKUPS_BUILD_BENCH=OFF", "-DCMAKE_BUILD_TYPE="},
        env, std::chrono::seconds(120));
    INFO(configured.describe());
    REQUIRE(configured.exit_code == 0);
    auto built = run({TIDB_BACKUPS_CMAKE, "--build", tree + "/build/release"}, env,
                     std::chrono::seconds(1500));
    INFO(built.describe());
    REQUIRE(built.exit_code == 0);
    for (const char* program : {"tidb-backups", "tidb-backups-emulator"}) {
        auto version = run({tree + "/build/release/src/" + program, "--version"}, env);
        INFO(version.describe());
        CHECK(version.exit_code == 0);
        CHECK(version.out == std::string(program) + " " + project_version() + "\n");
    }
}
