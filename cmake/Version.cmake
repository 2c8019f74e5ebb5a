# SPDX-License-Identifier: Apache-2.0
# The version shown by --version and sent in User-Agent: the project version (project() in the
# top CMakeLists.txt, its one home), plus the git description when built from a checkout, so a
# locally built binary says which commit it is. The description is taken again at every build.
set(TIDB_BACKUPS_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
set(tidb_backups_git_describe_args
    -D "SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    -D "OUTPUT=${PROJECT_BINARY_DIR}/generated/tidb_backups/git_describe.h"
    -D "GIT=${GIT_EXECUTABLE}")
configure_file("${PROJECT_SOURCE_DIR}/src/core/version.h.in"
               "${PROJECT_BINARY_DIR}/generated/tidb_backups/version.h" @ONLY)
# Once now, so the header exists before anything is built; then before every build.
execute_process(COMMAND "${CMAKE_COMMAND}" ${tidb_backups_git_describe_args}
                        -P "${PROJECT_SOURCE_DIR}/cmake/GitDescribe.cmake")
add_custom_target(tidb_backups_git_describe
    COMMAND "${CMAKE_COMMAND}" ${tidb_backups_git_describe_args}
            -P "${PROJECT_SOURCE_DIR}/cmake/GitDescribe.cmake"
    BYPRODUCTS "${PROJECT_BINARY_DIR}/generated/tidb_backups/git_describe.h"
    COMMENT "Taking git describe for --version"
    VERBATIM)
