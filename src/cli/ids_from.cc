// SPDX-License-Identifier: Apache-2.0
#include "cli/ids_from.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "cli/descriptor.h"

namespace tidb_backups {

namespace {

constexpr const char* kSplitHint =
    "a run takes at most 10000 cluster ids (1 MiB); split them over several runs";

// The words of `line`, which starts and ends with one.
std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    while (!line.empty()) {
        std::size_t end = line.find_first_of(" \t\r");
        words.push_back(line.substr(0, end));
        std::size_t next = line.find_first_not_of(" \t\r", end);
        line = next == std::string_view::npos ? std::string_view{} : line.substr(next);
    }
    return words;
}

Error cannot_read(const std::string& path, int error_number) {
    return make_error(ErrorKind::Usage,
                      fmt::format("cannot read --ids-from '{}': {}", path, strerror(error_number)));
}

// Reads until the end or past the bound, whichever comes first; `fd` blocks.
Expected<std::string> read_blocking(int fd, const std::string& path) {
    std::string text;
    char buffer[65536];
    while (text.size() <= kMaxIdsFromBytes) {
        std::size_t wanted = std::min(sizeof buffer, kMaxIdsFromBytes + 1 - text.size());
        ssize_t count = ::read(fd, buffer, wanted);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            return cannot_read(path, errno);
        }
        if (count == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(count));
    }
    return text;
}

// A pipe opened with O_NONBLOCK. read() tells the cases apart: data; EAGAIN while a writer is
// connected but silent; 0 while no writer is (none yet, or all gone). poll() then waits: for a
// named pipe that has had no writer since we opened it, it reports nothing until one comes, and
// POLLHUP once a writer has come and gone, which is the end of the input.
Expected<std::string> read_pipe(int fd, const std::string& path, std::ostream& notices,
                                std::chrono::milliseconds notice_after) {
    std::string text;
    char buffer[65536];
    bool told = false;
    while (text.size() <= kMaxIdsFromBytes) {
        std::size_t wanted = std::min(sizeof buffer, kMaxIdsFromBytes + 1 - text.size());
        ssize_t count = ::read(fd, buffer, wanted);
        if (count > 0) {
            text.append(buffer, static_cast<std::size_t>(count));
            continue;
        }
        if (count < 0 && errno == EINTR) {
            continue;
        }
        bool writer_connected = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (count < 0 && !writer_connected) {
            return cannot_read(path, errno);
        }
        pollfd ready{fd, POLLIN, 0};
        int timeout = writer_connected || told ? -1 : static_cast<int>(notice_after.count());
        int polled = ::poll(&ready, 1, timeout);
        if (polled < 0 && errno == EINTR) {
            continue;
        }
        if (polled < 0) {
            return cannot_read(path, errno);
        }
        if (polled == 0) {
            notices << fmt::format(
                           "tidb-backups: waiting for a writer on the named pipe '{}' "
                           "(--ids-from); Ctrl-C to stop\n",
                           path)
                    << std::flush;
            told = true;
            continue;
        }
        if ((ready.revents & POLLNVAL) != 0) {
            return cannot_read(path, EBADF);
        }
        bool ended = (ready.revents & POLLIN) == 0 && (ready.revents & (POLLHUP | POLLERR)) != 0;
        if (count == 0 && ended) {
            break;
        }
    }
    return text;
}

}  // namespace

std::string read_at_most(std::istream& in, std::size_t limit) {
    std::string text(limit, '\0');
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

Expected<std::string> read_ids_file(const std::string& path, std::ostream& notices,
                                    std::chrono::milliseconds notice_after) {
    // O_NONBLOCK: opening a named pipe would otherwise wait, without a word, for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return cannot_read(path, errno);
    }
    Descriptor file(fd);
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) {
        return cannot_read(path, errno);
    }
    if (S_ISFIFO(info.st_mode)) {
        return read_pipe(file.fd(), path, notices, notice_after);
    }
    // Anything else (a file, a device, a terminal) is read as a plain open would read it.
    int flags = ::fcntl(file.fd(), F_GETFL);
    if (flags < 0 || ::fcntl(file.fd(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return cannot_read(path, errno);
    }
    return read_blocking(file.fd(), path);
}

Expected<std::vector<ClusterRef>> parse_ids(std::string_view text, std::string_view shown) {
    if (text.size() > kMaxIdsFromBytes) {
        return make_error(ErrorKind::Usage,
                          fmt::format("--ids-from {} is larger than 1 MiB", shown), kSplitHint);
    }
    std::vector<ClusterRef> ids;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') {
            continue;
        }
        if (ids.size() == kMaxIdsFromIds) {
            return make_error(
                ErrorKind::Usage,
                fmt::format("--ids-from {} holds more than {} cluster ids", shown, kMaxIdsFromIds),
                kSplitHint);
        }
        std::size_t last = line.find_last_not_of(" \t\r");
        std::vector<std::string_view> words = split_words(line.substr(first, last - first + 1));
        if (words.size() > 2) {
            return make_error(
                ErrorKind::Usage,
                fmt::format("--ids-from {} line {} has {} words: expected ID or REGION ID", shown,
                            line_number, words.size()),
                "one cluster a line; a region and an id are separated by a space");
        }
        ids.push_back(words.size() == 2 ? ClusterRef{std::string(words[1]), std::string(words[0])}
                                        : ClusterRef{std::string(words[0]), {}});
    }
    return ids;
}

}  // namespace tidb_backups
