#include "salsa/reference.h"

#include <cstddef>
#include <stdexcept>
#include <string>

#include "salsa/quant.h"

namespace salsa::ref {

namespace {

void CheckShape(const int8_t* in, const int8_t* weights, int M, int K, int N) {
  if (M < 1 || K < 1 || N < 1) {
    throw std::invalid_argument(
        "FullyConnected: M, K and N must be >= 1, got M=" + std::to_string(M) +
        " K=" + std::to_string(K) + " N=" + std::to_string(N));
  }
  if (in == nullptr || weights == nullptr) {
    throw std::invalid_argument("FullyConnected: input and weights must not be null");
  }
}

void CheckInt8(const char* what, int32_t v) {
  if (v < -128 || v > 127) {
    throw std::invalid_argument(std::string("FullyConnected: ") + what + " " + std::to_string(v) +
                                " is outside the int8 range [-128, 127]");
  }
}

int32_t AsInt32(uint32_t u) {
  // Modulo-2^32 reinterpretation, independent of implementation-defined conversions.
  return u <= 0x7FFFFFFFu ? static_cast<int32_t>(u)
                          : static_cast<int32_t>(static_cast<int64_t>(u) - (int64_t{1} << 32));
}

}  // namespace

std::vector<int32_t> FullyConnectedAcc(const int8_t* in, const int8_t* weights, const int32_t* bias,
                                       int M, int K, int N, int32_t input_zero_point) {
  CheckShape(in, weights, M, K, N);
  CheckInt8("input zero point", input_zero_point);
  std::vector<int32_t> acc(static_cast<size_t>(M) * static_cast<size_t>(N));
  for (int m = 0; m < M; ++m) {
    const int8_t* x = in + static_cast<size_t>(m) * static_cast<size_t>(K);
    for (int n = 0; n < N; ++n) {
      const int8_t* w = weights + static_cast<size_t>(n) * static_cast<size_t>(K);
      // int32 accumulation that wraps modulo 2^32 (each product is at most 255 * 128 in
      // magnitude, so only the running sum can overflow); kept in uint32_t to avoid UB.
      uint32_t sum = 0;
      for (int k = 0; k < K; ++k) {
        const int32_t d = static_cast<int32_t>(x[k]) - input_zero_point;
        sum += static_cast<uint32_t>(d * static_cast<int32_t>(w[k]));
      }
      if (bias != nullptr) sum += static_cast<uint32_t>(bias[n]);
      acc[static_cast<size_t>(m) * static_cast<size_t>(N) + static_cast<size_t>(n)] = AsInt32(sum);
    }
  }
  return acc;
}

std::vector<int8_t> FullyConnected(const int8_t* in, const int8_t* weights, const int32_t* bias,
                                   int M, int K, int N, const FcQuant& q) {
  CheckShape(in, weights, M, K, N);
  if (q.weights_zero_point != 0) {
    throw std::invalid_argument(
        "FullyConnected: weights zero point must be 0 (salsa requires symmetric int8 weights), "
        "got " +
        std::to_string(q.weights_zero_point));
  }
  CheckInt8("input zero point", q.input_zero_point);
  CheckInt8("output zero point", q.output_zero_point);
  CheckInt8("act_min", q.act_min);
  CheckInt8("act_max", q.act_max);
  if (q.act_min > q.act_max) {
    throw std::invalid_argument("FullyConnected: act_min " + std::to_string(q.act_min) +
                                " > act_max " + std::to_string(q.act_max));
  }
  const size_t channels = q.output_multiplier.size();
  if (channels != 1 && channels != static_cast<size_t>(N)) {
    throw std::invalid_argument("FullyConnected: output_multiplier must have 1 or N=" +
                                std::to_string(N) + " entries, got " + std::to_string(channels));
  }
  if (q.output_shift.size() != channels) {
    throw std::invalid_argument("FullyConnected: output_shift has " +
                                std::to_string(q.output_shift.size()) +
                                " entries, output_multiplier " + std::to_string(channels));
  }
  for (int32_t s : q.output_shift) {
    if (s < -31 || s > 31) {
      throw std::invalid_argument("FullyConnected: output shift " + std::to_string(s) +
                                  " outside [-31, 31]");
    }
  }

  const std::vector<int32_t> acc =
      FullyConnectedAcc(in, weights, bias, M, K, N, q.input_zero_point);
  std::vector<int8_t> out(acc.size());
  for (int m = 0; m < M; ++m) {
    for (int n = 0; n < N; ++n) {
      const size_t c = channels == 1 ? 0 : static_cast<size_t>(n);
      const size_t i = static_cast<size_t>(m) * static_cast<size_t>(N) + static_cast<size_t>(n);
      out[i] = quant::Requantize(acc[i], q.output_multiplier[c], q.output_shift[c],
                                 q.output_zero_point, q.act_min, q.act_max);
    }
  }
  return out;
}

}  // namespace salsa::ref
