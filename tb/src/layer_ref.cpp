// TFLite-exact int8 conv2d, depthwise_conv2d and batched matmul references (docs/layers.md).
#include "salsa/layer_ref.h"

#include <stdexcept>
#include <string>

#include "salsa/quant.h"

namespace salsa::ref {

namespace {

[[noreturn]] void Invalid(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string(fn) + ": " + what);
}

int64_t Count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

void CheckData(const char* fn, const char* what, const Int8Tensor& t) {
  for (int64_t d : t.shape) {
    if (d < 1) Invalid(fn, std::string(what) + " has an empty shape " + ShapeString(t.shape));
  }
  if (Count(t.shape) != static_cast<int64_t>(t.data.size())) {
    Invalid(fn, std::string(what) + " shape " + ShapeString(t.shape) + " does not match its " +
                    std::to_string(t.data.size()) + " elements");
  }
}

void CheckInt8(const char* fn, const char* what, int32_t v) {
  if (v < -128 || v > 127) {
    Invalid(fn, std::string(what) + " " + std::to_string(v) + " is outside [-128, 127]");
  }
}

// The checks of ref::FullyConnected, for `channels` output channels and bias size.
void CheckQuant(const char* fn, const FcQuant& q, int64_t channels, size_t bias_size) {
  if (q.weights_zero_point != 0) {
    Invalid(fn, "weights zero point must be 0 (salsa requires symmetric int8 weights), got " +
                    std::to_string(q.weights_zero_point));
  }
  CheckInt8(fn, "input zero point", q.input_zero_point);
  CheckInt8(fn, "output zero point", q.output_zero_point);
  CheckInt8(fn, "act_min", q.act_min);
  CheckInt8(fn, "act_max", q.act_max);
  if (q.act_min > q.act_max) Invalid(fn, "act_min > act_max");
  const size_t m = q.output_multiplier.size();
  if (m != 1 && static_cast<int64_t>(m) != channels) {
    Invalid(fn, "output_multiplier must have 1 or " + std::to_string(channels) + " entries, got " +
                    std::to_string(m));
  }
  if (q.output_shift.size() != m) {
    Invalid(fn, "output_shift has " + std::to_string(q.output_shift.size()) +
                    " entries, output_multiplier " + std::to_string(m));
  }
  for (int32_t s : q.output_shift) {
    if (s < -31 || s > 31) Invalid(fn, "output shift " + std::to_string(s) + " outside [-31, 31]");
  }
  if (bias_size != 0 && static_cast<int64_t>(bias_size) != channels) {
    Invalid(fn, "bias has " + std::to_string(bias_size) + " entries for " +
                    std::to_string(channels) + " output channels");
  }
}

int32_t AsInt32(uint32_t u) {
  return u <= 0x7FFFFFFFu ? static_cast<int32_t>(u)
                          : static_cast<int32_t>(static_cast<int64_t>(u) - (int64_t{1} << 32));
}

// bias, then requantisation of channel c (docs/numerics.md steps 3-6).
int8_t Finish(uint32_t acc, const std::vector<int32_t>& bias, int64_t c, const FcQuant& q) {
  if (!bias.empty()) acc += static_cast<uint32_t>(bias[static_cast<size_t>(c)]);
  const size_t i = q.output_multiplier.size() == 1 ? 0 : static_cast<size_t>(c);
  return quant::Requantize(AsInt32(acc), q.output_multiplier[i], q.output_shift[i],
                           q.output_zero_point, q.act_min, q.act_max);
}

// Both convolutions: depthwise uses input channel oc / m for output channel oc and the filter's
// single "in channel"; conv sums over all input channels.
Int8Tensor Conv(const char* fn, const Int8Tensor& input, const Int8Tensor& filter,
                const std::vector<int32_t>& bias, const ConvParams& p, const FcQuant& q,
                bool depthwise) {
  CheckData(fn, "input", input);
  CheckData(fn, "filter", filter);
  ConvGeometry g;
  try {
    g = GetConvGeometry(input.shape, filter.shape, p, depthwise);
  } catch (const std::invalid_argument& e) {
    Invalid(fn, e.what());
  }
  CheckQuant(fn, q, g.out_c, bias.size());
  Int8Tensor out;
  out.shape = {g.batch, g.out_h, g.out_w, g.out_c};
  out.data.resize(static_cast<size_t>(Count(out.shape)));
  const int32_t zp = q.input_zero_point;
  size_t o = 0;
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      const int64_t y0 = oy * p.stride_h - g.pad_top;
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        const int64_t x0 = ox * p.stride_w - g.pad_left;
        for (int64_t oc = 0; oc < g.out_c; ++oc) {
          uint32_t acc = 0;  // int32 accumulator, wrapping modulo 2^32
          for (int64_t ky = 0; ky < g.k_h; ++ky) {
            const int64_t y = y0 + ky * p.dilation_h;
            if (y < 0 || y >= g.in_h) continue;  // padding: contributes 0
            for (int64_t kx = 0; kx < g.k_w; ++kx) {
              const int64_t x = x0 + kx * p.dilation_w;
              if (x < 0 || x >= g.in_w) continue;
              const size_t in_row = static_cast<size_t>(((b * g.in_h + y) * g.in_w + x) * g.in_c);
              if (depthwise) {
                const int64_t ic = oc / g.depth_multiplier;
                const int32_t d = input.data[in_row + static_cast<size_t>(ic)] - zp;
                const int32_t w =
                    filter.data[static_cast<size_t>((ky * g.k_w + kx) * g.out_c + oc)];
                acc += static_cast<uint32_t>(d * w);
              } else {
                const size_t f_row = static_cast<size_t>(((oc * g.k_h + ky) * g.k_w + kx) * g.in_c);
                for (int64_t ic = 0; ic < g.in_c; ++ic) {
                  const int32_t d = input.data[in_row + static_cast<size_t>(ic)] - zp;
                  const int32_t w = filter.data[f_row + static_cast<size_t>(ic)];
                  acc += static_cast<uint32_t>(d * w);
                }
              }
            }
          }
          out.data[o++] = Finish(acc, bias, oc, q);
        }
      }
    }
  }
  return out;
}

}  // namespace

Int8Tensor Conv2d(const Int8Tensor& input, const Int8Tensor& filter,
                  const std::vector<int32_t>& bias, const ConvParams& params, const FcQuant& q) {
  return Conv("Conv2d", input, filter, bias, params, q, false);
}

Int8Tensor DepthwiseConv2d(const Int8Tensor& input, const Int8Tensor& filter,
                           const std::vector<int32_t>& bias, const ConvParams& params,
                           const FcQuant& q) {
  return Conv("DepthwiseConv2d", input, filter, bias, params, q, true);
}

Int8Tensor BatchMatmul(const Int8Tensor& a, const Int8Tensor& b, const FcQuant& q) {
  const char* fn = "BatchMatmul";
  CheckData(fn, "a", a);
  CheckData(fn, "b", b);
  const size_t r = a.shape.size();
  if (r < 2 || b.shape.size() != r) {
    Invalid(fn, "a " + ShapeString(a.shape) + " and b " + ShapeString(b.shape) +
                    " must have the same rank >= 2");
  }
  for (size_t i = 0; i + 2 < r; ++i) {
    if (a.shape[i] != b.shape[i]) {
      Invalid(fn, "batch dimensions of a " + ShapeString(a.shape) + " and b " +
                      ShapeString(b.shape) + " differ");
    }
  }
  const int64_t M = a.shape[r - 2], K = a.shape[r - 1], N = b.shape[r - 1];
  if (b.shape[r - 2] != K) {
    Invalid(fn, "K of a " + ShapeString(a.shape) + " and b " + ShapeString(b.shape) + " differ");
  }
  CheckQuant(fn, q, N, 0);
  const int64_t batches = Count(a.shape) / (M * K);
  Int8Tensor out;
  out.shape = a.shape;
  out.shape.back() = N;
  out.data.resize(static_cast<size_t>(batches * M * N));
  for (int64_t bt = 0; bt < batches; ++bt) {
    const int8_t* A = a.data.data() + bt * M * K;
    const int8_t* B = b.data.data() + bt * K * N;
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < N; ++n) {
        uint32_t acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          const int32_t d = A[m * K + k] - q.input_zero_point;
          acc += static_cast<uint32_t>(d * static_cast<int32_t>(B[k * N + n]));
        }
        out.data[static_cast<size_t>((bt * M + m) * N + n)] = Finish(acc, {}, n, q);
      }
    }
  }
  return out;
}

Int8Tensor FullyConnectedTensor(const Int8Tensor& input, const Int8Tensor& weights,
                                const std::vector<int32_t>& bias, const FcQuant& q) {
  const char* fn = "FullyConnectedTensor";
  CheckData(fn, "input", input);
  CheckData(fn, "weights", weights);
  if (input.shape.size() != 2 || weights.shape.size() != 2 || input.shape[1] != weights.shape[1]) {
    Invalid(fn, "input " + ShapeString(input.shape) + " and weights " + ShapeString(weights.shape) +
                    " are not [batch, K] and [N, K]");
  }
  CheckQuant(fn, q, weights.shape[0], bias.size());
  const int64_t M = input.shape[0], K = input.shape[1], N = weights.shape[0];
  if (M > 0x7FFFFFFF || K > 0x7FFFFFFF || N > 0x7FFFFFFF) Invalid(fn, "too large");
  Int8Tensor out;
  out.shape = {M, N};
  out.data =
      FullyConnected(input.data.data(), weights.data.data(), bias.empty() ? nullptr : bias.data(),
                     static_cast<int>(M), static_cast<int>(K), static_cast<int>(N), q);
  return out;
}

Int8Tensor LayerReference(const LayerSpec& spec) {
  if (IsFp8(spec.dtype)) {
    throw std::invalid_argument("LayerReference: an FP8 layer (use LayerReferenceFp)");
  }
  switch (spec.op) {
    case LayerOp::kFullyConnected:
      return FullyConnectedTensor(spec.input, spec.weights, spec.bias, spec.quant);
    case LayerOp::kConv2d:
      return Conv2d(spec.input, spec.weights, spec.bias, spec.conv, spec.quant);
    case LayerOp::kDepthwiseConv2d:
      return DepthwiseConv2d(spec.input, spec.weights, spec.bias, spec.conv, spec.quant);
    case LayerOp::kMatmul:
      if (!spec.bias.empty()) throw std::invalid_argument("LayerReference: matmul takes no bias");
      return BatchMatmul(spec.input, spec.weights, spec.quant);
  }
  throw std::invalid_argument("LayerReference: unknown op");
}

namespace {

// FP8 conv2d / depthwise_conv2d: per output, the taps in im2col order (ky, kx, then input channel
// for conv2d) from the bias; taps in the padding are skipped, like the code +0 the lowering pads
// with (it adds nothing).
FpTensor ConvFp(const LayerSpec& spec, bool depthwise) {
  const ConvGeometry g =
      GetConvGeometry(spec.input.shape, spec.weights.shape, spec.conv, depthwise);
  const ConvParams& p = spec.conv;
  const fp::Fp8Format f =
      spec.dtype == LayerDtype::kFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  const auto* in = reinterpret_cast<const uint8_t*>(spec.input.data.data());
  const auto* w = reinterpret_cast<const uint8_t*>(spec.weights.data.data());
  FpTensor out;
  out.shape = {g.batch, g.out_h, g.out_w, g.out_c};
  out.data.reserve(static_cast<size_t>(Count(out.shape)));
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        for (int64_t oc = 0; oc < g.out_c; ++oc) {
          uint32_t acc = spec.bias_fp32.empty() ? 0u : spec.bias_fp32[static_cast<size_t>(oc)];
          for (int64_t ky = 0; ky < g.k_h; ++ky) {
            const int64_t y = oy * p.stride_h - g.pad_top + ky * p.dilation_h;
            if (y < 0 || y >= g.in_h) continue;
            for (int64_t kx = 0; kx < g.k_w; ++kx) {
              const int64_t x = ox * p.stride_w - g.pad_left + kx * p.dilation_w;
              if (x < 0 || x >= g.in_w) continue;
              const uint8_t* row = in + ((b * g.in_h + y) * g.in_w + x) * g.in_c;
              if (depthwise) {
                acc = fp::Fp8Dot(acc, row + oc / g.depth_multiplier,
                                 w + (ky * g.k_w + kx) * g.out_c + oc, 1, 1, f);
              } else {
                acc = fp::Fp8Dot(acc, row, w + ((oc * g.k_h + ky) * g.k_w + kx) * g.in_c,
                                 static_cast<size_t>(g.in_c), 1, f);
              }
            }
          }
          out.data.push_back(Fp8Output(acc, spec.out_fmt, spec.out_scale, spec.saturate));
        }
      }
    }
  }
  return out;
}

}  // namespace

FpTensor LayerReferenceFp(const LayerSpec& spec) {
  const char* fn = "LayerReferenceFp";
  if (!IsFp8(spec.dtype)) Invalid(fn, "an int8 layer (use LayerReference)");
  FpTensor out;
  try {
    out.shape = LayerOutputShape(spec);
  } catch (const std::invalid_argument& e) {
    Invalid(fn, e.what());
  }
  if (spec.op == LayerOp::kConv2d || spec.op == LayerOp::kDepthwiseConv2d) {
    return ConvFp(spec, spec.op == LayerOp::kDepthwiseConv2d);
  }
  const std::vector<int64_t>& a = spec.input.shape;
  const size_t r = a.size();
  const int64_t M = a[r - 2], K = a[r - 1];
  const int64_t N = spec.op == LayerOp::kMatmul ? spec.weights.shape[r - 1] : spec.weights.shape[0];
  if (M > 0x7FFFFFFF || K > 0x7FFFFFFF || N > 0x7FFFFFFF) Invalid(fn, "too large");
  const int64_t batches = Count(a) / (M * K);
  const bool matmul = spec.op == LayerOp::kMatmul;
  const fp::Fp8Format f =
      spec.dtype == LayerDtype::kFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  const auto* in = reinterpret_cast<const uint8_t*>(spec.input.data.data());
  const auto* w = reinterpret_cast<const uint8_t*>(spec.weights.data.data());
  for (int64_t bt = 0; bt < batches; ++bt) {
    const std::vector<uint32_t> y = Fp8Gemm(
        in + bt * M * K, w + bt * K * N, spec.bias_fp32.empty() ? nullptr : spec.bias_fp32.data(),
        static_cast<int>(M), static_cast<int>(K), static_cast<int>(N),
        matmul ? 1 : static_cast<size_t>(K), matmul ? static_cast<size_t>(N) : 1, f, spec.out_fmt,
        spec.out_scale, spec.saturate);
    out.data.insert(out.data.end(), y.begin(), y.end());
  }
  return out;
}

}  // namespace salsa::ref
