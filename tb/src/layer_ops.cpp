// The op-specific parts of a layer file: the tensors and keys of fully_connected (dense or
// 2of4 weights), conv2d, depthwise_conv2d and matmul, checked into a LayerSpec (docs/layers.md).
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "layer_file.h"
#include "salsa/int4.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace layer_file {
namespace {

// int8 data, or FP8 codes (uint8) kept as the same bytes.
Int8Tensor ToInt8(const TensorRef& t) {
  if (t.array.dtype == "u1") {
    const std::vector<uint8_t> u = t.array.Uint8();
    return Int8Tensor{t.shape(), std::vector<int8_t>(u.begin(), u.end())};
  }
  return Int8Tensor{t.shape(), t.array.Int8()};
}

// The .npy dtype of the input and weights: int8, or uint8 FP8 codes.
const char* DataDtype(const LayerSpec& spec) { return IsFp8(spec.dtype) ? "u1" : "i1"; }

// An FP8 layer's optional float32 bias (one per output channel, N of them) into spec->bias_fp32.
void LoadFp8Bias(const TensorLoader& tl, int64_t N, const TensorRef& w, LayerSpec* spec) {
  const std::string layout =
      "[" + std::to_string(N) + "] (one per output channel: each output's start value)";
  TensorRef b;
  if (!tl.Load("bias", "f4", layout, false, &b)) return;
  if (b.shape() != std::vector<int64_t>{N}) {
    tl.Fail(b,
            "shape " + b.array.ShapeString() + ", but the weights have " + std::to_string(N) +
                " output channels (" + w.file + " shape " + w.array.ShapeString() + ")",
            layout);
  }
  spec->bias_fp32 = b.array.Float32Bits();
  spec->bias_file = b.file;
}

// weights_dtype (fully_connected, int8 layers): int8 (the default) or int4 (packed).
bool ParseWeightsInt4(const Doc& doc) {
  const std::string accepted = "int8, int4";
  std::string wd = "int8";
  YAML::Mark mark;
  doc.GetString("weights_dtype", accepted, &wd, &mark);
  if (wd != "int8" && wd != "int4") {
    doc.reporter().Fail(mark, "weights_dtype", "unknown weights_dtype " + Quote(wd), accepted);
  }
  if (wd == "int4" && doc.Find("weights_format")) {
    std::string format;
    doc.GetString("weights_format", "dense, 2of4", &format);
    if (format == "2of4") {
      doc.reporter().Fail(mark, "weights_dtype",
                          "weights_dtype int4 with weights_format " + Quote(format),
                          "weights_dtype int4 with weights_format dense (the default)");
    }
  }
  return wd == "int4";
}

// TFLite-packed int4 weights `w` ([N, ceil(K/2)] int8) unpacked to [N, K] values in -8..7; for
// odd K the last high nibble of every row must be 0.
std::vector<int8_t> UnpackInt4Weights(const TensorLoader& tl, const TensorRef& in,
                                      const TensorRef& w, int64_t K, const std::string& layout) {
  const int64_t packed = (K + 1) / 2, N = w.shape()[0];
  if (w.shape()[1] != packed) {
    tl.Fail(w,
            "shape " + w.array.ShapeString() + " is not [N, ceil(K/2)] = [N, " +
                std::to_string(packed) + "] for the input's K = " + std::to_string(K) + " (" +
                in.file + " shape " + in.array.ShapeString() + ")",
            layout);
  }
  const std::vector<int8_t> bytes = w.array.Int8();
  std::vector<int8_t> out;
  out.reserve(static_cast<size_t>(N * K));
  for (int64_t n = 0; n < N; ++n) {
    const uint8_t* row = reinterpret_cast<const uint8_t*>(bytes.data()) + n * packed;
    if (K % 2 == 1 && (row[packed - 1] & 0xF0) != 0) {
      tl.Fail(w,
              "element (" + std::to_string(n) + ", " + std::to_string(packed - 1) + ") = " +
                  std::to_string(int{bytes[static_cast<size_t>(n * packed + packed - 1)]}) +
                  " has a nonzero high nibble beyond K = " + std::to_string(K),
              "for odd K, the last byte of every row with high nibble 0 (TFLite int4 packing)");
    }
    const std::vector<int8_t> v = int4::Unpack(row, static_cast<size_t>(K));
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::string Dim(const char* what, int64_t v) {
  return std::string(what) + " = " + std::to_string(v);
}

// stride / dilation: an integer or [h, w].
void ParsePair(const Doc& doc, const std::string& key, int* h, int* w) {
  const std::string accepted = "an integer 1..65535 or a list [h, w] of two";
  std::vector<int64_t> v;
  YAML::Mark mark;
  if (!doc.GetIntList(key, 1, 65535, accepted, &v, &mark)) return;
  if (v.size() > 2) {
    doc.reporter().Fail(mark, key, "list of " + std::to_string(v.size()) + " values", accepted);
  }
  *h = static_cast<int>(v[0]);
  *w = static_cast<int>(v.size() == 2 ? v[1] : v[0]);
}

void ParseConvParams(const Doc& doc, LayerSpec* spec) {
  ParsePair(doc, "stride", &spec->conv.stride_h, &spec->conv.stride_w);
  ParsePair(doc, "dilation", &spec->conv.dilation_h, &spec->conv.dilation_w);
  const std::string accepted = "same, valid";
  std::string padding;
  YAML::Mark mark;
  if (!doc.GetString("padding", accepted, &padding, &mark)) {
    doc.reporter().Fail(doc.mark(), "padding", "missing required key", accepted);
  }
  std::string lower = padding;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "same") {
    spec->conv.padding = Padding::kSame;
  } else if (lower == "valid") {
    spec->conv.padding = Padding::kValid;
  } else {
    doc.reporter().Fail(mark, "padding", "unknown padding " + Quote(padding), accepted);
  }
}

void CheckGemmSize(const Doc& doc, const TensorRef& input, int64_t M, int64_t K, int64_t N) {
  if (M > kInt32Max || K > kInt32Max || N > kInt32Max || M * K > kInt32Max) {
    doc.reporter().Fail(input.mark, input.key,
                        input.file + ": the GEMM this layer lowers to (M = " + std::to_string(M) +
                            ", K = " + std::to_string(K) + ", N = " + std::to_string(N) +
                            ") is too large",
                        "M*K, M, K and N below 2^31");
  }
}

// The output's element count against kMaxLayerOutputElements, before anything of the output's
// size is allocated. Reported at `t`, the tensor whose shape completes the output's.
void CheckOutputSize(const TensorLoader& tl, const TensorRef& t, const std::vector<int64_t>& out) {
  const std::string accepted =
      "layers of at most " + std::to_string(kMaxLayerOutputElements) + " (2^26) output elements";
  const std::string count = OutputElementsText(out);
  if (!count.empty()) {
    tl.Fail(t, "the output " + ShapeString(out) + " would have " + count + " elements", accepted);
  }
}

// The optional bias ([out_channels] int32) and the input and weight tensors into the spec, shared
// by fully_connected, conv2d and depthwise_conv2d. `count_prefix` names the count in the message.
void LoadBiasAndTensors(const TensorLoader& tl, const std::string& b_layout,
                        const std::string& count_prefix, int64_t out_channels, const TensorRef& in,
                        const TensorRef& w, LayerSpec* spec) {
  TensorRef b;
  if (tl.Load("bias", "i4", b_layout, false, &b)) {
    if (b.shape() != std::vector<int64_t>{out_channels}) {
      tl.Fail(b,
              "shape " + b.array.ShapeString() + ", but the weights have " + count_prefix +
                  std::to_string(out_channels) + " output channels (" + w.file + " shape " +
                  w.array.ShapeString() + ")",
              b_layout);
    }
    spec->bias = b.array.Int32();
    spec->bias_file = b.file;
  }
  spec->input = ToInt8(in);
  spec->weights = ToInt8(w);
  spec->input_file = in.file;
  spec->weights_file = w.file;
}

// weights_format (fully_connected): dense (the default) or 2of4; weights_meta only with 2of4.
WeightsFormat ParseWeightsFormat(const Doc& doc) {
  const std::string accepted = "dense, 2of4";
  std::string format = "dense";
  YAML::Mark mark;
  doc.GetString("weights_format", accepted, &format, &mark);
  if (format != "dense" && format != "2of4") {
    doc.reporter().Fail(mark, "weights_format", "unknown weights_format " + Quote(format),
                        accepted);
  }
  const Entry* meta = doc.Find("weights_meta");
  if (format == "dense" && meta) {
    doc.reporter().Fail(meta->key.Mark(), "weights_meta",
                        "weights_meta given, but weights_format is dense" +
                            std::string(doc.Find("weights_format") ? "" : " (the default)"),
                        "weights_meta only with weights_format: 2of4");
  }
  if (format == "2of4" && !meta) {
    doc.reporter().Fail(doc.mark(), "weights_meta", "missing required key (weights_format is 2of4)",
                        "a little-endian C-order uint8 (|u1) .npy file of the positions, the "
                        "shape of the compressed weights (path relative to the layer file)");
  }
  return format == "2of4" ? WeightsFormat::k2of4 : WeightsFormat::kDense;
}

// The 2:4 compressed weights `w` ([N, ceil(K/4)*2] values) and their weights_meta positions,
// checked and decompressed into dense [N, K].
std::vector<int8_t> Load2of4Weights(const TensorLoader& tl, const TensorRef& in, const TensorRef& w,
                                    int64_t K, LayerSpec* spec) {
  const int64_t cols = Compressed2of4Cols(K), N = w.shape()[0];
  const std::string shape_text = "[N, ceil(K/4)*2] = [N, " + std::to_string(cols) + "]";
  const std::string w_layout = shape_text + " (weights_format 2of4: the 2 kept values of every " +
                               "group of 4 along K) for the input's K = " + std::to_string(K);
  if (w.shape()[1] != cols) {
    tl.Fail(w,
            "shape " + w.array.ShapeString() + " is not " + shape_text + " for the input's K = " +
                std::to_string(K) + " (" + in.file + " shape " + in.array.ShapeString() + ")",
            w_layout);
  }
  const std::string m_layout = "shape " + w.array.ShapeString() + " (that of " + w.file +
                               "): the position 0..3 inside its group of 4 of each kept value";
  TensorRef m;
  tl.Load("weights_meta", "u1", m_layout, true, &m);
  if (m.shape() != w.shape()) {
    tl.Fail(m,
            "shape " + m.array.ShapeString() + " differs from the compressed weights' shape " +
                w.array.ShapeString() + " (" + w.file + ")",
            m_layout);
  }
  Compressed2of4 c{w.array.Int8(), m.array.Uint8()};
  const Problem2of4 p = Check2of4(c, N, K);
  if (!p.what.empty()) {
    const std::string where = "element " + std::to_string(p.index) + " (row " +
                              std::to_string(p.index / cols) + ", column " +
                              std::to_string(p.index % cols) + "): ";
    if (p.in_values) {
      tl.Fail(w, where + p.what,
              "0 in the slots of a partial last group that lie beyond K = " + std::to_string(K));
    }
    tl.Fail(m, where + p.what,
            "positions 0..3, the two of each group of 4 strictly increasing (uint8 [N, " +
                std::to_string(cols) + "])");
  }
  spec->weights_meta_file = m.file;
  return Decompress2of4(c, N, K);
}

}  // namespace

void ParseFullyConnected(const Doc& doc, const TensorLoader& tl, LayerSpec* spec) {
  const bool fp8 = IsFp8(spec->dtype);
  if (!fp8) {
    spec->weights_int4 = ParseWeightsInt4(doc);
    spec->weights_format = ParseWeightsFormat(doc);
  }
  const bool compressed = spec->weights_format == WeightsFormat::k2of4;
  TensorRef in, w;
  tl.Load("input", DataDtype(*spec), "[batch, K]", true, &in);
  tl.Rank(in, 2, "[batch, K]");
  const int64_t batch = in.shape()[0], K = in.shape()[1];
  const std::string w_layout =
      compressed ? "[N, ceil(K/4)*2] = [N, " + std::to_string(Compressed2of4Cols(K)) +
                       "] (weights_format 2of4) for the input's K = " + std::to_string(K)
      : spec->weights_int4
          ? "[N, ceil(K/2)] = [N, " + std::to_string((K + 1) / 2) +
                "] (weights_dtype int4: two per byte along K, low nibble first) for the input's "
                "K = " +
                std::to_string(K)
          : "[N, K] (TFLite filter layout) with K = " + std::to_string(K);
  tl.Load("weights", DataDtype(*spec), w_layout, true, &w);
  tl.Rank(w, 2, w_layout);
  std::vector<int8_t> dense;
  if (compressed) {
    dense = Load2of4Weights(tl, in, w, K, spec);
  } else if (spec->weights_int4) {
    dense = UnpackInt4Weights(tl, in, w, K, w_layout);
  } else if (w.shape()[1] != K) {
    tl.Fail(w,
            "K = " + std::to_string(w.shape()[1]) + " (shape " + w.array.ShapeString() +
                ") does not match the input's K = " + std::to_string(K) + " (" + in.file +
                " shape " + in.array.ShapeString() + ")",
            w_layout);
  }
  const int64_t N = w.shape()[0];
  CheckGemmSize(doc, in, batch, K, N);
  CheckOutputSize(tl, w, {batch, N});
  if (fp8) {
    LoadFp8Bias(tl, N, w, spec);
    spec->input = ToInt8(in);
    spec->weights = ToInt8(w);
    spec->input_file = in.file;
    spec->weights_file = w.file;
  } else {
    LoadBiasAndTensors(tl, "[N] with N = " + std::to_string(N), "N = ", N, in, w, spec);
  }
  if (compressed || spec->weights_int4) spec->weights = Int8Tensor{{N, K}, std::move(dense)};
  spec->output_shape = {batch, N};
}

void ParseConv(const Doc& doc, const TensorLoader& tl, bool depthwise, LayerSpec* spec) {
  ParseConvParams(doc, spec);
  TensorRef in, w;
  tl.Load("input", DataDtype(*spec), "[batch, H, W, C] (NHWC)", true, &in);
  tl.Rank(in, 4, "[batch, H, W, C] (NHWC)");
  const int64_t C = in.shape()[3];
  const std::string w_layout =
      depthwise ? "[1, KH, KW, C*depth_multiplier] (TFLite depthwise layout) with C = " +
                      std::to_string(C)
                : "[O, KH, KW, C] (OHWI) with C = " + std::to_string(C);
  tl.Load("weights", DataDtype(*spec), w_layout, true, &w);
  tl.Rank(w, 4, w_layout);
  int64_t out_c = 0;
  if (depthwise) {
    if (w.shape()[0] != 1) {
      tl.Fail(w, "shape " + w.array.ShapeString() + ": the first dimension must be 1", w_layout);
    }
    out_c = w.shape()[3];
    if (out_c % C != 0) {
      tl.Fail(w,
              Dim("channels", out_c) + " (shape " + w.array.ShapeString() +
                  ") is not a multiple of the input's C = " + std::to_string(C) + " (" + in.file +
                  " shape " + in.array.ShapeString() + ")",
              w_layout);
    }
    spec->depth_multiplier = static_cast<int>(std::min<int64_t>(out_c / C, kInt32Max));
    int64_t dm = 0;
    YAML::Mark dm_mark;
    if (doc.GetInt("depth_multiplier", 1, kInt32Max, "1.." + std::to_string(kInt32Max), &dm,
                   &dm_mark) &&
        dm != out_c / C) {
      doc.reporter().Fail(dm_mark, "depth_multiplier",
                          "depth_multiplier " + std::to_string(dm) + " does not match the " +
                              "weights: " + w.file + " has " + std::to_string(out_c) +
                              " channels for C = " + std::to_string(C) + " input channels",
                          std::to_string(out_c / C) + " (or omit the key)");
    }
  } else {
    if (w.shape()[3] != C) {
      tl.Fail(w,
              "C = " + std::to_string(w.shape()[3]) + " (shape " + w.array.ShapeString() +
                  ") does not match the input's C = " + std::to_string(C) + " (" + in.file +
                  " shape " + in.array.ShapeString() + ")",
              w_layout);
    }
    out_c = w.shape()[0];
  }
  const ConvParams& p = spec->conv;
  const int64_t out_h = OutSize(p.padding, in.shape()[1], w.shape()[1], p.stride_h, p.dilation_h);
  const int64_t out_w = OutSize(p.padding, in.shape()[2], w.shape()[2], p.stride_w, p.dilation_w);
  if (out_h <= 0 || out_w <= 0) {
    const Entry* e = doc.Find("padding");
    const int64_t eff_h = (w.shape()[1] - 1) * p.dilation_h + 1;
    const int64_t eff_w = (w.shape()[2] - 1) * p.dilation_w + 1;
    doc.reporter().Fail(e->ValueMark(), "padding",
                        "with padding valid the (dilated) " + std::to_string(eff_h) + "x" +
                            std::to_string(eff_w) + " kernel of " + w.file + " does not fit the " +
                            std::to_string(in.shape()[1]) + "x" + std::to_string(in.shape()[2]) +
                            " input of " + in.file + ": the output would be empty",
                        "same, or valid with a kernel no larger than the input");
  }
  const int64_t batch = in.shape()[0];
  const int64_t M = batch * out_h * out_w;
  CheckGemmSize(doc, in, M,
                depthwise ? w.shape()[1] * w.shape()[2] : w.shape()[1] * w.shape()[2] * C, out_c);
  CheckOutputSize(tl, w, {batch, out_h, out_w, out_c});
  if (IsFp8(spec->dtype)) {
    LoadFp8Bias(tl, out_c, w, spec);
    spec->input = ToInt8(in);
    spec->weights = ToInt8(w);
    spec->input_file = in.file;
    spec->weights_file = w.file;
  } else {
    LoadBiasAndTensors(tl,
                       "[" + std::string(depthwise ? "C*depth_multiplier" : "O") + "] with " +
                           std::to_string(out_c) + " entries",
                       "", out_c, in, w, spec);
  }
  spec->output_shape = {batch, out_h, out_w, out_c};
}

void ParseMatmul(const Doc& doc, const TensorLoader& tl, LayerSpec* spec) {
  TensorRef a, b;
  tl.Load("a", DataDtype(*spec), "[.., M, K]", true, &a);
  if (a.shape().size() < 2) {
    tl.Fail(a,
            "rank " + std::to_string(a.shape().size()) + " (shape " + a.array.ShapeString() +
                "), expected rank >= 2",
            "[.., M, K]: rank >= 2");
  }
  const size_t rank = a.shape().size();
  const int64_t M = a.shape()[rank - 2], K = a.shape()[rank - 1];
  const std::string b_layout = "[.., K, N] with the same batch dimensions as a " +
                               a.array.ShapeString() + " and K = " + std::to_string(K);
  tl.Load("b", DataDtype(*spec), b_layout, true, &b);
  tl.Rank(b, rank, b_layout);
  for (size_t i = 0; i + 2 < rank; ++i) {
    if (b.shape()[i] != a.shape()[i]) {
      tl.Fail(b,
              "batch dimensions of shape " + b.array.ShapeString() + " differ from a's (" + a.file +
                  " shape " + a.array.ShapeString() + "; broadcasting is not supported)",
              b_layout);
    }
  }
  if (b.shape()[rank - 2] != K) {
    tl.Fail(b,
            "K = " + std::to_string(b.shape()[rank - 2]) + " (shape " + b.array.ShapeString() +
                ") does not match a's K = " + std::to_string(K) + " (" + a.file + " shape " +
                a.array.ShapeString() + ")",
            b_layout);
  }
  const int64_t N = b.shape()[rank - 1];
  CheckGemmSize(doc, a, M, K, N);
  std::vector<int64_t> out = a.shape();
  out.back() = N;
  CheckOutputSize(tl, b, out);
  if (IsFp8(spec->dtype)) LoadFp8Bias(tl, N, b, spec);
  spec->input = ToInt8(a);
  spec->weights = ToInt8(b);
  spec->input_file = a.file;
  spec->weights_file = b.file;
  spec->output_shape = out;
}

}  // namespace layer_file
}  // namespace salsa
