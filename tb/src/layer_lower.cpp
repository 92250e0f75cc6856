// Lowering conv2d / depthwise_conv2d / matmul / fully_connected onto GEMMs (docs/layers.md).
#include "salsa/layer_lower.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace salsa {

namespace {

constexpr int64_t kIntMax = std::numeric_limits<int>::max();

int ToInt(int64_t v, const char* what) {
  if (v < 1 || v > kIntMax) {
    throw std::invalid_argument(std::string("LowerLayer: GEMM ") + what + " = " +
                                std::to_string(v) + " outside 1..2^31-1");
  }
  return static_cast<int>(v);
}

// A GEMM with its shape and the layer's zero points and clamp; data filled by the caller.
LoweredGemm NewGemm(const LayerSpec& spec, size_t index, int64_t M, int64_t K, int64_t N) {
  if (M * K > kIntMax || K * N > kIntMax || M * N > kIntMax) {
    throw std::invalid_argument("LowerLayer: GEMM " + std::to_string(M) + "x" + std::to_string(K) +
                                "x" + std::to_string(N) + " is too large");
  }
  LoweredGemm g;
  g.fc.name = spec.name + "#" + std::to_string(index);
  g.fc.M = ToInt(M, "M");
  g.fc.K = ToInt(K, "K");
  g.fc.N = ToInt(N, "N");
  g.fc.input.resize(static_cast<size_t>(M * K));
  g.fc.weights.resize(static_cast<size_t>(N * K));
  g.fc.input_zero_point = spec.quant.input_zero_point;
  g.fc.output_zero_point = spec.quant.output_zero_point;
  g.fc.act_min = spec.quant.act_min;
  g.fc.act_max = spec.quant.act_max;
  switch (spec.dtype) {
    case LayerDtype::kInt8:
      g.fc.prec = spec.weights_int4 ? contract::kPrecInt4w : contract::kPrecInt8;
      break;
    case LayerDtype::kFp8E4M3:
      g.fc.prec = contract::kPrecFp8E4M3;
      break;
    case LayerDtype::kFp8E5M2:
      g.fc.prec = contract::kPrecFp8E5M2;
      break;
  }
  if (IsFp8(spec.dtype)) {
    g.fc.input_zero_point = 0;
    g.fc.output_zero_point = 0;
    g.fc.act_min = -128;
    g.fc.act_max = 127;
    g.fc.out_fmt = spec.out_fmt;
    g.fc.out_scale = spec.out_scale;
    g.fc.saturate = spec.saturate;
  }
  g.out_index.resize(static_cast<size_t>(M * N));
  return g;
}

// Bias and requantisation of output channels [first, first + n) of the layer. Per-channel values
// that are all equal within the GEMM collapse to per-tensor.
void SetChannels(const LayerSpec& spec, int64_t first, int64_t n, FcLayer* fc) {
  if (IsFp8(spec.dtype)) {  // the float32 bias; no int8 quantisation
    if (!spec.bias_fp32.empty()) {
      fc->bias_fp32.assign(spec.bias_fp32.begin() + first, spec.bias_fp32.begin() + first + n);
    }
    return;
  }
  const ref::FcQuant& q = spec.quant;
  if (!spec.bias.empty()) {
    fc->bias.assign(spec.bias.begin() + first, spec.bias.begin() + first + n);
  }
  if (q.output_multiplier.size() == 1) {
    fc->output_multiplier = q.output_multiplier[0];
    fc->output_shift = q.output_shift[0];
    return;
  }
  const auto m0 = q.output_multiplier.begin() + first;
  const auto s0 = q.output_shift.begin() + first;
  const bool uniform = std::all_of(m0, m0 + n, [&](int32_t m) { return m == *m0; }) &&
                       std::all_of(s0, s0 + n, [&](int32_t s) { return s == *s0; });
  fc->output_multiplier = *m0;
  fc->output_shift = *s0;
  if (!uniform) {
    fc->channel_multiplier.assign(m0, m0 + n);
    fc->channel_shift.assign(s0, s0 + n);
  }
}

// A layer that is one GEMM g with all N channels, whose output index m*N + n is the layer's.
std::vector<LoweredGemm> OneGemm(const LayerSpec& spec, int64_t N, LoweredGemm g) {
  SetChannels(spec, 0, N, &g.fc);
  for (size_t i = 0; i < g.out_index.size(); ++i) g.out_index[i] = static_cast<int64_t>(i);
  std::vector<LoweredGemm> out;
  out.push_back(std::move(g));
  return out;
}

std::vector<LoweredGemm> LowerFc(const LayerSpec& spec) {
  const int64_t M = spec.input.shape[0], K = spec.input.shape[1], N = spec.weights.shape[0];
  LoweredGemm g = NewGemm(spec, 0, M, K, N);
  g.fc.input = spec.input.data;
  g.fc.weights = spec.weights.data;
  return OneGemm(spec, N, std::move(g));
}

// The conv shape and NHWC input a conv GEMM carries for the on-chip im2col plan (depthwise:
// depth_multiplier >= 1).
std::shared_ptr<const ConvShape> MakeConvShape(const LayerSpec& spec, const ConvGeometry& g,
                                               int depth_multiplier);

// The im2col value of output pixel row (b, oy, ox), tap (ky, kx), input channel ic.
struct Im2col {
  const ConvGeometry& g;
  const ConvParams& p;
  const std::vector<int8_t>& in;
  int8_t zp;
  int8_t At(int64_t b, int64_t oy, int64_t ox, int64_t ky, int64_t kx, int64_t ic) const {
    const int64_t y = oy * p.stride_h - g.pad_top + ky * p.dilation_h;
    const int64_t x = ox * p.stride_w - g.pad_left + kx * p.dilation_w;
    if (y < 0 || y >= g.in_h || x < 0 || x >= g.in_w)
      return zp;  // padding: d = 0 (FP8: +0, adds nothing)
    return in[static_cast<size_t>(((b * g.in_h + y) * g.in_w + x) * g.in_c + ic)];
  }
};

// The im2col padding: the input zero point (d = 0), or for FP8 the code +0 (0x00), which adds
// nothing (the gate's zero).
int8_t PadValue(const LayerSpec& spec) {
  return IsFp8(spec.dtype) ? 0 : static_cast<int8_t>(spec.quant.input_zero_point);
}

// The im2col rows of every channel: row (b, oy, ox), taps (ky, kx, ic) in order, into `out`
// (batch*out_h*out_w rows of KH*KW*C).
void Im2colRows(const LayerSpec& spec, const ConvGeometry& g, std::vector<int8_t>* out) {
  const Im2col src{g, spec.conv, spec.input.data, PadValue(spec)};
  size_t i = 0;
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        for (int64_t ky = 0; ky < g.k_h; ++ky) {
          for (int64_t kx = 0; kx < g.k_w; ++kx) {
            for (int64_t ic = 0; ic < g.in_c; ++ic) (*out)[i++] = src.At(b, oy, ox, ky, kx, ic);
          }
        }
      }
    }
  }
}

std::vector<LoweredGemm> LowerConv(const LayerSpec& spec) {
  const ConvGeometry g = GetConvGeometry(spec.input.shape, spec.weights.shape, spec.conv, false);
  const int64_t M = g.batch * g.out_h * g.out_w, K = g.k_h * g.k_w * g.in_c, N = g.out_c;
  LoweredGemm gemm = NewGemm(spec, 0, M, K, N);
  Im2colRows(spec, g, &gemm.fc.input);
  // OHWI is already [O][KH*KW*C] in the same (ky, kx, ic) order as the im2col rows.
  gemm.fc.weights = spec.weights.data;
  gemm.fc.conv = MakeConvShape(spec, g, 0);
  // Row m = (b*out_h + oy)*out_w + ox, column n = oc: NHWC output index m*O + oc.
  return OneGemm(spec, N, std::move(gemm));
}

// A depthwise conv as one block-diagonal GEMM for the on-chip im2col plan: K = KH*KW*C in
// (ky, kx, c) order, N = C*m, output channel o taking only input channel o / m.
std::vector<LoweredGemm> LowerDepthwiseIm2col(const LayerSpec& spec) {
  const ConvGeometry g = GetConvGeometry(spec.input.shape, spec.weights.shape, spec.conv, true);
  const int64_t M = g.batch * g.out_h * g.out_w, taps = g.k_h * g.k_w, C = g.in_c;
  const int64_t mult = g.depth_multiplier, N = g.out_c, K = taps * C;
  LoweredGemm gemm = NewGemm(spec, 0, M, K, N);
  Im2colRows(spec, g, &gemm.fc.input);
  // filter [1][KH][KW][C*m]: tap t, output channel o = weight [t][o], at K index t*C + o/m.
  for (int64_t o = 0; o < N; ++o) {
    for (int64_t t = 0; t < taps; ++t) {
      gemm.fc.weights[static_cast<size_t>(o * K + t * C + o / mult)] =
          spec.weights.data[static_cast<size_t>(t * N + o)];
    }
  }
  gemm.fc.conv = MakeConvShape(spec, g, static_cast<int>(mult));
  return OneGemm(spec, N, std::move(gemm));
}

std::shared_ptr<const ConvShape> MakeConvShape(const LayerSpec& spec, const ConvGeometry& g,
                                               int depth_multiplier) {
  auto shape = std::make_shared<ConvShape>();
  shape->depth_multiplier = depth_multiplier;
  shape->batch = static_cast<int>(g.batch);
  shape->in_h = static_cast<int>(g.in_h);
  shape->in_w = static_cast<int>(g.in_w);
  shape->in_c = static_cast<int>(g.in_c);
  shape->k_h = static_cast<int>(g.k_h);
  shape->k_w = static_cast<int>(g.k_w);
  shape->out_h = static_cast<int>(g.out_h);
  shape->out_w = static_cast<int>(g.out_w);
  shape->stride_h = static_cast<int>(spec.conv.stride_h);
  shape->stride_w = static_cast<int>(spec.conv.stride_w);
  shape->dilation_h = static_cast<int>(spec.conv.dilation_h);
  shape->dilation_w = static_cast<int>(spec.conv.dilation_w);
  shape->pad_top = static_cast<int>(g.pad_top);
  shape->pad_left = static_cast<int>(g.pad_left);
  shape->input = spec.input.data;
  return shape;
}

std::vector<LoweredGemm> LowerDepthwise(const LayerSpec& spec) {
  const ConvGeometry g = GetConvGeometry(spec.input.shape, spec.weights.shape, spec.conv, true);
  const int64_t M = g.batch * g.out_h * g.out_w, K = g.k_h * g.k_w, mult = g.depth_multiplier;
  const Im2col src{g, spec.conv, spec.input.data, PadValue(spec)};
  std::vector<LoweredGemm> out;
  for (int64_t c = 0; c < g.in_c; ++c) {
    LoweredGemm gemm = NewGemm(spec, static_cast<size_t>(c), M, K, mult);
    size_t i = 0;
    for (int64_t b = 0; b < g.batch; ++b) {
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          for (int64_t ky = 0; ky < g.k_h; ++ky) {
            for (int64_t kx = 0; kx < g.k_w; ++kx)
              gemm.fc.input[i++] = src.At(b, oy, ox, ky, kx, c);
          }
        }
      }
    }
    for (int64_t j = 0; j < mult; ++j) {
      for (int64_t k = 0; k < K; ++k) {
        // filter [1][KH][KW][C*m]: tap k = ky*KW + kx, output channel c*m + j.
        gemm.fc.weights[static_cast<size_t>(j * K + k)] =
            spec.weights.data[static_cast<size_t>(k * g.out_c + c * mult + j)];
      }
    }
    SetChannels(spec, c * mult, mult, &gemm.fc);
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t j = 0; j < mult; ++j) {
        gemm.out_index[static_cast<size_t>(m * mult + j)] = m * g.out_c + c * mult + j;
      }
    }
    out.push_back(std::move(gemm));
  }
  return out;
}

std::vector<LoweredGemm> LowerMatmul(const LayerSpec& spec) {
  const std::vector<int64_t>& a = spec.input.shape;
  const size_t r = a.size();
  const int64_t M = a[r - 2], K = a[r - 1], N = spec.weights.shape[r - 1];
  int64_t batches = 1;
  for (size_t i = 0; i + 2 < r; ++i) batches *= a[i];
  std::vector<LoweredGemm> out;
  for (int64_t bt = 0; bt < batches; ++bt) {
    LoweredGemm gemm = NewGemm(spec, static_cast<size_t>(bt), M, K, N);
    const auto a0 = spec.input.data.begin() + bt * M * K;
    std::copy(a0, a0 + M * K, gemm.fc.input.begin());
    const int8_t* B = spec.weights.data.data() + bt * K * N;
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t k = 0; k < K; ++k)
        gemm.fc.weights[static_cast<size_t>(n * K + k)] = B[k * N + n];
    }
    SetChannels(spec, 0, N, &gemm.fc);
    for (int64_t i = 0; i < M * N; ++i) gemm.out_index[static_cast<size_t>(i)] = bt * M * N + i;
    out.push_back(std::move(gemm));
  }
  return out;
}

}  // namespace

std::vector<LoweredGemm> LowerLayerFor(const LayerSpec& spec, const HwParams& hw,
                                       const DriverOptions& opts) {
  if (spec.op == LayerOp::kDepthwiseConv2d && (hw.weight_stationary || hw.OsConv()) &&
      opts.im2col && spec.dtype == LayerDtype::kInt8 && !spec.weights_int4) {
    LayerOutputShape(spec);
    std::vector<LoweredGemm> one = LowerDepthwiseIm2col(spec);
    if (Im2colRuns(hw, one.front().fc, opts)) return one;
  }
  return LowerLayer(spec);
}

std::vector<LoweredGemm> LowerLayer(const LayerSpec& spec) {
  LayerOutputShape(spec);  // validates shapes, bias and quantisation sizes
  switch (spec.op) {
    case LayerOp::kFullyConnected:
      return LowerFc(spec);
    case LayerOp::kConv2d:
      return LowerConv(spec);
    case LayerOp::kDepthwiseConv2d:
      return LowerDepthwise(spec);
    case LayerOp::kMatmul:
      return LowerMatmul(spec);
  }
  throw std::invalid_argument("LowerLayer: unknown op");
}

namespace {

template <class T>
std::vector<T> Assemble(const std::vector<LoweredGemm>& gemms,
                        const std::vector<std::vector<T>>& outputs, int64_t output_size) {
  if (outputs.size() != gemms.size()) {
    throw std::invalid_argument("AssembleOutput: " + std::to_string(outputs.size()) +
                                " outputs for " + std::to_string(gemms.size()) + " GEMMs");
  }
  if (output_size < 0) throw std::invalid_argument("AssembleOutput: negative output size");
  std::vector<T> out(static_cast<size_t>(output_size), 0);
  std::vector<uint8_t> written(out.size(), 0);
  for (size_t g = 0; g < gemms.size(); ++g) {
    const std::vector<int64_t>& idx = gemms[g].out_index;
    if (outputs[g].size() != idx.size()) {
      throw std::invalid_argument("AssembleOutput: GEMM " + std::to_string(g) + " has " +
                                  std::to_string(outputs[g].size()) + " outputs, expected " +
                                  std::to_string(idx.size()));
    }
    for (size_t i = 0; i < idx.size(); ++i) {
      const int64_t o = idx[i];
      if (o < 0 || o >= output_size) {
        throw std::invalid_argument("AssembleOutput: index " + std::to_string(o) +
                                    " outside the output of " + std::to_string(output_size));
      }
      if (written[static_cast<size_t>(o)]++) {
        throw std::invalid_argument("AssembleOutput: output " + std::to_string(o) +
                                    " written twice");
      }
      out[static_cast<size_t>(o)] = outputs[g][i];
    }
  }
  const auto missing = std::find(written.begin(), written.end(), 0);
  if (missing != written.end()) {
    throw std::invalid_argument("AssembleOutput: output " +
                                std::to_string(missing - written.begin()) +
                                " is written by no GEMM");
  }
  return out;
}

}  // namespace

std::vector<int8_t> AssembleOutput(const std::vector<LoweredGemm>& gemms,
                                   const std::vector<std::vector<int8_t>>& outputs,
                                   int64_t output_size) {
  return Assemble(gemms, outputs, output_size);
}

std::vector<uint32_t> AssembleOutputFp(const std::vector<LoweredGemm>& gemms,
                                       const std::vector<std::vector<uint32_t>>& outputs,
                                       int64_t output_size) {
  return Assemble(gemms, outputs, output_size);
}

ref::FcQuant GemmQuant(const FcLayer& fc) {
  ref::FcQuant q;
  q.input_zero_point = fc.input_zero_point;
  q.output_zero_point = fc.output_zero_point;
  q.act_min = fc.act_min;
  q.act_max = fc.act_max;
  if (fc.channel_multiplier.empty() && fc.channel_shift.empty()) {
    q.output_multiplier = {fc.output_multiplier};
    q.output_shift = {fc.output_shift};
  } else {
    q.output_multiplier = fc.channel_multiplier;
    q.output_shift = fc.channel_shift;
  }
  return q;
}

std::vector<int8_t> GemmReference(const FcLayer& fc) {
  const size_t M = static_cast<size_t>(fc.M), K = static_cast<size_t>(fc.K),
               N = static_cast<size_t>(fc.N);
  if (fc.input.size() != M * K || fc.weights.size() != N * K ||
      (!fc.bias.empty() && fc.bias.size() != N)) {
    throw std::invalid_argument("GemmReference: tensor sizes do not match M, K, N of " + fc.name);
  }
  if (fc.prec == contract::kPrecFp8E4M3 || fc.prec == contract::kPrecFp8E5M2) {
    throw std::invalid_argument("GemmReference: " + fc.name + " is FP8 (use GemmReferenceFp)");
  }
  if (fc.prec == contract::kPrecInt4w) {
    for (int8_t v : fc.weights) {
      if (v < -8 || v > 7) {
        throw std::invalid_argument("GemmReference: int4 weight " + std::to_string(int{v}) +
                                    " of " + fc.name + " outside -8..7");
      }
    }
  }
  return ref::FullyConnected(fc.input.data(), fc.weights.data(),
                             fc.bias.empty() ? nullptr : fc.bias.data(), fc.M, fc.K, fc.N,
                             GemmQuant(fc));
}

}  // namespace salsa

namespace salsa {

std::vector<uint32_t> GemmReferenceFp(const FcLayer& fc, unsigned slices) {
  const size_t M = static_cast<size_t>(fc.M), K = static_cast<size_t>(fc.K),
               N = static_cast<size_t>(fc.N);
  if (fc.input.size() != M * K || fc.weights.size() != N * K ||
      (!fc.bias_fp32.empty() && fc.bias_fp32.size() != N)) {
    throw std::invalid_argument("GemmReferenceFp: tensor sizes do not match M, K, N of " + fc.name);
  }
  return ref::Fp8Gemm(reinterpret_cast<const uint8_t*>(fc.input.data()),
                      reinterpret_cast<const uint8_t*>(fc.weights.data()),
                      fc.bias_fp32.empty() ? nullptr : fc.bias_fp32.data(), fc.M, fc.K, fc.N, K, 1,
                      ref::Fp8FormatOf(fc.prec), fc.out_fmt, fc.out_scale, fc.saturate, slices);
}

}  // namespace salsa
