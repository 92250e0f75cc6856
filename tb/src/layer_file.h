// Internals of the layer-file loader (layer_spec.cpp, layer_ops.cpp, layer_shape.cpp): the YAML
// document with typed getters (Doc), the .npy tensor loader (TensorLoader) and the op parsers.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "salsa/layer_spec.h"
#include "salsa/yaml_diag.h"

namespace salsa {
namespace layer_file {
namespace fs = std::filesystem;

using yaml_diag::Entry;
using yaml_diag::IsDigits;
using yaml_diag::Join;
using yaml_diag::kDocumentKey;
using yaml_diag::OneLine;
using yaml_diag::Quote;
using Reporter = yaml_diag::Reporter<LayerSpecError>;

inline constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

inline std::string Describe(const YAML::Node& node) {
  return yaml_diag::Describe(node, /*hint_unquote=*/false);
}

inline std::string DtypeText(const std::string& dtype) {
  if (dtype == "i1") return "int8 (|i1)";
  if (dtype == "i4") return "int32 (<i4)";
  if (dtype == "u1") return "uint8 (|u1)";
  if (dtype == "u2") return "uint16 (<u2)";
  if (dtype == "f4") return "float32 (<f4)";
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
    return GetList(name, accepted, values, mark, [&](const YAML::Node& n, const YAML::Mark& m) {
      return Int(n, m, name, lo, hi, accepted);
    });
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

  // A bool (true/false, yes/no, on/off as YAML reads them).
  bool GetBool(const std::string& name, bool* value) const {
    const Entry* e = Find(name);
    if (!e) return false;
    const std::string accepted = "true, false";
    if (e->value.IsNull()) r_.Fail(e->ValueMark(), name, "missing value", accepted);
    bool b = false;
    if (!e->value.IsScalar() || e->value.Tag() == "!" ||
        !YAML::convert<bool>::decode(e->value, b)) {
      r_.Fail(e->ValueMark(), name, "wrong type: expected a bool, got " + Describe(e->value),
              accepted);
    }
    *value = b;
    return true;
  }

  // A finite real representable as a finite float32 (rounded to nearest); its bit pattern.
  bool GetFloat32Bits(const std::string& name, const std::string& accepted, uint32_t* bits) const {
    const Entry* e = Find(name);
    if (!e) return false;
    const YAML::Node& node = e->value;
    const YAML::Mark mark = e->ValueMark();
    if (node.IsNull()) r_.Fail(mark, name, "missing value", accepted);
    if (!node.IsScalar() || node.Tag() == "!") {
      r_.Fail(mark, name, "wrong type: expected a number, got " + Describe(node), accepted);
    }
    const std::string& s = node.Scalar();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) {
      std::string lower = s;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan") {
        r_.Fail(mark, name, "value " + Quote(s) + " is not finite", accepted);
      }
      r_.Fail(mark, name, "wrong type: expected a number, got " + Quote(s), accepted);
    }
    const float f = static_cast<float>(d);
    if (!std::isfinite(d) || !std::isfinite(f)) {
      r_.Fail(mark, name, "value " + Quote(s) + " is not a finite float32", accepted);
    }
    std::memcpy(bits, &f, sizeof f);
    return true;
  }

  bool GetScaleList(const std::string& name, const std::string& accepted,
                    std::vector<float>* values, YAML::Mark* mark = nullptr) const {
    return GetList(name, accepted, values, mark, [&](const YAML::Node& n, const YAML::Mark& m) {
      return Scale(n, m, name, accepted);
    });
  }

 private:
  // `name`'s value: one item or a non-empty list of items, each read by item(node, mark).
  template <class T, class Item>
  bool GetList(const std::string& name, const std::string& accepted, std::vector<T>* values,
               YAML::Mark* mark, Item item) const {
    const Entry* e = Find(name);
    if (!e) return false;
    if (mark) *mark = e->ValueMark();
    values->clear();
    if (e->value.IsSequence()) {
      if (e->value.size() == 0) r_.Fail(e->ValueMark(), name, "empty list", accepted);
      for (const auto& node : e->value) values->push_back(item(node, node.Mark()));
    } else {
      values->push_back(item(e->value, e->ValueMark()));
    }
    return true;
  }

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

// Output size along one axis as TFLite's ComputeOutSize; <= 0 means empty (layer_shape.cpp).
int64_t OutSize(Padding padding, int64_t in, int64_t k, int64_t stride, int64_t dilation);
// TFLite's ComputePadding: the leading (top/left) padding; the odd pixel goes to the end.
int64_t PadBefore(int64_t in, int64_t k, int64_t stride, int64_t dilation, int64_t out);
// The element count of an output `shape` when it is over kMaxLayerOutputElements (as text, without
// overflow), else "" (layer_shape.cpp).
std::string OutputElementsText(const std::vector<int64_t>& shape);

// The op-specific keys and tensors into the spec (layer_ops.cpp).
void ParseFullyConnected(const Doc& doc, const TensorLoader& tl, LayerSpec* spec);
void ParseConv(const Doc& doc, const TensorLoader& tl, bool depthwise, LayerSpec* spec);
void ParseMatmul(const Doc& doc, const TensorLoader& tl, LayerSpec* spec);

}  // namespace layer_file
}  // namespace salsa
