// SPDX-License-Identifier: Apache-2.0
// Any bytes as a command line (arguments split at NUL) and an environment (lines NAME=VALUE
// after a 0xFF byte): parsing and settings resolution give a value or a usage, config or
// credential error, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tidb_backups;
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string env_text;
    if (auto split = input.find('\xff'); split != std::string::npos) {
        env_text = input.substr(split + 1);
        input.resize(split);
    }
    std::vector<std::string> args = {"tidb-backups"};
    std::string current;
    for (char c : input) {
        if (c == '\0') {
            args.push_back(current);
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    args.push_back(current);
    std::map<std::string, std::string> env = {{"HOME", "/nonexistent-fuzz-home"}};
    std::size_t start = 0;
    while (start < env_text.size()) {
        std::size_t end = env_text.find('\n', start);
        std::string line =
            env_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto eq = line.find('=');
        std::string name = line.substr(0, eq);
        // No config file chosen by the fuzzer: no reads of arbitrary paths.
        if (eq != std::string::npos && name != "TIDB_BACKUPS_CONFIG" && name != "XDG_CONFIG_HOME" &&
            name != "HOME") {
            env[name] = line.substr(eq + 1);
        }
        start = end == std::string::npos ? env_text.size() : end + 1;
    }
    std::vector<const char*> argv;
    argv.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    auto parsed = parse_command_line(static_cast<int>(argv.size()), argv.data());
    auto* line = std::get_if<CommandLine>(&parsed);
    if (line == nullptr) {
        return 0;
    }
    if (line->global.config_path || (line->list.ids_from && *line->list.ids_from != "-") ||
        line->global.ca_bundle) {
        return 0;  // reading arbitrary paths (/dev/zero...) is not what this target tests
    }
    auto plan = resolve_list_plan(line->list, [] { return std::string("c1\n# comment\nc2\n"); });
    (void)plan;
    Getenv getenv = [&env](const char* name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    auto settings = resolve_settings(line->global, getenv);
    (void)settings;
    return 0;
}
