// SPDX-License-Identifier: Apache-2.0
#include "cli/command.h"

#include <ctime>

#include "cli/ids_from.h"
#include "cli/report.h"

namespace tidb_backups {

Clock system_clock() {
    return [] { return static_cast<std::int64_t>(std::time(nullptr)); };
}

std::function<std::string()> stdin_reader(CommandContext& context) {
    // One byte past the bound tells resolve_list_plan that stdin is too large, and no more is
    // read: `--ids-from - < /dev/zero` ends at once.
    return [&context] { return read_at_most(context.in, kMaxIdsFromBytes + 1); };
}

ListingStop::ListingStop(Cancellation* outer) : outer_(outer) {
    if (outer_ != nullptr) {
        callback_ = outer_->on_cancel([own = own_] { own->cancel(); });
    }
}

ListingStop::~ListingStop() {
    if (outer_ != nullptr) {
        outer_->remove(callback_);
    }
}

bool flushed(std::ostream& out) {
    out.flush();
    return !out.fail();
}

int fail(CommandContext& context, const Error& error) {
    print_error(context.err, error);
    return exit_code(error.kind);
}

Expected<Settings> prepare_settings(const GlobalOptions& global, CommandContext& context,
                                    bool region_required) {
    Expected<Settings> settings = resolve_settings(global, context.getenv, region_required);
    if (!settings) {
        return settings;
    }
    wipe_private_key_variable();
    if (!settings->quiet) {
        for (const auto& warning : settings->warnings) {
            print_warning(context.err, warning);
        }
    }
    if (settings->insecure && settings->endpoint.is_https()) {
        print_warning(context.err, "--insecure: TLS certificates are not verified");
    }
    return settings;
}

}  // namespace tidb_backups
