// SPDX-License-Identifier: Apache-2.0
// configure: merging what was given into a profile, what a new profile lacks, the atomic writer,
// and the command run on in-memory streams (with and without a "terminal").
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <map>
#include <sstream>

#include "cli/config_writer.h"
#include "cli/configure_command.h"
#include "support/temp_dir.h"

using namespace tidb_backups;
using tidb_backups::testing::TempDir;

namespace {

const std::string kSecret = "s3cret-7f1e2d3c4b5a69788796a5b4c3d2e1f0";

const char* kTwoProfiles = R"(# a comment that configure does not keep
[default]
region = "cn-zj"
public_key = "default-public"
private_key = "default-private"
colour = "blue"

[prod]
region = "cn-bj2"
public_key = "prod-public"
private_key = "prod-private"
endpoint = "https://api.example.com"
project_id = "org-1"
)";

mode_t mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

std::vector<std::string> entries_of(const std::string& directory) {
    std::vector<std::string> names;
    DIR* dir = ::opendir(directory.c_str());
    REQUIRE(dir != nullptr);
    while (dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") {
            names.push_back(name);
        }
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

ConfigFile loaded(const std::string& path) {
    auto file = load_config_file(path);
    REQUIRE(file);
    REQUIRE(file->has_value());
    return **file;
}

std::string value_of(const ConfigFile& config, std::string_view profile, std::string_view key) {
    const ConfigProfile* found = config.find_profile(profile);
    if (found == nullptr) {
        return "<no profile>";
    }
    const std::string* value = found->find(key);
    return value == nullptr ? "<unset>" : *value;
}

ConfigFile two_profiles() {
    auto parsed = parse_config(kTwoProfiles, "config.toml");
    REQUIRE(parsed);
    return *parsed;
}

// configure run on strings: stdin from `input`, stdout and stderr collected, a fake environment.
struct Run {
    int code = -1;
    std::string out;
    std::string err;
    int secret_reads = 0;  // lines read through the no-echo reader
};

struct Setup {
    ConfigureOptions options;
    GlobalOptions global;
    std::map<std::string, std::string> env;
    bool terminal = false;

    Run run(const std::string& input) const {
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        auto env_copy = env;
        CommandContext context{
            in, out, err, [env_copy](const char* name) {
                auto it = env_copy.find(name);
                return it == env_copy.end() ? std::nullopt : std::optional<std::string>(it->second);
            }};
        context.in_is_terminal = terminal;
        Run result;
        result.code =
            run_configure(options, global, context,
                          [&result](std::istream& stream, std::ostream& prompt_to,
                                    std::string_view prompt) -> std::optional<std::string> {
                              ++result.secret_reads;
                              prompt_to << prompt;
                              std::string line;
                              if (!std::getline(stream, line)) {
                                  return std::nullopt;
                              }
                              return line;
                          });
        result.out = out.str();
        result.err = err.str();
        return result;
    }
};

// A new profile given entirely by flags and stdin, written to `path`.
Setup scripted(const std::string& path) {
    Setup setup;
    setup.global.config_path = path;
    setup.global.region = "cn-zj";
    setup.options.public_key = "my-public";
    setup.options.private_key_stdin = true;
    return setup;
}

}  // namespace

TEST_CASE("apply_profile_changes sets what is given and keeps the rest", "[configure]") {
    ConfigFile config = two_profiles();
    ConfigProfile& prod = config.profile("prod");
    ProfileChanges changes;
    changes.region = "cn-sh2";
    changes.private_key = Secret("new-private");
    apply_profile_changes(prod, changes);
    CHECK(value_of(config, "prod", "region") == "cn-sh2");
    CHECK(value_of(config, "prod", "private_key") == "new-private");
    CHECK(value_of(config, "prod", "public_key") == "prod-public");
    CHECK(value_of(config, "prod", "endpoint") == "https://api.example.com");
    CHECK(value_of(config, "prod", "project_id") == "org-1");
    CHECK(value_of(config, "default", "region") == "cn-zj");

    SECTION("an empty endpoint or project id removes the key") {
        ProfileChanges removal;
        removal.endpoint = "";
        removal.project_id = "";
        apply_profile_changes(prod, removal);
        CHECK(value_of(config, "prod", "endpoint") == "<unset>");
        CHECK(value_of(config, "prod", "project_id") == "<unset>");
        CHECK(value_of(config, "prod", "region") == "cn-sh2");
    }
    SECTION("unknown keys are kept") {
        apply_profile_changes(config.profile("default"), changes);
        CHECK(value_of(config, "default", "colour") == "blue");
    }
}

TEST_CASE("a new profile needs region, public key and private key, an existing one nothing",
          "[configure]") {
    ProfileChanges none;
    CHECK(missing_settings(nullptr, none) ==
          std::vector<std::string>{"region", "public key", "private key"});
    ProfileChanges some;
    some.region = "cn-zj";
    some.private_key = Secret("k");
    CHECK(missing_settings(nullptr, some) == std::vector<std::string>{"public key"});
    some.public_key = "p";
    CHECK(missing_settings(nullptr, some).empty());
    ConfigFile config = two_profiles();
    CHECK(missing_settings(config.find_profile("prod"), none).empty());
}

TEST_CASE("save_config_file creates missing directories 0700 and the file 0600", "[configure]") {
    TempDir dir;
    std::string path = dir.file("a/b/tidb-backups/config.toml");
    mode_t old_umask = ::umask(0);  // a permissive umask must not leak into the modes
    Status saved = save_config_file(path, two_profiles());
    ::umask(old_umask);
    REQUIRE(saved);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(dir.file("a")) == 0700);
    CHECK(mode_of(dir.file("a/b/tidb-backups")) == 0700);
    ConfigFile back = loaded(path);
    CHECK(value_of(back, "prod", "project_id") == "org-1");
    CHECK(value_of(back, "default", "colour") == "blue");
    CHECK(entries_of(dir.file("a/b/tidb-backups")) == std::vector<std::string>{"config.toml"});
}

TEST_CASE("save_config_file replaces a file readable by others with a 0600 one", "[configure]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", "[old]\nregion = \"x\"\n", 0644);
    REQUIRE(save_config_file(path, two_profiles()));
    CHECK(mode_of(path) == 0600);
    CHECK(loaded(path).find_profile("old") == nullptr);
    CHECK(entries_of(dir.path()) == std::vector<std::string>{"config.toml"});
}

TEST_CASE("save_config_file also works for a bare file name in the working directory",
          "[configure]") {
    TempDir dir;
    char* previous = ::getcwd(nullptr, 0);
    REQUIRE(previous != nullptr);
    REQUIRE(::chdir(dir.path().c_str()) == 0);
    Status saved = save_config_file("config.toml", two_profiles());
    REQUIRE(::chdir(previous) == 0);
    ::free(previous);
    REQUIRE(saved);
    CHECK(mode_of(dir.file("config.toml")) == 0600);
}

TEST_CASE("save_config_file refuses to write through a symbolic link", "[configure]") {
    TempDir dir;
    std::string real = dir.write_file("real.toml", "[keep]\nregion = \"x\"\n");
    std::string link = dir.file("config.toml");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    Status saved = save_config_file(link, two_profiles());
    REQUIRE_FALSE(saved);
    CHECK(saved.error().kind == ErrorKind::Config);
    CHECK(saved.error().message.find(link) != std::string::npos);
    CHECK(saved.error().message.find("symbolic link") != std::string::npos);
    CHECK(dir.read_file("real.toml") == "[keep]\nregion = \"x\"\n");

    SECTION("a dangling link too") {
        std::string dangling = dir.file("dangling.toml");
        REQUIRE(::symlink(dir.file("nowhere.toml").c_str(), dangling.c_str()) == 0);
        CHECK_FALSE(save_config_file(dangling, two_profiles()));
        CHECK_FALSE(exists(dir.file("nowhere.toml")));
    }
}

TEST_CASE("save_config_file: a directory in the way is an error naming the path", "[configure]") {
    TempDir dir;
    REQUIRE(::mkdir(dir.file("config.toml").c_str(), 0700) == 0);
    Status saved = save_config_file(dir.file("config.toml"), two_profiles());
    REQUIRE_FALSE(saved);
    CHECK(saved.error().kind == ErrorKind::Config);
    CHECK(saved.error().message.find(dir.file("config.toml")) != std::string::npos);
}

TEST_CASE("save_config_file: a path under a regular file fails with the reason, leaving nothing",
          "[configure]") {
    TempDir dir;
    dir.write_file("file", "not a directory");
    std::string path = dir.file("file/sub/config.toml");
    Status saved = save_config_file(path, two_profiles());
    REQUIRE_FALSE(saved);
    CHECK(saved.error().kind == ErrorKind::Config);
    CHECK(saved.error().message.find(path) != std::string::npos);
    CHECK(saved.error().message.find("Not a directory") != std::string::npos);
    CHECK(entries_of(dir.path()) == std::vector<std::string>{"file"});
}

TEST_CASE("save_config_file: a failed write removes the temporary file and keeps the old one",
          "[configure]") {
    TempDir dir;
    std::string old_text = "[old]\nregion = \"x\"\n";
    std::string path = dir.write_file("config.toml", old_text);
    ConfigFile big = two_profiles();
    big.profile("big").values["filler"] = std::string(64 * 1024, 'x');
    // A child process with a file size limit: write(2) fails with EFBIG after the temporary file
    // exists. The child reports through its exit code: 0 the save failed as expected.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{4096, 4096};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        Status saved = save_config_file(path, big);
        bool named = !saved && saved.error().message.find(path) != std::string::npos &&
                     saved.error().message.find("too large") != std::string::npos;
        ::_exit(saved ? 1 : named ? 0 : 2);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(entries_of(dir.path()) == std::vector<std::string>{"config.toml"});
    CHECK(dir.read_file("config.toml") == old_text);
}

TEST_CASE("configure from flags and stdin creates the profile and reports on stderr",
          "[configure]") {
    TempDir dir;
    std::string path = dir.file("config/tidb-backups/config.toml");
    Setup setup = scripted(path);
    setup.global.project_id = "org-9";
    Run run = setup.run(kSecret + "\nsecond line is ignored\n");
    INFO(run.err);
    REQUIRE(run.code == 0);
    CHECK(run.out.empty());
    CHECK(run.err == "tidb-backups: saved profile 'default' to " + path + "\n");
    CHECK(run.secret_reads == 1);
    ConfigFile file = loaded(path);
    CHECK(value_of(file, "default", "region") == "cn-zj");
    CHECK(value_of(file, "default", "public_key") == "my-public");
    CHECK(value_of(file, "default", "private_key") == kSecret);
    CHECK(value_of(file, "default", "project_id") == "org-9");
    CHECK(value_of(file, "default", "endpoint") == "<unset>");
    CHECK(mode_of(path) == 0600);
}

TEST_CASE("configure finds the file and profile as every command does", "[configure]") {
    TempDir dir;
    Setup setup = scripted("");
    setup.global.config_path.reset();
    setup.env = {{"HOME", dir.path()}, {"XDG_CONFIG_HOME", dir.file("xdg")}};

    SECTION("XDG_CONFIG_HOME and the default profile") {
        REQUIRE(setup.run(kSecret + "\n").code == 0);
        CHECK(value_of(loaded(dir.file("xdg/tidb-backups/config.toml")), "default", "region") ==
              "cn-zj");
    }
    SECTION("TIDB_BACKUPS_CONFIG and SIGCALCLOUD_PROFILE") {
        setup.env["TIDB_BACKUPS_CONFIG"] = dir.file("env.toml");
        setup.env["SIGCALCLOUD_PROFILE"] = "staging";
        REQUIRE(setup.run(kSecret + "\n").code == 0);
        CHECK(value_of(loaded(dir.file("env.toml")), "staging", "region") == "cn-zj");
    }
    SECTION("flags beat the environment") {
        setup.env["TIDB_BACKUPS_CONFIG"] = dir.file("env.toml");
        setup.env["SIGCALCLOUD_PROFILE"] = "staging";
        setup.global.config_path = dir.file("flag.toml");
        setup.global.profile = "prod";
        REQUIRE(setup.run(kSecret + "\n").code == 0);
        CHECK(value_of(loaded(dir.file("flag.toml")), "prod", "region") == "cn-zj");
        CHECK_FALSE(exists(dir.file("env.toml")));
    }
    SECTION("no HOME and no XDG_CONFIG_HOME: exit 6") {
        setup.env.clear();
        Run run = setup.run(kSecret + "\n");
        CHECK(run.code == 6);
        CHECK(run.err.find("no config file could be located") != std::string::npos);
    }
}

TEST_CASE("configure updates one profile and keeps the others and unknown keys", "[configure]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", kTwoProfiles);
    Setup setup;
    setup.global.config_path = path;
    setup.global.profile = "prod";
    setup.global.region = "cn-sh2";
    setup.global.endpoint = "";  // removes it
    Run run = setup.run("");
    INFO(run.err);
    REQUIRE(run.code == 0);
    CHECK(run.secret_reads == 0);
    ConfigFile file = loaded(path);
    CHECK(value_of(file, "prod", "region") == "cn-sh2");
    CHECK(value_of(file, "prod", "endpoint") == "<unset>");
    CHECK(value_of(file, "prod", "private_key") == "prod-private");
    CHECK(value_of(file, "prod", "project_id") == "org-1");
    CHECK(value_of(file, "default", "private_key") == "default-private");
    CHECK(value_of(file, "default", "colour") == "blue");
    CHECK(file.profiles.size() == 2);
    CHECK(mode_of(path) == 0600);
}

TEST_CASE("configure with nothing to change does not rewrite the file", "[configure]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", kTwoProfiles);
    Setup setup;
    setup.global.config_path = path;
    setup.global.region = "cn-zj";  // what it already is
    Run run = setup.run("");
    REQUIRE(run.code == 0);
    CHECK(run.err.find("is unchanged") != std::string::npos);
    CHECK(dir.read_file("config.toml") == kTwoProfiles);  // the comment is still there
}

TEST_CASE("configure without input names what a new profile lacks: exit 2, nothing written",
          "[configure]") {
    TempDir dir;
    std::string path = dir.file("config.toml");
    Setup setup;
    setup.global.config_path = path;
    setup.global.profile = "prod";

    SECTION("everything missing, stdin not a terminal") {
        Run run = setup.run("");
        CHECK(run.code == 2);
        CHECK(run.err.find("configure: no region, public key or private key given for new "
                           "profile 'prod' (use --region, --public-key, --private-key-stdin)") !=
              std::string::npos);
        CHECK(run.err.find("stdin is not a terminal") != std::string::npos);
    }
    SECTION("--no-input at a terminal asks nothing") {
        setup.terminal = true;
        setup.options.no_input = true;
        setup.global.region = "cn-zj";
        setup.options.private_key_stdin = true;
        Run run = setup.run(kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("configure --no-input: no public key given for new profile 'prod' "
                           "(use --public-key)") != std::string::npos);
        CHECK(run.err.find("Region") == std::string::npos);
        CHECK(run.err.find(kSecret) == std::string::npos);
    }
    SECTION("--private-key-stdin with nothing on stdin") {
        setup = scripted(path);
        Run run = setup.run("");
        CHECK(run.code == 2);
        CHECK(run.err.find("--private-key-stdin: stdin is empty") != std::string::npos);
    }
    SECTION("--private-key-stdin with an empty first line") {
        setup = scripted(path);
        Run run = setup.run("\n" + kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("private key is empty") != std::string::npos);
    }
    CHECK_FALSE(exists(path));
}

TEST_CASE("configure rejects bad flag values with exit 2 before touching the file", "[configure]") {
    TempDir dir;
    std::string path = dir.file("config.toml");
    Setup setup = scripted(path);
    SECTION("endpoint") {
        setup.global.endpoint = "ftp://example.com";
        Run run = setup.run(kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("invalid value for --endpoint") != std::string::npos);
    }
    SECTION("empty region") {
        setup.global.region = " ";
        Run run = setup.run(kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("invalid value for --region: the region is empty") != std::string::npos);
    }
    SECTION("control characters") {
        setup.options.public_key = "pub\x1b[2J";
        Run run = setup.run(kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("--public-key: the public key contains a control character") !=
              std::string::npos);
    }
    SECTION("a private key with a control character is rejected without showing it") {
        Run run = setup.run("abc\x07" + kSecret + "\n");
        CHECK(run.code == 2);
        CHECK(run.err.find(kSecret) == std::string::npos);
    }
    CHECK_FALSE(exists(path));
}

TEST_CASE("configure refuses a symlinked or unreadable config file with exit 6, asking nothing",
          "[configure]") {
    TempDir dir;
    std::string real = dir.write_file("real.toml", kTwoProfiles);
    Setup setup;
    setup.terminal = true;
    SECTION("symbolic link") {
        setup.global.config_path = dir.file("link.toml");
        REQUIRE(::symlink(real.c_str(), setup.global.config_path->c_str()) == 0);
        Run run = setup.run("cn-zj\n");
        CHECK(run.code == 6);
        CHECK(run.err.find("symbolic link") != std::string::npos);
        CHECK(run.err.find("Region") == std::string::npos);
    }
    SECTION("a file that does not parse is not overwritten") {
        setup.global.config_path = dir.write_file("broken.toml", "[default\n");
        Run run = setup.run("cn-zj\n");
        CHECK(run.code == 6);
        CHECK(dir.read_file("broken.toml") == "[default\n");
    }
    CHECK(dir.read_file("real.toml") == kTwoProfiles);
}

TEST_CASE(
    "configure at a terminal asks for each setting, the private key through the no-echo reader",
    "[configure]") {
    TempDir dir;
    std::string path = dir.file("config.toml");
    Setup setup;
    setup.terminal = true;
    setup.global.config_path = path;
    Run run = setup.run("cn-zj\nmy-public\n" + kSecret + "\n\n\n");
    INFO(run.err);
    REQUIRE(run.code == 0);
    CHECK(run.out.empty());
    CHECK(run.secret_reads == 1);
    CHECK(run.err.find("Region: ") != std::string::npos);
    CHECK(run.err.find("Public key: ") != std::string::npos);
    CHECK(run.err.find("Private key: ") != std::string::npos);
    CHECK(run.err.find("Endpoint [https://api.sigcalcloud.com]: ") != std::string::npos);
    CHECK(run.err.find("Project id [none]: ") != std::string::npos);
    CHECK(run.err.find(kSecret) == std::string::npos);
    ConfigFile file = loaded(path);
    CHECK(value_of(file, "default", "private_key") == kSecret);
    CHECK(value_of(file, "default", "endpoint") == "<unset>");
    CHECK(value_of(file, "default", "project_id") == "<unset>");
}

TEST_CASE("configure at a terminal shows current values and Enter keeps them", "[configure]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", kTwoProfiles);
    Setup setup;
    setup.terminal = true;
    setup.global.config_path = path;
    setup.global.profile = "prod";

    SECTION("all kept") {
        Run run = setup.run("\n\n\n\n\n");
        INFO(run.err);
        REQUIRE(run.code == 0);
        CHECK(run.err.find("Region [cn-bj2]: ") != std::string::npos);
        CHECK(run.err.find("Public key [prod-public]: ") != std::string::npos);
        CHECK(run.err.find("Private key [keep existing]: ") != std::string::npos);
        CHECK(run.err.find("Endpoint [https://api.example.com]: ") != std::string::npos);
        CHECK(run.err.find("Project id [org-1]: ") != std::string::npos);
        CHECK(run.err.find("prod-private") == std::string::npos);
        CHECK(run.err.find("is unchanged") != std::string::npos);
    }
    SECTION("flags are not asked again; answers replace") {
        setup.global.region = "cn-sh2";
        Run run = setup.run("new-public\n\n\norg-2\n");
        INFO(run.err);
        REQUIRE(run.code == 0);
        CHECK(run.err.find("Region") == std::string::npos);
        ConfigFile file = loaded(path);
        CHECK(value_of(file, "prod", "region") == "cn-sh2");
        CHECK(value_of(file, "prod", "public_key") == "new-public");
        CHECK(value_of(file, "prod", "private_key") == "prod-private");
        CHECK(value_of(file, "prod", "project_id") == "org-2");
        CHECK(value_of(file, "default", "private_key") == "default-private");
    }
}

TEST_CASE("configure at a terminal asks again after a bad answer, three times at most",
          "[configure]") {
    TempDir dir;
    std::string path = dir.file("config.toml");
    Setup setup;
    setup.terminal = true;
    setup.global.config_path = path;

    SECTION("an empty region, then a good one") {
        Run run = setup.run("\ncn-zj\npub\n" + kSecret + "\nhttp://127.0.0.1:9\n\n");
        INFO(run.err);
        REQUIRE(run.code == 0);
        CHECK(run.err.find("the region is empty") != std::string::npos);
        CHECK(value_of(loaded(path), "default", "endpoint") == "http://127.0.0.1:9");
    }
    SECTION("three bad endpoints") {
        Run run = setup.run("cn-zj\npub\n" + kSecret + "\nftp://a\nftp://b\nftp://c\n");
        CHECK(run.code == 2);
        CHECK_FALSE(exists(path));
    }
    SECTION("input ending at a prompt saves nothing") {
        Run run = setup.run("cn-zj\npub\n");
        CHECK(run.code == 2);
        CHECK(run.err.find("input ended at the private key prompt; nothing was saved") !=
              std::string::npos);
        CHECK_FALSE(exists(path));
    }
}

TEST_CASE("configure warns about a plain http endpoint that commands will refuse", "[configure]") {
    TempDir dir;
    Setup setup = scripted(dir.file("config.toml"));
    setup.global.endpoint = "http://api.example.com";
    Run run = setup.run(kSecret + "\n");
    CHECK(run.code == 0);
    CHECK(run.err.find("warning: plain http to 'api.example.com'") != std::string::npos);
    setup.global.endpoint = "http://127.0.0.1:8080";
    setup.global.profile = "local";
    run = setup.run(kSecret + "\n");
    CHECK(run.code == 0);
    CHECK(run.err.find("warning") == std::string::npos);
}

TEST_CASE("option -q silences the saved line but not errors", "[configure]") {
    TempDir dir;
    Setup setup = scripted(dir.file("config.toml"));
    setup.global.quiet = true;
    Run run = setup.run(kSecret + "\n");
    CHECK(run.code == 0);
    CHECK(run.err.empty());
}

TEST_CASE("configure never shows a password written into a profile's endpoint", "[configure]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml",
                                      "[prod]\nregion = \"cn-bj2\"\npublic_key = \"p\"\n"
                                      "private_key = \"k\"\n"
                                      "endpoint = \"https://alice:Pw0rdS3cr3t@api.example.com\"\n");
    Setup setup;
    setup.terminal = true;
    setup.global.config_path = path;
    setup.global.profile = "prod";
    Run run = setup.run("\n\n\n\n\n");
    INFO(run.err);
    CHECK(run.code == 0);
    CHECK(run.err.find("Endpoint [https://***@api.example.com]: ") != std::string::npos);
    CHECK(run.err.find("Pw0rdS3cr3t") == std::string::npos);

    // Typed as the answer, it is refused without being repeated.
    run = setup.run("\n\n\nhttps://bob:An0therS3cr3t@api.example.com\n\n\n\n\n");
    CHECK(run.err.find("invalid endpoint 'https://***@api.example.com'") != std::string::npos);
    CHECK(run.err.find("An0therS3cr3t") == std::string::npos);
}

TEST_CASE("the config lock is exclusive, waits a bounded time, and leaves only its file",
          "[configure][lock]") {
    TempDir dir;
    std::string path = dir.file("new/dir/config.toml");
    auto first = lock_config_file(path, std::chrono::milliseconds(0));
    REQUIRE(first);
    CHECK(config_lock_path(path) == dir.file("new/dir/.config.toml.lock"));
    CHECK(mode_of(dir.file("new/dir")) == 0700);
    CHECK(mode_of(config_lock_path(path)) == 0600);

    auto started = std::chrono::steady_clock::now();
    auto second = lock_config_file(path, std::chrono::milliseconds(300));
    auto waited = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(second);
    CHECK(waited >= std::chrono::milliseconds(300));
    CHECK(second.error().kind == ErrorKind::Config);
    CHECK(second.error().message ==
          "cannot write config file " + path + ": another process has held its lock file " +
              config_lock_path(path) + " for more than 0.3 s; nothing was saved");

    { ConfigLock released = std::move(*first); }  // dropped here
    auto third = lock_config_file(path, std::chrono::milliseconds(0));
    CHECK(third);
    CHECK(entries_of(dir.file("new/dir")) == std::vector<std::string>{".config.toml.lock"});
}

TEST_CASE("the config lock refuses a link planted in its place", "[configure][lock]") {
    TempDir dir;
    std::string target = dir.write_file("elsewhere", "");
    std::string path = dir.file("config.toml");
    REQUIRE(::symlink(target.c_str(), config_lock_path(path).c_str()) == 0);
    auto lock = lock_config_file(path, std::chrono::milliseconds(0));
    REQUIRE_FALSE(lock);
    CHECK(lock.error().kind == ErrorKind::Config);
    CHECK(lock.error().message.find("cannot open its lock file " + config_lock_path(path)) !=
          std::string::npos);
}

TEST_CASE("configure with nothing to change takes no lock and leaves no lock file",
          "[configure][lock]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", kTwoProfiles);
    Setup setup;
    setup.global.config_path = path;
    setup.global.region = "cn-zj";
    Run run = setup.run("");
    REQUIRE(run.code == 0);
    CHECK(entries_of(dir.path()) == std::vector<std::string>{"config.toml"});

    setup.global.region = "cn-sh2";
    run = setup.run("");
    REQUIRE(run.code == 0);
    CHECK(entries_of(dir.path()) == std::vector<std::string>{".config.toml.lock", "config.toml"});
}

TEST_CASE("configure writes what another run saved meanwhile back too", "[configure][lock]") {
    // The first read (for the prompts) and the write are apart; between them another configure
    // saved a profile. It is read again under the lock and kept.
    TempDir dir;
    std::string path = dir.write_file("config.toml", kTwoProfiles);
    Setup setup;
    setup.terminal = true;
    setup.global.config_path = path;
    setup.global.profile = "prod";
    setup.global.region = "cn-sh2";
    Run run;
    {
        // The other run, made from inside this run's no-echo reader: after the first read.
        std::istringstream in("new-public\n\n\n\n");  // public key; keep the rest
        std::ostringstream out;
        std::ostringstream err;
        CommandContext context{in, out, err,
                               [](const char*) { return std::optional<std::string>(); }};
        context.in_is_terminal = true;
        bool saved_meanwhile = false;
        run.code = run_configure(setup.options, setup.global, context,
                                 [&](std::istream& stream, std::ostream&,
                                     std::string_view) -> std::optional<std::string> {
                                     if (!saved_meanwhile) {
                                         saved_meanwhile = true;
                                         Setup meanwhile = scripted(path);
                                         meanwhile.global.profile = "staging";
                                         Run inner = meanwhile.run(kSecret + "\n");
                                         REQUIRE(inner.code == 0);
                                     }
                                     std::string line;
                                     if (!std::getline(stream, line)) {
                                         return std::nullopt;
                                     }
                                     return line;
                                 });
        run.err = err.str();
    }
    INFO(run.err);
    REQUIRE(run.code == 0);
    ConfigFile file = loaded(path);
    CHECK(value_of(file, "prod", "region") == "cn-sh2");
    CHECK(value_of(file, "prod", "public_key") == "new-public");
    CHECK(value_of(file, "staging", "private_key") == kSecret);
    CHECK(value_of(file, "default", "private_key") == "default-private");
}
