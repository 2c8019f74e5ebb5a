// SPDX-License-Identifier: Apache-2.0
// tidb-backups-man TEMPLATE OUTPUT: writes the man page from its template and the flag records
// (cli/man_page.h). Run by `cmake --build BUILD --target docs` and by the man page test; not
// installed.
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/app.h"
#include "cli/man_page.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: tidb-backups-man TEMPLATE OUTPUT\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream page_template;
    page_template << in.rdbuf();
    if (!in) {
        std::cerr << "tidb-backups-man: cannot read " << argv[1] << "\n";
        return 1;
    }
    try {
        tidb_backups::CommandLine declared;
        std::unique_ptr<CLI::App> app = tidb_backups::build_app(declared);
        std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
        out << tidb_backups::man_page(page_template.str(), *app);
        out.close();
        if (!out) {
            std::cerr << "tidb-backups-man: cannot write " << argv[2] << "\n";
            return 1;
        }
    } catch (const std::exception& error) {
        std::cerr << "tidb-backups-man: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
