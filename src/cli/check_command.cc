#include "cli/check_command.h"

namespace tidb_backups {

CLI::App* add_check_command(CLI::App& /*app*/, CheckOptions& /*options*/) {
    return nullptr;
}

int execute_check(const CheckOptions& /*options*/, const GlobalOptions& /*global*/,
                  CommandContext& context) {
    return fail(context, make_error(ErrorKind::Usage, "not implemented"));
}

}  // namespace tidb_backups
