// SPDX-License-Identifier: Apache-2.0
// The config file: profiles of settings in a small, strict subset of TOML, read with line-numbered
// errors that never show a value (it may be the private key), and written back losslessly.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tidb_backups {

// One [name] table. Values are kept as text: strings as written (escapes decoded), integers in
// canonical decimal ("+1_000" -> "1000", "0x1F" -> "31"), booleans as "true" / "false".
struct ConfigProfile {
    std::string name;
    std::map<std::string, std::string, std::less<>> values;

    // A profile may hold the private key: every copy wipes its values when it goes.
    ConfigProfile() = default;
    explicit ConfigProfile(std::string name_) : name(std::move(name_)) {}
    ConfigProfile(const ConfigProfile&) = default;
    ConfigProfile(ConfigProfile&&) = default;
    ConfigProfile& operator=(const ConfigProfile&) = default;
    ConfigProfile& operator=(ConfigProfile&&) = default;
    ~ConfigProfile();

    // The value set for key, or nullptr when this profile does not set it.
    const std::string* find(std::string_view key) const;
};

struct ConfigFile {
    // In the order the tables appear in the file (and are written back); names are unique.
    std::vector<ConfigProfile> profiles;

    // The profile called name, or nullptr when the file has no such table.
    const ConfigProfile* find_profile(std::string_view name) const;
    // The profile called name, appended (empty) when missing; keeps names unique.
    ConfigProfile& profile(std::string_view name);
};

// Parses the TOML subset we accept: comments, [name] / ["quoted name"] headers, and
// key = value lines whose value is a "basic" or 'literal' string, an integer or a boolean. CRLF
// line endings and a leading UTF-8 BOM are accepted. Everything else (arrays, inline tables,
// multi-line strings, floats, dates, dotted keys, keys outside a table, duplicates) is an
// ErrorKind::Config error "FILE:LINE: what is wrong", where FILE is file_name. Error messages
// name keys and lines, never values.
Expected<ConfigFile> parse_config(std::string_view text, std::string_view file_name);

// A file that parse_config reads back to the same profiles, in the same order. Every value is
// written as a basic string (so an integer comes back as the same text). Names and values must
// be valid UTF-8, as everything parse_config returns is.
std::string serialize_config(const ConfigFile& config);

// A character of a bare (unquoted) TOML key: an ASCII letter or digit, '_' or '-'.
inline bool is_bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// A table or key name as written in a config file: bare when it can be, else a quoted string.
std::string format_toml_key(std::string_view name);

// Reads and parses the file at path. A file that does not exist is not an error: std::nullopt.
// A directory, a symbolic link, a named pipe, an unreadable file, a file over 1 MiB or a parse
// error is an ErrorKind::Config error naming the path. The process's own descriptor links
// (/dev/stdin, /dev/fd/N, /proc/self/fd/N, as a shell's <(...) gives) are read, pipes included.
Expected<std::optional<ConfigFile>> load_config_file(const std::string& path);

// True when some profile sets a non-empty private_key.
bool holds_private_key(const ConfigFile& config);

// Like ssh: a one-line warning (without a newline) when the file at path holds a private key and
// group or others have any access to it; std::nullopt when it is fine or cannot be examined.
// For a descriptor link (--config /dev/stdin < FILE) it names the file behind the descriptor
// when that can be told for sure, and never suggests a chmod of the link.
std::optional<std::string> config_permission_warning(const std::string& path,
                                                     bool holds_private_key);

// Where the config file lives when neither --config nor TIDB_BACKUPS_CONFIG says:
// $XDG_CONFIG_HOME/tidb-backups/config.toml when that is set to an absolute path, else
// $HOME/.config/tidb-backups/config.toml; "" when HOME is unset or empty too.
// getenv returns std::nullopt for a variable that is not set.
std::string default_config_path(
    const std::function<std::optional<std::string>(const char*)>& getenv);

}  // namespace tidb_backups
