// NumPy .npy reader and writer (format 1.0 / 2.0): magic "\x93NUMPY", version, header length
// (uint16 for 1.0, uint32 for 2.0, little-endian), an ASCII Python dict literal
// {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces and ended by '\n',
// then the raw data.
#include "salsa/npy.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>

#include "salsa/file_read.h"

namespace salsa {

const char* const kNpyAccepted =
    "little-endian C-order int8 (|i1), int32 (<i4), uint8 (|u1), uint16 (<u2) or float32 (<f4)";

NpyError::NpyError(const std::string& path, const std::string& reason)
    : std::runtime_error(path + ": " + reason + "; accepted: " + kNpyAccepted),
      path_(path),
      reason_(reason) {}

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// A header value or key shown in a message: printable ASCII, shortened.
std::string Shown(const std::string& s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7F) ? c : '?';
    if (out.size() >= 40) {
      out += "...";
      break;
    }
  }
  return "'" + out + "'";
}

// The name of a NumPy type string such as '<f4' ("float32"), or "".
std::string TypeName(const std::string& descr) {
  if (descr.size() < 2) return "";
  std::string body = descr;
  if (body[0] == '<' || body[0] == '>' || body[0] == '|' || body[0] == '=') body = body.substr(1);
  static const std::pair<const char*, const char*> kNames[] = {
      {"i1", "int8"},    {"i2", "int16"},  {"i4", "int32"},    {"i8", "int64"},   {"u1", "uint8"},
      {"u2", "uint16"},  {"u4", "uint32"}, {"u8", "uint64"},   {"f2", "float16"}, {"f4", "float32"},
      {"f8", "float64"}, {"b1", "bool"},   {"c8", "complex64"}};
  for (const auto& [code, name] : kNames) {
    if (body == code) return name;
  }
  return "";
}

// " (float32)" for a known type string, for messages.
std::string DtypeName(const std::string& descr) {
  const std::string name = TypeName(descr);
  return name.empty() ? "" : " (" + name + ")";
}

// Canonical dtype ("i1", "i4", "u1", "u2", "f4") of an accepted descr, or a rejection reason.
bool CanonicalDtype(const std::string& descr, std::string* dtype, std::string* reason) {
  if (descr == "|i1" || descr == "<i1" || descr == ">i1" || descr == "i1") {
    *dtype = "i1";
    return true;
  }
  if (descr == "|u1" || descr == "<u1" || descr == ">u1" || descr == "u1") {
    *dtype = "u1";
    return true;
  }
  for (const char* multi : {"i4", "u2", "f4"}) {
    if (descr == std::string("<") + multi) {
      *dtype = multi;
      return true;
    }
    if (descr == std::string(">") + multi) {
      *reason = "big-endian " + TypeName(descr) + " (" + Shown(descr) + ")";
      return false;
    }
  }
  { *reason = "dtype " + Shown(descr) + DtypeName(descr) + " is not accepted"; }
  return false;
}

// Recursive-descent parser of the header dict (the subset NumPy writes).
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  void Parse(std::string* descr, bool* fortran, std::vector<int64_t>* shape) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    SkipSpace();
    Expect('{');
    while (true) {
      SkipSpace();
      if (Peek() == '}') {
        ++i_;
        break;
      }
      const std::string key = String();
      SkipSpace();
      Expect(':');
      SkipSpace();
      if (key == "descr") {
        if (Peek() == '[') Fail("structured dtype (a list of fields) is not accepted");
        *descr = String();
        have_descr = true;
      } else if (key == "fortran_order") {
        *fortran = Bool();
        have_fortran = true;
      } else if (key == "shape") {
        *shape = Tuple();
        have_shape = true;
      } else {
        Fail("malformed header: unexpected key " + Shown(key));
      }
      SkipSpace();
      if (Peek() == ',') {
        ++i_;
      } else if (Peek() != '}') {
        Fail("malformed header: expected ',' or '}' at offset " + std::to_string(i_));
      }
    }
    SkipSpace();
    if (i_ != s_.size()) Fail("malformed header: text after the closing '}'");
    if (!have_descr) Fail("malformed header: no 'descr'");
    if (!have_fortran) Fail("malformed header: no 'fortran_order'");
    if (!have_shape) Fail("malformed header: no 'shape'");
  }

 private:
  [[noreturn]] void Fail(const std::string& reason) const { throw NpyError(path_, reason); }

  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

  void SkipSpace() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  void Expect(char c) {
    if (Peek() != c) {
      Fail(std::string("malformed header: expected '") + c + "' at offset " + std::to_string(i_));
    }
    ++i_;
  }

  std::string String() {
    const char q = Peek();
    if (q != '\'' && q != '"') {
      Fail("malformed header: expected a quoted string at offset " + std::to_string(i_));
    }
    ++i_;
    const size_t end = s_.find(q, i_);
    if (end == std::string::npos) Fail("malformed header: unterminated string");
    std::string out = s_.substr(i_, end - i_);
    i_ = end + 1;
    return out;
  }

  bool Bool() {
    if (s_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (s_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    Fail("malformed header: 'fortran_order' is not True or False");
  }

  std::vector<int64_t> Tuple() {
    Expect('(');
    std::vector<int64_t> dims;
    while (true) {
      SkipSpace();
      if (Peek() == ')') {
        ++i_;
        break;
      }
      if (Peek() < '0' || Peek() > '9') {
        Fail("malformed header: 'shape' must be a tuple of non-negative integers");
      }
      int64_t v = 0;
      while (Peek() >= '0' && Peek() <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) {
          Fail("malformed header: a dimension of 'shape' is too large");
        }
        v = v * 10 + (Peek() - '0');
        ++i_;
      }
      if (Peek() == 'L') ++i_;  // Python 2 long suffix
      dims.push_back(v);
      SkipSpace();
      if (Peek() == ',') {
        ++i_;
      } else if (Peek() != ')') {
        Fail("malformed header: 'shape' must be a tuple of non-negative integers");
      }
    }
    return dims;
  }

  const std::string& s_;
  const std::string& path_;
  size_t i_ = 0;
};

uint32_t LittleEndian(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

void Check(const NpyArray& a, const char* want, const char* fn) {
  if (a.dtype != want) {
    throw std::invalid_argument(std::string("NpyArray::") + fn + ": the array's dtype is '" +
                                a.dtype + "', not '" + want + "'");
  }
}

// Byte count of `shape` elements of `item` bytes, or -1 if it exceeds kMaxNpyDataBytes. Every
// dimension counts, those after a zero too: a shape whose element count overflows is rejected
// even if it has no elements.
int64_t ByteCount(const std::vector<int64_t>& shape, size_t item) {
  constexpr int64_t kMax = static_cast<int64_t>(kMaxNpyDataBytes);
  int64_t n = static_cast<int64_t>(item);
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0 || d > kMax) return -1;
    if (d == 0) {
      empty = true;
    } else if (n > kMax / d) {
      return -1;
    } else {
      n *= d;
    }
  }
  return empty ? 0 : n;
}

}  // namespace

int64_t NpyArray::NumElements() const {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) {
      throw std::invalid_argument("NpyArray: the element count of shape " + ShapeString() +
                                  " overflows");
    }
  }
  return n;
}

size_t NpyArray::ItemSize() const {
  if (dtype == "i1" || dtype == "u1") return 1;
  if (dtype == "u2") return 2;
  if (dtype == "i4" || dtype == "f4") return 4;
  throw std::invalid_argument("NpyArray: unknown dtype '" + dtype + "'");
}

std::string NpyArray::ShapeString() const {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::vector<int8_t> NpyArray::Int8() const {
  Check(*this, "i1", "Int8");
  std::vector<int8_t> out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

std::vector<int32_t> NpyArray::Int32() const {
  Check(*this, "i4", "Int32");
  std::vector<int32_t> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    const uint32_t u = LittleEndian(&bytes[4 * i], 4);
    out[i] = u <= 0x7FFFFFFFu ? static_cast<int32_t>(u)
                              : static_cast<int32_t>(static_cast<int64_t>(u) - (int64_t{1} << 32));
  }
  return out;
}

std::vector<uint8_t> NpyArray::Uint8() const {
  Check(*this, "u1", "Uint8");
  return bytes;
}

std::vector<uint16_t> NpyArray::Uint16() const {
  Check(*this, "u2", "Uint16");
  std::vector<uint16_t> out(bytes.size() / 2);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint16_t>(LittleEndian(&bytes[2 * i], 2));
  return out;
}

std::vector<uint32_t> NpyArray::Float32Bits() const {
  Check(*this, "f4", "Float32Bits");
  std::vector<uint32_t> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) out[i] = LittleEndian(&bytes[4 * i], 4);
  return out;
}

NpyArray NpyArray::FromInt8(std::vector<int64_t> shape, const std::vector<int8_t>& data) {
  NpyArray a;
  a.dtype = "i1";
  a.shape = std::move(shape);
  a.bytes.resize(data.size());
  if (!data.empty()) std::memcpy(a.bytes.data(), data.data(), data.size());
  return a;
}

NpyArray NpyArray::FromInt32(std::vector<int64_t> shape, const std::vector<int32_t>& data) {
  NpyArray a;
  a.dtype = "i4";
  a.shape = std::move(shape);
  a.bytes.resize(4 * data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const uint32_t u = static_cast<uint32_t>(data[i]);
    for (size_t b = 0; b < 4; ++b) a.bytes[4 * i + b] = static_cast<uint8_t>(u >> (8 * b));
  }
  return a;
}

NpyArray NpyArray::FromUint8(std::vector<int64_t> shape, const std::vector<uint8_t>& data) {
  NpyArray a;
  a.dtype = "u1";
  a.shape = std::move(shape);
  a.bytes = data;
  return a;
}

NpyArray NpyArray::FromUint16(std::vector<int64_t> shape, const std::vector<uint16_t>& data) {
  NpyArray a;
  a.dtype = "u2";
  a.shape = std::move(shape);
  a.bytes.resize(2 * data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    a.bytes[2 * i] = static_cast<uint8_t>(data[i]);
    a.bytes[2 * i + 1] = static_cast<uint8_t>(data[i] >> 8);
  }
  return a;
}

NpyArray NpyArray::FromFloat32Bits(std::vector<int64_t> shape, const std::vector<uint32_t>& bits) {
  NpyArray a;
  a.dtype = "f4";
  a.shape = std::move(shape);
  a.bytes.resize(4 * bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    for (size_t b = 0; b < 4; ++b) a.bytes[4 * i + b] = static_cast<uint8_t>(bits[i] >> (8 * b));
  }
  return a;
}

NpyArray ParseNpy(const std::vector<uint8_t>& file, const std::string& path) {
  if (file.size() < kMagicSize || std::memcmp(file.data(), kMagic, kMagicSize) != 0) {
    throw NpyError(path, file.empty() ? "empty file, not an NPY file"
                                      : "not an NPY file (no \\x93NUMPY magic)");
  }
  if (file.size() < kMagicSize + 2) throw NpyError(path, "truncated header");
  const unsigned major = file[6], minor = file[7];
  size_t len_bytes = 0;
  if (major == 1 && minor == 0) {
    len_bytes = 2;
  } else if (major == 2 && minor == 0) {
    len_bytes = 4;
  } else {
    throw NpyError(path, "unsupported NPY format version " + std::to_string(major) + "." +
                             std::to_string(minor) + " (1.0 and 2.0 are read)");
  }
  const size_t prefix = kMagicSize + 2 + len_bytes;
  if (file.size() < prefix) throw NpyError(path, "truncated header");
  const size_t header_len = LittleEndian(&file[kMagicSize + 2], len_bytes);
  if (header_len > kMaxNpyHeaderBytes) {
    throw NpyError(path, "header of " + std::to_string(header_len) + " bytes, more than " +
                             std::to_string(kMaxNpyHeaderBytes));
  }
  if (file.size() - prefix < header_len) {
    throw NpyError(path, "truncated header: it declares " + std::to_string(header_len) +
                             " bytes, the file has " + std::to_string(file.size() - prefix) +
                             " after the prefix");
  }
  const std::string header(reinterpret_cast<const char*>(&file[prefix]), header_len);

  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  HeaderParser(header, path).Parse(&descr, &fortran, &shape);

  NpyArray a;
  std::string reason;
  if (!CanonicalDtype(descr, &a.dtype, &reason)) throw NpyError(path, reason);
  a.shape = shape;
  if (fortran) {
    throw NpyError(path, "Fortran order (fortran_order: True) for shape " + a.ShapeString());
  }
  const int64_t want = ByteCount(shape, a.ItemSize());
  if (want < 0) throw NpyError(path, "shape " + a.ShapeString() + " is too large");
  const size_t have = file.size() - prefix - header_len;
  const std::string what = "shape " + a.ShapeString() + " of " + TypeName("<" + a.dtype) +
                           " needs " + std::to_string(want) + " data bytes";
  if (static_cast<uint64_t>(have) < static_cast<uint64_t>(want)) {
    throw NpyError(path, "truncated data: " + what + ", the file has " + std::to_string(have));
  }
  if (static_cast<uint64_t>(have) > static_cast<uint64_t>(want)) {
    throw NpyError(path, "trailing bytes: " + what + ", the file has " + std::to_string(have));
  }
  a.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(prefix + header_len), file.end());
  return a;
}

NpyArray ReadNpy(const std::string& path) {
  std::vector<uint8_t> bytes;
  const std::string problem = ReadRegularFile(path, kMaxNpyFileBytes, &bytes);
  if (!problem.empty()) throw NpyError(path, "cannot open: " + problem);
  return ParseNpy(bytes, path);
}

std::vector<uint8_t> SerializeNpy(const NpyArray& array, const std::string& path) {
  std::string descr;
  if (array.dtype == "i1") {
    descr = "|i1";
  } else if (array.dtype == "u1") {
    descr = "|u1";
  } else if (array.dtype == "i4" || array.dtype == "u2" || array.dtype == "f4") {
    descr = "<" + array.dtype;
  } else {
    throw NpyError(path, "cannot write dtype " + Shown(array.dtype));
  }
  const int64_t want = ByteCount(array.shape, array.ItemSize());
  if (want < 0 || static_cast<uint64_t>(want) != array.bytes.size()) {
    throw NpyError(path, "cannot write: shape " + array.ShapeString() + " does not match the " +
                             std::to_string(array.bytes.size()) + " data bytes");
  }
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + array.ShapeString() + ", }";
  // Pad so that magic + version + length + header is a multiple of 64, ending with '\n'.
  size_t len_bytes = 2;
  if (kMagicSize + 2 + 2 + header.size() + 1 > 65535) len_bytes = 4;
  const size_t prefix = kMagicSize + 2 + len_bytes;
  const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(len_bytes == 2 ? 1 : 2);
  out.push_back(0);
  for (size_t i = 0; i < len_bytes; ++i) {
    out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), array.bytes.begin(), array.bytes.end());
  return out;
}

void WriteNpy(const std::string& path, const NpyArray& array) {
  namespace fs = std::filesystem;
  const std::vector<uint8_t> bytes = SerializeNpy(array, path);
  static std::atomic<unsigned> counter{0};
  const std::string tmp =
      path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw NpyError(path, std::string("cannot write: ") + std::strerror(errno));
    }
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw NpyError(path, "cannot write: write error");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw NpyError(path, "cannot write: " + ec.message());
  }
}

}  // namespace salsa
