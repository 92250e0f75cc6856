// NumPy .npy files (format versions 1.0 and 2.0), hand-written: the tensors of user layers
// (docs/layers.md). Accepted element types are little-endian, C-order int8 (|i1), int32 (<i4),
// uint8 (|u1: FP8 codes, 2:4 positions), uint16 (<u2: bf16 codes) and float32 (<f4, kept as bit
// patterns); everything else is rejected with the file name and why.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace salsa {

// what() is one line: "<path>: <reason>; accepted: little-endian C-order int8 (|i1), int32 (<i4),
// uint8 (|u1), uint16 (<u2) or float32 (<f4)". path() and reason() give the two parts alone.
class NpyError : public std::runtime_error {
 public:
  NpyError(const std::string& path, const std::string& reason);
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

// The size caps of a .npy file (docs/reliability.md): its data is at most 4 GiB (the largest DRAM
// image the driver lays out, so no larger tensor could run), its header at most 64 KiB, so a file
// ReadNpy reads is at most their sum plus the 12-byte prefix.
inline constexpr size_t kMaxNpyDataBytes = size_t{1} << 32;
inline constexpr size_t kMaxNpyHeaderBytes = size_t{1} << 16;
inline constexpr size_t kMaxNpyFileBytes = 12 + kMaxNpyHeaderBytes + kMaxNpyDataBytes;

// What NpyError messages list as accepted.
extern const char* const kNpyAccepted;

struct NpyArray {
  std::string dtype;  // "i1" (int8), "i4" (int32), "u1" (uint8), "u2" (uint16), "f4" (float32)
  std::vector<int64_t> shape;  // C order; empty = a 0-d array of one element
  std::vector<uint8_t> bytes;  // the raw little-endian data, NumElements() * ItemSize() bytes

  int64_t NumElements()
      const;                // product of the shape (1 for a 0-d array); overflow: invalid_argument
  size_t ItemSize() const;  // 1, 2 or 4; throws std::invalid_argument for an unknown dtype
  std::string ShapeString() const;  // "(2, 3)", "(5,)", "()" as NumPy prints it

  // The elements; std::invalid_argument if the dtype is not the one asked for.
  std::vector<int8_t> Int8() const;
  std::vector<int32_t> Int32() const;
  std::vector<uint8_t> Uint8() const;
  std::vector<uint16_t> Uint16() const;
  std::vector<uint32_t> Float32Bits() const;  // float32 elements as their bit patterns

  static NpyArray FromInt8(std::vector<int64_t> shape, const std::vector<int8_t>& data);
  static NpyArray FromInt32(std::vector<int64_t> shape, const std::vector<int32_t>& data);
  static NpyArray FromUint8(std::vector<int64_t> shape, const std::vector<uint8_t>& data);
  static NpyArray FromUint16(std::vector<int64_t> shape, const std::vector<uint16_t>& data);
  static NpyArray FromFloat32Bits(std::vector<int64_t> shape, const std::vector<uint32_t>& bits);
};

// Parses the bytes of a .npy file; `path` is used in messages only. Throws NpyError.
NpyArray ParseNpy(const std::vector<uint8_t>& file, const std::string& path);

// Reads and parses a .npy file. Throws NpyError (missing or unreadable file, not a regular file,
// larger than kMaxNpyFileBytes, bad magic, unsupported version, malformed or oversized header,
// wrong dtype, Fortran order, a shape of more than kMaxNpyDataBytes, truncated data, trailing
// bytes).
NpyArray ReadNpy(const std::string& path);

// The bytes of a version 1.0 file (2.0 if the header does not fit 1.0), header padded with spaces
// to a multiple of 64 bytes as NumPy does. Throws NpyError for an inconsistent array.
std::vector<uint8_t> SerializeNpy(const NpyArray& array, const std::string& path = "(memory)");

// Writes `array` to a temporary file next to `path`, then renames it over `path`: readers never see
// a partial file and a failed write leaves nothing behind. Throws NpyError.
void WriteNpy(const std::string& path, const NpyArray& array);

}  // namespace salsa
