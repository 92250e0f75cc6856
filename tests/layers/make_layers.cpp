// salsa_make_layers DIR: writes the layer files the RTL layer tests run (tests/CMakeLists.txt):
//   hand_*    small cases whose outputs were worked out by hand (tests/layer_ref_test.cpp shows the
//             arithmetic), each with an expected .npy
//   random_*  seeded random layers of every op, per-tensor and per-channel, odd sizes, both
//             padding modes, strides and dilation; their golden output is the reference's
//   fc_2of4   a fully connected layer with weights_format: 2of4 (compressed values and positions
//             written by Compress2of4), with an expected .npy computed from the dense weights
//   fp8_hand  FP8 E4M3 fully connected with a float32 bias and bf16 output, worked out by hand
//             (tests/layer_ref_fp8_test.cpp), with an expected uint16 .npy
//   fp8_fc_e4m3, fp8_mm_e5m2, fp8_conv_e4m3  seeded random FP8 layers (float32 / fp8_e5m2 /
//             bf16 outputs, bias, scale)
//   w4_fc     fully connected with weights_dtype: int4 (odd K), expected .npy from the int8
//             reference on the unpacked weights
//   im2col_*  seeded random conv2d layers for the on-chip im2col plan (ws builds)
// Each case is <name>.yaml beside its .npy tensors; the list of names is printed, one a line.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "salsa/int4.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_ref.h"
#include "salsa/npy.h"

namespace {

namespace fs = std::filesystem;
using salsa::NpyArray;

class Writer {
 public:
  explicit Writer(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

  void I8(const std::string& name, std::vector<int64_t> shape, const std::vector<int8_t>& v) {
    salsa::WriteNpy((dir_ / name).string(), NpyArray::FromInt8(std::move(shape), v));
  }
  void U8(const std::string& name, std::vector<int64_t> shape, const std::vector<uint8_t>& v) {
    salsa::WriteNpy((dir_ / name).string(), NpyArray::FromUint8(std::move(shape), v));
  }
  void F32(const std::string& name, const std::vector<uint32_t>& bits) {
    salsa::WriteNpy((dir_ / name).string(),
                    NpyArray::FromFloat32Bits({static_cast<int64_t>(bits.size())}, bits));
  }
  void U16(const std::string& name, std::vector<int64_t> shape, const std::vector<uint16_t>& v) {
    salsa::WriteNpy((dir_ / name).string(), NpyArray::FromUint16(std::move(shape), v));
  }
  void I32(const std::string& name, const std::vector<int32_t>& v) {
    salsa::WriteNpy((dir_ / name).string(),
                    NpyArray::FromInt32({static_cast<int64_t>(v.size())}, v));
  }
  void Yaml(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / (name + ".yaml")) << text;
    std::cout << name << "\n";
  }

 private:
  fs::path dir_;
};

std::vector<int8_t> Random(std::mt19937_64& rng, int64_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

std::vector<int32_t> RandomBias(std::mt19937_64& rng, int64_t n) {
  std::uniform_int_distribution<int32_t> d(-5000, 5000);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

// Per-channel multipliers around 2^-k for accumulators of magnitude ~2^(k+7).
std::string PerChannel(std::mt19937_64& rng, int64_t channels, int shift) {
  std::uniform_int_distribution<int32_t> m(1 << 30, 0x7FFFFFFF);
  std::uniform_int_distribution<int> s(shift - 1, shift + 1);
  std::string mult = "output_multiplier: [", sh = "output_shift: [";
  for (int64_t c = 0; c < channels; ++c) {
    mult += (c ? ", " : "") + std::to_string(m(rng));
    sh += (c ? ", " : "") + std::to_string(s(rng));
  }
  return mult + "]\n" + sh + "]\n";
}

void HandCases(Writer& w) {
  // conv2d SAME, stride 2, input zero point 2: tests/layer_ref_test.cpp
  // HandConv2dSameStride2ZeroPoint.
  w.I8("hand_conv_x.npy", {1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  w.I8("hand_conv_w.npy", {1, 2, 2, 1}, {1, 2, 3, 4});
  w.I32("hand_conv_b.npy", {10});
  w.I8("hand_conv_expected.npy", {1, 2, 2, 1}, {11, 9, 11, 6});
  w.I8("hand_conv_wrong.npy", {1, 2, 2, 1}, {11, 9, 12, 6});  // one value off: must be caught
  w.Yaml("hand_conv",
         "op: conv2d\ninput: hand_conv_x.npy\nweights: hand_conv_w.npy\nbias: hand_conv_b.npy\n"
         "stride: 2\npadding: same\ninput_zero_point: 2\noutput_zero_point: -3\n"
         "output_multiplier: 1073741824\noutput_shift: 0\n");
  // conv2d VALID, dilation 2, per channel: HandConv2dPerChannelValidDilation.
  w.I8("hand_convpc_x.npy", {1, 3, 3, 2},
       {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9});
  w.I8("hand_convpc_w.npy", {2, 2, 2, 2}, {1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, -1, 0, 2, 0, -2});
  w.I32("hand_convpc_b.npy", {4, -100});
  w.I8("hand_convpc_expected.npy", {1, 1, 1, 2}, {24, -7});
  w.Yaml("hand_convpc",
         "op: conv2d\ninput: hand_convpc_x.npy\nweights: hand_convpc_w.npy\n"
         "bias: hand_convpc_b.npy\ndilation: 2\npadding: valid\ninput_zero_point: 1\n"
         "output_zero_point: 5\nact_max: 24\noutput_multiplier: [1073741824, 1073741824]\n"
         "output_shift: [1, -2]\n");
  // depthwise, depth_multiplier 2, per channel: HandDepthwiseMultiplier2.
  w.I8("hand_dw_x.npy", {1, 2, 2, 2}, {0, -1, 1, 5, 2, -5, 3, 10});
  w.I8("hand_dw_w.npy", {1, 2, 2, 4}, {1, 1, 1, 0, 0, 1, 1, -1, 0, 1, 1, 2, 0, 1, 1, 0});
  w.I32("hand_dw_b.npy", {0, 5, -3, 0});
  w.I8("hand_dw_expected.npy", {1, 1, 1, 4}, {1, 8, 3, -7});
  w.Yaml("hand_dw",
         "op: depthwise_conv2d\ninput: hand_dw_x.npy\nweights: hand_dw_w.npy\nbias: hand_dw_b.npy\n"
         "padding: valid\ninput_zero_point: -1\noutput_multiplier: [1073741824, 1073741824, "
         "1073741824, 1073741824]\noutput_shift: [1, 0, -1, 0]\n");
  // matmul, two batches: HandMatmulTwoBatches.
  w.I8("hand_mm_a.npy", {2, 2, 3}, {1, 2, 3, 0, 1, 1, -128, 127, 1, 5, 5, 5});
  w.I8("hand_mm_b.npy", {2, 3, 2}, {1, 0, 0, 1, 1, 1, 2, -1, 1, 1, -128, 127});
  w.I8("hand_mm_expected.npy", {2, 2, 2}, {1, 2, 0, 0, -66, 127, -128, 127});
  w.Yaml("hand_mm",
         "op: matmul\na: hand_mm_a.npy\nb: hand_mm_b.npy\ninput_zero_point: 1\n"
         "output_multiplier: 1073741824\noutput_shift: 0\n");
  // fully connected, per-channel multipliers from real scales:
  // HandFullyConnectedPerChannelFromScales.
  w.I8("hand_fc_x.npy", {2, 3}, {1, 2, 3, -4, 0, 5});
  w.I8("hand_fc_w.npy", {2, 3}, {1, -1, 2, 3, 0, -2});
  w.I32("hand_fc_b.npy", {10, -20});
  w.I8("hand_fc_expected.npy", {2, 2}, {13, -3, 14, -5});
  w.Yaml("hand_fc",
         "op: fully_connected\ninput: hand_fc_x.npy\nweights: hand_fc_w.npy\nbias: hand_fc_b.npy\n"
         "input_zero_point: 1\ninput_scale: 0.5\nweight_scale: [0.5, 0.0625]\n"
         "output_scale: 0.25\n");
}

void RandomCases(Writer& w) {
  std::mt19937_64 rng(2026);
  // fully connected, batch 1 (decode) and odd batch, per-tensor from scales.
  w.I8("rnd_fc_x.npy", {5, 77}, Random(rng, 5 * 77));
  w.I8("rnd_fc_w.npy", {23, 77}, Random(rng, 23 * 77));
  w.I32("rnd_fc_b.npy", RandomBias(rng, 23));
  w.Yaml("random_fc",
         "op: fully_connected\ninput: rnd_fc_x.npy\nweights: rnd_fc_w.npy\nbias: rnd_fc_b.npy\n"
         "input_zero_point: -7\noutput_zero_point: 3\ninput_scale: 0.02\nweight_scale: 0.01\n"
         "output_scale: 0.9\n");
  // conv2d SAME, stride 1, odd sizes, per channel.
  w.I8("rnd_conv_x.npy", {1, 9, 11, 5}, Random(rng, 9 * 11 * 5));
  w.I8("rnd_conv_w.npy", {7, 3, 3, 5}, Random(rng, 7 * 3 * 3 * 5));
  w.I32("rnd_conv_b.npy", RandomBias(rng, 7));
  w.Yaml("random_conv_same",
         "op: conv2d\ninput: rnd_conv_x.npy\nweights: rnd_conv_w.npy\nbias: rnd_conv_b.npy\n"
         "stride: 1\npadding: same\ninput_zero_point: 12\noutput_zero_point: -5\n" +
             PerChannel(rng, 7, -9));
  // conv2d VALID, stride 2, dilation 2, batch 2, per tensor, fused ReLU.
  w.I8("rnd_conv2_x.npy", {2, 12, 10, 3}, Random(rng, 2 * 12 * 10 * 3));
  w.I8("rnd_conv2_w.npy", {17, 3, 2, 3}, Random(rng, 17 * 3 * 2 * 3));
  w.Yaml("random_conv_valid",
         "op: conv2d\ninput: rnd_conv2_x.npy\nweights: rnd_conv2_w.npy\nstride: 2\n"
         "dilation: 2\npadding: valid\ninput_zero_point: -128\noutput_zero_point: -128\n"
         "act_min: -128\noutput_multiplier: 1518500250\noutput_shift: -8\n");
  // depthwise, multiplier 3, SAME, stride 2, per channel.
  w.I8("rnd_dw_x.npy", {1, 8, 7, 4}, Random(rng, 8 * 7 * 4));
  w.I8("rnd_dw_w.npy", {1, 3, 3, 12}, Random(rng, 3 * 3 * 12));
  w.I32("rnd_dw_b.npy", RandomBias(rng, 12));
  w.Yaml("random_dw",
         "op: depthwise_conv2d\ninput: rnd_dw_x.npy\nweights: rnd_dw_w.npy\nbias: rnd_dw_b.npy\n"
         "stride: 2\npadding: same\ndepth_multiplier: 3\ninput_zero_point: 3\n" +
             PerChannel(rng, 12, -7));
  // matmul: attention-like Q.K^T for 3 heads (a [3][13][32], b [3][32][13]).
  w.I8("rnd_mm_a.npy", {3, 13, 32}, Random(rng, 3 * 13 * 32));
  w.I8("rnd_mm_b.npy", {3, 32, 13}, Random(rng, 3 * 32 * 13));
  w.Yaml("random_matmul",
         "op: matmul\na: rnd_mm_a.npy\nb: rnd_mm_b.npy\ninput_zero_point: 0\n"
         "output_zero_point: 1\noutput_multiplier: 1374389535\noutput_shift: -10\n");
}

// fully_connected with 2:4 weights stored compressed: K = 83 (a partial last group of 3), batch 5,
// half of the activations at the input zero point. The expected output is the reference on the
// dense (pruned) weights, so the test also checks that the loader decompresses them exactly.
void Sparse2of4Cases(Writer& w) {
  std::mt19937_64 rng(2027);
  const int64_t M = 5, K = 83, N = 21;
  const int32_t zp = -3;
  std::vector<int8_t> x = Random(rng, M * K);
  for (size_t i = 0; i < x.size(); i += 2) x[i] = static_cast<int8_t>(zp);
  std::vector<int8_t> dense = Random(rng, N * K);
  salsa::Prune2of4(&dense, N, K);
  const std::vector<int32_t> bias = RandomBias(rng, N);
  const salsa::Compressed2of4 c = salsa::Compress2of4(dense, N, K);
  const int64_t cols = salsa::Compressed2of4Cols(K);
  w.I8("fc24_x.npy", {M, K}, x);
  w.I8("fc24_w.npy", {N, cols}, c.values);
  w.U8("fc24_meta.npy", {N, cols}, c.meta);
  w.I32("fc24_b.npy", bias);
  salsa::ref::FcQuant q;
  q.input_zero_point = zp;
  q.output_zero_point = 4;
  q.output_multiplier = {1374389535};
  q.output_shift = {-8};
  const salsa::Int8Tensor y =
      salsa::ref::FullyConnectedTensor({{M, K}, x}, {{N, K}, dense}, bias, q);
  w.I8("fc_2of4_expected.npy", y.shape, y.data);
  w.Yaml("fc_2of4",
         "op: fully_connected\ninput: fc24_x.npy\nweights: fc24_w.npy\nweights_format: 2of4\n"
         "weights_meta: fc24_meta.npy\nbias: fc24_b.npy\ninput_zero_point: -3\n"
         "output_zero_point: 4\noutput_multiplier: 1374389535\noutput_shift: -8\n");
}

std::vector<uint8_t> Codes(const std::vector<int8_t>& v) {
  return std::vector<uint8_t>(v.begin(), v.end());
}

// Low precision (issue 14): FP8 layer files and int4 weights.
void LowPrecisionCases(Writer& w) {
  // x = [1, 2, +0], w0 = [1.5, 0.5, 448], w1 = [-1, 2, NaN] (E4M3), bias [0.25, -3]:
  // 0.25 + 1.5 + 1 = 2.75 (bf16 0x4030); -3 - 1 + 4 = +0; the +0 activation hides 448 and NaN.
  w.U8("fp8h_x.npy", {1, 3}, {0x38, 0x40, 0x00});
  w.U8("fp8h_w.npy", {2, 3}, {0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F});
  w.F32("fp8h_b.npy", {0x3E800000, 0xC0400000});
  w.U16("fp8_hand_expected.npy", {1, 2}, {0x4030, 0x0000});
  w.Yaml("fp8_hand",
         "op: fully_connected\ndtype: fp8_e4m3\ninput: fp8h_x.npy\nweights: fp8h_w.npy\n"
         "bias: fp8h_b.npy\noutput_dtype: bfloat16\n");
  // Random FP8 fully connected: 5x70x19, bias, float32 output scaled by 0.375.
  const salsa::FcLayer f = salsa::MakeRandomFp8Fc(5, 70, 19, 14, salsa::contract::kPrecFp8E4M3);
  w.U8("fp8fc_x.npy", {5, 70}, Codes(f.input));
  w.U8("fp8fc_w.npy", {19, 70}, Codes(f.weights));
  std::vector<uint32_t> bias = f.bias_fp32;
  if (bias.empty()) bias.assign(19, 0xBF000000);  // -0.5
  w.F32("fp8fc_b.npy", bias);
  w.Yaml("fp8_fc_e4m3",
         "op: fully_connected\ndtype: fp8_e4m3\ninput: fp8fc_x.npy\nweights: fp8fc_w.npy\n"
         "bias: fp8fc_b.npy\noutput_dtype: float32\noutput_scale: 0.375\n");
  // Random FP8 matmul: 2 batches of 9x40 by 40x11, E5M2 output with saturation.
  const salsa::FcLayer a = salsa::MakeRandomFp8Fc(2 * 9, 40, 1, 15, salsa::contract::kPrecFp8E5M2);
  const salsa::FcLayer b = salsa::MakeRandomFp8Fc(2 * 40, 11, 1, 16, salsa::contract::kPrecFp8E5M2);
  w.U8("fp8mm_a.npy", {2, 9, 40}, Codes(a.input));
  w.U8("fp8mm_b.npy", {2, 40, 11}, Codes(b.input));
  w.Yaml("fp8_mm_e5m2",
         "op: matmul\ndtype: fp8_e5m2\na: fp8mm_a.npy\nb: fp8mm_b.npy\noutput_dtype: fp8_e5m2\n"
         "output_scale: 0.0625\nsaturate: true\n");
  // FP8 conv2d 3x3, SAME, stride 2 (im2col padding taps are the code +0), bf16 output.
  const salsa::FcLayer c =
      salsa::MakeRandomFp8Fc(1, 2 * 9 * 7 * 3, 1, 18, salsa::contract::kPrecFp8E4M3);
  const salsa::FcLayer k =
      salsa::MakeRandomFp8Fc(1, 5 * 3 * 3 * 3, 1, 19, salsa::contract::kPrecFp8E4M3);
  w.U8("fp8cv_x.npy", {2, 9, 7, 3}, Codes(c.input));
  w.U8("fp8cv_w.npy", {5, 3, 3, 3}, Codes(k.input));
  w.Yaml("fp8_conv_e4m3",
         "op: conv2d\ndtype: fp8_e4m3\ninput: fp8cv_x.npy\nweights: fp8cv_w.npy\npadding: same\n"
         "stride: 2\noutput_dtype: bfloat16\n");
  // int4 weights, K = 53 (odd: the last high nibble of each row is 0), batch 6.
  const salsa::FcLayer l = salsa::MakeRandomInt4Fc(6, 53, 23, 17);
  std::vector<int8_t> packed;
  for (int n = 0; n < l.N; ++n) {
    const std::vector<uint8_t> row =
        salsa::int4::Pack(&l.weights[static_cast<size_t>(n * l.K)], 53);
    packed.insert(packed.end(), row.begin(), row.end());
  }
  w.I8("w4fc_x.npy", {6, 53}, l.input);
  w.I8("w4fc_w.npy", {23, 27}, packed);
  w.I32("w4fc_b.npy", l.bias);
  salsa::ref::FcQuant q;
  q.input_zero_point = l.input_zero_point;
  q.output_zero_point = l.output_zero_point;
  q.act_min = l.act_min;
  q.act_max = l.act_max;
  q.output_multiplier = {l.output_multiplier};
  q.output_shift = {l.output_shift};
  const salsa::Int8Tensor y =
      salsa::ref::FullyConnectedTensor({{6, 53}, l.input}, {{23, 53}, l.weights}, l.bias, q);
  w.I8("w4_fc_expected.npy", y.shape, y.data);
  w.Yaml("w4_fc",
         "op: fully_connected\ninput: w4fc_x.npy\nweights: w4fc_w.npy\n"
         "weights_dtype: int4\nbias: w4fc_b.npy\ninput_zero_point: " +
             std::to_string(l.input_zero_point) +
             "\noutput_zero_point: " + std::to_string(l.output_zero_point) +
             "\nact_min: " + std::to_string(l.act_min) + "\nact_max: " + std::to_string(l.act_max) +
             "\noutput_multiplier: " + std::to_string(l.output_multiplier) +
             "\noutput_shift: " + std::to_string(l.output_shift) + "\n");
}

}  // namespace

// conv2d layers for the on-chip im2col plan (im2col_* CTests on ws builds, issue 17): channels
// that do not fill an act word, 5x5 taps with stride 2, a pointwise conv over a batch, dilation,
// a tall image that takes several bands, and stride-2 downsampling.
void Im2colCases(Writer& w) {
  std::mt19937_64 rng(1717);
  struct Case {
    const char* name;
    int64_t B, H, W, C, O, KH, KW;
    const char* params;
  };
  const Case cases[] = {
      {"im2col_c40", 1, 14, 20, 40, 24, 3, 3, "stride: 1\npadding: same\n"},
      {"im2col_5x5s2", 1, 15, 17, 32, 9, 5, 5, "stride: 2\npadding: same\n"},
      {"im2col_1x1", 2, 7, 9, 48, 20, 1, 1, "stride: 1\npadding: valid\n"},
      {"im2col_dil2", 1, 11, 13, 16, 16, 3, 3, "stride: 1\ndilation: 2\npadding: same\n"},
      {"im2col_tall", 1, 40, 6, 24, 12, 3, 3, "stride: 1\npadding: same\n"},
      // The targets: nv_small's conv and a compute-bound 56x56 one.
      {"im2col_nvsmall", 1, 16, 8, 128, 32, 3, 3, "stride: 1\npadding: same\n"},
      {"im2col_56x56", 1, 56, 56, 64, 64, 3, 3, "stride: 1\npadding: same\n"},
      // A stride-2 downsampling conv (the os plan's stride phases).
      {"im2col_56x56s2", 1, 56, 56, 64, 64, 3, 3, "stride: 2\npadding: same\n"},
  };
  // A conv2d's input, weights, bias and per-channel requantisation, drawn from `r` in that order.
  auto conv = [&w](std::mt19937_64& r, const Case& c) {
    const std::string n = c.name;
    w.I8(n + "_x.npy", {c.B, c.H, c.W, c.C}, Random(r, c.B * c.H * c.W * c.C));
    w.I8(n + "_w.npy", {c.O, c.KH, c.KW, c.C}, Random(r, c.O * c.KH * c.KW * c.C));
    w.I32(n + "_b.npy", RandomBias(r, c.O));
    w.Yaml(n, "op: conv2d\ninput: " + n + "_x.npy\nweights: " + n + "_w.npy\nbias: " + n +
                  "_b.npy\n" + c.params + "input_zero_point: -3\noutput_zero_point: 2\n" +
                  PerChannel(r, c.O, -9));
  };
  for (const Case& c : cases) conv(rng, c);
  // A MobileNet depthwise layer: 56x56x64, 3x3, stride 1, SAME, multiplier 1.
  const std::string n = "im2col_dw56";
  w.I8(n + "_x.npy", {1, 56, 56, 64}, Random(rng, 56 * 56 * 64));
  w.I8(n + "_w.npy", {1, 3, 3, 64}, Random(rng, 3 * 3 * 64));
  w.I32(n + "_b.npy", RandomBias(rng, 64));
  w.Yaml(n, "op: depthwise_conv2d\ninput: " + n + "_x.npy\nweights: " + n + "_w.npy\nbias: " + n +
                "_b.npy\nstride: 1\npadding: same\ndepth_multiplier: 1\ninput_zero_point: -3\n"
                "output_zero_point: 2\n" +
                PerChannel(rng, 64, -9));
  // K = 3200 act words a pixel (25 taps x 128 channels) past the act scratchpad's upper half: a
  // conv COMPUTE's act range is its extent, not K (found on sparse_16x16 by random convs).
  std::mt19937_64 rng2(1718);
  conv(rng2, {"im2col_k3200", 1, 15, 22, 128, 4, 5, 5, "stride: 1\npadding: same\n"});
  // 36 KB of weights over several bands: on 32 KB and 16 KB weight scratchpads (pipelined_8x8,
  // wide_bus_8x8) some n tiles' weights stay and the others stream per band.
  std::mt19937_64 rng3(1719);
  conv(rng3, {"im2col_wstream", 1, 24, 24, 64, 64, 3, 3, "stride: 1\npadding: same\n"});
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: salsa_make_layers DIR\n";
    return 2;
  }
  try {
    Writer w(argv[1]);
    HandCases(w);
    RandomCases(w);
    Sparse2of4Cases(w);
    LowPrecisionCases(w);
    Im2colCases(w);
  } catch (const std::exception& e) {
    std::cerr << "salsa_make_layers: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
