// TFLite (Micro) fully-connected test vectors (tests/data/tflite-micro-fc/*.json) as FcLayers.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/file_read.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

[[noreturn]] void BadVector(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

template <typename T>
std::vector<T> IntList(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi,
                       size_t size, const std::string& path) {
  if (!j.contains(key) || !j[key].is_array()) BadVector(path, std::string(key) + " is not a list");
  if (j[key].size() != size) {
    BadVector(path, std::string(key) + " has " + std::to_string(j[key].size()) +
                        " values; expected " + std::to_string(size));
  }
  std::vector<T> out;
  for (const auto& v : j[key]) {
    const int64_t x = v.get<int64_t>();
    if (x < lo || x > hi) {
      BadVector(path, std::string(key) + " value " + std::to_string(x) + " outside [" +
                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    out.push_back(static_cast<T>(x));
  }
  return out;
}

int32_t IntField(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number_integer()) {
    BadVector(path, std::string(key) + " is missing or not an integer");
  }
  return j[key].get<int32_t>();
}

}  // namespace

FcLayer LoadTfliteVector(const std::string& path) {
  std::string text;
  const std::string problem = ReadRegularFile(path, kMaxVectorFileBytes, &text);
  if (!problem.empty()) BadVector(path, "cannot read the file: " + problem);
  return ParseTfliteVector(text, path);
}

FcLayer ParseTfliteVector(const std::string& text, const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    BadVector(path, std::string("not valid JSON: ") + e.what());
  }
  try {
    FcLayer l;
    l.name = j.value("name", path);
    l.M = IntField(j, "batches", path);
    l.K = IntField(j, "in_features", path);
    l.N = IntField(j, "out_features", path);
    if (l.M < 1 || l.K < 1 || l.N < 1) BadVector(path, "batches, in_features, out_features < 1");
    if (IntField(j, "weights_zero_point", path) != 0) {
      BadVector(path, "weights_zero_point " + std::to_string(j["weights_zero_point"].get<int>()) +
                          " is not supported: salsa requires symmetric weights (zero point 0)");
    }
    const size_t mk = static_cast<size_t>(l.M) * l.K, nk = static_cast<size_t>(l.N) * l.K;
    l.input = IntList<int8_t>(j, "input", -128, 127, mk, path);
    l.weights = IntList<int8_t>(j, "weights", -128, 127, nk, path);
    if (j.contains("bias") && !j["bias"].is_null()) {
      l.bias = IntList<int32_t>(j, "bias", INT32_MIN, INT32_MAX, l.N, path);
    }
    l.input_zero_point = IntField(j, "input_zero_point", path);
    // Per-channel vectors carry a list of N multipliers and shifts; per-tensor ones a number.
    if (j["output_multiplier"].is_array() || j["output_shift"].is_array()) {
      l.channel_multiplier =
          IntList<int32_t>(j, "output_multiplier", INT32_MIN, INT32_MAX, l.N, path);
      l.channel_shift = IntList<int32_t>(j, "output_shift", -31, 30, l.N, path);
    } else {
      l.output_multiplier = IntField(j, "output_multiplier", path);
      l.output_shift = IntField(j, "output_shift", path);
    }
    l.output_zero_point = IntField(j, "output_zero_point", path);
    l.act_min = IntField(j, "act_min", path);
    l.act_max = IntField(j, "act_max", path);
    const char* golden = j.contains("expected_exact") ? "expected_exact" : "expected";
    if (j.contains(golden)) {
      l.expected = IntList<int8_t>(j, golden, -128, 127, static_cast<size_t>(l.M) * l.N, path);
    }
    return l;
  } catch (const nlohmann::json::exception& e) {
    BadVector(path, std::string("malformed vector: ") + e.what());
  }
}

}  // namespace salsa
