# The version shown by --version and sent in User-Agent: the project version, plus the git
# description when built from a checkout (so a locally built binary says which commit it is).
set(TIDB_BACKUPS_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
    execute_process(
        COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --abbrev=10
        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
        OUTPUT_VARIABLE _git_describe
        OUTPUT_STRIP_TRAILING_WHITESPACE
        ERROR_QUIET
        RESULT_VARIABLE _git_result)
    if(_git_result EQUAL 0 AND _git_describe)
        set(TIDB_BACKUPS_GIT_DESCRIBE "${_git_describe}")
    endif()
endif()
configure_file("${PROJECT_SOURCE_DIR}/src/core/version.h.in"
               "${PROJECT_BINARY_DIR}/generated/tidb_backups/version.h" @ONLY)
