// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>

#include "cli/config_file.h"
#include "support/skip.h"

using namespace tidb_backups;

namespace {

// Looks like a private key; no error message may contain it, or any part of it.
const std::string kSecret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0deadbeef";

ConfigFile parsed(std::string_view text) {
    auto result = parse_config(text, "config.toml");
    if (!result) {
        FAIL("unexpected error: " << result.error().message);
    }
    return std::move(result).value();
}

Error parse_error(std::string_view text) {
    auto result = parse_config(text, "config.toml");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::Config);
    return result.error();
}

// The value of key in profile, or "<unset>".
std::string value_of(const ConfigFile& config, std::string_view profile, std::string_view key) {
    const ConfigProfile* found = config.find_profile(profile);
    if (found == nullptr) {
        return "<no profile>";
    }
    const std::string* value = found->find(key);
    return value == nullptr ? "<unset>" : *value;
}

std::string single_value(std::string_view value_text) {
    ConfigFile config = parsed("[p]\nk = " + std::string(value_text) + "\n");
    return value_of(config, "p", "k");
}

std::vector<std::string> profile_names(const ConfigFile& config) {
    std::vector<std::string> names;
    for (const ConfigProfile& profile : config.profiles) {
        names.push_back(profile.name);
    }
    return names;
}

bool same_content(const ConfigFile& a, const ConfigFile& b) {
    if (a.profiles.size() != b.profiles.size()) {
        return false;
    }
    for (size_t i = 0; i < a.profiles.size(); ++i) {
        if (a.profiles[i].name != b.profiles[i].name ||
            a.profiles[i].values != b.profiles[i].values) {
            return false;
        }
    }
    return true;
}

// A fresh directory under TMPDIR, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "config_file_test.XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    std::string path(std::string_view name) const { return path_ + "/" + std::string(name); }

    std::string write(std::string_view name, std::string_view content, mode_t mode) const {
        std::string file = path(name);
        {
            std::ofstream out(file, std::ios::binary);
            out << content;
            REQUIRE(out.good());
        }
        REQUIRE(::chmod(file.c_str(), mode) == 0);
        return file;
    }

  private:
    std::string path_;
};

// Whether a user with no rights of its own can pass through `dir` and every directory above.
bool others_can_enter(const std::filesystem::path& dir) {
    for (std::filesystem::path at = dir; !at.empty() && at != at.root_path();
         at = at.parent_path()) {
        struct stat info {};
        if (::stat(at.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0) {
            return false;
        }
    }
    return true;
}

// What `probe` returns when run in a child process as the user and group nobody (65534), with
// no supplementary groups; nullopt if the child could not switch or did not report. For root,
// which reads whatever the file modes say.
std::optional<std::string> as_nobody(const std::function<std::string()>& probe) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
            ::_exit(3);
        }
        std::string seen = probe();
        const char* at = seen.data();
        std::size_t left = seen.size();
        while (left > 0) {
            ssize_t wrote = ::write(fds[1], at, left);
            if (wrote <= 0) {
                ::_exit(4);
            }
            at += wrote;
            left -= static_cast<std::size_t>(wrote);
        }
        ::_exit(0);  // no exit handlers of the parent's (Catch2, the sanitizers) in the child
    }
    ::close(fds[1]);
    std::string seen;
    char buffer[4096];
    for (ssize_t got; (got = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            break;
        }
        seen.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return std::nullopt;
    }
    return seen;
}

const char* kDesignExample = R"(# comment
[default]
region = "cn-zj"
public_key = "ucloudsomeone@example.com1296235120854146120"
private_key = "9f8e7d6c5b4a39281706f5e4d3c2b1a0deadbeef"

[prod]
region = "cn-bj2"
endpoint = "https://api.sigcalcloud.com"
)";

}  // namespace

TEST_CASE("the design.md example parses into two profiles in file order", "[config]") {
    ConfigFile config = parsed(kDesignExample);
    CHECK(profile_names(config) == std::vector<std::string>{"default", "prod"});
    CHECK(value_of(config, "default", "region") == "cn-zj");
    CHECK(value_of(config, "default", "public_key") ==
          "ucloudsomeone@example.com1296235120854146120");
    CHECK(value_of(config, "default", "private_key") == kSecret);
    CHECK(config.profiles[0].values.size() == 3);
    CHECK(value_of(config, "prod", "region") == "cn-bj2");
    CHECK(value_of(config, "prod", "endpoint") == "https://api.sigcalcloud.com");
    CHECK(value_of(config, "prod", "private_key") == "<unset>");
    CHECK(config.profiles[1].values.size() == 2);
    CHECK(config.find_profile("staging") == nullptr);
}

TEST_CASE("profiles keep the order of the file, not alphabetical order", "[config]") {
    ConfigFile config = parsed("[zeta]\n[alpha]\n[mid]\n");
    CHECK(profile_names(config) == std::vector<std::string>{"zeta", "alpha", "mid"});
}

TEST_CASE("an empty file, or one with only comments, has no profiles", "[config]") {
    CHECK(parsed("").profiles.empty());
    CHECK(parsed("\n\n   \n\t\n").profiles.empty());
    CHECK(parsed("# only a comment\n  # indented comment").profiles.empty());
}

TEST_CASE("comments, blank lines and indentation are ignored", "[config]") {
    ConfigFile config = parsed(
        "\n# leading comment\n\n  [ default ]  # header comment\n\n"
        "\tregion\t=\t\"cn-zj\"   # trailing comment\n"
        "  endpoint=\"http://x\"#no space before the comment\n"
        "#last line without a newline");
    CHECK(profile_names(config) == std::vector<std::string>{"default"});
    CHECK(value_of(config, "default", "region") == "cn-zj");
    CHECK(value_of(config, "default", "endpoint") == "http://x");
    CHECK(config.profiles[0].values.size() == 2);
}

TEST_CASE("'#' and '=' inside strings are part of the value", "[config]") {
    CHECK(single_value(R"("a # not a comment")") == "a # not a comment");
    CHECK(single_value(R"('b # not a comment')") == "b # not a comment");
    CHECK(single_value(R"("x=y==")") == "x=y==");
}

TEST_CASE("basic and literal strings", "[config]") {
    CHECK(single_value(R"("plain")") == "plain");
    CHECK(single_value(R"("")") == "");
    CHECK(single_value(R"('')") == "");
    CHECK(single_value(R"('C:\path\no\escapes')") == R"(C:\path\no\escapes)");
    CHECK(single_value(R"('say "hi"')") == R"(say "hi")");
    CHECK(single_value(R"("it's")") == "it's");
    CHECK(single_value("\"tab\tinside\"") == "tab\tinside");
    CHECK(single_value("'tab\tinside'") == "tab\tinside");
    CHECK(single_value("\"\xE5\xA4\x87\xE4\xBB\xBD\"") == "\xE5\xA4\x87\xE4\xBB\xBD");  // 备份
}

TEST_CASE("every escape of a basic string", "[config]") {
    CHECK(single_value(R"("a\"b")") == "a\"b");
    CHECK(single_value(R"("a\\b")") == "a\\b");
    CHECK(single_value(R"("a\bb")") == "a\bb");
    CHECK(single_value(R"("a\fb")") == "a\fb");
    CHECK(single_value(R"("a\nb")") == "a\nb");
    CHECK(single_value(R"("a\rb")") == "a\rb");
    CHECK(single_value(R"("a\tb")") == "a\tb");
    CHECK(single_value(R"("\u0041")") == "A");
    CHECK(single_value(R"("\u00e9\u00E9")") == "\xC3\xA9\xC3\xA9");
    CHECK(single_value(R"("\u20AC")") == "\xE2\x82\xAC");
    CHECK(single_value(R"("\U0001F600")") == "\xF0\x9F\x98\x80");
    CHECK(single_value(R"("\U0010FFFF")") == "\xF4\x8F\xBF\xBF");
    CHECK(single_value(R"("\u0000")") == std::string(1, '\0'));
    CHECK(single_value(R"("\\n is not a newline")") == "\\n is not a newline");
    CHECK(single_value(R"("end\\")") == "end\\");
}

TEST_CASE("integers are kept as canonical decimal text", "[config]") {
    CHECK(single_value("42") == "42");
    CHECK(single_value("+42") == "42");
    CHECK(single_value("-17") == "-17");
    CHECK(single_value("0") == "0");
    CHECK(single_value("-0") == "0");
    CHECK(single_value("+0") == "0");
    CHECK(single_value("1_000_000") == "1000000");
    CHECK(single_value("0x1F") == "31");
    CHECK(single_value("0xdead_beef") == "3735928559");
    CHECK(single_value("0o17") == "15");
    CHECK(single_value("0b1010") == "10");
    CHECK(single_value("9223372036854775807") == "9223372036854775807");
    CHECK(single_value("-9223372036854775808") == "-9223372036854775808");
    CHECK(single_value("12 # comment") == "12");
}

TEST_CASE("booleans are kept as true and false", "[config]") {
    CHECK(single_value("true") == "true");
    CHECK(single_value("false  # comment") == "false");
}

TEST_CASE("CRLF line endings and a UTF-8 byte order mark", "[config]") {
    std::string crlf = "# c\r\n[default]\r\nregion = \"cn-zj\"\r\n\r\nkey = 'x' # c\r\n";
    ConfigFile config = parsed(crlf);
    CHECK(value_of(config, "default", "region") == "cn-zj");
    CHECK(value_of(config, "default", "key") == "x");

    ConfigFile with_bom = parsed("\xEF\xBB\xBF[default]\nregion = \"cn-zj\"\n");
    CHECK(profile_names(with_bom) == std::vector<std::string>{"default"});
    CHECK(value_of(with_bom, "default", "region") == "cn-zj");

    ConfigFile both = parsed("\xEF\xBB\xBF[default]\r\nregion = \"cn-zj\"\r\n");
    CHECK(value_of(both, "default", "region") == "cn-zj");

    // Line numbers count CRLF lines once; a BOM is only allowed at the very start.
    CHECK(parse_error("[a]\r\nx = 1\r\nx = 2\r\n").message ==
          "config.toml:3: duplicate key 'x' in [a]; it is already set on line 2");
    CHECK(parse_error("[a]\n\xEF\xBB\xBF[b]\n").message.rfind("config.toml:2: ", 0) == 0);
}

TEST_CASE("quoted table names and keys", "[config]") {
    ConfigFile config = parsed(
        "[\"my profile\"]\n\"odd key\" = \"1\"\n['literal.name']\n'k' = "
        "2\n[\"\\u00e9t\\u00e9\"]\n");
    CHECK(profile_names(config) ==
          std::vector<std::string>{"my profile", "literal.name", "\xC3\xA9t\xC3\xA9"});
    CHECK(value_of(config, "my profile", "odd key") == "1");
    CHECK(value_of(config, "literal.name", "k") == "2");
    // A quoted name that could be bare is the same name.
    CHECK(parse_error("[prod]\n[\"prod\"]\n").message ==
          "config.toml:2: duplicate table [prod]; it is already defined on line 1");
}

TEST_CASE("syntax errors name the file, the line and the key, never the value", "[config]") {
    struct Case {
        std::string text;
        std::string message;
    };
    const std::string s = kSecret;
    const std::vector<Case> cases = {
        {"[default]\nprivate_key \"" + s + "\"\n",
         "config.toml:2: expected '=' after key 'private_key'"},
        {"[default]\nregion: \"" + s + "\"\n", "config.toml:2: expected '=' after key 'region'"},
        {"[default]\nregion:'" + s + "'\n", "config.toml:2: expected '=' after key 'region'"},
        {"[default]\nregion : 1\n", "config.toml:2: expected '=' after key 'region'"},
        {"[default]\n" + s + "\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\n  " + s + "  # pasted\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\nAbC" + s + "+dEf==\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\n\"" + s + "\"\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\n'" + s + "'  # pasted with its quotes\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\n" + s + ":\n",
         "config.toml:2: expected '=' after the key at the start of the line"},
        {"[default]\n+" + s + "\n", "config.toml:2: unexpected character at column 1"},
        {"# c\nprivate_key = \"" + s + "\"\n[default]\n",
         "config.toml:2: key 'private_key' is outside any table; keys must be inside a [profile] "
         "table"},
        {"[d]\nprivate_key = \"" + s + "\n",
         "config.toml:2: unterminated string in the value of key 'private_key'"},
        {"[d]\nprivate_key = '" + s + "\n",
         "config.toml:2: unterminated string in the value of key 'private_key'"},
        {"[d]\nprivate_key = \"" + s + "\\\n",
         "config.toml:2: invalid escape sequence at column 56 in the value of key 'private_key'"},
        {"[d]\nprivate_key = \"ab\\q" + s + "\"\n",
         "config.toml:2: invalid escape sequence at column 18 in the value of key 'private_key'"},
        {"[d]\nprivate_key = \"\\u12G4" + s + "\"\n",
         "config.toml:2: invalid \\u escape at column 16 in the value of key 'private_key': it "
         "needs 4 hex digits"},
        {"[d]\nk = \"\\u12\"\n",
         "config.toml:2: invalid \\u escape at column 6 in the value of key 'k': it needs 4 hex "
         "digits"},
        {"[d]\nk = \"\\u+123\"\n",
         "config.toml:2: invalid \\u escape at column 6 in the value of key 'k': it needs 4 hex "
         "digits"},
        {"[d]\nk = \"\\U0001F60\"\n",
         "config.toml:2: invalid \\U escape at column 6 in the value of key 'k': it needs 8 hex "
         "digits"},
        {"[d]\nk = \"\\uD800" + s + "\"\n",
         "config.toml:2: the \\u escape at column 6 in the value of key 'k' is not a Unicode "
         "scalar value"},
        {"[d]\nk = \"\\U00110000\"\n",
         "config.toml:2: the \\U escape at column 6 in the value of key 'k' is not a Unicode "
         "scalar value"},
        {"[d]\nprivate_key = \"\"\"" + s + "\"\"\"\n",
         "config.toml:2: multi-line strings are not supported (the value of key 'private_key')"},
        {"[d]\nprivate_key = '''" + s + "'''\n",
         "config.toml:2: multi-line strings are not supported (the value of key 'private_key')"},
        {"[d]\nkeys = [\"" + s + "\"]\n",
         "config.toml:2: arrays are not supported (the value of key 'keys')"},
        {"[d]\nkeys = { a = \"" + s + "\" }\n",
         "config.toml:2: inline tables are not supported (the value of key 'keys')"},
        {"[d]\nprivate_key = " + s + "\n",
         "config.toml:2: unsupported value for key 'private_key': expected a quoted string, an "
         "integer, true or false"},
        {"[d]\nregion = cn-zj\n",
         "config.toml:2: unsupported value for key 'region': expected a quoted string, an "
         "integer, true or false"},
        {"[d]\nratio = 1.5\n",
         "config.toml:2: unsupported value for key 'ratio': expected a quoted string, an integer, "
         "true or false"},
        {"[d]\nwhen = 1979-05-27\n",
         "config.toml:2: unsupported value for key 'when': expected a quoted string, an integer, "
         "true or false"},
        {"[d]\nflag = True\n",
         "config.toml:2: unsupported value for key 'flag': expected a quoted string, an integer, "
         "true or false"},
        {"[d]\nn = 9223372036854775808\n",
         "config.toml:2: integer out of range in the value of key 'n'"},
        {"[d]\nn = -9223372036854775809\n",
         "config.toml:2: integer out of range in the value of key 'n'"},
        {"[d]\nregion =\n", "config.toml:2: missing value for key 'region'"},
        {"[d]\nregion =   # nothing\n", "config.toml:2: missing value for key 'region'"},
        {"[d]\nregion = \"a\" \"" + s + "\"\n",
         "config.toml:2: unexpected text after the value of key 'region' at column 14"},
        {"[d]\nprivate_key = \"" + s + "\" trailing\n",
         "config.toml:2: unexpected text after the value of key 'private_key' at column 58"},
        {"[d]\nprivate_key = \"ab\x01" + s + "\"\n",
         "config.toml:2: control character at column 18 in the value of key 'private_key'"},
        {"[d]\nprivate_key = \"ab\r" + s + "\"\n",
         "config.toml:2: control character at column 18 in the value of key 'private_key'"},
        {"[d]\nprivate_key = 'ab\x7F" + s + "'\n",
         "config.toml:2: control character at column 18 in the value of key 'private_key'"},
        {"[d]\nk = 1 # bell \x07 " + s + "\n",
         "config.toml:2: control character in a comment at column 14"},
        {"[d]\nprivate_key = \"\xE9" + s + "\"\n",
         "config.toml:2: invalid UTF-8 at byte 16 of the line"},
        {"[d]\nk = \"\xED\xA0\x80\"\n", "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nk = \"\xC0\xAF\"\n", "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nk = \"\xE2\x82\"\n", "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nk = \"\xE0\x80\xAF\"\n", "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nk = \"\xF4\x90\x80\x80\"\n", "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nk = \"\xF8\x88\x80\x80\x80\"\n",
         "config.toml:2: invalid UTF-8 at byte 6 of the line"},
        {"[d]\nprofile.private_key = \"" + s + "\"\n",
         "config.toml:2: dotted keys (a.b = ...) are not supported"},
        {"[[profiles]]\n", "config.toml:1: arrays of tables ([[...]]) are not supported"},
        {"[prod.eu]\n", "config.toml:1: nested tables ([a.b]) are not supported"},
        {"[prod\n", "config.toml:1: expected ']' to close the table header"},
        {"[my profile]\n", "config.toml:1: expected ']' to close the table header"},
        {"[]\n", "config.toml:1: expected a profile name after '['"},
        {"[ ]\n", "config.toml:1: expected a profile name after '['"},
        {"[\"prod]\n", "config.toml:1: unterminated string in the table name"},
        {"[prod] " + s + "\n", "config.toml:1: unexpected text after the table header at column 8"},
        {"[d]\n= \"" + s + "\"\n", "config.toml:2: unexpected character at column 1"},
        {"[d]\n\"unterminated key = 1\n", "config.toml:2: unterminated string in a quoted key"},
        {"[d]\n\"odd key\" \"" + s + "\"\n", "config.toml:2: expected '=' after key \"odd key\""},
        {"[d]\nk = 1\n[e]\nk = 2\nk = \"" + s + "\"\n",
         "config.toml:5: duplicate key 'k' in [e]; it is already set on line 4"},
        {"[prod]\nk = 1\n\n[other]\n[prod]\n",
         "config.toml:5: duplicate table [prod]; it is already defined on line 1"},
        {"[\"a b\"]\n[\"a b\"]\n",
         "config.toml:2: duplicate table [\"a b\"]; it is already defined on line 1"},
    };
    for (const Case& c : cases) {
        INFO("config text: " << c.text);
        Error error = parse_error(c.text);
        CHECK(error.message == c.message);
        CHECK(error.message.find(kSecret) == std::string::npos);
        CHECK(error.message.find(kSecret.substr(0, 8)) == std::string::npos);
        CHECK(error.hint.find(kSecret.substr(0, 8)) == std::string::npos);
    }
}

TEST_CASE("errors use the given file name and give hints where a fix is clear", "[config]") {
    auto result = parse_config("region = \"x\"\n", "/home/me/.config/tidb-backups/config.toml");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.rfind("/home/me/.config/tidb-backups/config.toml:1: ", 0) == 0);
    CHECK(result.error().hint == "add a header such as [default] above it");
    CHECK(parse_error("[d]\nregion = cn-zj\n").hint ==
          "put text in double quotes: key = \"value\"");
    CHECK(parse_error("[my profile]\n").hint.find("[\"my profile\"]") != std::string::npos);
}

TEST_CASE("integers with misplaced underscores or leading zeros are rejected", "[config]") {
    for (const char* text : {"01", "1__0", "_1", "1_", "+_1", "0x", "0X1F", "+0x1F", "0b102", "0o8",
                             "--1", "1e3", "0x_1", "inf", "nan"}) {
        INFO(text);
        CHECK(parse_error(std::string("[d]\nk = ") + text + "\n").message ==
              "config.toml:2: unsupported value for key 'k': expected a quoted string, an "
              "integer, true or false");
    }
}

TEST_CASE("serialize_config writes a stable, readable file", "[config][writer]") {
    ConfigFile config = parsed(kDesignExample);
    CHECK(serialize_config(config) ==
          "[default]\n"
          "private_key = \"" +
              kSecret +
              "\"\n"
              "public_key = \"ucloudsomeone@example.com1296235120854146120\"\n"
              "region = \"cn-zj\"\n"
              "\n"
              "[prod]\n"
              "endpoint = \"https://api.sigcalcloud.com\"\n"
              "region = \"cn-bj2\"\n");
    CHECK(serialize_config(ConfigFile{}) == "");
    CHECK(serialize_config(parsed("[p]\nn = 0x10\nb = true\n")) ==
          "[p]\nb = \"true\"\nn = \"16\"\n");
}

TEST_CASE("awkward names and values survive serialize then parse", "[config][writer]") {
    ConfigFile config;
    ConfigProfile& zeta = config.profile("zeta");
    zeta.values["quotes"] = R"(say "hi" and 'bye')";
    zeta.values["backslashes"] = R"(C:\dir\n\"x\\)";
    zeta.values["lines"] = "one\ntwo\r\nthree\r";
    zeta.values["tabs"] = "\ta\tb\t";
    zeta.values["unicode"] = "\xE5\xA4\x87\xE4\xBB\xBD \xF0\x9F\x98\x80 \xC3\xA9";
    zeta.values["comment"] = "# not a comment";
    zeta.values["equals"] = "a=b = c==";
    zeta.values["brackets"] = "[default]";
    zeta.values["triple"] = "\"\"\"'''";
    zeta.values["empty"] = "";
    zeta.values["nul"] = std::string("a\0b", 3);
    zeta.values["spaces"] = "  padded  ";
    std::string controls;
    for (int c = 1; c < 0x20; ++c) {
        controls += static_cast<char>(c);
    }
    controls += '\x7F';
    zeta.values["controls"] = controls;
    config.profile("my profile").values["odd key = #"] = "v";
    config.profile("").values[""] = "empty names";
    config.profile("a.b").values["x.y"] = "dotted names";
    config.profile("\"quoted\"").values["back\\slash"] = "\\";
    config.profile("\xC3\xA9t\xC3\xA9").values["k\tey"] = "tab in key";
    config.profile("alpha").values["region"] = "cn-zj";

    std::string text = serialize_config(config);
    auto reparsed = parse_config(text, "written.toml");
    REQUIRE(reparsed.has_value());
    CHECK(same_content(*reparsed, config));
    CHECK(profile_names(*reparsed) == std::vector<std::string>{"zeta", "my profile", "", "a.b",
                                                               "\"quoted\"", "\xC3\xA9t\xC3\xA9",
                                                               "alpha"});
    // Control characters are escaped, so every value stays on its own line.
    for (char c = 1; c < 0x20; ++c) {
        if (c != '\n') {
            CHECK(text.find(c) == std::string::npos);
        }
    }
    CHECK(text.find('\x7F') == std::string::npos);
    CHECK(text.find(std::string(1, '\0')) == std::string::npos);
    CHECK(text.find("controls = \"\\u0001") != std::string::npos);
    CHECK(text.find("\\u007F\"") != std::string::npos);
    CHECK(serialize_config(*reparsed) == text);
}

TEST_CASE("every ASCII character round-trips in names and values", "[config][writer]") {
    for (int c = 0; c < 0x80; ++c) {
        std::string one(1, static_cast<char>(c));
        ConfigFile config;
        config.profile("p" + one).values["k" + one] = "v" + one + "v";
        auto reparsed = parse_config(serialize_config(config), "written.toml");
        INFO("character " << c);
        REQUIRE(reparsed.has_value());
        CHECK(same_content(*reparsed, config));
    }
}

TEST_CASE("format_toml_key quotes only names that need it", "[config][writer]") {
    CHECK(format_toml_key("default") == "default");
    CHECK(format_toml_key("prod-2_eu") == "prod-2_eu");
    CHECK(format_toml_key("my profile") == "\"my profile\"");
    CHECK(format_toml_key("") == "\"\"");
    CHECK(format_toml_key("a.b") == "\"a.b\"");
    CHECK(format_toml_key("say \"x\"") == "\"say \\\"x\\\"\"");
}

TEST_CASE("ConfigFile::profile finds or appends, keeping names unique", "[config]") {
    ConfigFile config;
    config.profile("b").values["k"] = "1";
    config.profile("a");
    config.profile("b").values["j"] = "2";
    CHECK(profile_names(config) == std::vector<std::string>{"b", "a"});
    CHECK(value_of(config, "b", "k") == "1");
    CHECK(value_of(config, "b", "j") == "2");
    CHECK(config.find_profile("a")->values.empty());
}

TEST_CASE("holds_private_key looks for a non-empty private_key in any profile", "[config]") {
    CHECK(holds_private_key(parsed(kDesignExample)));
    CHECK(holds_private_key(parsed("[a]\nregion = \"x\"\n[b]\nprivate_key = 'k'\n")));
    CHECK_FALSE(holds_private_key(parsed("[a]\nregion = \"x\"\npublic_key = \"p\"\n")));
    CHECK_FALSE(holds_private_key(parsed("[a]\nprivate_key = \"\"\n")));
    CHECK_FALSE(holds_private_key(ConfigFile{}));
}

TEST_CASE("load_config_file: a missing file is not an error", "[config][file]") {
    TempDir dir;
    auto missing = load_config_file(dir.path("config.toml"));
    REQUIRE(missing.has_value());
    CHECK_FALSE(missing->has_value());

    auto missing_directory = load_config_file(dir.path("no/such/dir/config.toml"));
    REQUIRE(missing_directory.has_value());
    CHECK_FALSE(missing_directory->has_value());
}

TEST_CASE("load_config_file reads and parses an existing file", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("config.toml", kDesignExample, 0600);
    auto loaded = load_config_file(path);
    REQUIRE(loaded.has_value());
    REQUIRE(loaded->has_value());
    CHECK(value_of(**loaded, "prod", "region") == "cn-bj2");
    CHECK(value_of(**loaded, "default", "private_key") == kSecret);

    std::string empty = dir.write("empty.toml", "", 0600);
    auto loaded_empty = load_config_file(empty);
    REQUIRE(loaded_empty.has_value());
    REQUIRE(loaded_empty->has_value());
    CHECK((*loaded_empty)->profiles.empty());
}

TEST_CASE("load_config_file reports parse errors with the path", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("bad.toml", "[d]\nprivate_key = " + kSecret + "\n", 0600);
    auto loaded = load_config_file(path);
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().kind == ErrorKind::Config);
    CHECK(loaded.error().message.rfind(path + ":2: unsupported value for key 'private_key'", 0) ==
          0);
    CHECK(loaded.error().message.find(kSecret) == std::string::npos);
}

TEST_CASE("load_config_file: a directory is an error naming the path", "[config][file]") {
    TempDir dir;
    std::string path = dir.path("config.toml");
    REQUIRE(std::filesystem::create_directory(path));
    auto loaded = load_config_file(path);
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().kind == ErrorKind::Config);
    CHECK(loaded.error().message == "config file " + path + " is a directory, not a file");
    CHECK(loaded.error().hint == "choose another file with --config or TIDB_BACKUPS_CONFIG");
}

TEST_CASE("load_config_file: a path through a regular file is an error", "[config][file]") {
    TempDir dir;
    std::string file = dir.write("plain", "", 0600);
    std::string path = file + "/config.toml";
    auto loaded = load_config_file(path);
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().kind == ErrorKind::Config);
    CHECK(loaded.error().message == "cannot read config file " + path + ": Not a directory");
}

TEST_CASE("load_config_file: an unreadable file is an error with the reason", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("config.toml", kDesignExample, 0000);
    if (::geteuid() != 0) {
        auto loaded = load_config_file(path);
        REQUIRE_FALSE(loaded.has_value());
        CHECK(loaded.error().kind == ErrorKind::Config);
        CHECK(loaded.error().message == "cannot read config file " + path + ": Permission denied");
        CHECK(loaded.error().hint.find("permissions") != std::string::npos);
        return;
    }
    // root reads a mode 000 file: load it as nobody instead, in a child, from a directory
    // nobody may enter, so that only the file's own mode stands in the way.
    REQUIRE(::chmod(dir.path("").c_str(), 0755) == 0);
    if (!others_can_enter(std::filesystem::path(path).parent_path())) {
        TIDB_SKIP("running as root, and TMPDIR is closed to other users: cannot read as nobody");
    }
    auto seen = as_nobody([&] {
        auto loaded = load_config_file(path);
        return loaded ? std::string("loaded") : loaded.error().message + "\n" + loaded.error().hint;
    });
    REQUIRE(seen);
    CHECK(seen->rfind("cannot read config file " + path + ": Permission denied\n", 0) == 0);
    CHECK(seen->find("permissions") != std::string::npos);
}

TEST_CASE("load_config_file: a file that fails to read is an error with the reason",
          "[config][file]") {
    // Opens fine, even for root, and every read at offset 0 fails with EIO.
    auto loaded = load_config_file("/proc/self/mem");
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().kind == ErrorKind::Config);
    CHECK(loaded.error().message == "cannot read config file /proc/self/mem: Input/output error");
}

TEST_CASE("load_config_file refuses a symbolic link, even a dangling one", "[config][file]") {
    TempDir dir;
    std::string real = dir.write("real.toml", kDesignExample, 0600);
    std::string link = dir.path("config.toml");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    std::string dangling = dir.path("dangling.toml");
    REQUIRE(::symlink(dir.path("nowhere.toml").c_str(), dangling.c_str()) == 0);
    for (const std::string& path : {link, dangling}) {
        auto loaded = load_config_file(path);
        REQUIRE_FALSE(loaded.has_value());
        CHECK(loaded.error().kind == ErrorKind::Config);
        CHECK(loaded.error().message ==
              "config file " + path + " is a symbolic link; refusing to read it");
        CHECK(loaded.error().hint.find("--config") != std::string::npos);
    }
    CHECK(load_config_file(real).has_value());
}

TEST_CASE("load_config_file reads the kernel's links, as a shell's <(...) gives",
          "[config][file]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    const std::string text = "[default]\nregion = \"cn-sh2\"\n";
    REQUIRE(::write(ends[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(ends[1]);
    auto loaded = load_config_file("/dev/fd/" + std::to_string(ends[0]));
    ::close(ends[0]);
    REQUIRE(loaded.has_value());
    REQUIRE(loaded->has_value());
    REQUIRE((*loaded)->profiles.size() == 1);
    CHECK(*(*loaded)->profiles[0].find("region") == "cn-sh2");
}

TEST_CASE("load_config_file refuses links reached through /proc or /dev paths of other kinds",
          "[config][file]") {
    TempDir dir;
    std::string real = dir.write("real.toml", kDesignExample, 0600);
    std::string link = dir.path("config.toml");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    std::vector<std::string> paths = {"/proc/self/root" + link};
    // /dev/shm is writable by everybody: a link there is nobody's descriptor.
    std::string shared = "/dev/shm/tidb-backups-test-" + std::to_string(::getpid()) + ".toml";
    if (::symlink(real.c_str(), shared.c_str()) == 0) {
        paths.push_back(shared);
    }
    for (const std::string& path : paths) {
        INFO(path);
        auto loaded = load_config_file(path);
        REQUIRE_FALSE(loaded.has_value());
        CHECK(loaded.error().message ==
              "config file " + path + " is a symbolic link; refusing to read it");
    }
    ::unlink(shared.c_str());
}

TEST_CASE("load_config_file refuses a link of ours to a named pipe", "[config][file]") {
    TempDir dir;
    std::string fifo = dir.path("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string link = dir.path("config.toml");
    REQUIRE(::symlink(fifo.c_str(), link.c_str()) == 0);
    auto loaded = load_config_file(link);  // refused before opening: nothing blocks
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message ==
          "config file " + link + " is a symbolic link; refusing to read it");
}

TEST_CASE("load_config_file refuses a file over 1 MiB", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("big.toml", std::string((1 << 20) + 1, '#'), 0600);
    auto loaded = load_config_file(path);
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message == "config file " + path + " is larger than 1 MiB");

    std::string at_limit = dir.write("limit.toml", "#" + std::string((1 << 20) - 1, 'x'), 0600);
    CHECK(load_config_file(at_limit).has_value());
}

TEST_CASE("a private key readable by group or others gets a warning", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("config.toml", kDesignExample, 0644);
    auto warning = config_permission_warning(path, true);
    REQUIRE(warning.has_value());
    CHECK(*warning == "warning: " + path +
                          " holds a private key and is accessible by group or others (mode "
                          "0644); run: chmod 600 " +
                          path);
    CHECK(warning->find(kSecret) == std::string::npos);
    CHECK(warning->find('\n') == std::string::npos);

    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    CHECK(config_permission_warning(path, true).has_value());
    REQUIRE(::chmod(path.c_str(), 0604) == 0);
    CHECK(config_permission_warning(path, true).has_value());
    REQUIRE(::chmod(path.c_str(), 0620) == 0);
    CHECK(config_permission_warning(path, true).has_value());

    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK_FALSE(config_permission_warning(path, true).has_value());
    REQUIRE(::chmod(path.c_str(), 0400) == 0);
    CHECK_FALSE(config_permission_warning(path, true).has_value());
}

TEST_CASE("no permission warning without a private key or a regular file", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("config.toml", "[prod]\nregion = \"cn-bj2\"\n", 0644);
    CHECK_FALSE(config_permission_warning(path, false).has_value());
    CHECK_FALSE(config_permission_warning(dir.path("missing.toml"), true).has_value());
    std::string directory = dir.path("dir.toml");
    REQUIRE(std::filesystem::create_directory(directory));
    REQUIRE(::chmod(directory.c_str(), 0755) == 0);
    CHECK_FALSE(config_permission_warning(directory, true).has_value());
}

TEST_CASE("the chmod command in the warning can be pasted into a shell", "[config][file]") {
    TempDir dir;
    std::string path = dir.write("it's my config.toml", kDesignExample, 0644);
    auto warning = config_permission_warning(path, true);
    REQUIRE(warning.has_value());
    std::string quoted = "'" + dir.path("it'\\''s my config.toml") + "'";
    CHECK(warning->substr(warning->size() - quoted.size()) == quoted);
    CHECK(warning->find("run: chmod 600 " + quoted) != std::string::npos);
}

TEST_CASE("default_config_path prefers an absolute XDG_CONFIG_HOME, then HOME", "[config]") {
    auto env = [](std::map<std::string, std::string> vars) {
        return [vars](const char* name) -> std::optional<std::string> {
            auto found = vars.find(name);
            if (found == vars.end()) {
                return std::nullopt;
            }
            return found->second;
        };
    };
    CHECK(default_config_path(env({{"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/home/me"}})) ==
          "/xdg/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"XDG_CONFIG_HOME", "/xdg/"}})) ==
          "/xdg/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"HOME", "/home/me"}})) ==
          "/home/me/.config/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"HOME", "/home/me/"}})) ==
          "/home/me/.config/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"XDG_CONFIG_HOME", ""}, {"HOME", "/home/me"}})) ==
          "/home/me/.config/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"XDG_CONFIG_HOME", "relative/dir"}, {"HOME", "/home/me"}})) ==
          "/home/me/.config/tidb-backups/config.toml");
    CHECK(default_config_path(env({{"HOME", "/"}})) == "/.config/tidb-backups/config.toml");
    CHECK(default_config_path(env({})) == "");
    CHECK(default_config_path(env({{"HOME", ""}})) == "");
    CHECK(default_config_path(env({{"XDG_CONFIG_HOME", "relative"}})) == "");
}

TEST_CASE("load_config_file refuses a named pipe at once instead of waiting for a writer",
          "[config][file][fifo]") {
    TempDir dir;
    std::string fifo = dir.path("config.toml");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto loaded = load_config_file(fifo);  // no writer will ever come: this must not block
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().kind == ErrorKind::Config);
    CHECK(loaded.error().message == "config file " + fifo + " is a named pipe, not a file");
    CHECK(loaded.error().hint ==
          "pass a regular file; to feed the config through a pipe, use --config /dev/stdin or "
          "--config <(...)");
}

TEST_CASE("the permission warning for a descriptor link names the file behind it, never the link",
          "[config][file]") {
    TempDir dir;
    std::string path = dir.write("shared.toml", kDesignExample, 0644);
    char resolved[PATH_MAX];
    REQUIRE(::realpath(path.c_str(), resolved) != nullptr);
    const std::string file = resolved;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const std::string number = std::to_string(fd);
    for (const std::string& link : {"/dev/fd/" + number, "/proc/self/fd/" + number}) {
        INFO(link);
        auto warning = config_permission_warning(link, true);
        REQUIRE(warning.has_value());
        CHECK(*warning == "warning: the config file on file descriptor " + number + " (" + file +
                              ") holds a private key and is accessible by group or others (mode "
                              "0644); run: chmod 600 " +
                              file);
    }

    // What reads as standard input: the same, said so.
    int saved_stdin = ::dup(STDIN_FILENO);
    REQUIRE(saved_stdin >= 0);
    REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
    auto on_stdin = config_permission_warning("/dev/stdin", true);
    REQUIRE(::dup2(saved_stdin, STDIN_FILENO) == STDIN_FILENO);
    ::close(saved_stdin);
    REQUIRE(on_stdin.has_value());
    CHECK(*on_stdin == "warning: the config file on standard input (" + file +
                           ") holds a private key and is accessible by group or others (mode "
                           "0644); run: chmod 600 " +
                           file);

    // Once the name no longer leads to the file, no name is offered.
    REQUIRE(::unlink(path.c_str()) == 0);
    auto deleted = config_permission_warning("/dev/fd/" + number, true);
    ::close(fd);
    REQUIRE(deleted.has_value());
    CHECK(*deleted == "warning: the config file on file descriptor " + number +
                          " holds a private key and is accessible by group or others (mode 0644); "
                          "run chmod 600 on the file it comes from");
}
