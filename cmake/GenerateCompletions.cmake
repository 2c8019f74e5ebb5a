# SPDX-License-Identifier: Apache-2.0
# Writes completions/ from the built binary: cmake -D PROGRAM=... -D OUTPUT_DIR=... -P this file.
# Run through `cmake --build BUILD --target completions`.
foreach(pair "bash=tidb-backups.bash" "zsh=_tidb-backups" "fish=tidb-backups.fish")
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 shell)
    list(GET pair 1 file)
    execute_process(
        COMMAND "${PROGRAM}" completion ${shell}
        OUTPUT_FILE "${OUTPUT_DIR}/${file}"
        RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${PROGRAM} completion ${shell} failed: ${result}")
    endif()
    message(STATUS "Wrote ${OUTPUT_DIR}/${file}")
endforeach()
