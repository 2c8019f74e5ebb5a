// SPDX-License-Identifier: Apache-2.0
// An open file descriptor owned by a scope: closed on every way out of it (the files the CLI
// reads: the config file, --ids-from).
#pragma once

#include <unistd.h>

namespace tidb_backups {

class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() { ::close(fd_); }
    int fd() const { return fd_; }

  private:
    int fd_;
};

}  // namespace tidb_backups
