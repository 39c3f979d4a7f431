# What `cmake --install` puts where (GNUInstallDirs; docs/install.md):
#   ${bindir}                    aslr-probe, aslr-harness, aslr-analyze
#   ${libexecdir}/aslr-entropy   every probe variant (aslr-probe too) and libaslr-biglib.so,
#                                where an installed harness looks (harness/probedir.h)
#   ${mandir}/man1, man5         the pages of man/, gzipped
#   ${datarootdir}/doc/aslr-entropy   README.md and docs/*.md
# Everything is in component "tool" but the 32-bit probe, in component "m32": it needs a
# 32-bit libc at run time, so the Debian package puts it in a package of its own
# (cmake/AslrPackage.cmake). A plain `cmake --install` installs both.
set(ASLR_PROBE_INSTALL_DIR ${CMAKE_INSTALL_LIBEXECDIR}/aslr-entropy)
set(ASLR_DOC_INSTALL_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/aslr-entropy)

install(TARGETS aslr-probe aslr-harness aslr-analyze RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

get_property(ASLR_PROBE_VARIANTS GLOBAL PROPERTY ASLR_PROBE_VARIANTS)
list(REMOVE_ITEM ASLR_PROBE_VARIANTS aslr-probe-m32)
install(TARGETS ${ASLR_PROBE_VARIANTS} RUNTIME DESTINATION ${ASLR_PROBE_INSTALL_DIR})
if(ASLR_HAVE_M32)
  install(TARGETS aslr-probe-m32 RUNTIME DESTINATION ${ASLR_PROBE_INSTALL_DIR} COMPONENT m32)
endif()
# A library others only read and map: not executable (Debian policy 10.9).
install(TARGETS aslr-biglib LIBRARY DESTINATION ${ASLR_PROBE_INSTALL_DIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

file(GLOB ASLR_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${ASLR_DOCS} DESTINATION ${ASLR_DOC_INSTALL_DIR})
