// Random and TFLite-vector fully connected layers.
#include "salsa/layer_gen.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "salsa/quant.h"

namespace salsa {
namespace {

// Uniform integer in [lo, hi] from raw engine output (portable across standard libraries).
int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(rng() % span);
}

int8_t RandomActivation(std::mt19937_64& rng, int32_t zp) {
  const int64_t pick = Uniform(rng, 0, 99);
  if (pick < 25) return static_cast<int8_t>(zp);  // zero operands (gated)
  if (pick < 30) return -128;
  if (pick < 35) return 127;
  return static_cast<int8_t>(Uniform(rng, -128, 127));
}

int8_t RandomWeight(std::mt19937_64& rng) {
  const int64_t pick = Uniform(rng, 0, 99);
  if (pick < 3) return -128;
  if (pick < 6) return 127;
  return static_cast<int8_t>(Uniform(rng, -127, 127));
}

double StdDev(const std::vector<int32_t>& v) {
  double sum = 0, sq = 0;
  for (int32_t x : v) sum += x;
  const double mean = sum / v.size();
  for (int32_t x : v) sq += (x - mean) * (x - mean);
  return std::sqrt(sq / v.size());
}

// Per-tensor output scale: the 2nd..98th percentile of the accumulators maps onto the int8 range.
void ChooseOutputQuant(std::mt19937_64& rng, std::vector<int32_t> acc, FcLayer& l) {
  std::sort(acc.begin(), acc.end());
  const size_t n = acc.size();
  const double lo = acc[static_cast<size_t>(0.02 * (n - 1))];
  const double hi = acc[static_cast<size_t>(0.98 * (n - 1))];
  const double range = std::max({hi - lo, 4.0 * StdDev(acc), 1.0});
  const double real_multiplier = 250.0 / range;
  const double center = (lo + hi) / 2.0;
  const long zp = std::lround(-center * real_multiplier);
  l.output_zero_point = static_cast<int32_t>(std::clamp<long>(zp, -128, 127));
  quant::QuantizeMultiplier(real_multiplier, &l.output_multiplier, &l.output_shift);
  const int64_t act = Uniform(rng, 0, 99);
  if (act < 25) {  // fused ReLU
    l.act_min = l.output_zero_point;
  } else if (act < 40) {  // a narrower clamp (ReLU6-like)
    l.act_min = l.output_zero_point;
    l.act_max = std::min(127, l.output_zero_point + 100);
  }
}

[[noreturn]] void BadVector(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

template <typename T>
std::vector<T> IntList(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi,
                       size_t size, const std::string& path) {
  if (!j.contains(key) || !j[key].is_array()) BadVector(path, std::string(key) + " is not a list");
  if (j[key].size() != size) {
    BadVector(path, std::string(key) + " has " + std::to_string(j[key].size()) +
                        " values; expected " + std::to_string(size));
  }
  std::vector<T> out;
  for (const auto& v : j[key]) {
    const int64_t x = v.get<int64_t>();
    if (x < lo || x > hi) {
      BadVector(path, std::string(key) + " value " + std::to_string(x) + " outside [" +
                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    out.push_back(static_cast<T>(x));
  }
  return out;
}

int32_t IntField(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number_integer()) {
    BadVector(path, std::string(key) + " is missing or not an integer");
  }
  return j[key].get<int32_t>();
}

int8_t Extreme(std::mt19937_64& rng) { return Uniform(rng, 0, 1) == 0 ? -128 : 127; }

}  // namespace

FcLayer MakeRandomFc(int M, int K, int N, uint64_t seed, FcData data) {
  if (M < 1 || K < 1 || N < 1) {
    throw std::invalid_argument("MakeRandomFc: M, K and N must be >= 1");
  }
  const bool extremes = data == FcData::kExtremes, unit = data == FcData::kUnitScale;
  std::mt19937_64 rng(seed);
  FcLayer l;
  l.name = "random_" + std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) +
           "_seed" + std::to_string(seed);
  l.M = M;
  l.K = K;
  l.N = N;
  l.input_zero_point = extremes                 ? Extreme(rng)
                       : unit                   ? static_cast<int32_t>(Uniform(rng, -127, 126))
                       : Uniform(rng, 0, 3) == 0 ? -128
                                                 : static_cast<int32_t>(Uniform(rng, -128, 127));
  l.input.resize(static_cast<size_t>(M) * K);
  for (auto& x : l.input) {
    x = extremes ? Extreme(rng)
        : unit   ? static_cast<int8_t>(l.input_zero_point + Uniform(rng, -1, 1))
                 : RandomActivation(rng, l.input_zero_point);
  }
  l.weights.resize(static_cast<size_t>(N) * K);
  for (auto& w : l.weights) {
    w = extremes ? Extreme(rng) : unit ? static_cast<int8_t>(Uniform(rng, -1, 1)) : RandomWeight(rng);
  }
  l.bias.resize(N);
  if (unit) {
    // Real multiplier exactly 1 (2^30 with shift 1): every unit of every accumulator is visible
    // in the output, so an accumulation error of one cannot round away.
    for (auto& b : l.bias) b = static_cast<int32_t>(Uniform(rng, -8, 8));
    l.output_multiplier = 1 << 30;
    l.output_shift = 1;
    l.output_zero_point = static_cast<int32_t>(Uniform(rng, -8, 8));
    l.act_min = -128;
    l.act_max = 127;
    return l;
  }

  const std::vector<int32_t> acc = ref::FullyConnectedAcc(l.input.data(), l.weights.data(), nullptr,
                                                          M, K, N, l.input_zero_point);
  const int64_t spread = std::max<int64_t>(1, std::llround(StdDev(acc)));
  for (auto& b : l.bias) {
    b = extremes ? (Uniform(rng, 0, 1) ? (1 << 24) : -(1 << 24))
                 : static_cast<int32_t>(Uniform(rng, -spread, spread));
  }

  std::vector<int32_t> acc_bias = acc;
  for (size_t i = 0; i < acc_bias.size(); ++i) {
    acc_bias[i] = static_cast<int32_t>(static_cast<uint32_t>(acc_bias[i]) +
                                       static_cast<uint32_t>(l.bias[i % N]));
  }
  ChooseOutputQuant(rng, std::move(acc_bias), l);
  return l;
}

FcLayer LoadTfliteVector(const std::string& path) {
  std::ifstream in(path);
  if (!in) BadVector(path, "cannot open the file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    BadVector(path, std::string("not valid JSON: ") + e.what());
  }
  try {
    FcLayer l;
    l.name = j.value("name", path);
    l.M = IntField(j, "batches", path);
    l.K = IntField(j, "in_features", path);
    l.N = IntField(j, "out_features", path);
    if (l.M < 1 || l.K < 1 || l.N < 1) BadVector(path, "batches, in_features, out_features < 1");
    if (IntField(j, "weights_zero_point", path) != 0) {
      BadVector(path, "weights_zero_point " + std::to_string(j["weights_zero_point"].get<int>()) +
                          " is not supported: salsa requires symmetric weights (zero point 0)");
    }
    const size_t mk = static_cast<size_t>(l.M) * l.K, nk = static_cast<size_t>(l.N) * l.K;
    l.input = IntList<int8_t>(j, "input", -128, 127, mk, path);
    l.weights = IntList<int8_t>(j, "weights", -128, 127, nk, path);
    if (j.contains("bias") && !j["bias"].is_null()) {
      l.bias = IntList<int32_t>(j, "bias", INT32_MIN, INT32_MAX, l.N, path);
    }
    l.input_zero_point = IntField(j, "input_zero_point", path);
    // Per-channel vectors carry a list of N multipliers and shifts; per-tensor ones a number.
    if (j["output_multiplier"].is_array() || j["output_shift"].is_array()) {
      l.channel_multiplier = IntList<int32_t>(j, "output_multiplier", INT32_MIN, INT32_MAX, l.N, path);
      l.channel_shift = IntList<int32_t>(j, "output_shift", -31, 30, l.N, path);
    } else {
      l.output_multiplier = IntField(j, "output_multiplier", path);
      l.output_shift = IntField(j, "output_shift", path);
    }
    l.output_zero_point = IntField(j, "output_zero_point", path);
    l.act_min = IntField(j, "act_min", path);
    l.act_max = IntField(j, "act_max", path);
    const char* golden = j.contains("expected_exact") ? "expected_exact" : "expected";
    if (j.contains(golden)) {
      l.expected = IntList<int8_t>(j, golden, -128, 127, static_cast<size_t>(l.M) * l.N, path);
    }
    return l;
  } catch (const nlohmann::json::exception& e) {
    BadVector(path, std::string("malformed vector: ") + e.what());
  }
}

void MakePerChannel(FcLayer* l, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ull);
  const double real = std::ldexp(static_cast<double>(l->output_multiplier), l->output_shift - 31);
  l->channel_multiplier.resize(l->N);
  l->channel_shift.resize(l->N);
  for (int n = 0; n < l->N; ++n) {
    const double factor = std::pow(2.0, static_cast<double>(Uniform(rng, -1000, 1000)) / 1000.0);
    int shift = 0;
    quant::QuantizeMultiplier(real * factor, &l->channel_multiplier[n], &shift);
    l->channel_shift[n] = std::clamp(shift, -31, 30);
  }
}

ref::FcQuant RefQuant(const FcLayer& l) {
  ref::FcQuant q;
  q.input_zero_point = l.input_zero_point;
  q.weights_zero_point = 0;
  if (l.channel_multiplier.empty()) {
    q.output_multiplier = {l.output_multiplier};
    q.output_shift = {l.output_shift};
  } else {
    q.output_multiplier = l.channel_multiplier;
    q.output_shift = l.channel_shift;
  }
  q.output_zero_point = l.output_zero_point;
  q.act_min = l.act_min;
  q.act_max = l.act_max;
  return q;
}

std::vector<int8_t> ReferenceOutput(const FcLayer& l) {
  return ref::FullyConnected(l.input.data(), l.weights.data(),
                             l.bias.empty() ? nullptr : l.bias.data(), l.M, l.K, l.N, RefQuant(l));
}

}  // namespace salsa
