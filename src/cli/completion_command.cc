#include "cli/completion_command.h"

namespace tidb_backups {

CLI::App* add_completion_command(CLI::App& /*app*/, CompletionOptions& /*options*/) {
    return nullptr;
}

int execute_completion(const CompletionOptions& /*options*/, const GlobalOptions& /*global*/,
                       CommandContext& context) {
    return fail(context, make_error(ErrorKind::Usage, "not implemented"));
}

}  // namespace tidb_backups
