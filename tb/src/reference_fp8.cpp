// The FP8 GEMM reference (docs/numerics.md): fp8.h's dot product in k order from the bias, then
// the output scale and conversion. Plain integer arithmetic only (fp8.cpp).
#include <stdexcept>
#include <string>

#include "salsa/reference.h"

namespace salsa::ref {

uint32_t Fp8Output(uint32_t acc, contract::OutFmt fmt, uint32_t scale, bool saturate) {
  const uint32_t y = fp::Fp32Mul(acc, scale);
  switch (fmt) {
    case contract::kOutFp32:
      return y;
    case contract::kOutBf16:
      return fp::Fp32ToBf16(y, saturate);
    case contract::kOutFp8E4M3:
      return fp::Fp32ToFp8(y, fp::Fp8Format::kE4M3, saturate);
    case contract::kOutFp8E5M2:
      return fp::Fp32ToFp8(y, fp::Fp8Format::kE5M2, saturate);
    case contract::kOutInt8:
      break;
  }
  throw std::invalid_argument("Fp8Output: output format " + std::to_string(unsigned{fmt}) +
                              " is not an FP output (float32, bfloat16, fp8_e4m3, fp8_e5m2)");
}

fp::Fp8Format Fp8FormatOf(contract::Prec prec) {
  if (prec == contract::kPrecFp8E4M3) return fp::Fp8Format::kE4M3;
  if (prec == contract::kPrecFp8E5M2) return fp::Fp8Format::kE5M2;
  throw std::invalid_argument("Fp8FormatOf: precision " + std::to_string(unsigned{prec}) +
                              " is not FP8");
}

namespace {

// S K slices: slice i sums the k = i, i + S, .. in order (slice 0 from the bias, the others from
// +0), and the partial sums are added from slice S-1 down: ((p[S-1] + p[S-2]) + ..) + p[0].
std::vector<uint32_t> Fp8GemmSliced(const uint8_t* in, const uint8_t* w, const uint32_t* bias,
                                    int M, int K, int N, size_t n_stride, size_t k_stride,
                                    fp::Fp8Format f, contract::OutFmt fmt, uint32_t scale,
                                    bool saturate, unsigned slices) {
  std::vector<uint32_t> out(static_cast<size_t>(M) * static_cast<size_t>(N));
  std::vector<uint8_t> a;
  for (size_t m = 0; m < static_cast<size_t>(M); ++m) {
    for (size_t n = 0; n < static_cast<size_t>(N); ++n) {
      uint32_t acc = 0;
      for (unsigned i = slices; i-- > 0;) {
        a.clear();
        for (size_t k = i; k < static_cast<size_t>(K); k += slices) {
          a.push_back(in[m * static_cast<size_t>(K) + k]);
        }
        const uint32_t init = i == 0 && bias ? bias[n] : 0u;
        const uint32_t p = a.empty() ? init
                                     : fp::Fp8Dot(init, a.data(), w + n * n_stride + i * k_stride,
                                                  a.size(), k_stride * slices, f);
        acc = i == slices - 1 ? p : fp::Fp32Add(p, acc);
      }
      out[m * static_cast<size_t>(N) + n] = Fp8Output(acc, fmt, scale, saturate);
    }
  }
  return out;
}

}  // namespace

std::vector<uint32_t> Fp8Gemm(const uint8_t* in, const uint8_t* w, const uint32_t* bias, int M,
                              int K, int N, size_t n_stride, size_t k_stride, fp::Fp8Format f,
                              contract::OutFmt fmt, uint32_t scale, bool saturate,
                              unsigned slices) {
  if (M < 1 || K < 1 || N < 1) {
    throw std::invalid_argument("Fp8Gemm: M, K, N must be >= 1, got " + std::to_string(M) + ", " +
                                std::to_string(K) + ", " + std::to_string(N));
  }
  if (slices < 1) throw std::invalid_argument("Fp8Gemm: slices must be >= 1, got 0");
  if (slices > 1)
    return Fp8GemmSliced(in, w, bias, M, K, N, n_stride, k_stride, f, fmt, scale, saturate, slices);
  Fp8Output(0, fmt, scale, saturate);  // rejects a non-FP format before any work
  std::vector<uint32_t> out(static_cast<size_t>(M) * static_cast<size_t>(N));
  for (size_t m = 0; m < static_cast<size_t>(M); ++m) {
    for (size_t n = 0; n < static_cast<size_t>(N); ++n) {
      const uint32_t init = bias ? bias[n] : 0u;
      const uint32_t acc =
          fp::Fp8Dot(init, in + m * static_cast<size_t>(K), w + n * n_stride, K, k_stride, f);
      out[m * static_cast<size_t>(N) + n] = Fp8Output(acc, fmt, scale, saturate);
    }
  }
  return out;
}

}  // namespace salsa::ref
