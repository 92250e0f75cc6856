// Layer files: YAML naming .npy tensors, validated into a LayerSpec (docs/layers.md): the op and
// quantisation keys and the entry points (op tensors: layer_ops.cpp; shapes: layer_shape.cpp).
#include "salsa/layer_spec.h"

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "layer_file.h"
#include "salsa/file_read.h"
#include "salsa/npy.h"
#include "salsa/yaml_diag.h"

namespace salsa {
namespace fs = std::filesystem;

namespace {

using layer_file::Doc;
using layer_file::DtypeText;
using layer_file::Entry;
using layer_file::kDocumentKey;
using layer_file::kInt32Max;
using layer_file::OneLine;
using layer_file::ParseConv;
using layer_file::ParseFullyConnected;
using layer_file::ParseMatmul;
using layer_file::Quote;
using layer_file::Reporter;
using layer_file::TensorLoader;
using yaml_diag::Join;

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

const char* const kInt8OnlyKeys[] = {"input_zero_point", "output_zero_point",  "act_min",
                                     "act_max",          "weights_zero_point", "output_multiplier",
                                     "output_shift",     "input_scale",        "weight_scale",
                                     "weights_format",   "weights_meta",       "weights_dtype"};

// The keys of an FP8 layer of `op`.
std::vector<std::string> Fp8Keys(LayerOp op) {
  std::vector<std::string> keys = {"op", "name", "dtype"};
  if (op == LayerOp::kMatmul) {
    keys.insert(keys.end(), {"a", "b", "bias"});
  } else {
    keys.insert(keys.end(), {"input", "weights", "bias"});
  }
  if (op == LayerOp::kConv2d || op == LayerOp::kDepthwiseConv2d) {
    keys.insert(keys.end(), {"stride", "padding", "dilation"});
  }
  if (op == LayerOp::kDepthwiseConv2d) keys.push_back("depth_multiplier");
  keys.insert(keys.end(), {"output_dtype", "output_scale", "saturate"});
  return keys;
}

// The `dtype` key (default int8), and the keys that belong to the other kind of layer.
void ParseDtype(const Doc& doc, LayerSpec* spec) {
  const Reporter& r = doc.reporter();
  const std::string accepted = "int8, fp8_e4m3, fp8_e5m2";
  std::string dtype = "int8";
  YAML::Mark mark;
  doc.GetString("dtype", accepted, &dtype, &mark);
  if (dtype == "int8") {
    spec->dtype = LayerDtype::kInt8;
  } else if (dtype == "fp8_e4m3") {
    spec->dtype = LayerDtype::kFp8E4M3;
  } else if (dtype == "fp8_e5m2") {
    spec->dtype = LayerDtype::kFp8E5M2;
  } else {
    r.Fail(mark, "dtype", "unknown dtype " + Quote(dtype), accepted);
  }
  if (!IsFp8(spec->dtype)) {
    for (const char* k : {"output_dtype", "saturate"}) {
      if (const Entry* e = doc.Find(k)) {
        r.Fail(e->key.Mark(), k,
               std::string(k) + " is for FP8 layers, but dtype is int8" +
                   (doc.Find("dtype") ? "" : " (the default)"),
               "output_dtype and saturate with dtype: fp8_e4m3 or fp8_e5m2");
      }
    }
    return;
  }
  for (const char* k : kInt8OnlyKeys) {
    if (const Entry* e = doc.Find(k)) {
      r.Fail(e->key.Mark(), k, std::string(k) + " is for int8 layers, but dtype is " + dtype,
             Join(Fp8Keys(spec->op)));
    }
  }
}

// An FP8 layer's output keys: output_dtype, output_scale, saturate.
void ParseFpOutput(const Doc& doc, LayerSpec* spec) {
  const std::string accepted = "float32, bfloat16, fp8_e4m3, fp8_e5m2";
  std::string out = "float32";
  YAML::Mark mark;
  doc.GetString("output_dtype", accepted, &out, &mark);
  if (out == "float32") {
    spec->out_fmt = contract::kOutFp32;
  } else if (out == "bfloat16") {
    spec->out_fmt = contract::kOutBf16;
  } else if (out == "fp8_e4m3") {
    spec->out_fmt = contract::kOutFp8E4M3;
  } else if (out == "fp8_e5m2") {
    spec->out_fmt = contract::kOutFp8E5M2;
  } else {
    doc.reporter().Fail(mark, "output_dtype", "unknown output_dtype " + Quote(out), accepted);
  }
  doc.GetFloat32Bits("output_scale", "a finite number (float32; the outputs are multiplied by it)",
                     &spec->out_scale);
  doc.GetBool("saturate", &spec->saturate);
}

std::vector<std::string> AcceptedKeys(LayerOp op, LayerDtype dtype) {
  if (IsFp8(dtype)) return Fp8Keys(op);
  std::vector<std::string> keys = {"op", "name", "dtype"};
  switch (op) {
    case LayerOp::kFullyConnected:
      keys.insert(keys.end(),
                  {"input", "weights", "bias", "weights_format", "weights_meta", "weights_dtype"});
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

}  // namespace

LayerSpec LoadLayerSpec(const std::string& path) {
  std::string text;
  const std::string problem = ReadRegularFile(path, kMaxYamlFileBytes, &text);
  if (!problem.empty()) {
    throw LayerSpecError(
        OneLine(path + ":1:1: (file): cannot read: " + problem + "; accepted: a YAML layer file"));
  }
  return ParseLayerSpec(text, path);
}

LayerSpec ParseLayerSpec(const std::string& text, const std::string& path) {
  const Reporter reporter(path);
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
  ParseDtype(doc, &spec);
  doc.CheckKnown(AcceptedKeys(spec.op, spec.dtype), op);
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
  if (IsFp8(spec.dtype)) {
    ParseFpOutput(doc, &spec);
  } else {
    ParseQuant(doc, &spec);
  }
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

namespace salsa {

const char* LayerDtypeName(LayerDtype d) {
  switch (d) {
    case LayerDtype::kInt8:
      return "int8";
    case LayerDtype::kFp8E4M3:
      return "fp8_e4m3";
    case LayerDtype::kFp8E5M2:
      return "fp8_e5m2";
  }
  return "?";
}

const char* OutputDtypeName(contract::OutFmt f) {
  switch (f) {
    case contract::kOutInt8:
      return "int8";
    case contract::kOutFp32:
      return "float32";
    case contract::kOutBf16:
      return "bfloat16";
    case contract::kOutFp8E4M3:
      return "fp8_e4m3";
    case contract::kOutFp8E5M2:
      return "fp8_e5m2";
  }
  return "?";
}

const char* OutputNpyDtype(contract::OutFmt f) {
  switch (f) {
    case contract::kOutInt8:
      return "i1";
    case contract::kOutFp32:
      return "f4";
    case contract::kOutBf16:
      return "u2";
    case contract::kOutFp8E4M3:
    case contract::kOutFp8E5M2:
      return "u1";
  }
  return "?";
}

FpTensor LoadExpectedOutputFp(const std::string& npy_path, const std::vector<int64_t>& shape,
                              contract::OutFmt fmt) {
  const NpyArray a = ReadNpy(npy_path);
  const std::string want = OutputNpyDtype(fmt);
  const std::string accepted = "a " + layer_file::DtypeText(want) +
                               " .npy file of the output shape " + ShapeString(shape) +
                               " (output_dtype " + OutputDtypeName(fmt) + ")";
  if (a.dtype != want) {
    throw LayerSpecError(layer_file::OneLine(
        npy_path + ": expected output: dtype " + layer_file::DtypeText(a.dtype) +
        ", the output is " + layer_file::DtypeText(want) + "; accepted: " + accepted));
  }
  if (a.shape != shape) {
    throw LayerSpecError(layer_file::OneLine(npy_path + ": expected output: shape " +
                                             a.ShapeString() + " differs from the output shape " +
                                             ShapeString(shape) + "; accepted: " + accepted));
  }
  FpTensor t{a.shape, {}};
  if (want == "f4") {
    t.data = a.Float32Bits();
  } else if (want == "u2") {
    for (uint16_t v : a.Uint16()) t.data.push_back(v);
  } else {
    for (uint8_t v : a.Uint8()) t.data.push_back(v);
  }
  return t;
}

NpyArray FpOutputToNpy(const FpTensor& y, contract::OutFmt fmt) {
  switch (fmt) {
    case contract::kOutFp32:
      return NpyArray::FromFloat32Bits(y.shape, y.data);
    case contract::kOutBf16:
      return NpyArray::FromUint16(y.shape, std::vector<uint16_t>(y.data.begin(), y.data.end()));
    case contract::kOutFp8E4M3:
    case contract::kOutFp8E5M2:
      return NpyArray::FromUint8(y.shape, std::vector<uint8_t>(y.data.begin(), y.data.end()));
    case contract::kOutInt8:
      break;
  }
  throw std::invalid_argument("FpOutputToNpy: not an FP8 layer's output format");
}

}  // namespace salsa
