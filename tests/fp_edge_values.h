// FP32 bit patterns of the edge classes the FP tests pair up: zeros, subnormals, the normal
// boundary, ordinary values, near-overflow values, infinities and NaNs (both signs each).
#pragma once

#include <cstdint>
#include <vector>

namespace salsa::fp_test {

inline std::vector<uint32_t> EdgeValues() {
  const uint32_t magnitudes[] = {
      0x00000000u,                                         // zero
      0x00000001u,                                         // smallest subnormal 2^-149
      0x00000002u, 0x00000003u, 0x003FFFFFu, 0x00400000u,  // mid subnormals
      0x007FFFFFu,                                         // largest subnormal
      0x00800000u,                                         // smallest normal 2^-126
      0x00800001u, 0x00FFFFFFu, 0x01000000u,
      0x33800000u,  // 2^-24 (half an ulp of 1.0)
      0x33800001u, 0x34000000u,
      0x3F7FFFFFu,               // just below 1.0
      0x3F800000u,               // 1.0
      0x3F800001u, 0x3FC00000u,  // 1.5
      0x3FFFFFFFu, 0x40000000u,
      0x4B800000u,               // 2^24
      0x3B000000u,               // 2^-9: E4M3's smallest subnormal
      0x37800000u,               // 2^-16: E5M2's smallest subnormal
      0x43E00000u,               // 448
      0x43E80000u,               // 464
      0x43E80001u, 0x43F00000u,  // 480
      0x47600000u,               // 57344
      0x476FFFFFu, 0x47700000u,  // 61440
      0x7F000000u,               // 2^127
      0x7F7FFFFEu, 0x7F7FFFFFu,  // largest finite
      0x7E800000u,
      0x7F800000u,  // inf
      0x7FC00000u,  // canonical NaN
      0x7F800001u,  // signalling NaN
      0x7FFFFFFFu,
  };
  std::vector<uint32_t> out;
  for (uint32_t m : magnitudes) {
    out.push_back(m);
    out.push_back(m | 0x80000000u);
  }
  return out;
}

}  // namespace salsa::fp_test
