// Layer files: the bad inputs, each asserting the position, the key, the .npy file named and the
// reason (accepted files: layer_spec_test.cpp).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "layer_spec_fixture.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace {

using salsa_test::LayerOp;
using salsa_test::LayerSpec;
using salsa_test::LayerSpecError;
using salsa_test::LayerSpecTest;
using salsa_test::NpyArray;

// A layer file: `op` on `input` and `weights`, the lines `extra`, and requantisation by 1.
std::string Layer(const std::string& op, const std::string& input, const std::string& weights,
                  const std::string& extra = "") {
  return "op: " + op + "\ninput: " + input + "\nweights: " + weights + "\n" + extra +
         "output_multiplier: 1\noutput_shift: 0\n";
}

// ---------------------------------------------------------------------------------------------
// Bad input: every case names the position, the key and (for tensors) the file.

TEST_F(LayerSpecTest, BadWrongDtype) {
  Int32("w32.npy", {4, 3});
  ExpectError(Layer("fully_connected", "x.npy", "w32.npy"), "3:10: weights",
              {"/w32.npy: dtype int32 (<i4), expected int8 (|i1)"});
}

TEST_F(LayerSpecTest, BadBiasDtypeAndUint8Input) {
  ExpectError(Fc("bias: w.npy\n"), "6:7: bias", {"/w.npy: dtype int8 (|i1), expected int32 (<i4)"});
  salsa::WriteNpy(Path("u.npy"), NpyArray::FromUint8({2, 3}, {1, 2, 3, 4, 5, 6}));
  ExpectError(Layer("fully_connected", "u.npy", "w.npy"), "2:8: input",
              {"/u.npy: dtype uint8 (|u1), expected int8 (|i1)"});
}

TEST_F(LayerSpecTest, BadFortranOrder) {
  std::string h = "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }";
  h += std::string(117 - h.size(), ' ') + "\n";
  std::vector<uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0};
  f.insert(f.end(), h.begin(), h.end());
  f.insert(f.end(), 6, 0);
  Raw("xf.npy", f);
  ExpectError(Layer("fully_connected", "xf.npy", "w.npy"), "2:8: input",
              {"/xf.npy: Fortran order (fortran_order: True) for shape (2, 3)"});
}

TEST_F(LayerSpecTest, BadTruncatedData) {
  std::vector<uint8_t> f = salsa::SerializeNpy(NpyArray::FromInt8({4, 3}, std::vector<int8_t>(12)));
  f.resize(f.size() - 5);
  Raw("wt.npy", f);
  ExpectError(
      Layer("fully_connected", "x.npy", "wt.npy"), "3:10: weights",
      {"/wt.npy: truncated data: shape (4, 3) of int8 needs 12 data bytes, the file has 7"});
}

TEST_F(LayerSpecTest, BadMissingFiles) {
  ExpectError(Fc("bias: nothere.npy\n"), "6:7: bias",
              {"/nothere.npy: cannot open: No such file or directory"});
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
  ExpectError(Layer("fully_connected", "x3.npy", "w.npy"), "2:8: input",
              {"/x3.npy: rank 3 (shape (1, 2, 3)), expected rank 2", "[batch, K]"});
  ExpectError(Layer("conv2d", "x.npy", "filt.npy", "padding: same\n"), "2:8: input",
              {"/x.npy: rank 2 (shape (2, 3)), expected rank 4", "NHWC"});
}

TEST_F(LayerSpecTest, BadMismatchedK) {
  Int8("w5.npy", {4, 5});
  ExpectError(
      Layer("fully_connected", "x.npy", "w5.npy"), "3:10: weights",
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
  ExpectError(Layer("conv2d", "img.npy", "filt3.npy", "padding: same\n"), "3:10: weights",
              {"/filt3.npy: C = 3 (shape (3, 3, 3, 3)) does not match the input's C = 2"});
  Int8("dw2.npy", {2, 3, 3, 4});
  ExpectError(Layer("depthwise_conv2d", "img.npy", "dw2.npy", "padding: same\n"), "3:10: weights",
              {"/dw2.npy: shape (2, 3, 3, 4): the first dimension must be 1"});
  Int8("dw5.npy", {1, 3, 3, 5});
  ExpectError(Layer("depthwise_conv2d", "img.npy", "dw5.npy", "padding: same\n"), "3:10: weights",
              {"/dw5.npy: channels = 5", "is not a multiple of the input's C = 2"});
  ExpectError(
      "op: depthwise_conv2d\ninput: img.npy\nweights: dw.npy\npadding: same\n"
      "depth_multiplier: 3\noutput_multiplier: 1\noutput_shift: 0\n",
      "5:19: depth_multiplier", {"depth_multiplier 3 does not match", "/dw.npy has 4 channels"});
  Int8("kb4.npy", {3, 4, 5});
  ExpectError("op: matmul\na: qa.npy\nb: kb4.npy\noutput_multiplier: 1\noutput_shift: 0\n",
              "3:4: b", {"/kb4.npy: batch dimensions of shape (3, 4, 5) differ from a's"});
  Int8("empty.npy", {0, 3});
  ExpectError(Layer("fully_connected", "empty.npy", "w.npy"), "2:8: input",
              {"/empty.npy: empty tensor: shape (0, 3)"});
}

TEST_F(LayerSpecTest, BadValidKernelLargerThanInput) {
  ExpectError(Layer("conv2d", "img.npy", "filt.npy", "padding: valid\ndilation: 3\n"),
              "4:10: padding",
              {"(dilated) 7x7 kernel of", "/filt.npy", "the output would be empty"});
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
  const std::string base = Layer("conv2d", "img.npy", "filt.npy");
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

}  // namespace

// ---------------------------------------------------------------------------------------------
// Low precision (issue 14): dtype, output_dtype, output_scale, saturate, weights_dtype.

namespace {

class LayerSpecLowpErrorsTest : public LayerSpecTest {
 protected:
  void SetUp() override {
    LayerSpecTest::SetUp();
    salsa::WriteNpy(Path("fx.npy"), NpyArray::FromUint8({2, 3}, std::vector<uint8_t>(6, 0x38)));
    salsa::WriteNpy(Path("fw.npy"), NpyArray::FromUint8({4, 3}, std::vector<uint8_t>(12, 0x40)));
    salsa::WriteNpy(Path("fb3.npy"), NpyArray::FromFloat32Bits({3}, {0, 0, 0}));
  }
  static std::string Fp8(const std::string& extra = "") {
    return "op: fully_connected\ndtype: fp8_e4m3\ninput: fx.npy\nweights: fw.npy\n" + extra;
  }
  static std::string Int4(const std::string& weights, const std::string& extra = "") {
    return "op: fully_connected\ninput: x.npy\nweights: " + weights + "\nweights_dtype: int4\n" +
           extra + "output_multiplier: 1\noutput_shift: 0\n";
  }
};

TEST_F(LayerSpecLowpErrorsTest, BadDtype) {
  ExpectError("op: fully_connected\ndtype: fp16\ninput: fx.npy\nweights: fw.npy\n", "2:8: dtype",
              {"unknown dtype 'fp16'", "accepted: int8, fp8_e4m3, fp8_e5m2"});
  // FP8 convolutions take uint8 codes, a float32 bias and no int8 quantisation keys.
  ExpectError("op: conv2d\ndtype: fp8_e4m3\ninput: img.npy\nweights: filt.npy\npadding: same\n",
              "3:8: input", {"/img.npy: dtype int8 (|i1), expected uint8 (|u1)"});
  salsa::WriteNpy(Path("fimg.npy"), NpyArray::FromUint8({1, 5, 5, 2}, std::vector<uint8_t>(50)));
  salsa::WriteNpy(Path("fdw.npy"), NpyArray::FromUint8({1, 3, 3, 4}, std::vector<uint8_t>(36)));
  ExpectError(
      "op: depthwise_conv2d\ndtype: fp8_e5m2\ninput: fimg.npy\nweights: fdw.npy\n"
      "padding: valid\nbias: cb.npy\n",
      "6:7: bias", {"/cb.npy: dtype int32 (<i4), expected float32 (<f4)"});
  ExpectError(
      "op: depthwise_conv2d\ndtype: fp8_e5m2\ninput: fimg.npy\nweights: fdw.npy\n"
      "padding: valid\nbias: fb3.npy\n",
      "6:7: bias", {"/fb3.npy: shape (3,), but the weights have 4 output channels"});
  ExpectError(
      "op: depthwise_conv2d\ndtype: fp8_e5m2\ninput: fimg.npy\nweights: fdw.npy\n"
      "padding: valid\nact_min: 0\n",
      "6:1: act_min",
      {"act_min is for int8 layers, but dtype is fp8_e5m2",
       "accepted: op, name, dtype, input, weights, bias, stride, padding, dilation, "
       "depth_multiplier, output_dtype, output_scale, saturate"});
}

TEST_F(LayerSpecLowpErrorsTest, BadFp8KeysOnInt8Layers) {
  ExpectError(Fc("output_dtype: float32\n"), "6:1: output_dtype",
              {"output_dtype is for FP8 layers, but dtype is int8 (the default)",
               "accepted: output_dtype and saturate with dtype: fp8_e4m3 or fp8_e5m2"});
  ExpectError("dtype: int8\n" + Fc("saturate: true\n"), "7:1: saturate",
              {"saturate is for FP8 layers, but dtype is int8;"});
}

TEST_F(LayerSpecLowpErrorsTest, BadInt8KeysOnFp8Layers) {
  ExpectError(Fp8("input_zero_point: 3\n"), "5:1: input_zero_point",
              {"input_zero_point is for int8 layers, but dtype is fp8_e4m3",
               "accepted: op, name, dtype, input, weights, bias, output_dtype, output_scale, "
               "saturate"});
  ExpectError(Fp8("output_multiplier: 1\n"), "5:1: output_multiplier", {"is for int8 layers"});
  ExpectError(Fp8("weights_dtype: int4\n"), "5:1: weights_dtype", {"is for int8 layers"});
  ExpectError(Fp8("stride: 1\n"), "5:1: stride", {"unknown key 'stride'"});
}

TEST_F(LayerSpecLowpErrorsTest, BadFp8Tensors) {
  ExpectError("op: fully_connected\ndtype: fp8_e4m3\ninput: x.npy\nweights: fw.npy\n", "3:8: input",
              {"/x.npy: dtype int8 (|i1), expected uint8 (|u1)"});
  ExpectError(Fp8("bias: b.npy\n"), "5:7: bias",
              {"/b.npy: dtype int32 (<i4), expected float32 (<f4)"});
  ExpectError(Fp8("bias: fb3.npy\n"), "5:7: bias",
              {"/fb3.npy: shape (3,), but the weights have 4 output channels"});
  ExpectError("op: matmul\ndtype: fp8_e5m2\na: qa.npy\nb: kb.npy\n", "3:4: a",
              {"/qa.npy: dtype int8 (|i1), expected uint8 (|u1)"});
}

TEST_F(LayerSpecLowpErrorsTest, BadFp8OutputKeys) {
  ExpectError(Fp8("output_dtype: int8\n"), "5:15: output_dtype",
              {"unknown output_dtype 'int8'", "accepted: float32, bfloat16, fp8_e4m3, fp8_e5m2"});
  ExpectError(Fp8("output_scale: .inf\n"), "5:15: output_scale", {"'.inf' is not finite"});
  ExpectError(Fp8("output_scale: 1e39\n"), "5:15: output_scale",
              {"'1e39' is not a finite float32"});
  ExpectError(Fp8("output_scale: big\n"), "5:15: output_scale",
              {"wrong type: expected a number, got 'big'"});
  ExpectError(Fp8("saturate: maybe\n"), "5:11: saturate",
              {"wrong type: expected a bool", "accepted: true, false"});
}

TEST_F(LayerSpecLowpErrorsTest, BadInt4Weights) {
  ExpectError(Fc("weights_dtype: int2\n"), "6:16: weights_dtype",
              {"unknown weights_dtype 'int2'", "accepted: int8, int4"});
  // K = 3 packs into 2 bytes per row, w.npy has 3.
  ExpectError(Int4("w.npy"), "3:10: weights",
              {"/w.npy: shape (4, 3) is not [N, ceil(K/2)] = [N, 2] for the input's K = 3"});
  // Odd K: the last high nibble is padding and must be 0.
  salsa::WriteNpy(Path("w4bad.npy"), NpyArray::FromInt8({2, 2}, {0x12, 0x01, 0x34, 0x21}));
  ExpectError(Int4("w4bad.npy"), "3:10: weights",
              {"/w4bad.npy: element (1, 1) = 33 has a nonzero high nibble beyond K = 3",
               "accepted: for odd K, the last byte of every row with high nibble 0"});
  salsa::WriteNpy(Path("w4u.npy"), NpyArray::FromUint8({2, 2}, {0, 0, 0, 0}));
  ExpectError(Int4("w4u.npy"), "3:10: weights",
              {"/w4u.npy: dtype uint8 (|u1), expected int8 (|i1)"});
  salsa::WriteNpy(Path("w4.npy"), NpyArray::FromInt8({2, 2}, {0, 0, 0, 0}));
  ExpectError(Int4("w4.npy", "weights_format: 2of4\n"), "4:16: weights_dtype",
              {"weights_dtype int4 with weights_format '2of4'"});
  ExpectError(
      "op: matmul\na: qa.npy\nb: kb.npy\nweights_dtype: int4\n"
      "output_multiplier: 1\noutput_shift: 0\n",
      "4:1: weights_dtype", {"unknown key 'weights_dtype' for op matmul"});
}

// Small tensors that declare a huge output (docs/reliability.md): over kMaxLayerOutputElements
// (2^26) the file is refused at the tensor that completes the output's shape, before anything of
// the output's size is allocated; at the cap it loads.
TEST_F(LayerSpecTest, BadOutputOverTheCap) {
  const std::string cap = "accepted: layers of at most 67108864 (2^26) output elements";
  Int8("x8192.npy", {8192, 1});
  Int8("x8193.npy", {8193, 1});
  EXPECT_EQ(Load(Layer("fully_connected", "x8192.npy", "x8192.npy")).output_shape,
            (std::vector<int64_t>{8192, 8192}));
  ExpectError(Layer("fully_connected", "x8193.npy", "x8192.npy"), "3:10: weights",
              {"/x8192.npy: the output (8193, 8192) would have 67117056 elements", cap});
  // conv2d and depthwise_conv2d: 1x1 kernels with 2^20 output channels on a 9x8 image.
  Int8("img98.npy", {1, 9, 8, 1});
  Int8("wide.npy", {1 << 20, 1, 1, 1});
  ExpectError(Layer("conv2d", "img98.npy", "wide.npy", "padding: same\n"), "3:10: weights",
              {"/wide.npy: the output (1, 9, 8, 1048576) would have 75497472 elements", cap});
  Int8("dwide.npy", {1, 1, 1, 1 << 20});
  ExpectError(Layer("depthwise_conv2d", "img98.npy", "dwide.npy", "padding: valid\n"),
              "3:10: weights",
              {"/dwide.npy: the output (1, 9, 8, 1048576) would have 75497472 elements", cap});
  // matmul: the batch dimensions count too.
  Int8("ma.npy", {2, 4096, 1});
  Int8("mb.npy", {2, 1, 8193});
  ExpectError("op: matmul\na: ma.npy\nb: mb.npy\noutput_multiplier: 1\noutput_shift: 0\n", "3:4: b",
              {"/mb.npy: the output (2, 4096, 8193) would have 67117056 elements", cap});
  // A spec built in memory: LayerOutputShape refuses it the same way.
  LayerSpec s;
  s.input = salsa::Int8Tensor{{8193, 1}, std::vector<int8_t>(8193)};
  s.weights = salsa::Int8Tensor{{8192, 1}, std::vector<int8_t>(8192)};
  s.quant.output_multiplier = {1};
  s.quant.output_shift = {0};
  try {
    salsa::LayerOutputShape(s);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("the output (8193, 8192) would have 67117056 elements, "
                                         "more than 67108864 (2^26)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
