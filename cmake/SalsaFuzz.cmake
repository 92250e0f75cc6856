# The libFuzzer targets (tests/fuzz, docs/reliability.md): a separate CMake project built with
# clang++ through ExternalProject (no download: its source is tests/fuzz), when clang++ can link
# -fsanitize=fuzzer,address,undefined (Debian clang and libclang-rt-14-dev, scripts/install-deps).
# Otherwise the fuzz tests are skipped with a message. Sets SALSA_FUZZ_DIR (where the fuzzers are
# built) if they are.
option(SALSA_FUZZ "Build the libFuzzer targets of the parsers with clang++ and run them (label fuzz)" ON)
set(SALSA_FUZZ_JOBS 1 CACHE STRING "Parallel jobs of the fuzz targets' build")
unset(SALSA_FUZZ_DIR)
if(SALSA_FUZZ)
  find_program(SALSA_CLANGXX NAMES clang++ clang++-14)
  if(SALSA_CLANGXX AND NOT DEFINED SALSA_FUZZ_WORKS)
    # Does clang++ link a fuzzer with the sanitizers? (libFuzzer and the sanitizer runtimes.)
    set(probe ${CMAKE_BINARY_DIR}/CMakeFiles/salsa_fuzz_probe)
    file(WRITE ${probe}.cpp
         "#include <cstddef>\n#include <cstdint>\n"
         "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
    execute_process(COMMAND ${SALSA_CLANGXX} -fsanitize=fuzzer,address,undefined ${probe}.cpp
                            -o ${probe} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(rc EQUAL 0)
      set(SALSA_FUZZ_WORKS ON CACHE INTERNAL "clang++ links libFuzzer targets")
    else()
      string(REGEX REPLACE "\n.*" "" err "${err}")
      set(SALSA_FUZZ_WORKS OFF CACHE INTERNAL "clang++ links libFuzzer targets")
      set(SALSA_FUZZ_WHY "${SALSA_CLANGXX} cannot link -fsanitize=fuzzer: ${err}")
    endif()
  endif()
  if(NOT SALSA_CLANGXX)
    message(STATUS "Fuzz targets skipped: no clang++ (Debian packages clang, libclang-rt-14-dev)")
  elseif(NOT SALSA_FUZZ_WORKS)
    message(STATUS "Fuzz targets skipped: ${SALSA_FUZZ_WHY} (Debian clang, libclang-rt-14-dev)")
  else()
    include(ExternalProject)
    set(SALSA_FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz)
    ExternalProject_Add(salsa_fuzzers
      SOURCE_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz
      BINARY_DIR ${SALSA_FUZZ_DIR}
      CMAKE_ARGS -DCMAKE_CXX_COMPILER=${SALSA_CLANGXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo
      BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> -j ${SALSA_FUZZ_JOBS}
      BUILD_ALWAYS ON
      INSTALL_COMMAND "")
    message(STATUS "Fuzz targets: built with ${SALSA_CLANGXX} in ${SALSA_FUZZ_DIR}")
  endif()
endif()
