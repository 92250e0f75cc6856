// TFLite (Micro) fully-connected test vectors (tests/data/tflite-micro-fc/*.json) as FcLayers.
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/file_read.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

using nlohmann::json;

// A vector is one object whose values are scalars, lists of scalars or objects of scalars (the
// `source` field): a container may start at depth 0 or 1, no deeper. Deeper nesting would only
// cost memory (16 MiB of '[' held about 650 MB as a JSON tree).
constexpr int kMaxVectorDepth = 2;

[[noreturn]] void BadVector(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

// A JSON value for a message: compact, invalid UTF-8 replaced, at most 40 characters.
std::string Shown(const json& v) {
  std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  return s.size() > 40 ? s.substr(0, 40) + "..." : s;
}

std::string Range(int64_t lo, int64_t hi) {
  return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

// An integer in [lo, hi]: a JSON number without fraction or exponent (nlohmann keeps those that
// fit 64 bits as integers; larger ones become floats, whose conversion would be undefined).
int64_t IntValue(const json& v, const std::string& what, int64_t lo, int64_t hi,
                 const std::string& path) {
  const std::string accepted = "; accepted: integers in " + Range(lo, hi);
  if (!v.is_number_integer()) {
    BadVector(path, what + " " + Shown(v) + " is not an integer" + accepted);
  }
  const bool huge = v.is_number_unsigned() &&
                    v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const int64_t x = huge ? hi : v.get<int64_t>();
  if (huge || x < lo || x > hi) {
    BadVector(path, what + " " + Shown(v) + " is out of range" + accepted);
  }
  return x;
}

template <typename T>
std::vector<T> IntList(const json& j, const char* key, int64_t lo, int64_t hi, size_t size,
                       const std::string& path) {
  const std::string accepted =
      "; accepted: a list of " + std::to_string(size) + " integers in " + Range(lo, hi);
  if (!j.contains(key) || !j[key].is_array()) {
    BadVector(path, std::string(key) + " is missing or not a list" + accepted);
  }
  if (j[key].size() != size) {
    BadVector(path,
              std::string(key) + " has " + std::to_string(j[key].size()) + " values" + accepted);
  }
  std::vector<T> out;
  out.reserve(size);
  for (const auto& v : j[key]) {
    out.push_back(static_cast<T>(IntValue(v, std::string(key) + " value", lo, hi, path)));
  }
  return out;
}

int32_t IntField(const json& j, const char* key, int64_t lo, int64_t hi, const std::string& path) {
  if (!j.contains(key)) {
    BadVector(path, std::string(key) + " is missing; accepted: an integer in " + Range(lo, hi));
  }
  return static_cast<int32_t>(IntValue(j[key], key, lo, hi, path));
}

json ParseJson(const std::string& text, const std::string& path) {
  const json::parser_callback_t depth = [&](int d, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        d >= kMaxVectorDepth) {
      BadVector(path, "JSON nested more than " + std::to_string(kMaxVectorDepth) +
                          " levels deep; accepted: an object of scalars, lists of scalars and "
                          "objects of scalars");
    }
    return true;
  };
  try {
    json j = json::parse(text, depth);
    if (!j.is_object()) BadVector(path, "not a JSON object; accepted: a vector's JSON object");
    return j;
  } catch (const json::exception& e) {
    BadVector(path, std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace

FcLayer LoadTfliteVector(const std::string& path) {
  std::string text;
  const std::string problem = ReadRegularFile(path, kMaxVectorFileBytes, &text);
  if (!problem.empty()) BadVector(path, "cannot read the file: " + problem);
  return ParseTfliteVector(text, path);
}

FcLayer ParseTfliteVector(const std::string& text, const std::string& path) {
  constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
  const json j = ParseJson(text, path);
  FcLayer l;
  l.name = path;
  if (j.contains("name")) {
    if (!j["name"].is_string()) {
      BadVector(path, "name " + Shown(j["name"]) + " is not a string; accepted: a string");
    }
    l.name = j["name"].get<std::string>();
  }
  l.M = IntField(j, "batches", 1, kI32Max, path);
  l.K = IntField(j, "in_features", 1, kI32Max, path);
  l.N = IntField(j, "out_features", 1, kI32Max, path);
  const int32_t wzp = IntField(j, "weights_zero_point", kI32Min, kI32Max, path);
  if (wzp != 0) {
    BadVector(path, "weights_zero_point " + std::to_string(wzp) +
                        " is not supported: salsa requires symmetric weights (zero point 0)");
  }
  const size_t mk = static_cast<size_t>(l.M) * l.K, nk = static_cast<size_t>(l.N) * l.K;
  l.input = IntList<int8_t>(j, "input", -128, 127, mk, path);
  l.weights = IntList<int8_t>(j, "weights", -128, 127, nk, path);
  if (j.contains("bias") && !j["bias"].is_null()) {
    l.bias = IntList<int32_t>(j, "bias", kI32Min, kI32Max, l.N, path);
  }
  l.input_zero_point = IntField(j, "input_zero_point", -128, 127, path);
  // Per-channel vectors carry a list of N multipliers and shifts; per-tensor ones a number.
  const auto is_list = [&](const char* k) { return j.contains(k) && j[k].is_array(); };
  if (is_list("output_multiplier") || is_list("output_shift")) {
    l.channel_multiplier = IntList<int32_t>(j, "output_multiplier", kI32Min, kI32Max, l.N, path);
    l.channel_shift = IntList<int32_t>(j, "output_shift", -31, 30, l.N, path);
  } else {
    l.output_multiplier = IntField(j, "output_multiplier", kI32Min, kI32Max, path);
    l.output_shift = IntField(j, "output_shift", -31, 31, path);
  }
  l.output_zero_point = IntField(j, "output_zero_point", -128, 127, path);
  l.act_min = IntField(j, "act_min", -128, 127, path);
  l.act_max = IntField(j, "act_max", -128, 127, path);
  if (l.act_min > l.act_max) {
    BadVector(path, "act_min " + std::to_string(l.act_min) + " > act_max " +
                        std::to_string(l.act_max) + "; accepted: act_min <= act_max");
  }
  const char* golden = j.contains("expected_exact") ? "expected_exact" : "expected";
  if (j.contains(golden)) {
    l.expected = IntList<int8_t>(j, golden, -128, 127, static_cast<size_t>(l.M) * l.N, path);
  }
  return l;
}

}  // namespace salsa
