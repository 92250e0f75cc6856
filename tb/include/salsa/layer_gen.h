// Fully connected layers for tests and the harness: seeded random ones, and TFLite Micro vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salsa/driver.h"
#include "salsa/reference.h"

namespace salsa {

// A random layer from std::mt19937_64(seed): int8 data with the extremes -128/127 present and a
// share of activations equal to the input zero point, bias on the scale of the accumulators, and a
// per-tensor output scale chosen from the accumulator range (QuantizeMultiplier) so the outputs
// span the int8 range with a few percent clipped at each end. Throws std::invalid_argument for
// sizes < 1.
enum class FcData {
  kRandom,    // as above
  kExtremes,  // activations, weights and the input zero point all -128 or 127; bias +-2^24
  kUnitScale, // |x - zp| <= 1, |w| <= 1, small bias, real output multiplier exactly 1: every
              // accumulator unit shows in the output (catches off-by-one accumulation errors)
};
FcLayer MakeRandomFc(int M, int K, int N, uint64_t seed, FcData data = FcData::kRandom);

// Reads one tflite-micro-fc JSON vector (see shared/vectors/README.md). Throws
// std::invalid_argument (one line naming the file) for an unreadable or malformed file, a nonzero
// weights zero point, which this hardware does not run. Per-channel vectors fill
// channel_multiplier/channel_shift.
FcLayer LoadTfliteVector(const std::string& json_path);

// Turns a per-tensor layer into a per-channel one: channel n's real scale is the layer's times a
// seeded factor in [0.5, 2], converted with QuantizeMultiplier.
void MakePerChannel(FcLayer* layer, uint64_t seed);

// The quantisation of `layer` (per-tensor or per-channel) in the reference's terms.
ref::FcQuant RefQuant(const FcLayer& layer);

// salsa::ref::FullyConnected of `layer`: the bit-exact expected output, [M][N].
std::vector<int8_t> ReferenceOutput(const FcLayer& layer);

}  // namespace salsa
