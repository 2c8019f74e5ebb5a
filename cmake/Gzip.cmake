# SPDX-License-Identifier: Apache-2.0
# Compresses INPUT into OUTPUT with `gzip -9n`: the best compression, and neither the file's
# name nor a time stamp in the header, so the same input always makes the same bytes (Debian
# wants man pages and changelogs so).
#   cmake -D GZIP=... -D INPUT=... -D OUTPUT=... -P Gzip.cmake
execute_process(COMMAND "${GZIP}" -9n -c "${INPUT}"
    OUTPUT_FILE "${OUTPUT}.tmp"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    file(REMOVE "${OUTPUT}.tmp")
    message(FATAL_ERROR "gzip -9n ${INPUT} failed: ${result}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
