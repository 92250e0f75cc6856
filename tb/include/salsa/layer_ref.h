// TFLite-exact int8 references for the user-layer ops (docs/layers.md, docs/numerics.md):
// conv2d (reference_integer_ops::ConvPerChannel), depthwise_conv2d (DepthwiseConvPerChannel),
// batched matmul and fully connected (salsa::ref::FullyConnected). Accumulation is int32 and wraps
// modulo 2^32; requantisation is quant::Requantize per output channel (one multiplier/shift, or one
// per output channel).
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/layer_spec.h"
#include "salsa/reference.h"

namespace salsa::ref {

// input NHWC int8, filter OHWI int8, bias [O] int32 or empty. Padding as TFLite: taps outside the
// input are skipped (equivalently, padded with the input zero point, which contributes 0).
// Returns [batch, out_h, out_w, O]. Throws std::invalid_argument for invalid shapes or parameters.
Int8Tensor Conv2d(const Int8Tensor& input, const Int8Tensor& filter,
                  const std::vector<int32_t>& bias, const ConvParams& params, const FcQuant& q);

// input NHWC, filter [1, KH, KW, C*m] (output channel c*m + j uses input channel c), bias [C*m] or
// empty. Returns [batch, out_h, out_w, C*m].
Int8Tensor DepthwiseConv2d(const Int8Tensor& input, const Int8Tensor& filter,
                           const std::vector<int32_t>& bias, const ConvParams& params,
                           const FcQuant& q);

// a [.., M, K], b [.., K, N] with equal batch dimensions (b is the symmetric "weights" operand).
// Returns [.., M, N]; per-channel requantisation is over N.
Int8Tensor BatchMatmul(const Int8Tensor& a, const Int8Tensor& b, const FcQuant& q);

// input [batch, K], weights [N, K], bias [N] or empty: ref::FullyConnected with shapes.
Int8Tensor FullyConnectedTensor(const Int8Tensor& input, const Int8Tensor& weights,
                                const std::vector<int32_t>& bias, const FcQuant& q);

// The reference output of an int8 layer (dispatch on spec.op; int4 weights are the unpacked
// values, so an int4 layer's reference is the int8 one). Throws std::invalid_argument for an FP8
// layer.
Int8Tensor LayerReference(const LayerSpec& spec);

// The reference output of an FP8 layer: elements of spec.out_fmt widened to 32 bits.
// fully_connected and matmul: ref::Fp8Gemm per GEMM (the matmul's b read in place); conv2d and
// depthwise_conv2d: per output, fp::Fp8Dot over the taps in im2col order (ky, kx, input channel),
// taps in the padding skipped (the lowering pads with the code +0, which adds nothing). Throws
// std::invalid_argument for an int8 layer or an inconsistent spec.
FpTensor LayerReferenceFp(const LayerSpec& spec);

}  // namespace salsa::ref
