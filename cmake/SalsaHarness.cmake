# salsa_add_harness(<target> (RTL_DIR <dir> | CONFIG <file.yaml> [GEN_ARGS <arg>...]) [TRACE]
#                   [COVERAGE])
#
# Builds <target>: the Verilator harness (tb/harness/*.cpp: harness_main.cpp with the AXI/CSR glue,
# options, checks, runs and reports) linked with the Verilated model of one generated accelerator.
# With RTL_DIR, the RTL is taken from a directory written by `salsa gen` (e.g. the committed
# rtl/<preset>); with CONFIG, `salsa gen` is run at configure time (SALSA_EXECUTABLE must name the
# generator) into ${CMAKE_CURRENT_BINARY_DIR}/<target>_rtl, with GEN_ARGS added to its command line.
#
#   include(${SALSA_SOURCE_DIR}/cmake/SalsaHarness.cmake)
#   salsa_add_harness(my_variant CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/my_variant.yaml)
#
# Verilator's own CMake package does the verilating (verilate()). COVERAGE verilates with line and
# toggle coverage (--coverage-line --coverage-toggle, toggle points on signals up to 1024 bits wide:
# the widest buses, 512-bit AXI data and acc words, count; scratchpad arrays do not) and the
# harness takes --coverage-out FILE.dat (docs/coverage.md).
# SALSA_MODEL_LIBRARY and SALSA_HARNESS_LIBRARY, when they name a salsa build tree's
# libsalsa_model.a and libsalsa_harness_common.a, are linked instead of building both from source.

get_filename_component(SALSA_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

# The libraries every harness links: salsa_model (the software side) and salsa_harness_common (the
# harness sources that depend on no variant: options, checks, run setup, the end of a run,
# reports; build_info.h). A salsa build tree defines both (tb/CMakeLists.txt); salsa run's cached
# builds import the build tree's archives (SALSA_MODEL_LIBRARY, SALSA_HARNESS_LIBRARY), so a new
# variant compiles only its model and the few sources that include its headers.
function(salsa_harness_libraries)
  if(NOT TARGET CLI11::CLI11)
    find_package(CLI11 REQUIRED)
  endif()
  if(TARGET salsa_model)
    return()
  endif()
  find_package(nlohmann_json REQUIRED)
  if(SALSA_MODEL_LIBRARY AND EXISTS "${SALSA_MODEL_LIBRARY}" AND SALSA_HARNESS_LIBRARY
     AND EXISTS "${SALSA_HARNESS_LIBRARY}")
    add_library(salsa_model STATIC IMPORTED GLOBAL)
    set_target_properties(salsa_model PROPERTIES
      IMPORTED_LOCATION "${SALSA_MODEL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SALSA_SOURCE_DIR}/tb/include;${SALSA_SOURCE_DIR}/rtl-gen/include"
      INTERFACE_LINK_LIBRARIES "nlohmann_json::nlohmann_json;yaml-cpp")
    add_library(salsa_harness_common STATIC IMPORTED GLOBAL)
    set_target_properties(salsa_harness_common PROPERTIES
      IMPORTED_LOCATION "${SALSA_HARNESS_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SALSA_SOURCE_DIR}/tb/harness"
      INTERFACE_LINK_LIBRARIES "salsa_model;CLI11::CLI11")
  else()
    if(NOT DEFINED SALSA_WARNINGS)
      set(SALSA_WARNINGS -Wall -Wextra)
    endif()
    add_subdirectory(${SALSA_SOURCE_DIR}/tb ${CMAKE_BINARY_DIR}/salsa_tb)
  endif()
endfunction()

function(salsa_add_harness target)
  cmake_parse_arguments(ARG "TRACE;COVERAGE" "RTL_DIR;CONFIG" "GEN_ARGS" ${ARGN})
  salsa_harness_libraries()
  if(NOT COMMAND verilate)
    find_package(verilator REQUIRED HINTS /usr/share/verilator)
  endif()

  if(ARG_CONFIG)
    if(NOT SALSA_EXECUTABLE)
      message(FATAL_ERROR "salsa_add_harness(${target} CONFIG ...): set SALSA_EXECUTABLE to the salsa generator")
    endif()
    set(rtl_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_rtl)
    execute_process(COMMAND ${SALSA_EXECUTABLE} gen ${ARG_CONFIG} -o ${rtl_dir} ${ARG_GEN_ARGS}
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

  # The harness sources compiled per target: those that include its Vsalsa_top.h or salsa_params.h
  # (build_info.cpp turns the latter into kBuildInfo for salsa_harness_common). axi_port.{h,cpp}
  # is the AXI/CSR glue, reusable by other testbenches.
  set(harness_dir ${SALSA_SOURCE_DIR}/tb/harness)
  add_executable(${target}
    ${harness_dir}/harness_main.cpp
    ${harness_dir}/axi_port.cpp
    ${harness_dir}/run_job.cpp
    ${harness_dir}/sram_faults.cpp
    ${harness_dir}/build_info.cpp)
  target_include_directories(${target} PRIVATE ${rtl_dir})
  target_link_libraries(${target} PRIVATE salsa_harness_common salsa_model CLI11::CLI11)
  set(trace_args)
  if(ARG_TRACE)
    set(trace_args TRACE_FST)
  endif()
  set(coverage_args)
  if(ARG_COVERAGE)
    set(coverage_args --coverage-line --coverage-toggle --coverage-max-width 1024)
  endif()
  # Every file of the generated filelist, so that a change to any module re-verilates. With
  # sram.macro: blackbox, salsa_sim.f adds the SRAM macro's behavioural model to salsa.f.
  set(filelist ${rtl_dir}/salsa.f)
  if(EXISTS ${rtl_dir}/salsa_sim.f)
    set(filelist ${rtl_dir}/salsa_sim.f)
  endif()
  file(STRINGS ${filelist} rtl_files REGEX "^[^/].*\\.v$")
  list(TRANSFORM rtl_files PREPEND ${rtl_dir}/)
  # sram.ecc builds: salsa_sim.vlt makes the SRAM banks reachable for --flip-bits.
  if(EXISTS ${rtl_dir}/salsa_sim.vlt)
    list(PREPEND rtl_files ${rtl_dir}/salsa_sim.vlt)
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${filelist})
  verilate(${target}
    SOURCES ${rtl_files}
    TOP_MODULE salsa_top
    PREFIX Vsalsa_top
    ${trace_args}
    VERILATOR_ARGS -Wall -O3 --x-assign fast --x-initial fast
                   --output-split 20000 ${coverage_args}
    # Code that runs once (constructors, initial settle, trace declarations, the coverage points'
    # registration) at -O0: the harness builds several times faster (docs/simulation-speed.md).
    OPT_SLOW -O0)
  # The per-cycle trace code runs only with --trace: -O1 is enough.
  get_target_property(bin_dir ${target} BINARY_DIR)
  file(GLOB trace_fast ${bin_dir}/CMakeFiles/${target}.dir/Vsalsa_top.dir/Vsalsa_top__Trace__[0-9]*.cpp)
  list(FILTER trace_fast EXCLUDE REGEX "__Slow\\.cpp$")
  set_property(SOURCE ${trace_fast} APPEND_STRING PROPERTY COMPILE_FLAGS " -O1")
endfunction()

# salsa_add_sc_harness(<target> RTL_DIR <dir> [EXAMPLE <example_target>])
#
# Builds <target>: the SystemC harness (tb/systemc: sc_main.cpp, the AXI pin adapter, the TLM-2.0
# DRAM target and the CSR master, with tb/harness's options, setup, checks and reports) linked with
# the model of the RTL in <dir> verilated with --sc, in library <target>_model. With EXAMPLE, also
# <example_target>: tb/systemc/example_platform.cpp (docs/systemc.md's example) on the same model.
# SystemC is Debian's libsystemc-dev (2.3.4, built for C++17), which has no CMake package:
# Verilator's lookup is pointed at its header and library (override SYSTEMC_INCLUDE/SYSTEMC_LIBDIR).
function(salsa_add_sc_harness target)
  cmake_parse_arguments(ARG "" "RTL_DIR;EXAMPLE" "" ${ARGN})
  if(NOT ARG_RTL_DIR)
    message(FATAL_ERROR "salsa_add_sc_harness(${target}): give RTL_DIR")
  endif()
  salsa_harness_libraries()
  if(NOT COMMAND verilate)
    find_package(verilator REQUIRED HINTS /usr/share/verilator)
  endif()
  if(NOT SYSTEMC_INCLUDE)
    set(SYSTEMC_INCLUDE /usr/include)
  endif()
  if(NOT SYSTEMC_LIBDIR)
    set(SYSTEMC_LIBDIR /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
  endif()

  set(rtl_dir ${ARG_RTL_DIR})
  set(filelist ${rtl_dir}/salsa.f)
  if(EXISTS ${rtl_dir}/salsa_sim.f)
    set(filelist ${rtl_dir}/salsa_sim.f)
  endif()
  file(STRINGS ${filelist} rtl_files REGEX "^[^/].*\\.v$")
  list(TRANSFORM rtl_files PREPEND ${rtl_dir}/)
  if(EXISTS ${rtl_dir}/salsa_sim.vlt)
    list(PREPEND rtl_files ${rtl_dir}/salsa_sim.vlt)
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${filelist})

  # The model, once for the harness and the example.
  add_library(${target}_model STATIC ${SALSA_SOURCE_DIR}/tb/systemc/dram_target.cpp
              ${SALSA_SOURCE_DIR}/tb/systemc/axi_pin_adapter.cpp
              ${SALSA_SOURCE_DIR}/tb/systemc/csr_master.cpp)
  verilate(${target}_model SYSTEMC
    SOURCES ${rtl_files}
    TOP_MODULE salsa_top
    PREFIX Vsalsa_top
    VERILATOR_ARGS -Wall -O3 --x-assign fast --x-initial fast
                   --output-split 20000
    OPT_SLOW -O0)
  verilator_link_systemc(${target}_model)
  target_include_directories(${target}_model PUBLIC ${rtl_dir} ${SALSA_SOURCE_DIR}/tb/systemc)
  target_compile_definitions(${target}_model INTERFACE VM_SC=1 VM_TRACE=0 VM_TRACE_FST=0
                             VM_TRACE_VCD=0 VM_COVERAGE=0)
  target_link_libraries(${target}_model PUBLIC salsa_model)

  set(harness_dir ${SALSA_SOURCE_DIR}/tb/harness)
  set(sc_dir ${SALSA_SOURCE_DIR}/tb/systemc)
  set_source_files_properties(${sc_dir}/dram_target.cpp ${sc_dir}/axi_pin_adapter.cpp
                              ${sc_dir}/csr_master.cpp ${sc_dir}/sc_main.cpp ${sc_dir}/sc_run_job.cpp
                              ${sc_dir}/example_platform.cpp
                              PROPERTIES COMPILE_OPTIONS "${SALSA_WARNINGS}")
  add_executable(${target} ${sc_dir}/sc_main.cpp ${sc_dir}/sc_run_job.cpp
                 ${harness_dir}/build_info.cpp)
  target_include_directories(${target} PRIVATE ${harness_dir})
  target_link_libraries(${target} PRIVATE ${target}_model salsa_harness_common salsa_model
                        CLI11::CLI11)
  if(ARG_EXAMPLE)
    add_executable(${ARG_EXAMPLE} ${sc_dir}/example_platform.cpp)
    target_link_libraries(${ARG_EXAMPLE} PRIVATE ${target}_model salsa_model)
  endif()
endfunction()
