// This build's config facts, for the harness sources that are compiled once for every variant
// (options, checks, run setup, reports): build_info.cpp, compiled per variant, defines kBuildInfo
// from that variant's salsa_params.h. Only build_info.cpp and the sources that drive the
// Verilated model (harness_main.cpp, axi_port.cpp, run_job.cpp) include salsa_params.h, so the
// rest is built once in salsa's build tree (salsa_harness_common) and linked by every harness.
#pragma once

#include <cstddef>

#include "salsa/hw_params.h"

namespace salsa::harness {

struct BuildInfo {
  const char* name;              // config name
  const char* config_hash;       // hash of the config the RTL was generated from
  bool gating;                   // sparsity.gating: zero operands are counted as gated
  bool trace_fst;                // the model was verilated with --trace-fst (--trace works)
  bool coverage;                 // the model was verilated with coverage (--coverage-out works)
  unsigned axi_timeout_cycles;   // axi.timeout_cycles: the DMAs' watchdog (0: none)
  bool sram_ecc;                 // sram.ecc: secded (ECC_CORRECTED, ECC_STATUS, --flip-bits)
  const char* const* ecc_spads;  // the scratchpads ECC_STATUS bits 23:16 index
  std::size_t num_ecc_spads;
  salsa::HwParams hw;  // the hardware parameters the driver and the models need
};
extern const BuildInfo kBuildInfo;

}  // namespace salsa::harness
