# SPDX-License-Identifier: Apache-2.0
# Fails, naming them, when source files of SOURCE_DIR lack an SPDX line in their first three
# lines: the C++ sources, the CMake files, the scripts and the man page sources.
#   cmake -D SOURCE_DIR=... -P CheckSpdx.cmake
file(GLOB_RECURSE candidates RELATIVE "${SOURCE_DIR}"
    "${SOURCE_DIR}/src/*" "${SOURCE_DIR}/tests/*" "${SOURCE_DIR}/bench/*"
    "${SOURCE_DIR}/fuzz/*" "${SOURCE_DIR}/cmake/*" "${SOURCE_DIR}/scripts/*")
file(GLOB packaging RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/packaging/*.cmake")
list(APPEND candidates ${packaging} CMakeLists.txt .ci/run docs/tidb-backups.1.in docs/tidb-backups-emulator.1)
set(missing "")
set(checked 0)
foreach(file IN LISTS candidates)
    if(NOT file MATCHES "(\\.(cc|h|in|cmake|sh)|CMakeLists\\.txt|^\\.ci/run|\\.1)$")
        continue()
    endif()
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${SOURCE_DIR}/${file}" head LIMIT_COUNT 3)
    if(NOT head MATCHES "SPDX-License-Identifier: Apache-2\\.0")
        list(APPEND missing "${file}")
    endif()
endforeach()
if(missing)
    list(JOIN missing "\n  " shown)
    message(FATAL_ERROR "no SPDX-License-Identifier line at the top of:\n  ${shown}")
endif()
if(checked LESS 100)
    message(FATAL_ERROR "only ${checked} source files found under ${SOURCE_DIR}")
endif()
message(STATUS "${checked} source files carry an SPDX line")
