// External acceptance suite: int8 fully-connected cases from the TensorFlow Lite (Micro) kernel
// tests (tests/data/tflite-micro-fc/README.md). salsa::ref::FullyConnected must reproduce every
// `expected` (or `expected_exact`) bit for bit; legacy cases with a nonzero weights zero point
// must be rejected. Every *.json under the directory is picked up, so new vectors need no code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/reference.h"

#ifndef SALSA_VECTORS_DIR
#error "SALSA_VECTORS_DIR must be defined (tests/data, which holds tflite-micro-fc/)"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char kLegacyDir[] = "nonzero-weight-zero-point";

fs::path VectorsRoot() { return fs::path(SALSA_VECTORS_DIR) / "tflite-micro-fc"; }

// All *.json files under the root, sorted for a stable order.
std::vector<fs::path> AllVectorFiles() {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(VectorsRoot(), ec)) return files;
  for (const auto& e : fs::recursive_directory_iterator(VectorsRoot())) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool InLegacyDir(const fs::path& p) { return p.parent_path().filename() == kLegacyDir; }

json Load(const fs::path& p) {
  std::ifstream f(p);
  if (!f) throw std::runtime_error("cannot open " + p.string());
  return json::parse(f);
}

int64_t Int(const json& j, const std::string& key) {
  if (!j.contains(key) || !j.at(key).is_number_integer()) {
    throw std::runtime_error("field '" + key + "' missing or not an integer");
  }
  return j.at(key).get<int64_t>();
}

template <typename T>
T Narrow(int64_t v, const std::string& what) {
  if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
    throw std::runtime_error(what + " value " + std::to_string(v) + " out of range");
  }
  return static_cast<T>(v);
}

template <typename T>
std::vector<T> IntArray(const json& j, const std::string& key, size_t want_size) {
  if (!j.contains(key) || !j.at(key).is_array()) {
    throw std::runtime_error("field '" + key + "' missing or not an array");
  }
  const json& a = j.at(key);
  if (a.size() != want_size) {
    throw std::runtime_error("field '" + key + "' has " + std::to_string(a.size()) +
                             " elements, want " + std::to_string(want_size));
  }
  std::vector<T> out;
  out.reserve(a.size());
  for (const json& v : a) {
    if (!v.is_number_integer()) throw std::runtime_error("field '" + key + "': non-integer");
    out.push_back(Narrow<T>(v.get<int64_t>(), key));
  }
  return out;
}

// A scalar (per-tensor) or an array of N (per-channel) int32 values.
std::vector<int32_t> ScalarOrArray(const json& j, const std::string& key, size_t n) {
  if (j.contains(key) && j.at(key).is_array()) return IntArray<int32_t>(j, key, n);
  return {Narrow<int32_t>(Int(j, key), key)};
}

struct Case {
  std::string name;
  int M = 0, K = 0, N = 0;
  std::vector<int8_t> input, weights;
  std::vector<int32_t> bias;  // N entries, or empty when the source had no bias tensor
  bool bias_null_in_source = false;
  salsa::ref::FcQuant q;
  std::vector<int8_t> expected;
};

Case Parse(const fs::path& p) {
  const json j = Load(p);
  Case c;
  c.name = j.value("name", p.stem().string());
  c.M = Narrow<int>(Int(j, "batches"), "batches");
  c.K = Narrow<int>(Int(j, "in_features"), "in_features");
  c.N = Narrow<int>(Int(j, "out_features"), "out_features");
  if (c.M < 1 || c.K < 1 || c.N < 1) throw std::runtime_error("nonpositive shape");
  const size_t M = static_cast<size_t>(c.M), K = static_cast<size_t>(c.K),
               N = static_cast<size_t>(c.N);
  c.input = IntArray<int8_t>(j, "input", M * K);
  c.weights = IntArray<int8_t>(j, "weights", N * K);
  c.bias_null_in_source = j.value("bias_is_null_in_source", false);
  if (j.contains("bias") && !j.at("bias").is_null()) c.bias = IntArray<int32_t>(j, "bias", N);
  c.q.input_zero_point = Narrow<int32_t>(Int(j, "input_zero_point"), "input_zero_point");
  c.q.weights_zero_point = Narrow<int32_t>(Int(j, "weights_zero_point"), "weights_zero_point");
  c.q.output_multiplier = ScalarOrArray(j, "output_multiplier", N);
  c.q.output_shift = ScalarOrArray(j, "output_shift", N);
  if (j.value("per_channel", false) && c.q.output_multiplier.size() != N) {
    throw std::runtime_error("per_channel case without N multipliers");
  }
  c.q.output_zero_point = Narrow<int32_t>(Int(j, "output_zero_point"), "output_zero_point");
  c.q.act_min = Narrow<int32_t>(Int(j, "act_min"), "act_min");
  c.q.act_max = Narrow<int32_t>(Int(j, "act_max"), "act_max");
  // The bit-exact golden where the source test only had a tolerance.
  c.expected =
      IntArray<int8_t>(j, j.contains("expected_exact") ? "expected_exact" : "expected", M * N);
  return c;
}

// "" when equal, else a description of the first mismatch.
std::string FirstMismatch(const Case& c, const std::vector<int8_t>& got,
                          const std::vector<int32_t>& acc) {
  if (got.size() != c.expected.size()) {
    return "size " + std::to_string(got.size()) + ", expected " + std::to_string(c.expected.size());
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != c.expected[i]) {
      std::ostringstream s;
      s << "first mismatch at index " << i << " (m=" << i / static_cast<size_t>(c.N)
        << ", n=" << i % static_cast<size_t>(c.N) << "): expected "
        << static_cast<int>(c.expected[i]) << ", got " << static_cast<int>(got[i]) << " (acc+bias "
        << acc[i] << ")";
      return s.str();
    }
  }
  return "";
}

TEST(TfliteVectors, DirectoryHasVectors) {
  ASSERT_TRUE(fs::is_directory(VectorsRoot())) << VectorsRoot() << " is missing";
  EXPECT_FALSE(AllVectorFiles().empty());
}

// Parses p into *c; a case that does not parse is a test failure (false).
bool ParseOrFail(const fs::path& p, Case* c) {
  try {
    *c = Parse(p);
    return true;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot parse: " << e.what();
    return false;
  }
}

// The bias the reference gets: nullptr where the source had none (or there is no bias array).
const int32_t* BiasArgument(const Case& c) {
  return c.bias_null_in_source || c.bias.empty() ? nullptr : c.bias.data();
}

TEST(TfliteVectors, AllCasesBitExact) {
  int ran = 0;
  for (const fs::path& p : AllVectorFiles()) {
    if (InLegacyDir(p)) continue;
    SCOPED_TRACE(p.string());
    Case c;
    if (!ParseOrFail(p, &c)) continue;
    if (c.q.weights_zero_point != 0) {
      ADD_FAILURE() << "nonzero weights zero point outside " << kLegacyDir << "/";
      continue;
    }
    if (c.name.find("Int4") != std::string::npos) {
      // Int4 weights come unpacked: every value must be a signed nibble.
      for (int8_t w : c.weights) ASSERT_TRUE(w >= -8 && w <= 7) << "int4 weight " << int{w};
    }
    // A bias tensor absent in the source goes in as nullptr; its zeros array must agree.
    const int32_t* bias = BiasArgument(c);
    if (c.bias_null_in_source && !c.bias.empty()) {
      EXPECT_TRUE(std::all_of(c.bias.begin(), c.bias.end(), [](int32_t b) { return b == 0; }))
          << "bias_is_null_in_source but the bias array is not all zeros";
    }

    std::vector<int8_t> got;
    std::vector<int32_t> acc;
    try {
      got = salsa::ref::FullyConnected(c.input.data(), c.weights.data(), bias, c.M, c.K, c.N, c.q);
      acc = salsa::ref::FullyConnectedAcc(c.input.data(), c.weights.data(), bias, c.M, c.K, c.N,
                                          c.q.input_zero_point);
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.name << ": reference threw: " << e.what();
      continue;
    }
    const std::string mismatch = FirstMismatch(c, got, acc);
    EXPECT_EQ(mismatch, "") << c.name;

    if (bias == nullptr && !c.bias.empty()) {
      // Same result with the explicit zero bias.
      EXPECT_EQ(salsa::ref::FullyConnected(c.input.data(), c.weights.data(), c.bias.data(), c.M,
                                           c.K, c.N, c.q),
                got)
          << c.name << ": nullptr bias and zero bias differ";
    }
    ++ran;
  }
  EXPECT_GE(ran, 8) << "expected at least 8 bit-exact TFLite cases under " << VectorsRoot();
}

TEST(TfliteVectors, LegacyNonzeroWeightZeroPointRejected) {
  int rejected = 0;
  for (const fs::path& p : AllVectorFiles()) {
    if (!InLegacyDir(p)) continue;
    SCOPED_TRACE(p.string());
    Case c;
    if (!ParseOrFail(p, &c)) continue;
    EXPECT_NE(c.q.weights_zero_point, 0) << "a case in " << kLegacyDir << "/ with zero point 0";
    const int32_t* bias = BiasArgument(c);
    try {
      salsa::ref::FullyConnected(c.input.data(), c.weights.data(), bias, c.M, c.K, c.N, c.q);
      ADD_FAILURE() << c.name << ": accepted a nonzero weights zero point";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("weights zero point"), std::string::npos)
          << "unclear message: " << e.what();
      ++rejected;
    }
  }
  EXPECT_GE(rejected, 4) << "expected the 4 legacy cases under " << (VectorsRoot() / kLegacyDir);
}

}  // namespace
