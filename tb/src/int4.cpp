#include "salsa/int4.h"

#include <stdexcept>
#include <string>

namespace salsa::int4 {

std::vector<uint8_t> Pack(const int8_t* values, size_t k) {
  std::vector<uint8_t> packed((k + 1) / 2, 0);
  for (size_t i = 0; i < k; ++i) {
    const int v = values[i];
    if (v < -8 || v > 7) {
      throw std::invalid_argument("int4::Pack: value " + std::to_string(v) + " at index " +
                                  std::to_string(i) + " outside [-8, 7]");
    }
    const uint8_t nibble = static_cast<uint8_t>(v & 0xF);
    packed[i / 2] = static_cast<uint8_t>(packed[i / 2] | (i % 2 == 0 ? nibble : nibble << 4));
  }
  return packed;
}

std::vector<int8_t> Unpack(const uint8_t* packed, size_t k) {
  std::vector<int8_t> values(k);
  for (size_t i = 0; i < k; ++i) {
    const int nibble = (i % 2 == 0 ? packed[i / 2] : packed[i / 2] >> 4) & 0xF;
    values[i] = static_cast<int8_t>(nibble >= 8 ? nibble - 16 : nibble);
  }
  return values;
}

}  // namespace salsa::int4
