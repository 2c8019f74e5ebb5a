// SPDX-License-Identifier: Apache-2.0
#include "cli/report.h"

#include <algorithm>
#include <string>

#include "render/text.h"

namespace tidb_backups {

namespace {

std::string clean(std::string_view text) {
    std::string out = sanitize_for_terminal(text);
    constexpr std::size_t kMaxLength = 1000;
    if (out.size() > kMaxLength) {
        out = truncate_to_width(out, kMaxLength);
    }
    return out;
}

}  // namespace

void print_error(std::ostream& err, std::string_view prefix, const Error& error) {
    std::string text = "tidb-backups: error: ";
    text += clean(prefix);  // it may name a cluster id, which comes from outside too
    text += clean(error.message);
    text.push_back('\n');
    if (!error.hint.empty()) {
        text += "hint: " + clean(error.hint) + "\n";
    }
    err << text << std::flush;
}

void print_error(std::ostream& err, const Error& error) {
    print_error(err, "", error);
}

void print_warning(std::ostream& err, std::string_view message) {
    std::string text = clean(message);
    if (text.rfind("warning: ", 0) != 0) {
        text = "warning: " + text;
    }
    err << "tidb-backups: " << text << '\n' << std::flush;
}

Error usage(std::string message, std::string hint) {
    return make_error(ErrorKind::Usage, std::move(message), std::move(hint));
}

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

}  // namespace tidb_backups
