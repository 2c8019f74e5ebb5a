#include "cli/configure_command.h"

namespace tidb_backups {

CLI::App* add_configure_command(CLI::App& /*app*/, ConfigureOptions& /*options*/) {
    return nullptr;
}

int execute_configure(const ConfigureOptions& /*options*/, const GlobalOptions& /*global*/,
                      CommandContext& context) {
    return fail(context, make_error(ErrorKind::Usage, "not implemented"));
}

}  // namespace tidb_backups
