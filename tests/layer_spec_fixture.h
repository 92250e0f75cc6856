// The fixture of the layer-file tests (layer_spec_test.cpp, layer_spec_errors_test.cpp): default
// tensors in a temporary directory, and the one-line error check.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace salsa_test {

namespace fs = std::filesystem;
using salsa::LayerOp;
using salsa::LayerSpec;
using salsa::LayerSpecError;
using salsa::NpyArray;

class LayerSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salsa_layer_spec_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Defaults: a 2x3 input, 4x3 weights, bias [4]; a 1x5x5x2 NHWC input, 3x3x3x2 OHWI and
    // 1x3x3x4 depthwise filters; matmul 2x3x4 by 2x4x5.
    Int8("x.npy", {2, 3});
    Int8("w.npy", {4, 3});
    Int32("b.npy", {4});
    Int8("img.npy", {1, 5, 5, 2});
    Int8("filt.npy", {3, 3, 3, 2});
    Int32("cb.npy", {3});
    Int8("dw.npy", {1, 3, 3, 4});
    Int8("qa.npy", {2, 3, 4});
    Int8("kb.npy", {2, 4, 5});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static int64_t Count(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  void Int8(const std::string& name, const std::vector<int64_t>& shape) {
    std::vector<int8_t> v(static_cast<size_t>(Count(shape)));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int8_t>(i % 7 - 3);
    salsa::WriteNpy(Path(name), NpyArray::FromInt8(shape, v));
  }
  void Int32(const std::string& name, const std::vector<int64_t>& shape) {
    std::vector<int32_t> v(static_cast<size_t>(Count(shape)));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(100 * i) - 50;
    salsa::WriteNpy(Path(name), NpyArray::FromInt32(shape, v));
  }
  void Raw(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(Path(name), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }

  LayerSpec Load(const std::string& yaml) {
    std::ofstream(Path("layer.yaml")) << yaml;
    return salsa::LoadLayerSpec(Path("layer.yaml"));
  }

  // Loading `yaml` fails with one line starting "<layer>:<pos>: <key>: " and containing every
  // one of `parts` (a leading "/" in a part is replaced by the temporary directory).
  void ExpectError(const std::string& yaml, const std::string& pos_key,
                   const std::vector<std::string>& parts) {
    try {
      Load(yaml);
      ADD_FAILURE() << "accepted:\n" << yaml;
    } catch (const LayerSpecError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(Path("layer.yaml") + ":" + pos_key + ": ", 0), 0u) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_NE(msg.find("; accepted: "), std::string::npos) << msg;
      for (std::string p : parts) {
        if (!p.empty() && p[0] == '/') p = dir_.string() + p;
        EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
      }
    }
  }

  static std::string Fc(const std::string& extra = "", const std::string& quant =
                                                           "output_multiplier: 1073741824\n"
                                                           "output_shift: -3\n") {
    return "op: fully_connected\ninput: x.npy\nweights: w.npy\n" + quant + extra;
  }

  fs::path dir_;
};

}  // namespace salsa_test
