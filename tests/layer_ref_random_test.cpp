// The user-layer references on random layers of every op (per-tensor and per-channel, odd sizes,
// SAME/VALID, strides, dilations, depth multipliers, batch dimensions) written as files by the
// test, checked against a naive implementation in this file (explicitly padded input) and against
// the lowered GEMMs run through ref::FullyConnected and assembled.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "layer_ref_fixture.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_ref.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"
#include "salsa/quant.h"

namespace {

namespace fs = std::filesystem;
using salsa_test::Count;
using salsa_test::Int8Tensor;
using salsa_test::LayerOp;
using salsa_test::LayerRefTest;
using salsa_test::LayerSpec;
using salsa_test::NpyArray;
using salsa_test::ViaGemms;

// ---------------------------------------------------------------------------------------------
// Naive implementations, written independently of layer_ref.cpp: the input is first padded
// explicitly with the input zero point, then a VALID convolution runs over it.

int32_t Wrap(int64_t v) {
  const uint32_t u = static_cast<uint32_t>(static_cast<uint64_t>(v));
  return static_cast<int32_t>(u <= 0x7FFFFFFFu ? int64_t{u} : int64_t{u} - (int64_t{1} << 32));
}

int8_t Requant(int64_t acc, const LayerSpec& s, int64_t c) {
  const auto& q = s.quant;
  const size_t i = q.output_multiplier.size() == 1 ? 0 : static_cast<size_t>(c);
  const int64_t b = s.bias.empty() ? 0 : s.bias[static_cast<size_t>(c)];
  return salsa::quant::Requantize(Wrap(acc + b), q.output_multiplier[i], q.output_shift[i],
                                  q.output_zero_point, q.act_min, q.act_max);
}

std::vector<int8_t> NaiveConv(const LayerSpec& s) {
  const bool dw = s.op == LayerOp::kDepthwiseConv2d;
  const auto& is = s.input.shape;
  const auto& ws = s.weights.shape;
  const int64_t B = is[0], H = is[1], W = is[2], C = is[3], KH = ws[1], KW = ws[2];
  const int64_t OC = dw ? ws[3] : ws[0], mult = dw ? OC / C : 1;
  const auto& p = s.conv;
  const int64_t eh = (KH - 1) * p.dilation_h + 1, ew = (KW - 1) * p.dilation_w + 1;
  int64_t OH, OW, PT = 0, PL = 0, PB = 0, PR = 0;
  if (p.padding == salsa::Padding::kValid) {
    OH = (H - eh) / p.stride_h + 1;
    OW = (W - ew) / p.stride_w + 1;
  } else {
    OH = (H + p.stride_h - 1) / p.stride_h;
    OW = (W + p.stride_w - 1) / p.stride_w;
    const int64_t th = std::max<int64_t>(0, (OH - 1) * p.stride_h + eh - H);
    const int64_t tw = std::max<int64_t>(0, (OW - 1) * p.stride_w + ew - W);
    PT = th / 2;
    PB = th - PT;
    PL = tw / 2;
    PR = tw - PL;
  }
  const int64_t PH = H + PT + PB, PW = W + PL + PR;
  std::vector<int8_t> padded(static_cast<size_t>(B * PH * PW * C),
                             static_cast<int8_t>(s.quant.input_zero_point));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x)
        for (int64_t c = 0; c < C; ++c)
          padded[static_cast<size_t>(((b * PH + y + PT) * PW + x + PL) * C + c)] =
              s.input.data[static_cast<size_t>(((b * H + y) * W + x) * C + c)];
  std::vector<int8_t> out;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t oc = 0; oc < OC; ++oc) {
          int64_t acc = 0;
          for (int64_t ky = 0; ky < KH; ++ky)
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t y = oy * p.stride_h + ky * p.dilation_h;
              const int64_t x = ox * p.stride_w + kx * p.dilation_w;
              for (int64_t ic = 0; ic < C; ++ic) {
                if (dw && ic != oc / mult) continue;
                const int64_t w =
                    dw ? s.weights.data[static_cast<size_t>((ky * KW + kx) * OC + oc)]
                       : s.weights.data[static_cast<size_t>(((oc * KH + ky) * KW + kx) * C + ic)];
                const int64_t d = padded[static_cast<size_t>(((b * PH + y) * PW + x) * C + ic)] -
                                  s.quant.input_zero_point;
                acc += d * w;
              }
            }
          out.push_back(Requant(acc, s, oc));
        }
  return out;
}

std::vector<int8_t> NaiveDense(const LayerSpec& s) {
  // fully_connected: w[n][k]; matmul: b[bt][k][n] per batch.
  const bool mm = s.op == LayerOp::kMatmul;
  const auto& as = s.input.shape;
  const int64_t K = as.back(), M = as[as.size() - 2];
  const int64_t N = mm ? s.weights.shape.back() : s.weights.shape[0];
  const int64_t batches = Count(as) / (M * K);
  std::vector<int8_t> out;
  for (int64_t bt = 0; bt < batches; ++bt)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        int64_t acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          const int64_t x = s.input.data[static_cast<size_t>((bt * M + m) * K + k)];
          const int64_t w = mm ? s.weights.data[static_cast<size_t>((bt * K + k) * N + n)]
                               : s.weights.data[static_cast<size_t>(n * K + k)];
          acc += (x - s.quant.input_zero_point) * w;
        }
        out.push_back(Requant(acc, s, n));
      }
  return out;
}

std::vector<int8_t> Naive(const LayerSpec& s) {
  return s.op == LayerOp::kConv2d || s.op == LayerOp::kDepthwiseConv2d ? NaiveConv(s)
                                                                       : NaiveDense(s);
}

// ---------------------------------------------------------------------------------------------
// Random layers of every op.

struct Rng {
  std::mt19937_64 gen;
  int64_t operator()(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(gen() % static_cast<uint64_t>(hi - lo + 1));
  }
};

std::vector<int8_t> RandomInt8(Rng& r, int64_t n, int32_t zp) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (auto& x : v) {
    const int64_t pick = r(0, 9);
    x = static_cast<int8_t>(pick == 0 ? zp : pick == 1 ? -128 : pick == 2 ? 127 : r(-128, 127));
  }
  return v;
}

// A random layer of `op`; `scales` picks the real-scale form (per-tensor or per-channel) in the
// YAML text it also returns.
LayerSpec RandomSpec(LayerOp op, uint64_t seed, bool per_channel, std::string* yaml_quant) {
  Rng r{std::mt19937_64(seed)};
  LayerSpec s;
  s.op = op;
  s.name = "random";
  s.quant.input_zero_point = static_cast<int32_t>(r(-128, 127));
  s.quant.output_zero_point = static_cast<int32_t>(r(-20, 20));
  if (r(0, 2) == 0) s.quant.act_min = s.quant.output_zero_point;  // fused ReLU
  int64_t K = 1;
  switch (op) {
    case LayerOp::kFullyConnected: {
      const int64_t M = r(1, 9), N = r(1, 13);
      K = r(1, 70);
      s.input = {{M, K}, RandomInt8(r, M * K, s.quant.input_zero_point)};
      s.weights = {{N, K}, RandomInt8(r, N * K, 0)};
      break;
    }
    case LayerOp::kConv2d:
    case LayerOp::kDepthwiseConv2d: {
      const bool dw = op == LayerOp::kDepthwiseConv2d;
      const int64_t B = r(1, 2), H = r(1, 9), W = r(1, 9), C = r(1, 5);
      const int64_t KH = r(1, 4), KW = r(1, 4);
      s.conv.stride_h = static_cast<int>(r(1, 3));
      s.conv.stride_w = static_cast<int>(r(1, 3));
      s.conv.dilation_h = static_cast<int>(r(1, 2));
      s.conv.dilation_w = static_cast<int>(r(1, 2));
      const bool fits =
          (KH - 1) * s.conv.dilation_h + 1 <= H && (KW - 1) * s.conv.dilation_w + 1 <= W;
      s.conv.padding = fits && r(0, 1) ? salsa::Padding::kValid : salsa::Padding::kSame;
      const int64_t mult = r(1, 3);
      const int64_t OC = dw ? C * mult : r(1, 7);
      s.input = {{B, H, W, C}, RandomInt8(r, B * H * W * C, s.quant.input_zero_point)};
      const std::vector<int64_t> ws =
          dw ? std::vector<int64_t>{1, KH, KW, OC} : std::vector<int64_t>{OC, KH, KW, C};
      s.weights = {ws, RandomInt8(r, Count(ws), 0)};
      s.depth_multiplier = static_cast<int>(dw ? mult : 1);
      K = KH * KW * (dw ? 1 : C);
      break;
    }
    case LayerOp::kMatmul: {
      std::vector<int64_t> batch;
      for (int64_t i = r(0, 2); i > 0; --i) batch.push_back(r(1, 3));
      const int64_t M = r(1, 7);
      K = r(1, 40);
      const int64_t N = r(1, 9);
      std::vector<int64_t> as = batch, bs = batch;
      as.insert(as.end(), {M, K});
      bs.insert(bs.end(), {K, N});
      s.input = {as, RandomInt8(r, Count(as), s.quant.input_zero_point)};
      s.weights = {bs, RandomInt8(r, Count(bs), 0)};
      break;
    }
  }
  const int64_t channels = salsa::OutputChannels(s);
  if (op != LayerOp::kMatmul && r(0, 3) != 0) {
    for (int64_t c = 0; c < channels; ++c) {
      s.bias.push_back(static_cast<int32_t>(r(-3000, 3000) * static_cast<int64_t>(std::sqrt(K))));
    }
  }
  // Scales: the accumulators are about 100 * 75 * sqrt(K) in size; map a few of those onto int8.
  std::ostringstream q;
  q.precision(9);
  const float in_s = 0.02f;
  const float out_s = static_cast<float>(0.02 * 0.01 * 75.0 * 100.0 * std::sqrt(double(K)) / 40.0);
  std::vector<float> w_s;
  for (int64_t c = 0; c < (per_channel ? channels : 1); ++c) {
    w_s.push_back(static_cast<float>(0.01 * (0.5 + 0.25 * static_cast<double>(r(0, 6)))));
  }
  q << "input_scale: " << in_s << "\noutput_scale: " << out_s << "\nweight_scale: [";
  for (size_t c = 0; c < w_s.size(); ++c) q << (c ? ", " : "") << w_s[c];
  q << "]\n";
  *yaml_quant = q.str();
  std::vector<int32_t> mult, shift;
  salsa::ScalesToMultipliers(op, in_s, w_s, out_s, &mult, &shift);
  s.quant.output_multiplier = mult;
  s.quant.output_shift = shift;
  s.output_shape = salsa::LayerOutputShape(s);
  return s;
}

// The YAML of `s` with its tensors written to `dir` under `prefix`.
std::string WriteSpec(const LayerSpec& s, const fs::path& dir, const std::string& prefix,
                      const std::string& quant) {
  std::ostringstream y;
  y << "op: " << salsa::LayerOpName(s.op) << "\nname: " << prefix << "\n";
  const bool mm = s.op == LayerOp::kMatmul;
  salsa::WriteNpy((dir / (prefix + "_in.npy")).string(),
                  NpyArray::FromInt8(s.input.shape, s.input.data));
  salsa::WriteNpy((dir / (prefix + "_w.npy")).string(),
                  NpyArray::FromInt8(s.weights.shape, s.weights.data));
  y << (mm ? "a: " : "input: ") << prefix << "_in.npy\n"
    << (mm ? "b: " : "weights: ") << prefix << "_w.npy\n";
  if (!s.bias.empty()) {
    salsa::WriteNpy((dir / (prefix + "_b.npy")).string(),
                    NpyArray::FromInt32({static_cast<int64_t>(s.bias.size())}, s.bias));
    y << "bias: " << prefix << "_b.npy\n";
  }
  if (s.op == LayerOp::kConv2d || s.op == LayerOp::kDepthwiseConv2d) {
    y << "stride: [" << s.conv.stride_h << ", " << s.conv.stride_w << "]\n"
      << "dilation: [" << s.conv.dilation_h << ", " << s.conv.dilation_w << "]\n"
      << "padding: " << (s.conv.padding == salsa::Padding::kSame ? "same" : "valid") << "\n";
  }
  y << "input_zero_point: " << s.quant.input_zero_point
    << "\noutput_zero_point: " << s.quant.output_zero_point << "\nact_min: " << s.quant.act_min
    << "\nact_max: " << s.quant.act_max << "\n"
    << quant;
  return y.str();
}

TEST_F(LayerRefTest, RandomLayersFromFilesMatchNaiveAndLoweredGemms) {
  const LayerOp ops[] = {LayerOp::kFullyConnected, LayerOp::kConv2d, LayerOp::kDepthwiseConv2d,
                         LayerOp::kMatmul};
  int cases = 0;
  bool saw_same = false, saw_valid = false, saw_stride = false, saw_mult = false;
  for (const LayerOp op : ops) {
    for (uint64_t seed = 1; seed <= 24; ++seed) {
      const bool per_channel = seed % 2 == 0;
      SCOPED_TRACE(std::string(salsa::LayerOpName(op)) + " seed " + std::to_string(seed) +
                   (per_channel ? " per-channel" : " per-tensor"));
      std::string quant;
      const LayerSpec mem =
          RandomSpec(op, seed * 977 + static_cast<uint64_t>(op), per_channel, &quant);
      const std::string prefix = std::string(salsa::LayerOpName(op)) + std::to_string(seed);
      const LayerSpec s = Load(WriteSpec(mem, dir_, prefix, quant), prefix + ".yaml");
      // The file round trip gives the same layer, multipliers included.
      ASSERT_EQ(s.input.data, mem.input.data);
      ASSERT_EQ(s.weights.shape, mem.weights.shape);
      ASSERT_EQ(s.bias, mem.bias);
      ASSERT_EQ(s.quant.output_multiplier, mem.quant.output_multiplier);
      ASSERT_EQ(s.quant.output_shift, mem.quant.output_shift);
      ASSERT_EQ(s.output_shape, mem.output_shape);
      const Int8Tensor y = salsa::ref::LayerReference(s);
      ASSERT_EQ(y.shape, s.output_shape);
      ASSERT_EQ(y.data, Naive(s));
      ASSERT_EQ(ViaGemms(s), y.data);
      // The outputs are not degenerate: several distinct values.
      std::vector<int8_t> sorted = y.data;
      std::sort(sorted.begin(), sorted.end());
      if (y.data.size() >= 8) {
        EXPECT_GE(std::unique(sorted.begin(), sorted.end()) - sorted.begin(), 3);
      }
      saw_same |= s.conv.padding == salsa::Padding::kSame && op != LayerOp::kMatmul &&
                  op != LayerOp::kFullyConnected;
      saw_valid |= s.conv.padding == salsa::Padding::kValid && op == LayerOp::kConv2d;
      saw_stride |= s.conv.stride_h > 1 || s.conv.stride_w > 1;
      saw_mult |= s.depth_multiplier > 1;
      ++cases;
    }
  }
  EXPECT_EQ(cases, 96);
  EXPECT_TRUE(saw_same && saw_valid && saw_stride && saw_mult);
}

TEST_F(LayerRefTest, RandomLayersLoweredGemmsMatchDirectReference) {
  // In memory (no files), more and larger cases; extremes of the quantisation included.
  const LayerOp ops[] = {LayerOp::kFullyConnected, LayerOp::kConv2d, LayerOp::kDepthwiseConv2d,
                         LayerOp::kMatmul};
  for (const LayerOp op : ops) {
    for (uint64_t seed = 100; seed < 160; ++seed) {
      SCOPED_TRACE(std::string(salsa::LayerOpName(op)) + " seed " + std::to_string(seed));
      std::string quant;
      LayerSpec s = RandomSpec(op, seed, seed % 3 != 0, &quant);
      if (seed % 5 == 0) {  // hand-set multipliers, including shifts > 0 and wrapping products
        Rng r{std::mt19937_64(seed)};
        for (size_t c = 0; c < s.quant.output_multiplier.size(); ++c) {
          s.quant.output_multiplier[c] = static_cast<int32_t>(r(0, 0x7FFFFFFF));
          s.quant.output_shift[c] = static_cast<int32_t>(r(-31, 8));
        }
      }
      const Int8Tensor y = salsa::ref::LayerReference(s);
      ASSERT_EQ(ViaGemms(s), y.data);
      ASSERT_EQ(Naive(s), y.data);
    }
  }
}

TEST_F(LayerRefTest, LoweringShapes) {
  std::string quant;
  const LayerSpec conv = RandomSpec(LayerOp::kConv2d, 7, true, &quant);
  const auto g = salsa::GetConvGeometry(conv.input.shape, conv.weights.shape, conv.conv, false);
  const auto gemms = salsa::LowerLayer(conv);
  ASSERT_EQ(gemms.size(), 1u);
  EXPECT_EQ(gemms[0].fc.M, g.batch * g.out_h * g.out_w);
  EXPECT_EQ(gemms[0].fc.K, g.k_h * g.k_w * g.in_c);
  EXPECT_EQ(gemms[0].fc.N, g.out_c);
  EXPECT_EQ(gemms[0].fc.input_zero_point, conv.quant.input_zero_point);
  // Per-tensor layers leave the channel vectors empty.
  const LayerSpec fc = RandomSpec(LayerOp::kFullyConnected, 3, false, &quant);
  const auto fg = salsa::LowerLayer(fc);
  EXPECT_TRUE(fg[0].fc.channel_multiplier.empty());
  EXPECT_EQ(fg[0].fc.output_multiplier, fc.quant.output_multiplier[0]);
  // AssembleOutput refuses outputs of the wrong size and uncovered elements.
  std::vector<std::vector<int8_t>> outs = {salsa::GemmReference(fg[0].fc)};
  const int64_t n = Count(fc.output_shape);
  EXPECT_THROW(salsa::AssembleOutput(fg, outs, n + 1), std::invalid_argument);
  outs[0].pop_back();
  EXPECT_THROW(salsa::AssembleOutput(fg, outs, n), std::invalid_argument);
}

TEST_F(LayerRefTest, ReferenceRejectsInconsistentInput) {
  std::string quant;
  LayerSpec s = RandomSpec(LayerOp::kConv2d, 11, false, &quant);
  s.quant.weights_zero_point = 1;
  EXPECT_THROW(salsa::ref::LayerReference(s), std::invalid_argument);
  s.quant.weights_zero_point = 0;
  s.quant.output_shift = {1, 2};
  EXPECT_THROW(salsa::ref::LayerReference(s), std::invalid_argument);
  EXPECT_THROW(salsa::LowerLayer(s), std::invalid_argument);
}

}  // namespace
