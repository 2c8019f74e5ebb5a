// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "cli/list_plan.h"
#include "cli/settings.h"
#include "support/temp_dir.h"

using namespace tidb_backups;
using tidb_backups::testing::TempDir;

namespace {

Getenv fake_env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

const char* kConfig = R"([default]
region = "profile-region"
public_key = "profile-public"
private_key = "profile-private"
project_id = "profile-project"
endpoint = "http://127.0.0.1:9000"

[prod]
region = "cn-bj2"
public_key = "prod-public"
private_key = "prod-private"
)";

}  // namespace

TEST_CASE("the profile supplies every setting when nothing else does", "[settings]") {
    TempDir dir;
    std::string path = dir.write_file("config.toml", kConfig);
    GlobalOptions flags;
    flags.config_path = path;
    auto settings = resolve_settings(flags, fake_env({}));
    REQUIRE(settings);
    CHECK(settings->region == "profile-region");
    CHECK(settings->public_key == "profile-public");
    CHECK(settings->private_key.reveal() == "profile-private");
    CHECK(settings->project_id == "profile-project");
    CHECK(settings->endpoint.url() == "http://127.0.0.1:9000/");
    CHECK(settings->profile == "default");
}

TEST_CASE("environment beats the profile and a flag beats the environment", "[settings]") {
    TempDir dir;
    GlobalOptions flags;
    flags.config_path = dir.write_file("config.toml", kConfig);
    auto env = fake_env({{"SIGCALCLOUD_REGION", "env-region"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "env-public"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "env-private"},
                         {"SIGCALCLOUD_PROJECT_ID", "env-project"},
                         {"SIGCALCLOUD_ENDPOINT", "http://127.0.0.1:9001"}});
    auto from_env = resolve_settings(flags, env);
    REQUIRE(from_env);
    CHECK(from_env->region == "env-region");
    CHECK(from_env->public_key == "env-public");
    CHECK(from_env->private_key.reveal() == "env-private");
    CHECK(from_env->project_id == "env-project");
    CHECK(from_env->endpoint.port == 9001);

    flags.region = "flag-region";
    flags.project_id = "flag-project";
    flags.endpoint = "http://127.0.0.1:9002";
    auto from_flags = resolve_settings(flags, env);
    REQUIRE(from_flags);
    CHECK(from_flags->region == "flag-region");
    CHECK(from_flags->project_id == "flag-project");
    CHECK(from_flags->endpoint.port == 9002);
}

TEST_CASE("defaults: the public endpoint, 30 s, 3 retries", "[settings]") {
    auto settings = resolve_settings(GlobalOptions{}, fake_env({{"SIGCALCLOUD_REGION", "cn-zj"},
                                                                {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                                                                {"SIGCALCLOUD_PRIVATE_KEY", "k"},
                                                                {"HOME", "/nonexistent-home"}}));
    REQUIRE(settings);
    CHECK(settings->endpoint.url() == "https://api.sigcalcloud.com/");
    CHECK(settings->timeout == std::chrono::milliseconds(30000));
    CHECK(settings->retries == 3);
    CHECK(settings->project_id.empty());
}

TEST_CASE("a named profile is chosen by flag or SIGCALCLOUD_PROFILE", "[settings]") {
    TempDir dir;
    GlobalOptions flags;
    flags.config_path = dir.write_file("config.toml", kConfig);
    auto by_env = resolve_settings(flags, fake_env({{"SIGCALCLOUD_PROFILE", "prod"}}));
    REQUIRE(by_env);
    CHECK(by_env->region == "cn-bj2");
    CHECK(by_env->endpoint.host == "api.sigcalcloud.com");
    flags.profile = "default";
    auto by_flag = resolve_settings(flags, fake_env({{"SIGCALCLOUD_PROFILE", "prod"}}));
    REQUIRE(by_flag);
    CHECK(by_flag->region == "profile-region");
}

TEST_CASE("an unknown profile is a configuration error naming the profiles", "[settings]") {
    TempDir dir;
    GlobalOptions flags;
    flags.config_path = dir.write_file("config.toml", kConfig);
    flags.profile = "staging";
    auto settings = resolve_settings(flags, fake_env({}));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::Config);
    CHECK(settings.error().message.find("staging") != std::string::npos);
    CHECK(settings.error().hint.find("default, prod") != std::string::npos);
}

TEST_CASE("a missing default config file is fine: a missing --config file is not", "[settings]") {
    TempDir dir;
    auto env = fake_env({{"XDG_CONFIG_HOME", dir.path()},
                         {"SIGCALCLOUD_REGION", "r"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"}});
    REQUIRE(resolve_settings(GlobalOptions{}, env));
    GlobalOptions flags;
    flags.config_path = dir.file("nope.toml");
    auto settings = resolve_settings(flags, env);
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::Config);
}

TEST_CASE("missing credentials are a configuration error naming what is missing", "[settings]") {
    auto env = fake_env(
        {{"SIGCALCLOUD_REGION", "r"}, {"SIGCALCLOUD_PUBLIC_KEY", "p"}, {"HOME", "/nonexistent"}});
    auto settings = resolve_settings(GlobalOptions{}, env);
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::Config);
    CHECK(settings.error().message.find("private key") != std::string::npos);
    CHECK(settings.error().message.find("public") == std::string::npos);
}

TEST_CASE("a missing region is a usage error", "[settings]") {
    auto settings = resolve_settings(GlobalOptions{}, fake_env({{"HOME", "/nonexistent"}}));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::Usage);
}

TEST_CASE("plain http is refused for a non-loopback host unless --insecure", "[settings]") {
    auto env = fake_env({{"SIGCALCLOUD_REGION", "r"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"},
                         {"HOME", "/nonexistent"}});
    GlobalOptions flags;
    flags.endpoint = "http://api.example.com";
    auto refused = resolve_settings(flags, env);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::Usage);
    flags.insecure = true;
    CHECK(resolve_settings(flags, env));
}

TEST_CASE("a bad endpoint is a usage error from a flag and a config error from elsewhere",
          "[settings]") {
    auto env = fake_env({{"SIGCALCLOUD_REGION", "r"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"},
                         {"HOME", "/nonexistent"},
                         {"SIGCALCLOUD_ENDPOINT", "ftp://x"}});
    auto from_env = resolve_settings(GlobalOptions{}, env);
    REQUIRE_FALSE(from_env);
    CHECK(from_env.error().kind == ErrorKind::Config);
    GlobalOptions flags;
    flags.endpoint = "nonsense";
    auto from_flag = resolve_settings(flags, env);
    REQUIRE_FALSE(from_flag);
    CHECK(from_flag.error().kind == ErrorKind::Usage);
}

TEST_CASE("option --timeout and --retries are checked", "[settings]") {
    auto env = fake_env({{"SIGCALCLOUD_REGION", "r"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"},
                         {"HOME", "/nonexistent"}});
    GlobalOptions flags;
    flags.timeout = "2.5";
    flags.retries = "0";
    auto settings = resolve_settings(flags, env);
    REQUIRE(settings);
    CHECK(settings->timeout == std::chrono::milliseconds(2500));
    CHECK(settings->retries == 0);
    for (const char* bad : {"0", "-1", "abc", "nan", ""}) {
        flags.timeout = bad;
        auto result = resolve_settings(flags, env);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == ErrorKind::Usage);
    }
    flags.timeout.reset();
    flags.retries = "11";
    CHECK_FALSE(resolve_settings(flags, env));
}

TEST_CASE("a world-readable config holding a private key gives a warning without the key",
          "[settings]") {
    TempDir dir;
    GlobalOptions flags;
    flags.config_path = dir.write_file("config.toml", kConfig, 0644);
    auto settings = resolve_settings(flags, fake_env({}));
    REQUIRE(settings);
    REQUIRE(settings->warnings.size() == 1);
    CHECK(settings->warnings[0].find("chmod 600") != std::string::npos);
    CHECK(settings->warnings[0].find("profile-private") == std::string::npos);
}

TEST_CASE("list plan: paging flags, formats and ids are validated", "[settings][list]") {
    auto no_stdin = [] { return std::string(); };
    ListOptions options;
    options.ids = {"MlaMfzgZ"};
    options.limit = "7";
    options.offset = "7";
    auto plan = resolve_list_plan(options, no_stdin);
    REQUIRE(plan);
    CHECK(plan->limit == 7);
    CHECK(plan->offset == 7);
    CHECK(plan->page_size == 30);
    CHECK_FALSE(plan->render.cluster_column);

    struct Case {
        const char* what;
        std::function<void(ListOptions&)> change;
    };
    std::vector<Case> bad = {
        {"--limit -1", [](ListOptions& o) { o.limit = "-1"; }},
        {"--limit abc", [](ListOptions& o) { o.limit = "abc"; }},
        {"--limit 0", [](ListOptions& o) { o.limit = "0"; }},
        {"--offset -3", [](ListOptions& o) { o.offset = "-3"; }},
        {"--page-size 31", [](ListOptions& o) { o.page_size = "31"; }},
        {"--page-size 0", [](ListOptions& o) { o.page_size = "0"; }},
        {"-o xml", [](ListOptions& o) { o.output = "xml"; }},
        {"no id", [](ListOptions& o) { o.ids.clear(); }},
        {"empty id", [](ListOptions& o) { o.ids = {""}; }},
        {"unknown field", [](ListOptions& o) { o.fields = "BackupId,Nope"; }},
    };
    for (const auto& c : bad) {
        INFO(c.what);
        ListOptions changed;
        changed.ids = {"x"};
        c.change(changed);
        auto result = resolve_list_plan(changed, no_stdin);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == ErrorKind::Usage);
    }
}

TEST_CASE("option --fields matches names in any case and keeps the given order",
          "[settings][list]") {
    ListOptions options;
    options.ids = {"x"};
    options.fields = "clusterid,STATE,BackupId";
    auto plan = resolve_list_plan(options, [] { return std::string(); });
    REQUIRE(plan);
    CHECK(plan->render.fields == std::vector<std::string>{"ClusterId", "State", "BackupId"});
}

TEST_CASE("option --ids-from reads ids, skipping blanks and comments, from a file or stdin",
          "[settings][list]") {
    TempDir dir;
    ListOptions options;
    options.ids = {"first"};
    options.ids_from = dir.write_file("ids.txt", "# clusters\nalpha\n\n  beta  \r\n#gamma\n");
    auto plan = resolve_list_plan(options, [] { return std::string(); });
    REQUIRE(plan);
    CHECK(plan->clusters == std::vector<ClusterRef>{{"first", ""}, {"alpha", ""}, {"beta", ""}});
    CHECK(plan->render.cluster_column);

    ListOptions from_stdin;
    from_stdin.ids_from = "-";
    auto piped = resolve_list_plan(from_stdin, [] { return std::string("one\ntwo\n"); });
    REQUIRE(piped);
    CHECK(piped->clusters == std::vector<ClusterRef>{{"one", ""}, {"two", ""}});
}

TEST_CASE("list plan: --state and --type are repeatable and take comma lists",
          "[settings][list][selection]") {
    ListOptions options;
    options.ids = {"x"};
    options.states = {"Failed,running", " Backing "};
    options.types = {"manual"};
    auto plan = resolve_list_plan(options, [] { return std::string(); });
    REQUIRE(plan);
    CHECK(plan->selection.states == std::vector<std::string>{"Failed", "running", "Backing"});
    CHECK(plan->selection.types == std::vector<std::string>{"manual"});
    CHECK_FALSE(plan->selection.reorders());
}

TEST_CASE("list plan: --since and --until take ISO times and ages before now",
          "[settings][list][selection]") {
    ListOptions options;
    options.ids = {"x"};
    options.since = "7d";
    options.until = "2025-11-27T03:00:00Z";
    auto plan = resolve_list_plan(
        options, [] { return std::string(); }, 1764212400 + 3600);
    REQUIRE(plan);
    CHECK(plan->selection.since == 1764212400 + 3600 - 7 * 86400);
    CHECK(plan->selection.until == 1764212400);
}

TEST_CASE("list plan: --sort-by names a field in any case, --reverse and --time-format",
          "[settings][list][selection]") {
    ListOptions options;
    options.ids = {"x"};
    options.sort_by = "backupsize";
    options.reverse = true;
    options.time_format = "iso";
    auto plan = resolve_list_plan(options, [] { return std::string(); });
    REQUIRE(plan);
    CHECK(plan->selection.sort_by == "BackupSize");
    CHECK(plan->selection.reverse);
    CHECK(plan->selection.reorders());
    CHECK(plan->render.time_format == TimeFormat::Iso);

    options.sort_by = "CLUSTERID";
    auto by_cluster = resolve_list_plan(options, [] { return std::string(); });
    REQUIRE(by_cluster);
    CHECK(by_cluster->selection.sort_by == "ClusterId");

    ListOptions defaults;
    defaults.ids = {"x"};
    auto plain = resolve_list_plan(defaults, [] { return std::string(); });
    REQUIRE(plain);
    CHECK(plain->render.time_format == TimeFormat::Raw);
    CHECK_FALSE(plain->selection.sort_by);
    CHECK_FALSE(plain->render.color);  // decided later, from the terminal
    CHECK(plain->render.width == 0);
}

TEST_CASE("list plan: bad selection flags are usage errors naming the flag",
          "[settings][list][selection]") {
    struct Case {
        const char* flag;
        std::function<void(ListOptions&)> change;
    };
    std::vector<Case> bad = {
        {"--since", [](ListOptions& o) { o.since = "yesterday"; }},
        {"--since", [](ListOptions& o) { o.since = "2025-13-01"; }},
        {"--until", [](ListOptions& o) { o.until = "30"; }},
        {"--until", [](ListOptions& o) { o.until = ""; }},
        {"--since",
         [](ListOptions& o) {
             o.since = "2025-11-28";
             o.until = "2025-11-27";
         }},
        {"--since",
         [](ListOptions& o) {
             o.since = "2025-11-27T00:00:00Z";
             o.until = "2025-11-27T00:00:00Z";
         }},
        {"--sort-by", [](ListOptions& o) { o.sort_by = "Sizes"; }},
        {"--sort-by", [](ListOptions& o) { o.sort_by = "Duration"; }},
        {"--state", [](ListOptions& o) { o.states = {""}; }},
        {"--state", [](ListOptions& o) { o.states = {"Failed,"}; }},
        {"--type", [](ListOptions& o) { o.types = {"Manual,,Automatic"}; }},
        {"--time-format", [](ListOptions& o) { o.time_format = "ISO"; }},
    };
    for (const auto& c : bad) {
        ListOptions changed;
        changed.ids = {"x"};
        c.change(changed);
        auto result = resolve_list_plan(
            changed, [] { return std::string(); }, 1764212400);
        REQUIRE_FALSE(result);
        INFO(result.error().message);
        CHECK(result.error().kind == ErrorKind::Usage);
        CHECK(result.error().message.find(c.flag) != std::string::npos);
    }
    ListOptions unknown;
    unknown.ids = {"x"};
    unknown.sort_by = "Nope";
    auto result = resolve_list_plan(unknown, [] { return std::string(); });
    REQUIRE_FALSE(result);
    CHECK(result.error().hint.find("BackupSize") != std::string::npos);
    CHECK(result.error().hint.find("ClusterId") != std::string::npos);
}

TEST_CASE("option --color takes auto, always or never", "[settings][table]") {
    auto env = fake_env({{"SIGCALCLOUD_REGION", "r"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"},
                         {"HOME", "/nonexistent"}});
    GlobalOptions flags;
    auto defaults = resolve_settings(flags, env);
    REQUIRE(defaults);
    CHECK(defaults->color == ColorMode::Auto);
    flags.color = "always";
    CHECK(resolve_settings(flags, env)->color == ColorMode::Always);
    flags.color = "never";
    CHECK(resolve_settings(flags, env)->color == ColorMode::Never);
    for (const char* bad : {"yes", "ALWAYS", "", "auto "}) {
        INFO(bad);
        flags.color = bad;
        auto result = resolve_settings(flags, env);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == ErrorKind::Usage);
        CHECK(result.error().message.find("--color") != std::string::npos);
    }
}

TEST_CASE("option --ca-bundle must be a regular file we can open, checked before anything else",
          "[settings][tls]") {
    TempDir dir;
    auto env = fake_env({{"SIGCALCLOUD_REGION", "cn-zj"},
                         {"SIGCALCLOUD_PUBLIC_KEY", "p"},
                         {"SIGCALCLOUD_PRIVATE_KEY", "k"}});
    auto refused = [&](const std::string& path) {
        GlobalOptions flags;
        flags.ca_bundle = path;
        auto settings = resolve_settings(flags, env);
        REQUIRE_FALSE(settings);
        CHECK(settings.error().kind == ErrorKind::Usage);
        CHECK(settings.error().hint == "--ca-bundle expects a PEM file of CA certificates");
        return settings.error().message;
    };
    std::string fifo = dir.file("ca.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(refused(fifo) == "--ca-bundle '" + fifo + "' is a named pipe, not a regular file");
    CHECK(refused(dir.path()) ==
          "--ca-bundle '" + dir.path() + "' is a directory, not a regular file");
    CHECK(refused("/dev/null") == "--ca-bundle '/dev/null' is a device, not a regular file");
    CHECK(refused(dir.file("none.pem")) ==
          "cannot read --ca-bundle '" + dir.file("none.pem") + "': No such file or directory");
    CHECK(refused("") == "invalid value for --ca-bundle: the path is empty");

    std::string pem = dir.write_file("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    std::string link = dir.file("link.pem");
    REQUIRE(::symlink(pem.c_str(), link.c_str()) == 0);
    for (const std::string& path : {pem, link}) {
        GlobalOptions flags;
        flags.ca_bundle = path;
        auto settings = resolve_settings(flags, env);
        REQUIRE(settings);
        CHECK(settings->ca_bundle == path);
    }
}
