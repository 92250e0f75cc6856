// Harness text report: the human-readable summary of a run (stdout; omitted with --quiet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checks.h"
#include "options.h"
#include "salsa/axi_dram.h"
#include "salsa/driver.h"

namespace salsa::harness {

// The config, the layer (l: the first GEMM), the DRAM model, the data's sparsity, cycles and
// utilisation, every counter, the failures, and PASS or FAIL: <first failure> as the last line.
void PrintReport(const Options& o, const salsa::FcLayer& l, const salsa::Program& prog,
                 const salsa::AxiDram::Stats& stats, const std::vector<std::string>& violations,
                 const Outcome& r, size_t gemms, uint64_t macs);

}  // namespace salsa::harness
