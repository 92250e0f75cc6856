// Layers from user tensors: a YAML layer file naming .npy tensors (docs/layers.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/hw_contract.h"
#include "salsa/npy.h"
#include "salsa/reference.h"

namespace salsa {

// Any invalid layer file or tensor. what() is one line:
//   "<file>:<line>:<col>: <key>: <problem>; accepted: <what is accepted>"
// where a tensor problem names the .npy file in <problem>.
class LayerSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LayerOp { kFullyConnected, kConv2d, kDepthwiseConv2d, kMatmul };
const char* LayerOpName(LayerOp op);  // "fully_connected", "conv2d", ...

enum class Padding { kValid, kSame };

// The element type of a layer's input and weights (the `dtype` key). FP8 layers hold raw OCP
// FP8 codes.
enum class LayerDtype { kInt8, kFp8E4M3, kFp8E5M2 };
const char* LayerDtypeName(LayerDtype d);  // "int8", "fp8_e4m3", "fp8_e5m2"
inline bool IsFp8(LayerDtype d) { return d != LayerDtype::kInt8; }
// The output element type of a layer: contract::kOutInt8 for int8 layers, else the
// `output_dtype` key's: "float32" (kOutFp32), "bfloat16", "fp8_e4m3", "fp8_e5m2".
const char* OutputDtypeName(contract::OutFmt f);  // "int8", "float32", "bfloat16", ...
// The .npy dtype of an output of `f`: "i1" (int8), "f4" (float32), "u2" (bf16 codes), "u1" (FP8).
const char* OutputNpyDtype(contract::OutFmt f);

// How a fully_connected layer file stores its weights: dense [N, K], or 2:4 compressed
// ([N, ceil(K/4)*2] values plus a weights_meta file of positions; docs/layers.md).
enum class WeightsFormat { kDense, k2of4 };

struct ConvParams {
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Padding padding = Padding::kValid;
};

struct Int8Tensor {
  std::vector<int64_t> shape;  // C order
  std::vector<int8_t> data;
};

// Geometry of a conv2d / depthwise_conv2d, padding exactly as TFLite computes it
// (ComputePaddingHeightWidth): the total padding is split with the odd pixel at the bottom/right.
struct ConvGeometry {
  int64_t batch = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t k_h = 0, k_w = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;
  int64_t pad_top = 0, pad_left = 0;
  int64_t depth_multiplier = 1;  // depthwise: out_c = in_c * depth_multiplier
};
// input NHWC; filter OHWI (conv2d) or [1, H, W, C * depth_multiplier] (depthwise). Throws
// std::invalid_argument for inconsistent shapes, parameters < 1 or an empty output.
ConvGeometry GetConvGeometry(const std::vector<int64_t>& input_shape,
                             const std::vector<int64_t>& filter_shape, const ConvParams& params,
                             bool depthwise);

// Output elements that are FP32 / bf16 / FP8 bit patterns, each widened to 32 bits.
struct FpTensor {
  std::vector<int64_t> shape;  // C order
  std::vector<uint32_t> data;
};

// A validated layer. Tensors are in TFLite layouts:
//   fully_connected   input [batch, K]            weights [N, K]             bias [N]
//   conv2d            input [batch, H, W, C]      weights [O, KH, KW, C]     bias [O]
//   depthwise_conv2d  input [batch, H, W, C]      weights [1, KH, KW, C*m]   bias [C*m]
//   matmul            input = a [.., M, K]        weights = b [.., K, N]     (no bias; FP8: [N])
//
// FP8 layers (dtype fp8_e4m3 / fp8_e5m2): `input` and `weights` hold the raw codes (uint8 bytes
// stored as int8), `bias_fp32` the optional float32 bias (bit patterns, one per output channel),
// and out_fmt, out_scale and saturate the output conversion (docs/layers.md); `bias` and `quant`
// are unused.
struct LayerSpec {
  std::string path;  // the layer file ("" for a spec built in memory)
  std::string name;  // the `name` key, or the file's stem
  LayerOp op = LayerOp::kFullyConnected;
  Int8Tensor input;
  Int8Tensor weights;
  std::vector<int32_t> bias;                        // empty: no bias
  std::string input_file, weights_file, bias_file;  // resolved .npy paths (for messages)
  // fully_connected: the file's weights_format. `weights` always holds the dense [N, K] tensor
  // (2of4 files are decompressed at load time, zeros elsewhere).
  WeightsFormat weights_format = WeightsFormat::kDense;
  std::string weights_meta_file;  // 2of4: the resolved weights_meta .npy
  LayerDtype dtype = LayerDtype::kInt8;
  // fully_connected with `weights_dtype: int4` (int8 layers only): the file holds TFLite-packed
  // int4 weights [N, ceil(K/2)]; `weights` holds the unpacked [N, K] values, each in -8..7.
  bool weights_int4 = false;
  std::vector<uint32_t> bias_fp32;                // FP8: [N] float32 bits, or empty (+0.0)
  contract::OutFmt out_fmt = contract::kOutInt8;  // FP8: kOutFp32 (default) .. kOutFp8E5M2
  uint32_t out_scale = 0x3F800000;                // FP8: float32 bits of output_scale (1.0)
  bool saturate = false;                          // FP8 outputs other than float32
  ConvParams conv;                                // conv2d / depthwise_conv2d only
  int depth_multiplier = 1;                       // depthwise_conv2d only
  // Resolved requantisation: output_multiplier/output_shift have 1 entry (per-tensor) or one per
  // output channel (N, O or C*m); weights_zero_point is always 0.
  ref::FcQuant quant;
  std::vector<int64_t> output_shape;  // int8 output: LoadLayerSpec fills it (else LayerOutputShape)
};

// The most output elements a layer may have (docs/reliability.md): small tensors can declare a
// huge output (fully_connected [M, 1] x [N, 1] has M*N), which the reference and the driver would
// allocate; 2^26 is above every real layer salsa runs (2048 tokens x a 32000-word vocabulary).
inline constexpr int64_t kMaxLayerOutputElements = int64_t{1} << 26;

// Reads a layer file and its tensors (paths relative to the layer file). Throws LayerSpecError for
// anything invalid: unknown keys, wrong types, bad values, unreadable or malformed .npy files,
// wrong dtype, rank or shape for the op, mismatched sizes, more than kMaxLayerOutputElements
// outputs, scales <= 0, a nonzero weights zero point.
LayerSpec LoadLayerSpec(const std::string& path);
// The same on the text of a layer file: `path` names it in messages, and its directory is where the
// tensors' relative paths start. LoadLayerSpec reads at most 1 MiB of a regular file (a directory,
// device, FIFO or larger file is a LayerSpecError) and calls this.
LayerSpec ParseLayerSpec(const std::string& text, const std::string& path);

// The output shape of `spec` (checks the shapes, parameters, the output's size against
// kMaxLayerOutputElements and the quantisation vector sizes; throws std::invalid_argument with a
// one-line message). Used for specs built in memory.
std::vector<int64_t> LayerOutputShape(const LayerSpec& spec);

// Number of output channels: N (fully_connected, matmul), O (conv2d), C*m (depthwise_conv2d).
int64_t OutputChannels(const LayerSpec& spec);

// The real-scale path: the multiplier and shift TFLite derives from float scales for `op`.
// fully_connected / matmul with one weight scale: double(float(s_in * s_w)) / double(s_out)
// (TFLite's GetQuantizedConvolutionMultipler); per-channel weight scales, and conv2d /
// depthwise_conv2d always: double(s_in) * double(s_w[c]) / double(s_out)
// (PopulateConvolutionQuantizationParams). Scales are float32 as TFLite stores them. Returns one
// entry per weight scale.
void ScalesToMultipliers(LayerOp op, float input_scale, const std::vector<float>& weight_scales,
                         float output_scale, std::vector<int32_t>* multipliers,
                         std::vector<int32_t>* shifts);

// An expected output for `spec` from an .npy file (--expected): int8 with exactly the output shape.
// Throws NpyError (the file) or LayerSpecError (dtype or shape: names the file).
Int8Tensor LoadExpectedOutput(const std::string& npy_path, const std::vector<int64_t>& shape);
// The same for an FP8 layer's output of `fmt` (float32, uint16 bf16 codes or uint8 FP8 codes),
// elements widened to 32 bits.
FpTensor LoadExpectedOutputFp(const std::string& npy_path, const std::vector<int64_t>& shape,
                              contract::OutFmt fmt);
// An FP8 layer's output as the .npy array of its dtype (OutputNpyDtype(fmt)).
NpyArray FpOutputToNpy(const FpTensor& y, contract::OutFmt fmt);

// "(2, 3)" as NumPy prints a shape.
std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace salsa
