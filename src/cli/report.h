// SPDX-License-Identifier: Apache-2.0
// How errors and warnings reach the person: one `tidb-backups: error: ...` line, an optional
// `hint:` line, and nothing from the server that could drive the terminal.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tidb_backups {

void print_error(std::ostream& err, const Error& error);
// `prefix` (e.g. "cluster c1: ") goes before the message, sanitised like it.
void print_error(std::ostream& err, std::string_view prefix, const Error& error);
void print_warning(std::ostream& err, std::string_view message);

// A usage error (exit 2): a bad flag or value, and in `hint` what to pass instead.
Error usage(std::string message, std::string hint = {});

// `text` with each newline a space: one line of a message or a description.
std::string one_line(std::string text);

}  // namespace tidb_backups
