# Helpers shared by every dnp CMakeLists.

# add_dnp_unittest(<name> SOURCES <files...> LIBS <libs...>)
# A GoogleTest executable registered with CTest (one CTest entry per test case,
# so ctest reports real counts). Built into build/unittests.
function(add_dnp_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/unittests)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  # Tests include generated dialect headers directly.
  add_dependencies(${name} dnp-tablegen)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  add_dependencies(dnp-unittests ${name})
endfunction()

# dnp_export_library(<name>): the usage requirements and install rule every
# dnp library shares. Headers come from include/ (and the generated ones from
# build/include) in the build tree and from <prefix>/include once installed;
# the library joins the DNPTargets export set (cmake/DNPInstall.cmake), so
# `find_package(DNP)` gives it as DNP::<name>, and the same name works inside
# this build through an alias.
function(dnp_export_library name)
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  install(TARGETS ${name} EXPORT DNPTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dnp)
  add_library(DNP::${name} ALIAS ${name})
endfunction()

# add_dnp_plain_library(<name> <sources...> [LINK <libs...>])
# A static library of plain C++ (no MLIR, no LibTorch): the cost model, the
# reference kernels, .npy I/O. Position independent so the plugin can use it.
function(add_dnp_plain_library name)
  cmake_parse_arguments(ARG "" "" "LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  dnp_export_library(${name})
  if(ARG_LINK)
    target_link_libraries(${name} PUBLIC ${ARG_LINK})
  endif()
endfunction()

# add_dnp_mlir_library(<name> <sources...> [DEPENDS <targets...>]
#                      [LINK <libs...>])
# A dnp library that uses MLIR/LLVM. It links the shared libMLIR.so and
# libLLVM.so (never the static MLIR*.a archives): Debian's mlir-opt loads the
# shared ones, and a second copy of MLIR's registries inside DNPPlugin.so
# would break dialect and pass registration.
function(add_dnp_mlir_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  add_dependencies(${name} dnp-tablegen ${ARG_DEPENDS})
  dnp_export_library(${name})
  # LLVM's exported targets carry no include directories or definitions; a
  # consumer of the installed library gets them from here.
  target_include_directories(${name} SYSTEM PUBLIC
    $<INSTALL_INTERFACE:${LLVM_INCLUDE_DIRS}>
    $<INSTALL_INTERFACE:${MLIR_INCLUDE_DIRS}>)
  set(defs ${LLVM_DEFINITIONS_LIST})
  list(TRANSFORM defs REPLACE "^-D" "")
  # Quoted: a generator expression must hold the whole list.
  target_compile_definitions(${name} PUBLIC "$<INSTALL_INTERFACE:${defs}>")
  target_link_libraries(${name} PUBLIC ${ARG_LINK} MLIR LLVM)
endfunction()

# add_dnp_tablegen_target(<name>): add_public_tablegen_target plus the
# registration with dnp-tablegen that every dnp library waits for.
function(add_dnp_tablegen_target name)
  add_public_tablegen_target(${name})
  add_dependencies(dnp-tablegen ${name})
endfunction()
