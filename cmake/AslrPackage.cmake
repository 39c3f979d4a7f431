# `cpack -G DEB` in a build folder: the Debian packages of what cmake/AslrInstall.cmake
# installs, under /usr (docs/install.md):
#   aslr-entropy       component tool: Depends from dpkg-shlibdeps (libc6, libjansson4, and
#                      the sanitizer runtimes of a sanitized build); Recommends gnuplot-nox
#                      (the plots; the numbers do without it); Suggests aslr-entropy-m32
#   aslr-entropy-m32   component m32, where it was built: the 32-bit probe, so its
#                      Depends (libc6-i386, from dpkg-shlibdeps) bind only who wants it
set(ASLR_PACKAGE_MAINTAINER "aslr-entropy maintainers <maintainers@aslr-entropy.invalid>"
  CACHE STRING "The Maintainer field of the Debian packages")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aslr-entropy)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${ASLR_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "measure the ASLR entropy a Linux kernel gives each part of a process")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tool)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_TOOL_PACKAGE_NAME aslr-entropy)
set(CPACK_DEBIAN_TOOL_DESCRIPTION "aslr-harness fork-execs a probe program thousands of times under each
setting of /proc/sys/kernel/randomize_va_space, restoring it on every way
out, and keeps every record of the probe's addresses. aslr-analyze turns
the samples into per-region entropy labelled with its estimator (an
estimate, an upper or a lower bound), what one leaked address gives away,
plots and a report, and compares runs as a CI gate.")
set(CPACK_DEBIAN_TOOL_PACKAGE_RECOMMENDS gnuplot-nox)

if(ASLR_HAVE_M32)
  list(APPEND CPACK_COMPONENTS_ALL m32)
  set(CPACK_DEBIAN_TOOL_PACKAGE_SUGGESTS aslr-entropy-m32)
  set(CPACK_DEBIAN_M32_PACKAGE_NAME aslr-entropy-m32)
  set(CPACK_DEBIAN_M32_DESCRIPTION "The 32-bit probe (aslr-harness --variants m32): the compat layout, whose
mmap randomization vm.mmap_rnd_compat_bits sets. It needs a 32-bit libc.")
  set(CPACK_DEBIAN_M32_PACKAGE_DEPENDS "aslr-entropy (= ${PROJECT_VERSION})")
endif()
include(CPack)
