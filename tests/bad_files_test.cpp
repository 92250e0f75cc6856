// Bad input files of every kind (docs/reliability.md): directories, devices, endless streams,
// FIFOs, files over the caps, .npy shapes whose element count overflows, YAML that makes yaml-cpp
// loop and alias bombs. Each reader throws its error type with one line naming the file, promptly.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "regress/regress_list.h"
#include "salsa/config.h"
#include "salsa/file_read.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace {

namespace fs = std::filesystem;

class BadFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salsa_bad_files_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "dir");
    fifo_ = (dir_ / "fifo").string();
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
  // A sparse file of `bytes` bytes (nothing written but its size).
  std::string Sparse(const std::string& name, uint64_t bytes) const {
    const std::string p = Write(name, "");
    fs::resize_file(p, bytes);
    return p;
  }
  // The files no reader may read: a directory, endless devices, a FIFO without a writer.
  std::vector<std::string> NotRegular() const {
    return {(dir_ / "dir").string(), "/dev/zero", "/dev/urandom", "/dev/null", fifo_};
  }

  fs::path dir_;
  std::string fifo_;
};

// Runs `fn`, which must throw `Error` within 2 s with one line containing each of `parts`.
template <typename Error>
void ExpectOneLine(const std::function<void()>& fn, const std::vector<std::string>& parts) {
  const auto start = std::chrono::steady_clock::now();
  try {
    fn();
    ADD_FAILURE() << "no error; expected " << parts.front();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const std::string& p : parts)
      EXPECT_NE(msg.find(p), std::string::npos) << p << " in " << msg;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(BadFilesTest, ConfigNotRegular) {
  for (const std::string& p : NotRegular()) {
    ExpectOneLine<salsa::ConfigError>([&] { salsa::LoadConfig(p); },
                                      {p + ": cannot read file: it is ", ", not a regular file"});
  }
  ExpectOneLine<salsa::ConfigError>([] { salsa::LoadConfig("/dev/zero"); },
                                    {"it is a character device"});
  ExpectOneLine<salsa::ConfigError>([&] { salsa::LoadConfig(fifo_); }, {"it is a FIFO"});
}

TEST_F(BadFilesTest, ConfigOverTheCap) {
  const std::string at_cap =
      Write("cap.yaml", "name: capped\n#" + std::string(1048576 - 15, 'x') + "\n");
  ASSERT_EQ(fs::file_size(at_cap), 1048576u);
  EXPECT_EQ(salsa::LoadConfig(at_cap).name, "capped");
  const std::string over = Sparse("over.yaml", 1048577);
  ExpectOneLine<salsa::ConfigError>([&] { salsa::LoadConfig(over); },
                                    {over + ": cannot read file: larger than 1048576 bytes"});
}

// The format check of salsa coverage's inputs: the same refusals, and never more than the prefix
// read, however large the file (a sparse file of the cap's size, no line end in it).
TEST_F(BadFilesTest, PrefixReadsOnlyThePrefix) {
  const auto prefix = [](const std::string& p, size_t cap, std::string* out) {
    return salsa::ReadRegularFilePrefix(p, cap, 19, out);
  };
  std::string head = "stale";
  for (const std::string& p : NotRegular()) {
    EXPECT_EQ(prefix(p, salsa::kMaxCoverageFileBytes, &head).rfind("it is ", 0), 0u) << p;
    EXPECT_TRUE(head.empty());
  }
  const std::string over = Sparse("over.dat", salsa::kMaxCoverageFileBytes + 1);
  EXPECT_EQ(prefix(over, salsa::kMaxCoverageFileBytes, &head), "larger than 268435456 bytes");
  const auto start = std::chrono::steady_clock::now();
  const std::string zeros = Sparse("zeros.dat", salsa::kMaxCoverageFileBytes);
  EXPECT_EQ(prefix(zeros, salsa::kMaxCoverageFileBytes, &head), "");
  EXPECT_EQ(head, std::string(19, '\0'));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(prefix(Write("short.dat", "# System"), 100, &head), "");
  EXPECT_EQ(head, "# System");
  EXPECT_EQ(prefix(Path("missing.dat"), 100, &head), "No such file or directory");
}

// A pseudo-file reports size 0 and yields data: read to its size + 1 byte, then refused.
TEST_F(BadFilesTest, PseudoFiles) {
  for (const char* p : {"/proc/self/status", "/proc/self/maps"}) {
    ExpectOneLine<salsa::ConfigError>(
        [&] { salsa::LoadConfig(p); },
        {std::string(p) + ": cannot read file: it holds more than the 0 bytes its size says"});
    ExpectOneLine<salsa::NpyError>([&] { salsa::ReadNpy(p); }, {"cannot open: it holds more than"});
  }
}

TEST_F(BadFilesTest, LayerFileAndTensorsNotRegular) {
  for (const std::string& p : NotRegular()) {
    ExpectOneLine<salsa::LayerSpecError>([&] { salsa::LoadLayerSpec(p); },
                                         {p + ":1:1: (file): cannot read: it is "});
    // The same file as a tensor: the layer file's position and key, then the tensor's path.
    const std::string layer =
        Write("l.yaml", "op: fully_connected\ninput: " + p + "\nweights: " + p + "\n");
    ExpectOneLine<salsa::LayerSpecError>([&] { salsa::LoadLayerSpec(layer); },
                                         {layer + ":2:8: input: " + p + ": cannot open: it is "});
  }
  const std::string over = Sparse("over.yaml", 1048577);
  ExpectOneLine<salsa::LayerSpecError>([&] { salsa::LoadLayerSpec(over); },
                                       {"larger than 1048576 bytes"});
}

TEST_F(BadFilesTest, NpyNotRegularOrOverTheCap) {
  for (const std::string& p : NotRegular()) {
    ExpectOneLine<salsa::NpyError>([&] { salsa::ReadNpy(p); }, {p + ": cannot open: it is "});
  }
  const std::string over = Sparse("over.npy", salsa::kMaxNpyFileBytes + 1);
  ExpectOneLine<salsa::NpyError>(
      [&] { salsa::ReadNpy(over); },
      {"cannot open: larger than " + std::to_string(salsa::kMaxNpyFileBytes) + " bytes"});
}

// A .npy file with header `dict` (version 1.0) and `data` bytes after it.
std::vector<uint8_t> Npy(const std::string& dict, size_t data = 0) {
  std::vector<uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  const std::string header = dict + "\n";
  f.push_back(static_cast<uint8_t>(header.size()));
  f.push_back(static_cast<uint8_t>(header.size() >> 8));
  f.insert(f.end(), header.begin(), header.end());
  f.resize(f.size() + data);
  return f;
}

std::string Shape(const std::string& shape) {
  return "{'descr': '<i4', 'fortran_order': False, 'shape': " + shape + ", }";
}

TEST(NpyShapeTest, ElementCountOverflowAndCap) {
  // Overflowing int64 (2^62 * 4 elements of 4 bytes), overflowing after a zero (no elements, but
  // a count NumPy could not hold), and past the 4 GiB data cap.
  for (const char* shape : {"(4611686018427387904, 4)", "(0, 4294967296, 4294967296)",
                            "(1073741825, 1, 1)", "(9223372036854775807,)", "(3, 1431655766)"}) {
    ExpectOneLine<salsa::NpyError>([&] { salsa::ParseNpy(Npy(Shape(shape)), "s.npy"); },
                                   {"s.npy: ", " is too large"});
  }
  // At the cap (4 GiB of data) the shape is fine: the file is only too short.
  ExpectOneLine<salsa::NpyError>([&] { salsa::ParseNpy(Npy(Shape("(1073741824,)")), "s.npy"); },
                                 {"truncated data: shape (1073741824,) of int32 needs 4294967296"});
  // An empty array whose other dimensions are large but do not overflow.
  EXPECT_EQ(salsa::ParseNpy(Npy(Shape("(0, 1024, 1024)")), "s.npy").NumElements(), 0);
  // A header over 64 KiB (version 2.0: a 4-byte length).
  std::vector<uint8_t> v2 = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0x71, 0x11, 0x01, 0x00};
  v2.resize(v2.size() + 0x11171, ' ');
  ExpectOneLine<salsa::NpyError>([&] { salsa::ParseNpy(v2, "h.npy"); },
                                 {"h.npy: header of 70001 bytes, more than 65536"});
}

TEST(NpyShapeTest, NumElementsOverflowThrows) {
  salsa::NpyArray a;
  a.dtype = "i1";
  a.shape = {int64_t{1} << 40, int64_t{1} << 40};
  EXPECT_THROW(a.NumElements(), std::invalid_argument);
}

// Billion laughs: ten levels of ten aliases (10^10 leaves if expanded), all in the value of one
// key the loader reads. yaml-cpp shares aliased nodes and the loaders visit only the values they
// expect, so these fail at once, at the first value of the wrong kind (docs/reliability.md).
std::string Bomb(const std::string& key) {
  std::string s = key + ": [&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    s += ", &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) s += (j ? ", " : "") + prev;
    s += "]";
  }
  return s + "]\n";
}

TEST_F(BadFilesTest, AliasBombs) {
  for (const char* key : {"precision", "array", "name", "sram"}) {
    ExpectOneLine<salsa::ConfigError>(
        [&] { salsa::ParseConfig("name: bomb\n" + Bomb(key), "b.yaml"); }, {"b.yaml:"});
  }
  salsa::WriteNpy(Path("x.npy"), salsa::NpyArray::FromInt8({2, 3}, std::vector<int8_t>(6)));
  salsa::WriteNpy(Path("w.npy"), salsa::NpyArray::FromInt8({4, 3}, std::vector<int8_t>(12)));
  const std::string fc = "op: fully_connected\ninput: x.npy\nweights: w.npy\n";
  // Each bomb with the keys it needs beside it, so that the loader reaches its value.
  for (const auto& [key, others] : std::vector<std::pair<std::string, std::string>>{
           {"output_multiplier", "output_shift: 0\n"},
           {"output_shift", "output_multiplier: 1073741824\n"},
           {"weight_scale", "input_scale: 1.0\noutput_scale: 1.0\n"},
           {"weights_zero_point", "output_multiplier: 1073741824\noutput_shift: 0\n"},
           {"name", "output_multiplier: 1073741824\noutput_shift: 0\n"}}) {
    const std::string p = Write("bomb.yaml", fc + others + Bomb(key));
    ExpectOneLine<salsa::LayerSpecError>([&] { salsa::LoadLayerSpec(p); },
                                         {p + ":", ": " + key + ": "});
  }
  // An alias of a plain value is fine.
  EXPECT_EQ(salsa::ParseConfig("name: aliased\narray: {rows: &r 8, cols: *r}\n", "a.yaml").cols,
            8u);
}

// yaml-cpp 0.7's LoadAll adds empty documents without end on a token no node starts with
// (yaml-cpp issue 1040); found by the layer-file fuzzer (tests/fuzz/regressions/layer).
TEST(YamlLoopTest, LoneCommaIsASyntaxError) {
  for (const std::string& text : {std::string(","), std::string("name: x\n,\n"),
                                  std::string("op: conv2d\n,p: x\n"), std::string("- ,\n")}) {
    ExpectOneLine<salsa::ConfigError>([&] { salsa::ParseConfig(text, "c.yaml"); },
                                      {"c.yaml:", "(document): "});
    ExpectOneLine<salsa::LayerSpecError>([&] { salsa::ParseLayerSpec(text, "l.yaml"); },
                                         {"l.yaml:", "(document): "});
  }
  ExpectOneLine<salsa::ConfigError>(
      [] { salsa::ParseConfig(",", "c.yaml"); },
      {"c.yaml:1:1: (document): YAML syntax error: unexpected token ','; accepted: well-formed "
       "YAML"});
  // Several documents are still reported as such, at the second.
  ExpectOneLine<salsa::ConfigError>([] { salsa::ParseConfig("name: a\n---\nname: b\n", "c.yaml"); },
                                    {"c.yaml:3:1: (document): more than one YAML document"});
}

TEST_F(BadFilesTest, RegressListAndVector) {
  for (const std::string& p : NotRegular()) {
    ExpectOneLine<salsa::regress::ListError>(
        [&] { salsa::regress::LoadRegressList(p); },
        {p + ":1:1: (document): cannot read the file: it is "});
    ExpectOneLine<std::invalid_argument>([&] { salsa::LoadTfliteVector(p); },
                                         {p + ": cannot read the file: it is "});
  }
}

}  // namespace
