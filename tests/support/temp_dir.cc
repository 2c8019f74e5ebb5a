// SPDX-License-Identifier: Apache-2.0
#include "support/temp_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace tidb_backups::testing {

namespace fs = std::filesystem;

namespace {

std::system_error errno_error(const std::string& what) {
    return std::system_error(errno, std::generic_category(), what);
}

// A test may have taken permissions away (an unreadable config directory, say); give them
// back so the removal cannot fail half-way. Symlinks are not followed.
void restore_permissions(const fs::path& dir) {
    ::chmod(dir.c_str(), 0700);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) {
            restore_permissions(it->path());
        }
    }
}

}  // namespace

TempDir::TempDir() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string base = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
    std::string pattern = base + "/tidb-backups-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw errno_error(
            fmt::format("cannot create a temporary directory under {} "
                        "(set TMPDIR to a writable directory)",
                        base));
    }
    path_ = std::move(pattern);
}

TempDir::~TempDir() {
    if (path_.empty()) {
        return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) {
        restore_permissions(path_);
        fs::remove_all(path_, ec);
    }
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        TempDir old(std::move(*this));
        path_ = std::exchange(other.path_, {});
    }
    return *this;
}

std::string TempDir::file(std::string_view name) const {
    fs::path relative(name);
    if (name.empty() || relative.is_absolute()) {
        throw std::invalid_argument(
            fmt::format("TempDir::file wants a relative name, got \"{}\"", name));
    }
    for (const auto& part : relative) {
        if (part == "..") {
            throw std::invalid_argument(
                fmt::format("TempDir::file: \"{}\" would leave the directory {}", name, path_));
        }
    }
    return (fs::path(path_) / relative).string();
}

std::string TempDir::write_file(std::string_view name, std::string_view content,
                                mode_t mode) const {
    std::string full = file(name);
    fs::create_directories(fs::path(full).parent_path());
    int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        throw errno_error(fmt::format("cannot create {}", full));
    }
    // open() applies the umask; the test asked for an exact mode.
    bool ok = ::fchmod(fd, mode) == 0;
    while (ok && !content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        ok = n > 0;
        if (ok) {
            content.remove_prefix(static_cast<size_t>(n));
        }
    }
    int saved = errno;
    ::close(fd);
    if (!ok) {
        errno = saved;
        throw errno_error(fmt::format("cannot write {}", full));
    }
    return full;
}

std::string TempDir::read_file(std::string_view name) const {
    std::string full = file(name);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw errno_error(fmt::format("cannot open {}", full));
    }
    std::string content;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int saved = errno;
            ::close(fd);
            if (n < 0) {
                errno = saved;
                throw errno_error(fmt::format("cannot read {}", full));
            }
            return content;
        }
        content.append(buffer, static_cast<size_t>(n));
    }
}

}  // namespace tidb_backups::testing
