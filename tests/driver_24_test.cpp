// The 2:4 tiler (tb/src/driver_24.cpp and TileCommands with Program::structured) through the
// functional model: full output tensors against the reference (computed on the pruned weights),
// mac_active and gated against the data, the fallbacks to the dense tiler, and the weight bytes.
#include <gtest/gtest.h>

#include <sstream>

#include "driver_test_util.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

using namespace driver_test;

// The preset sparse24_16x16: 16x16 os, 128-bit bus, act 2x2048, weight (and meta) 2x2048, acc 64.
HwParams Sparse24() { return Structured24(Hw(16, 16, 16, 4096, 4096, 64)); }

struct Layer {
  int M, K, N;
  double zeros;  // fraction of activations at the zero point (< 0: MakeRandomFc's own)
  bool per_channel;
};

std::string Name(const Layer& c, uint64_t seed) {
  std::ostringstream s;
  s << c.M << "x" << c.K << "x" << c.N << " zeros " << c.zeros
    << (c.per_channel ? " per-channel" : "") << " seed " << seed;
  return s.str();
}

// A random layer with 2:4 weights (pruned by magnitude), as the harness's --weights-2of4 makes.
FcLayer Make(const Layer& c, uint64_t seed) {
  FcLayer l = MakeRandomFc(c.M, c.K, c.N, seed);
  if (c.zeros >= 0) ApplyActivationSparsity(&l, c.zeros, SparsityPattern::kUniform, seed);
  Prune2of4(&l);
  ChooseRandomOutputQuant(&l, seed);
  if (c.per_channel) MakePerChannel(&l, seed);
  return l;
}

// 2:4 plan on hw: correct outputs; Kp/2 steps per tile; per step, every row's four group
// activations at the zero point (K padding and rows past M included) are gated.
void Check24(const HwParams& hw, const Layer& c, uint64_t seed) {
  const std::string what = Name(c, seed);
  SCOPED_TRACE(what);
  const FcLayer l = Make(c, seed);
  const LayerRun run = RunLayer(hw, l, what);
  ASSERT_TRUE(run.prog.structured());
  EXPECT_EQ(run.prog.k_chunk % 8, 0u);  // whole meta words
  if (!run.r.ok()) return;
  const uint64_t Kp = (static_cast<uint64_t>(l.K) + 7) / 8 * 8;
  const uint64_t tiles = uint64_t{run.prog.m_tiles} * run.prog.n_tiles;
  EXPECT_EQ(run.r.counters[contract::CounterIndex("mac_active")], tiles * Kp / 2);
  uint64_t zeros = 0;  // over every m tile's act words
  for (uint64_t m = 0; m < uint64_t{run.prog.m_tiles} * hw.rows; ++m) {
    for (uint64_t k = 0; k < Kp; ++k) {
      zeros += m >= static_cast<uint64_t>(l.M) || k >= static_cast<uint64_t>(l.K) ||
               l.input[m * l.K + k] == l.input_zero_point;
    }
  }
  EXPECT_EQ(run.r.counters[contract::CounterIndex("gated")],
            2 * zeros * run.prog.n_tiles);  // each group: two steps
}

unsigned CountOp(const Program& p, unsigned op, uint32_t flags = 0, unsigned target = 4) {
  unsigned n = 0;
  for (const Command& c : p.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0);
    n += (w0 & 0xFF) == op && (w0 & flags) == flags && (target > 3 || ((w0 >> 8) & 3) == target);
  }
  return n;
}

TEST(Driver24Test, PlanForSparse24Gemv4096) {
  const HwParams hw = Sparse24();
  FcLayer l = MakeRandomFc(1, 4096, 4096, 1);
  Prune2of4(&l);
  const Program p = BuildFcProgram(hw, l);
  EXPECT_TRUE(p.structured());
  EXPECT_EQ(p.plan, "2:4");
  EXPECT_EQ(p.k_chunk, 4096u);  // 2048 weight words: half the weight scratchpad
  const Params24& p24 = std::get<Params24>(p.params);
  EXPECT_TRUE(std::get<OsParams>(p24.tiling).act_resident);
  EXPECT_EQ(p.n_tiles, 256u);
  EXPECT_EQ(CountOp(p, contract::kOpLoad, 0, contract::kTargetWeight), 256u);
  EXPECT_EQ(CountOp(p, contract::kOpLoad, 0, contract::kTargetMeta), 256u);
  EXPECT_EQ(CountOp(p, contract::kOpCompute, contract::CmdFlag(contract::kOpCompute, "structured")),
            256u);
  EXPECT_EQ(CountOp(p, contract::kOpCompute), 256u);
  for (const Command& c : p.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0);
    if ((w0 & 0xFF) == contract::kOpCompute) {
      EXPECT_EQ(CommandWord(c.data(), 2) & 0xFFFF, 2048u);  // compressed steps
      EXPECT_EQ(CommandWord(c.data(), 1) & 1, 0u);          // even act address
    }
    if ((w0 & 0xFF) == contract::kOpLoad && ((w0 >> 8) & 3) == contract::kTargetMeta) {
      EXPECT_EQ(CommandWord(c.data(), 1) >> 16, 512u);  // meta words: four weight words each
    }
  }
  // The layout: values [n_tile][Kp/2][cols], then (4 KB aligned) the positions.
  EXPECT_EQ(p24.meta_addr, p.weight_addr + 256u * 2048u * 16u);
  EXPECT_GE(p.bias_addr, p24.meta_addr + 256u * 2048u * 4u);
}

TEST(Driver24Test, CompressedLayoutInDram) {
  // K = 6 (Kp = 8). Channel 0: [0, 0, 0, 7 | 5, 0, pad, pad] -> steps (0 @0, 7 @3), (5 @0, 0 @1)
  // (groups with one non-zero filled at the lowest free position); channel 1: [1, 0, 2, 0 |
  // 0, -3, pad, pad] -> (1 @0, 2 @2), (0 @0, -3 @1); channels 2..7 (past N) zeros @0, @1.
  const HwParams hw = Structured24(Hw(4, 8, 16, 64, 64, 16));
  FcLayer l = MakeRandomFc(1, 6, 2, 3);
  l.weights = {0, 0, 0, 7, 5, 0, 1, 0, 2, 0, 0, -3};
  const Program p = BuildFcProgram(hw, l);
  ASSERT_TRUE(p.structured());
  const uint64_t meta_addr = std::get<Params24>(p.params).meta_addr;
  const int8_t values[4][2] = {{0, 1}, {7, 2}, {5, 0}, {0, -3}};
  const unsigned pos[4][2] = {{0, 0}, {3, 2}, {0, 0}, {1, 1}};
  for (unsigned s = 0; s < 4; ++s) {
    for (unsigned j = 0; j < 8; ++j) {
      const int8_t v = static_cast<int8_t>(p.dram[p.weight_addr + 8 * s + j]);
      const unsigned m = (p.dram[meta_addr + 2 * s + j / 4] >> (2 * (j % 4))) & 3u;
      EXPECT_EQ(v, j < 2 ? values[s][j] : 0) << s << " " << j;
      EXPECT_EQ(m, j < 2 ? pos[s][j] : s % 2) << s << " " << j;
    }
  }
  // Activations padded with the input zero point to Kp = 8.
  for (unsigned k = 6; k < 8; ++k)
    for (unsigned i = 0; i < 4; ++i)
      EXPECT_EQ(static_cast<int8_t>(p.dram[p.act_addr + 4 * k + i]), l.input_zero_point);
  RunLayer(hw, l, "K = 6");
}

TEST(Driver24Test, Sparse24Shapes) {
  const HwParams hw = Sparse24();
  const Layer layers[] = {
      {1, 1000, 300, 0.0, false}, {1, 777, 33, 0.5, false},  {1, 300, 40, 1.0, true},
      {1, 9001, 40, -1, false},   {3, 777, 100, 0.5, false}, {40, 302, 70, 0.0, true},
      {17, 5003, 33, 0.5, false}, {37, 200, 50, 1.0, false}, {20, 2100, 20, -1, true},
      {300, 257, 21, 0.5, false}, {1, 1, 1, 0.0, false},     {5, 3, 17, -1, true},
  };
  uint64_t seed = 3000;
  for (const Layer& c : layers) Check24(hw, c, seed++);
}

TEST(Driver24Test, SmallOddHardware) {
  // 4x8 array on a 32-byte bus (2 bytes of positions per weight word): act 64 words (K up to 32
  // alternates halves, larger K is chunked), act 26 (odd halves of 13 words: even halves of 12,
  // chunks of 8 act words: whole meta words), a small weight scratchpad (halves of 4 words after
  // rounding down to whole meta words), a single acc region; a 3x4 array with an odd act half.
  const HwParams hws[] = {
      Structured24(Hw(4, 8, 32, 64, 48, 40)), Structured24(Hw(4, 8, 32, 26, 12, 12)),
      Structured24(Hw(4, 8, 32, 64, 9, 9)), Structured24(Hw(3, 4, 8, 22, 200, 9))};
  const Layer layers[] = {
      {1, 30, 70, 0.5, false}, {6, 50, 41, 0.0, false}, {9, 201, 23, 1.0, true},
      {1, 333, 90, 0.5, true}, {13, 77, 9, -1, false},  {4, 64, 8, 0.0, false},
      {2, 65, 100, 0.5, true}, {1, 1, 200, 0.5, false}, {11, 31, 17, -1, true},
  };
  uint64_t seed = 4000;
  for (const HwParams& hw : hws) {
    for (const Layer& c : layers) Check24(hw, c, seed++);
  }
}

TEST(Driver24Test, ManySeeds) {
  const HwParams hw = Structured24(Hw(8, 8, 16, 48, 20, 40));
  const double zeros[] = {0.0, 0.5, 1.0, -1};
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const int M = 1 + static_cast<int>(seed * 7 % 23), K = 1 + static_cast<int>(seed * 13 % 97);
    const int N = 1 + static_cast<int>(seed * 5 % 59);
    Check24(hw, {M, K, N, zeros[seed % 4], seed % 5 == 0}, seed);
  }
}

TEST(Driver24Test, FallsBackToTheDenseTiler) {
  const HwParams hw = Structured24(Hw(4, 8, 32, 64, 48, 40));
  const FcLayer l = Make({7, 130, 45, 0.5, true}, 7);
  // DriverOptions::structured = false (harness --structured off): the dense tiler, same output.
  DriverOptions off;
  off.structured = false;
  const LayerRun dense = RunLayer(hw, l, "structured off", off);
  EXPECT_FALSE(dense.prog.structured());
  EXPECT_EQ(CountOp(dense.prog, contract::kOpLoad, 0, contract::kTargetMeta), 0u);
  EXPECT_EQ(dense.r.counters[contract::CounterIndex("mac_active")], uint64_t{2} * 6 * 130);
  // Strictly sequential (a SYNC after every COMPUTE and STORE).
  DriverOptions serial;
  serial.overlap = false;
  EXPECT_TRUE(RunLayer(hw, l, "no overlap", serial).prog.structured());
  // Weights that are not 2:4 (three non-zeros in one group): the dense tiler.
  FcLayer not24 = l;
  not24.weights[0] = not24.weights[1] = not24.weights[2] = 5;
  EXPECT_FALSE(RunLayer(hw, not24, "not 2:4").prog.structured());
  // Hardware without 2:4: the dense tiler.
  HwParams plain = hw;
  plain.structured24 = false;
  EXPECT_FALSE(RunLayer(plain, l, "no 2:4 hardware").prog.structured());
  // Scratchpads too small for a group of four act words (act halves of 1 word; a one-word weight
  // scratchpad holds 2 act words): the dense tiler.
  EXPECT_FALSE(
      RunLayer(Structured24(Hw(4, 8, 32, 3, 16, 16)), Make({3, 9, 5, 0.5, false}, 9), "act 3")
          .prog.structured());
  EXPECT_FALSE(
      RunLayer(Structured24(Hw(4, 8, 32, 16, 1, 16)), Make({3, 9, 5, 0.5, false}, 9), "weight 1")
          .prog.structured());
}

// DRAM bytes of the weight and meta LOADs of a program.
uint64_t WeightBytes(const HwParams& hw, const Program& p) {
  uint64_t bytes = 0;
  for (const Command& c : p.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0);
    if ((w0 & 0xFF) != contract::kOpLoad) continue;
    const uint64_t words =
        uint64_t{CommandWord(c.data(), 1) >> 16} * (CommandWord(c.data(), 2) & 0xFFFF);
    const unsigned target = (w0 >> 8) & 3;
    if (target == contract::kTargetWeight) bytes += words * hw.cols;
    if (target == contract::kTargetMeta) bytes += words * hw.MetaWordBytes();
  }
  return bytes;
}

TEST(Driver24Test, WeightBytesOfGemv1024) {
  const HwParams hw = Sparse24();
  const FcLayer l = Make({1, 1024, 1024, -1, false}, 5);
  DriverOptions off;
  off.structured = false;
  const LayerRun dense = RunLayer(hw, l, "dense", off);
  const LayerRun st = RunLayer(hw, l, "2:4");
  ASSERT_TRUE(st.prog.structured());
  const uint64_t wd = WeightBytes(hw, dense.prog), ws = WeightBytes(hw, st.prog);
  EXPECT_EQ(wd, 1024u * 1024u);
  EXPECT_EQ(ws, 1024u * 512u + 1024u * 128u);  // values + positions: 0.625
  EXPECT_LE(static_cast<double>(ws), 0.65 * static_cast<double>(wd));
  // All DRAM reads (commands, activations, parameters too).
  EXPECT_LE(static_cast<double>(st.r.counters[contract::CounterIndex("rd_bytes")]),
            0.65 * static_cast<double>(dense.r.counters[contract::CounterIndex("rd_bytes")]));
  EXPECT_EQ(st.r.counters[contract::CounterIndex("mac_active")], 64u * 512u);
  EXPECT_EQ(dense.r.counters[contract::CounterIndex("mac_active")], 64u * 1024u);
}

}  // namespace
}  // namespace salsa
