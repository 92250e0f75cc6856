// Low-precision layers (issue 14): hand-checked FP8 references of layer files, their lowering to
// FcLayer, int4 layers against the int8 reference of the unpacked weights, and the seeded random
// FP8 / W4A8 layers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "layer_spec_fixture.h"
#include "salsa/fp8.h"
#include "salsa/int4.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_ref.h"
#include "salsa/reference.h"

namespace {

using salsa::FcLayer;
using salsa::LayerSpec;
using salsa::NpyArray;
namespace contract = salsa::contract;

// E4M3 codes: 1.0 = 0x38, 2.0 = 0x40, 1.5 = 0x3C, 0.5 = 0x30, -1.0 = 0xB8, 448 = 0x7E, NaN = 0x7F.
class LayerFp8Test : public salsa_test::LayerSpecTest {
 protected:
  void SetUp() override {
    LayerSpecTest::SetUp();
    // x = [1, 2, +0]; w0 = [1.5, 0.5, 448], w1 = [-1, 2, NaN]: the +0 activation adds nothing,
    // so neither 448 nor the NaN reaches the sums. w0.x = 2.5, w1.x = 3.
    salsa::WriteNpy(Path("x8.npy"), NpyArray::FromUint8({1, 3}, {0x38, 0x40, 0x00}));
    salsa::WriteNpy(Path("w8.npy"),
                    NpyArray::FromUint8({2, 3}, {0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F}));
    // bias [0.25, -3]: 0.25 + 1.5 + 1 = 2.75; -3 - 1 + 4 = +0 (x + -x is +0).
    salsa::WriteNpy(Path("b8.npy"), NpyArray::FromFloat32Bits({2}, {0x3E800000, 0xC0400000}));
  }
  static std::string Layer(const std::string& extra) {
    return "op: fully_connected\ndtype: fp8_e4m3\ninput: x8.npy\nweights: w8.npy\n" + extra;
  }
  std::vector<uint32_t> Ref(const std::string& extra) {
    return salsa::ref::LayerReferenceFp(Load(Layer(extra))).data;
  }
};

TEST_F(LayerFp8Test, HandFullyConnectedFloat32) {
  EXPECT_EQ(Ref(""), (std::vector<uint32_t>{0x40200000, 0x40400000}));                // 2.5, 3
  EXPECT_EQ(Ref("bias: b8.npy\n"), (std::vector<uint32_t>{0x40300000, 0x00000000}));  // 2.75, +0
  // output_scale -0.5: -1.375, -0 (0 * -0.5 = -0).
  EXPECT_EQ(Ref("bias: b8.npy\noutput_scale: -0.5\n"),
            (std::vector<uint32_t>{0xBFB00000, 0x80000000}));
}

TEST_F(LayerFp8Test, HandOutputConversions) {
  // bf16 of 2.75 = 0x4030, of 3 = 0x4040.
  EXPECT_EQ(Ref("output_dtype: bfloat16\n"), (std::vector<uint32_t>{0x4020, 0x4040}));
  EXPECT_EQ(Ref("bias: b8.npy\noutput_dtype: bfloat16\n"), (std::vector<uint32_t>{0x4030, 0x0}));
  // 2.75 * 256 = 704 overflows E4M3 (max 448): NaN 0x7F without saturate, 0x7E with it.
  EXPECT_EQ(Ref("bias: b8.npy\noutput_dtype: fp8_e4m3\noutput_scale: 256\n"),
            (std::vector<uint32_t>{0x7F, 0x00}));
  EXPECT_EQ(Ref("bias: b8.npy\noutput_dtype: fp8_e4m3\noutput_scale: 256\nsaturate: true\n"),
            (std::vector<uint32_t>{0x7E, 0x00}));
  // E5M2: 704 = 1.375 * 2^9 lies halfway between 1.25 and 1.5: ties to even mantissa 10 (768),
  // code 0 11000 10 = 0x62. 2.75 = 1.375 * 2 likewise rounds to 3 = 0x42.
  EXPECT_EQ(Ref("bias: b8.npy\noutput_dtype: fp8_e5m2\noutput_scale: 256\n"),
            (std::vector<uint32_t>{0x62, 0x00}));
  EXPECT_EQ(Ref("bias: b8.npy\noutput_dtype: fp8_e5m2\n"), (std::vector<uint32_t>{0x42, 0x00}));
  // 3 * 2^127 overflows bf16: inf without saturate, the largest finite 0x7F7F with it.
  EXPECT_EQ(Ref("output_dtype: bfloat16\noutput_scale: 1.7014118346046923e38\n")[1], 0x7F80u);
  EXPECT_EQ(Ref("output_dtype: bfloat16\noutput_scale: 1.7014118346046923e38\nsaturate: true\n")[1],
            0x7F7Fu);
}

TEST_F(LayerFp8Test, HandSubnormalProductAndNaN) {
  // E4M3 0x01 (2^-9) squared is 2^-18 = 0x36800000 exactly; a NaN activation makes a NaN sum.
  salsa::WriteNpy(Path("xs.npy"), NpyArray::FromUint8({2, 1}, {0x01, 0x7F}));
  salsa::WriteNpy(Path("ws.npy"), NpyArray::FromUint8({1, 1}, {0x01}));
  const LayerSpec s =
      Load("op: fully_connected\ndtype: fp8_e4m3\ninput: xs.npy\nweights: ws.npy\n");
  EXPECT_EQ(salsa::ref::LayerReferenceFp(s).data, (std::vector<uint32_t>{0x36800000, 0x7FC00000}));
}

TEST_F(LayerFp8Test, HandMatmulE5M2WithBias) {
  // E5M2: 1 = 0x3C, 2 = 0x40, -1 = 0xBC. a = [1, 2]; b = [[1, 2], [2, -1]] (b[k][n]).
  // n0: 1*1 + 2*2 = 5; n1: 1*2 + 2*-1 = +0. Bias [1, -0]: 6, and -0 + 2 - 2 = +0.
  salsa::WriteNpy(Path("ma.npy"), NpyArray::FromUint8({1, 1, 2}, {0x3C, 0x40}));
  salsa::WriteNpy(Path("mb.npy"), NpyArray::FromUint8({1, 2, 2}, {0x3C, 0x40, 0x40, 0xBC}));
  salsa::WriteNpy(Path("mbias.npy"), NpyArray::FromFloat32Bits({2}, {0x3F800000, 0x80000000}));
  const std::string base = "op: matmul\ndtype: fp8_e5m2\na: ma.npy\nb: mb.npy\n";
  const LayerSpec plain = Load(base);
  EXPECT_EQ(salsa::ref::LayerReferenceFp(plain).data,
            (std::vector<uint32_t>{0x40A00000, 0x00000000}));
  const LayerSpec biased = Load(base + "bias: mbias.npy\n");
  const salsa::FpTensor y = salsa::ref::LayerReferenceFp(biased);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2}));
  EXPECT_EQ(y.data, (std::vector<uint32_t>{0x40C00000, 0x00000000}));
  // Lowered: one GEMM with b transposed and the bias; its reference is the layer's.
  const auto gemms = salsa::LowerLayer(biased);
  ASSERT_EQ(gemms.size(), 1u);
  const FcLayer& fc = gemms[0].fc;
  EXPECT_EQ(fc.prec, contract::kPrecFp8E5M2);
  EXPECT_EQ(fc.weights, (std::vector<int8_t>{0x3C, 0x40, 0x40, static_cast<int8_t>(0xBC)}));
  EXPECT_EQ(fc.bias_fp32, (std::vector<uint32_t>{0x3F800000, 0x80000000}));
  EXPECT_EQ(fc.out_fmt, contract::kOutFp32);
  EXPECT_EQ(salsa::GemmReferenceFp(fc), y.data);
  EXPECT_THROW(salsa::GemmReference(fc), std::invalid_argument);
  EXPECT_THROW(salsa::ref::LayerReference(biased), std::invalid_argument);
}

TEST_F(LayerFp8Test, LoweringCarriesTheOutputFields) {
  const LayerSpec s =
      Load(Layer("bias: b8.npy\noutput_dtype: fp8_e5m2\noutput_scale: 0.25\nsaturate: yes\n"));
  const auto gemms = salsa::LowerLayer(s);
  ASSERT_EQ(gemms.size(), 1u);
  const FcLayer& fc = gemms[0].fc;
  EXPECT_EQ(fc.prec, contract::kPrecFp8E4M3);
  EXPECT_EQ(fc.out_fmt, contract::kOutFp8E5M2);
  EXPECT_EQ(fc.out_scale, 0x3E800000u);
  EXPECT_TRUE(fc.saturate);
  EXPECT_EQ(fc.bias_fp32, s.bias_fp32);
  EXPECT_TRUE(fc.bias.empty());
  EXPECT_EQ(fc.input_zero_point, 0);
  EXPECT_EQ(salsa::GemmReferenceFp(fc), salsa::ref::LayerReferenceFp(s).data);
  // A matmul of two batches assembles back in order.
  std::vector<uint8_t> a(2 * 3 * 4), b(2 * 4 * 5);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>((i * 37 + 5) % 0x7E);
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<uint8_t>(((i * 53 + 1) % 0x7E) | 0x80 * (i % 3 == 0));
  salsa::WriteNpy(Path("ba.npy"), NpyArray::FromUint8({2, 3, 4}, a));
  salsa::WriteNpy(Path("bb.npy"), NpyArray::FromUint8({2, 4, 5}, b));
  const LayerSpec m = Load(
      "op: matmul\ndtype: fp8_e4m3\na: ba.npy\nb: bb.npy\n"
      "output_dtype: bfloat16\n");
  const auto mg = salsa::LowerLayer(m);
  ASSERT_EQ(mg.size(), 2u);
  std::vector<std::vector<uint32_t>> outs;
  for (const auto& g : mg) outs.push_back(salsa::GemmReferenceFp(g.fc));
  EXPECT_EQ(salsa::AssembleOutputFp(mg, outs, 2 * 3 * 5), salsa::ref::LayerReferenceFp(m).data);
}

TEST_F(LayerFp8Test, HandConv2dSamePadding) {
  // E4M3 input 2x2 = [[1, 2], [3, 4]], one 2x2 filter of 1.0, SAME: the padding row and column
  // are at the bottom/right (TFLite), so the outputs are 1+2+3+4 = 10, 2+4 = 6, 3+4 = 7, 4.
  salsa::WriteNpy(Path("ci.npy"), NpyArray::FromUint8({1, 2, 2, 1}, {0x38, 0x40, 0x44, 0x48}));
  salsa::WriteNpy(Path("cf.npy"), NpyArray::FromUint8({1, 2, 2, 1}, {0x38, 0x38, 0x38, 0x38}));
  const LayerSpec s =
      Load("op: conv2d\ndtype: fp8_e4m3\ninput: ci.npy\nweights: cf.npy\npadding: same\n");
  const salsa::FpTensor y = salsa::ref::LayerReferenceFp(s);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 2, 2, 1}));
  EXPECT_EQ(y.data, (std::vector<uint32_t>{0x41200000, 0x40C00000, 0x40E00000, 0x40800000}));
  // Lowered by im2col, the padding taps hold the code +0.
  const auto gemms = salsa::LowerLayer(s);
  ASSERT_EQ(gemms.size(), 1u);
  EXPECT_EQ(gemms[0].fc.input[7], 0);  // output (0, 1), tap (0, 1): x = 2 is padding
  EXPECT_EQ(salsa::GemmReferenceFp(gemms[0].fc), y.data);
}

// Random FP8 conv2d and depthwise layers: the direct reference equals the lowered GEMMs'
// (same k order: ky, kx, input channel), with bias, SAME/VALID, strides, dilation, batch.
TEST_F(LayerFp8Test, RandomConvolutionsEqualTheirGemms) {
  int layers = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const bool depthwise = seed % 2 == 0;
    const contract::Prec p = seed % 3 == 0 ? contract::kPrecFp8E5M2 : contract::kPrecFp8E4M3;
    const int64_t C = 1 + seed % 3, H = 4 + seed % 4, W = 5 + seed % 3, KH = 1 + seed % 3,
                  KW = 1 + (seed + 1) % 3, B = 1 + seed % 2, mult = depthwise ? 1 + seed % 2 : 1;
    const int64_t O = depthwise ? C * mult : 2 + seed % 4;
    // Codes drawn by the random FP8 generator (its input holds M x K = count codes).
    auto codes = [&](int64_t count, uint64_t s) {
      const FcLayer l = salsa::MakeRandomFp8Fc(1, static_cast<int>(count), 1, s, p);
      return std::vector<uint8_t>(l.input.begin(), l.input.end());
    };
    salsa::WriteNpy(Path("ri.npy"), NpyArray::FromUint8({B, H, W, C}, codes(B * H * W * C, seed)));
    const std::vector<int64_t> fshape =
        depthwise ? std::vector<int64_t>{1, KH, KW, O} : std::vector<int64_t>{O, KH, KW, C};
    salsa::WriteNpy(
        Path("rf.npy"),
        NpyArray::FromUint8(fshape, codes(KH * KW * O * (depthwise ? 1 : C), seed + 100)));
    const FcLayer bias_src = salsa::MakeRandomFp8Fc(1, 1, static_cast<int>(O), seed + 200, p);
    std::vector<uint32_t> bias(static_cast<size_t>(O));
    for (size_t i = 0; i < bias.size(); ++i) {
      bias[i] = salsa::fp::Fp8ToFp32(static_cast<uint8_t>(bias_src.weights[i]),
                                     salsa::ref::Fp8FormatOf(p));
    }
    salsa::WriteNpy(Path("rb.npy"), NpyArray::FromFloat32Bits({O}, bias));
    const std::string yaml = std::string("op: ") + (depthwise ? "depthwise_conv2d" : "conv2d") +
                             "\ndtype: " + (p == contract::kPrecFp8E5M2 ? "fp8_e5m2" : "fp8_e4m3") +
                             "\ninput: ri.npy\nweights: rf.npy\nbias: rb.npy\npadding: " +
                             (seed % 4 < 2 ? "same" : "valid") +
                             "\nstride: " + std::to_string(1 + seed % 2) +
                             "\ndilation: " + std::to_string(1 + seed / 7) +
                             "\noutput_dtype: " + (seed % 5 == 0 ? "bfloat16" : "float32") + "\n";
    LayerSpec s;
    try {
      s = Load(yaml);
    } catch (const salsa::LayerSpecError&) {
      continue;  // a VALID kernel larger than the input
    }
    const salsa::FpTensor y = salsa::ref::LayerReferenceFp(s);
    const auto gemms = salsa::LowerLayer(s);
    std::vector<std::vector<uint32_t>> outs;
    for (const auto& g : gemms) {
      EXPECT_EQ(g.fc.prec, p);
      outs.push_back(salsa::GemmReferenceFp(g.fc));
    }
    EXPECT_EQ(salsa::AssembleOutputFp(gemms, outs, static_cast<int64_t>(y.data.size())), y.data)
        << yaml;
    ++layers;
  }
  EXPECT_GE(layers, 9);
}

TEST_F(LayerFp8Test, Int4LayerEqualsInt8ReferenceOfUnpackedWeights) {
  const int N = 5, K = 7;
  std::vector<int8_t> w(N * K);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int8_t>(static_cast<int>(i * 5 % 16) - 8);
  std::vector<int8_t> packed;
  for (int n = 0; n < N; ++n) {
    const std::vector<uint8_t> row = salsa::int4::Pack(&w[n * K], K);
    packed.insert(packed.end(), row.begin(), row.end());
  }
  std::vector<int8_t> x(3 * K);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<int8_t>(static_cast<int>(i * 29 % 256) - 128);
  salsa::WriteNpy(Path("x4.npy"), NpyArray::FromInt8({3, K}, x));
  salsa::WriteNpy(Path("w4.npy"), NpyArray::FromInt8({N, (K + 1) / 2}, packed));
  salsa::WriteNpy(Path("w8.npy"), NpyArray::FromInt8({N, K}, w));
  const std::string q = "input_zero_point: -3\noutput_multiplier: 1518500250\noutput_shift: -6\n";
  const LayerSpec s4 = Load(
      "op: fully_connected\ninput: x4.npy\nweights: w4.npy\n"
      "weights_dtype: int4\n" +
      q);
  const LayerSpec s8 = Load("op: fully_connected\ninput: x4.npy\nweights: w8.npy\n" + q);
  EXPECT_EQ(s4.weights.data, w);
  EXPECT_EQ(salsa::ref::LayerReference(s4).data, salsa::ref::LayerReference(s8).data);
  const auto gemms = salsa::LowerLayer(s4);
  ASSERT_EQ(gemms.size(), 1u);
  EXPECT_EQ(gemms[0].fc.prec, contract::kPrecInt4w);
  EXPECT_EQ(gemms[0].fc.weights, w);
  EXPECT_EQ(salsa::GemmReference(gemms[0].fc), salsa::ref::LayerReference(s8).data);
}

// ---------------------------------------------------------------------------------------------
// Random layers.

bool Finite(uint8_t code, contract::Prec p) {
  return p == contract::kPrecFp8E4M3 ? (code & 0x7F) != 0x7F : (code & 0x7F) < 0x7C;
}

TEST(RandomLowpLayers, Fp8DeterministicFiniteWithSubnormalsAndZeros) {
  for (contract::Prec p : {contract::kPrecFp8E4M3, contract::kPrecFp8E5M2}) {
    const FcLayer a = salsa::MakeRandomFp8Fc(7, 300, 9, 42, p);
    const FcLayer b = salsa::MakeRandomFp8Fc(7, 300, 9, 42, p);
    const FcLayer c = salsa::MakeRandomFp8Fc(7, 300, 9, 43, p);
    EXPECT_EQ(a.input, b.input);
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.bias_fp32, b.bias_fp32);
    EXPECT_EQ(a.out_fmt, b.out_fmt);
    EXPECT_EQ(a.out_scale, b.out_scale);
    EXPECT_EQ(a.saturate, b.saturate);
    EXPECT_NE(a.input, c.input);
    EXPECT_EQ(a.prec, p);
    EXPECT_NE(a.out_fmt, contract::kOutInt8);
    const int man_bits = p == contract::kPrecFp8E4M3 ? 3 : 2;
    int zeros = 0, subnormals = 0;
    for (const auto* t : {&a.input, &a.weights}) {
      for (int8_t v : *t) {
        const uint8_t code = static_cast<uint8_t>(v);
        EXPECT_TRUE(Finite(code, p)) << int{code};
        zeros += (code & 0x7F) == 0;
        subnormals += (code & 0x7F) != 0 && ((code & 0x7F) >> man_bits) == 0;
      }
    }
    EXPECT_GT(zeros, 100);
    EXPECT_GT(subnormals, 50);
    EXPECT_EQ(salsa::GemmReferenceFp(a), salsa::GemmReferenceFp(b));
  }
  // The seed draws every output format, a bias in some seeds and not others, both saturations.
  std::vector<int> fmts(5, 0);
  int biased = 0, saturated = 0, unit = 0;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    const FcLayer l = salsa::MakeRandomFp8Fc(2, 3, 4, seed, contract::kPrecFp8E4M3);
    ++fmts[l.out_fmt];
    biased += !l.bias_fp32.empty();
    saturated += l.saturate;
    unit += l.out_scale == 0x3F800000u;
  }
  for (int f = 1; f <= 4; ++f) EXPECT_GT(fmts[f], 0) << f;
  EXPECT_GT(biased, 0);
  EXPECT_LT(biased, 64);
  EXPECT_GT(saturated, 0);
  EXPECT_LT(saturated, 64);
  EXPECT_GT(unit, 0);
  EXPECT_LT(unit, 64);
  EXPECT_THROW(salsa::MakeRandomFp8Fc(1, 1, 1, 1, contract::kPrecInt8), std::invalid_argument);
}

TEST(RandomLowpLayers, Fp8ExtremesHaveTheCornersAndNaNs) {
  const FcLayer l =
      salsa::MakeRandomFp8Fc(8, 200, 8, 5, contract::kPrecFp8E5M2, salsa::Fp8Data::kExtremes);
  int nan_inf = 0, max = 0, min_sub = 0;
  for (int8_t v : l.input) {
    const uint8_t m = static_cast<uint8_t>(v) & 0x7F;
    nan_inf += m >= 0x7C;
    max += m == 0x7B;
    min_sub += m == 0x01;
  }
  EXPECT_GT(nan_inf, 0);
  EXPECT_GT(max, 100);
  EXPECT_GT(min_sub, 100);
  for (uint32_t b : l.bias_fp32) EXPECT_NE(b & 0x7F800000u, 0x7F800000u);  // finite
}

TEST(RandomLowpLayers, Int4WeightsInRangeWithExtremes) {
  const FcLayer a = salsa::MakeRandomInt4Fc(5, 100, 8, 11);
  const FcLayer b = salsa::MakeRandomInt4Fc(5, 100, 8, 11);
  EXPECT_EQ(a.prec, contract::kPrecInt4w);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.output_multiplier, b.output_multiplier);
  int lo = 0, hi = 0;
  for (int8_t w : a.weights) {
    EXPECT_GE(w, -8);
    EXPECT_LE(w, 7);
    lo += w == -8;
    hi += w == 7;
  }
  EXPECT_GT(lo, 0);
  EXPECT_GT(hi, 0);
  const FcLayer e = salsa::MakeRandomInt4Fc(3, 50, 4, 2, salsa::FcData::kExtremes);
  for (int8_t w : e.weights) EXPECT_TRUE(w == -8 || w == 7);
  // The int4 reference is the int8 reference on those values.
  EXPECT_EQ(salsa::GemmReference(a), salsa::ReferenceOutput(a));
}

}  // namespace

namespace {

// An independent oracle for float32 outputs: the host's IEEE binary32 arithmetic (SSE, round to
// nearest even, subnormals kept: no -ffast-math, no FTZ/DAZ, volatile against contraction) on
// the decoded values, with the same k order and the same skipped +-0 activations. NaNs compare
// as "both NaN" (the host keeps payloads, salsa canonicalises to 0x7FC00000).
uint32_t HostDot(const FcLayer& l, int m, int n) {
  const salsa::fp::Fp8Format f = salsa::ref::Fp8FormatOf(l.prec);
  volatile float acc = l.bias_fp32.empty() ? 0.0f : salsa::fp::BitsToFloat(l.bias_fp32[n]);
  for (int k = 0; k < l.K; ++k) {
    const uint8_t a = static_cast<uint8_t>(l.input[static_cast<size_t>(m * l.K + k)]);
    if ((a & 0x7F) == 0) continue;
    const uint8_t w = static_cast<uint8_t>(l.weights[static_cast<size_t>(n * l.K + k)]);
    volatile float p = salsa::fp::BitsToFloat(salsa::fp::Fp8ToFp32(a, f)) *
                       salsa::fp::BitsToFloat(salsa::fp::Fp8ToFp32(w, f));
    acc = acc + p;
  }
  volatile float y = acc * salsa::fp::BitsToFloat(l.out_scale);
  return salsa::fp::FloatToBits(y);
}

bool IsNan32(uint32_t b) { return (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu) != 0; }

TEST(RandomLowpLayers, Fp8Float32OutputsEqualHostIeeeArithmetic) {
  int checked = 0, nans = 0, subnormal_or_zero = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    for (contract::Prec p : {contract::kPrecFp8E4M3, contract::kPrecFp8E5M2}) {
      for (salsa::Fp8Data d : {salsa::Fp8Data::kRandom, salsa::Fp8Data::kExtremes}) {
        FcLayer l = salsa::MakeRandomFp8Fc(3, 1 + static_cast<int>(seed * 7 % 90), 5, seed, p, d);
        l.out_fmt = contract::kOutFp32;
        const std::vector<uint32_t> y = salsa::GemmReferenceFp(l);
        for (int m = 0; m < l.M; ++m) {
          for (int n = 0; n < l.N; ++n) {
            const uint32_t got = y[static_cast<size_t>(m * l.N + n)], want = HostDot(l, m, n);
            if (IsNan32(want)) {
              EXPECT_EQ(got, 0x7FC00000u) << "seed " << seed << " m " << m << " n " << n;
              ++nans;
            } else {
              EXPECT_EQ(got, want) << "seed " << seed << " m " << m << " n " << n;
            }
            subnormal_or_zero += (got & 0x7F800000u) == 0;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 24 * 4 * 15);
  EXPECT_GT(nans, 0);
  EXPECT_GT(subnormal_or_zero, 0);
}

// K slices (docs/numerics.md): 1 * 1 + 1 * 1 + 4096 * 4096 in E5M2 is 2^24 + 2 in one accumulator;
// on 2 slices p[0] = 1 * 1 + 4096 * 4096 = 2^24 (a tie to even), p[1] = 1, and p[1] + p[0] = 2^24.
// On 3 slices each slice holds one product: (4096^2 + 1) + 1 = 2^24.
TEST(Fp8GemmSlices, TheSumOrderIsTheSlices) {
  const uint8_t a[3] = {0x3C, 0x3C, 0x6C}, w[3] = {0x3C, 0x3C, 0x6C};
  const auto run = [&](unsigned slices) {
    return salsa::ref::Fp8Gemm(a, w, nullptr, 1, 3, 1, 3, 1, salsa::fp::Fp8Format::kE5M2,
                               contract::kOutFp32, 0x3F800000u, false, slices)
        .front();
  };
  EXPECT_EQ(run(1), 0x4B800001u);
  EXPECT_EQ(run(2), 0x4B800000u);
  EXPECT_EQ(run(3), 0x4B800000u);
  EXPECT_EQ(run(4), 0x4B800000u);  // a slice without a k: its sum is +0 (here) or the bias
  // The bias starts slice 0 only: p[0] = -2^24 + 1 + 2^24 = 1 exactly, p[1] = 1, out 2 (the bias
  // in every slice would give 2 - 2^24).
  const uint32_t bias = 0xCB800000u;  // -2^24
  EXPECT_EQ(salsa::ref::Fp8Gemm(a, w, &bias, 1, 3, 1, 3, 1, salsa::fp::Fp8Format::kE5M2,
                                contract::kOutFp32, 0x3F800000u, false, 2)
                .front(),
            0x40000000u);
}

}  // namespace
