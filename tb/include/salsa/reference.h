// Plain-C++ software reference for the int8 layers salsa runs: no tiling, no hardware layout,
// TFLite int8 semantics (docs/numerics.md). The RTL's output must equal this bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/fp8.h"
#include "salsa/hw_contract.h"

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

// FP8 layers (reference_fp8.cpp, docs/numerics.md). The output conversion of one FP32
// accumulator: y = fp::Fp32Mul(acc, scale) (RNE; also for scale 1.0), then as is (kOutFp32),
// fp::Fp32ToBf16 (kOutBf16) or fp::Fp32ToFp8 (kOutFp8E4M3/E5M2) with `saturate`; the element's
// bits widened to 32. Throws std::invalid_argument for kOutInt8 or an unknown format.
uint32_t Fp8Output(uint32_t acc, contract::OutFmt fmt, uint32_t scale, bool saturate);

// The FP8 format of a COMPUTE precision (kPrecFp8E4M3 / kPrecFp8E5M2; throws otherwise).
fp::Fp8Format Fp8FormatOf(contract::Prec prec);

// An FP8 GEMM: out[m][n] = Fp8Output(fp::Fp8Dot(bias[n] or +0, in[m][.], w column n, K)).
// With `slices` S > 1 (the gemv plan's K slices, docs/numerics.md) the sum is taken the way the
// array takes it: slice i adds k = i, i + S, .. in order (slice 0 from the bias, the others
// from +0), then ((p[S-1] + p[S-2]) + ..) + p[0] in FP32.
// in: [M][K] codes; weights: element (n, k) at w[n * n_stride + k * k_stride] ([N][K]: n_stride K,
// k_stride 1; a matmul's [K][N]: n_stride 1, k_stride N); bias: N FP32 bits or nullptr. Returns
// [M][N] elements (Fp8Output's bits), row-major.
std::vector<uint32_t> Fp8Gemm(const uint8_t* in, const uint8_t* w, const uint32_t* bias, int M,
                              int K, int N, size_t n_stride, size_t k_stride, fp::Fp8Format f,
                              contract::OutFmt fmt, uint32_t scale, bool saturate,
                              unsigned slices = 1);

}  // namespace salsa::ref
