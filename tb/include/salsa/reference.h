// Plain-C++ software reference for the int8 layers salsa runs: no tiling, no hardware layout,
// TFLite int8 semantics (docs/numerics.md). The RTL's output must equal this bit for bit.
#pragma once

#include <cstdint>
#include <vector>

namespace salsa::ref {

struct FcQuant {
  int32_t input_zero_point = 0;            // int8 range
  int32_t weights_zero_point = 0;          // must be 0 (symmetric weights)
  std::vector<int32_t> output_multiplier;  // size 1 (per-tensor) or N (per-channel)
  std::vector<int32_t> output_shift;       // same size; TFLite convention: > 0 shifts left
  int32_t output_zero_point = 0;           // int8 range
  int32_t act_min = -128, act_max = 127;   // -128 <= act_min <= act_max <= 127
};

// in: [M][K] int8, weights: [N][K] int8 (TFLite filter layout), bias: N int32 or nullptr (no
// bias). Returns [M][N] int8, row-major. Throws std::invalid_argument on invalid shapes or
// quantisation parameters (including a nonzero weights zero point).
std::vector<int8_t> FullyConnected(const int8_t* in, const int8_t* weights, const int32_t* bias,
                                   int M, int K, int N, const FcQuant& q);

// The int32 accumulators before requantisation, acc[m][n] = sum_k (in[m][k] - input_zero_point) *
// weights[n][k] + bias[n] (int32, wrapping), [M][N] row-major.
std::vector<int32_t> FullyConnectedAcc(const int8_t* in, const int8_t* weights, const int32_t* bias,
                                       int M, int K, int N, int32_t input_zero_point);

}  // namespace salsa::ref
