#include "salsa/fp8.h"

#include <cstring>

namespace salsa::fp {

namespace {

constexpr uint32_t kFp32NaN = 0x7FC00000u;
constexpr uint32_t kFp32Inf = 0x7F800000u;

// A binary floating-point format: mant_bits stored significand bits, bias, the largest biased
// exponent of a finite value, and whether the all-ones significand at that exponent is NaN
// (E4M3's S.1111.111) rather than a value.
struct Format {
  int mant_bits;
  int exp_bits;
  int bias;
  int max_biased_exp;
  bool top_code_nan;
};

constexpr Format kFp32{23, 8, 127, 254, false};
constexpr Format kBf16{7, 8, 127, 254, false};
constexpr Format kE4M3{3, 4, 7, 15, true};
constexpr Format kE5M2{2, 5, 15, 30, false};

const Format& Fp8Fmt(Fp8Format f) { return f == Fp8Format::kE4M3 ? kE4M3 : kE5M2; }

// A finite value (-1)^sign * sig * 2^exp, exactly.
struct Finite {
  bool sign;
  uint64_t sig;
  int exp;
};

enum class Kind { kFinite, kInf, kNaN };

struct Decoded {
  Kind kind;
  Finite v;  // v.sign is also the sign of an infinity
};

// Decodes a code of format fmt (IEEE layout: sign, exponent, significand). E4M3 has no
// infinities; its S.1111.111 is NaN. Formats with IEEE specials use the all-ones exponent.
Decoded Decode(uint32_t code, const Format& fmt) {
  const uint32_t mant_mask = (1u << fmt.mant_bits) - 1;
  const uint32_t exp_mask = (1u << fmt.exp_bits) - 1;
  const uint32_t mant = code & mant_mask;
  const uint32_t bexp = (code >> fmt.mant_bits) & exp_mask;
  const bool sign = ((code >> (fmt.mant_bits + fmt.exp_bits)) & 1u) != 0;
  Decoded d{Kind::kFinite, {sign, 0, 0}};
  if (fmt.top_code_nan) {
    if (bexp == exp_mask && mant == mant_mask) {
      d.kind = Kind::kNaN;
      return d;
    }
  } else if (bexp == exp_mask) {
    d.kind = mant == 0 ? Kind::kInf : Kind::kNaN;
    return d;
  }
  const int min_exp = 1 - fmt.bias;  // exponent of the smallest normal and of the subnormals
  if (bexp == 0) {
    d.v.sig = mant;
    d.v.exp = min_exp - fmt.mant_bits;
  } else {
    d.v.sig = (uint64_t{1} << fmt.mant_bits) | mant;
    d.v.exp = static_cast<int>(bexp) - fmt.bias - fmt.mant_bits;
  }
  return d;
}

int MsbIndex(uint64_t x) {  // x != 0
  int i = 63;
  while (((x >> i) & 1u) == 0) --i;
  return i;
}

// sig / 2^shift rounded to nearest, ties to even (shift >= 1).
uint64_t ShiftRightRne(uint64_t sig, int shift) {
  if (shift >= 65) return 0;  // sig < 2^64 <= 2^(shift - 1): below half of one unit
  if (shift == 64) {
    const uint64_t half = uint64_t{1} << 63;
    return sig > half ? 1 : 0;  // a tie rounds to the even 0
  }
  const uint64_t q = sig >> shift;
  const uint64_t rem = sig & ((uint64_t{1} << shift) - 1);
  const uint64_t half = uint64_t{1} << (shift - 1);
  if (rem > half || (rem == half && (q & 1u) != 0)) return q + 1;
  return q;
}

// The result of rounding a finite value into a format.
struct Rounded {
  bool overflow;  // the value rounded with unbounded exponent exceeds the largest finite
  uint32_t code;  // valid when !overflow; the sign is included
};

// Rounds v (any finite value, zero included) to fmt with RNE and gradual underflow.
Rounded RoundPack(const Finite& v, const Format& fmt) {
  const uint32_t sign_bit = v.sign ? 1u << (fmt.mant_bits + fmt.exp_bits) : 0u;
  if (v.sig == 0) return {false, sign_bit};
  const int min_exp = 1 - fmt.bias;
  const int top = MsbIndex(v.sig) + v.exp;        // the value is in [2^top, 2^(top + 1))
  int e = top < min_exp ? min_exp : top;          // exponent of the result's leading position
  const int shift = (e - fmt.mant_bits) - v.exp;  // quantum 2^(e - mant_bits)
  uint64_t q = shift > 0 ? ShiftRightRne(v.sig, shift) : v.sig << -shift;
  if (q >> (fmt.mant_bits + 1) != 0) {  // rounded up to 2^(mant_bits + 1): exact halving
    q >>= 1;
    ++e;
  }
  const uint64_t hidden = uint64_t{1} << fmt.mant_bits;
  if (q < hidden) return {false, sign_bit | static_cast<uint32_t>(q)};  // subnormal or zero
  const int bexp = e + fmt.bias;
  const uint64_t mant = q - hidden;
  if (bexp > fmt.max_biased_exp) return {true, 0};
  if (fmt.top_code_nan && bexp == fmt.max_biased_exp && mant == hidden - 1) return {true, 0};
  return {false,
          sign_bit | (static_cast<uint32_t>(bexp) << fmt.mant_bits) | static_cast<uint32_t>(mant)};
}

uint32_t PackFp32(const Finite& v) {
  const Rounded r = RoundPack(v, kFp32);
  if (r.overflow) return (v.sign ? 0x80000000u : 0u) | kFp32Inf;
  return r.code;
}

uint32_t Inf32(bool sign) { return (sign ? 0x80000000u : 0u) | kFp32Inf; }

// The largest finite code of fmt with the given sign.
uint32_t MaxFinite(const Format& fmt, bool sign) {
  const uint32_t mant_mask = (1u << fmt.mant_bits) - 1;
  const uint32_t mant = fmt.top_code_nan ? mant_mask - 1 : mant_mask;
  const uint32_t sign_bit = sign ? 1u << (fmt.mant_bits + fmt.exp_bits) : 0u;
  return sign_bit | (static_cast<uint32_t>(fmt.max_biased_exp) << fmt.mant_bits) | mant;
}

// FP32 to a narrower format (bf16, E4M3, E5M2): nan_code is the format's NaN; inf_code(sign) is
// its infinity (E4M3: NaN).
uint32_t Narrow(uint32_t x, const Format& fmt, bool saturate, uint32_t nan_code) {
  const Decoded d = Decode(x, kFp32);
  if (d.kind == Kind::kNaN) return nan_code;
  const uint32_t sign_bit = d.v.sign ? 1u << (fmt.mant_bits + fmt.exp_bits) : 0u;
  const uint32_t inf_code =
      fmt.top_code_nan ? nan_code
                       : sign_bit | (((1u << fmt.exp_bits) - 1) << fmt.mant_bits);  // IEEE inf
  if (d.kind == Kind::kInf) return saturate ? MaxFinite(fmt, d.v.sign) : inf_code;
  const Rounded r = RoundPack(d.v, fmt);
  if (r.overflow) return saturate ? MaxFinite(fmt, d.v.sign) : inf_code;
  return r.code;
}

}  // namespace

uint32_t Fp8ToFp32(uint8_t code, Fp8Format f) {
  const Decoded d = Decode(code, Fp8Fmt(f));
  if (d.kind == Kind::kNaN) return kFp32NaN;
  if (d.kind == Kind::kInf) return Inf32(d.v.sign);
  return PackFp32(d.v);
}

namespace {

// The product of two decoded values, rounded to FP32 (exact for FP8 operands).
uint32_t MulDecoded(const Decoded& da, const Decoded& db) {
  const bool sign = da.v.sign != db.v.sign;
  if (da.kind == Kind::kNaN || db.kind == Kind::kNaN) return kFp32NaN;
  if (da.kind == Kind::kInf || db.kind == Kind::kInf) {
    const Decoded& other = da.kind == Kind::kInf ? db : da;
    if (other.kind == Kind::kFinite && other.v.sig == 0) return kFp32NaN;  // 0 * inf
    return Inf32(sign);
  }
  return PackFp32({sign, da.v.sig * db.v.sig, da.v.exp + db.v.exp});
}

}  // namespace

uint32_t Fp8Mul(uint8_t a, uint8_t b, Fp8Format f) {
  return MulDecoded(Decode(a, Fp8Fmt(f)), Decode(b, Fp8Fmt(f)));
}

uint32_t Fp32Add(uint32_t a, uint32_t b) {
  const Decoded da = Decode(a, kFp32);
  const Decoded db = Decode(b, kFp32);
  if (da.kind == Kind::kNaN || db.kind == Kind::kNaN) return kFp32NaN;
  if (da.kind == Kind::kInf && db.kind == Kind::kInf) {
    return da.v.sign == db.v.sign ? Inf32(da.v.sign) : kFp32NaN;  // inf - inf
  }
  if (da.kind == Kind::kInf) return Inf32(da.v.sign);
  if (db.kind == Kind::kInf) return Inf32(db.v.sign);
  // Order by magnitude: x is the larger (exponent first, then significand; both decode with
  // 24-bit significands at exponents >= -149, so this is the order of the values).
  const bool b_larger = db.v.sig != 0 && (da.v.sig == 0 || db.v.exp > da.v.exp ||
                                          (db.v.exp == da.v.exp && db.v.sig > da.v.sig));
  const Finite& x = b_larger ? db.v : da.v;
  const Finite& y = b_larger ? da.v : db.v;
  if (x.sig == 0) {  // both zero: -0 + -0 = -0, otherwise +0
    return x.sign && y.sign ? 0x80000000u : 0u;
  }
  // Align in units of 2^(x.exp - kHeadroom). Up to kHeadroom bits of difference y is exact; a
  // farther y (x is then normal, its leading bit at kHeadroom + 23) is shifted with a sticky
  // bit, which stays far below the result's rounding position.
  constexpr int kHeadroom = 38;
  const uint64_t xs = x.sig << kHeadroom;
  const int d = x.exp - y.exp;  // >= 0 when y != 0
  uint64_t ys = 0;
  if (y.sig != 0) {
    if (d <= kHeadroom) {
      ys = y.sig << (kHeadroom - d);
    } else {
      const int rs = d - kHeadroom;
      ys = rs >= 64 ? 1 : (y.sig >> rs) | ((y.sig & ((uint64_t{1} << rs) - 1)) != 0 ? 1 : 0);
    }
  }
  const bool same = x.sign == y.sign || y.sig == 0;
  const uint64_t mag = same ? xs + ys : xs - ys;
  if (mag == 0) return 0u;  // x + (-x) = +0
  return PackFp32({x.sign, mag, x.exp - kHeadroom});
}

uint32_t Fp32Mul(uint32_t a, uint32_t b) { return MulDecoded(Decode(a, kFp32), Decode(b, kFp32)); }

uint16_t Fp32ToBf16(uint32_t x, bool saturate) {
  return static_cast<uint16_t>(Narrow(x, kBf16, saturate, 0x7FC0u));
}

uint8_t Fp32ToFp8(uint32_t x, Fp8Format f, bool saturate) {
  const uint32_t nan_code = f == Fp8Format::kE4M3 ? 0x7Fu : 0x7Eu;
  return static_cast<uint8_t>(Narrow(x, Fp8Fmt(f), saturate, nan_code));
}

uint32_t Fp8Dot(uint32_t init, const uint8_t* a, const uint8_t* w, size_t k, size_t w_stride,
                Fp8Format f) {
  uint32_t acc = init;
  for (size_t i = 0; i < k; ++i) {
    if ((a[i] & 0x7Fu) == 0) continue;  // the sparsity gate's zero: nothing is added
    acc = Fp32Add(acc, Fp8Mul(a[i], w[i * w_stride], f));
  }
  return acc;
}

float BitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint32_t FloatToBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

}  // namespace salsa::fp
