// Lowering user layers onto the GEMMs (fully connected layers) the array runs (docs/layers.md):
//   fully_connected   one GEMM, as is
//   conv2d            one GEMM via im2col: M = batch*out_h*out_w, K = KH*KW*C, N = O
//   depthwise_conv2d  one GEMM per input channel c: M = batch*out_h*out_w, K = KH*KW,
//                     N = depth_multiplier (the filters of output channels c*m .. c*m+m-1);
//                     for the on-chip im2col plan one block-diagonal GEMM (LowerLayerFor)
//   matmul            one GEMM per batch: weights = b[batch] transposed ([N][K])
// FP8 layers lower the same way (im2col padding: the code +0, which adds nothing) with prec,
// bias_fp32, out_fmt, out_scale and saturate set; int4 weights (fully_connected) give prec
// kPrecInt4w and the unpacked values in FcLayer::weights. Padded im2col taps hold the input zero
// point, so they contribute 0 exactly as TFLite's skipped taps do; accumulation is modulo 2^32
// either way, so the GEMM sums equal the direct ones.
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/driver.h"
#include "salsa/layer_spec.h"
#include "salsa/reference.h"

namespace salsa {

struct LoweredGemm {
  FcLayer fc;  // per-channel layers fill fc.channel_multiplier / fc.channel_shift (size N)
  std::vector<int64_t> out_index;  // out_index[m*N + n] = flat index in the op's output tensor
};

// Throws std::invalid_argument for an inconsistent spec (LayerOutputShape's checks) or a GEMM too
// large for FcLayer's int sizes.
std::vector<LoweredGemm> LowerLayer(const LayerSpec& spec);
// LowerLayer for hardware `hw` run with `opts`: an int8 depthwise_conv2d becomes one
// block-diagonal GEMM (K = KH*KW*C, N = C*m) when the on-chip im2col plan runs it
// (Im2colRuns), instead of one GEMM per channel (docs/conv.md).
std::vector<LoweredGemm> LowerLayerFor(const LayerSpec& spec, const HwParams& hw,
                                       const DriverOptions& opts);

// Scatters the GEMM outputs (outputs[i] is gemms[i]'s [M][N] int8 result) into the op's output
// tensor of `output_size` elements (the product of LayerSpec::output_shape). Throws
// std::invalid_argument for a size mismatch, an index out of range, or an output element that is
// written by no GEMM or by more than one.
std::vector<int8_t> AssembleOutput(const std::vector<LoweredGemm>& gemms,
                                   const std::vector<std::vector<int8_t>>& outputs,
                                   int64_t output_size);

// The quantisation of a GEMM in the reference's terms: channel_multiplier/channel_shift when set,
// else output_multiplier/output_shift.
ref::FcQuant GemmQuant(const FcLayer& fc);

// ref::FullyConnected of one GEMM, per-channel aware: the [M][N] output the hardware must produce
// (int8 and int4w GEMMs; throws std::invalid_argument for an FP8 one).
std::vector<int8_t> GemmReference(const FcLayer& fc);

// An FP8 GEMM's [M][N] output elements (ref::Fp8Gemm of fc's codes, bias_fp32, out_fmt,
// out_scale, saturate), each widened to 32 bits, summed as S = `slices` K slices take it (the
// program's OsParams::slices, 1 but for plan "gemv"). Throws std::invalid_argument for an int8
// GEMM.
std::vector<uint32_t> GemmReferenceFp(const FcLayer& fc, unsigned slices = 1);

// AssembleOutput for FP8 layers' elements.
std::vector<uint32_t> AssembleOutputFp(const std::vector<LoweredGemm>& gemms,
                                       const std::vector<std::vector<uint32_t>>& outputs,
                                       int64_t output_size);

}  // namespace salsa
