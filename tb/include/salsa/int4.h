// Signed 4-bit weights packed two per byte, TFLite's int4 layout: along K, element 2i is the low
// nibble of byte i and element 2i+1 the high nibble; for odd K the last high nibble is 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace salsa::int4 {

// k values, each in -8..7 (throws std::invalid_argument otherwise), into (k + 1) / 2 bytes.
std::vector<uint8_t> Pack(const int8_t* values, size_t k);
// (k + 1) / 2 packed bytes into k sign-extended values.
std::vector<int8_t> Unpack(const uint8_t* packed, size_t k);

}  // namespace salsa::int4
