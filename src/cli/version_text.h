// SPDX-License-Identifier: Apache-2.0
// What --version prints, for tidb-backups and for its emulator alike. Header-only, so the
// emulator needs nothing else of the CLI.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tidb_backups/version.h"

namespace tidb_backups {

// "tidb-backups 0.1.0 (git 1a2b3c)"; without the git part for a source tarball, or a clean
// checkout of the release tag (v0.1.0).
inline std::string version_text(std::string_view program) {
    std::string_view git = kGitDescribe;
    if (git.empty() || git == kVersion || git == fmt::format("v{}", kVersion)) {
        return fmt::format("{} {}", program, kVersion);
    }
    return fmt::format("{} {} (git {})", program, kVersion, git);
}

}  // namespace tidb_backups
