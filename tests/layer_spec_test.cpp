// Layer files: the keys of every op, the two quantisation forms (with pinned multipliers), the
// 2of4 weights format and expected-output files (bad inputs: layer_spec_errors_test.cpp).
#include "salsa/layer_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "layer_spec_fixture.h"
#include "salsa/layer_gen.h"
#include "salsa/npy.h"

namespace {

namespace fs = std::filesystem;
using salsa_test::LayerOp;
using salsa_test::LayerSpec;
using salsa_test::LayerSpecError;
using salsa_test::LayerSpecTest;
using salsa_test::NpyArray;

// ---------------------------------------------------------------------------------------------
// Accepted files.

TEST_F(LayerSpecTest, FullyConnectedPerTensor) {
  const LayerSpec s =
      Load(Fc("bias: b.npy\ninput_zero_point: -5\noutput_zero_point: 7\n"
              "act_min: -100\nact_max: 90\nweights_zero_point: 0\n"));
  EXPECT_EQ(s.op, LayerOp::kFullyConnected);
  EXPECT_EQ(s.name, "layer");  // the file's stem
  EXPECT_EQ(s.input.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(s.weights.shape, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(s.bias, (std::vector<int32_t>{-50, 50, 150, 250}));
  EXPECT_EQ(s.input_file, Path("x.npy"));
  EXPECT_EQ(s.bias_file, Path("b.npy"));
  EXPECT_EQ(s.quant.input_zero_point, -5);
  EXPECT_EQ(s.quant.output_zero_point, 7);
  EXPECT_EQ(s.quant.act_min, -100);
  EXPECT_EQ(s.quant.act_max, 90);
  EXPECT_EQ(s.quant.weights_zero_point, 0);
  EXPECT_EQ(s.quant.output_multiplier, (std::vector<int32_t>{1073741824}));
  EXPECT_EQ(s.quant.output_shift, (std::vector<int32_t>{-3}));
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(salsa::LayerOutputShape(s), s.output_shape);
}

TEST_F(LayerSpecTest, DefaultsAndPerChannelLists) {
  const LayerSpec s = Load(Fc("name: fc1\n",
                              "output_multiplier: [1, 2, 3, 4]\n"
                              "output_shift: [0, -1, 31, -31]\n"));
  EXPECT_EQ(s.name, "fc1");
  EXPECT_TRUE(s.bias.empty());
  EXPECT_EQ(s.quant.input_zero_point, 0);
  EXPECT_EQ(s.quant.act_min, -128);
  EXPECT_EQ(s.quant.act_max, 127);
  EXPECT_EQ(s.quant.output_multiplier, (std::vector<int32_t>{1, 2, 3, 4}));
  EXPECT_EQ(s.quant.output_shift, (std::vector<int32_t>{0, -1, 31, -31}));
}

TEST_F(LayerSpecTest, ScalesPerTensorFullyConnectedRoundProductToFloat) {
  // docs/numerics.md worked example 2: real = double(float(s_x * s_w)) / s_y
  // = 0.004172511371517546 -> (1146931193, -7) for fully_connected.
  const std::string q =
      "input_scale: 0.05144499987\nweight_scale: 0.00565999979\noutput_scale: 0.06978499889\n";
  const LayerSpec fc = Load(Fc("", q));
  EXPECT_EQ(fc.quant.output_multiplier, (std::vector<int32_t>{1146931193}));
  EXPECT_EQ(fc.quant.output_shift, (std::vector<int32_t>{-7}));
  // matmul follows TFLite's BatchMatMul: the same float product.
  const LayerSpec mm = Load("op: matmul\na: qa.npy\nb: kb.npy\n" + q);
  EXPECT_EQ(mm.quant.output_multiplier, (std::vector<int32_t>{1146931193}));
  // conv2d uses PopulateConvolutionQuantizationParams, in double throughout:
  // 0.004172511186875202 -> (1146931142, -7), 51 LSBs apart.
  const LayerSpec conv = Load("op: conv2d\ninput: img.npy\nweights: filt.npy\npadding: same\n" + q);
  EXPECT_EQ(conv.quant.output_multiplier, (std::vector<int32_t>{1146931142}));
  EXPECT_EQ(conv.quant.output_shift, (std::vector<int32_t>{-7}));
}

TEST_F(LayerSpecTest, ScalesPerChannel) {
  // Exact powers of two: 0.5 * [0.25, 0.125, 1, 0.75] / 0.25 = [0.5, 0.25, 2, 1.5]
  //   0.5  = 0.5  * 2^0  -> (2^30, 0);   0.25 = 0.5 * 2^-1 -> (2^30, -1)
  //   2    = 0.5  * 2^2  -> (2^30, 2);   1.5  = 0.75 * 2^1 -> (0.75 * 2^31 = 1610612736, 1)
  const LayerSpec s = Load(Fc("",
                              "input_scale: 0.5\nweight_scale: [0.25, 0.125, 1, 0.75]\n"
                              "output_scale: 0.25\n"));
  EXPECT_EQ(s.quant.output_multiplier,
            (std::vector<int32_t>{1073741824, 1073741824, 1073741824, 1610612736}));
  EXPECT_EQ(s.quant.output_shift, (std::vector<int32_t>{0, -1, 2, 1}));
}

TEST_F(LayerSpecTest, Conv2dParams) {
  const LayerSpec s = Load(
      "op: conv2d\ninput: img.npy\nweights: filt.npy\nbias: cb.npy\nstride: [2, 1]\n"
      "dilation: 2\npadding: SAME\noutput_multiplier: [5, 6, 7]\noutput_shift: [1, 2, 3]\n");
  EXPECT_EQ(s.op, LayerOp::kConv2d);
  EXPECT_EQ(s.conv.stride_h, 2);
  EXPECT_EQ(s.conv.stride_w, 1);
  EXPECT_EQ(s.conv.dilation_h, 2);
  EXPECT_EQ(s.conv.dilation_w, 2);
  EXPECT_EQ(s.conv.padding, salsa::Padding::kSame);
  // SAME: out = ceil(5 / 2) = 3 rows, ceil(5 / 1) = 5 columns, 3 output channels.
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{1, 3, 5, 3}));
  const salsa::ConvGeometry g =
      salsa::GetConvGeometry(s.input.shape, s.weights.shape, s.conv, false);
  // Rows: effective kernel (3-1)*2+1 = 5, total padding (3-1)*2 + 5 - 5 = 4 -> top 2.
  // Columns: (5-1)*1 + 5 - 5 = 4 -> left 2.
  EXPECT_EQ(g.pad_top, 2);
  EXPECT_EQ(g.pad_left, 2);
}

TEST_F(LayerSpecTest, DepthwiseAndMatmul) {
  const LayerSpec dw = Load(
      "op: depthwise_conv2d\ninput: img.npy\nweights: dw.npy\npadding: valid\nstride: 2\n"
      "depth_multiplier: 2\noutput_multiplier: 1073741824\noutput_shift: 0\n");
  EXPECT_EQ(dw.depth_multiplier, 2);
  // VALID: (5 + 2 - 3) / 2 = 2.
  EXPECT_EQ(dw.output_shape, (std::vector<int64_t>{1, 2, 2, 4}));
  const LayerSpec mm =
      Load("op: matmul\na: qa.npy\nb: kb.npy\noutput_multiplier: 1\noutput_shift: 0\n");
  EXPECT_EQ(mm.output_shape, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(mm.input_file, Path("qa.npy"));
  EXPECT_EQ(salsa::OutputChannels(mm), 5);
}

TEST_F(LayerSpecTest, TensorPathsRelativeToTheLayerFile) {
  fs::create_directories(dir_ / "sub" / "t");
  salsa::WriteNpy((dir_ / "sub" / "t" / "x.npy").string(), NpyArray::FromInt8({1, 3}, {1, 2, 3}));
  std::ofstream((dir_ / "sub" / "l.yaml").string())
      << "op: fully_connected\ninput: t/x.npy\nweights: " << Path("w.npy")
      << "\noutput_multiplier: 1\noutput_shift: 0\n";
  const LayerSpec s = salsa::LoadLayerSpec((dir_ / "sub" / "l.yaml").string());
  EXPECT_EQ(s.input.data, (std::vector<int8_t>{1, 2, 3}));
  EXPECT_EQ(s.input_file, (dir_ / "sub" / "t" / "x.npy").string());
  EXPECT_EQ(s.weights_file, Path("w.npy"));
}

// ---------------------------------------------------------------------------------------------
// weights_format: 2of4 (fully_connected): compressed values [N, ceil(K/4)*2] and positions.

class LayerSpec2of4Test : public LayerSpecTest {
 protected:
  void SetUp() override {
    LayerSpecTest::SetUp();
    // x.npy is [2, 3]: K = 3, one (partial) group, 2 slots per row; N = 4. Position 3 is beyond K.
    salsa::WriteNpy(Path("wc.npy"), NpyArray::FromInt8({4, 2}, {1, 2, -3, 0, 0, 5, 0, 0}));
    Meta("m.npy", {4, 2}, {0, 2, 1, 3, 0, 1, 0, 2});
  }
  void Meta(const std::string& name, const std::vector<int64_t>& shape,
            const std::vector<uint8_t>& v) {
    salsa::WriteNpy(Path(name), NpyArray::FromUint8(shape, v));
  }
  static std::string Fc24(const std::string& weights = "wc.npy",
                          const std::string& meta = "m.npy") {
    return "op: fully_connected\ninput: x.npy\nweights: " + weights +
           "\nweights_format: 2of4\nweights_meta: " + meta +
           "\noutput_multiplier: 1073741824\noutput_shift: -3\n";
  }
};

TEST_F(LayerSpec2of4Test, DecompressedAtLoadTime) {
  const LayerSpec s = Load(Fc24());
  EXPECT_EQ(s.weights_format, salsa::WeightsFormat::k2of4);
  EXPECT_EQ(s.weights_meta_file, Path("m.npy"));
  EXPECT_EQ(s.weights.shape, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(s.weights.data, (std::vector<int8_t>{1, 0, 2, 0, -3, 0, 0, 5, 0, 0, 0, 0}));
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{2, 4}));
  // The same layer, dense: weights_format dense is the default.
  EXPECT_EQ(Load(Fc("weights_format: dense\n")).weights_format, salsa::WeightsFormat::kDense);
  EXPECT_EQ(Load(Fc()).weights_format, salsa::WeightsFormat::kDense);
}

TEST_F(LayerSpec2of4Test, WriterRoundTrip) {
  // Compress2of4 writes what the loader reads back (K = 9: two full groups and a partial one).
  const std::vector<int8_t> dense = {0,    3, 0,   -1, 7, 0, 0, 0, 2,  //
                                     -128, 0, 127, 0,  0, 0, 0, 0, 0};
  const salsa::Compressed2of4 c = salsa::Compress2of4(dense, 2, 9);
  salsa::WriteNpy(Path("x9.npy"), NpyArray::FromInt8({1, 9}, std::vector<int8_t>(9, 1)));
  salsa::WriteNpy(Path("w9.npy"), NpyArray::FromInt8({2, 6}, c.values));
  Meta("m9.npy", {2, 6}, c.meta);
  const LayerSpec s = Load(
      "op: fully_connected\ninput: x9.npy\nweights: w9.npy\nweights_format: 2of4\n"
      "weights_meta: m9.npy\noutput_multiplier: 1\noutput_shift: 0\n");
  EXPECT_EQ(s.weights.data, dense);
}

TEST_F(LayerSpec2of4Test, BadFormatAndMetaKeys) {
  ExpectError(Fc("weights_format: sparse\n"), "6:17: weights_format",
              {"unknown weights_format 'sparse'", "accepted: dense, 2of4"});
  ExpectError(Fc("weights_format: [dense]\n"), "6:17: weights_format",
              {"wrong type", "accepted: dense, 2of4"});
  ExpectError(Fc("weights_meta: m.npy\n"), "6:1: weights_meta",
              {"weights_meta given, but weights_format is dense (the default)",
               "accepted: weights_meta only with weights_format: 2of4"});
  ExpectError(Fc("weights_format: dense\nweights_meta: m.npy\n"), "7:1: weights_meta",
              {"weights_meta given, but weights_format is dense;"});
  ExpectError(Fc("weights_format: 2of4\n"), "1:1: weights_meta",
              {"missing required key (weights_format is 2of4)", "uint8 (|u1)"});
  ExpectError(
      "op: conv2d\ninput: img.npy\nweights: filt.npy\npadding: same\nweights_format: 2of4\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "5:1: weights_format", {"unknown key 'weights_format' for op conv2d"});
  ExpectError(
      "op: matmul\na: qa.npy\nb: kb.npy\nweights_meta: m.npy\noutput_multiplier: 1\n"
      "output_shift: 0\n",
      "4:1: weights_meta", {"unknown key 'weights_meta' for op matmul"});
}

TEST_F(LayerSpec2of4Test, BadShapesAndDtypes) {
  // Dense-shaped weights with 2of4.
  ExpectError(Fc24("w.npy"), "3:10: weights",
              {"/w.npy: shape (4, 3) is not [N, ceil(K/4)*2] = [N, 2] for the input's K = 3 (",
               "/x.npy shape (2, 3))"});
  Meta("m3.npy", {4, 3}, std::vector<uint8_t>(12, 0));
  ExpectError(
      Fc24("wc.npy", "m3.npy"), "5:15: weights_meta",
      {"/m3.npy: shape (4, 3) differs from the compressed weights' shape (4, 2) (", "/wc.npy)"});
  Int8("m8.npy", {4, 2});
  ExpectError(Fc24("wc.npy", "m8.npy"), "5:15: weights_meta",
              {"/m8.npy: dtype int8 (|i1), expected uint8 (|u1)"});
  Int32("w32.npy", {4, 2});
  ExpectError(Fc24("w32.npy"), "3:10: weights",
              {"/w32.npy: dtype int32 (<i4), expected int8 (|i1)"});
  ExpectError(Fc24("wc.npy", "none.npy"), "5:15: weights_meta",
              {"/none.npy: cannot open: No such file or directory"});
}

TEST_F(LayerSpec2of4Test, BadPositionsAndPadding) {
  Meta("range.npy", {4, 2}, {0, 2, 1, 3, 0, 4, 0, 2});
  ExpectError(Fc24("wc.npy", "range.npy"), "5:15: weights_meta",
              {"/range.npy: element 5 (row 2, column 1): position 4 is out of range",
               "accepted: positions 0..3, the two of each group of 4 strictly increasing"});
  Meta("order.npy", {4, 2}, {0, 2, 3, 1, 0, 1, 0, 2});
  ExpectError(Fc24("wc.npy", "order.npy"), "5:15: weights_meta",
              {"/order.npy: element 3 (row 1, column 1): position 1 does not follow position 3 "
               "of the same group of 4 (not strictly increasing)"});
  Meta("equal.npy", {4, 2}, {0, 2, 1, 3, 0, 1, 2, 2});
  ExpectError(Fc24("wc.npy", "equal.npy"), "5:15: weights_meta",
              {"/equal.npy: element 7 (row 3, column 1): position 2 does not follow position 2"});
  // K = 3: position 3 is padding and must hold 0; row 1 keeps -3 at 1 and puts 4 at 3.
  salsa::WriteNpy(Path("wpad.npy"), NpyArray::FromInt8({4, 2}, {1, 2, -3, 4, 0, 5, 0, 0}));
  ExpectError(Fc24("wpad.npy"), "3:10: weights",
              {"/wpad.npy: element 3 (row 1, column 1): value 4 at position 3 is k = 3, beyond "
               "K = 3 (padding of the last group)",
               "accepted: 0 in the slots of a partial last group that lie beyond K = 3"});
}

TEST_F(LayerSpecTest, ExpectedOutputFile) {
  salsa::WriteNpy(Path("e.npy"), NpyArray::FromInt8({2, 4}, std::vector<int8_t>(8, 1)));
  EXPECT_EQ(salsa::LoadExpectedOutput(Path("e.npy"), {2, 4}).data.size(), 8u);
  try {
    salsa::LoadExpectedOutput(Path("e.npy"), {4, 2});
    ADD_FAILURE();
  } catch (const LayerSpecError& e) {
    EXPECT_NE(std::string(e.what()).find(Path("e.npy") +
                                         ": expected output: shape (2, 4) differs from the output "
                                         "shape (4, 2)"),
              std::string::npos)
        << e.what();
  }
  salsa::WriteNpy(Path("e32.npy"), NpyArray::FromInt32({2, 4}, std::vector<int32_t>(8, 1)));
  EXPECT_THROW(salsa::LoadExpectedOutput(Path("e32.npy"), {2, 4}), LayerSpecError);
  EXPECT_THROW(salsa::LoadExpectedOutput(Path("none.npy"), {2, 4}), salsa::NpyError);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Low precision (issue 14): FP8 dtypes, their output keys, and packed int4 weights.

namespace {

class LayerSpecLowpTest : public LayerSpecTest {
 protected:
  void SetUp() override {
    LayerSpecTest::SetUp();
    std::vector<uint8_t> x(6), w(12);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(0x30 + i);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(0xB0 + i);
    salsa::WriteNpy(Path("fx.npy"), NpyArray::FromUint8({2, 3}, x));
    salsa::WriteNpy(Path("fw.npy"), NpyArray::FromUint8({4, 3}, w));
    salsa::WriteNpy(Path("fb.npy"), NpyArray::FromFloat32Bits(
                                        {4}, {0x3F800000, 0x80000000, 0x00000001, 0xC2280000}));
    salsa::WriteNpy(Path("fa.npy"), NpyArray::FromUint8({2, 1, 3}, x));
    salsa::WriteNpy(Path("fbm.npy"),
                    NpyArray::FromUint8({2, 3, 4}, std::vector<uint8_t>(24, 0x38)));
  }
};

TEST_F(LayerSpecLowpTest, Fp8FullyConnectedDefaults) {
  const LayerSpec s =
      Load("op: fully_connected\ndtype: fp8_e4m3\ninput: fx.npy\nweights: fw.npy\n");
  EXPECT_EQ(s.dtype, salsa::LayerDtype::kFp8E4M3);
  EXPECT_EQ(s.out_fmt, salsa::contract::kOutFp32);
  EXPECT_EQ(s.out_scale, 0x3F800000u);
  EXPECT_FALSE(s.saturate);
  EXPECT_TRUE(s.bias_fp32.empty());
  EXPECT_TRUE(s.bias.empty());
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(static_cast<uint8_t>(s.input.data[5]), 0x35);
  EXPECT_EQ(static_cast<uint8_t>(s.weights.data[11]), 0xBB);
}

TEST_F(LayerSpecLowpTest, Fp8OutputKeysAndBias) {
  const LayerSpec s = Load(
      "op: fully_connected\ndtype: fp8_e5m2\ninput: fx.npy\nweights: fw.npy\nbias: fb.npy\n"
      "output_dtype: bfloat16\noutput_scale: -0.125\nsaturate: true\n");
  EXPECT_EQ(s.dtype, salsa::LayerDtype::kFp8E5M2);
  EXPECT_EQ(s.out_fmt, salsa::contract::kOutBf16);
  EXPECT_EQ(s.out_scale, 0xBE000000u);
  EXPECT_TRUE(s.saturate);
  EXPECT_EQ(s.bias_fp32, (std::vector<uint32_t>{0x3F800000, 0x80000000, 0x00000001, 0xC2280000}));
  for (const char* out : {"float32", "fp8_e4m3", "fp8_e5m2"}) {
    const LayerSpec t = Load(
        "op: fully_connected\ndtype: fp8_e4m3\ninput: fx.npy\nweights: "
        "fw.npy\noutput_dtype: " +
        std::string(out) + "\n");
    EXPECT_STREQ(salsa::OutputDtypeName(t.out_fmt), out);
  }
}

TEST_F(LayerSpecLowpTest, Fp8MatmulWithBias) {
  salsa::WriteNpy(Path("mb.npy"), NpyArray::FromFloat32Bits({4}, {0, 0, 0, 0x40000000}));
  const LayerSpec s = Load(
      "op: matmul\ndtype: fp8_e4m3\na: fa.npy\nb: fbm.npy\nbias: mb.npy\n"
      "output_dtype: fp8_e4m3\n");
  EXPECT_EQ(s.op, LayerOp::kMatmul);
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{2, 1, 4}));
  EXPECT_EQ(s.bias_fp32.size(), 4u);
  EXPECT_EQ(s.out_fmt, salsa::contract::kOutFp8E4M3);
}

TEST_F(LayerSpecLowpTest, Fp8Convolutions) {
  salsa::WriteNpy(Path("fimg.npy"), NpyArray::FromUint8({1, 5, 5, 2}, std::vector<uint8_t>(50, 1)));
  salsa::WriteNpy(Path("ffilt.npy"),
                  NpyArray::FromUint8({3, 3, 3, 2}, std::vector<uint8_t>(54, 2)));
  salsa::WriteNpy(Path("fcb.npy"), NpyArray::FromFloat32Bits({3}, {1, 2, 3}));
  const LayerSpec c = Load(
      "op: conv2d\ndtype: fp8_e5m2\ninput: fimg.npy\nweights: ffilt.npy\nbias: fcb.npy\n"
      "padding: same\nstride: 2\noutput_dtype: fp8_e4m3\n");
  EXPECT_EQ(c.op, LayerOp::kConv2d);
  EXPECT_EQ(c.output_shape, (std::vector<int64_t>{1, 3, 3, 3}));
  EXPECT_EQ(c.bias_fp32, (std::vector<uint32_t>{1, 2, 3}));
  salsa::WriteNpy(Path("fdw.npy"), NpyArray::FromUint8({1, 3, 3, 4}, std::vector<uint8_t>(36, 3)));
  const LayerSpec d = Load(
      "op: depthwise_conv2d\ndtype: fp8_e4m3\ninput: fimg.npy\nweights: fdw.npy\n"
      "padding: valid\ndepth_multiplier: 2\n");
  EXPECT_EQ(d.output_shape, (std::vector<int64_t>{1, 3, 3, 4}));
  EXPECT_EQ(d.out_fmt, salsa::contract::kOutFp32);
}

TEST_F(LayerSpecLowpTest, Int4WeightsUnpacked) {
  // K = 3: two bytes per row; row 0 = {-8, 7, 1} packed 0x78, 0x01; row 1 = {-1, 0, -2}: 0x0F,
  // 0x0E.
  salsa::WriteNpy(Path("w4.npy"), NpyArray::FromInt8({2, 2}, {0x78, 0x01, 0x0F, 0x0E}));
  std::string yaml = Fc("weights_dtype: int4\n");
  yaml.replace(yaml.find("weights: w.npy"), 14, "weights: w4.npy");
  const LayerSpec s = Load(yaml);
  EXPECT_TRUE(s.weights_int4);
  EXPECT_EQ(s.weights.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(s.weights.data, (std::vector<int8_t>{-8, 7, 1, -1, 0, -2}));
  EXPECT_EQ(s.output_shape, (std::vector<int64_t>{2, 2}));
  // weights_dtype: int8 is the default.
  EXPECT_FALSE(Load(Fc("weights_dtype: int8\n")).weights_int4);
}

}  // namespace
