// SPDX-License-Identifier: Apache-2.0
#include "cli/config_writer.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include <fmt/format.h>

namespace tidb_backups {

namespace {

constexpr const char* kChooseAnotherFile =
    "choose another file with --config or TIDB_BACKUPS_CONFIG";

Error write_failure(const std::string& path, std::string_view what, int error_number) {
    std::string hint = kChooseAnotherFile;
    if (error_number == EACCES || error_number == EPERM || error_number == EROFS) {
        hint = std::string("check that its directory is writable, or ") + hint;
    }
    return make_error(
        ErrorKind::Config,
        fmt::format("cannot write config file {}: {}{}", path, what, strerror(error_number)), hint);
}

// "dir/config.toml" -> {"dir", "config.toml"}; "config.toml" -> {".", "config.toml"}.
std::pair<std::string, std::string> split_path(const std::string& path) {
    std::string::size_type slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return {".", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// mkdir -p with mode 0700 for what it creates (whatever the umask): the directory will hold a
// private key. Existing directories are left as they are.
Status create_directories(const std::string& directory, const std::string& path) {
    struct stat info {};
    if (::stat(directory.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
        return ok();
    }
    for (std::string::size_type end = directory.find('/', 1);; end = directory.find('/', end + 1)) {
        std::string prefix = directory.substr(0, end);
        if (::mkdir(prefix.c_str(), 0700) == 0) {
            ::chmod(prefix.c_str(), 0700);
        } else if (errno != EEXIST) {
            return write_failure(path, fmt::format("cannot create directory {}: ", prefix), errno);
        }
        if (end == std::string::npos) {
            return ok();
        }
    }
}

// `path` split as split_path does, once its directory exists (created as needed); an error when
// `path` names a directory rather than a file.
Expected<std::pair<std::string, std::string>> make_parent_directory(const std::string& path) {
    auto parts = split_path(path);
    if (parts.second.empty()) {
        return make_error(ErrorKind::Config,
                          fmt::format("config file {} names a directory, not a file", path),
                          kChooseAnotherFile);
    }
    if (Status created = create_directories(parts.first, path); !created) {
        return created.error();
    }
    return parts;
}

// The temporary file until it is renamed into place: removed on every other way out.
class TemporaryFile {
  public:
    explicit TemporaryFile(std::string name_template) : name_(std::move(name_template)) {
        fd_ = ::mkostemp(name_.data(), O_CLOEXEC);
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        if (!renamed_ && created()) {
            ::unlink(name_.c_str());
        }
    }

    bool created() const { return fd_ >= 0 || closed_; }
    int fd() const { return fd_; }
    const std::string& name() const { return name_; }

    // close(2), reporting its error: on some file systems a failed write shows only here.
    bool close() {
        int fd = fd_;
        fd_ = -1;
        closed_ = true;
        return ::close(fd) == 0;
    }
    void mark_renamed() { renamed_ = true; }

  private:
    std::string name_;
    int fd_ = -1;
    bool closed_ = false;
    bool renamed_ = false;
};

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        text.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

// The serialized file holds the private key: wipe it however save_config_file returns.
struct WipedText {
    std::string text;
    ~WipedText() { explicit_bzero(text.data(), text.size()); }
};

}  // namespace

ConfigLock::ConfigLock(ConfigLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

ConfigLock::~ConfigLock() {
    if (fd_ >= 0) {
        ::close(fd_);  // drops the lock
    }
}

std::string config_lock_path(const std::string& path) {
    auto [directory, base] = split_path(path);
    return directory + "/." + base + ".lock";
}

Expected<ConfigLock> lock_config_file(const std::string& path, std::chrono::milliseconds wait) {
    if (Expected<std::pair<std::string, std::string>> parts = make_parent_directory(path); !parts) {
        return parts.error();
    }
    const std::string lock_path = config_lock_path(path);
    // O_NOFOLLOW: a link planted there must not make us create or lock another file.
    int fd =
        ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) {
        return write_failure(path, fmt::format("cannot open its lock file {}: ", lock_path), errno);
    }
    ConfigLock lock(fd);
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        return make_error(ErrorKind::Config,
                          fmt::format("cannot write config file {}: its lock file {} is not a "
                                      "regular file",
                                      path, lock_path),
                          "remove it, or " + std::string(kChooseAnotherFile));
    }
    // Polled rather than blocking in flock: the wait stays bounded, and Ctrl-C keeps its
    // default action of ending the process.
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) {
            continue;
        }
        if (errno != EWOULDBLOCK) {
            return write_failure(path, fmt::format("cannot lock {}: ", lock_path), errno);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return make_error(
                ErrorKind::Config,
                fmt::format("cannot write config file {}: another process has held its lock "
                            "file {} for more than {:g} s; nothing was saved",
                            path, lock_path, std::chrono::duration<double>(wait).count()),
                "another tidb-backups configure is saving to this file, or is stopped (Ctrl-Z); "
                "let it finish, then run this again");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return lock;
}

Status check_config_target(const std::string& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
        // ENOENT: a new file. Anything else (ENOTDIR, EACCES) will not get better by writing.
        return errno == ENOENT ? ok() : write_failure(path, "", errno);
    }
    if (S_ISLNK(info.st_mode)) {
        return make_error(
            ErrorKind::Config,
            fmt::format("config file {} is a symbolic link; refusing to write through it", path),
            "pass the file it points to with --config, or replace the link with a regular file");
    }
    if (!S_ISREG(info.st_mode)) {
        return make_error(ErrorKind::Config,
                          fmt::format("config file {} is not a regular file", path),
                          kChooseAnotherFile);
    }
    return ok();
}

Status save_config_file(const std::string& path, const ConfigFile& config) {
    if (Status target = check_config_target(path); !target) {
        return target;
    }
    Expected<std::pair<std::string, std::string>> parts = make_parent_directory(path);
    if (!parts) {
        return parts.error();
    }
    const auto& [directory, base] = *parts;
    struct stat existing {};
    bool replacing = ::lstat(path.c_str(), &existing) == 0;

    TemporaryFile temporary(directory + "/." + base + ".XXXXXX");
    if (!temporary.created()) {
        return write_failure(path, "cannot create a temporary file: ", errno);
    }
    WipedText serialized{serialize_config(config)};
    if (::fchmod(temporary.fd(), 0600) != 0 || !write_all(temporary.fd(), serialized.text) ||
        ::fsync(temporary.fd()) != 0) {
        return write_failure(path, "", errno);
    }
    if (replacing && (existing.st_uid != ::geteuid() || existing.st_gid != ::getegid())) {
        // Best effort: only root may give a file away, and then it should stay the user's.
        [[maybe_unused]] int ignored = ::fchown(temporary.fd(), existing.st_uid, existing.st_gid);
    }
    if (!temporary.close()) {
        return write_failure(path, "", errno);
    }
    // rename replaces a symbolic link put there since the check, never the file it points to.
    if (::rename(temporary.name().c_str(), path.c_str()) != 0) {
        return write_failure(path, "", errno);
    }
    temporary.mark_renamed();

    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd < 0) {
        return write_failure(path,
                             "the file is written but its directory cannot be synced: ", errno);
    }
    int synced = ::fsync(directory_fd);
    int sync_error = errno;
    ::close(directory_fd);
    // EINVAL: the file system cannot sync a directory; there is nothing more to do.
    if (synced != 0 && sync_error != EINVAL) {
        return write_failure(
            path, "the file is written but its directory cannot be synced: ", sync_error);
    }
    return ok();
}

}  // namespace tidb_backups
