# Packaging.cmake - what a system install adds beyond the programs, library
# and models (CMakeLists.txt), and the Debian package made of it all.
#
#   ./setup.sh deb      (cmake -DCMAKE_INSTALL_PREFIX=/usr ..., then cpack -G DEB)
#
# The package is made by CPack's DEB generator from the same install rules as
# `cmake --install`, rather than by a debian/ directory: one description of
# what goes where, no debhelper or second build system to keep in step, and
# the .deb lands in build/ (dpkg-buildpackage writes to the parent of the
# source tree). dpkg-shlibdeps works out Depends from the binaries
# (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), so no library version is written here.
# What debhelper would have added by itself is written out: conffiles, the
# maintainer scripts for the unit (packaging/debian/), the man page's gzip.

# The example discussion, for trying an installed copy.
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/modscore/examples)

# ------------------------------------------------------------------ man page
# modscore(1), made at build time by help2man from the programs' own --help
# (every subcommand's, found in `modscore --help`), so new commands and flags
# appear without editing it; exit codes, files and environment come from
# packaging/modscore.h2m. Made with -DMS_MAN=ON (./setup.sh deb does).
option(MS_MAN "Build and install the man page (needs help2man)" OFF)
if(MS_MAN)
  find_program(HELP2MAN_EXECUTABLE help2man)
  if(NOT HELP2MAN_EXECUTABLE)
    message(FATAL_ERROR "MS_MAN=ON needs help2man (apt-get install help2man)")
  endif()
  set(MS_MAN_PAGE ${CMAKE_CURRENT_BINARY_DIR}/man/modscore.1.gz)
  add_custom_command(OUTPUT ${MS_MAN_PAGE}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/packaging/manpage.sh ${HELP2MAN_EXECUTABLE}
      $<TARGET_FILE:modscore_cli> ${CMAKE_CURRENT_SOURCE_DIR}/packaging/modscore.h2m
      ${CMAKE_INSTALL_FULL_DATADIR} ${CMAKE_INSTALL_FULL_SYSCONFDIR} ${MS_MAN_PAGE}
    DEPENDS modscore_cli modscore_serve ${CMAKE_CURRENT_SOURCE_DIR}/packaging/manpage.sh
      ${CMAKE_CURRENT_SOURCE_DIR}/packaging/modscore.h2m
    COMMENT "Generating modscore(1) with help2man")
  add_custom_target(man ALL DEPENDS ${MS_MAN_PAGE})
  install(FILES ${MS_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  # modscore-serve(1) is the same page.
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/man)
  file(CREATE_LINK modscore.1.gz ${CMAKE_CURRENT_BINARY_DIR}/man/modscore-serve.1.gz SYMBOLIC)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/man/modscore-serve.1.gz
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# ------------------------------------------------------------------ service
# The unit and its configuration. With the /usr prefix the configuration is
# in /etc/modscore and the unit in /lib/systemd/system (Debian 12's unit
# directory); MS_SYSTEMD_UNITDIR changes the latter, empty leaves it out.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(ms_unitdir /lib/systemd/system)
else()
  set(ms_unitdir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(MS_SYSTEMD_UNITDIR ${ms_unitdir} CACHE PATH "Where modscore.service is installed (empty: not installed)")
set(MS_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/modscore)
set(MS_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
if(MS_SYSTEMD_UNITDIR)
  configure_file(packaging/modscore.service.in modscore.service @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/modscore.service DESTINATION ${MS_SYSTEMD_UNITDIR})
endif()
install(FILES packaging/modscore.env DESTINATION ${MS_SYSCONFDIR})
install(FILES models/policy.json DESTINATION ${MS_SYSCONFDIR})
install(DIRECTORY packaging/communities DESTINATION ${MS_SYSCONFDIR})

# ------------------------------------------------------------------ the .deb
# Every file under /etc is a conffile (an admin's edits survive upgrades).
file(GLOB ms_communities RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/packaging/communities
  ${CMAKE_CURRENT_SOURCE_DIR}/packaging/communities/*.json)
set(ms_conffiles "${MS_SYSCONFDIR}/modscore.env\n${MS_SYSCONFDIR}/policy.json\n")
foreach(f IN LISTS ms_communities)
  string(APPEND ms_conffiles "${MS_SYSCONFDIR}/communities/${f}\n")
endforeach()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles "${ms_conffiles}")
# libmodscore.so.0 is a shared library: ldconfig after install and removal.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/triggers "activate-noawait ldconfig\n")
foreach(s postinst prerm postrm)
  configure_file(packaging/debian/${s} debian/${s} @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
      WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_PACKAGE_NAME modscore)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "modscore")
set(CPACK_PACKAGE_CONTACT "modscore maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "comment-moderation scorer: hostility, off-topic, sentiment")
# CPack puts the summary first and indents the rest as dpkg wants it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "modscore reads a discussion (an article and the comments under it), scores
every comment for hostility and off-topic content with linear SVM models and
for sentiment with VADER's rules, and decides whether each comment is
published, held for review or rejected against a community's standards,
naming the words behind each flag.

This package has the modscore command (score, check, train, eval, compile,
serve), the shipped models (English, and German, Spanish, Portuguese, French,
Arabic, Turkish, Polish, Danish, Greek and Hindi: each comment is scored by
the models of its own language), the modscore.service HTTP service (Perspective
API compatible), and the libmodscore library with its header and pkg-config
file.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The libraries come from dpkg-shlibdeps; procps is the unit's /bin/kill
# (ExecReload), not in a minimal Debian; libcld2-0 is loaded with dlopen
# (language detection, src/language.c), which dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "procps, libcld2-0")
# The Python binding needs python3, modscore-dask also Dask (cmake/Scaling.cmake);
# the scorer itself needs neither.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, python3-distributed")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles
  ${CMAKE_CURRENT_BINARY_DIR}/debian/triggers
  ${CMAKE_CURRENT_BINARY_DIR}/debian/postinst
  ${CMAKE_CURRENT_BINARY_DIR}/debian/prerm
  ${CMAKE_CURRENT_BINARY_DIR}/debian/postrm)
include(CPack)
