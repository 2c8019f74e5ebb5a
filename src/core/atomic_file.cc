// SPDX-License-Identifier: Apache-2.0
#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace tidb_backups {

namespace {

Error write_error(const std::string& path, std::string_view what, int error_number) {
    return make_error(
        ErrorKind::Output,
        fmt::format("cannot write {}: {}: {}", path, what, std::strerror(error_number)),
        "check that the directory exists, is writable and has space");
}

// The directory part of `path` ("." for a bare name) and the name in it.
std::pair<std::string, std::string> split_path(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        return {".", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// Makes the rename itself durable; a file system that cannot sync a directory (EINVAL) has
// nothing more to do.
void sync_directory(const std::string& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view text, mode_t mode) {
    const auto [directory, name] = split_path(path);
    if (name.empty()) {
        return make_error(ErrorKind::Output,
                          fmt::format("cannot write {}: the path names a directory", path));
    }
    std::string temp = fmt::format("{}/.{}.tmp-XXXXXX", directory, name);
    std::vector<char> temp_buffer(temp.begin(), temp.end());
    temp_buffer.push_back('\0');
    const int fd = ::mkostemp(temp_buffer.data(), O_CLOEXEC);
    if (fd < 0) {
        return write_error(path, "cannot create a temporary file beside it", errno);
    }
    temp.assign(temp_buffer.data());

    auto fail = [&](std::string_view what) {
        const int error_number = errno;
        ::unlink(temp.c_str());
        return write_error(path, what, error_number);
    };
    if (::fchmod(fd, mode) != 0) {
        Error error = fail("cannot set its mode");
        ::close(fd);
        return error;
    }
    if (!write_all(fd, text)) {
        Error error = fail("writing failed");
        ::close(fd);
        return error;
    }
    if (::fsync(fd) != 0) {
        Error error = fail("fsync failed");
        ::close(fd);
        return error;
    }
    if (::close(fd) != 0) {
        return fail("closing failed");
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        return fail("cannot rename the temporary file over it");
    }
    sync_directory(directory);
    return ok();
}

}  // namespace tidb_backups
