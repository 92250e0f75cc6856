// The user-layer references and their lowering onto GEMMs: hand-computed cases of every op (the
// arithmetic is in the comments), run from layer files (random layers: layer_ref_random_test.cpp).
#include "salsa/layer_ref.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "layer_ref_fixture.h"

namespace {

using salsa_test::LayerOp;
using salsa_test::LayerRefTest;
using salsa_test::LayerSpec;

constexpr int32_t kHalf = 1 << 30;  // multiplier 2^30: real 0.5 * 2^shift

// ---------------------------------------------------------------------------------------------
// Hand-computed cases.

TEST_F(LayerRefTest, HandConv2dSameStride2ZeroPoint) {
  // input 1x3x3x1, x_zp = 2:        d = x - 2:
  //   1 2 3                          -1 0 1
  //   4 5 6                           2 3 4
  //   7 8 9                           5 6 7
  // filter 1x2x2x1 = [[1, 2], [3, 4]], bias 10, stride 2, SAME.
  // TFLite: out = ceil(3 / 2) = 2; total padding (2-1)*2 + 2 - 3 = 1 -> top/left 0, and the odd
  // pixel at the bottom/right (row 3 and column 3 are padding).
  //   (0,0): rows 0-1, cols 0-1: -1*1 + 0*2 + 2*3 + 3*4 = 17      + 10 = 27
  //   (0,1): rows 0-1, cols 2-3:  1*1 + 4*3 (column 3 padded)  = 13 + 10 = 23
  //   (1,0): rows 2-3, cols 0-1:  5*1 + 6*2 (row 3 padded)     = 17 + 10 = 27
  //   (1,1): row 2, col 2:        7*1                          =  7 + 10 = 17
  // Requantise with (2^30, 0) = 0.5 and y_zp = -3 (SRDHM rounds ties toward +inf):
  //   27 -> 13.5 -> 14 -> 11;  23 -> 11.5 -> 12 -> 9;  27 -> 11;  17 -> 8.5 -> 9 -> 6.
  // (Padding with 0 instead of x_zp would add 2*(-2) + 4*(-2) = -12 to (0,1); padding at the
  // top/left instead would shift every window.)
  I8("x.npy", {1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  I8("w.npy", {1, 2, 2, 1}, {1, 2, 3, 4});
  I32("b.npy", {10});
  const LayerSpec s = Load(
      "op: conv2d\ninput: x.npy\nweights: w.npy\nbias: b.npy\nstride: 2\npadding: same\n"
      "input_zero_point: 2\noutput_zero_point: -3\noutput_multiplier: 1073741824\n"
      "output_shift: 0\n");
  ExpectOutput(s, {1, 2, 2, 1}, {11, 9, 11, 6});
}

TEST_F(LayerRefTest, HandConv2dPerChannelValidDilation) {
  // input 1x3x3x2, x_zp = 1. Channel 0 = 1..9 row-major, channel 1 = -1..-9:
  //   d0 = [[0,1,2],[3,4,5],[6,7,8]]   d1 = [[-2,-3,-4],[-5,-6,-7],[-8,-9,-10]]
  // 2x2 kernel, dilation 2 -> effective 3x3, VALID -> 1x1 output; taps (0,0) (0,2) (2,0) (2,2):
  //   d0 = 0, 2, 6, 8            d1 = -2, -4, -8, -10
  // filter OHWI [2][2][2][2]: oc 0 = ones on channel 0, zeros on channel 1:
  //   0 + 2 + 6 + 8 = 16, + bias 4 = 20
  // oc 1 = zeros on channel 0, [[1, -1], [2, -2]] on channel 1:
  //   -2*1 + -4*-1 + -8*2 + -10*-2 = -2 + 4 - 16 + 20 = 6, + bias -100 = -94
  // Per channel: oc 0 (2^30, +1) = 1.0: 20*2 = 40, SRDHM(40, 2^30) = 20; + y_zp 5 = 25, clamped
  // to act_max 24. oc 1 (2^30, -2) = 0.125: SRDHM(-94, 2^30) = -47, RDBPOT(-47, 2) = -11.75 ->
  // -12; + 5 = -7.
  I8("x.npy", {1, 3, 3, 2}, {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9});
  I8("w.npy", {2, 2, 2, 2}, {1, 0, 1, 0, 1, 0, 1, 0, /* oc 1 */ 0, 1, 0, -1, 0, 2, 0, -2});
  I32("b.npy", {4, -100});
  const LayerSpec s = Load(
      "op: conv2d\ninput: x.npy\nweights: w.npy\nbias: b.npy\ndilation: 2\npadding: valid\n"
      "input_zero_point: 1\noutput_zero_point: 5\nact_max: 24\n"
      "output_multiplier: [1073741824, 1073741824]\noutput_shift: [1, -2]\n");
  ExpectOutput(s, {1, 1, 1, 2}, {24, -7});
}

TEST_F(LayerRefTest, HandDepthwiseMultiplier2) {
  // input 1x2x2x2, x_zp = -1: channel 0 = [[0,1],[2,3]], channel 1 = [[-1,5],[-5,10]]
  //   d0 = [[1,2],[3,4]]   d1 = [[0,6],[-4,11]]
  // filter [1][2][2][4], depth_multiplier 2: output channels 0, 1 read input channel 0, 2, 3
  // read channel 1. Per tap (ky,kx) the four output-channel weights:
  //   oc 0 = [[1,0],[0,0]]  -> 1                       + bias 0  = 1
  //   oc 1 = [[1,1],[1,1]]  -> 1+2+3+4 = 10            + bias 5  = 15
  //   oc 2 = [[1,1],[1,1]]  -> 0+6-4+11 = 13           + bias -3 = 10
  //   oc 3 = [[0,-1],[2,0]] -> -6 + -8 = -14           + bias 0  = -14
  // Per channel (2^30, s) with s = 1, 0, -1, 0 (reals 1, 0.5, 0.25, 0.5), y_zp 0:
  //   oc 0: 1*2 = 2, SRDHM -> 1                        = 1
  //   oc 1: SRDHM(15, 2^30) = 7.5 -> 8                 = 8
  //   oc 2: SRDHM(10, 2^30) = 5, RDBPOT(5, 1) = 2.5 -> 3 (ties away from zero) = 3
  //   oc 3: SRDHM(-14, 2^30) = -7                      = -7
  I8("x.npy", {1, 2, 2, 2}, {0, -1, 1, 5, 2, -5, 3, 10});
  // [ky][kx][oc]: (0,0): 1 1 1 0; (0,1): 0 1 1 -1; (1,0): 0 1 1 2; (1,1): 0 1 1 0
  I8("w.npy", {1, 2, 2, 4}, {1, 1, 1, 0, 0, 1, 1, -1, 0, 1, 1, 2, 0, 1, 1, 0});
  I32("b.npy", {0, 5, -3, 0});
  const LayerSpec s = Load(
      "op: depthwise_conv2d\ninput: x.npy\nweights: w.npy\nbias: b.npy\npadding: valid\n"
      "input_zero_point: -1\noutput_multiplier: [1073741824, 1073741824, 1073741824, "
      "1073741824]\noutput_shift: [1, 0, -1, 0]\n");
  ExpectOutput(s, {1, 1, 1, 4}, {1, 8, 3, -7});
  // Lowered: one GEMM per input channel, N = depth_multiplier = 2, K = 2*2 taps.
  const auto gemms = salsa::LowerLayer(s);
  ASSERT_EQ(gemms.size(), 2u);
  EXPECT_EQ(gemms[1].fc.K, 4);
  EXPECT_EQ(gemms[1].fc.N, 2);
  EXPECT_EQ(gemms[1].fc.weights, (std::vector<int8_t>{1, 1, 1, 1, 0, -1, 2, 0}));
  EXPECT_EQ(gemms[1].out_index, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(gemms[1].fc.channel_shift, (std::vector<int32_t>{-1, 0}));
}

TEST_F(LayerRefTest, HandMatmulTwoBatches) {
  // a [2][2][3], b [2][3][2], a_zp = 1, (2^30, 0) = 0.5, y_zp 0.
  // batch 0: d = a - 1 = [[0,1,2],[-1,0,0]], b0 = [[1,0],[0,1],[1,1]]:
  //   [0][0] = 0+0+2 = 2 -> 1;   [0][1] = 0+1+2 = 3 -> 1.5 -> 2
  //   [1][0] = -1 -> -0.5 -> 0 (SRDHM: ties toward +inf);   [1][1] = 0 -> 0
  // batch 1: d = [[-129,126,0],[4,4,4]], b1 = [[2,-1],[1,1],[-128,127]]:
  //   [0][0] = -258+126+0 = -132 -> -66;  [0][1] = 129+126+0 = 255 -> 127.5 -> 128 -> 127 (clamp)
  //   [1][0] = 8+4-512 = -500 -> -250 -> -128;  [1][1] = -4+4+508 = 508 -> 254 -> 127
  I8("a.npy", {2, 2, 3}, {1, 2, 3, 0, 1, 1, -128, 127, 1, 5, 5, 5});
  I8("b.npy", {2, 3, 2}, {1, 0, 0, 1, 1, 1, 2, -1, 1, 1, -128, 127});
  const LayerSpec s = Load(
      "op: matmul\na: a.npy\nb: b.npy\ninput_zero_point: 1\n"
      "output_multiplier: 1073741824\noutput_shift: 0\n");
  ExpectOutput(s, {2, 2, 2}, {1, 2, 0, 0, -66, 127, -128, 127});
  const auto gemms = salsa::LowerLayer(s);
  ASSERT_EQ(gemms.size(), 2u);
  // Weights are b transposed: [N][K].
  EXPECT_EQ(gemms[0].fc.weights, (std::vector<int8_t>{1, 0, 1, 0, 1, 1}));
  EXPECT_EQ(gemms[1].out_index, (std::vector<int64_t>{4, 5, 6, 7}));
}

TEST_F(LayerRefTest, HandFullyConnectedPerChannelFromScales) {
  // docs/numerics.md worked example 1 (per channel), with the multipliers from scales:
  // s_x 0.5, s_w [0.5, 0.0625], s_y 0.25 -> reals 1.0 = (2^30, 1) and 0.125 = (2^30, -2).
  // v = [[13, -24], [14, -43]] -> [[13, -3], [14, -5]].
  I8("x.npy", {2, 3}, {1, 2, 3, -4, 0, 5});
  I8("w.npy", {2, 3}, {1, -1, 2, 3, 0, -2});
  I32("b.npy", {10, -20});
  const LayerSpec s = Load(
      "op: fully_connected\ninput: x.npy\nweights: w.npy\nbias: b.npy\ninput_zero_point: 1\n"
      "input_scale: 0.5\nweight_scale: [0.5, 0.0625]\noutput_scale: 0.25\n");
  EXPECT_EQ(s.quant.output_multiplier, (std::vector<int32_t>{kHalf, kHalf}));
  EXPECT_EQ(s.quant.output_shift, (std::vector<int32_t>{1, -2}));
  ExpectOutput(s, {2, 2}, {13, -3, 14, -5});
}

TEST_F(LayerRefTest, PaddingSplitsLikeTflite) {
  // SAME, in 6, k 3, stride 2: out 3, total (3-1)*2 + 3 - 6 = 1 -> before 0.
  // SAME, in 7, k 4, stride 1, dilation 2: eff 7, out 7, total 6 + 7 - 7 = 6 -> before 3.
  // SAME, in 5, k 2, stride 3: out 2, total 3 + 2 - 5 = 0 -> 0.
  // VALID, in 7, k 3, stride 2, dilation 2: eff 5, out (7 + 2 - 5) / 2 = 2, no padding.
  salsa::ConvParams p;
  p.padding = salsa::Padding::kSame;
  p.stride_h = 2;
  p.stride_w = 1;
  p.dilation_w = 2;
  auto g = salsa::GetConvGeometry({1, 6, 7, 1}, {1, 3, 4, 1}, p, false);
  EXPECT_EQ(g.out_h, 3);
  EXPECT_EQ(g.pad_top, 0);
  EXPECT_EQ(g.out_w, 7);
  EXPECT_EQ(g.pad_left, 3);
  p.stride_h = 3;
  g = salsa::GetConvGeometry({1, 5, 7, 1}, {1, 2, 4, 1}, p, false);
  EXPECT_EQ(g.out_h, 2);
  EXPECT_EQ(g.pad_top, 0);
  p.padding = salsa::Padding::kValid;
  p.stride_h = 2;
  p.dilation_h = 2;
  g = salsa::GetConvGeometry({1, 7, 7, 1}, {1, 3, 3, 1}, p, false);
  EXPECT_EQ(g.out_h, 2);
  EXPECT_EQ(g.pad_top, 0);
  EXPECT_THROW(salsa::GetConvGeometry({1, 4, 7, 1}, {1, 3, 3, 1}, p, false),
               std::invalid_argument);  // eff 5 > 4
}

}  // namespace
