// Random low-precision fully connected layers (issue 14): W4A8 (int4 weights) and FP8 (E4M3,
// E5M2) with a float32 bias and a seeded output format, scale and saturation.
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/fp8.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

// Uniform integer in [lo, hi] from raw engine output (portable across standard libraries).
int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(rng() % span);
}

int8_t RandomInt4(std::mt19937_64& rng, FcData data) {
  if (data == FcData::kExtremes) return Uniform(rng, 0, 1) == 0 ? -8 : 7;
  const int64_t pick = Uniform(rng, 0, 99);
  if (pick < 5) return -8;
  if (pick < 10) return 7;
  return static_cast<int8_t>(Uniform(rng, -8, 7));
}

// The bit layout of a format: mantissa bits, exponent bias, largest finite magnitude code.
struct Layout {
  int man_bits, bias;
  uint8_t max_finite;
};
Layout LayoutOf(fp::Fp8Format f) {
  return f == fp::Fp8Format::kE4M3 ? Layout{3, 7, 0x7E} : Layout{2, 15, 0x7B};
}

uint8_t Code(std::mt19937_64& rng, uint8_t magnitude) {
  return static_cast<uint8_t>(magnitude | (Uniform(rng, 0, 1) << 7));
}

uint8_t RandomFp8(std::mt19937_64& rng, fp::Fp8Format f, Fp8Data data) {
  const Layout l = LayoutOf(f);
  const int64_t man_max = (int64_t{1} << l.man_bits) - 1;
  const int64_t pick = Uniform(rng, 0, 99);
  if (data == Fp8Data::kExtremes) {
    if (pick < 2) {  // NaN (E5M2: inf or NaN)
      return Code(
          rng, f == fp::Fp8Format::kE4M3 ? 0x7F : static_cast<uint8_t>(Uniform(rng, 0x7C, 0x7F)));
    }
    const uint8_t corners[] = {l.max_finite, 0x01, static_cast<uint8_t>(1 << l.man_bits), 0x00,
                               static_cast<uint8_t>(l.max_finite - 1)};
    return Code(rng, corners[Uniform(rng, 0, 4)]);
  }
  if (pick < 25) return Code(rng, 0x00);                                            // +-0
  if (pick < 35) return Code(rng, static_cast<uint8_t>(Uniform(rng, 1, man_max)));  // subnormal
  if (pick < 95) {  // 2^-4 <= |x| < 2^4
    const int64_t field = Uniform(rng, l.bias - 4, l.bias + 3);
    return Code(rng, static_cast<uint8_t>((field << l.man_bits) | Uniform(rng, 0, man_max)));
  }
  return Code(rng, static_cast<uint8_t>(Uniform(rng, 0, l.max_finite)));  // any finite
}

}  // namespace

FcLayer MakeRandomInt4Fc(int M, int K, int N, uint64_t seed, FcData data) {
  FcLayer l = MakeRandomFc(M, K, N, seed, data);
  l.name += "_w4";
  l.prec = contract::kPrecInt4w;
  if (data == FcData::kUnitScale) return l;  // |w| <= 1 already
  std::mt19937_64 rng(seed ^ 0x1A7E4B17ull);
  for (auto& w : l.weights) w = RandomInt4(rng, data);
  if (data == FcData::kRandom) ChooseRandomOutputQuant(&l, seed);
  return l;
}

FcLayer MakeRandomFp8Fc(int M, int K, int N, uint64_t seed, contract::Prec prec, Fp8Data data) {
  if (M < 1 || K < 1 || N < 1) {
    throw std::invalid_argument("MakeRandomFp8Fc: M, K and N must be >= 1");
  }
  if (prec != contract::kPrecFp8E4M3 && prec != contract::kPrecFp8E5M2) {
    throw std::invalid_argument("MakeRandomFp8Fc: precision " + std::to_string(unsigned{prec}) +
                                " is not FP8");
  }
  const fp::Fp8Format f =
      prec == contract::kPrecFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  std::mt19937_64 rng(seed);
  FcLayer l;
  l.name = std::string(f == fp::Fp8Format::kE4M3 ? "fp8_e4m3_" : "fp8_e5m2_") + std::to_string(M) +
           "x" + std::to_string(K) + "x" + std::to_string(N) + "_seed" + std::to_string(seed);
  l.M = M;
  l.K = K;
  l.N = N;
  l.prec = prec;
  l.input.resize(static_cast<size_t>(M) * static_cast<size_t>(K));
  l.weights.resize(static_cast<size_t>(N) * static_cast<size_t>(K));
  for (auto& x : l.input) x = static_cast<int8_t>(RandomFp8(rng, f, data));
  for (auto& w : l.weights) w = static_cast<int8_t>(RandomFp8(rng, f, data));
  if (Uniform(rng, 0, 1) == 1) {
    l.bias_fp32.resize(static_cast<size_t>(N));
    for (auto& b : l.bias_fp32) {
      uint8_t c = 0;
      do {  // a finite code (the extremes' NaN/inf codes are not biases)
        c = RandomFp8(rng, f, data);
      } while ((c & 0x7F) > LayoutOf(f).max_finite);
      b = fp::Fp8ToFp32(c, f);
    }
  }
  const contract::OutFmt fmts[] = {contract::kOutFp32, contract::kOutBf16, contract::kOutFp8E4M3,
                                   contract::kOutFp8E5M2};
  l.out_fmt = fmts[Uniform(rng, 0, 3)];
  const int64_t scale_pick = Uniform(rng, 0, 3);
  if (scale_pick >= 2) {
    l.out_scale = 0x3F800000;  // 1.0
  } else {
    const uint32_t sign = static_cast<uint32_t>(Uniform(rng, 0, 1)) << 31;
    const uint32_t exp = static_cast<uint32_t>(127 + Uniform(rng, -8, 8)) << 23;
    const uint32_t man = scale_pick == 0 ? 0u : static_cast<uint32_t>(rng() & 0x7FFFFF);
    l.out_scale = sign | exp | man;
  }
  l.saturate = Uniform(rng, 0, 1) == 1;
  return l;
}

}  // namespace salsa
