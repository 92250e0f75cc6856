// The tiler's plans: which plan runs a layer, and each plan's tiling and load pattern.
#include <gtest/gtest.h>

#include <variant>

#include "driver_test_util.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

using namespace driver_test;

// BuildFcProgram runs one plan per layer (ChoosePlan): its name, its parameters and the flags
// readers use agree.
TEST(DriverTest, EachPlanIsChosenWithItsParameters) {
  const HwParams os = Hw(16, 16, 16, 4096, 4096, 512);
  HwParams skip = os, s24 = os;
  skip.zero_skip = true;
  s24.structured24 = true;
  FcLayer pruned = MakeRandomFc(16, 256, 64, 3);
  Prune2of4(&pruned);
  struct Case {
    HwParams hw;
    FcLayer l;
    const char* plan;
    bool k_split;
  };
  const Case cases[] = {
      {os, MakeRandomFc(16, 256, 64, 1), "os", false},
      {os, MakeRandomFc(64, 4096, 256, 7), "os K-split", true},
      {Ws(os), MakeRandomFc(16, 256, 64, 1), "ws", false},
      {Ws(os), MakeRandomFc(64, 4096, 256, 11), "ws K-split", true},
      {skip, MakeRandomFc(1, 256, 64, 1), "zero-skip", false},
      {s24, pruned, "2:4", false},
  };
  for (const Case& c : cases) {
    const Program p = BuildFcProgram(c.hw, c.l);
    EXPECT_EQ(p.plan, c.plan);
    EXPECT_EQ(p.k_split(), c.k_split) << c.plan;
    EXPECT_EQ(p.zero_skip(), std::holds_alternative<SkipParams>(p.params)) << c.plan;
    EXPECT_EQ(p.structured(), std::holds_alternative<Params24>(p.params)) << c.plan;
    EXPECT_FALSE(p.transposed()) << c.plan;
  }
  EXPECT_TRUE(std::holds_alternative<WsParams>(BuildFcProgram(Ws(os), cases[2].l).params));
}

TEST(DriverTest, TilingShape) {
  const HwParams hw = Hw(16, 16, 16, 100, 300, 64);
  const FcLayer l = MakeRandomFc(20, 250, 40, 9);
  const Program p = BuildFcProgram(hw, l);
  EXPECT_EQ(p.m_tiles, 2u);
  EXPECT_EQ(p.n_tiles, 3u);
  // Double buffering: a K chunk fills half the act scratchpad (100 words / 2).
  EXPECT_EQ(p.plan, "os");
  const OsParams& os = std::get<OsParams>(p.params);
  EXPECT_TRUE(os.double_buffer);
  EXPECT_EQ(p.k_chunk, 50u);
  EXPECT_FALSE(os.act_resident);  // K = 250 does not fit 100 act words
  // Per tile: the bias LOAD, 5 chunks of (LOAD act, LOAD weight, COMPUTE), the STORE.
  EXPECT_EQ(p.cmd_count, 2u * 3u * (1u + 3u * 5u + 1u));
  EXPECT_NE(p.cmd_base, 0u);
  for (uint64_t a : {p.cmd_base, p.act_addr, p.weight_addr, p.bias_addr, p.out_addr}) {
    EXPECT_EQ(a % 4096, 0u);
  }
  EXPECT_EQ(p.dram.size() % 4096, 0u);
  auto cmd = [&](size_t i) { return DescribeCommand(p.cmds[i].data()); };
  // acc: bias slots 0, 1 and 2, then two 16-row regions at 3 and 19.
  EXPECT_EQ(cmd(0).rfind("LOAD target=acc sp_addr=0 words_per_row=1 rows=1", 0), 0u) << cmd(0);
  EXPECT_EQ(cmd(1).rfind("LOAD target=act sp_addr=0", 0), 0u) << cmd(1);
  EXPECT_EQ(cmd(3).rfind("COMPUTE clear act_addr=0 weight_addr=0 k=50", 0), 0u) << cmd(3);
  // The second chunk uses the other halves.
  // The next n tile's bias goes into the other slot right after the first COMPUTE.
  EXPECT_EQ(cmd(4).rfind("LOAD target=acc sp_addr=1 words_per_row=1 rows=1", 0), 0u) << cmd(4);
  EXPECT_EQ(cmd(7).rfind("COMPUTE act_addr=50 weight_addr=150 k=50", 0), 0u) << cmd(7);
  EXPECT_NE(cmd(16).find("acc_addr=3"), std::string::npos) << cmd(16);
  // Tile 1 uses the second region; tile 0's STORE follows tile 1's first COMPUTE, so it runs
  // while tile 1 computes.
  EXPECT_EQ(cmd(19).rfind("COMPUTE clear act_addr=50 weight_addr=150 k=50 in_zp=", 0), 0u)
      << cmd(19);
  EXPECT_EQ(cmd(20).rfind("STORE acc_addr=3 rows=16 row_bytes=16 bias_addr=0 stride=40", 0), 0u)
      << cmd(20);
  EXPECT_NE(cmd(33).find("acc_addr=19"), std::string::npos) << cmd(33);
  // Last tile: 4 rows, 8 bytes per row, at out + 16*40 + 32.
  const uint8_t* last = p.cmds.back().data();
  EXPECT_EQ(CommandWord(last, 1) >> 16, 4u);
  EXPECT_EQ(CommandWord(last, 2) & 0xFFFF, 8u);
  EXPECT_EQ(CommandWord(last, 4), p.out_addr + 16 * 40 + 32);
}

TEST(DriverTest, ResidentActivationsAndWeightsLoadOnce) {
  const HwParams hw = Hw(16, 16, 16, 1024, 1024, 64);
  const FcLayer l = MakeRandomFc(64, 100, 48, 10);
  const Program p = BuildFcProgram(hw, l);
  EXPECT_TRUE(std::get<OsParams>(p.params).act_resident);
  // 4 m tiles x 100 words fit the 1024-word act scratchpad
  EXPECT_EQ(std::get<OsParams>(p.params).m_block, 4u);
  unsigned act_loads = 0, weight_loads = 0;
  for (const Command& c : p.cmds) {
    const std::string d = DescribeCommand(c.data());
    act_loads += d.rfind("LOAD target=act", 0) == 0;
    weight_loads += d.rfind("LOAD target=weight", 0) == 0;
  }
  EXPECT_EQ(act_loads, p.m_tiles);
  EXPECT_EQ(weight_loads, p.n_tiles);
  // The next n tile's weights and bias are loaded right after the first COMPUTE of this one.
  auto cmd = [&](size_t i) { return DescribeCommand(p.cmds[i].data()); };
  EXPECT_EQ(cmd(0).rfind("LOAD target=weight sp_addr=0 words_per_row=100", 0), 0u) << cmd(0);
  EXPECT_EQ(cmd(3).rfind("COMPUTE clear drain act_addr=0 weight_addr=0 k=100", 0), 0u) << cmd(3);
  EXPECT_EQ(cmd(4).rfind("LOAD target=weight sp_addr=512 words_per_row=100", 0), 0u) << cmd(4);
  EXPECT_EQ(cmd(5).rfind("LOAD target=acc sp_addr=1", 0), 0u) << cmd(5);
  EXPECT_EQ(cmd(6).rfind("LOAD target=act sp_addr=100 words_per_row=100", 0), 0u) << cmd(6);
  // Blocks: 20 m tiles of K = 100 do not fit 1024 words; blocks of 5 alternate between halves.
  const Program q = BuildFcProgram(hw, MakeRandomFc(320, 100, 20, 11));
  EXPECT_TRUE(std::get<OsParams>(q.params).act_resident);
  EXPECT_EQ(std::get<OsParams>(q.params).m_block, 5u);
}

// K-split plan: K longer than half the act scratchpad, partial sums added in the acc words.
TEST(DriverTest, KSplitBlocksShareEachChunkLoad) {
  const HwParams hw = Hw(16, 16, 16, 4096, 4096, 512);
  const FcLayer l = MakeRandomFc(64, 4096, 256, 7);
  const Program p = BuildFcProgram(hw, l);
  ASSERT_TRUE(p.k_split());
  EXPECT_EQ(p.plan, "os K-split");
  // 4 x 4 tiles share each 512-step chunk: acts are read once per n block, weights once.
  EXPECT_EQ(std::get<SplitParams>(p.params).m_block, 4u);
  EXPECT_EQ(std::get<SplitParams>(p.params).n_block, 4u);
  EXPECT_EQ(p.k_chunk, 512u);
  uint64_t act_bytes = 0, weight_bytes = 0;
  for (const Command& c : p.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0), w1 = CommandWord(c.data(), 1);
    if ((w0 & 0xFF) != contract::kOpLoad) continue;
    const uint64_t words = uint64_t{w1 >> 16} * (CommandWord(c.data(), 2) & 0xFFFF);
    if (((w0 >> 8) & 3) == contract::kTargetAct) act_bytes += words * hw.rows;
    if (((w0 >> 8) & 3) == contract::kTargetWeight) weight_bytes += words * hw.cols;
  }
  EXPECT_EQ(act_bytes, 4u * 64 * 4096);
  EXPECT_EQ(weight_bytes, 256u * 4096);
  RunAndCompare(hw, 64, 4096, 256, 7);
}

TEST(DriverTest, KSplitManyShapes) {
  // 32-word act halves on a 4-byte bus: K past 32 splits (when blocks save traffic), into blocks
  // the acc scratchpad bounds.
  uint64_t seed = 700;
  unsigned splits = 0, runs = 0;
  for (unsigned acc : {40u, 100u, 300u}) {
    const HwParams hw = Hw(4, 4, 4, 64, 96, acc);
    for (const Shape& s : {Shape{1, 100, 40}, Shape{9, 33, 9}, Shape{17, 250, 13}, Shape{40, 77, 3},
                           Shape{23, 129, 31}}) {
      splits += BuildFcProgram(hw, MakeRandomFc(s.M, s.K, s.N, seed)).k_split(), ++runs;
      RunAndCompare(hw, s.M, s.K, s.N, seed++);
    }
  }
  EXPECT_GE(splits, runs - 3);  // 9x33x9 and 40x77x3 on the 40-word acc: no block fits
  const HwParams rect = Hw(12, 8, 8, 200, 160, 200);
  for (const Shape& s : {Shape{50, 500, 50}, Shape{13, 301, 17}}) {
    EXPECT_TRUE(BuildFcProgram(rect, MakeRandomFc(s.M, s.K, s.N, seed)).k_split());
    RunAndCompare(rect, s.M, s.K, s.N, seed++);
  }
  // 26 rows on 12-row tiles waste 28% of the PE rows, 26 columns on 8-column tiles 19%: the
  // transposed layer (rows over N = 48, no padding) runs, with the zero point folded into the
  // per-row bias and the output transposed back.
  const HwParams tall = Hw(12, 8, 4, 200, 160, 400);
  for (const Shape& s : {Shape{26, 400, 48}, Shape{14, 333, 60}}) {
    const Program t = BuildFcProgram(tall, MakeRandomFc(s.M, s.K, s.N, seed));
    EXPECT_TRUE(t.k_split() && t.transposed()) << s.M << "x" << s.K << "x" << s.N;
    EXPECT_EQ(t.plan, "os K-split");
    EXPECT_TRUE(std::get<SplitParams>(t.params).transposed);
    EXPECT_EQ(std::get<SplitParams>(t.params).row_bias_addr, t.quant_addr);
    RunAndCompare(tall, s.M, s.K, s.N, seed++);
  }
  FcLayer layer = MakeRandomFc(30, 200, 21, seed);
  MakePerChannel(&layer, seed);
  const HwParams hw = Hw(4, 4, 4, 64, 96, 100);
  const Program prog = BuildFcProgram(hw, layer);
  EXPECT_TRUE(prog.k_split());
  std::vector<uint8_t> dram = prog.dram;
  ASSERT_TRUE(FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count).ok());
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer));
}

TEST(DriverTest, WeightStationaryKSplitSharesEachActChunk) {
  const HwParams hw = Ws(Hw(16, 16, 16, 4096, 4096, 512));
  const Program p = BuildFcProgram(hw, MakeRandomFc(64, 4096, 256, 11));
  ASSERT_TRUE(p.k_split());
  EXPECT_EQ(p.plan, "ws K-split");
  const WsSplitParams& sp = std::get<WsSplitParams>(p.params);
  EXPECT_GE(sp.n_block, 4u);  // each act chunk serves 4+ n tiles
  EXPECT_EQ(sp.m_tile_rows, 64u);
  RunAndCompare(hw, 64, 4096, 256, 11);
  // Small scratchpads on a narrow bus: uneven chunks, partial n blocks, per channel.
  uint64_t seed = 800;
  unsigned splits = 0;
  const HwParams small = Ws(Hw(4, 4, 4, 128, 96, 120));
  for (const Shape& s : {Shape{20, 200, 40}, Shape{13, 301, 17}, Shape{40, 77, 9}}) {
    splits += BuildFcProgram(small, MakeRandomFc(s.M, s.K, s.N, seed)).k_split();
    RunAndCompare(small, s.M, s.K, s.N, seed++);
  }
  EXPECT_GE(splits, 2u);
  FcLayer layer = MakeRandomFc(20, 200, 21, seed);
  MakePerChannel(&layer, seed);
  const Program prog = BuildFcProgram(small, layer);
  EXPECT_TRUE(prog.k_split());
  std::vector<uint8_t> dram = prog.dram;
  ASSERT_TRUE(FuncSim(small).Run(dram, prog.cmd_base, prog.cmd_count).ok());
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer));
}

}  // namespace
}  // namespace salsa
