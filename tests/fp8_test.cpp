// salsa::fp (tb/src/fp8.cpp), the integer-only reference of the FP8 datapath, against
// independent models: decoding by the OCP formula in double, products in double (exact), FP32
// add/mul against the host's IEEE float (SSE on x86-64: RNE, subnormals; this file is compiled
// with -ffp-contract=off so no FMA fuses a tested operation), conversions against hand-checked
// tables and a double-based rounding model, and pinned hand-checked cases.
#include "salsa/fp8.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "fp_edge_values.h"

namespace {

using salsa::fp::BitsToFloat;
using salsa::fp::FloatToBits;
using salsa::fp::Fp32Add;
using salsa::fp::Fp32Mul;
using salsa::fp::Fp32ToBf16;
using salsa::fp::Fp32ToFp8;
using salsa::fp::Fp8Dot;
using salsa::fp::Fp8Format;
using salsa::fp::Fp8Mul;
using salsa::fp::Fp8ToFp32;

constexpr uint32_t kNaN = 0x7FC00000u;
constexpr Fp8Format kE4 = Fp8Format::kE4M3;
constexpr Fp8Format kE5 = Fp8Format::kE5M2;

struct FormatInfo {
  int exp_bits, mant_bits, bias;
};
FormatInfo Info(Fp8Format f) { return f == kE4 ? FormatInfo{4, 3, 7} : FormatInfo{5, 2, 15}; }

bool IsNaNCode(uint8_t c, Fp8Format f) {
  if (f == kE4) return (c & 0x7F) == 0x7F;
  return ((c >> 2) & 0x1F) == 0x1F && (c & 3) != 0;
}
bool IsInfCode(uint8_t c, Fp8Format f) { return f == kE5 && (c & 0x7F) == 0x7C; }

// The OCP value of a finite code: (-1)^s * 2^(e - bias) * (1 + m / 2^M), subnormal
// (-1)^s * 2^(1 - bias) * (m / 2^M).
double SpecValue(uint8_t c, Fp8Format f) {
  const FormatInfo i = Info(f);
  const int m = c & ((1 << i.mant_bits) - 1);
  const int e = (c >> i.mant_bits) & ((1 << i.exp_bits) - 1);
  const double sign = (c & 0x80) ? -1.0 : 1.0;
  if (e == 0) return sign * std::ldexp(static_cast<double>(m), 1 - i.bias - i.mant_bits);
  return sign * std::ldexp(1.0 + std::ldexp(static_cast<double>(m), -i.mant_bits), e - i.bias);
}

double Value(uint32_t bits) { return static_cast<double>(BitsToFloat(bits)); }

TEST(Fp8Decode, EveryCodeOfBothFormatsIsTheSpecValue) {
  for (Fp8Format f : {kE4, kE5}) {
    for (unsigned c = 0; c < 256; ++c) {
      const uint8_t code = static_cast<uint8_t>(c);
      const uint32_t got = Fp8ToFp32(code, f);
      if (IsNaNCode(code, f)) {
        EXPECT_EQ(got, kNaN) << c;
      } else if (IsInfCode(code, f)) {
        EXPECT_EQ(got, (c & 0x80) ? 0xFF800000u : 0x7F800000u) << c;
      } else {
        EXPECT_EQ(Value(got), SpecValue(code, f)) << "code " << c;
        EXPECT_EQ(got >> 31, c >> 7) << "sign of code " << c;  // -0 stays -0
      }
    }
  }
  // The documented landmarks.
  EXPECT_EQ(Value(Fp8ToFp32(0x7E, kE4)), 448.0);
  EXPECT_EQ(Value(Fp8ToFp32(0x01, kE4)), std::ldexp(1.0, -9));
  EXPECT_EQ(Value(Fp8ToFp32(0x7B, kE5)), 57344.0);
  EXPECT_EQ(Value(Fp8ToFp32(0x01, kE5)), std::ldexp(1.0, -16));
  EXPECT_EQ(Fp8ToFp32(0x7F, kE4), kNaN);
  EXPECT_EQ(Fp8ToFp32(0xFF, kE4), kNaN);
  EXPECT_EQ(Fp8ToFp32(0x7E, kE5), kNaN);
  EXPECT_EQ(Fp8ToFp32(0x7C, kE5), 0x7F800000u);
}

TEST(Fp8Product, EveryProductOfBothFormatsIsExact) {
  for (Fp8Format f : {kE4, kE5}) {
    size_t checked = 0;
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        const uint8_t ca = static_cast<uint8_t>(a), cb = static_cast<uint8_t>(b);
        const uint32_t got = Fp8Mul(ca, cb, f);
        const bool zero_a = (a & 0x7F) == 0, zero_b = (b & 0x7F) == 0;
        const bool inf_a = IsInfCode(ca, f), inf_b = IsInfCode(cb, f);
        const uint32_t sign = ((a ^ b) & 0x80) ? 0x80000000u : 0u;
        ++checked;
        if (IsNaNCode(ca, f) || IsNaNCode(cb, f) || (inf_a && zero_b) || (inf_b && zero_a)) {
          ASSERT_EQ(got, kNaN) << a << " * " << b;
        } else if (inf_a || inf_b) {
          ASSERT_EQ(got, sign | 0x7F800000u) << a << " * " << b;
        } else {
          // Both values have at most 4 significant bits: the double product is exact.
          ASSERT_EQ(Value(got), SpecValue(ca, f) * SpecValue(cb, f)) << a << " * " << b;
          ASSERT_EQ(got & 0x80000000u, sign) << a << " * " << b;
          // Nonzero products are normal FP32 values (the RTL relies on it).
          if (!zero_a && !zero_b) {
            ASSERT_NE(got & 0x7F800000u, 0u) << a << " * " << b;
          }
        }
      }
    }
    EXPECT_EQ(checked, 65536u);
  }
}

// The host's IEEE result, with every NaN canonical.
uint32_t HostAdd(uint32_t a, uint32_t b) {
  const float s = BitsToFloat(a) + BitsToFloat(b);
  return std::isnan(s) ? kNaN : FloatToBits(s);
}
uint32_t HostMul(uint32_t a, uint32_t b) {
  const float p = BitsToFloat(a) * BitsToFloat(b);
  return std::isnan(p) ? kNaN : FloatToBits(p);
}

TEST(Fp32Arith, EdgeClassPairsMatchTheHostFloat) {
  const auto edges = salsa::fp_test::EdgeValues();
  for (uint32_t a : edges) {
    for (uint32_t b : edges) {
      ASSERT_EQ(Fp32Add(a, b), HostAdd(a, b)) << std::hex << a << " + " << b;
      ASSERT_EQ(Fp32Mul(a, b), HostMul(a, b)) << std::hex << a << " * " << b;
    }
  }
}

TEST(Fp32Arith, RandomBitPatternsMatchTheHostFloat) {
  std::mt19937 rng(2014);
  constexpr size_t kPairs = 1500000;
  size_t add_mismatch = 0, mul_mismatch = 0;
  for (size_t i = 0; i < kPairs; ++i) {
    uint32_t a = rng(), b = rng();
    switch (i % 4) {
      case 0:
        break;
      case 1:  // close exponents: cancellation and rounding ties
        b = (b & 0x807FFFFFu) | (a & 0x7F800000u);
        break;
      case 2:  // subnormal and tiny operands; products underflowing
        a &= 0x80FFFFFFu;
        b = (b & 0x807FFFFFu) | ((rng() % 160) << 23);
        break;
      default:  // large operands: overflow
        a |= 0x7E000000u;
        a &= ~0x00800000u;
        b = (b & 0x80FFFFFFu) | ((120u + rng() % 20) << 23);
        break;
    }
    if (Fp32Add(a, b) != HostAdd(a, b) && add_mismatch++ == 0) {
      ADD_FAILURE() << std::hex << "first add mismatch " << a << " + " << b;
    }
    if (Fp32Mul(a, b) != HostMul(a, b) && mul_mismatch++ == 0) {
      ADD_FAILURE() << std::hex << "first mul mismatch " << a << " * " << b;
    }
  }
  EXPECT_EQ(add_mismatch, 0u);
  EXPECT_EQ(mul_mismatch, 0u);
}

TEST(Fp32Arith, PinnedHandCheckedCases) {
  const uint32_t one = 0x3F800000u, max = 0x7F7FFFFFu, inf = 0x7F800000u;
  // 1 + 2^-24 is a tie between 1 and 1 + 2^-23: even is 1.0. 1 + 3 * 2^-24: up to 1 + 2^-22.
  EXPECT_EQ(Fp32Add(one, 0x33800000u), one);
  EXPECT_EQ(Fp32Add(one, 0x34400000u), 0x3F800002u);
  // (1 + 2^-23) + 2^-24: a tie, up to the even 1 + 2^-22.
  EXPECT_EQ(Fp32Add(0x3F800001u, 0x33800000u), 0x3F800002u);
  // Cancellation is +0 in either order; -0 + -0 = -0; +0 + -0 = +0.
  EXPECT_EQ(Fp32Add(one, one | 0x80000000u), 0u);
  EXPECT_EQ(Fp32Add(one | 0x80000000u, one), 0u);
  EXPECT_EQ(Fp32Add(0x80000000u, 0x80000000u), 0x80000000u);
  EXPECT_EQ(Fp32Add(0x00000000u, 0x80000000u), 0u);
  // Subnormal arithmetic is exact: 2^-149 + 2^-149 = 2^-148; largest subnormal + smallest.
  EXPECT_EQ(Fp32Add(1u, 1u), 2u);
  EXPECT_EQ(Fp32Add(0x007FFFFFu, 1u), 0x00800000u);
  // inf - inf and 0 * inf are NaN; NaN inputs give the canonical NaN.
  EXPECT_EQ(Fp32Add(inf, inf | 0x80000000u), kNaN);
  EXPECT_EQ(Fp32Mul(0u, inf), kNaN);
  EXPECT_EQ(Fp32Mul(inf | 0x80000000u, 0x80000000u), kNaN);
  EXPECT_EQ(Fp32Add(0x7F800001u, one), kNaN);
  EXPECT_EQ(Fp32Mul(0xFFFFFFFFu, one), kNaN);
  // Overflow: max + max and max * 2 are inf; max + half an ulp is a tie, and max's fraction is
  // odd (all ones), so it rounds up: inf.
  EXPECT_EQ(Fp32Add(max, max), inf);
  EXPECT_EQ(Fp32Mul(max | 0x80000000u, 0x40000000u), inf | 0x80000000u);
  EXPECT_EQ(Fp32Add(max, 0x73000000u), inf);  // 2^103 = half an ulp of max
  EXPECT_EQ(Fp32Add(max, 0x72FFFFFFu), max);  // just below half an ulp
  // Smallest subnormal products: 2^-149 * 0.5 is a tie (to the even 0), * 0.75 rounds up to
  // 2^-149, * 1.5 is a tie between 1 and 2 ulps (to the even 2); the sign is kept on underflow.
  EXPECT_EQ(Fp32Mul(1u, 0x3F000000u), 0u);
  EXPECT_EQ(Fp32Mul(1u, 0x3F400000u), 1u);
  EXPECT_EQ(Fp32Mul(1u, 0x3FC00000u), 2u);
  EXPECT_EQ(Fp32Mul(1u, 0xBF000000u), 0x80000000u);
  // Normal * normal into the subnormals: 2^-100 * 2^-40 = 2^-140 (subnormal, exact).
  EXPECT_EQ(Fp32Mul(0x0D800000u, 0x2B800000u), 1u << 9);
}

// ---- conversions ---------------------------------------------------------------------------

uint32_t F(float f) { return FloatToBits(f); }

TEST(Fp32Convert, E4M3HandCheckedTable) {
  struct Row {
    float x;
    uint8_t sat0, sat1;
  };
  const Row rows[] = {
      {448.0f, 0x7E, 0x7E},
      {464.0f, 0x7E, 0x7E},  // tie: to the even 448 (mantissa 110)
      {465.0f, 0x7F, 0x7E},
      {480.0f, 0x7F, 0x7E},  // overflow: NaN or saturate
      {-465.0f, 0x7F, 0xFE},
      {-448.0f, 0xFE, 0xFE},
      {1e30f, 0x7F, 0x7E},
      {1.0f, 0x38, 0x38},
      {-2.0f, 0xC0, 0xC0},
      {0.0f, 0x00, 0x00},
      {-0.0f, 0x80, 0x80},
      // Subnormals (2^-9 steps): 2^-10 is a tie to the even 0; 3 * 2^-10 a tie to 2 * 2^-9;
      // just above 2^-10 rounds up to 2^-9; 7.5 * 2^-9 is a tie to 8 * 2^-9 = 2^-6 (normal).
      {std::ldexp(1.0f, -10), 0x00, 0x00},
      {std::ldexp(3.0f, -10), 0x02, 0x02},
      {std::ldexp(1.0001f, -10), 0x01, 0x01},
      {std::ldexp(7.5f, -9), 0x08, 0x08},
      {-std::ldexp(1.0f, -12), 0x80, 0x80},  // underflow keeps the sign
      {std::ldexp(1.0f, -126), 0x00, 0x00},  // FP32's smallest normal
  };
  for (const Row& r : rows) {
    EXPECT_EQ(Fp32ToFp8(F(r.x), kE4, false), r.sat0) << r.x;
    EXPECT_EQ(Fp32ToFp8(F(r.x), kE4, true), r.sat1) << r.x;
  }
  EXPECT_EQ(Fp32ToFp8(0x7F800000u, kE4, false), 0x7F);
  EXPECT_EQ(Fp32ToFp8(0xFF800000u, kE4, true), 0xFE);
  EXPECT_EQ(Fp32ToFp8(kNaN, kE4, true), 0x7F);
  EXPECT_EQ(Fp32ToFp8(0xFFC00001u, kE4, false), 0x7F);
}

TEST(Fp32Convert, E5M2HandCheckedTable) {
  struct Row {
    uint32_t x;
    uint8_t sat0, sat1;
  };
  const Row rows[] = {
      {F(57344.0f), 0x7B, 0x7B},
      {0x476FFFFFu, 0x7B, 0x7B},  // just below 61440
      {F(61440.0f), 0x7C, 0x7B},  // tie: to the even 65536: overflow
      {F(-61440.0f), 0xFC, 0xFB},
      {F(65536.0f), 0x7C, 0x7B},
      {0x7F800000u, 0x7C, 0x7B},
      {0xFF800000u, 0xFC, 0xFB},
      {kNaN, 0x7E, 0x7E},
      {0x7F800001u, 0x7E, 0x7E},
      {F(1.0f), 0x3C, 0x3C},
      {F(1.125f), 0x3C, 0x3C},                 // tie to the even 1.0
      {F(1.375f), 0x3E, 0x3E},                 // tie to the even 1.5
      {F(std::ldexp(1.0f, -17)), 0x00, 0x00},  // tie to 0
      {F(std::ldexp(3.0f, -17)), 0x02, 0x02},  // tie to 2 * 2^-16
      {F(-std::ldexp(1.0f, -20)), 0x80, 0x80},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(Fp32ToFp8(r.x, kE5, false), r.sat0) << std::hex << r.x;
    EXPECT_EQ(Fp32ToFp8(r.x, kE5, true), r.sat1) << std::hex << r.x;
  }
}

TEST(Fp32Convert, Bf16HandCheckedTable) {
  EXPECT_EQ(Fp32ToBf16(F(1.0f), false), 0x3F80);
  EXPECT_EQ(Fp32ToBf16(0x3F808000u, false), 0x3F80);  // tie to even
  EXPECT_EQ(Fp32ToBf16(0x3F818000u, false), 0x3F82);  // tie to even (up)
  EXPECT_EQ(Fp32ToBf16(0x3F808001u, false), 0x3F81);
  EXPECT_EQ(Fp32ToBf16(0x7F7FFFFFu, false), 0x7F80);  // rounds beyond bf16's max: overflow
  EXPECT_EQ(Fp32ToBf16(0x7F7FFFFFu, true), 0x7F7F);
  EXPECT_EQ(Fp32ToBf16(0xFF7F8000u, false), 0xFF80);  // tie to the even 2^128: overflow
  EXPECT_EQ(Fp32ToBf16(0x7F7F7FFFu, false), 0x7F7F);
  EXPECT_EQ(Fp32ToBf16(0xFF800000u, true), 0xFF7F);
  EXPECT_EQ(Fp32ToBf16(kNaN, true), 0x7FC0);
  EXPECT_EQ(Fp32ToBf16(0x00008000u, false), 0x0000);  // subnormal tie to even 0
  EXPECT_EQ(Fp32ToBf16(0x00018000u, false), 0x0002);  // subnormal tie to even 2
  EXPECT_EQ(Fp32ToBf16(0x80000001u, false), 0x8000);  // underflow keeps the sign
  EXPECT_EQ(Fp32ToBf16(0x007FFFFFu, false), 0x0080);  // rounds up to the smallest normal
}

// An independent model of the conversion in double: round |x| to M fraction bits at exponent
// max(floor(log2|x|), emin) with nearbyint (RNE in the default rounding mode); overflow if the
// result exceeds max_finite. Returns the rounded value (or +-inf for overflow).
double RoundModel(double x, int mant_bits, int emin, double max_finite) {
  if (x == 0.0) return x;
  int e;
  std::frexp(std::fabs(x), &e);  // |x| in [2^(e-1), 2^e)
  const int q = std::max(e - 1, emin) - mant_bits;
  const double r = std::ldexp(std::nearbyint(std::ldexp(std::fabs(x), -q)), q);
  const double y = r > max_finite ? std::numeric_limits<double>::infinity() : r;
  return x < 0 ? -y : y;
}

double DecodeResult(uint32_t code, int which) {  // 0 bf16, 1 E4M3, 2 E5M2
  if (which == 0) return Value(code << 16);
  return Value(Fp8ToFp32(static_cast<uint8_t>(code), which == 1 ? kE4 : kE5));
}

TEST(Fp32Convert, RandomInputsMatchADoubleRoundingModel) {
  struct Target {
    int mant_bits, emin;
    double max_finite;
    uint32_t max_code, inf_code, nan_code;  // positive; inf_code = NaN for E4M3
  };
  const Target targets[] = {
      {7, -126, std::ldexp(255.0, 120), 0x7F7F, 0x7F80, 0x7FC0},
      {3, -6, 448.0, 0x7E, 0x7F, 0x7F},
      {2, -14, 57344.0, 0x7B, 0x7C, 0x7E},
  };
  std::mt19937 rng(4488);
  size_t checked = 0;
  for (int i = 0; i < 600000; ++i) {
    const int which = i % 3;
    const Target& t = targets[which];
    uint32_t x = rng();
    if (which != 0 || i % 2) x = (x & 0x807FFFFFu) | ((95u + rng() % 60) << 23);  // FP8 range
    if (std::isnan(BitsToFloat(x)) || std::isinf(BitsToFloat(x))) continue;
    for (bool sat : {false, true}) {
      const uint32_t got =
          which == 0 ? Fp32ToBf16(x, sat) : Fp32ToFp8(x, which == 1 ? kE4 : kE5, sat);
      const double want = RoundModel(Value(x), t.mant_bits, t.emin, t.max_finite);
      const uint32_t sign_bit = which == 0 ? 0x8000u : 0x80u;
      const bool neg = (x >> 31) != 0;
      ++checked;
      if (std::isinf(want)) {
        const uint32_t code = sat ? t.max_code | (neg ? sign_bit : 0u)
                                  : (which == 1 ? t.inf_code : t.inf_code | (neg ? sign_bit : 0u));
        ASSERT_EQ(got, code) << std::hex << x << " sat " << sat;
      } else {
        ASSERT_EQ(DecodeResult(got, which), want) << std::hex << x << " to " << which;
        ASSERT_EQ((got & sign_bit) != 0, neg) << std::hex << x << " to " << which;
      }
    }
  }
  EXPECT_GT(checked, 1000000u);
}

// ---- dot product -----------------------------------------------------------------------------

TEST(Fp8DotProduct, TheOrderOfAdditionIsPartOfTheResult) {
  // E5M2: 0x6C = 4096, 0x3C = 1.0. 4096 * 4096 = 2^24; 2^24 + 1 is a tie to the even 2^24.
  const uint8_t big_first_a[] = {0x6C, 0x3C, 0x3C}, big_first_w[] = {0x6C, 0x3C, 0x3C};
  const uint8_t big_last_a[] = {0x3C, 0x3C, 0x6C}, big_last_w[] = {0x3C, 0x3C, 0x6C};
  EXPECT_EQ(Fp8Dot(0u, big_first_a, big_first_w, 3, 1, kE5), 0x4B800000u);  // 2^24
  EXPECT_EQ(Fp8Dot(0u, big_last_a, big_last_w, 3, 1, kE5), 0x4B800001u);    // 2^24 + 2
}

TEST(Fp8DotProduct, ZeroActivationsAddNothing) {
  // -0 + (+0 * x) would be +0: skipped, the -0 init survives; a zero activation times a NaN
  // weight would be NaN: skipped.
  const uint8_t a[] = {0x00, 0x80, 0x38}, w[] = {0x38, 0x7F, 0x40};  // E4M3: 1.0, NaN, 2.0
  EXPECT_EQ(Fp8Dot(0x80000000u, a, w, 2, 1, kE4), 0x80000000u);
  EXPECT_EQ(Fp8Dot(0x3F800000u, a, w, 3, 1, kE4), 0x40400000u);  // 1 + 1 * 2 = 3
  // A zero weight is not skipped: +0 * -0 ... -1 * 0 = -0 added to -0 stays -0, to +0 gives +0.
  const uint8_t a2[] = {0xB8}, w2[] = {0x00};
  EXPECT_EQ(Fp8Dot(0x80000000u, a2, w2, 1, 1, kE4), 0x80000000u);
  EXPECT_EQ(Fp8Dot(0x00000000u, a2, w2, 1, 1, kE4), 0u);
}

TEST(Fp8DotProduct, WeightStrideAndBiasInit) {
  // w read at w[k * stride]: 1 * 2 + 2 * 4 = 10, plus the bias 0.5.
  const uint8_t a[] = {0x38, 0x40};                    // E4M3 1, 2
  const uint8_t w[] = {0x40, 0x7F, 0x7F, 0x48, 0x7F};  // 2 at 0, 4 at 3 (NaNs never read)
  EXPECT_EQ(Fp8Dot(0x3F000000u, a, w, 2, 3, kE4), FloatToBits(10.5f));
}

}  // namespace
