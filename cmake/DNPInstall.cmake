# Install layout, CMake package and Debian package of dnp.
#
#   <prefix>/bin                    dnp-opt, dnp-run, dnp-compile, dnp-train,
#                                   dnp (launcher), dnp-import-onnx, dnp-report
#   <prefix>/lib                    the dnp libraries (static, PIC), DNPPlugin.so
#   <prefix>/lib/cmake/dnp          DNPConfig.cmake, version file, targets
#   <prefix>/include/dnp            public headers, .td files, generated .inc
#   <prefix>/lib/python3/dist-packages/dnp   the Python package (Debian's path)
#   <prefix>/share/dnp/runtime      startup, harness, linker scripts, build.sh,
#                                   run.sh (dnp-compile output links with it)
#   <prefix>/share/doc/dnp          README and docs/
#
# Every path in the installed files is relative to the prefix, so a prefix
# can be moved (the package config computes its prefix from its own place).
# LLVM/MLIR and LibTorch stay where Debian puts them: the config finds them
# with find_dependency, and the tools keep an RPATH to /usr/lib/llvm-22/lib.
include(CMakePackageConfigHelpers)

set(DNP_VERSION_STRING "${PROJECT_VERSION}")
set(DNP_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/dnp")
set(DNP_INSTALL_PYTHONDIR "lib/python3/dist-packages")
set(DNP_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/dnp")

# Headers: the sources, the tablegen inputs (a consumer may include our .td
# files in its own), and the generated declarations.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/dnp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT dnp
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY "${PROJECT_BINARY_DIR}/include/dnp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT dnp
  FILES_MATCHING PATTERN "*.inc")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/"
  DESTINATION "${DNP_INSTALL_DATADIR}/runtime" COMPONENT dnp
  USE_SOURCE_PERMISSIONS)
install(FILES "${PROJECT_SOURCE_DIR}/README.md"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT dnp)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT dnp)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/python/dnp"
  DESTINATION "${DNP_INSTALL_PYTHONDIR}" COMPONENT dnp
  PATTERN "__pycache__" EXCLUDE)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/python/bin/dnp-import-onnx"
                 "${PROJECT_SOURCE_DIR}/python/bin/dnp-report"
  DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT dnp)

# The CMake package.
install(EXPORT DNPTargets NAMESPACE DNP::
  DESTINATION "${DNP_INSTALL_CMAKEDIR}" COMPONENT dnp)
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/DNPConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/lib/cmake/dnp/DNPConfig.cmake"
  INSTALL_DESTINATION "${DNP_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR
            CMAKE_INSTALL_LIBDIR DNP_INSTALL_DATADIR DNP_INSTALL_PYTHONDIR)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/lib/cmake/dnp/DNPConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/lib/cmake/dnp/DNPConfig.cmake"
              "${PROJECT_BINARY_DIR}/lib/cmake/dnp/DNPConfigVersion.cmake"
  DESTINATION "${DNP_INSTALL_CMAKEDIR}" COMPONENT dnp)

# The Debian package: `cpack -G DEB` in the build directory. The dependencies
# are the Debian packages whose shared libraries and tools the installed
# files use (dpkg-shlibdeps is not used: the LLVM/MLIR libraries live in
# /usr/lib/llvm-22/lib, outside the shlibs database).
set(CPACK_PACKAGE_NAME "dnp")
set(CPACK_PACKAGE_VENDOR "dnp")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "MCU-aware differentiable network pruning and Cortex-M compiler (MLIR)")
set(CPACK_PACKAGE_CONTACT "dnp developers <dnp@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libmlir-22, libllvm22, libstdc++6, zlib1g, python3, python3-numpy")
if(DNP_ENABLE_TORCH)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libtorch1.13, libgloo0")
endif()
# Headers and CMake files are only useful with the development packages.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
  "libmlir-22-dev, llvm-22-dev, gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, python3-onnx, python3-torch")
set(CPACK_GENERATOR "DEB")
include(CPack)
