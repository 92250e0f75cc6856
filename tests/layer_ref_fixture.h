// The fixture of the user-layer reference tests (layer_ref_test.cpp, layer_ref_random_test.cpp):
// a temporary directory for layer files and tensors, and the lowered-GEMM path.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "salsa/layer_lower.h"
#include "salsa/layer_ref.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace salsa_test {

namespace fs = std::filesystem;
using salsa::Int8Tensor;
using salsa::LayerOp;
using salsa::LayerSpec;
using salsa::NpyArray;

inline int64_t Count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// The lowered path: every GEMM through ref::FullyConnected (per-channel aware), then assembled.
inline std::vector<int8_t> ViaGemms(const LayerSpec& spec) {
  const std::vector<salsa::LoweredGemm> gemms = salsa::LowerLayer(spec);
  std::vector<std::vector<int8_t>> outs;
  for (const auto& g : gemms) outs.push_back(salsa::GemmReference(g.fc));
  return salsa::AssembleOutput(gemms, outs, Count(salsa::LayerOutputShape(spec)));
}

class LayerRefTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salsa_layer_ref_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string I8(const std::string& name, const std::vector<int64_t>& shape,
                 const std::vector<int8_t>& v) {
    salsa::WriteNpy(Path(name), NpyArray::FromInt8(shape, v));
    return name;
  }
  std::string I32(const std::string& name, const std::vector<int32_t>& v) {
    salsa::WriteNpy(Path(name), NpyArray::FromInt32({static_cast<int64_t>(v.size())}, v));
    return name;
  }
  LayerSpec Load(const std::string& yaml, const std::string& name = "layer.yaml") {
    std::ofstream(Path(name)) << yaml;
    return salsa::LoadLayerSpec(Path(name));
  }

  // The reference and the lowered path both give `want`.
  static void ExpectOutput(const LayerSpec& spec, const std::vector<int64_t>& shape,
                           const std::vector<int8_t>& want) {
    const Int8Tensor y = salsa::ref::LayerReference(spec);
    EXPECT_EQ(y.shape, shape);
    EXPECT_EQ(spec.output_shape, shape);
    EXPECT_EQ(y.data, want);
    EXPECT_EQ(ViaGemms(spec), want);
  }

  fs::path dir_;
};

}  // namespace salsa_test
