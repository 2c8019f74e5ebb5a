# Precompiled headers: nlohmann/json reaches almost every translation unit through core/backup.h,
# Catch2 every test and CLI11 the whole CLI; parsing them again in each unit was most of a
# clean build. tidb_backups_precompile(TARGET HEADER...) precompiles them once for TARGET.
#
# Off with -DTIDB_BACKUPS_PCH=OFF, which scripts/static-checks.sh uses: clang-tidy reads each
# unit on its own, and a build without them proves every file includes what it uses.
set(TIDB_BACKUPS_PCH_BASE <cstdint> <optional> <string> <string_view> <vector>
    <fmt/format.h> <nlohmann/json.hpp>)

function(tidb_backups_precompile target)
    if(TIDB_BACKUPS_PCH)
        target_precompile_headers(${target} PRIVATE ${ARGN})
    endif()
endfunction()
