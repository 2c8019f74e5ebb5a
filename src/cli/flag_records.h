// SPDX-License-Identifier: Apache-2.0
// The flag records (cli/flags.h) in two parts, the global flags and the commands' own: read
// through all_flags(), which puts them together and checks their order.
#pragma once

#include <string_view>
#include <vector>

#include "cli/flags.h"

namespace tidb_backups {

inline const std::vector<std::string_view> kListCheck = {"list", "check"};
// The commands that call the API.
inline const std::vector<std::string_view> kApiCommands = {"list", "check", "wait"};
inline const std::vector<std::string_view> kApiCommandsConfigure = {"list", "check", "wait",
                                                                    "configure"};

// FlagId::Region to FlagId::Version.
std::vector<Flag> global_flag_records();

// FlagId::Id to FlagId::Shell.
std::vector<Flag> command_flag_records();

}  // namespace tidb_backups
