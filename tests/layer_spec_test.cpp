// Layer files: the keys of every op, the two quantisation forms (with pinned multipliers), and the
// bad inputs, each asserting the position, the key, the .npy file named and the reason.
#include "salsa/layer_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "salsa/layer_gen.h"
#include "salsa/npy.h"

namespace {

namespace fs = std::filesystem;
using salsa::LayerOp;
using salsa::LayerSpec;
using salsa::LayerSpecError;
using salsa::NpyArray;

class LayerSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salsa_layer_spec_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Defaults: a 2x3 input, 4x3 weights, bias [4]; a 1x5x5x2 NHWC input, 3x3x3x2 OHWI and
    // 1x3x3x4 depthwise filters; matmul 2x3x4 by 2x4x5.
    Int8("x.npy", {2, 3});
    Int8("w.npy", {4, 3});
    Int32("b.npy", {4});
    Int8("img.npy", {1, 5, 5, 2});
    Int8("filt.npy", {3, 3, 3, 2});
    Int32("cb.npy", {3});
    Int8("dw.npy", {1, 3, 3, 4});
    Int8("qa.npy", {2, 3, 4});
    Int8("kb.npy", {2, 4, 5});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static int64_t Count(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  void Int8(const std::string& name, const std::vector<int64_t>& shape) {
    std::vector<int8_t> v(static_cast<size_t>(Count(shape)));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int8_t>(i % 7 - 3);
    salsa::WriteNpy(Path(name), NpyArray::FromInt8(shape, v));
  }
  void Int32(const std::string& name, const std::vector<int64_t>& shape) {
    std::vector<int32_t> v(static_cast<size_t>(Count(shape)));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(100 * i) - 50;
    salsa::WriteNpy(Path(name), NpyArray::FromInt32(shape, v));
  }
  void Raw(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(Path(name), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }

  LayerSpec Load(const std::string& yaml) {
    std::ofstream(Path("layer.yaml")) << yaml;
    return salsa::LoadLayerSpec(Path("layer.yaml"));
  }

  // Loading `yaml` fails with one line starting "<layer>:<pos>: <key>: " and containing every
  // one of `parts` (a leading "/" in a part is replaced by the temporary directory).
  void ExpectError(const std::string& yaml, const std::string& pos_key,
                   const std::vector<std::string>& parts) {
    try {
      Load(yaml);
      ADD_FAILURE() << "accepted:\n" << yaml;
    } catch (const LayerSpecError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(Path("layer.yaml") + ":" + pos_key + ": ", 0), 0u) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_NE(msg.find("; accepted: "), std::string::npos) << msg;
      for (std::string p : parts) {
        if (!p.empty() && p[0] == '/') p = dir_.string() + p;
        EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
      }
    }
  }

  static std::string Fc(const std::string& extra = "", const std::string& quant =
                                                           "output_multiplier: 1073741824\n"
                                                           "output_shift: -3\n") {
    return "op: fully_connected\ninput: x.npy\nweights: w.npy\n" + quant + extra;
  }

  fs::path dir_;
};

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
// Bad input: every case names the position, the key and (for tensors) the file.

TEST_F(LayerSpecTest, BadWrongDtype) {
  Int32("w32.npy", {4, 3});
  ExpectError(
      "op: fully_connected\ninput: x.npy\nweights: w32.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights", {"/w32.npy: dtype int32 (<i4), expected int8 (|i1)"});
}

TEST_F(LayerSpecTest, BadBiasDtypeAndUint8Input) {
  ExpectError(Fc("bias: w.npy\n"), "6:7: bias", {"/w.npy: dtype int8 (|i1), expected int32 (<i4)"});
  salsa::WriteNpy(Path("u.npy"), NpyArray::FromUint8({2, 3}, {1, 2, 3, 4, 5, 6}));
  ExpectError(
      "op: fully_connected\ninput: u.npy\nweights: w.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "2:8: input", {"/u.npy: dtype uint8 (|u1), expected int8 (|i1)"});
}

TEST_F(LayerSpecTest, BadFortranOrder) {
  std::string h = "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }";
  h += std::string(117 - h.size(), ' ') + "\n";
  std::vector<uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0};
  f.insert(f.end(), h.begin(), h.end());
  f.insert(f.end(), 6, 0);
  Raw("xf.npy", f);
  ExpectError(
      "op: fully_connected\ninput: xf.npy\nweights: w.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "2:8: input", {"/xf.npy: Fortran order (fortran_order: True) for shape (2, 3)"});
}

TEST_F(LayerSpecTest, BadTruncatedData) {
  std::vector<uint8_t> f = salsa::SerializeNpy(NpyArray::FromInt8({4, 3}, std::vector<int8_t>(12)));
  f.resize(f.size() - 5);
  Raw("wt.npy", f);
  ExpectError(
      "op: fully_connected\ninput: x.npy\nweights: wt.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights",
      {"/wt.npy: truncated data: shape (4, 3) of int8 needs 12 data bytes, the file has 7"});
}

TEST_F(LayerSpecTest, BadMissingFiles) {
  ExpectError(Fc("bias: nothere.npy\n"), "6:7: bias", {"/nothere.npy: cannot open: no such file"});
  try {
    salsa::LoadLayerSpec(Path("absent.yaml"));
    ADD_FAILURE();
  } catch (const LayerSpecError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(Path("absent.yaml") + ":1:1: (file): cannot read: ", 0),
              0u)
        << e.what();
  }
}

TEST_F(LayerSpecTest, BadRank) {
  Int8("x3.npy", {1, 2, 3});
  ExpectError(
      "op: fully_connected\ninput: x3.npy\nweights: w.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "2:8: input", {"/x3.npy: rank 3 (shape (1, 2, 3)), expected rank 2", "[batch, K]"});
  ExpectError(
      "op: conv2d\ninput: x.npy\nweights: filt.npy\npadding: same\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "2:8: input", {"/x.npy: rank 2 (shape (2, 3)), expected rank 4", "NHWC"});
}

TEST_F(LayerSpecTest, BadMismatchedK) {
  Int8("w5.npy", {4, 5});
  ExpectError(
      "op: fully_connected\ninput: x.npy\nweights: w5.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights",
      {"/w5.npy: K = 5 (shape (4, 5)) does not match the input's K = 3 (", "/x.npy shape (2, 3))"});
  Int8("kb3.npy", {2, 3, 5});
  ExpectError("op: matmul\na: qa.npy\nb: kb3.npy\noutput_multiplier: 1\noutput_shift: 0\n",
              "3:4: b", {"/kb3.npy: K = 3 (shape (2, 3, 5)) does not match a's K = 4"});
}

TEST_F(LayerSpecTest, BadShapesForTheOp) {
  Int32("b5.npy", {5});
  ExpectError(Fc("bias: b5.npy\n"), "6:7: bias",
              {"/b5.npy: shape (5,), but the weights have N = 4 output channels"});
  Int8("filt3.npy", {3, 3, 3, 3});
  ExpectError(
      "op: conv2d\ninput: img.npy\nweights: filt3.npy\npadding: same\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights", {"/filt3.npy: C = 3 (shape (3, 3, 3, 3)) does not match the input's C = 2"});
  Int8("dw2.npy", {2, 3, 3, 4});
  ExpectError(
      "op: depthwise_conv2d\ninput: img.npy\nweights: dw2.npy\npadding: same\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights", {"/dw2.npy: shape (2, 3, 3, 4): the first dimension must be 1"});
  Int8("dw5.npy", {1, 3, 3, 5});
  ExpectError(
      "op: depthwise_conv2d\ninput: img.npy\nweights: dw5.npy\npadding: same\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "3:10: weights", {"/dw5.npy: channels = 5", "is not a multiple of the input's C = 2"});
  ExpectError(
      "op: depthwise_conv2d\ninput: img.npy\nweights: dw.npy\npadding: same\n"
      "depth_multiplier: 3\noutput_multiplier: 1\noutput_shift: 0\n",
      "5:19: depth_multiplier", {"depth_multiplier 3 does not match", "/dw.npy has 4 channels"});
  Int8("kb4.npy", {3, 4, 5});
  ExpectError("op: matmul\na: qa.npy\nb: kb4.npy\noutput_multiplier: 1\noutput_shift: 0\n",
              "3:4: b", {"/kb4.npy: batch dimensions of shape (3, 4, 5) differ from a's"});
  Int8("empty.npy", {0, 3});
  ExpectError(
      "op: fully_connected\ninput: empty.npy\nweights: w.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "2:8: input", {"/empty.npy: empty tensor: shape (0, 3)"});
}

TEST_F(LayerSpecTest, BadValidKernelLargerThanInput) {
  ExpectError(
      "op: conv2d\ninput: img.npy\nweights: filt.npy\npadding: valid\ndilation: 3\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "4:10: padding", {"(dilated) 7x7 kernel of", "/filt.npy", "the output would be empty"});
}

TEST_F(LayerSpecTest, BadScales) {
  const std::string base = "op: fully_connected\ninput: x.npy\nweights: w.npy\n";
  ExpectError(base + "input_scale: 0\nweight_scale: 0.1\noutput_scale: 0.1\n", "4:14: input_scale",
              {"scale '0' is not > 0"});
  ExpectError(base + "input_scale: 0.1\nweight_scale: [0.1, -0.2, 0.1, 0.1]\noutput_scale: 0.1\n",
              "5:21: weight_scale", {"scale '-0.2' is not > 0"});
  ExpectError(base + "input_scale: 0.1\nweight_scale: 0.1\noutput_scale: .nan\n",
              "6:15: output_scale", {"is not finite"});
  ExpectError(base + "input_scale: 0.1\nweight_scale: 0.1\noutput_scale: 1e-50\n",
              "6:15: output_scale", {"not representable as a positive float32"});
  ExpectError(base + "input_scale: 0.1\nweight_scale: [0.1, 0.2]\noutput_scale: 0.1\n",
              "5:15: weight_scale", {"list of 2 values for 4 output channels"});
  ExpectError(base + "input_scale: 0.1\nweight_scale: 0.1\n", "1:1: output_scale",
              {"missing required key"});
  ExpectError(base + "input_scale: big\nweight_scale: 0.1\noutput_scale: 0.1\n",
              "4:14: input_scale", {"wrong type: expected a number, got 'big'"});
}

TEST_F(LayerSpecTest, BadWeightsZeroPoint) {
  ExpectError(Fc("weights_zero_point: -1\n"), "6:21: weights_zero_point",
              {"weights zero point -1 is not 0: salsa requires symmetric int8 weights"});
  ExpectError(Fc("weights_zero_point: [0, 0, 3, 0]\n"), "6:21: weights_zero_point",
              {"weights zero point 3 is not 0"});
}

TEST_F(LayerSpecTest, BadKeysAndTypes) {
  ExpectError(Fc("stride: 2\n"), "6:1: stride", {"unknown key 'stride' for op fully_connected"});
  ExpectError(Fc("input_zero_pint: 3\n"), "6:1: input_zero_pint",
              {"did you mean 'input_zero_point'?"});
  ExpectError(
      "op: matmul\na: qa.npy\nb: kb.npy\nbias: b.npy\noutput_multiplier: 1\n"
      "output_shift: 0\n",
      "4:1: bias", {"unknown key 'bias' for op matmul"});
  ExpectError(Fc("input_zero_point: '3'\n"), "6:19: input_zero_point",
              {"wrong type: expected an integer, got the string '3'"});
  ExpectError(Fc("input_zero_point: 1.5\n"), "6:19: input_zero_point", {"not an integer: '1.5'"});
  ExpectError(Fc("input_zero_point: [1]\n"), "6:19: input_zero_point",
              {"wrong type: expected an integer, got a sequence"});
  ExpectError(Fc("output_zero_point: 128\n"), "6:20: output_zero_point",
              {"value '128' is out of range", "-128..127"});
  ExpectError(Fc("input: x.npy\n"), "6:1: input", {"duplicate key (first given at 2:1)"});
  ExpectError("input: x.npy\n", "1:1: op", {"missing required key"});
  ExpectError("op: conv3d\n", "1:5: op", {"unknown op 'conv3d'"});
  ExpectError("- op\n", "1:1: (document)", {"top level is a sequence, not a map"});
  ExpectError("op: [fully_connected\n", "2:1: (document)", {"YAML syntax error"});
  ExpectError("op: fully_connected\ninput:\nweights: w.npy\n", "2:1: input", {"missing value"});
}

TEST_F(LayerSpecTest, BadConvParams) {
  const std::string base =
      "op: conv2d\ninput: img.npy\nweights: filt.npy\n"
      "output_multiplier: 1\noutput_shift: 0\n";
  ExpectError(base + "padding: full\n", "6:10: padding", {"unknown padding 'full'", "same, valid"});
  ExpectError(base, "1:1: padding", {"missing required key"});
  ExpectError(base + "padding: same\nstride: 0\n", "7:9: stride", {"value '0' is out of range"});
  ExpectError(base + "padding: same\nstride: [1, 2, 3]\n", "7:9: stride", {"list of 3 values"});
  ExpectError(base + "padding: same\ndilation: [1, two]\n", "7:15: dilation",
              {"wrong type: expected an integer, got 'two'"});
}

TEST_F(LayerSpecTest, BadQuantisationCombinations) {
  const std::string base = "op: fully_connected\ninput: x.npy\nweights: w.npy\n";
  ExpectError(base, "1:1: (document)", {"missing quantisation"});
  ExpectError(base + "output_multiplier: 1\noutput_shift: 0\ninput_scale: 0.1\n",
              "6:1: input_scale",
              {"quantisation given both as output_multiplier/output_shift and as scales"});
  ExpectError(base + "output_multiplier: 1\n", "1:1: output_shift", {"missing required key"});
  ExpectError(base + "output_multiplier: [1, 2, 3]\noutput_shift: [0, 0, 0]\n",
              "4:20: output_multiplier", {"list of 3 values for 4 output channels"});
  ExpectError(base + "output_multiplier: [1, 2, 3, 4]\noutput_shift: 0\n", "5:15: output_shift",
              {"output_shift has 1 entries, output_multiplier 4"});
  ExpectError(base + "output_multiplier: -1\noutput_shift: 0\n", "4:20: output_multiplier",
              {"value '-1' is out of range"});
  ExpectError(base + "output_multiplier: 1\noutput_shift: 32\n", "5:15: output_shift",
              {"value '32' is out of range", "-31..31"});
  ExpectError(base + "output_multiplier: 1\noutput_shift: 0\nact_min: 10\nact_max: 5\n",
              "7:10: act_max", {"act_min 10 > act_max 5"});
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
              {"/none.npy: cannot open: no such file"});
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
