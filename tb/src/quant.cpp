#include "salsa/quant.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace salsa::quant {

namespace {

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

// Two's complement reinterpretation of a 32-bit pattern as int32.
int32_t WrapToInt32(uint32_t u) {
  // Conversion of an out-of-range unsigned value to a signed type is implementation defined
  // before C++20; spell the modulo-2^32 mapping out so the result never depends on it.
  return u <= static_cast<uint32_t>(kInt32Max)
             ? static_cast<int32_t>(u)
             : static_cast<int32_t>(static_cast<int64_t>(u) - (int64_t{1} << 32));
}

}  // namespace

int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == kInt32Min && b == kInt32Min) return kInt32Max;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (int64_t{1} - (int64_t{1} << 30));
  // int64 division truncates toward zero. |ab + nudge| / 2^31 <= 2^31 - 1 except in the
  // saturated case handled above, so the result fits int32.
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31) {
    throw std::invalid_argument("RoundingDivideByPOT: exponent " + std::to_string(exponent) +
                                " outside [0, 31]");
  }
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  // Arithmetic right shift of a negative int32 (floor division by 2^exponent).
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  if (shift < -31 || shift > 31) {
    throw std::invalid_argument("MultiplyByQuantizedMultiplier: shift " + std::to_string(shift) +
                                " outside [-31, 31]");
  }
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // TFLite computes x * (1 << left_shift) in int32; do it modulo 2^32 without signed overflow.
  const int32_t shifted = WrapToInt32(static_cast<uint32_t>(x) << left_shift);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier), right_shift);
}

void QuantizeMultiplier(double real_multiplier, int32_t* quantized_multiplier, int* shift) {
  if (quantized_multiplier == nullptr || shift == nullptr) {
    throw std::invalid_argument("QuantizeMultiplier: null output pointer");
  }
  if (!std::isfinite(real_multiplier)) {
    throw std::invalid_argument("QuantizeMultiplier: real multiplier is not finite");
  }
  if (real_multiplier == 0.0) {
    *quantized_multiplier = 0;
    *shift = 0;
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(real_multiplier, &exponent);  // |fraction| in [0.5, 1)
  // std::round rounds halves away from zero, as TfLiteRound does.
  int64_t q = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {
    // The fraction rounded up to 1.0: renormalise. Like TFLite, only the positive case is
    // renormalised; a negative multiplier may come out as -2^31 (INT32_MIN), which fits.
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    // Everything would be shifted out: flush to zero like TFLite.
    exponent = 0;
    q = 0;
  }
  *quantized_multiplier = static_cast<int32_t>(q);
  *shift = exponent;
}

int8_t Requantize(int32_t acc_plus_bias, int32_t multiplier, int shift, int32_t out_zp,
                  int32_t act_min, int32_t act_max) {
  if (act_min < -128 || act_max > 127 || act_min > act_max) {
    throw std::invalid_argument("Requantize: need -128 <= act_min <= act_max <= 127, got act_min " +
                                std::to_string(act_min) + ", act_max " + std::to_string(act_max));
  }
  const int32_t scaled = MultiplyByQuantizedMultiplier(acc_plus_bias, multiplier, shift);
  int32_t v = WrapToInt32(static_cast<uint32_t>(scaled) + static_cast<uint32_t>(out_zp));
  if (v < act_min) v = act_min;
  if (v > act_max) v = act_max;
  return static_cast<int8_t>(v);
}

}  // namespace salsa::quant
