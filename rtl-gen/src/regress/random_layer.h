// Constrained-random runs for `salsa regress` (docs/regress.md, Generators): from a config, a
// generator name and a seed, the harness arguments of one run (and the layer files it reads).
// Everything is drawn from std::mt19937_64(seed) only, constrained by what the config builds
// (precisions, zero-skip, 2:4, array and scratchpad sizes) and kept to runs of seconds.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "salsa/config.h"

namespace salsa::regress {

struct GeneratedRun {
  std::string generator;          // the generator that drew it (`mixed` resolved)
  std::vector<std::string> args;  // harness arguments (without --json/--trace/--coverage-out)
  // Files the run reads (the `layer` generator's spec and tensors): name in the run directory,
  // and the bytes to write there.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
};

// `run_dir` is where the files will be written (the args name them by absolute path). Throws
// std::invalid_argument for an unknown generator.
GeneratedRun GenerateRun(const Config& cfg, const std::string& generator, uint64_t seed,
                         const std::string& run_dir);

// The budget a generated run stays within: multiply-accumulates of its GEMMs.
uint64_t MacBudget(const Config& cfg);

// K beyond which the tiler splits K (partial sums in the acc scratchpad): the act scratchpad's
// words (each holds one K step of a whole tile).
int KSplitThreshold(const Config& cfg);

}  // namespace salsa::regress
