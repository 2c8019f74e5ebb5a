// SPDX-License-Identifier: Apache-2.0
#include "cli/config_file.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "cli/descriptor.h"

namespace tidb_backups {

namespace {

// Far beyond any real config file; stops us from reading /dev/zero until memory runs out.
constexpr size_t kMaxConfigBytes = 1 << 20;

constexpr const char* kChooseAnotherFile =
    "choose another file with --config or TIDB_BACKUPS_CONFIG";

bool is_bare_key(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_bare_key_char);
}

void append_basic_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                    out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// The path as one word for a POSIX shell, so the suggested command can be pasted.
std::string shell_word(std::string path) {
    if (!path.empty() && path.front() == '-') {
        path = "./" + path;  // not an option to chmod
    }
    bool plain =
        !path.empty() && path.front() != '~' && std::all_of(path.begin(), path.end(), [](char c) {
            return is_bare_key_char(c) ||
                   std::string_view("./+,:@%=").find(c) != std::string_view::npos;
        });
    if (plain) {
        return path;
    }
    std::string out = "'";
    for (char c : path) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

Error read_failure(const std::string& path, int error_number) {
    std::string hint = kChooseAnotherFile;
    if (error_number == EACCES || error_number == EPERM) {
        hint = std::string("check the permissions of the file and its directories, or ") + hint;
    }
    return make_error(ErrorKind::Config,
                      fmt::format("cannot read config file {}: {}", path, strerror(error_number)),
                      hint);
}

// The file holds the private key: read it, then wipe what it passed through.
Expected<std::string> read_all(const Descriptor& file, const std::string& path) {
    char buffer[8192];
    std::string text;
    // Room for the largest file we accept, so no growing leaves a copy behind in freed memory
    // (pages never written are never touched).
    text.reserve(kMaxConfigBytes + sizeof buffer);
    auto wipe = [&] {
        explicit_bzero(text.data(), text.size());
        explicit_bzero(buffer, sizeof buffer);
    };
    while (true) {
        ssize_t count = ::read(file.fd(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            int error_number = errno;
            wipe();
            return read_failure(path, error_number);
        }
        if (count == 0) {
            break;
        }
        text.append(buffer, static_cast<size_t>(count));
        if (text.size() > kMaxConfigBytes) {
            wipe();
            return make_error(ErrorKind::Config,
                              fmt::format("config file {} is larger than 1 MiB", path),
                              kChooseAnotherFile);
        }
    }
    explicit_bzero(buffer, sizeof buffer);
    return text;
}

}  // namespace

ConfigProfile::~ConfigProfile() {
    for (auto& [key, value] : values) {
        explicit_bzero(value.data(), value.size());
    }
}

const std::string* ConfigProfile::find(std::string_view key) const {
    auto found = values.find(key);
    return found == values.end() ? nullptr : &found->second;
}

const ConfigProfile* ConfigFile::find_profile(std::string_view name) const {
    auto found =
        std::find_if(profiles.begin(), profiles.end(),
                     [name](const ConfigProfile& profile) { return profile.name == name; });
    return found == profiles.end() ? nullptr : &*found;
}

ConfigProfile& ConfigFile::profile(std::string_view name) {
    auto found =
        std::find_if(profiles.begin(), profiles.end(),
                     [name](const ConfigProfile& profile) { return profile.name == name; });
    if (found != profiles.end()) {
        return *found;
    }
    return profiles.emplace_back(ConfigProfile(std::string(name)));
}

std::string format_toml_key(std::string_view name) {
    if (is_bare_key(name)) {
        return std::string(name);
    }
    std::string quoted;
    append_basic_string(quoted, name);
    return quoted;
}

std::string serialize_config(const ConfigFile& config) {
    std::string out;
    for (const ConfigProfile& profile : config.profiles) {
        if (!out.empty()) {
            out += '\n';
        }
        out += "[" + format_toml_key(profile.name) + "]\n";
        for (const auto& [key, value] : profile.values) {
            out += format_toml_key(key) + " = ";
            append_basic_string(out, value);
            out += '\n';
        }
    }
    return out;
}

// A link lets whoever controls its target choose the endpoint our signed requests go to, so
// links are refused, except the kernel's links to this process's own open files: /dev/stdin
// and /dev/fd/N or /proc/self/fd/N, which a shell's <(...) gives.
bool is_own_descriptor_link(std::string_view path) {
    if (path == "/dev/stdin") {
        return true;
    }
    for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (path.substr(0, prefix.size()) == prefix) {
            std::string_view number = path.substr(prefix.size());
            return !number.empty() && std::all_of(number.begin(), number.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; });
        }
    }
    return false;
}

namespace {

// The descriptor an own descriptor link names: 0 for /dev/stdin, N for /dev/fd/N.
int descriptor_number(std::string_view path) {
    if (path == "/dev/stdin") {
        return STDIN_FILENO;
    }
    std::string_view number = path.substr(path.rfind('/') + 1);
    int descriptor = STDIN_FILENO;
    if (std::from_chars(number.data(), number.data() + number.size(), descriptor).ec !=
        std::errc{}) {
        return STDIN_FILENO;  // is_own_descriptor_link let only digits through
    }
    return descriptor;
}

// The path of the file open on `descriptor`, when it is still that file (`info`, as stat gave
// it) under that name: renamed, deleted or unreachable files give std::nullopt.
std::optional<std::string> file_behind_descriptor(int descriptor, const struct stat& info) {
    std::string link = fmt::format("/proc/self/fd/{}", descriptor);
    char target[4096];
    ssize_t length = ::readlink(link.c_str(), target, sizeof target - 1);
    if (length <= 0 || target[0] != '/') {
        return std::nullopt;
    }
    std::string file(target, static_cast<std::size_t>(length));
    struct stat named {};
    if (::lstat(file.c_str(), &named) != 0 || !S_ISREG(named.st_mode) ||
        named.st_dev != info.st_dev || named.st_ino != info.st_ino) {
        return std::nullopt;
    }
    return file;
}

}  // namespace

Expected<std::optional<ConfigFile>> load_config_file(const std::string& path) {
    // O_NONBLOCK: opening a named pipe would otherwise wait, without a word, for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    bool own_descriptor = false;
    if (fd < 0 && errno == ELOOP) {
        if (!is_own_descriptor_link(path)) {
            return make_error(
                ErrorKind::Config,
                fmt::format("config file {} is a symbolic link; refusing to read it", path),
                "pass the file it points to with --config, or replace the link with a regular "
                "file");
        }
        own_descriptor = true;
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    }
    if (fd < 0 && errno == ENOENT) {
        return std::optional<ConfigFile>();
    }
    if (fd < 0) {
        return read_failure(path, errno);
    }
    Descriptor file(fd);
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) {
        return read_failure(path, errno);
    }
    if (S_ISDIR(info.st_mode)) {
        return make_error(ErrorKind::Config,
                          fmt::format("config file {} is a directory, not a file", path),
                          kChooseAnotherFile);
    }
    // A pipe the shell made for us (<(...), /dev/stdin) has its writer; a named pipe may never
    // get one, and reading it would hang with no word.
    if (S_ISFIFO(info.st_mode) && !own_descriptor) {
        return make_error(ErrorKind::Config,
                          fmt::format("config file {} is a named pipe, not a file", path),
                          "pass a regular file; to feed the config through a pipe, use --config "
                          "/dev/stdin or --config <(...)");
    }
    // Read as a plain open would: a pipe of ours waits for its writer.
    if (int flags = ::fcntl(file.fd(), F_GETFL);
        flags < 0 || ::fcntl(file.fd(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return read_failure(path, errno);
    }
    auto text = read_all(file, path);
    if (!text) {
        return text.error();
    }
    auto parsed = parse_config(*text, path);
    explicit_bzero(text->data(), text->size());
    if (!parsed) {
        return parsed.error();
    }
    return std::optional<ConfigFile>(std::move(*parsed));
}

bool holds_private_key(const ConfigFile& config) {
    return std::any_of(config.profiles.begin(), config.profiles.end(),
                       [](const ConfigProfile& profile) {
                           const std::string* key = profile.find("private_key");
                           return key != nullptr && !key->empty();
                       });
}

std::optional<std::string> config_permission_warning(const std::string& path,
                                                     bool holds_private_key) {
    struct stat info {};
    // Only a regular file can be fixed with chmod; a pipe from <(...) is private anyway.
    if (!holds_private_key || ::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
        (info.st_mode & 077) == 0) {
        return std::nullopt;
    }
    const unsigned mode = info.st_mode & 07777;
    if (!is_own_descriptor_link(path)) {
        return fmt::format(
            "warning: {} holds a private key and is accessible by group or others (mode {:04o}); "
            "run: chmod 600 {}",
            path, mode, shell_word(path));
    }
    // chmod on /dev/stdin would change the terminal or do nothing: name the file behind it.
    int descriptor = descriptor_number(path);
    std::string where = descriptor == STDIN_FILENO
                            ? std::string("on standard input")
                            : fmt::format("on file descriptor {}", descriptor);
    if (auto file = file_behind_descriptor(descriptor, info)) {
        return fmt::format(
            "warning: the config file {} ({}) holds a private key and is accessible by group or "
            "others (mode {:04o}); run: chmod 600 {}",
            where, *file, mode, shell_word(*file));
    }
    return fmt::format(
        "warning: the config file {} holds a private key and is accessible by group or others "
        "(mode {:04o}); run chmod 600 on the file it comes from",
        where, mode);
}

std::string default_config_path(
    const std::function<std::optional<std::string>(const char*)>& getenv) {
    auto join = [](std::string base, std::string_view rest) {
        while (!base.empty() && base.back() == '/') {
            base.pop_back();
        }
        return base + "/" + std::string(rest);
    };
    // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    if (auto xdg = getenv("XDG_CONFIG_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
        return join(*xdg, "tidb-backups/config.toml");
    }
    if (auto home = getenv("HOME"); home && !home->empty()) {
        return join(*home, ".config/tidb-backups/config.toml");
    }
    return "";
}

}  // namespace tidb_backups
