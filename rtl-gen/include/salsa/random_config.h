// Random valid configurations for `salsa regress --random-configs N` (issue 15): variants nobody
// wrote down. Each draw comes from std::mt19937_64(seed) only, so a seed gives the same config
// on every platform.
#pragma once

#include <cstdint>
#include <string>

namespace salsa {

// The YAML text of a config named "rand_<seed>" that ParseConfig accepts: array shape, dataflow,
// bus width and burst/outstanding limits, scratchpad sizes, sparsity options and precisions drawn
// over the legal space (kept to sizes that verilate and simulate in reasonable time).
std::string RandomConfigYaml(uint64_t seed);

}  // namespace salsa
