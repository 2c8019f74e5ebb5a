# SPDX-License-Identifier: Apache-2.0
# Read by cpack for each generator it runs (CPACK_PROJECT_CONFIG_FILE): the .deb installs under
# /usr, where Debian's packages go; the source tarball keeps the tree as it is.
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
endif()
