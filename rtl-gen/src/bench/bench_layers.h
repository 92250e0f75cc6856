// The conv2d layer file of a benchmark case, written with the project's .npy and layer-file
// formats (docs/layers.md).
#pragma once

#include <cstdint>
#include <string>

#include "bench/bench_model.h"

namespace salsa::bench {

// Writes <dir>/<case.name>.yaml and its .npy tensors for a conv case: input [1, H, W, C] with
// input zero point -128 and about half the activations equal to it (post-ReLU-like), weights
// [O, k, k, C] in [-127, 127], int32 bias [O], 3x3 SAME stride 1, real scales chosen so the
// outputs span the int8 range, fused ReLU (act_min = output zero point = -128). Seeded; returns
// the layer file's path. Throws std::invalid_argument for a non-conv case, NpyError on I/O.
std::string WriteConvLayer(const std::string& dir, const BenchCase& c, uint64_t seed);

}  // namespace salsa::bench
