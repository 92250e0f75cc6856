// Hand-checked corner cases of the TFLite fixed-point primitives and the plain FC reference.
// Every expected value below is worked out in the comment next to it (docs/numerics.md).
#include "salsa/quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/reference.h"

namespace {

using salsa::quant::MultiplyByQuantizedMultiplier;
using salsa::quant::QuantizeMultiplier;
using salsa::quant::Requantize;
using salsa::quant::RoundingDivideByPOT;
using salsa::quant::SaturatingRoundingDoublingHighMul;

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kHalf = 1 << 30;  // 0.5 in Q0.31

// ---------------------------------------------------------------------------------------------
// SaturatingRoundingDoublingHighMul: round(a*b / 2^31), ties towards +inf, one saturating case.

TEST(QuantTest, SrdhmSaturatesMinTimesMin) {
  // (-2^31) * (-2^31) / 2^31 = 2^31, not representable: saturates to INT32_MAX.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMin), kMax);
}

TEST(QuantTest, SrdhmExtremesThatDoNotSaturate) {
  // (-2^31) * (2^31 - 1) / 2^31 = -(2^31 - 1) exactly = -2147483647.
  // ab + nudge = -2^62 + 2^31 + 1 - 2^30; / 2^31 = -2147483647.4999... -> trunc -2147483647.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMax), -2147483647);
  // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31 -> 2147483646.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMax, kMax), 2147483646);
  // x * (-2^31) / 2^31 = -x exactly.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(12345, kMin), -12345);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-12345, kMin), 12345);
}

TEST(QuantTest, SrdhmExactAndNegativeProducts) {
  // 100 * 0.5 = 50; -100 * 0.5 = -50 (exact, no rounding).
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(100, kHalf), 50);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-100, kHalf), -50);
  // -5 * 2^29 / 2^31 = -1.25: (-5*2^29 + 1 - 2^30) / 2^31 = -1.75 + 2^-31 -> trunc -1.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-5, 1 << 29), -1);
  // -7 * 2^29 / 2^31 = -1.75: (-7*2^29 + 1 - 2^30) / 2^31 = -2.25 + 2^-31 -> trunc -2.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-7, 1 << 29), -2);
  // 7 * 2^29 / 2^31 = 1.75: (7*2^29 + 2^30) / 2^31 = 2.25 -> 2.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(7, 1 << 29), 2);
  // Symmetric in its arguments.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 29, -7), -2);
}

TEST(QuantTest, SrdhmExactHalvesRoundTowardsPlusInfinity) {
  // 1 * 2^30 / 2^31 = 0.5: (2^30 + 2^30) / 2^31 = 1 -> 1.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1, kHalf), 1);
  // -1 * 2^30 / 2^31 = -0.5: (-2^30 + 1 - 2^30) / 2^31 = -1 + 2^-31 -> trunc 0 (not -1!).
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-1, kHalf), 0);
  // 3 * 0.5 = 1.5: (3*2^30 + 2^30) / 2^31 = 2 -> 2.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(3, kHalf), 2);
  // -3 * 0.5 = -1.5: (-3*2^30 + 1 - 2^30) / 2^31 = -2 + 2^-31 -> trunc -1.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, kHalf), -1);
  // -43 * 0.5 = -21.5 -> -21 (used by the hand-worked FC below).
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-43, kHalf), -21);
  // 13 * 0.5 = 6.5 -> 7.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(13, kHalf), 7);
}

// ---------------------------------------------------------------------------------------------
// RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero.

TEST(QuantTest, RdbpotTiesAwayFromZero) {
  // 5/2 = 2.5: mask 1, rem 1, threshold 0; (5 >> 1) + (1 > 0) = 2 + 1 = 3.
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);
  // -5/2 = -2.5: rem = -5 & 1 = 1, threshold 0 + 1 = 1; (-5 >> 1) + (1 > 1) = -3 + 0 = -3.
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);
  // 6/4 = 1.5: mask 3, rem 2, threshold 1; 1 + 1 = 2.
  EXPECT_EQ(RoundingDivideByPOT(6, 2), 2);
  // -6/4 = -1.5: rem = -6 & 3 = 2, threshold 1 + 1 = 2; -2 + (2 > 2) = -2.
  EXPECT_EQ(RoundingDivideByPOT(-6, 2), -2);
  // 7/4 = 1.75: rem 3 > 1 -> 1 + 1 = 2.
  EXPECT_EQ(RoundingDivideByPOT(7, 2), 2);
  // -7/4 = -1.75: rem = -7 & 3 = 1, threshold 2; -2 + 0 = -2.
  EXPECT_EQ(RoundingDivideByPOT(-7, 2), -2);
  // 5/4 = 1.25: rem 1, threshold 1 -> 1.
  EXPECT_EQ(RoundingDivideByPOT(5, 2), 1);
  // -5/4 = -1.25: rem = -5 & 3 = 3, threshold 2; -2 + 1 = -1.
  EXPECT_EQ(RoundingDivideByPOT(-5, 2), -1);
  // -21/4 = -5.25: rem = -21 & 3 = 3, threshold 2; -6 + 1 = -5.
  EXPECT_EQ(RoundingDivideByPOT(-21, 2), -5);
  // 50/4 = 12.5 -> 13; -50/4 = -12.5 -> -13.
  EXPECT_EQ(RoundingDivideByPOT(50, 2), 13);
  EXPECT_EQ(RoundingDivideByPOT(-50, 2), -13);
  // -1/2 = -0.5 -> -1; 1/2 = 0.5 -> 1; -1/4 = -0.25 -> 0.
  EXPECT_EQ(RoundingDivideByPOT(-1, 1), -1);
  EXPECT_EQ(RoundingDivideByPOT(1, 1), 1);
  EXPECT_EQ(RoundingDivideByPOT(-1, 2), 0);
}

TEST(QuantTest, RdbpotExponentZeroIsIdentity) {
  // mask 0, remainder 0, threshold 0 or 1: never rounds.
  for (int32_t x : {0, 1, -1, 7, -7, kMin, kMax}) EXPECT_EQ(RoundingDivideByPOT(x, 0), x) << x;
}

TEST(QuantTest, RdbpotExponent31) {
  // mask = 2^31 - 1, threshold = 2^30 - 1 (+1 for negative x).
  EXPECT_EQ(RoundingDivideByPOT(1 << 30, 31), 1);         // 0.5 -> 1
  EXPECT_EQ(RoundingDivideByPOT((1 << 30) - 1, 31), 0);   // 0.4999999995 -> 0
  EXPECT_EQ(RoundingDivideByPOT(-(1 << 30), 31), -1);     // -0.5: rem 2^30 = thr 2^30 -> -1
  EXPECT_EQ(RoundingDivideByPOT(-(1 << 30) + 1, 31), 0);  // -0.4999999995: -1 + 1 = 0
  EXPECT_EQ(RoundingDivideByPOT(kMin, 31), -1);           // -1 exactly
  EXPECT_EQ(RoundingDivideByPOT(kMax, 31), 1);            // 0.9999999995 -> 1
  EXPECT_EQ(RoundingDivideByPOT(0, 31), 0);
}

TEST(QuantTest, RdbpotRejectsBadExponent) {
  EXPECT_THROW(RoundingDivideByPOT(1, -1), std::invalid_argument);
  EXPECT_THROW(RoundingDivideByPOT(1, 32), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// MultiplyByQuantizedMultiplier (double rounding: SRDHM, then RoundingDivideByPOT).

TEST(QuantTest, MbqmPositiveShiftIsLeftShiftFirst) {
  // real 2.0 = 0.5 * 2^2: 100 << 2 = 400, 400 * 0.5 = 200.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, kHalf, 2), 200);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-100, kHalf, 2), -200);
  // real 1.0 = 0.5 * 2^1: identity.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-12345, kHalf, 1), -12345);
  // 47 is the first output of tflm_SimpleTestQuantizedInt8 before the zero point: acc 24 * 2.0.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(24, kHalf, 2), 48);
}

TEST(QuantTest, MbqmNegativeShiftIsRoundingRightShiftAfter) {
  // real 0.0625 = 0.5 * 2^-3: SRDHM(100, 0.5) = 50, 50 / 8 = 6.25 -> 6.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, kHalf, -3), 6);
  // real 0.125: 50 / 4 = 12.5 -> 13; -100: SRDHM = -50, -50 / 4 = -12.5 -> -13.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, kHalf, -2), 13);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-100, kHalf, -2), -13);
  // shift 0: just SRDHM. 0.5 * 13 = 6.5 -> 7.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(13, kHalf, 0), 7);
  // shift -31 with multiplier 0.5 (real 2^-32): x = 2^30: SRDHM = 2^29, / 2^31 = 0.25 -> 0.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1 << 30, kHalf, -31), 0);
  // x = INT32_MAX, mult 0.5: SRDHM = 2^30 - 0.5 -> 2^30 (tie up); / 2^31 = 0.5 -> 1.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kMax, kHalf, -31), 1);
}

TEST(QuantTest, MbqmDoubleRounding) {
  // 5 * 0.25 = 1.25 exactly, but TFLite's default rounds twice:
  // SRDHM(5, 0.5) = 2.5 -> 3, then 3 / 2 = 1.5 -> 2.  (A single-rounding kernel gives 1.)
  EXPECT_EQ(MultiplyByQuantizedMultiplier(5, kHalf, -1), 2);
  // -5 * 0.25 = -1.25: SRDHM(-5, 0.5) = -2.5 -> -2 (tie towards +inf), then -2 / 2 = -1.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-5, kHalf, -1), -1);
}

TEST(QuantTest, MbqmLeftShiftWrapsAs32Bit) {
  // 2^30 << 2 = 2^32 wraps to 0 -> 0 (TFLite's int32 multiply wraps the same way in practice).
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1 << 30, kHalf, 2), 0);
  // 0x40000001 << 1 = 0x80000002 = -2147483646; * 0.5 = -1073741823 exactly.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(0x40000001, kHalf, 1), -1073741823);
  // -1 << 31 = 0x80000000 = INT32_MIN; SRDHM(INT32_MIN, INT32_MIN) saturates to INT32_MAX.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-1, kMin, 31), kMax);
}

TEST(QuantTest, MbqmRejectsShiftOutOfRange) {
  EXPECT_THROW(MultiplyByQuantizedMultiplier(1, kHalf, 32), std::invalid_argument);
  EXPECT_THROW(MultiplyByQuantizedMultiplier(1, kHalf, -32), std::invalid_argument);
}

// Independent model of the same function in int64 arithmetic (floor-based formulation).
int32_t MbqmModel(int32_t x, int32_t m, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int64_t xs64 = static_cast<int64_t>(static_cast<uint32_t>(x) << left);
  const int64_t xs = xs64 >= (int64_t{1} << 31) ? xs64 - (int64_t{1} << 32) : xs64;
  int64_t hi;
  if (xs == kMin && m == kMin) {
    hi = kMax;
  } else {
    // round(xs*m / 2^31), ties up == floor((xs*m + 2^30) / 2^31).
    const int64_t p = xs * m + (int64_t{1} << 30);
    hi = p >= 0 ? p / (int64_t{1} << 31) : -((-p + (int64_t{1} << 31) - 1) / (int64_t{1} << 31));
  }
  if (right == 0) return static_cast<int32_t>(hi);
  // ties away from zero: sign(hi) * ((|hi| + 2^(right-1)) >> right).
  const int64_t mag = ((hi < 0 ? -hi : hi) + (int64_t{1} << (right - 1))) >> right;
  return static_cast<int32_t>(hi < 0 ? -mag : mag);
}

TEST(QuantTest, MbqmMatchesIndependentModelOnRandomInputs) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  std::uniform_int_distribution<int32_t> small(-70000, 70000);
  std::uniform_int_distribution<int32_t> mult(kHalf, kMax);
  std::uniform_int_distribution<int> sh(-31, 31);
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = (i & 1) ? any(rng) : small(rng);
    const int32_t m = (i % 7 == 0) ? any(rng) : mult(rng);
    const int s = sh(rng);
    ASSERT_EQ(MultiplyByQuantizedMultiplier(x, m, s), MbqmModel(x, m, s))
        << "x=" << x << " m=" << m << " shift=" << s;
  }
}

// ---------------------------------------------------------------------------------------------
// QuantizeMultiplier: real = q * 2^(shift - 31), q = round(frac * 2^31), frac = frexp(real).

void ExpectQm(double real, int32_t want_q, int want_shift) {
  int32_t q = -1;
  int shift = -99;
  QuantizeMultiplier(real, &q, &shift);
  EXPECT_EQ(q, want_q) << "real=" << real;
  EXPECT_EQ(shift, want_shift) << "real=" << real;
}

TEST(QuantTest, QuantizeMultiplierPowersAndSimpleFractions) {
  ExpectQm(0.5, 1 << 30, 0);                     // frexp = 0.5 * 2^0 -> 2^30
  ExpectQm(1.0, 1 << 30, 1);                     // 0.5 * 2^1
  ExpectQm(2.0, 1 << 30, 2);                     // 0.5 * 2^2 (the tflm SimpleTest vectors' 2.0)
  ExpectQm(0.75, 1610612736, 0);                 // 0.75 * 2^31 = 1610612736
  ExpectQm(0.25, 1 << 30, -1);                   // 0.5 * 2^-1
  ExpectQm(-0.5, -(1 << 30), 0);                 // sign kept in the multiplier
  ExpectQm(0.0, 0, 0);                           // zero special case
  ExpectQm(std::ldexp(1.0, -32), 1 << 30, -31);  // 0.5 * 2^-31: smallest kept shift
}

TEST(QuantTest, QuantizeMultiplierTinyFlushesToZero) {
  // 1e-10 = 0.8589934592 * 2^-33: shift -33 < -31 -> (0, 0).
  ExpectQm(1e-10, 0, 0);
  ExpectQm(std::ldexp(1.0, -33), 0, 0);  // 0.5 * 2^-32 -> shift -32 -> flushed
}

TEST(QuantTest, QuantizeMultiplierRounding) {
  // 0.3333 = 0.6666 * 2^-1; 0.6666 * 2^31 = 1431512599.7568 -> 1431512600.
  ExpectQm(0.3333, 1431512600, -1);
  // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 -> 1717986918.
  ExpectQm(0.1, 1717986918, -3);
  // float(0.1) = 0.100000001490116...: 0.800000011920929 * 2^31 = 1717986944 exactly (the
  // per-channel tflm vector's first multiplier: scales are floats there).
  ExpectQm(static_cast<double>(0.1f), 1717986944, -3);
  // Representative tflm vector: 0.004172511371517546 = 0.53408145555 * 2^-7;
  // 0.53408145555 * 2^31 = 1146931192.503 -> 1146931193.
  ExpectQm(0.004172511371517546, 1146931193, -7);
  // The same scales combined all in double (not as TFLite does: float(in * w) / out) give
  // 0.004172511186875202 -> 0.534081431920 * 2^31 = 1146931141.749 -> 1146931142: 51 LSBs off.
  ExpectQm(0.004172511186875202, 1146931142, -7);
  // Exact tie: (0.5 + 2^-32) * 2^31 = 2^30 + 0.5 -> rounds away from zero to 2^30 + 1.
  ExpectQm(0.5 + std::ldexp(1.0, -32), (1 << 30) + 1, 0);
}

TEST(QuantTest, QuantizeMultiplierRoundsUpToOneAndRenormalises) {
  // 1 - 2^-40: frac = 1 - 2^-40, frac * 2^31 = 2^31 - 2^-9 -> rounds to 2^31 -> 2^30, shift 1.
  ExpectQm(1.0 - std::ldexp(1.0, -40), 1 << 30, 1);
}

TEST(QuantTest, QuantizeMultiplierRejectsNonFinite) {
  int32_t q;
  int s;
  EXPECT_THROW(QuantizeMultiplier(std::nan(""), &q, &s), std::invalid_argument);
  EXPECT_THROW(QuantizeMultiplier(HUGE_VAL, &q, &s), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Requantize = clamp(MBQM(acc) + out_zp, act_min, act_max).

TEST(QuantTest, RequantizeZeroPointAndClamp) {
  // real 0.0625 (0.5 * 2^-3). 1000: 500 / 8 = 62.5 -> 63; + 10 = 73.
  EXPECT_EQ(Requantize(1000, kHalf, -3, 10, -128, 127), 73);
  // -1000: -500 / 8 = -62.5 -> -63; + (-5) = -68.
  EXPECT_EQ(Requantize(-1000, kHalf, -3, -5, -128, 127), -68);
  // 10000: 625 + 10 = 635 -> clamped to 127, or to act_max 100.
  EXPECT_EQ(Requantize(10000, kHalf, -3, 10, -128, 127), 127);
  EXPECT_EQ(Requantize(10000, kHalf, -3, 10, -128, 100), 100);
  // -10000: -625 + 10 = -615 -> -128, or fused ReLU (act_min = out_zp = 10) -> 10.
  EXPECT_EQ(Requantize(-10000, kHalf, -3, 10, -128, 127), -128);
  EXPECT_EQ(Requantize(-10000, kHalf, -3, 10, 10, 127), 10);
  // Inside the range nothing is clamped: -320 * 0.5 = -160, -160 / 8 = -20; + 10 = -10.
  EXPECT_EQ(Requantize(-320, kHalf, -3, 10, -128, 127), -10);
}

TEST(QuantTest, RequantizeZeroPointAddWrapsAsInt32) {
  // MBQM(INT32_MAX, INT32_MAX, 0) = 2147483646; + 5 wraps to -2147483645 -> clamps to act_min.
  EXPECT_EQ(Requantize(kMax, kMax, 0, 5, -128, 127), -128);
  // + 1 does not wrap (2147483647) -> act_max.
  EXPECT_EQ(Requantize(kMax, kMax, 0, 1, -128, 127), 127);
}

TEST(QuantTest, RequantizeRejectsBadActivationRange) {
  EXPECT_THROW(Requantize(0, kHalf, 0, 0, 10, 9), std::invalid_argument);
  EXPECT_THROW(Requantize(0, kHalf, 0, 0, -129, 127), std::invalid_argument);
  EXPECT_THROW(Requantize(0, kHalf, 0, 0, -128, 128), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// FullyConnected, worked by hand (docs/numerics.md, example 1).
//
// in [2][3] = {{1, 2, 3}, {-4, 0, 5}}, x_zp = 1 -> d = {{0, 1, 2}, {-5, -1, 4}}
// w  [2][3] = {{1, -1, 2}, {3, 0, -2}},  bias = {10, -20}
// acc[0][0] = 0*1 + 1*(-1) + 2*2      = 3   + 10 =  13
// acc[0][1] = 0*3 + 1*0    + 2*(-2)   = -4  - 20 = -24
// acc[1][0] = -5*1 + (-1)*(-1) + 4*2  = 4   + 10 =  14
// acc[1][1] = -5*3 + (-1)*0 + 4*(-2)  = -23 - 20 = -43

const int8_t kIn[] = {1, 2, 3, -4, 0, 5};
const int8_t kW[] = {1, -1, 2, 3, 0, -2};
const int32_t kBias[] = {10, -20};

TEST(QuantTest, FullyConnectedAccByHand) {
  EXPECT_EQ(salsa::ref::FullyConnectedAcc(kIn, kW, kBias, 2, 3, 2, 1),
            (std::vector<int32_t>{13, -24, 14, -43}));
  // Without bias: {3, -4, 4, -23}.
  EXPECT_EQ(salsa::ref::FullyConnectedAcc(kIn, kW, nullptr, 2, 3, 2, 1),
            (std::vector<int32_t>{3, -4, 4, -23}));
}

TEST(QuantTest, FullyConnectedPerTensorByHand) {
  // real 0.5 (M = 2^30, shift 0), out_zp 3:
  //  13 ->  6.5 ->  7 (tie up)   +3 = 10
  // -24 -> -12 exactly           +3 = -9
  //  14 ->  7                    +3 = 10
  // -43 -> -21.5 -> -21 (tie up) +3 = -18
  salsa::ref::FcQuant q;
  q.input_zero_point = 1;
  q.output_multiplier = {kHalf};
  q.output_shift = {0};
  q.output_zero_point = 3;
  EXPECT_EQ(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, q),
            (std::vector<int8_t>{10, -9, 10, -18}));
  // act_min -10 clamps the last one.
  q.act_min = -10;
  EXPECT_EQ(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, q),
            (std::vector<int8_t>{10, -9, 10, -10}));
}

TEST(QuantTest, FullyConnectedPerChannelByHand) {
  // channel 0: real 1.0 (2^30, shift +1): 13 -> 26 * 0.5 = 13; 14 -> 14.
  // channel 1: real 0.125 (2^30, shift -2): -24 -> -12 / 4 = -3;
  //            -43 -> SRDHM -21.5 -> -21, -21 / 4 = -5.25 -> -5.
  salsa::ref::FcQuant q;
  q.input_zero_point = 1;
  q.output_multiplier = {kHalf, kHalf};
  q.output_shift = {1, -2};
  EXPECT_EQ(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, q),
            (std::vector<int8_t>{13, -3, 14, -5}));
}

TEST(QuantTest, FullyConnectedAccumulatorWrapsAsInt32) {
  // M = K = N = 1, x_zp = 127: (-128 - 127) * (-128) = 32640; plus bias INT32_MAX wraps to
  // INT32_MIN + 32639 = -2147451009.
  const int8_t in[] = {-128};
  const int8_t w[] = {-128};
  const int32_t bias[] = {kMax};
  EXPECT_EQ(salsa::ref::FullyConnectedAcc(in, w, bias, 1, 1, 1, 127),
            (std::vector<int32_t>{-2147451009}));
}

TEST(QuantTest, FullyConnectedRejectsNonzeroWeightZeroPoint) {
  salsa::ref::FcQuant q;
  q.weights_zero_point = -1;
  q.output_multiplier = {kHalf};
  q.output_shift = {0};
  try {
    salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, q);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("weights zero point"), std::string::npos) << e.what();
  }
}

TEST(QuantTest, FullyConnectedValidatesArguments) {
  salsa::ref::FcQuant q;
  q.output_multiplier = {kHalf};
  q.output_shift = {0};
  EXPECT_NO_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, q));
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 0, 3, 2, q), std::invalid_argument);
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 0, 2, q), std::invalid_argument);
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, -1, q), std::invalid_argument);
  EXPECT_THROW(salsa::ref::FullyConnected(nullptr, kW, kBias, 2, 3, 2, q), std::invalid_argument);

  salsa::ref::FcQuant bad = q;
  bad.output_multiplier = {kHalf, kHalf, kHalf};  // neither 1 nor N = 2
  bad.output_shift = {0, 0, 0};
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.output_multiplier = {};
  bad.output_shift = {};
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.output_shift = {0, 0};  // size differs from the multiplier's
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.act_min = 5;
  bad.act_max = 4;
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.output_shift = {32};
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.input_zero_point = 128;
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
  bad = q;
  bad.output_zero_point = -129;
  EXPECT_THROW(salsa::ref::FullyConnected(kIn, kW, kBias, 2, 3, 2, bad), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// docs/numerics.md, example 2: the last step of tflm_Representative1x64Input1x16Output, output 0.
// real = 0.05144499987 * 0.00565999979 / 0.06978499889 = 0.004172511371517546
//      -> QuantizeMultiplier: (1146931193, -7)
// acc + bias = 13263 (computed from the vector's data; bias[0] = -29)
// SRDHM(13263, 1146931193) = round(13263 * 1146931193 / 2^31) = round(7083.522...) = 7084
// RoundingDivideByPOT(7084, 7) = round(55.34375) = 55;  + out_zp (-9) = 46  (= expected[0]).
TEST(QuantTest, WorkedExampleRepresentativeOutput0) {
  int32_t m;
  int s;
  QuantizeMultiplier(0.004172511371517546, &m, &s);
  ASSERT_EQ(m, 1146931193);
  ASSERT_EQ(s, -7);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(13263, m), 7084);
  EXPECT_EQ(RoundingDivideByPOT(7084, 7), 55);
  EXPECT_EQ(Requantize(13263, m, s, -9, -128, 127), 46);
}

}  // namespace
