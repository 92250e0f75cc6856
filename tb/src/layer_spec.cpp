// Layer files: YAML naming .npy tensors, validated into a LayerSpec (docs/layers.md).
#include "salsa/layer_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

#include "salsa/layer_gen.h"
#include "salsa/quant.h"
#include "salsa/yaml_diag.h"

namespace salsa {
namespace fs = std::filesystem;

namespace {

using yaml_diag::Entry;
using yaml_diag::IsDigits;
using yaml_diag::Join;
using yaml_diag::kDocumentKey;
using yaml_diag::OneLine;
using yaml_diag::Quote;
using Reporter = yaml_diag::Reporter<LayerSpecError>;

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

std::string Describe(const YAML::Node& node) {
  return yaml_diag::Describe(node, /*hint_unquote=*/false);
}

std::string DtypeText(const std::string& dtype) {
  if (dtype == "i1") return "int8 (|i1)";
  if (dtype == "i4") return "int32 (<i4)";
  if (dtype == "u1") return "uint8 (|u1)";
  return dtype;
}

// The top-level map of a layer file, with typed getters that report in the standard format.
class Doc {
 public:
  Doc(const Reporter& reporter, const YAML::Node& root) : r_(reporter), mark_(root.Mark()) {
    for (const auto& pair : root) {
      Entry e{pair.first, pair.second};
      if (!e.key.IsScalar()) {
        r_.Fail(e.key.Mark(), kDocumentKey, "a key must be a scalar, got " + Describe(e.key),
                "scalar keys");
      }
      const std::string name = e.key.Scalar();
      if (const Entry* seen = Find(name)) r_.FailDuplicateKey(e.key.Mark(), name, *seen);
      entries_.emplace_back(name, e);
    }
  }

  const Reporter& reporter() const { return r_; }
  const YAML::Mark& mark() const { return mark_; }

  const Entry* Find(const std::string& name) const { return yaml_diag::Find(entries_, name); }

  void CheckKnown(const std::vector<std::string>& accepted, const std::string& op) const {
    for (const auto& [name, e] : entries_) {
      if (std::find(accepted.begin(), accepted.end(), name) != accepted.end()) continue;
      r_.Fail(
          e.key.Mark(), name,
          "unknown key " + Quote(name) + " for op " + op + yaml_diag::DidYouMean(name, accepted),
          Join(accepted));
    }
  }

  // A present, non-null scalar value (quoted or not).
  const Entry& Scalar(const std::string& name, const std::string& what,
                      const std::string& accepted) const {
    const Entry& e = *Find(name);
    if (e.value.IsNull()) r_.Fail(e.ValueMark(), name, "missing value", accepted);
    if (!e.value.IsScalar()) {
      r_.Fail(e.ValueMark(), name, "wrong type: expected " + what + ", got " + Describe(e.value),
              accepted);
    }
    return e;
  }

  bool GetString(const std::string& name, const std::string& accepted, std::string* value,
                 YAML::Mark* mark = nullptr) const {
    if (!Find(name)) return false;
    const Entry& e = Scalar(name, "a string", accepted);
    if (mark) *mark = e.ValueMark();
    *value = e.value.Scalar();
    if (value->empty()) r_.Fail(e.ValueMark(), name, "empty string", accepted);
    return true;
  }

  // Strict decimal integer in [lo, hi].
  int64_t Int(const YAML::Node& node, const YAML::Mark& mark, const std::string& key, int64_t lo,
              int64_t hi, const std::string& accepted) const {
    if (node.IsNull()) r_.Fail(mark, key, "missing value", accepted);
    if (!node.IsScalar() || node.Tag() == "!") {
      r_.Fail(mark, key, "wrong type: expected an integer, got " + Describe(node), accepted);
    }
    const std::string& s = node.Scalar();
    const bool neg = !s.empty() && (s[0] == '-' || s[0] == '+');
    const std::string digits = neg ? s.substr(1) : s;
    if (!IsDigits(digits)) {
      char* end = nullptr;
      errno = 0;
      std::strtod(s.c_str(), &end);
      if (!s.empty() && end == s.c_str() + s.size()) {
        r_.Fail(mark, key, "not an integer: " + Quote(s), accepted);
      }
      r_.Fail(mark, key, "wrong type: expected an integer, got " + Quote(s), accepted);
    }
    if (digits.size() > 1 && digits[0] == '0') {
      r_.Fail(mark, key, "leading zero in " + Quote(s) + " (octal is not accepted)", accepted);
    }
    if (digits.size() > 15) r_.Fail(mark, key, "value " + Quote(s) + " is out of range", accepted);
    int64_t v = std::stoll(digits);
    if (s[0] == '-') v = -v;
    if (v < lo || v > hi) r_.Fail(mark, key, "value " + Quote(s) + " is out of range", accepted);
    return v;
  }

  bool GetInt(const std::string& name, int64_t lo, int64_t hi, const std::string& accepted,
              int64_t* value, YAML::Mark* mark = nullptr) const {
    const Entry* e = Find(name);
    if (!e) return false;
    if (mark) *mark = e->ValueMark();
    *value = Int(e->value, e->ValueMark(), name, lo, hi, accepted);
    return true;
  }

  // An integer or a non-empty list of integers, each in [lo, hi].
  bool GetIntList(const std::string& name, int64_t lo, int64_t hi, const std::string& accepted,
                  std::vector<int64_t>* values, YAML::Mark* mark = nullptr) const {
    const Entry* e = Find(name);
    if (!e) return false;
    if (mark) *mark = e->ValueMark();
    values->clear();
    if (e->value.IsSequence()) {
      if (e->value.size() == 0) r_.Fail(e->ValueMark(), name, "empty list", accepted);
      for (const auto& item : e->value) {
        values->push_back(Int(item, item.Mark(), name, lo, hi, accepted));
      }
    } else {
      values->push_back(Int(e->value, e->ValueMark(), name, lo, hi, accepted));
    }
    return true;
  }

  // A positive, finite real that is representable as a positive float32.
  float Scale(const YAML::Node& node, const YAML::Mark& mark, const std::string& key,
              const std::string& accepted) const {
    if (node.IsNull()) r_.Fail(mark, key, "missing value", accepted);
    if (!node.IsScalar() || node.Tag() == "!") {
      r_.Fail(mark, key, "wrong type: expected a number, got " + Describe(node), accepted);
    }
    const std::string& s = node.Scalar();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    const bool parsed = !s.empty() && end == s.c_str() + s.size();
    if (!parsed) {
      if (s == ".inf" || s == "-.inf" || s == "+.inf" || s == ".nan" || s == ".NaN" ||
          s == ".NAN" || s == ".Inf" || s == ".INF") {
        r_.Fail(mark, key, "scale " + Quote(s) + " is not finite", accepted);
      }
      r_.Fail(mark, key, "wrong type: expected a number, got " + Quote(s), accepted);
    }
    if (!std::isfinite(d)) r_.Fail(mark, key, "scale " + Quote(s) + " is not finite", accepted);
    if (d <= 0) r_.Fail(mark, key, "scale " + Quote(s) + " is not > 0", accepted);
    const float f = static_cast<float>(d);
    if (!(f > 0) || !std::isfinite(f)) {
      r_.Fail(mark, key, "scale " + Quote(s) + " is not representable as a positive float32",
              accepted);
    }
    return f;
  }

  bool GetScaleList(const std::string& name, const std::string& accepted,
                    std::vector<float>* values, YAML::Mark* mark = nullptr) const {
    const Entry* e = Find(name);
    if (!e) return false;
    if (mark) *mark = e->ValueMark();
    values->clear();
    if (e->value.IsSequence()) {
      if (e->value.size() == 0) r_.Fail(e->ValueMark(), name, "empty list", accepted);
      for (const auto& item : e->value) {
        values->push_back(Scale(item, item.Mark(), name, accepted));
      }
    } else {
      values->push_back(Scale(e->value, e->ValueMark(), name, accepted));
    }
    return true;
  }

 private:
  const Reporter& r_;
  YAML::Mark mark_;
  yaml_diag::Entries entries_;
};

// One tensor named by a key: its resolved file, where it was named, and its contents.
struct TensorRef {
  std::string key;
  std::string file;
  YAML::Mark mark;
  NpyArray array;
  const std::vector<int64_t>& shape() const { return array.shape; }
};

class TensorLoader {
 public:
  TensorLoader(const Doc& doc, fs::path base) : doc_(doc), base_(std::move(base)) {}

  // Returns false if the key is absent and not required.
  bool Load(const std::string& key, const std::string& dtype, const std::string& layout,
            bool required, TensorRef* t) const {
    const std::string accepted = "a little-endian C-order " + DtypeText(dtype) + " .npy file " +
                                 layout + " (path relative to the layer file)";
    std::string rel;
    if (!doc_.GetString(key, accepted, &rel, &t->mark)) {
      if (required) doc_.reporter().Fail(doc_.mark(), key, "missing required key", accepted);
      return false;
    }
    t->key = key;
    const fs::path p(rel);
    t->file = p.is_absolute() ? p.string() : (base_ / p).lexically_normal().string();
    try {
      t->array = ReadNpy(t->file);
    } catch (const NpyError& e) {
      doc_.reporter().Fail(t->mark, key, t->file + ": " + e.reason(), accepted);
    }
    if (t->array.dtype != dtype) {
      Fail(*t, "dtype " + DtypeText(t->array.dtype) + ", expected " + DtypeText(dtype), accepted);
    }
    for (int64_t d : t->shape()) {
      if (d == 0) Fail(*t, "empty tensor: shape " + t->array.ShapeString(), accepted);
    }
    return true;
  }

  [[noreturn]] void Fail(const TensorRef& t, const std::string& problem,
                         const std::string& accepted) const {
    doc_.reporter().Fail(t.mark, t.key, t.file + ": " + problem, accepted);
  }

  void Rank(const TensorRef& t, size_t rank, const std::string& layout) const {
    if (t.shape().size() != rank) {
      Fail(t,
           "rank " + std::to_string(t.shape().size()) + " (shape " + t.array.ShapeString() +
               "), expected rank " + std::to_string(rank),
           "rank " + std::to_string(rank) + " " + layout);
    }
  }

 private:
  const Doc& doc_;
  fs::path base_;
};

Int8Tensor ToInt8(const TensorRef& t) { return Int8Tensor{t.shape(), t.array.Int8()}; }

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

void CheckGemmSize(const Doc& doc, const TensorRef& input, int64_t M, int64_t K, int64_t N) {
  if (M > kInt32Max || K > kInt32Max || N > kInt32Max || M * K > kInt32Max) {
    doc.reporter().Fail(input.mark, input.key,
                        input.file + ": the GEMM this layer lowers to (M = " + std::to_string(M) +
                            ", K = " + std::to_string(K) + ", N = " + std::to_string(N) +
                            ") is too large",
                        "M*K, M, K and N below 2^31");
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

void ParseFullyConnected(const Doc& doc, const TensorLoader& tl, LayerSpec* spec) {
  spec->weights_format = ParseWeightsFormat(doc);
  const bool compressed = spec->weights_format == WeightsFormat::k2of4;
  TensorRef in, w;
  tl.Load("input", "i1", "[batch, K]", true, &in);
  tl.Rank(in, 2, "[batch, K]");
  const int64_t batch = in.shape()[0], K = in.shape()[1];
  const std::string w_layout =
      compressed ? "[N, ceil(K/4)*2] = [N, " + std::to_string(Compressed2of4Cols(K)) +
                       "] (weights_format 2of4) for the input's K = " + std::to_string(K)
                 : "[N, K] (TFLite filter layout) with K = " + std::to_string(K);
  tl.Load("weights", "i1", w_layout, true, &w);
  tl.Rank(w, 2, w_layout);
  std::vector<int8_t> dense;
  if (compressed) {
    dense = Load2of4Weights(tl, in, w, K, spec);
  } else if (w.shape()[1] != K) {
    tl.Fail(w,
            "K = " + std::to_string(w.shape()[1]) + " (shape " + w.array.ShapeString() +
                ") does not match the input's K = " + std::to_string(K) + " (" + in.file +
                " shape " + in.array.ShapeString() + ")",
            w_layout);
  }
  const int64_t N = w.shape()[0];
  CheckGemmSize(doc, in, batch, K, N);
  LoadBiasAndTensors(tl, "[N] with N = " + std::to_string(N), "N = ", N, in, w, spec);
  if (compressed) spec->weights = Int8Tensor{{N, K}, std::move(dense)};
  spec->output_shape = {batch, N};
}

void ParseConv(const Doc& doc, const TensorLoader& tl, bool depthwise, LayerSpec* spec) {
  ParseConvParams(doc, spec);
  TensorRef in, w;
  tl.Load("input", "i1", "[batch, H, W, C] (NHWC)", true, &in);
  tl.Rank(in, 4, "[batch, H, W, C] (NHWC)");
  const int64_t C = in.shape()[3];
  const std::string w_layout =
      depthwise ? "[1, KH, KW, C*depth_multiplier] (TFLite depthwise layout) with C = " +
                      std::to_string(C)
                : "[O, KH, KW, C] (OHWI) with C = " + std::to_string(C);
  tl.Load("weights", "i1", w_layout, true, &w);
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
  LoadBiasAndTensors(tl,
                     "[" + std::string(depthwise ? "C*depth_multiplier" : "O") + "] with " +
                         std::to_string(out_c) + " entries",
                     "", out_c, in, w, spec);
  spec->output_shape = {batch, out_h, out_w, out_c};
}

void ParseMatmul(const Doc& doc, const TensorLoader& tl, LayerSpec* spec) {
  TensorRef a, b;
  tl.Load("a", "i1", "[.., M, K]", true, &a);
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
  tl.Load("b", "i1", b_layout, true, &b);
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
  spec->input = ToInt8(a);
  spec->weights = ToInt8(b);
  spec->input_file = a.file;
  spec->weights_file = b.file;
  spec->output_shape = a.shape();
  spec->output_shape.back() = N;
}

void ParseQuant(const Doc& doc, LayerSpec* spec) {
  const Reporter& r = doc.reporter();
  const int64_t channels = OutputChannels(*spec);
  ref::FcQuant& q = spec->quant;
  const std::string int8 = "an integer in -128..127";
  int64_t v = 0;
  if (doc.GetInt("input_zero_point", -128, 127, int8, &v))
    q.input_zero_point = static_cast<int32_t>(v);
  if (doc.GetInt("output_zero_point", -128, 127, int8, &v)) {
    q.output_zero_point = static_cast<int32_t>(v);
  }
  if (doc.GetInt("act_min", -128, 127, int8, &v)) q.act_min = static_cast<int32_t>(v);
  YAML::Mark max_mark = doc.mark();
  if (doc.GetInt("act_max", -128, 127, int8, &v, &max_mark)) q.act_max = static_cast<int32_t>(v);
  if (q.act_min > q.act_max) {
    r.Fail(max_mark, "act_max",
           "act_min " + std::to_string(q.act_min) + " > act_max " + std::to_string(q.act_max),
           "-128 <= act_min <= act_max <= 127");
  }

  const std::string per_channel =
      "a single value or a list of 1 or " + std::to_string(channels) + " (one per output channel)";
  std::vector<int64_t> wzp;
  YAML::Mark wzp_mark;
  if (doc.GetIntList("weights_zero_point", -128, 127, "0 (or a list of zeros)", &wzp, &wzp_mark)) {
    for (int64_t z : wzp) {
      if (z != 0) {
        r.Fail(wzp_mark, "weights_zero_point",
               "weights zero point " + std::to_string(z) +
                   " is not 0: salsa requires symmetric int8 weights",
               "0 (or a list of zeros)");
      }
    }
  }

  auto check_count = [&](const std::string& key, size_t n, const YAML::Mark& mark,
                         const std::string& accepted) {
    if (n != 1 && static_cast<int64_t>(n) != channels) {
      r.Fail(mark, key,
             "list of " + std::to_string(n) + " values for " + std::to_string(channels) +
                 " output channels",
             accepted);
    }
  };

  const bool has_mult = doc.Find("output_multiplier") || doc.Find("output_shift");
  const char* scale_keys[] = {"input_scale", "weight_scale", "output_scale"};
  const char* first_scale = nullptr;
  for (const char* k : scale_keys) {
    if (doc.Find(k) && !first_scale) first_scale = k;
  }
  const std::string both =
      "either output_multiplier + output_shift, or input_scale + weight_scale + output_scale";
  if (has_mult && first_scale) {
    r.Fail(doc.Find(first_scale)->key.Mark(), first_scale,
           "quantisation given both as output_multiplier/output_shift and as scales", both);
  }
  if (!has_mult && !first_scale) {
    r.Fail(doc.mark(), kDocumentKey, "missing quantisation", both);
  }
  if (has_mult) {
    for (const char* k : {"output_multiplier", "output_shift"}) {
      if (!doc.Find(k)) {
        r.Fail(doc.mark(), k,
               "missing required key (the other of output_multiplier/output_shift "
               "is given)",
               both);
      }
    }
    std::vector<int64_t> mult, shift;
    YAML::Mark mult_mark, shift_mark;
    const std::string mult_acc = "integers in 0..2147483647: " + per_channel;
    const std::string shift_acc =
        "integers in -31..31 (TFLite convention: > 0 shifts left): " + per_channel +
        ", as many as output_multiplier";
    doc.GetIntList("output_multiplier", 0, kInt32Max, mult_acc, &mult, &mult_mark);
    doc.GetIntList("output_shift", -31, 31, shift_acc, &shift, &shift_mark);
    check_count("output_multiplier", mult.size(), mult_mark, mult_acc);
    check_count("output_shift", shift.size(), shift_mark, shift_acc);
    if (shift.size() != mult.size()) {
      r.Fail(shift_mark, "output_shift",
             "output_shift has " + std::to_string(shift.size()) + " entries, output_multiplier " +
                 std::to_string(mult.size()),
             shift_acc);
    }
    q.output_multiplier.assign(mult.begin(), mult.end());
    q.output_shift.assign(shift.begin(), shift.end());
    return;
  }
  for (const char* k : scale_keys) {
    if (!doc.Find(k)) {
      r.Fail(doc.mark(), k, "missing required key (the scales are given)", both);
    }
  }
  const std::string scalar_acc = "a positive number (stored as float32, as TFLite does)";
  const std::string list_acc = "positive numbers (float32): " + per_channel;
  std::vector<float> in_s, w_s, out_s;
  YAML::Mark in_mark, w_mark, out_mark;
  doc.GetScaleList("input_scale", scalar_acc, &in_s, &in_mark);
  doc.GetScaleList("weight_scale", list_acc, &w_s, &w_mark);
  doc.GetScaleList("output_scale", scalar_acc, &out_s, &out_mark);
  if (in_s.size() != 1) r.Fail(in_mark, "input_scale", "a list, not one value", scalar_acc);
  if (out_s.size() != 1) r.Fail(out_mark, "output_scale", "a list, not one value", scalar_acc);
  check_count("weight_scale", w_s.size(), w_mark, list_acc);
  std::vector<int32_t> mult, shift;
  ScalesToMultipliers(spec->op, in_s[0], w_s, out_s[0], &mult, &shift);
  for (size_t c = 0; c < mult.size(); ++c) {
    if (shift[c] > 31) {
      r.Fail(w_mark, "weight_scale",
             "the effective scale input_scale*weight_scale/output_scale of channel " +
                 std::to_string(c) + " is 2^31 or more",
             "effective scales below 2^31");
    }
  }
  q.output_multiplier = mult;
  q.output_shift = shift;
}

std::vector<std::string> AcceptedKeys(LayerOp op) {
  std::vector<std::string> keys = {"op", "name"};
  switch (op) {
    case LayerOp::kFullyConnected:
      keys.insert(keys.end(), {"input", "weights", "bias", "weights_format", "weights_meta"});
      break;
    case LayerOp::kConv2d:
      keys.insert(keys.end(), {"input", "weights", "bias", "stride", "padding", "dilation"});
      break;
    case LayerOp::kDepthwiseConv2d:
      keys.insert(keys.end(), {"input", "weights", "bias", "stride", "padding", "dilation",
                               "depth_multiplier"});
      break;
    case LayerOp::kMatmul:
      keys.insert(keys.end(), {"a", "b"});
      break;
  }
  keys.insert(keys.end(),
              {"input_zero_point", "output_zero_point", "act_min", "act_max", "weights_zero_point",
               "output_multiplier", "output_shift", "input_scale", "weight_scale", "output_scale"});
  return keys;
}

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
  const int64_t channels = OutputChannels(spec);
  if (!spec.bias.empty()) {
    if (spec.op == LayerOp::kMatmul) Invalid("matmul takes no bias");
    if (static_cast<int64_t>(spec.bias.size()) != channels) {
      Invalid("bias has " + std::to_string(spec.bias.size()) + " entries for " +
              std::to_string(channels) + " output channels");
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

LayerSpec LoadLayerSpec(const std::string& path) {
  const Reporter reporter(path);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw LayerSpecError(OneLine(path + ":1:1: (file): cannot read: it is a directory; accepted: "
                                        "a YAML layer file"));
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    const int err = errno;
    throw LayerSpecError(
        OneLine(path + ":1:1: (file): cannot read: " + (err ? std::strerror(err) : "open failed") +
                "; accepted: a YAML layer file"));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const std::string ops = "op: fully_connected, conv2d, depthwise_conv2d or matmul, with its keys";
  const Doc doc(reporter, yaml_diag::LoadSingleMap(reporter, text, ops, /*hint_unquote=*/false));

  LayerSpec spec;
  spec.path = path;
  const std::string op_acc = "fully_connected, conv2d, depthwise_conv2d, matmul";
  std::string op;
  YAML::Mark op_mark;
  if (!doc.GetString("op", op_acc, &op, &op_mark)) {
    reporter.Fail(doc.mark(), "op", "missing required key", op_acc);
  }
  if (op == "fully_connected") {
    spec.op = LayerOp::kFullyConnected;
  } else if (op == "conv2d") {
    spec.op = LayerOp::kConv2d;
  } else if (op == "depthwise_conv2d") {
    spec.op = LayerOp::kDepthwiseConv2d;
  } else if (op == "matmul") {
    spec.op = LayerOp::kMatmul;
  } else {
    reporter.Fail(op_mark, "op", "unknown op " + Quote(op), op_acc);
  }
  doc.CheckKnown(AcceptedKeys(spec.op), op);
  if (!doc.GetString("name", "a string", &spec.name)) spec.name = fs::path(path).stem().string();

  const TensorLoader tl(doc, fs::path(path).parent_path());
  switch (spec.op) {
    case LayerOp::kFullyConnected:
      ParseFullyConnected(doc, tl, &spec);
      break;
    case LayerOp::kConv2d:
    case LayerOp::kDepthwiseConv2d:
      ParseConv(doc, tl, spec.op == LayerOp::kDepthwiseConv2d, &spec);
      break;
    case LayerOp::kMatmul:
      ParseMatmul(doc, tl, &spec);
      break;
  }
  ParseQuant(doc, &spec);
  try {
    if (LayerOutputShape(spec) != spec.output_shape) {
      reporter.Fail(doc.mark(), kDocumentKey, "internal: output shape mismatch", "");
    }
  } catch (const std::invalid_argument& e) {
    reporter.Fail(doc.mark(), kDocumentKey, e.what(), "a consistent layer");
  }
  return spec;
}

Int8Tensor LoadExpectedOutput(const std::string& npy_path, const std::vector<int64_t>& shape) {
  const NpyArray a = ReadNpy(npy_path);
  const std::string accepted = "an int8 (|i1) .npy file of the output shape " + ShapeString(shape);
  if (a.dtype != "i1") {
    throw LayerSpecError(OneLine(npy_path + ": expected output: dtype " + DtypeText(a.dtype) +
                                 ", the output is int8 (|i1); accepted: " + accepted));
  }
  if (a.shape != shape) {
    throw LayerSpecError(OneLine(npy_path + ": expected output: shape " + a.ShapeString() +
                                 " differs from the output shape " + ShapeString(shape) +
                                 "; accepted: " + accepted));
  }
  return Int8Tensor{a.shape, a.Int8()};
}

}  // namespace salsa
