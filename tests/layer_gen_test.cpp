// Sparse random layers (issue 5): activation sparsity patterns with exact zero counts (a zero is
// the input zero point, not the code 0), 2:4 weight pruning by magnitude, the compressed 2:4
// layout, and the reference on the pruned tensors against a naive computation.
#include "salsa/layer_gen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <vector>

#include "salsa/quant.h"

namespace {

using salsa::FcLayer;
using salsa::SparsityPattern;

int64_t Zeros(const FcLayer& l) {
  return std::count(l.input.begin(), l.input.end(), static_cast<int8_t>(l.input_zero_point));
}

// Zero runs along K (maximal stretches of the zero point inside one row).
struct Runs {
  int64_t count = 0;
  int64_t longest = 0;
};
Runs ZeroRuns(const FcLayer& l) {
  Runs r;
  for (int m = 0; m < l.M; ++m) {
    int64_t len = 0;
    for (int k = 0; k <= l.K; ++k) {
      if (k < l.K && l.input[static_cast<size_t>(m) * l.K + k] == l.input_zero_point) {
        ++len;
        continue;
      }
      if (len > 0) ++r.count;
      r.longest = std::max(r.longest, len);
      len = 0;
    }
  }
  return r;
}

FcLayer Sparse(int M, int K, int N, uint64_t seed, double z, SparsityPattern p,
               salsa::FcData data = salsa::FcData::kRandom) {
  FcLayer l = salsa::MakeRandomFc(M, K, N, seed, data);
  salsa::ApplyActivationSparsity(&l, z, p, seed);
  return l;
}

TEST(LayerGenSparsityTest, UniformExactZeroCount) {
  for (const double z : {0.0, 0.01, 0.25, 1.0 / 3.0, 0.5, 0.9, 0.999, 1.0}) {
    for (const auto& [M, K] : std::vector<std::pair<int, int>>{{1, 300}, {37, 200}, {3, 7}}) {
      const FcLayer l = Sparse(M, K, 5, 7, z, SparsityPattern::kUniform);
      const int64_t want = std::llround(z * M * K);
      EXPECT_EQ(Zeros(l), want) << "z " << z << " M " << M << " K " << K;
      EXPECT_EQ(l.input.size(), static_cast<size_t>(M) * K);
    }
  }
}

TEST(LayerGenSparsityTest, ZeroIsTheInputZeroPointNotTheCodeZero) {
  // Codes 0 and 37 alternate; the zero point is 37, so code 0 is a non-zero activation (d = -37).
  FcLayer l = salsa::MakeRandomFc(8, 100, 4, 3);
  for (size_t i = 0; i < l.input.size(); ++i) l.input[i] = i % 2 ? 37 : 0;
  l.input_zero_point = 37;
  salsa::ApplyActivationSparsity(&l, 0.25, SparsityPattern::kUniform, 3);
  EXPECT_EQ(std::count(l.input.begin(), l.input.end(), int8_t{37}), 200);
  EXPECT_EQ(std::count(l.input.begin(), l.input.end(), int8_t{0}), 600);  // kept, and refills
  // Zero point -128 (ReLU-style): the zeros are -128.
  l.input_zero_point = -128;
  salsa::ApplyActivationSparsity(&l, 0.75, SparsityPattern::kClustered, 4);
  EXPECT_EQ(std::count(l.input.begin(), l.input.end(), int8_t{-128}), 600);
  EXPECT_EQ(std::count(l.input.begin(), l.input.end(), int8_t{0}) +
                std::count(l.input.begin(), l.input.end(), int8_t{37}),
            200);
}

TEST(LayerGenSparsityTest, SeededAndReproducible) {
  for (SparsityPattern p :
       {SparsityPattern::kUniform, SparsityPattern::kClustered, SparsityPattern::kRelu}) {
    const FcLayer a = Sparse(9, 130, 3, 11, 0.6, p);
    const FcLayer b = Sparse(9, 130, 3, 11, 0.6, p);
    const FcLayer c = Sparse(9, 130, 3, 12, 0.6, p);
    EXPECT_EQ(a.input, b.input) << salsa::SparsityPatternName(p);
    EXPECT_NE(a.input, c.input) << salsa::SparsityPatternName(p);
  }
}

TEST(LayerGenSparsityTest, UniformZerosAreSpreadOut) {
  // 50% zeros at independent positions: runs are short (mean length about 2).
  const FcLayer l = Sparse(37, 200, 5, 21, 0.5, SparsityPattern::kUniform);
  const Runs r = ZeroRuns(l);
  EXPECT_GT(r.count, 37 * 200 / 5);
  EXPECT_LT(r.longest, 30);
}

TEST(LayerGenSparsityTest, ClusteredRunsAndZeroColumns) {
  for (const auto& [M, K] : std::vector<std::pair<int, int>>{{37, 200}, {1, 300}, {5, 1100}}) {
    for (const double z : {0.2, 0.5, 0.9}) {
      const FcLayer l = Sparse(M, K, 5, 22, z, SparsityPattern::kClustered);
      const int64_t want = std::llround(z * M * K);
      EXPECT_EQ(Zeros(l), want) << M << "x" << K << " z " << z;
      // About half of the zeros are whole K columns (K steps with no work at all).
      const int columns = salsa::CountZeroColumns(l);
      EXPECT_GE(columns, std::max<int64_t>(1, want / (2 * M))) << M << "x" << K << " z " << z;
      // The zeros come in runs along K: far fewer runs than zeros, and long ones.
      const Runs r = ZeroRuns(l);
      EXPECT_LT(r.count * 3, want) << M << "x" << K << " z " << z;
      EXPECT_GE(r.longest, std::min<int64_t>(K / 16, want / M)) << M << "x" << K << " z " << z;
    }
  }
}

TEST(LayerGenSparsityTest, ClusteredEdgeCases) {
  EXPECT_EQ(Zeros(Sparse(37, 200, 5, 23, 0.0, SparsityPattern::kClustered)), 0);
  const FcLayer all = Sparse(37, 200, 5, 23, 1.0, SparsityPattern::kClustered);
  EXPECT_EQ(Zeros(all), 37 * 200);
  EXPECT_EQ(salsa::CountZeroColumns(all), 200);
  // 1% of 37x200 = 74 zeros >= M: still at least one all-zero column.
  EXPECT_GE(salsa::CountZeroColumns(Sparse(37, 200, 5, 23, 0.01, SparsityPattern::kClustered)), 1);
  // Tiny layers: counts stay exact.
  for (int K = 1; K <= 9; ++K) {
    for (int zi = 0; zi <= 4; ++zi) {
      const double z = zi / 4.0;
      EXPECT_EQ(Zeros(Sparse(3, K, 2, 24, z, SparsityPattern::kClustered)), std::llround(z * 3 * K))
          << K << " " << z;
    }
  }
}

TEST(LayerGenSparsityTest, ReluZeroPointMinus128) {
  for (const double z : {0.0, 0.5, 0.8, 1.0}) {
    const FcLayer l = Sparse(37, 200, 5, 25, z, SparsityPattern::kRelu);
    EXPECT_EQ(l.input_zero_point, -128);
    EXPECT_EQ(Zeros(l), std::llround(z * 37 * 200)) << z;
    if (z == 1.0) continue;
    // The others: positive ReLU outputs, a half-normal of sigma 64 codes above -128.
    std::set<int> distinct;
    double sum = 0;
    int64_t n = 0;
    for (int8_t x : l.input) {
      if (x == -128) continue;
      distinct.insert(x);
      sum += x + 128;
      ++n;
    }
    EXPECT_GT(distinct.size(), 100u) << z;
    const double mean = sum / n;  // 64 * sqrt(2 / pi) = 51.1
    EXPECT_NEAR(mean, 51.1, 4.0) << z;
  }
}

TEST(LayerGenSparsityTest, DataKindsKeepTheirValues) {
  const FcLayer u = Sparse(6, 50, 4, 26, 0.3, SparsityPattern::kUniform, salsa::FcData::kUnitScale);
  EXPECT_EQ(Zeros(u), 90);
  for (int8_t x : u.input) EXPECT_LE(std::abs(x - u.input_zero_point), 1);
  const FcLayer e =
      Sparse(6, 50, 4, 27, 0.3, SparsityPattern::kClustered, salsa::FcData::kExtremes);
  EXPECT_EQ(Zeros(e), 90);
  for (int8_t x : e.input) EXPECT_TRUE(x == -128 || x == 127);
}

TEST(LayerGenSparsityTest, BadArguments) {
  FcLayer l = salsa::MakeRandomFc(2, 3, 4, 1);
  EXPECT_THROW(salsa::ApplyActivationSparsity(&l, -0.1, SparsityPattern::kUniform, 1),
               std::invalid_argument);
  EXPECT_THROW(salsa::ApplyActivationSparsity(&l, 1.5, SparsityPattern::kUniform, 1),
               std::invalid_argument);
  EXPECT_THROW(salsa::ApplyActivationSparsity(&l, std::nan(""), SparsityPattern::kUniform, 1),
               std::invalid_argument);
  SparsityPattern p = SparsityPattern::kUniform;
  EXPECT_TRUE(salsa::ParseSparsityPattern("clustered", &p));
  EXPECT_EQ(p, SparsityPattern::kClustered);
  EXPECT_TRUE(salsa::ParseSparsityPattern("relu", &p));
  EXPECT_EQ(p, SparsityPattern::kRelu);
  EXPECT_FALSE(salsa::ParseSparsityPattern("Uniform", &p));
}

// ---------------------------------------------------------------------------------------------
// 2:4 weights.

TEST(LayerGen2of4Test, PruneByMagnitudeTiesToTheLowerIndex) {
  // K = 11: groups [3, -5, 5, 1] [-128, 127, 0, 0] [1, 1, 1]; and a row of ties:
  // [2, -2, 2, 2] [0, 0, 0, 9] [-1, 0, 1].
  std::vector<int8_t> w = {3, -5, 5, 1, -128, 127, 0, 0, 1,  1, 1,  //
                           2, -2, 2, 2, 0,    0,   0, 9, -1, 0, 1};
  salsa::Prune2of4(&w, 2, 11);
  EXPECT_EQ(w, (std::vector<int8_t>{0, -5, 5, 0, -128, 127, 0, 0, 1,  1, 0,  //
                                    2, -2, 0, 0, 0,    0,   0, 9, -1, 0, 1}));
  EXPECT_TRUE(salsa::Is2of4(w, 2, 11));
  // |-128| = 128 beats 127.
  std::vector<int8_t> x = {127, -128, 127, 100};
  salsa::Prune2of4(&x, 1, 4);
  EXPECT_EQ(x, (std::vector<int8_t>{127, -128, 0, 0}));
}

TEST(LayerGen2of4Test, PrunedRandomLayersAre2of4AndKeepTheLargest) {
  for (int K = 1; K <= 13; ++K) {
    FcLayer l = salsa::MakeRandomFc(2, K, 5, 100 + K);
    const std::vector<int8_t> before = l.weights;
    salsa::Prune2of4(&l);
    ASSERT_TRUE(salsa::Is2of4(l.weights, l.N, l.K)) << K;
    for (int n = 0; n < l.N; ++n) {
      for (int g = 0; g < K; g += 4) {
        const int end = std::min(K, g + 4);
        // Non-zeros survive unchanged, min(2, non-zeros before) of them, and nothing dropped is
        // larger than what was kept.
        int nonzero_before = 0, nonzero_after = 0, min_kept = 1000, max_dropped = 0;
        for (int k = g; k < end; ++k) {
          const int8_t b = before[n * K + k], a = l.weights[n * K + k];
          nonzero_before += b != 0;
          if (a != 0) {
            EXPECT_EQ(a, b);
            ++nonzero_after;
            min_kept = std::min(min_kept, std::abs(int{b}));
          } else {
            max_dropped = std::max(max_dropped, std::abs(int{b}));
          }
        }
        EXPECT_EQ(nonzero_after, std::min(nonzero_before, 2)) << "K " << K << " g " << g;
        if (nonzero_after == 2) {
          EXPECT_LE(max_dropped, min_kept) << "K " << K << " g " << g;
        }
      }
    }
  }
}

TEST(LayerGen2of4Test, Is2of4) {
  EXPECT_TRUE(salsa::Is2of4({1, 0, 0, 2, 3, 4, 0}, 1, 7));
  EXPECT_FALSE(salsa::Is2of4({1, 0, 5, 2, 3, 4, 0}, 1, 7));
  EXPECT_FALSE(salsa::Is2of4({1, 0, 0, 2, 3, 4, 5}, 1, 7));  // the partial last group
  EXPECT_FALSE(salsa::Is2of4({1, 2}, 1, 3));                 // wrong size
}

TEST(LayerGen2of4Test, CompressByHand) {
  // K = 6: group 0 [0, 0, 0, 7] keeps 7 at 3 and a zero at the lowest free position 0; group 1
  // [5, 0] (positions 2, 3 are padding) keeps 5 at 0 and a zero at 1.
  const salsa::Compressed2of4 c = salsa::Compress2of4({0, 0, 0, 7, 5, 0}, 1, 6);
  EXPECT_EQ(salsa::Compressed2of4Cols(6), 4);
  EXPECT_EQ(c.values, (std::vector<int8_t>{0, 7, 5, 0}));
  EXPECT_EQ(c.meta, (std::vector<uint8_t>{0, 3, 0, 1}));
  EXPECT_THROW(salsa::Compress2of4({1, 2, 3, 0}, 1, 4), std::invalid_argument);
}

TEST(LayerGen2of4Test, CompressDecompressRoundTrip) {
  for (int K = 1; K <= 17; ++K) {
    FcLayer l = salsa::MakeRandomFc(1, K, 4, 200 + K);
    salsa::Prune2of4(&l);
    const salsa::Compressed2of4 c = salsa::Compress2of4(l.weights, l.N, l.K);
    const int64_t cols = salsa::Compressed2of4Cols(K);
    ASSERT_EQ(static_cast<int64_t>(c.values.size()), 4 * cols);
    for (size_t i = 0; i < c.meta.size(); i += 2) {
      EXPECT_LT(c.meta[i], c.meta[i + 1]);
      EXPECT_LE(c.meta[i + 1], 3);
    }
    EXPECT_TRUE(salsa::Check2of4(c, l.N, l.K).what.empty());
    EXPECT_EQ(salsa::Decompress2of4(c, l.N, l.K), l.weights) << K;
  }
}

TEST(LayerGen2of4Test, CheckFindsEachProblem) {
  // N = 2, K = 5: 4 columns per row; row 1's second group has positions 0..3 of which 1..3 lie
  // beyond K.
  const salsa::Compressed2of4 good{{1, 2, 3, 0, 4, 5, 6, 0}, {0, 1, 0, 1, 1, 2, 0, 3}};
  EXPECT_TRUE(salsa::Check2of4(good, 2, 5).what.empty());
  auto bad = good;
  bad.meta[5] = 4;
  salsa::Problem2of4 p = salsa::Check2of4(bad, 2, 5);
  EXPECT_EQ(p.what, "position 4 is out of range");
  EXPECT_EQ(p.index, 5);
  EXPECT_FALSE(p.in_values);
  bad = good;
  bad.meta[4] = 2;
  p = salsa::Check2of4(bad, 2, 5);
  EXPECT_EQ(p.index, 5);
  EXPECT_NE(p.what.find("not strictly increasing"), std::string::npos) << p.what;
  bad = good;
  bad.values[7] = 9;  // at position 3 of the last group: k = 7 >= K
  p = salsa::Check2of4(bad, 2, 5);
  EXPECT_EQ(p.index, 7);
  EXPECT_TRUE(p.in_values);
  EXPECT_NE(p.what.find("beyond K = 5"), std::string::npos) << p.what;
  EXPECT_THROW(salsa::Decompress2of4(bad, 2, 5), std::invalid_argument);
  bad = good;
  bad.meta.pop_back();
  EXPECT_FALSE(salsa::Check2of4(bad, 2, 5).what.empty());
  EXPECT_EQ(salsa::Decompress2of4(good, 2, 5), (std::vector<int8_t>{1, 2, 0, 0, 3, 0, 4, 5, 0, 6}));
}

// The reference on sparse, pruned tensors equals a naive computation from numerics.md.
TEST(LayerGen2of4Test, ReferenceOnPrunedTensorsEqualsNaive) {
  for (SparsityPattern p :
       {SparsityPattern::kUniform, SparsityPattern::kClustered, SparsityPattern::kRelu}) {
    for (const bool per_channel : {false, true}) {
      FcLayer l = salsa::MakeRandomFc(7, 45, 9, 300);
      salsa::ApplyActivationSparsity(&l, 0.6, p, 300);
      salsa::Prune2of4(&l);
      salsa::ChooseRandomOutputQuant(&l, 300);
      if (per_channel) salsa::MakePerChannel(&l, 300);
      ASSERT_TRUE(salsa::Is2of4(l.weights, l.N, l.K));
      const std::vector<int8_t> got = salsa::ReferenceOutput(l);
      std::set<int> distinct;
      for (int m = 0; m < l.M; ++m) {
        for (int n = 0; n < l.N; ++n) {
          int64_t acc = l.bias[n];
          for (int k = 0; k < l.K; ++k) {
            acc += (l.input[m * l.K + k] - l.input_zero_point) * int64_t{l.weights[n * l.K + k]};
          }
          const int32_t mult = per_channel ? l.channel_multiplier[n] : l.output_multiplier;
          const int shift = per_channel ? l.channel_shift[n] : l.output_shift;
          const int8_t want = salsa::quant::Requantize(static_cast<int32_t>(acc), mult, shift,
                                                       l.output_zero_point, l.act_min, l.act_max);
          EXPECT_EQ(got[m * l.N + n], want) << m << " " << n;
          distinct.insert(want);
        }
      }
      // The re-chosen output quantisation spreads the outputs (not all clipped).
      EXPECT_GT(distinct.size(), 10u) << salsa::SparsityPatternName(p);
    }
  }
}

}  // namespace
