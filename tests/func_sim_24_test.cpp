// The functional model's 2:4 commands (docs/architecture.md, "2:4 commands"): meta LOADs (target
// 3), 2:4 COMPUTEs against a direct computation, their counters and errors, and the same
// encodings as errors on hardware without sparsity.structured "2:4".
#include <gtest/gtest.h>

#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "test_hw.h"

namespace salsa {
namespace {

using test::ErrCase;
using test::Image;

constexpr uint64_t kAct = 0x2000, kWgt = 0x3000, kMeta = 0x3800;
constexpr unsigned kRows = 4, kCols = 8;  // 2 bytes of positions per weight word
constexpr int32_t kZp = 3;

HwParams Hw24(bool structured = true) {
  HwParams hw = test::Hw(kRows, kCols, 16, 20, 8, 16);
  hw.structured24 = structured;
  return hw;
}

// Act word i lane l; about one in six at the zero point.
int8_t X(unsigned i, unsigned l) { return static_cast<int8_t>((7 * i + 3 * l) % 13 - 6); }
// Weight word s column c.
int8_t W(unsigned s, unsigned c) { return static_cast<int8_t>(37 * s + 11 * c - 100); }
// Position of column c in meta word s: neighbouring columns pick different positions, and they
// change from step to step (positions need not increase inside a group for the hardware).
unsigned Pos(unsigned s, unsigned c) { return (c + 3 * s) % 4; }

// 16 act words, 8 weight and meta words in DRAM, loaded to act word 0, weight and meta word 0.
Image Loaded() {
  Image img;
  for (unsigned i = 0; i < 16; ++i)
    for (unsigned l = 0; l < kRows; ++l) img.dram[kAct + kRows * i + l] = uint8_t(X(i, l));
  for (unsigned s = 0; s < 8; ++s) {
    for (unsigned c = 0; c < kCols; ++c) {
      img.dram[kWgt + kCols * s + c] = uint8_t(W(s, c));
      img.dram[kMeta + 2 * s + c / 4] |= static_cast<uint8_t>(Pos(s, c) << (2 * (c % 4)));
    }
  }
  img.Add(EncodeLoad(contract::kTargetAct, 0, 16, 1, 64, kAct));
  img.Add(EncodeLoad(contract::kTargetWeight, 0, 8, 1, 64, kWgt));
  // Two meta words of kCols bytes: the positions of weight words 0..3 and 4..7.
  img.Add(EncodeLoad(contract::kTargetMeta, 0, 2, 1, 2 * kCols, kMeta));
  return img;
}

// The contract: step s < K of a 2:4 COMPUTE at act a, weight/meta wb: column c multiplies act
// word a + 4(s/2) + Pos(wb + s, c) with weight byte c of word wb + s.
void AddDirect(unsigned a, unsigned wb, unsigned K, int32_t acc[kRows][kCols]) {
  for (unsigned s = 0; s < K; ++s)
    for (unsigned i = 0; i < kRows; ++i)
      for (unsigned c = 0; c < kCols; ++c)
        acc[i][c] += (X(a + 4 * (s / 2) + Pos(wb + s, c), i) - kZp) * W(wb + s, c);
}

// Gated operands: per step, the zero-point activations among the four of each row's group.
uint64_t DirectGated(unsigned a, unsigned K) {
  uint64_t n = 0;
  for (unsigned s = 0; s < K; ++s)
    for (unsigned l = 0; l < 4; ++l)
      for (unsigned i = 0; i < kRows; ++i) n += X(a + 4 * (s / 2) + l, i) == kZp;
  return n;
}

TEST(FuncSim24Test, MetaLoadFillsTheMetaScratchpad) {
  Image img = Loaded();
  // Meta word 1 (weight words 4..7) again, from other bytes.
  for (unsigned b = 0; b < kCols; ++b) img.dram[kMeta + 64 + b] = static_cast<uint8_t>(0x35 + b);
  img.Add(EncodeLoad(contract::kTargetMeta, 1, 1, 1, kCols, kMeta + 64));
  FuncSim sim(Hw24());
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  ASSERT_EQ(sim.meta().size(), 8u * 2u);  // 8 weight words x cols / 4 bytes
  for (unsigned b = 0; b < kCols; ++b) {
    EXPECT_EQ(sim.meta()[b], img.dram[kMeta + b]);
    EXPECT_EQ(sim.meta()[kCols + b], img.dram[kMeta + 64 + b]);
  }
  // Commands (4 x 32 bytes, 16-byte beats), act 64, weight 64, meta 16 bytes, then one beat.
  EXPECT_EQ(r.counters[contract::CounterIndex("rd_bytes")], 4u * 32u + 64u + 64u + 16u + 16u);
  EXPECT_TRUE(FuncSim(Hw24(false)).meta().empty());
}

TEST(FuncSim24Test, StructuredComputeMatchesTheDirectComputation) {
  Image img = Loaded();
  // a = 2, wb = 1, K = 4 (groups act 2..5 and 6..9), drained to acc 4; then a = 10, wb = 5, K = 2
  // added without clear, drained to acc 8.
  img.Add(EncodeStructuredCompute(true, true, 2, 1, 4, kZp, 4));
  img.Add(EncodeStructuredCompute(false, true, 10, 5, 2, kZp, 8));
  FuncSim sim(Hw24());
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  int32_t want[kRows][kCols] = {};
  AddDirect(2, 1, 4, want);
  for (unsigned i = 0; i < kRows; ++i)
    for (unsigned c = 0; c < kCols; ++c) EXPECT_EQ(sim.acc_sp()[(4 + i) * kCols + c], want[i][c]);
  AddDirect(10, 5, 2, want);
  for (unsigned i = 0; i < kRows; ++i)
    for (unsigned c = 0; c < kCols; ++c) EXPECT_EQ(sim.acc_sp()[(8 + i) * kCols + c], want[i][c]);
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 6u);
  EXPECT_EQ(r.counters[contract::CounterIndex("gated")], DirectGated(2, 4) + DirectGated(10, 2));
  EXPECT_GT(DirectGated(2, 4), 0u);
  // Every column of a step sees a different act word than its neighbour: the sum differs from
  // one with all positions 0 (a check that the positions are used at all).
  int32_t pos0 = 0;
  for (unsigned s = 0; s < 4; ++s) pos0 += (X(2 + 4 * (s / 2), 0) - kZp) * W(1 + s, 1);
  EXPECT_NE(want[0][1], pos0);
}

TEST(FuncSim24Test, DenseComputeOnStructuredHardwareIsUnchanged) {
  Image img = Loaded();
  img.Add(EncodeCompute(true, true, 3, 2, 5, kZp, 0));  // odd address and K are fine densely
  FuncSim sim(Hw24());
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  uint64_t gated = 0;
  for (unsigned i = 0; i < kRows; ++i) {
    for (unsigned c = 0; c < kCols; ++c) {
      int32_t want = 0;
      for (unsigned k = 0; k < 5; ++k) want += (X(3 + k, i) - kZp) * W(2 + k, c);
      EXPECT_EQ(sim.acc_sp()[i * kCols + c], want);
    }
    for (unsigned k = 0; k < 5; ++k) gated += X(3 + k, i) == kZp;
  }
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 5u);
  EXPECT_EQ(r.counters[contract::CounterIndex("gated")], gated);
}

// The cases after the LOADs of Loaded() (without 2:4 hardware, no meta LOAD).
void ExpectErrors(const HwParams& hw, const std::vector<ErrCase>& cases) {
  Image img = Loaded();
  if (!hw.structured24) img.count = 2;
  test::ExpectErrors(hw, img, cases);
}

TEST(FuncSim24Test, ErrorCodes) {
  Command load_w12 = EncodeLoad(contract::kTargetWeight, 0, 1, 1, 16, kWgt);
  load_w12[1] |= 0x10;  // w0[12] on a LOAD: not defined, ignored
  Command indexed = EncodeStructuredCompute(true, true, 0, 0, 2, kZp, 0);
  indexed[1] |= 0x04;  // w0[10]: a zero-skip flag
  ExpectErrors(
      Hw24(),
      {
          {"2:4 K 0", EncodeStructuredCompute(true, true, 0, 0, 0, kZp, 0),
           contract::ErrCodeOf("bad_field")},
          {"2:4 odd K", EncodeStructuredCompute(true, true, 0, 0, 3, kZp, 0),
           contract::ErrCodeOf("bad_field")},
          {"2:4 odd act", EncodeStructuredCompute(true, true, 1, 0, 2, kZp, 0),
           contract::ErrCodeOf("bad_field")},
          // Odd fields win over ranges: [1, 1 + 2 * 9) is out of range too.
          {"2:4 odd K out of range", EncodeStructuredCompute(true, true, 0, 0, 9, kZp, 0),
           contract::ErrCodeOf("bad_field")},
          // act [a, a + 2K): 12 + 2 * 4 = 20 fits, 14 + 8 = 22 does not.
          {"2:4 act to the end", EncodeStructuredCompute(true, true, 12, 0, 4, kZp, 0),
           contract::ErrCodeOf("none")},
          {"2:4 act past", EncodeStructuredCompute(true, true, 14, 0, 4, kZp, 0),
           contract::ErrCodeOf("scratchpad_range")},
          // weight and meta [wb, wb + K): 4 + 4 = 8 fits, 5 + 4 does not.
          {"2:4 weight to the end", EncodeStructuredCompute(true, true, 0, 4, 4, kZp, 0),
           contract::ErrCodeOf("none")},
          {"2:4 weight past", EncodeStructuredCompute(true, true, 0, 5, 4, kZp, 0),
           contract::ErrCodeOf("scratchpad_range")},
          {"2:4 drain past", EncodeStructuredCompute(true, true, 0, 0, 2, kZp, 13),
           contract::ErrCodeOf("scratchpad_range")},
          {"2:4 with w0[10]", indexed, contract::ErrCodeOf("bad_field")},
          // Meta words hold four weight words' positions: 8 weight words, 2 meta words.
          {"meta LOAD past", EncodeLoad(contract::kTargetMeta, 1, 1, 2, kCols, kMeta),
           contract::ErrCodeOf("scratchpad_range")},
          {"meta LOAD to the end", EncodeLoad(contract::kTargetMeta, 1, 1, 1, kCols, kMeta),
           contract::ErrCodeOf("none")},
          {"meta LOAD rows 0", EncodeLoad(contract::kTargetMeta, 0, 1, 0, kCols, kMeta),
           contract::ErrCodeOf("bad_field")},
          {"meta LOAD outside DRAM", EncodeLoad(contract::kTargetMeta, 0, 2, 1, 2 * kCols, 0x7FFE),
           contract::ErrCodeOf("axi_read")},
          {"LOAD w0[12] ignored", load_w12, contract::ErrCodeOf("none")},
      });
}

TEST(FuncSim24Test, StructuredEncodingsAreErrorsWithoutStructured) {
  Command load_w12 = EncodeLoad(contract::kTargetWeight, 0, 1, 1, 16, kWgt);
  load_w12[1] |= 0x10;
  ExpectErrors(Hw24(false),
               {
                   {"meta LOAD", EncodeLoad(contract::kTargetMeta, 0, 1, 1, 2, kMeta),
                    contract::ErrCodeOf("bad_field")},
                   {"2:4 COMPUTE", EncodeStructuredCompute(true, true, 0, 0, 2, kZp, 0),
                    contract::ErrCodeOf("bad_field")},
                   {"dense COMPUTE", EncodeCompute(true, true, 0, 0, 2, kZp, 0),
                    contract::ErrCodeOf("none")},
                   {"LOAD w0[12] ignored", load_w12, contract::ErrCodeOf("none")},
               });
  // The zero-skip hardware has no 2:4 either.
  HwParams zs = Hw24(false);
  zs.zero_skip = true;
  ExpectErrors(zs,
               {{"2:4 COMPUTE on zero_skip", EncodeStructuredCompute(true, true, 0, 0, 2, kZp, 0),
                 contract::ErrCodeOf("bad_field")}});
}

TEST(FuncSim24Test, Encodings) {
  const Command c = EncodeStructuredCompute(true, true, 0x1234, 0x0567, 0x0ABC, -2, 0x55);
  EXPECT_EQ(CommandWord(c.data(), 0), 0x1302u);  // 2:4, drain, clear, COMPUTE
  EXPECT_EQ(CommandWord(c.data(), 1), 0x05671234u);
  EXPECT_EQ(CommandWord(c.data(), 2), 0x00FE0ABCu);
  EXPECT_EQ(CommandWord(c.data(), 3), 0x55u);
  EXPECT_EQ(CommandWord(EncodeStructuredCompute(false, false, 2, 3, 4, 0, 0).data(), 0), 0x1002u);
  EXPECT_EQ(CommandWord(EncodeLoad(contract::kTargetMeta, 1, 2, 3, 4, 5).data(), 0), 0x301u);
  EXPECT_EQ(
      DescribeCommand(c.data()),
      "COMPUTE clear drain structured act_addr=4660 weight_addr=1383 k=2748 in_zp=-2 acc_addr=85");
  EXPECT_EQ(DescribeCommand(EncodeLoad(contract::kTargetMeta, 1, 2, 3, 4, 5).data())
                .rfind("LOAD target=meta sp_addr=1", 0),
            0u);
}

}  // namespace
}  // namespace salsa
