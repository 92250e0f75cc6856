// The functional model's K-slice COMPUTE (docs/architecture.md, "K-slice COMPUTE"): step s of S
// slices against a direct computation (PE row r takes weight word wb + S*s + r/G, the drain adds
// rows j, j+G, ... into acc word j), accumulate, int4w slices (G / 2 words), fp8 slices (a
// bias_load of S words a step, the slices summed in FP32), and the field and range errors; hardware
// without array.gemv_slices ignores the field.
#include <gtest/gtest.h>

#include "salsa/driver.h"
#include "salsa/fp8.h"
#include "salsa/func_sim.h"
#include "test_hw.h"

namespace salsa {
namespace {

using test::ErrCase;
using test::Image;

constexpr uint64_t kAct = 0x2000, kWgt = 0x3000;
constexpr unsigned kRows = 8, kCols = 4;
constexpr int32_t kZp = -2;

HwParams HwSlices(unsigned slices = 4) {
  HwParams hw = test::Hw(kRows, kCols, 16, 16, 32, 16);
  hw.gemv_slices = slices;
  return hw;
}

int8_t X(unsigned i, unsigned l) { return static_cast<int8_t>((5 * i + 3 * l) % 11 - 5); }
int8_t W(unsigned s, unsigned c) { return static_cast<int8_t>(29 * s + 13 * c - 90); }

// 16 act words and 32 weight words loaded to word 0.
Image Loaded() {
  Image img;
  for (unsigned i = 0; i < 16; ++i)
    for (unsigned l = 0; l < kRows; ++l) img.dram[kAct + kRows * i + l] = uint8_t(X(i, l));
  for (unsigned s = 0; s < 32; ++s)
    for (unsigned c = 0; c < kCols; ++c) img.dram[kWgt + kCols * s + c] = uint8_t(W(s, c));
  img.Add(EncodeLoad(contract::kTargetAct, 0, 16, 1, 16 * kRows, kAct));
  img.Add(EncodeLoad(contract::kTargetWeight, 0, 32, 1, 32 * kCols, kWgt));
  return img;
}

Command SliceCompute(bool clear, bool drain, uint16_t a, uint16_t wb, uint16_t k, uint16_t acc,
                     unsigned log_s, bool accumulate = false) {
  Command c = EncodeCompute(clear, drain, a, wb, k, kZp, acc);
  cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "slices"), log_s);
  if (accumulate) cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "accumulate"), 1);
  return c;
}

// Acc word j (< G) of K steps of S slices from act a, weight wb.
int32_t Direct(unsigned S, unsigned a, unsigned wb, unsigned K, unsigned j, unsigned c) {
  const unsigned G = kRows / S;
  int32_t sum = 0;
  for (unsigned s = 0; s < K; ++s)
    for (unsigned r = j; r < kRows; r += G) sum += (X(a + s, r) - kZp) * W(wb + S * s + r / G, c);
  return sum;
}

TEST(FuncSimSlicesTest, SliceComputeMatchesTheDirectComputation) {
  for (unsigned log_s = 1; log_s <= 3; ++log_s) {
    SCOPED_TRACE(log_s);
    const unsigned S = 1u << log_s, G = kRows / S;
    Image img = Loaded();
    // a = 1, wb = S, K = 3 to acc 2; then a = 5, K = 2, wb = 2S added to it (accumulate).
    img.Add(SliceCompute(true, true, 1, static_cast<uint16_t>(S), 3, 2, log_s));
    img.Add(SliceCompute(true, true, 5, static_cast<uint16_t>(2 * S), 2, 2, log_s, true));
    FuncSim sim(HwSlices(8));
    const FuncSimResult r = img.Run(sim);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    for (unsigned j = 0; j < G; ++j)
      for (unsigned c = 0; c < kCols; ++c)
        EXPECT_EQ(sim.acc_sp()[(2 + j) * kCols + c],
                  Direct(S, 1, S, 3, j, c) + Direct(S, 5, 2 * S, 2, j, c));
    EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 5u);
  }
}

// int4w with S slices: row r of slice r / G multiplies nibble r % 2 of weight word wb + S*s + r/G;
// acc word j (< G/2) adds the rows r with (r % G) / 2 == j.
int32_t DirectInt4w(unsigned S, unsigned a, unsigned wb, unsigned K, unsigned j, unsigned c) {
  const unsigned G = kRows / S;
  int32_t sum = 0;
  for (unsigned s = 0; s < K; ++s) {
    for (unsigned r = 0; r < kRows; ++r) {
      if ((r % G) / 2 != j) continue;
      const int nib = (static_cast<uint8_t>(W(wb + S * s + r / G, c)) >> (4 * (r % 2))) & 0xF;
      sum += (X(a + s, r) - kZp) * ((nib ^ 8) - 8);
    }
  }
  return sum;
}

TEST(FuncSimSlicesTest, Int4wSliceComputeMatchesTheDirectComputation) {
  HwParams hw = HwSlices(8);
  hw.precision_mask = 1u << contract::kPrecInt8 | 1u << contract::kPrecInt4w;
  for (unsigned log_s = 0; log_s <= 2; ++log_s) {  // G = 8, 4, 2
    SCOPED_TRACE(log_s);
    const unsigned S = 1u << log_s, G = kRows / S;
    Image img = Loaded();
    Command c1 = SliceCompute(true, true, 1, static_cast<uint16_t>(S), 3, 2, log_s);
    Command c2 = SliceCompute(true, true, 5, static_cast<uint16_t>(2 * S), 2, 2, log_s, true);
    for (Command* c : {&c1, &c2}) {
      cmd::Set(*c, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecInt4w);
      img.Add(*c);
    }
    FuncSim sim(hw);
    const FuncSimResult r = img.Run(sim);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    for (unsigned j = 0; j < G / 2; ++j)
      for (unsigned c = 0; c < kCols; ++c)
        EXPECT_EQ(sim.acc_sp()[(2 + j) * kCols + c],
                  DirectInt4w(S, 1, S, 3, j, c) + DirectInt4w(S, 5, 2 * S, 2, j, c));
  }
  // G = 1 (8 slices): a slice has no row pair.
  Command odd = SliceCompute(true, true, 0, 0, 2, 0, 3);
  cmd::Set(odd, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecInt4w);
  Command last = SliceCompute(true, true, 0, 0, 2, 15, 2);  // G / 2 = 1 word: 15 fits
  cmd::Set(last, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecInt4w);
  test::ExpectErrors(hw, Loaded(),
                     {{"int4w with odd G", odd, contract::ErrCodeOf("bad_field")},
                      {"int4w drain to the end", last, contract::ErrCodeOf("none")}});
}

// fp8 with S slices: a bias_load reads S words a step (row r: word wb + S*i + r/G), the steps
// add in FP32 per row, and acc word j is the FP32 sum of rows j + (S-1)G, .., j + G, j in that
// order.
TEST(FuncSimSlicesTest, Fp8SliceComputeSumsTheSlicesInDrainOrder) {
  HwParams hw = HwSlices(8);
  hw.precision_mask = 1u << contract::kPrecInt8 | 1u << contract::kPrecFp8E4M3;
  const auto code = [](int8_t v) { return static_cast<uint8_t>(v); };
  for (unsigned log_s = 1; log_s <= 3; ++log_s) {
    SCOPED_TRACE(log_s);
    const unsigned S = 1u << log_s, G = kRows / S;
    Image img = Loaded();
    Command bias = SliceCompute(false, false, 0, 0, 4, 0, log_s);
    cmd::Set(bias, cmd::FieldOf(contract::kOpCompute, "bias_load"), 1);
    Command c = SliceCompute(false, true, 1, 0, 3, 2, log_s);
    for (Command* x : {&bias, &c}) {
      cmd::Set(*x, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecFp8E4M3);
      img.Add(*x);
    }
    FuncSim sim(hw);
    const FuncSimResult r = img.Run(sim);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    for (unsigned j = 0; j < G; ++j) {
      for (unsigned col = 0; col < kCols; ++col) {
        uint32_t word = 0;
        for (unsigned i = S; i-- > 0;) {
          const unsigned row = j + i * G;
          uint32_t acc = 0;
          for (unsigned b = 0; b < 4; ++b)
            acc |= uint32_t{code(W(S * b + row / G, col))} << (8 * b);
          for (unsigned st = 0; st < 3; ++st) {
            const uint8_t a = code(X(1 + st, row));
            if ((a & 0x7F) == 0) continue;
            acc = fp::Fp32Add(acc,
                              fp::Fp8Mul(a, code(W(S * st + row / G, col)), fp::Fp8Format::kE4M3));
          }
          word = i + 1 == S ? acc : fp::Fp32Add(acc, word);
        }
        EXPECT_EQ(static_cast<uint32_t>(sim.acc_sp()[(2 + j) * kCols + col]), word)
            << "word " << j << " column " << col;
      }
    }
  }
}

TEST(FuncSimSlicesTest, ErrorCodes) {
  test::ExpectErrors(
      HwSlices(4), Loaded(),
      {
          {"S above gemv_slices", SliceCompute(true, true, 0, 0, 2, 0, 3),
           contract::ErrCodeOf("bad_field")},
          {"weight address not a multiple of S", SliceCompute(true, true, 0, 2, 2, 0, 2),
           contract::ErrCodeOf("bad_field")},
          // weight [wb, wb + S*K): 24 + 4 * 2 = 32 fits, 28 + 8 does not.
          {"weight to the end", SliceCompute(true, true, 0, 24, 2, 0, 2),
           contract::ErrCodeOf("none")},
          {"weight past", SliceCompute(true, true, 0, 28, 2, 0, 2),
           contract::ErrCodeOf("scratchpad_range")},
          // acc [acc, acc + G): G = 2 at S = 4, so 14 fits and 15 does not.
          {"drain to the end", SliceCompute(true, true, 0, 0, 2, 14, 2),
           contract::ErrCodeOf("none")},
          {"drain past", SliceCompute(true, true, 0, 0, 2, 15, 2),
           contract::ErrCodeOf("scratchpad_range")},
      });
  // Without array.gemv_slices the field is not decoded: a plain COMPUTE (odd wb is fine).
  test::ExpectErrors(
      HwSlices(1), Loaded(),
      {{"slices ignored", SliceCompute(true, true, 0, 3, 2, 0, 3), contract::ErrCodeOf("none")}});
}

// Zero-skip with K slices (docs/architecture.md, "Zero-skip with K slices"): a SCAN with slices
// packs the listed words' lanes, a sliced gather writes the rotated layout, and a group COMPUTE
// with slices takes S entries a step; tile t's acc word j (at acc + t * G) must be the sum over
// the listed K steps of (lane j - zp) * w, whatever the layout.
constexpr uint64_t kGat = 0x4000;  // gather rows: index k at kGat + 16 k, tile t's 4 bytes at 4 t
int8_t Wg(unsigned k, unsigned t, unsigned c) {
  return static_cast<int8_t>(37 * k + 11 * t - 7 * c);
}

Image SkipLoaded() {
  Image img = Loaded();
  for (unsigned k = 0; k < 16; ++k)
    for (unsigned t = 0; t < 4; ++t)
      for (unsigned c = 0; c < kCols; ++c)
        img.dram[kGat + 16 * k + 4 * t + c] = uint8_t(Wg(k, t, c));
  return img;
}

Command Scan(uint16_t a, uint16_t k, uint8_t lanes, unsigned log_s) {
  Command c = EncodeScan(a, k, static_cast<int8_t>(kZp), lanes);
  cmd::Set(c, cmd::FieldOf(contract::kOpScan, "slices"), log_s);
  return c;
}

Command SlicedGather(uint16_t sp, uint16_t wpr, uint16_t entries, uint16_t j0) {
  Command c = EncodeGatherLoad(sp, wpr, entries, j0, 16, kGat);
  cmd::Set(c, cmd::FieldOf(contract::kOpLoad, "sliced"), 1);
  return c;
}

Command SlicedGroup(bool accumulate, uint16_t wb, uint16_t entries, uint16_t j0, uint8_t tiles,
                    uint16_t acc, unsigned log_s = 2) {
  Command c = EncodeIndexedCompute(true, true, accumulate, wb, entries, j0, tiles,
                                   static_cast<int8_t>(kZp), acc, /*group=*/true);
  cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "slices"), log_s);
  return c;
}

HwParams HwSkipSlices() {
  HwParams hw = HwSlices(4);  // 8 rows: 4 slices of G = 2; a 16-byte bus: 4 weight words a cycle
  hw.zero_skip = true;
  hw.weight_words = 64;
  hw.acc_words = 64;
  return hw;
}

TEST(FuncSimSlicesTest, ZeroSkipSlicesPackGatherAndCompute) {
  // SCAN act words [0, 11) testing lanes 0 and 1: the list is the words whose lanes 0..1 are not
  // all kZp; the packed words follow at 11.
  std::vector<unsigned> list;
  for (unsigned i = 0; i < 11; ++i)
    if (X(i, 0) != kZp || X(i, 1) != kZp) list.push_back(i);
  ASSERT_GE(list.size(), 5u);
  Image img = SkipLoaded();
  img.Add(Scan(0, 11, 2, 2));
  // Two chunks of 4 entries: gather 4 tiles (wpr 4) into 0 and 16, group COMPUTEs over them.
  img.Add(SlicedGather(0, 4, 4, 0));
  img.Add(SlicedGroup(false, 0, 4, 0, 4, 0));
  img.Add(SlicedGather(16, 4, 8, 4));
  img.Add(SlicedGroup(true, 16, 8, 4, 4, 0));
  FuncSim sim(HwSkipSlices());
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  // Packed word q, byte r: lane r % 2 of listed word 4q + r / 2, else kZp.
  for (unsigned q = 0; q < (list.size() + 3) / 4; ++q) {
    for (unsigned b = 0; b < kRows; ++b) {
      const unsigned e = 4 * q + b / 2;
      const int8_t want = e < list.size() ? X(list[e], b % 2) : static_cast<int8_t>(kZp);
      EXPECT_EQ(static_cast<int8_t>(sim.act()[(11 + q) * kRows + b]), want) << q << " " << b;
    }
  }
  const unsigned n = std::min<unsigned>(12, static_cast<unsigned>(list.size()));
  for (unsigned t = 0; t < 4; ++t) {
    for (unsigned j = 0; j < 2; ++j) {
      for (unsigned c = 0; c < kCols; ++c) {
        int32_t want = 0;
        for (unsigned e = 0; e < n; ++e) want += (X(list[e], j) - kZp) * Wg(list[e], t, c);
        // Tile t's region is its G = 2 words at acc + 2 t.
        EXPECT_EQ(sim.acc_sp()[(2 * t + j) * kCols + c], want) << "tile " << t << " row " << j;
      }
    }
  }
  // Steps: ceil(4/4) + ceil((n - 4)/4) per tile.
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 4u * (1 + (n - 4 + 3) / 4));
}

TEST(FuncSimSlicesTest, ZeroSkipSlicesErrorCodes) {
  Image img = SkipLoaded();
  img.Add(Scan(0, 11, 2, 2));
  test::ExpectErrors(
      HwSkipSlices(), img,
      {
          {"SCAN S above gemv_slices", Scan(0, 4, 2, 3), contract::ErrCodeOf("bad_field")},
          // SCAN [a, a + K + ceil(K / S)): 16 + 16 / 4 = 20 > 16 words.
          {"SCAN packed words past", Scan(4, 12, 2, 2), contract::ErrCodeOf("scratchpad_range")},
          {"SCAN packed words to the end", Scan(4, 9, 2, 2), contract::ErrCodeOf("none")},
          {"sliced gather sp not a multiple of W", SlicedGather(2, 4, 4, 0),
           contract::ErrCodeOf("bad_field")},
          {"sliced gather wpr not whole writes", SlicedGather(0, 2, 4, 0),
           contract::ErrCodeOf("bad_field")},
          // ceil(5 / 4) = 2 rows of 4 * 4 words: from 32 they end at 64, from 36 past it.
          {"sliced gather to the end", SlicedGather(32, 4, 5, 0), contract::ErrCodeOf("none")},
          {"sliced gather past", SlicedGather(36, 4, 5, 0),
           contract::ErrCodeOf("scratchpad_range")},
          {"indexed S below gemv_slices", SlicedGroup(false, 0, 4, 0, 2, 0, 1),
           contract::ErrCodeOf("bad_field")},
          {"indexed j0 not a multiple of S", SlicedGroup(false, 0, 4, 2, 2, 0),
           contract::ErrCodeOf("bad_field")},
          // ceil(8 / 4) rows of T = 4 tiles of 4 words: [32, 64) fits, [36, 68) does not.
          {"indexed weight to the end", SlicedGroup(false, 32, 8, 0, 4, 0),
           contract::ErrCodeOf("none")},
          {"indexed weight past", SlicedGroup(false, 36, 8, 0, 4, 0),
           contract::ErrCodeOf("scratchpad_range")},
          // T = 4 tiles drain G = 2 words each at acc + 2 t: [56, 64) fits, [57, 65) does not.
          {"indexed drain to the end", SlicedGroup(false, 0, 8, 0, 4, 56),
           contract::ErrCodeOf("none")},
          {"indexed drain past", SlicedGroup(false, 0, 8, 0, 4, 57),
           contract::ErrCodeOf("scratchpad_range")},
      });
}

}  // namespace
}  // namespace salsa
