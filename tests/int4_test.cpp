// salsa::int4 (tb/src/int4.cpp): TFLite's packed int4 layout.
#include "salsa/int4.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace {

TEST(Int4, PackLayoutIsLowNibbleFirst) {
  const int8_t v[] = {1, -1, -8, 7, 3};
  const std::vector<uint8_t> p = salsa::int4::Pack(v, 5);
  EXPECT_EQ(p, (std::vector<uint8_t>{0xF1, 0x78, 0x03}));  // odd K: the last high nibble is 0
}

TEST(Int4, EveryValueRoundTripsAtEveryPositionForOddAndEvenK) {
  for (size_t k : {1u, 2u, 15u, 16u, 17u}) {
    for (int first = -8; first <= 7; ++first) {
      std::vector<int8_t> v(k);
      for (size_t i = 0; i < k; ++i) v[i] = static_cast<int8_t>((first + 8 + 5 * i) % 16 - 8);
      const std::vector<uint8_t> p = salsa::int4::Pack(v.data(), k);
      ASSERT_EQ(p.size(), (k + 1) / 2);
      if (k % 2) {
        EXPECT_EQ(p.back() >> 4, 0) << k;
      }
      EXPECT_EQ(salsa::int4::Unpack(p.data(), k), v) << "k " << k << " first " << first;
    }
  }
  // Every byte unpacks to its two sign-extended nibbles.
  for (unsigned b = 0; b < 256; ++b) {
    const uint8_t byte = static_cast<uint8_t>(b);
    const std::vector<int8_t> v = salsa::int4::Unpack(&byte, 2);
    EXPECT_EQ(v[0], static_cast<int>(b & 0xF) - ((b & 0x8) ? 16 : 0));
    EXPECT_EQ(v[1], static_cast<int>(b >> 4) - ((b & 0x80) ? 16 : 0));
    EXPECT_EQ(salsa::int4::Pack(v.data(), 2), std::vector<uint8_t>{byte});
  }
}

TEST(Int4, ValuesOutsideTheRangeAreAnError) {
  const int8_t v[] = {0, 8};
  EXPECT_THROW(salsa::int4::Pack(v, 2), std::invalid_argument);
  const int8_t w[] = {-9};
  EXPECT_THROW(salsa::int4::Pack(w, 1), std::invalid_argument);
}

}  // namespace
