// TFLite / gemmlowp fixed-point requantisation primitives, bit-exact with TFLite's default
// (double-rounding) int8 kernels. See docs/numerics.md for the arithmetic step by step.
#pragma once

#include <cstdint>

namespace salsa::quant {

// round(a * b / 2^31) with ties rounded towards +infinity (gemmlowp / ARM SQRDMULH semantics);
// the single overflow case a == b == INT32_MIN saturates to INT32_MAX.
int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b);

// x / 2^exponent rounded to nearest, ties away from zero (gemmlowp). exponent must be in [0, 31],
// otherwise std::invalid_argument.
int32_t RoundingDivideByPOT(int32_t x, int exponent);

// TFLite's default MultiplyByQuantizedMultiplier: shift > 0 is a left shift applied to x before the
// high multiply (the product x * 2^shift wraps as 32-bit two's complement), shift < 0 a rounding
// right shift after it. shift must be in [-31, 31], otherwise std::invalid_argument.
int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift);

// TFLite's QuantizeMultiplier: real_multiplier ~= quantized_multiplier * 2^(shift - 31), with
// quantized_multiplier in [2^30, 2^31) for positive inputs. 0 gives (0, 0); magnitudes that would
// need shift < -31 (about |real| < 2^-32) are flushed to (0, 0). A non-finite input throws
// std::invalid_argument.
void QuantizeMultiplier(double real_multiplier, int32_t* quantized_multiplier, int* shift);

// clamp(MultiplyByQuantizedMultiplier(acc_plus_bias, multiplier, shift) + out_zp, act_min, act_max)
// as int8. The + out_zp wraps as int32 (what TFLite's int32 add does in practice). Requires
// -128 <= act_min <= act_max <= 127 (std::invalid_argument otherwise).
int8_t Requantize(int32_t acc_plus_bias, int32_t multiplier, int shift, int32_t out_zp,
                  int32_t act_min, int32_t act_max);

}  // namespace salsa::quant
