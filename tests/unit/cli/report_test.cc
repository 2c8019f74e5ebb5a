// SPDX-License-Identifier: Apache-2.0
// Error lines: nothing that came from outside (the message, a hint, a prefix naming a cluster)
// can drive the terminal.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/report.h"

using namespace tidb_backups;

TEST_CASE("print_error cleans the prefix as well as the message", "[report]") {
    std::ostringstream err;
    print_error(err, "cluster x\x1b]0;owned\x07\xE2\x80\xAE: ",
                make_error(ErrorKind::Api, "bad \x1b[2J", "try \x07"));
    CHECK(err.str() ==
          "tidb-backups: error: cluster x\xEF\xBF\xBD]0;owned\xEF\xBF\xBD\xEF\xBF\xBD: "
          "bad \xEF\xBF\xBD[2J\nhint: try \xEF\xBF\xBD\n");
}
