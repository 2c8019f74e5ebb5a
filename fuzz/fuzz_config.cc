// SPDX-License-Identifier: Apache-2.0
// Any bytes as a config file: parse_config returns profiles or a line-numbered error; what it
// accepts must survive a round trip through serialize_config unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tidb_backups;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Expected<ConfigFile> parsed = parse_config(text, "fuzz.toml");
    if (!parsed) {
        return 0;
    }
    Expected<ConfigFile> again = parse_config(serialize_config(*parsed), "fuzz.toml");
    if (!again || again->profiles.size() != parsed->profiles.size()) {
        __builtin_trap();
    }
    for (std::size_t i = 0; i < parsed->profiles.size(); ++i) {
        if (again->profiles[i].name != parsed->profiles[i].name ||
            again->profiles[i].values != parsed->profiles[i].values) {
            __builtin_trap();
        }
    }
    return 0;
}
