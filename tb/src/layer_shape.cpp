// Layer shapes without a file: conv geometry as TFLite computes it, output channels and shape of
// a LayerSpec, and real scales to TFLite multipliers.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "layer_file.h"
#include "salsa/npy.h"
#include "salsa/quant.h"

namespace salsa {
namespace layer_file {

// Output size along one axis as TFLite's ComputeOutSize; <= 0 means empty.
int64_t OutSize(Padding padding, int64_t in, int64_t k, int64_t stride, int64_t dilation) {
  const int64_t eff = (k - 1) * dilation + 1;
  return padding == Padding::kSame ? (in + stride - 1) / stride : (in + stride - eff) / stride;
}

// TFLite's ComputePadding: the leading (top/left) padding; the odd pixel goes to the end.
int64_t PadBefore(int64_t in, int64_t k, int64_t stride, int64_t dilation, int64_t out) {
  const int64_t eff = (k - 1) * dilation + 1;
  const int64_t total = (out - 1) * stride + eff - in;
  return total > 0 ? total / 2 : 0;
}

std::string OutputElementsText(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d > 0 && n > std::numeric_limits<int64_t>::max() / d) return "2^63 or more";
    n *= std::max<int64_t>(d, 0);
  }
  return n > kMaxLayerOutputElements ? std::to_string(n) : "";
}

}  // namespace layer_file

namespace {

using layer_file::OutSize;
using layer_file::PadBefore;

[[noreturn]] void Invalid(const std::string& what) {
  throw std::invalid_argument("LayerSpec: " + what);
}

}  // namespace

const char* LayerOpName(LayerOp op) {
  switch (op) {
    case LayerOp::kFullyConnected:
      return "fully_connected";
    case LayerOp::kConv2d:
      return "conv2d";
    case LayerOp::kDepthwiseConv2d:
      return "depthwise_conv2d";
    case LayerOp::kMatmul:
      return "matmul";
  }
  return "?";
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  NpyArray a;
  a.shape = shape;
  return a.ShapeString();
}

ConvGeometry GetConvGeometry(const std::vector<int64_t>& input_shape,
                             const std::vector<int64_t>& filter_shape, const ConvParams& p,
                             bool depthwise) {
  if (input_shape.size() != 4 || filter_shape.size() != 4) {
    Invalid("conv input and filter must have rank 4, got " + ShapeString(input_shape) + " and " +
            ShapeString(filter_shape));
  }
  for (int64_t d : input_shape) {
    if (d < 1) Invalid("empty conv input " + ShapeString(input_shape));
  }
  for (int64_t d : filter_shape) {
    if (d < 1) Invalid("empty conv filter " + ShapeString(filter_shape));
  }
  if (p.stride_h < 1 || p.stride_w < 1 || p.dilation_h < 1 || p.dilation_w < 1) {
    Invalid("stride and dilation must be >= 1");
  }
  ConvGeometry g;
  g.batch = input_shape[0];
  g.in_h = input_shape[1];
  g.in_w = input_shape[2];
  g.in_c = input_shape[3];
  g.k_h = filter_shape[1];
  g.k_w = filter_shape[2];
  if (depthwise) {
    if (filter_shape[0] != 1 || filter_shape[3] % g.in_c != 0) {
      Invalid("depthwise filter " + ShapeString(filter_shape) +
              " is not [1, KH, KW, C*m] for C = " + std::to_string(g.in_c));
    }
    g.out_c = filter_shape[3];
    g.depth_multiplier = g.out_c / g.in_c;
  } else {
    if (filter_shape[3] != g.in_c) {
      Invalid("conv filter " + ShapeString(filter_shape) +
              " is not OHWI for C = " + std::to_string(g.in_c));
    }
    g.out_c = filter_shape[0];
  }
  g.out_h = OutSize(p.padding, g.in_h, g.k_h, p.stride_h, p.dilation_h);
  g.out_w = OutSize(p.padding, g.in_w, g.k_w, p.stride_w, p.dilation_w);
  if (g.out_h <= 0 || g.out_w <= 0) {
    Invalid("the output of a " + std::to_string(g.k_h) + "x" + std::to_string(g.k_w) +
            " VALID conv on a " + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
            " input is empty");
  }
  g.pad_top = PadBefore(g.in_h, g.k_h, p.stride_h, p.dilation_h, g.out_h);
  g.pad_left = PadBefore(g.in_w, g.k_w, p.stride_w, p.dilation_w, g.out_w);
  return g;
}

int64_t OutputChannels(const LayerSpec& spec) {
  const std::vector<int64_t>& w = spec.weights.shape;
  if (w.empty()) Invalid("no weights");
  switch (spec.op) {
    case LayerOp::kFullyConnected:
    case LayerOp::kConv2d:
      return w[0];
    case LayerOp::kDepthwiseConv2d:
    case LayerOp::kMatmul:
      return w.back();
  }
  return 0;
}

std::vector<int64_t> LayerOutputShape(const LayerSpec& spec) {
  const std::vector<int64_t>& in = spec.input.shape;
  const std::vector<int64_t>& w = spec.weights.shape;
  auto count = [](const std::vector<int64_t>& s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
  };
  for (const auto* t : {&spec.input, &spec.weights}) {
    for (int64_t d : t->shape) {
      if (d < 1) Invalid("empty tensor " + ShapeString(t->shape));
    }
    if (count(t->shape) != static_cast<int64_t>(t->data.size())) {
      Invalid("shape " + ShapeString(t->shape) + " does not match " +
              std::to_string(t->data.size()) + " elements");
    }
  }
  std::vector<int64_t> out;
  switch (spec.op) {
    case LayerOp::kFullyConnected:
      if (in.size() != 2 || w.size() != 2 || in[1] != w[1]) {
        Invalid("fully_connected needs input [batch, K] and weights [N, K], got " +
                ShapeString(in) + " and " + ShapeString(w));
      }
      out = {in[0], w[0]};
      break;
    case LayerOp::kConv2d:
    case LayerOp::kDepthwiseConv2d: {
      const ConvGeometry g =
          GetConvGeometry(in, w, spec.conv, spec.op == LayerOp::kDepthwiseConv2d);
      out = {g.batch, g.out_h, g.out_w, g.out_c};
      break;
    }
    case LayerOp::kMatmul: {
      const size_t r = in.size();
      if (r < 2 || w.size() != r || in[r - 1] != w[r - 2] ||
          !std::equal(in.begin(), in.end() - 2, w.begin())) {
        Invalid("matmul needs a [.., M, K] and b [.., K, N] with equal batch dimensions, got " +
                ShapeString(in) + " and " + ShapeString(w));
      }
      out = in;
      out.back() = w.back();
      break;
    }
  }
  const std::string too_many = layer_file::OutputElementsText(out);
  if (!too_many.empty()) {
    Invalid("the output " + ShapeString(out) + " would have " + too_many + " elements, more than " +
            std::to_string(kMaxLayerOutputElements) + " (2^26)");
  }
  const int64_t channels = OutputChannels(spec);
  if (!spec.bias.empty()) {
    if (spec.op == LayerOp::kMatmul) Invalid("an int8 matmul takes no bias");
    if (static_cast<int64_t>(spec.bias.size()) != channels) {
      Invalid("bias has " + std::to_string(spec.bias.size()) + " entries for " +
              std::to_string(channels) + " output channels");
    }
  }
  if (IsFp8(spec.dtype)) {
    if (!spec.bias.empty()) Invalid("an FP8 layer takes a float32 bias (bias_fp32), not int32");
    if (!spec.bias_fp32.empty() && static_cast<int64_t>(spec.bias_fp32.size()) != channels) {
      Invalid("bias has " + std::to_string(spec.bias_fp32.size()) + " entries for " +
              std::to_string(channels) + " output channels");
    }
    if (spec.out_fmt == contract::kOutInt8 || spec.out_fmt > contract::kOutFp8E5M2) {
      Invalid("an FP8 layer's output format must be float32, bfloat16, fp8_e4m3 or fp8_e5m2");
    }
    if (spec.weights_int4) Invalid("weights_dtype int4 needs dtype int8");
    return out;
  }
  if (!spec.bias_fp32.empty() || spec.out_fmt != contract::kOutInt8) {
    Invalid("an int8 layer has no float32 bias or FP output format");
  }
  if (spec.weights_int4) {
    if (spec.op != LayerOp::kFullyConnected) Invalid("weights_dtype int4 needs fully_connected");
    for (int8_t v : spec.weights.data) {
      if (v < -8 || v > 7) Invalid("int4 weight " + std::to_string(int{v}) + " outside -8..7");
    }
  }
  const size_t m = spec.quant.output_multiplier.size();
  if ((m != 1 && static_cast<int64_t>(m) != channels) || spec.quant.output_shift.size() != m) {
    Invalid("output_multiplier/output_shift need 1 or " + std::to_string(channels) +
            " entries each, got " + std::to_string(m) + " and " +
            std::to_string(spec.quant.output_shift.size()));
  }
  return out;
}

void ScalesToMultipliers(LayerOp op, float input_scale, const std::vector<float>& weight_scales,
                         float output_scale, std::vector<int32_t>* multipliers,
                         std::vector<int32_t>* shifts) {
  multipliers->clear();
  shifts->clear();
  const bool float_product =
      weight_scales.size() == 1 && (op == LayerOp::kFullyConnected || op == LayerOp::kMatmul);
  for (float ws : weight_scales) {
    double real = 0;
    if (float_product) {
      const float product = input_scale * ws;  // rounded to float, as TFLite does
      real = static_cast<double>(product) / static_cast<double>(output_scale);
    } else {
      real = static_cast<double>(input_scale) * static_cast<double>(ws) /
             static_cast<double>(output_scale);
    }
    int32_t m = 0;
    int shift = 0;
    quant::QuantizeMultiplier(real, &m, &shift);
    multipliers->push_back(m);
    shifts->push_back(shift);
  }
}

}  // namespace salsa
