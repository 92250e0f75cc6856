// The functional model's zero-skip commands (docs/architecture.md): SCAN, gather LOAD, indexed
// COMPUTE, accumulating drain, their counters and errors, and the same encodings as errors on
// hardware without zero_skip.
#include <gtest/gtest.h>

#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "test_hw.h"

namespace salsa {
namespace {

using test::ErrCase;
using test::Image;

constexpr uint64_t kData = 0x2000;

HwParams SkipHw(bool zero_skip = true) {
  HwParams hw = test::Hw(4, 4, 16, 16, 32, 16);
  hw.zero_skip = zero_skip;
  return hw;
}

// Act words (rows = 4 lanes each) at kData: word i lane l = act[i][l].
std::vector<uint8_t> ActBytes(const std::vector<std::array<int8_t, 4>>& act) {
  std::vector<uint8_t> b;
  for (const auto& w : act)
    for (int8_t v : w) b.push_back(static_cast<uint8_t>(v));
  return b;
}

// Six act words; zp 3: word 0 all zero, word 1 non-zero only in lane 3, word 2 lane 1, word 3 all
// zero, word 4 lane 0, word 5 lane 2.
const std::vector<std::array<int8_t, 4>> kSixWords = {{3, 3, 3, 3}, {3, 3, 3, 9}, {3, -1, 3, 3},
                                                      {3, 3, 3, 3}, {0, 3, 3, 3}, {3, 3, 7, 3}};

TEST(FuncSimSkipTest, ScanListsWordsWithANonZeroTestedLane) {
  const HwParams hw = SkipHw();
  Image img;
  img.Data(kData, ActBytes(kSixWords));
  img.Add(EncodeLoad(contract::kTargetAct, 2, 6, 1, 64, kData));
  img.Add(EncodeScan(2, 6, 3, 2));  // lanes 0 and 1
  FuncSim sim(hw);
  FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  EXPECT_EQ(sim.index_list(), (std::vector<uint16_t>{2, 4}));
  EXPECT_EQ(sim.nnz(), 2u);
  EXPECT_EQ(r.counters[contract::CounterIndex("commands")], 2u);
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 0u);
  // All four lanes.
  img.count = 1;
  img.Add(EncodeScan(2, 6, 3, 4));
  ASSERT_TRUE(img.Run(sim).ok());
  EXPECT_EQ(sim.index_list(), (std::vector<uint16_t>{1, 2, 4, 5}));
  // All zero: {0}.
  img.count = 1;
  img.Add(EncodeScan(2, 1, 3, 4));
  ASSERT_TRUE(img.Run(sim).ok());
  EXPECT_EQ(sim.index_list(), (std::vector<uint16_t>{0}));
  // No zero (zp 100): 0..K-1.
  img.count = 1;
  img.Add(EncodeScan(2, 6, 100, 4));
  ASSERT_TRUE(img.Run(sim).ok());
  EXPECT_EQ(sim.index_list(), (std::vector<uint16_t>{0, 1, 2, 3, 4, 5}));
}

// Index list {1, 2, 4, 5} over act words 0..5 (as above), weights in DRAM at kData + 0x1000:
// K step k is a row of 2 weight words (8 bytes) at stride 16: byte b = 10k + b.
struct GatherSetup {
  Image img;
  GatherSetup() {
    img.Data(kData, ActBytes(kSixWords));
    std::vector<uint8_t> w(6 * 16, 0xEE);
    for (unsigned k = 0; k < 6; ++k)
      for (unsigned b = 0; b < 8; ++b) w[16 * k + b] = static_cast<uint8_t>(10 * k + b);
    img.Data(kData + 0x1000, w);
    img.Add(EncodeLoad(contract::kTargetAct, 0, 6, 1, 64, kData));
    img.Add(EncodeScan(0, 6, 3, 4));
  }
};

TEST(FuncSimSkipTest, GatherLoadClampsToTheListAndCountsSkippedBytes) {
  GatherSetup s;
  // Entries [1, 4): idx 2, 4, 5 -> weight words 8.., and [3, 6): only idx 5 (n = 1).
  s.img.Add(EncodeGatherLoad(8, 2, 3, 1, 16, kData + 0x1000));
  s.img.Add(EncodeGatherLoad(20, 2, 3, 3, 16, kData + 0x1000));
  s.img.Add(EncodeGatherLoad(28, 2, 2, 7, 16, kData + 0x1000));  // past the list: n = 0
  FuncSim sim(SkipHw());
  const FuncSimResult r = s.img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  const std::vector<uint8_t>& wt = sim.weight();
  for (unsigned e = 0; e < 3; ++e) {
    const unsigned k = std::vector<unsigned>{2, 4, 5}[e];
    for (unsigned b = 0; b < 8; ++b) EXPECT_EQ(wt[(8 + 2 * e) * 4 + b], 10 * k + b) << e;
  }
  for (unsigned b = 0; b < 8; ++b) EXPECT_EQ(wt[20 * 4 + b], 50 + b);
  for (unsigned b = 8; b < 24; ++b) EXPECT_EQ(wt[20 * 4 + b], 0) << "beyond n moved";
  for (unsigned b = 0; b < 16; ++b) EXPECT_EQ(wt[28 * 4 + b], 0);
  // Fetched: 4 rows of 8 bytes (one 16-byte beat each); skipped: 2 + 2 entries of 8 bytes.
  EXPECT_EQ(r.counters[contract::CounterIndex("skipped_wgt_bytes")], 4u * 8u);
  EXPECT_EQ(r.counters[contract::CounterIndex("rd_bytes")],
            5u * 32u + 32u + 4u * 16u);  // commands, act, weights
  EXPECT_EQ(r.counters[contract::CounterIndex("skipped_steps")], 0u);
}

TEST(FuncSimSkipTest, IndexedComputeWithStrideFeedsOnlyListedSteps) {
  GatherSetup s;
  // Gather all 4 entries: rows of 2 words at weight words 0, 2, 4, 6; entries 1..3 of "tile 1"
  // are every second word from word 3.
  s.img.Add(EncodeGatherLoad(0, 2, 4, 0, 16, kData + 0x1000));
  s.img.Add(EncodeIndexedCompute(true, true, false, 3, 3, 1, 2, 3, 4));
  FuncSim sim(SkipHw());
  const FuncSimResult r = s.img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  // Expected: sum over idx in {2, 4, 5}, lane i, column j: (x[idx][i] - 3) * w(idx, 4 + j).
  const auto& x = kSixWords;
  int32_t want[4][4] = {};
  for (unsigned k : {2u, 4u, 5u})
    for (unsigned i = 0; i < 4; ++i)
      for (unsigned j = 0; j < 4; ++j) want[i][j] += (x[k][i] - 3) * int{int8_t(10 * k + 4 + j)};
  for (unsigned i = 0; i < 4; ++i)
    for (unsigned j = 0; j < 4; ++j) EXPECT_EQ(sim.acc_sp()[(4 + i) * 4 + j], want[i][j]);
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 3u);
  EXPECT_EQ(r.counters[contract::CounterIndex("skipped_steps")], 0u);
  EXPECT_EQ(r.counters[contract::CounterIndex("gated")],
            3u * 3u);  // three zero lanes in each of words 2, 4, 5
}

TEST(FuncSimSkipTest, IndexedComputeClampsAndDoesNothingPastTheList) {
  GatherSetup s;
  s.img.Add(EncodeGatherLoad(0, 2, 4, 0, 16, kData + 0x1000));
  s.img.Add(EncodeIndexedCompute(true, true, false, 0, 4, 0, 2, 3, 0));
  // Entries [2, 7): n = 2 (idx 4, 5), 3 skipped; accumulate into the same acc words.
  s.img.Add(EncodeIndexedCompute(true, true, true, 4, 5, 2, 2, 3, 0));
  // Past the list: no clear, no drain, 6 skipped steps (the drain address is out of nothing).
  s.img.Add(EncodeIndexedCompute(true, true, false, 0, 6, 4, 1, 3, 8));
  FuncSim sim(SkipHw());
  const FuncSimResult r = s.img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  const auto& x = kSixWords;
  // First: entries 0..3 (idx 1, 2, 4, 5) with weight words 0, 2, 4, 6 (row e's first word);
  // second adds idx 4, 5 with weight words 4, 6 (rows 2, 3).
  int32_t want[4][4] = {};
  const unsigned idx[4] = {1, 2, 4, 5};
  for (unsigned e = 0; e < 4; ++e)
    for (unsigned i = 0; i < 4; ++i)
      for (unsigned j = 0; j < 4; ++j)
        want[i][j] += (x[idx[e]][i] - 3) * int{int8_t(10 * idx[e] + j)} * (e >= 2 ? 2 : 1);
  for (unsigned i = 0; i < 4; ++i)
    for (unsigned j = 0; j < 4; ++j) EXPECT_EQ(sim.acc_sp()[i * 4 + j], want[i][j]);
  for (unsigned w = 8 * 4; w < 12 * 4; ++w) EXPECT_EQ(sim.acc_sp()[w], 0) << "n = 0 drained";
  // The array accumulators still hold the second COMPUTE's sums (n = 0 did not clear them).
  int32_t second = 0;
  for (unsigned e = 2; e < 4; ++e) second += (x[idx[e]][0] - 3) * int{int8_t(10 * idx[e])};
  EXPECT_EQ(sim.accumulators()[0], second);
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 6u);
  EXPECT_EQ(r.counters[contract::CounterIndex("skipped_steps")], 3u + 6u);
}

TEST(FuncSimSkipTest, AccumulatingDrainOfADenseComputeWraps) {
  Image img;
  std::vector<uint8_t> bytes(64, 0);
  bytes[0] = 2;     // act word 0 lane 0 = 2 (zp 0)
  bytes[16] = 100;  // weight word 0 column 0 = 100
  img.Data(kData, bytes);
  std::vector<uint8_t> acc(64, 0);
  acc[0] = 0xFF, acc[1] = 0xFF, acc[2] = 0xFF, acc[3] = 0x7F;  // INT32_MAX in acc word 2 lane 0
  img.Data(kData + 0x100, acc);
  img.Add(EncodeLoad(contract::kTargetAct, 0, 1, 1, 4, kData));
  img.Add(EncodeLoad(contract::kTargetWeight, 0, 1, 1, 4, kData + 16));
  img.Add(EncodeLoad(contract::kTargetAcc, 2, 1, 1, 64, kData + 0x100));
  img.Add(EncodeCompute(true, true, 0, 0, 1, 0, 2, true));
  FuncSim sim(SkipHw());
  ASSERT_TRUE(img.Run(sim).ok());
  EXPECT_EQ(sim.acc_sp()[2 * 4], INT32_MIN + 199);
  EXPECT_EQ(sim.acc_sp()[3 * 4], 0);  // other rows: 0 + 0
}

// The cases after GatherSetup's LOAD and SCAN.
void ExpectErrors(const HwParams& hw, const std::vector<ErrCase>& cases) {
  test::ExpectErrors(hw, GatherSetup().img, cases);
}

TEST(FuncSimSkipTest, ErrorCodes) {
  Command gather_act = EncodeGatherLoad(0, 1, 1, 0, 16, kData);
  gather_act[1] = 0x04;  // gather flag, target act
  Command load_w11 = EncodeLoad(contract::kTargetWeight, 0, 1, 1, 16, kData);
  load_w11[1] |= 0x08;  // w0[11] (accumulate) on a LOAD: a field error, as in the RTL
  ExpectErrors(
      SkipHw(),
      {
          {"SCAN K 0", EncodeScan(0, 0, 3, 4), contract::ErrCodeOf("bad_field")},
          {"SCAN lanes 0", EncodeScan(0, 4, 3, 0), contract::ErrCodeOf("bad_field")},
          {"SCAN lanes > rows", EncodeScan(0, 4, 3, 5), contract::ErrCodeOf("bad_field")},
          {"SCAN past act", EncodeScan(10, 7, 3, 4), contract::ErrCodeOf("scratchpad_range")},
          {"SCAN to the end", EncodeScan(10, 6, 3, 4), contract::ErrCodeOf("none")},
          {"gather target act", gather_act, contract::ErrCodeOf("bad_field")},
          {"gather entries 0", EncodeGatherLoad(0, 1, 0, 0, 16, kData),
           contract::ErrCodeOf("bad_field")},
          {"gather words 0", EncodeGatherLoad(0, 0, 1, 0, 16, kData),
           contract::ErrCodeOf("bad_field")},
          // Unclamped range: 10 entries of 2 words from 14 pass 32 although nnz = 4.
          {"gather range", EncodeGatherLoad(14, 2, 10, 0, 16, kData),
           contract::ErrCodeOf("scratchpad_range")},
          {"gather outside DRAM", EncodeGatherLoad(0, 1, 4, 0, 0x4000, kData),
           contract::ErrCodeOf("axi_read")},
          {"gather n 0 outside DRAM", EncodeGatherLoad(0, 1, 4, 4, 0x4000, kData),
           contract::ErrCodeOf("none")},
          {"indexed K 0", EncodeIndexedCompute(true, true, false, 0, 0, 0, 1, 3, 0),
           contract::ErrCodeOf("bad_field")},
          {"indexed stride 0", EncodeIndexedCompute(true, true, false, 0, 2, 0, 0, 3, 0),
           contract::ErrCodeOf("bad_field")},
          // [wb, wb + (L-1)*S + 1): 2 + 10*3 + 1 = 33 > 32, even though n = 4.
          {"indexed weight range", EncodeIndexedCompute(true, true, false, 2, 11, 0, 3, 3, 0),
           contract::ErrCodeOf("scratchpad_range")},
          {"indexed weight range ok", EncodeIndexedCompute(true, true, false, 1, 11, 0, 3, 3, 0),
           contract::ErrCodeOf("none")},
          {"indexed drain past", EncodeIndexedCompute(true, true, false, 0, 2, 9, 1, 3, 13),
           contract::ErrCodeOf("scratchpad_range")},
          {"LOAD w0[11]", load_w11, contract::ErrCodeOf("bad_field")},
      });
}

TEST(FuncSimSkipTest, ZeroSkipEncodingsAreErrorsWithoutZeroSkip) {
  HwParams hw = SkipHw(false);
  Command load_w11 = EncodeLoad(contract::kTargetWeight, 0, 1, 1, 16, kData);
  load_w11[1] |= 0x08;
  Command store_w10 = EncodeStore(0, 1, 4, 8, 4, 0x6000, 1 << 30, 0, 0, -128, 127);
  store_w10[1] |= 0x04;  // w0[10] on a STORE: not a zero-skip flag, ignored as before
  Command sync_flags = EncodeSync();
  sync_flags[1] = 0x0C;
  const std::vector<ErrCase> cases = {
      {"SCAN", EncodeScan(0, 4, 3, 4), contract::ErrCodeOf("bad_opcode")},
      {"gather LOAD", EncodeGatherLoad(0, 1, 1, 0, 16, kData), contract::ErrCodeOf("bad_field")},
      {"LOAD w0[11]", load_w11, contract::ErrCodeOf("bad_field")},
      {"indexed COMPUTE", EncodeIndexedCompute(true, true, false, 0, 2, 0, 1, 3, 0),
       contract::ErrCodeOf("bad_field")},
      // Accumulate is an os COMPUTE flag of every build (K-split partial sums).
      {"accumulating COMPUTE", EncodeCompute(true, true, 0, 0, 1, 3, 0, true),
       contract::ErrCodeOf("none")},
      {"STORE w0[10]", store_w10, contract::ErrCodeOf("none")},
      {"SYNC flags", sync_flags, contract::ErrCodeOf("none")},
  };
  // GatherSetup's SCAN is itself an error here: run each case after the act LOAD only.
  for (const ErrCase& c : cases) {
    SCOPED_TRACE(c.name);
    Image img;
    img.Add(EncodeLoad(contract::kTargetAct, 0, 6, 1, 64, kData));
    img.Add(c.cmd);
    FuncSim sim(hw);
    const FuncSimResult r = img.Run(sim);
    EXPECT_EQ(r.err_code, c.err) << r.err_detail;
    if (c.err != contract::ErrCodeOf("none")) {
      EXPECT_EQ(r.err_cmd, 1u);
    }
  }
  hw.weight_stationary = true;
  Image img;
  img.Add(EncodeCompute(true, true, 0, 0, 1, 3, 0, true));
  FuncSim ws(hw);
  EXPECT_EQ(img.Run(ws).err_code, contract::ErrCodeOf("bad_field"));
}

TEST(FuncSimSkipTest, Encodings) {
  const Command s = EncodeScan(0x1234, 0x0567, -2, 9);
  EXPECT_EQ(CommandWord(s.data(), 0), 5u);
  EXPECT_EQ(CommandWord(s.data(), 1), 0x1234u);
  EXPECT_EQ(CommandWord(s.data(), 2), 0x00FE0567u);
  EXPECT_EQ(CommandWord(s.data(), 3), 9u);
  const Command g = EncodeGatherLoad(0x10, 0x20, 0x30, 0x40, 0x1000, 0x123456789ull);
  EXPECT_EQ(CommandWord(g.data(), 0), 0x501u);  // gather flag, target weight, LOAD
  EXPECT_EQ(CommandWord(g.data(), 1), 0x00200010u);
  EXPECT_EQ(CommandWord(g.data(), 2), 0x00400030u);
  EXPECT_EQ(CommandWord(g.data(), 3), 0x1000u);
  EXPECT_EQ(CommandWord(g.data(), 4), 0x23456789u);
  EXPECT_EQ(CommandWord(g.data(), 5), 0x1u);
  const Command c = EncodeIndexedCompute(true, true, true, 0x77, 0x88, 0x99, 16, -3, 0x55);
  EXPECT_EQ(CommandWord(c.data(), 0), 0xF02u);
  EXPECT_EQ(CommandWord(c.data(), 1), 0x00770000u);
  EXPECT_EQ(CommandWord(c.data(), 2), 0x10FD0088u);
  EXPECT_EQ(CommandWord(c.data(), 3), 0x00990055u);
  EXPECT_EQ(CommandWord(EncodeCompute(false, true, 1, 2, 3, 0, 4, true).data(), 0), 0xA02u);
  EXPECT_EQ(DescribeCommand(s.data()), "SCAN act_addr=4660 k=1383 in_zp=-2 lanes=9");
  EXPECT_EQ(DescribeCommand(c.data()).rfind(
                "COMPUTE clear drain indexed accumulate act_addr=0 weight_addr=119", 0),
            0u);
  EXPECT_EQ(DescribeCommand(g.data()).rfind(
                "LOAD gather target=weight sp_addr=16 words_per_row=32 rows=48 j0=64", 0),
            0u);
}

}  // namespace
}  // namespace salsa
