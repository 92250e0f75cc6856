// FP8 (OCP 8-bit floating point v1.0: E4M3, E5M2) and FP32 arithmetic in plain integer C++, the
// reference for salsa's FP8 datapath (docs/numerics.md). No host floating point is used, so no
// compiler or FPU setting (FMA contraction, flush-to-zero, x87 precision) can change a result.
//
// Conventions shared with the RTL (salsa_fp8_mul, salsa_fp32_add, salsa_fp_out):
// - E4M3: bias 7, no infinities, S.1111.111 is NaN, largest finite 448; E5M2: bias 15, IEEE inf
//   and NaN, largest finite 57344. Subnormals are values, never flushed.
// - Every FP32 NaN result is 0x7FC00000 (bf16 0x7FC0, E4M3 0x7F, E5M2 0x7E).
// - Rounding is to nearest, ties to even, after every operation; x + (-x) is +0; -0 + -0 is -0;
//   inf - inf and 0 * inf are NaN; overflow gives inf.
#pragma once

#include <cstddef>
#include <cstdint>

namespace salsa::fp {

enum class Fp8Format { kE4M3, kE5M2 };

// The FP32 bit pattern of an FP8 code's value (exact: every FP8 value is an FP32 value).
uint32_t Fp8ToFp32(uint8_t code, Fp8Format f);
// The exact product of two FP8 codes of one format, as FP32 bits (always exact in FP32).
uint32_t Fp8Mul(uint8_t a, uint8_t b, Fp8Format f);
// a + b in FP32, RNE.
uint32_t Fp32Add(uint32_t a, uint32_t b);
// a * b in FP32, RNE (subnormal results rounded, not flushed).
uint32_t Fp32Mul(uint32_t a, uint32_t b);
// FP32 to bf16 / FP8, RNE. saturate: a finite value that rounds beyond the largest finite value,
// and +-inf, give +-largest finite; otherwise overflow gives +-inf (bf16, E5M2) or NaN (E4M3).
// NaN gives the format's NaN.
uint16_t Fp32ToBf16(uint32_t x, bool saturate);
uint8_t Fp32ToFp8(uint32_t x, Fp8Format f, bool saturate);

// salsa's FP8 dot product: acc = init; for k = 0..K-1 in order, unless a[k] is +0 or -0 (0x00,
// 0x80: the sparsity gate's zero, which adds nothing), acc = Fp32Add(acc, Fp8Mul(a[k], w[k])).
// w is read at w[k * w_stride].
uint32_t Fp8Dot(uint32_t init, const uint8_t* a, const uint8_t* w, size_t k, size_t w_stride,
                Fp8Format f);

// FP32 bits <-> float by memcpy (for printing and .npy files; no arithmetic).
float BitsToFloat(uint32_t bits);
uint32_t FloatToBits(float f);

}  // namespace salsa::fp
