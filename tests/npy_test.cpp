// The .npy reader and writer: NumPy's exact bytes, round trips, and every rejection with the file
// name and the reason.
#include "salsa/npy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using salsa::NpyArray;
using salsa::NpyError;

// What `np.save(f, np.arange(-3, 3, dtype=np.int8).reshape(2, 3))` writes (NumPy 1.24): magic,
// version 1.0, header length 0x76 = 118 (10 + 118 = 128, a multiple of 64), the dict padded with
// spaces and '\n', then the six bytes.
std::vector<uint8_t> NumpyArange() {
  std::string header = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }";
  header += std::string(117 - header.size(), ' ') + "\n";
  std::vector<uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0x00};
  f.reserve(f.size() + header.size() + 6);  // also keeps GCC 12's -Warray-bounds false alarm away
  f.insert(f.end(), header.begin(), header.end());
  for (int v = -3; v < 3; ++v) f.push_back(static_cast<uint8_t>(v));
  return f;
}

// A file with the given header dict (padded like NumPy) and data; version 1 or 2.
std::vector<uint8_t> File(const std::string& dict, const std::vector<uint8_t>& data,
                          int version = 1) {
  const size_t prefix = version == 1 ? 10 : 12;
  std::string header = dict;
  header +=
      std::string((prefix + header.size() + 1 + 63) / 64 * 64 - prefix - header.size() - 1, ' ') +
      "\n";
  std::vector<uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(version), 0};
  for (size_t i = 0; i < prefix - 8; ++i)
    f.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  f.insert(f.end(), header.begin(), header.end());
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salsa_npy_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Put(const std::string& name, const std::vector<uint8_t>& bytes) {
    const std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  // Reading `bytes` fails with a message naming the file and containing `reason`.
  void ExpectRejected(const std::vector<uint8_t>& bytes, const std::string& reason) {
    const std::string p = Put("bad.npy", bytes);
    try {
      salsa::ReadNpy(p);
      ADD_FAILURE() << "accepted; expected: " << reason;
    } catch (const NpyError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(p + ": ", 0), 0u) << msg;
      EXPECT_NE(msg.find(reason), std::string::npos) << msg;
      EXPECT_NE(msg.find("; accepted: little-endian C-order int8 (|i1), int32 (<i4), uint8 (|u1), "
                         "uint16 (<u2) or float32 (<f4)"),
                std::string::npos)
          << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_EQ(e.path(), p);
    }
  }

  fs::path dir_;
};

TEST_F(NpyTest, ReadsNumpyBytes) {
  const NpyArray a = salsa::ReadNpy(Put("a.npy", NumpyArange()));
  EXPECT_EQ(a.dtype, "i1");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.Int8(), (std::vector<int8_t>{-3, -2, -1, 0, 1, 2}));
  EXPECT_EQ(a.ShapeString(), "(2, 3)");
}

TEST_F(NpyTest, WritesNumpyBytesExactly) {
  const NpyArray a = NpyArray::FromInt8({2, 3}, {-3, -2, -1, 0, 1, 2});
  EXPECT_EQ(salsa::SerializeNpy(a), NumpyArange());
  const std::string p = (dir_ / "w.npy").string();
  salsa::WriteNpy(p, a);
  std::ifstream in(p, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, NumpyArange());
  // The temporary file is gone: only w.npy is in the directory.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "w.npy");
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(NpyTest, Int32LittleEndianRoundTrip) {
  const std::vector<int32_t> v = {0, 1, -1, 2147483647, -2147483647 - 1, 0x01020304};
  const NpyArray a = NpyArray::FromInt32({3, 2}, v);
  // 0x01020304 is stored 04 03 02 01.
  EXPECT_EQ(a.bytes[20], 0x04);
  EXPECT_EQ(a.bytes[23], 0x01);
  const std::string p = (dir_ / "i4.npy").string();
  salsa::WriteNpy(p, a);
  const NpyArray b = salsa::ReadNpy(p);
  EXPECT_EQ(b.dtype, "i4");
  EXPECT_EQ(b.shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(b.Int32(), v);
  // The header says '<i4' and the whole prefix is a multiple of 64 bytes.
  const std::vector<uint8_t> f = salsa::SerializeNpy(a);
  const std::string head(f.begin(), f.end() - 24);
  EXPECT_NE(head.find("'descr': '<i4'"), std::string::npos);
  EXPECT_EQ(head.size() % 64, 0u);
  EXPECT_EQ(head.back(), '\n');
}

TEST_F(NpyTest, Uint8ZeroDimAndOneDim) {
  const std::string p0 = (dir_ / "s.npy").string();
  salsa::WriteNpy(p0, NpyArray::FromUint8({}, {0xFE}));
  const NpyArray s = salsa::ReadNpy(p0);
  EXPECT_EQ(s.dtype, "u1");
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.ShapeString(), "()");
  EXPECT_EQ(s.NumElements(), 1);
  EXPECT_EQ(s.Uint8(), (std::vector<uint8_t>{0xFE}));
  const NpyArray v = salsa::ReadNpy(
      Put("v.npy", File("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", {1, 2, 3})));
  EXPECT_EQ(v.ShapeString(), "(3,)");
  EXPECT_EQ(v.Uint8(), (std::vector<uint8_t>{1, 2, 3}));
}

TEST_F(NpyTest, AcceptsVersion2KeyOrderAndQuotes) {
  // Version 2.0 (4-byte header length), keys in another order, double quotes, no trailing comma.
  const NpyArray a = salsa::ReadNpy(
      Put("v2.npy",
          File("{\"shape\": (1, 2), \"fortran_order\": False, \"descr\": \"<i1\"}", {7, 0x80}, 2)));
  EXPECT_EQ(a.dtype, "i1");
  EXPECT_EQ(a.Int8(), (std::vector<int8_t>{7, -128}));
}

TEST_F(NpyTest, EmptyDimensionReadsAsNoData) {
  const NpyArray a = salsa::ReadNpy(
      Put("e.npy", File("{'descr': '|i1', 'fortran_order': False, 'shape': (0, 3), }", {})));
  EXPECT_EQ(a.NumElements(), 0);
  EXPECT_TRUE(a.bytes.empty());
}

TEST_F(NpyTest, TypedAccessorChecksDtype) {
  const NpyArray a = NpyArray::FromInt8({1}, {1});
  EXPECT_THROW(a.Int32(), std::invalid_argument);
  EXPECT_THROW(a.Uint8(), std::invalid_argument);
}

TEST_F(NpyTest, RejectsBigEndian) {
  ExpectRejected(File("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 1}),
                 "big-endian int32 ('>i4')");
}

TEST_F(NpyTest, RejectsBigEndianUint16AndFloat32) {
  ExpectRejected(File("{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", {0, 1}),
                 "big-endian uint16 ('>u2')");
  ExpectRejected(File("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 1}),
                 "big-endian float32 ('>f4')");
}

TEST_F(NpyTest, Uint16AndFloat32RoundTrip) {
  // bf16 codes as uint16: 0x3F80 (1.0) is stored 80 3F.
  const std::vector<uint16_t> h = {0x0000, 0x3F80, 0xFF80, 0x7FC0, 0x8001, 0xFFFF};
  const NpyArray a = NpyArray::FromUint16({2, 3}, h);
  EXPECT_EQ(a.ItemSize(), 2u);
  EXPECT_EQ(a.bytes[2], 0x80);
  EXPECT_EQ(a.bytes[3], 0x3F);
  const std::string pa = (dir_ / "u2.npy").string();
  salsa::WriteNpy(pa, a);
  const NpyArray ra = salsa::ReadNpy(pa);
  EXPECT_EQ(ra.dtype, "u2");
  EXPECT_EQ(ra.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ra.Uint16(), h);
  const std::vector<uint8_t> fa = salsa::SerializeNpy(a);
  EXPECT_NE(std::string(fa.begin(), fa.end() - 12).find("'descr': '<u2'"), std::string::npos);
  // float32 as bit patterns (NaN payloads and -0 kept): 1.0f = 0x3F800000 stored 00 00 80 3F.
  const std::vector<uint32_t> f = {0x3F800000, 0x80000000, 0x7FC00000, 0x00000001, 0xFF800000};
  const NpyArray b = NpyArray::FromFloat32Bits({5}, f);
  EXPECT_EQ(b.bytes[2], 0x80);
  EXPECT_EQ(b.bytes[3], 0x3F);
  const std::string pb = (dir_ / "f4.npy").string();
  salsa::WriteNpy(pb, b);
  const NpyArray rb = salsa::ReadNpy(pb);
  EXPECT_EQ(rb.dtype, "f4");
  EXPECT_EQ(rb.Float32Bits(), f);
  const std::vector<uint8_t> fb = salsa::SerializeNpy(b);
  EXPECT_NE(std::string(fb.begin(), fb.end() - 20).find("'descr': '<f4'"), std::string::npos);
  EXPECT_THROW(rb.Uint16(), std::invalid_argument);
  EXPECT_THROW(ra.Float32Bits(), std::invalid_argument);
  // A file as NumPy writes it, and a truncated one.
  const NpyArray c =
      salsa::ReadNpy(Put("c.npy", File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                                       {0x00, 0x00, 0xC0, 0xBF})));
  EXPECT_EQ(c.Float32Bits(), (std::vector<uint32_t>{0xBFC00000}));  // -1.5f
  ExpectRejected(File("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", {0, 1, 2}),
                 "truncated data: shape (2,) of uint16 needs 4 data bytes, the file has 3");
}

TEST_F(NpyTest, RejectsOtherDtypes) {
  ExpectRejected(
      File("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", std::vector<uint8_t>(8, 0)),
      "dtype '<f8' (float64) is not accepted");
  ExpectRejected(File("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", {0, 0}),
                 "dtype '<f2' (float16) is not accepted");
  ExpectRejected(
      File("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", std::vector<uint8_t>(8, 0)),
      "dtype '<i8' (int64) is not accepted");
  ExpectRejected(File("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", {0, 0}),
                 "dtype '<i2' (int16) is not accepted");
  ExpectRejected(
      File("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 0}),
      "structured dtype");
}

TEST_F(NpyTest, RejectsFortranOrder) {
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }",
                      std::vector<uint8_t>(6, 0)),
                 "Fortran order (fortran_order: True) for shape (2, 3)");
}

TEST_F(NpyTest, RejectsTruncatedData) {
  ExpectRejected(File("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }",
                      std::vector<uint8_t>(23, 0)),
                 "truncated data: shape (2, 3) of int32 needs 24 data bytes, the file has 23");
}

TEST_F(NpyTest, RejectsTrailingBytes) {
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", {1, 2, 3}),
                 "trailing bytes: shape (2,) of int8 needs 2 data bytes, the file has 3");
}

TEST_F(NpyTest, RejectsBadMagicVersionAndHeader) {
  ExpectRejected({}, "empty file, not an NPY file");
  ExpectRejected({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "not an NPY file (no \\x93NUMPY magic)");
  std::vector<uint8_t> v3 = NumpyArange();
  v3[6] = 3;
  ExpectRejected(v3, "unsupported NPY format version 3.0 (1.0 and 2.0 are read)");
  std::vector<uint8_t> cut = NumpyArange();
  cut.resize(60);
  ExpectRejected(cut, "truncated header: it declares 118 bytes, the file has 50");
  ExpectRejected({0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 5}, "truncated header");
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': False, }", {}), "no 'shape'");
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), 'x': 1}", {1, 2}),
                 "unexpected key 'x'");
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': 0, 'shape': (2,), }", {1, 2}),
                 "'fortran_order' is not True or False");
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': False, 'shape': (-2,), }", {1, 2}),
                 "'shape' must be a tuple of non-negative integers");
  ExpectRejected(File("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), } junk", {1, 2}),
                 "text after the closing '}'");
}

TEST_F(NpyTest, RejectsMissingFileAndDirectory) {
  const std::string missing = (dir_ / "nope.npy").string();
  try {
    salsa::ReadNpy(missing);
    ADD_FAILURE();
  } catch (const NpyError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  missing + ": cannot open: No such file or directory; accepted: ", 0),
              0u)
        << e.what();
  }
  try {
    salsa::ReadNpy(dir_.string());
    ADD_FAILURE();
  } catch (const NpyError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open: it is a directory, not a regular file"),
              std::string::npos);
  }
}

TEST_F(NpyTest, WriteFailureLeavesNothing) {
  const std::string p = (dir_ / "no_such_dir" / "y.npy").string();
  try {
    salsa::WriteNpy(p, NpyArray::FromInt8({1}, {1}));
    ADD_FAILURE();
  } catch (const NpyError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(p + ": cannot write", 0), 0u) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(dir_));
  // Shape and data that disagree are refused before anything is written.
  EXPECT_THROW(salsa::WriteNpy((dir_ / "z.npy").string(), NpyArray::FromInt8({2, 2}, {1, 2, 3})),
               NpyError);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(NpyTest, OverwriteReplacesFile) {
  const std::string p = (dir_ / "o.npy").string();
  salsa::WriteNpy(p, NpyArray::FromInt8({4}, {1, 2, 3, 4}));
  salsa::WriteNpy(p, NpyArray::FromInt32({1}, {-5}));
  const NpyArray a = salsa::ReadNpy(p);
  EXPECT_EQ(a.dtype, "i4");
  EXPECT_EQ(a.Int32(), (std::vector<int32_t>{-5}));
}

}  // namespace
