# salsa_add_harness(<target> (RTL_DIR <dir> | CONFIG <file.yaml>) [TRACE])
#
# Builds <target>: the Verilator harness (tb/harness/*.cpp: harness_main.cpp with the AXI/CSR glue,
# options, checks, runs and reports) linked with the Verilated model of one generated accelerator.
# With RTL_DIR, the RTL is taken from a directory written by `salsa gen` (e.g. the committed
# rtl/<preset>); with CONFIG, `salsa gen` is run at configure time (SALSA_EXECUTABLE must name the
# generator) into ${CMAKE_CURRENT_BINARY_DIR}/<target>_rtl.
#
#   include(${SALSA_SOURCE_DIR}/cmake/SalsaHarness.cmake)
#   salsa_add_harness(my_variant CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/my_variant.yaml)
#
# Verilator's own CMake package does the verilating (verilate()). SALSA_MODEL_LIBRARY, when it
# names an existing libsalsa_model.a, is linked instead of building salsa_model from source.

get_filename_component(SALSA_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

function(salsa_add_harness target)
  cmake_parse_arguments(ARG "TRACE" "RTL_DIR;CONFIG" "" ${ARGN})
  if(NOT TARGET salsa_model)
    find_package(nlohmann_json REQUIRED)
    if(SALSA_MODEL_LIBRARY AND EXISTS "${SALSA_MODEL_LIBRARY}")
      # A salsa build tree's libsalsa_model.a (salsa run's cached builds pass it), not compiled
      # again for every variant.
      add_library(salsa_model STATIC IMPORTED)
      set_target_properties(salsa_model PROPERTIES
        IMPORTED_LOCATION "${SALSA_MODEL_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${SALSA_SOURCE_DIR}/tb/include;${SALSA_SOURCE_DIR}/rtl-gen/include"
        INTERFACE_LINK_LIBRARIES "nlohmann_json::nlohmann_json;yaml-cpp")
    else()
      if(NOT DEFINED SALSA_WARNINGS)
        set(SALSA_WARNINGS -Wall -Wextra)
      endif()
      add_subdirectory(${SALSA_SOURCE_DIR}/tb ${CMAKE_BINARY_DIR}/salsa_tb)
    endif()
  endif()
  if(NOT TARGET CLI11::CLI11)
    find_package(CLI11 REQUIRED)
  endif()
  if(NOT COMMAND verilate)
    find_package(verilator REQUIRED HINTS /usr/share/verilator)
  endif()

  if(ARG_CONFIG)
    if(NOT SALSA_EXECUTABLE)
      message(FATAL_ERROR "salsa_add_harness(${target} CONFIG ...): set SALSA_EXECUTABLE to the salsa generator")
    endif()
    set(rtl_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_rtl)
    execute_process(COMMAND ${SALSA_EXECUTABLE} gen ${ARG_CONFIG} -o ${rtl_dir}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "salsa gen ${ARG_CONFIG} failed: ${err}")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_CONFIG})
  elseif(ARG_RTL_DIR)
    set(rtl_dir ${ARG_RTL_DIR})
  else()
    message(FATAL_ERROR "salsa_add_harness(${target}): give RTL_DIR or CONFIG")
  endif()

  # The harness sources, compiled per target: they include that target's Vsalsa_top.h and
  # salsa_params.h (options.cpp does not: it takes the config's facts from build_info.cpp). axi_port.{h,cpp} is the AXI/CSR glue, reusable by other testbenches.
  set(harness_dir ${SALSA_SOURCE_DIR}/tb/harness)
  add_executable(${target}
    ${harness_dir}/harness_main.cpp
    ${harness_dir}/axi_port.cpp
    ${harness_dir}/options.cpp
    ${harness_dir}/build_info.cpp
    ${harness_dir}/checks.cpp
    ${harness_dir}/run_job.cpp
    ${harness_dir}/report.cpp
    ${harness_dir}/json_report.cpp)
  target_include_directories(${target} PRIVATE ${rtl_dir})
  target_link_libraries(${target} PRIVATE salsa_model CLI11::CLI11)
  set(trace_args)
  if(ARG_TRACE)
    set(trace_args TRACE_FST)
  endif()
  # Every file of the generated filelist, so that a change to any module re-verilates. With
  # sram.macro: blackbox, salsa_sim.f adds the SRAM macro's behavioural model to salsa.f.
  set(filelist ${rtl_dir}/salsa.f)
  if(EXISTS ${rtl_dir}/salsa_sim.f)
    set(filelist ${rtl_dir}/salsa_sim.f)
  endif()
  file(STRINGS ${filelist} rtl_files REGEX "^[^/].*\\.v$")
  list(TRANSFORM rtl_files PREPEND ${rtl_dir}/)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${filelist})
  verilate(${target}
    SOURCES ${rtl_files}
    TOP_MODULE salsa_top
    PREFIX Vsalsa_top
    ${trace_args}
    VERILATOR_ARGS -Wall -O3 --x-assign fast --x-initial fast
                   --output-split 20000
    # Code that runs once (constructors, initial settle, trace declarations) at -O0: the
    # harness builds several times faster (docs/simulation-speed.md).
    OPT_SLOW -O0)
  # The per-cycle trace code runs only with --trace: -O1 is enough.
  get_target_property(bin_dir ${target} BINARY_DIR)
  file(GLOB trace_fast ${bin_dir}/CMakeFiles/${target}.dir/Vsalsa_top.dir/Vsalsa_top__Trace__[0-9]*.cpp)
  list(FILTER trace_fast EXCLUDE REGEX "__Slow\\.cpp$")
  set_property(SOURCE ${trace_fast} APPEND_STRING PROPERTY COMPILE_FLAGS " -O1")
endfunction()
