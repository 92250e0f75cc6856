// Random fully connected layers: data, quantisation, per-channel scales and activation sparsity
// (TFLite vectors: tflite_vector.cpp; 2:4 weights: weights_2of4.cpp).
#include "salsa/layer_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

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

int8_t Extreme(std::mt19937_64& rng) { return Uniform(rng, 0, 1) == 0 ? -128 : 127; }

// Uniform double in [0, 1) from the top 53 bits of one engine output.
double Unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// A standard normal (Box-Muller; portable, unlike std::normal_distribution).
double Gaussian(std::mt19937_64& rng) {
  const double u1 = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = Unit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// 0..n-1 in a seeded random order (Fisher-Yates).
std::vector<int64_t> Shuffled(std::mt19937_64& rng, int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  for (int64_t i = n - 1; i > 0; --i) std::swap(v[i], v[Uniform(rng, 0, i)]);
  return v;
}

// Exactly `count` of `n` slots selected, in runs of random length 1..max_run (two runs merge when
// there are too few unselected slots to separate them) at random places.
std::vector<bool> RunSelect(std::mt19937_64& rng, int64_t n, int64_t count, int64_t max_run) {
  std::vector<bool> sel(static_cast<size_t>(n), false);
  if (count <= 0) return sel;
  if (count >= n) return std::vector<bool>(static_cast<size_t>(n), true);
  std::vector<int64_t> runs;
  for (int64_t left = count; left > 0;) {
    const int64_t r = Uniform(rng, 1, std::min(max_run, left));
    runs.push_back(r);
    left -= r;
  }
  const int64_t free = n - count;
  while (static_cast<int64_t>(runs.size()) - 1 > free) {
    runs[runs.size() - 2] += runs.back();
    runs.pop_back();
  }
  const size_t k = runs.size();
  std::vector<int64_t> gaps(k + 1, 0);  // before run 0, between runs, after the last
  for (size_t i = 1; i < k; ++i) gaps[i] = 1;
  for (int64_t left = free - static_cast<int64_t>(k - 1); left > 0; --left) {
    ++gaps[static_cast<size_t>(Uniform(rng, 0, static_cast<int64_t>(k)))];
  }
  int64_t pos = 0;
  for (size_t i = 0; i < k; ++i) {
    pos += gaps[i];
    for (int64_t j = 0; j < runs[i]; ++j) sel[static_cast<size_t>(pos++)] = true;
  }
  return sel;
}

// The zero positions of the kClustered pattern: about half of the zeros as whole K columns (in
// runs along K), the rest as runs along K inside the rows, spread evenly over the rows.
std::vector<bool> ClusteredZeros(std::mt19937_64& rng, int64_t M, int64_t K, int64_t total) {
  std::vector<bool> zero(static_cast<size_t>(M * K), false);
  const int64_t max_run = std::max<int64_t>(2, K / 8);
  int64_t columns = std::min(K, total / (2 * M));
  if (total >= M && columns == 0) columns = 1;  // at least one all-zero K step when possible
  const std::vector<bool> col = RunSelect(rng, K, columns, max_run);
  std::vector<int64_t> free_k;  // K indices that are not whole zero columns
  for (int64_t k = 0; k < K; ++k) {
    if (!col[k]) free_k.push_back(k);
  }
  const int64_t rest = total - columns * M;  // <= M * free_k.size()
  const std::vector<int64_t> order = Shuffled(rng, M);
  std::vector<int64_t> quota(static_cast<size_t>(M), rest / M);
  for (int64_t i = 0; i < rest % M; ++i) ++quota[order[i]];
  for (int64_t m = 0; m < M; ++m) {
    const std::vector<bool> sel =
        RunSelect(rng, static_cast<int64_t>(free_k.size()), quota[m], max_run);
    for (int64_t k = 0; k < K; ++k) {
      if (col[k]) zero[m * K + k] = true;
    }
    for (size_t i = 0; i < free_k.size(); ++i) {
      if (sel[i]) zero[m * K + free_k[i]] = true;
    }
  }
  return zero;
}

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
  l.input_zero_point = extremes                  ? Extreme(rng)
                       : unit                    ? static_cast<int32_t>(Uniform(rng, -127, 126))
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
    w = extremes ? Extreme(rng)
        : unit   ? static_cast<int8_t>(Uniform(rng, -1, 1))
                 : RandomWeight(rng);
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

const char* SparsityPatternName(SparsityPattern p) {
  switch (p) {
    case SparsityPattern::kUniform:
      return "uniform";
    case SparsityPattern::kClustered:
      return "clustered";
    case SparsityPattern::kRelu:
      return "relu";
  }
  return "?";
}

bool ParseSparsityPattern(const std::string& name, SparsityPattern* p) {
  for (SparsityPattern c :
       {SparsityPattern::kUniform, SparsityPattern::kClustered, SparsityPattern::kRelu}) {
    if (name == SparsityPatternName(c)) {
      *p = c;
      return true;
    }
  }
  return false;
}

void ApplyActivationSparsity(FcLayer* l, double z, SparsityPattern pattern, uint64_t seed) {
  if (!(z >= 0.0 && z <= 1.0)) {
    throw std::invalid_argument("ApplyActivationSparsity: sparsity " + std::to_string(z) +
                                " is outside [0, 1]");
  }
  const int64_t M = l->M, K = l->K, MK = M * K;
  if (M < 1 || K < 1 || static_cast<int64_t>(l->input.size()) != MK) {
    throw std::invalid_argument("ApplyActivationSparsity: the layer has no [M][K] input");
  }
  std::mt19937_64 rng(seed ^ 0x5A17E5A17E5A17E5ull);
  const int64_t total = std::min<int64_t>(MK, std::llround(z * static_cast<double>(MK)));
  std::vector<bool> zero(static_cast<size_t>(MK), false);
  if (pattern == SparsityPattern::kClustered) {
    zero = ClusteredZeros(rng, M, K, total);
  } else {
    const std::vector<int64_t> order = Shuffled(rng, MK);
    for (int64_t i = 0; i < total; ++i) zero[order[i]] = true;
  }

  if (pattern == SparsityPattern::kRelu) {
    // ReLU outputs quantised with zero point -128: real 0 is -128, positive values a half-normal
    // with sigma = 64 codes (a few clip at 127).
    l->input_zero_point = -128;
    for (int64_t i = 0; i < MK; ++i) {
      const long q = std::lround(std::fabs(Gaussian(rng)) * 64.0);
      l->input[i] =
          zero[i] ? int8_t{-128} : static_cast<int8_t>(-128 + std::clamp<long>(q, 1, 255));
    }
    return;
  }
  const int8_t zp = static_cast<int8_t>(l->input_zero_point);
  std::vector<int8_t> pool;  // the layer's non-zero activations: replacements for zeros to undo
  for (int8_t x : l->input) {
    if (x != zp) pool.push_back(x);
  }
  for (int64_t i = 0; i < MK; ++i) {
    int8_t& x = l->input[i];
    if (zero[i]) {
      x = zp;
    } else if (x == zp) {
      if (!pool.empty()) {
        x = pool[Uniform(rng, 0, static_cast<int64_t>(pool.size()) - 1)];
      } else {
        while (x == zp) x = static_cast<int8_t>(Uniform(rng, -128, 127));
      }
    }
  }
}

int CountZeroColumns(const FcLayer& l) {
  int columns = 0;
  for (int k = 0; k < l.K; ++k) {
    bool all = true;
    for (int m = 0; m < l.M && all; ++m) {
      all = l.input[static_cast<size_t>(m) * l.K + k] == l.input_zero_point;
    }
    columns += all;
  }
  return columns;
}

void ChooseRandomOutputQuant(FcLayer* l, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0xC0FFEE0DDF00Dull);
  const std::vector<int32_t> acc = ref::FullyConnectedAcc(
      l->input.data(), l->weights.data(), nullptr, l->M, l->K, l->N, l->input_zero_point);
  const int64_t spread = std::max<int64_t>(1, std::llround(StdDev(acc)));
  l->bias.resize(l->N);
  for (auto& b : l->bias) b = static_cast<int32_t>(Uniform(rng, -spread, spread));
  std::vector<int32_t> acc_bias = acc;
  for (size_t i = 0; i < acc_bias.size(); ++i) {
    acc_bias[i] = static_cast<int32_t>(static_cast<uint32_t>(acc_bias[i]) +
                                       static_cast<uint32_t>(l->bias[i % l->N]));
  }
  l->channel_multiplier.clear();
  l->channel_shift.clear();
  l->act_min = -128;
  l->act_max = 127;
  ChooseOutputQuant(rng, std::move(acc_bias), *l);
}

}  // namespace salsa
