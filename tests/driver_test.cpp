// Driver (tiler) + functional model against the software reference, and the model's error codes.
#include "salsa/driver.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

HwParams Hw(unsigned rows, unsigned cols, unsigned bus_bytes, unsigned act_words,
            unsigned weight_words, unsigned acc_words) {
  HwParams hw;
  hw.rows = rows;
  hw.cols = cols;
  hw.bus_bytes = bus_bytes;
  hw.addr_bits = 32;
  hw.max_burst = 16;
  hw.max_outstanding = 4;
  hw.act_words = act_words;
  hw.weight_words = weight_words;
  hw.acc_words = acc_words;
  return hw;
}

std::string Describe(const HwParams& hw) {
  std::ostringstream s;
  s << hw.rows << "x" << hw.cols << " bus" << hw.bus_bytes << " sp" << hw.act_words << "/"
    << hw.weight_words << "/" << hw.acc_words;
  return s.str();
}

// Gated operands the hardware must count: every array row (padded rows too) at every K step of
// every (m_tile, n_tile) whose activation equals the input zero point. Transposed, the array's
// rows run over N and the act operand is the weights (zero point 0).
uint64_t ExpectedGated(const HwParams& hw, const FcLayer& l, const Program& p) {
  const std::vector<int8_t>& act = p.transposed ? l.weights : l.input;
  const uint64_t rows_used = static_cast<uint64_t>(p.transposed ? l.N : l.M);
  const int32_t zp = p.transposed ? 0 : l.input_zero_point;
  uint64_t per_n_tile = 0;
  for (unsigned mt = 0; mt < p.m_tiles; ++mt) {
    for (unsigned i = 0; i < hw.rows; ++i) {
      const uint64_t m = static_cast<uint64_t>(mt) * hw.rows + i;
      for (int k = 0; k < l.K; ++k) {
        if (m >= rows_used || act[m * l.K + k] == zp) ++per_n_tile;
      }
    }
  }
  return per_n_tile * p.n_tiles;
}

// Weight-stationary: every (n tile, K block, row m) streams one act word whose rows lanes hold
// in[m][kb*rows + i] (the zero point past K); a zero lane is gated.
uint64_t ExpectedGatedWs(const HwParams& hw, const FcLayer& l, const Program& p) {
  const unsigned kb = (l.K + hw.rows - 1) / hw.rows;
  uint64_t per_n_tile = 0;
  for (int m = 0; m < l.M; ++m) {
    for (uint64_t k = 0; k < uint64_t{kb} * hw.rows; ++k) {
      if (k >= static_cast<uint64_t>(l.K) || l.input[m * l.K + k] == l.input_zero_point) {
        ++per_n_tile;
      }
    }
  }
  return per_n_tile * p.n_tiles;
}

void RunAndCompare(const HwParams& hw, int M, int K, int N, uint64_t seed) {
  SCOPED_TRACE("hw " + Describe(hw) + " shape " + std::to_string(M) + "x" + std::to_string(K) +
               "x" + std::to_string(N) + " seed " + std::to_string(seed));
  const FcLayer layer = MakeRandomFc(M, K, N, seed);
  const Program prog = BuildFcProgram(hw, layer);
  std::vector<uint8_t> dram = prog.dram;
  FuncSim sim(hw);
  const FuncSimResult r = sim.Run(dram, prog.cmd_base, prog.cmd_count);
  ASSERT_TRUE(r.ok()) << "error " << r.err_code << ": " << r.err_detail << " ("
                      << DescribeCommand(prog.cmds[r.err_cmd].data()) << ")";
  EXPECT_EQ(r.status, contract::CsrBitMask("STATUS", "done"));
  EXPECT_EQ(r.counters[contract::CounterIndex("commands")], prog.cmd_count);
  if (hw.weight_stationary) {
    const uint64_t kb = (K + hw.rows - 1) / hw.rows;
    EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], uint64_t{prog.n_tiles} * kb * M);
    EXPECT_EQ(r.counters[contract::CounterIndex("gated")], ExpectedGatedWs(hw, layer, prog));
  } else {
    EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")],
              uint64_t{prog.m_tiles} * prog.n_tiles * K);
    EXPECT_EQ(r.counters[contract::CounterIndex("gated")], ExpectedGated(hw, layer, prog));
  }

  const std::vector<int8_t> got = ReadOutput(prog, dram, M, N);
  const std::vector<int8_t> want = ReferenceOutput(layer);
  ASSERT_EQ(got.size(), want.size());
  int mismatches = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i] && ++mismatches <= 5) {
      ADD_FAILURE() << "mismatch at (m=" << i / N << ", n=" << i % N << "): expected "
                    << int{want[i]} << ", got " << int{got[i]} << ", seed " << seed;
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Nothing outside the output region changed.
  for (size_t a = 0; a < dram.size(); ++a) {
    if (a >= prog.out_addr && a < prog.out_addr + static_cast<uint64_t>(M) * N) continue;
    if (dram[a] != prog.dram[a]) {
      ADD_FAILURE() << "byte at 0x" << std::hex << a << " outside the output changed";
      break;
    }
  }
}

struct Shape {
  int M, K, N;
};

const Shape kShapes[] = {
    {1, 1, 1},     {1, 64, 16},  {2, 10, 3},    {3, 17, 5},  {17, 33, 19}, {16, 300, 16},
    {33, 129, 40}, {5, 1000, 3}, {64, 256, 64}, {1, 7, 100}, {100, 3, 1},  {13, 77, 9},
};

TEST(DriverTest, ManyShapesSquareArrayBus16) {
  const HwParams hw = Hw(16, 16, 16, 256, 256, 64);
  uint64_t seed = 100;
  for (const Shape& s : kShapes) RunAndCompare(hw, s.M, s.K, s.N, seed++);
}

TEST(DriverTest, NonSquareArrayBus8SeveralKChunks) {
  const HwParams hw = Hw(12, 8, 8, 40, 64, 16);  // K chunk 40
  uint64_t seed = 200;
  for (const Shape& s : kShapes) RunAndCompare(hw, s.M, s.K, s.N, seed++);
}

TEST(DriverTest, TinyArrayBus64) {
  const HwParams hw = Hw(4, 4, 64, 8, 16, 5);  // K chunk 8, acc exactly rows + 1
  uint64_t seed = 300;
  for (const Shape& s : kShapes) RunAndCompare(hw, s.M, s.K, s.N, seed++);
}

TEST(DriverTest, OneWordScratchpadsAndTallArray) {
  const HwParams hw = Hw(24, 3, 16, 1, 1, 25);  // K chunk 1: every step is its own COMPUTE
  uint64_t seed = 400;
  for (const Shape& s : {Shape{1, 1, 1}, Shape{2, 10, 3}, Shape{30, 37, 7}, Shape{5, 64, 4}}) {
    RunAndCompare(hw, s.M, s.K, s.N, seed++);
  }
}

TEST(DriverTest, ResidentActivationBlocksAndEveryAccLayout) {
  // 64 act words: small K keeps m tiles resident, in one block or in alternating blocks; the acc
  // sizes give 2 regions and 3 slots, 2 and 2, 2 regions and 1 slot, 1 region and 2 slots, 1
  // and 1.
  const Shape shapes[] = {{100, 3, 1}, {60, 5, 20}, {45, 8, 13}, {33, 7, 9}, {9, 17, 30}};
  uint64_t seed = 500;
  for (unsigned acc : {11u, 10u, 9u, 6u, 5u}) {
    for (const Shape& s : shapes) RunAndCompare(Hw(4, 4, 16, 64, 64, acc), s.M, s.K, s.N, seed++);
  }
}

HwParams Ws(HwParams hw) {
  hw.weight_stationary = true;
  return hw;
}

TEST(DriverTest, WeightStationaryManyShapes) {
  uint64_t seed = 600;
  // Resident activations and one weight LOAD per n tile; small scratchpads (per K block loads,
  // short m tiles); a single acc region.
  for (const HwParams& hw : {Ws(Hw(16, 16, 16, 4096, 4096, 512)), Ws(Hw(4, 8, 16, 16, 8, 20)),
                             Ws(Hw(12, 8, 8, 64, 64, 7))}) {
    for (const Shape& s : kShapes) RunAndCompare(hw, s.M, s.K, s.N, seed++);
  }
}

// A GEMV on ws runs each weight chunk's K blocks as one multi-block COMPUTE (w3[31:16] = blocks),
// and the result still equals the reference.
TEST(DriverTest, WeightStationaryGemvMergesKBlocks) {
  // 4x8 array, 512 weight words: chunks of 64 K blocks; K = 1000 is 250 blocks (4 chunks).
  const HwParams hw = Ws(Hw(4, 8, 16, 512, 512, 40));
  const FcLayer layer = MakeRandomFc(1, 1000, 21, 77);
  const Program prog = BuildFcProgram(hw, layer);
  unsigned computes = 0, blocks = 0;
  for (const Command& c : prog.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0);
    if ((w0 & 0xFFu) != contract::kOpCompute) continue;
    ++computes;
    blocks += std::max<uint32_t>(CommandWord(c.data(), 3) >> 16, 1);
  }
  EXPECT_EQ(blocks, 250u * 3u);  // every K block of the three n tiles, once
  EXPECT_EQ(computes, 4u * 3u);  // one COMPUTE per chunk
  std::vector<uint8_t> dram = prog.dram;
  const FuncSimResult r = FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer));
}

// A multi-block ws COMPUTE whose last block runs past the act scratchpad is a range error.
TEST(DriverTest, WeightStationaryBlocksPastScratchpadIsRangeError) {
  const HwParams hw = Ws(Hw(4, 8, 16, 64, 64, 40));
  std::vector<uint8_t> dram(4096, 0);
  const Command c = EncodeComputeWs(true, 60, 0, 2, 0, 0, 3);  // act words [60, 66) of 64
  std::copy(c.begin(), c.end(), dram.begin());
  const FuncSimResult r = FuncSim(hw).Run(dram, 0, 1);
  EXPECT_EQ(r.err_code, contract::ErrCodeOf("scratchpad_range")) << r.err_detail;
  EXPECT_NE(r.err_detail.find("[60, 66)"), std::string::npos) << r.err_detail;
}

TEST(DriverTest, WeightStationaryKSplitSharesEachActChunk) {
  const HwParams hw = Ws(Hw(16, 16, 16, 4096, 4096, 512));
  const Program p = BuildFcProgram(hw, MakeRandomFc(64, 4096, 256, 11));
  ASSERT_TRUE(p.k_split);
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
    splits += BuildFcProgram(small, MakeRandomFc(s.M, s.K, s.N, seed)).k_split;
    RunAndCompare(small, s.M, s.K, s.N, seed++);
  }
  EXPECT_GE(splits, 2u);
  FcLayer layer = MakeRandomFc(20, 200, 21, seed);
  MakePerChannel(&layer, seed);
  const Program prog = BuildFcProgram(small, layer);
  EXPECT_TRUE(prog.k_split);
  std::vector<uint8_t> dram = prog.dram;
  ASSERT_TRUE(FuncSim(small).Run(dram, prog.cmd_base, prog.cmd_count).ok());
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer));
}

TEST(DriverTest, WeightStationaryPerChannel) {
  const HwParams hw = Ws(Hw(4, 8, 16, 64, 64, 40));
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    FcLayer layer = MakeRandomFc(5 + 9 * static_cast<int>(seed), 37, 11, seed);
    MakePerChannel(&layer, seed);
    const Program prog = BuildFcProgram(hw, layer);
    std::vector<uint8_t> dram = prog.dram;
    const FuncSimResult r = FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer)) << "seed " << seed;
  }
}

TEST(DriverTest, PerChannelRequantisation) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    // acc 17 holds three parameter slots (bias, multiplier, shift) and two regions, 14 two and
    // two, 7 one of each.
    const HwParams hw = Hw(4, 8, 16, 64, 64, seed % 3 == 0 ? 17 : seed % 3 == 1 ? 14 : 7);
    FcLayer layer =
        MakeRandomFc(5 + static_cast<int>(seed), 37, 3 + 2 * static_cast<int>(seed), seed);
    MakePerChannel(&layer, seed);
    ASSERT_EQ(layer.channel_multiplier.size(), static_cast<size_t>(layer.N));
    const Program prog = BuildFcProgram(hw, layer);
    std::vector<uint8_t> dram = prog.dram;
    const FuncSimResult r = FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer)) << "seed " << seed;
  }
}

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
    EXPECT_EQ(p.k_split, c.k_split) << c.plan;
    EXPECT_EQ(p.zero_skip, std::holds_alternative<SkipParams>(p.params)) << c.plan;
    EXPECT_EQ(p.structured, std::holds_alternative<Params24>(p.params)) << c.plan;
    EXPECT_FALSE(p.transposed) << c.plan;
  }
  EXPECT_TRUE(std::holds_alternative<WsParams>(BuildFcProgram(Ws(os), cases[2].l).params));
}

// K-split plan: K longer than half the act scratchpad, partial sums added in the acc words.
TEST(DriverTest, KSplitBlocksShareEachChunkLoad) {
  const HwParams hw = Hw(16, 16, 16, 4096, 4096, 512);
  const FcLayer l = MakeRandomFc(64, 4096, 256, 7);
  const Program p = BuildFcProgram(hw, l);
  ASSERT_TRUE(p.k_split);
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
      splits += BuildFcProgram(hw, MakeRandomFc(s.M, s.K, s.N, seed)).k_split, ++runs;
      RunAndCompare(hw, s.M, s.K, s.N, seed++);
    }
  }
  EXPECT_GE(splits, runs - 3);  // 9x33x9 and 40x77x3 on the 40-word acc: no block fits
  const HwParams rect = Hw(12, 8, 8, 200, 160, 200);
  for (const Shape& s : {Shape{50, 500, 50}, Shape{13, 301, 17}}) {
    EXPECT_TRUE(BuildFcProgram(rect, MakeRandomFc(s.M, s.K, s.N, seed)).k_split);
    RunAndCompare(rect, s.M, s.K, s.N, seed++);
  }
  // 26 rows on 12-row tiles waste 28% of the PE rows, 26 columns on 8-column tiles 19%: the
  // transposed layer (rows over N = 48, no padding) runs, with the zero point folded into the
  // per-row bias and the output transposed back.
  const HwParams tall = Hw(12, 8, 4, 200, 160, 400);
  for (const Shape& s : {Shape{26, 400, 48}, Shape{14, 333, 60}}) {
    const Program t = BuildFcProgram(tall, MakeRandomFc(s.M, s.K, s.N, seed));
    EXPECT_TRUE(t.k_split && t.transposed) << s.M << "x" << s.K << "x" << s.N;
    EXPECT_EQ(t.plan, "os K-split");
    EXPECT_TRUE(std::get<SplitParams>(t.params).transposed);
    EXPECT_EQ(std::get<SplitParams>(t.params).row_bias_addr, t.quant_addr);
    RunAndCompare(tall, s.M, s.K, s.N, seed++);
  }
  FcLayer layer = MakeRandomFc(30, 200, 21, seed);
  MakePerChannel(&layer, seed);
  const HwParams hw = Hw(4, 4, 4, 64, 96, 100);
  const Program prog = BuildFcProgram(hw, layer);
  EXPECT_TRUE(prog.k_split);
  std::vector<uint8_t> dram = prog.dram;
  ASSERT_TRUE(FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count).ok());
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer));
}

TEST(DriverTest, ManySeeds) {
  const HwParams hw = Hw(8, 8, 16, 32, 32, 16);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const int M = 1 + static_cast<int>(seed * 7 % 23), K = 1 + static_cast<int>(seed * 13 % 97);
    const int N = 1 + static_cast<int>(seed * 5 % 19);
    RunAndCompare(hw, M, K, N, seed);
  }
}

TEST(DriverTest, TfliteVectors) {
  const HwParams hw = Hw(4, 4, 16, 4, 8, 8);  // several tiles and K chunks even for tiny layers
  for (const char* name :
       {"tflm_SimpleTestQuantizedInt8", "tflm_SimpleTestQuantizedInt8NullBias",
        "tflm_SimpleTestQuantizedInt8Relu", "tflm_Representative1x64Input1x16OutputQuantizedInt8",
        "tflm_SimpleTestQuantizedPerChannelInt8"}) {
    SCOPED_TRACE(name);
    const FcLayer layer =
        LoadTfliteVector(std::string(SALSA_VECTORS_DIR) + "/tflite-micro-fc/" + name + ".json");
    const Program prog = BuildFcProgram(hw, layer);
    std::vector<uint8_t> dram = prog.dram;
    const FuncSimResult r = FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    const auto got = ReadOutput(prog, dram, layer.M, layer.N);
    ASSERT_FALSE(layer.expected.empty());
    EXPECT_EQ(got, layer.expected);
    EXPECT_EQ(ReferenceOutput(layer), layer.expected);
  }
}

TEST(DriverTest, TfliteVectorsTheHardwareCannotRunAreRejected) {
  const std::string dir = std::string(SALSA_VECTORS_DIR) + "/tflite-micro-fc/";
  for (const std::string& path :
       {dir + "nonzero-weight-zero-point/tflite_SimpleTestQuantizedInt8.json",
        dir + "does_not_exist.json"}) {
    try {
      LoadTfliteVector(path);
      ADD_FAILURE() << path << " was accepted";
    } catch (const std::invalid_argument& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
}

TEST(DriverTest, RandomLayersUseTheInt8Range) {
  const FcLayer l = MakeRandomFc(64, 256, 64, 5);
  const auto out = ReferenceOutput(l);
  std::set<int> distinct(out.begin(), out.end());
  EXPECT_GT(distinct.size(), 60u);
  size_t clipped = 0;
  for (int8_t v : out) clipped += (v == l.act_min || v == l.act_max);
  EXPECT_GT(clipped, 0u);
  EXPECT_LT(clipped, out.size() / 2);
  bool has_min = false, has_max = false;
  for (int8_t v : l.input) has_min |= v == -128, has_max |= v == 127;
  for (int8_t v : l.weights) has_min |= v == -128, has_max |= v == 127;
  EXPECT_TRUE(has_min && has_max);
  // Same seed, same layer.
  const FcLayer again = MakeRandomFc(64, 256, 64, 5);
  EXPECT_EQ(again.input, l.input);
  EXPECT_EQ(again.bias, l.bias);
  EXPECT_EQ(again.output_multiplier, l.output_multiplier);
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

TEST(DriverTest, CommandEncoding) {
  const Command s =
      EncodeStore(0x1234, 7, 9, 0x55, 0x01020304, 0x1122334455ull, -5, -7, -3, -128, 100);
  const uint32_t want[8] = {3u,          0x00071234u, 0x00550009u, 0x01020304u,
                            0x22334455u, 0x11u,       0xFFFFFFFBu, 0x6480FDF9u};
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(CommandWord(s.data(), i), want[i]) << "w" << i;
  const Command c = EncodeCompute(true, true, 3, 4, 5, -2, 6);
  EXPECT_EQ(CommandWord(c.data(), 0), 0x302u);
  EXPECT_EQ(CommandWord(c.data(), 1), 0x00040003u);
  EXPECT_EQ(CommandWord(c.data(), 2), 0x00FE0005u);
  EXPECT_EQ(CommandWord(c.data(), 3), 6u);
  const Command l = EncodeLoad(contract::kTargetWeight, 10, 20, 30, 40, 0xABCDEF012ull);
  EXPECT_EQ(CommandWord(l.data(), 0), 0x101u);
  EXPECT_EQ(CommandWord(l.data(), 1), (20u << 16) | 10u);
  EXPECT_EQ(CommandWord(l.data(), 2), 30u);
  EXPECT_EQ(CommandWord(l.data(), 3), 40u);
  EXPECT_EQ(CommandWord(l.data(), 4), 0xBCDEF012u);
  EXPECT_EQ(CommandWord(l.data(), 5), 0xAu);
  EXPECT_EQ(CommandWord(EncodeSync().data(), 0), 4u);
}

TEST(DriverTest, RejectsImpossibleLayers) {
  const HwParams hw = Hw(16, 16, 16, 64, 64, 64);
  FcLayer l = MakeRandomFc(2, 3, 4, 1);
  FcLayer bad = l;
  bad.M = 0;
  EXPECT_THROW(BuildFcProgram(hw, bad), std::invalid_argument);
  bad = l;
  bad.input_zero_point = 128;
  EXPECT_THROW(BuildFcProgram(hw, bad), std::invalid_argument);
  bad = l;
  bad.bias.resize(3);
  EXPECT_THROW(BuildFcProgram(hw, bad), std::invalid_argument);
  bad = l;
  bad.act_min = 10;
  bad.act_max = 5;
  EXPECT_THROW(BuildFcProgram(hw, bad), std::invalid_argument);
  EXPECT_THROW(BuildFcProgram(Hw(16, 16, 16, 64, 64, 16), l), std::invalid_argument);  // acc < 17
  HwParams narrow = hw;
  narrow.addr_bits = 12;
  EXPECT_THROW(BuildFcProgram(narrow, l), std::invalid_argument);
  EXPECT_THROW(MakeRandomFc(1, 0, 1, 1), std::invalid_argument);
}

TEST(DriverTest, EmptyBiasMeansZeros) {
  const HwParams hw = Hw(4, 4, 16, 16, 16, 8);
  FcLayer l = MakeRandomFc(5, 9, 6, 3);
  l.bias.clear();
  const Program p = BuildFcProgram(hw, l);
  std::vector<uint8_t> dram = p.dram;
  ASSERT_TRUE(FuncSim(hw).Run(dram, p.cmd_base, p.cmd_count).ok());
  EXPECT_EQ(ReadOutput(p, dram, 5, 6), ReferenceOutput(l));
}

// --- error codes of the functional model ---

struct ErrorCase {
  const char* name;
  Command cmd;
  uint32_t err;
};

TEST(DriverTest, FuncSimErrorCodes) {
  const HwParams hw = Hw(4, 4, 16, 16, 16, 8);
  const Command ok_load = EncodeLoad(contract::kTargetAct, 0, 4, 1, 16, 0x2000);
  Command bad_op = EncodeSync();
  bad_op[0] = 9;
  Command zero_op = EncodeSync();
  zero_op[0] = 0;
  const ErrorCase cases[] = {
      {"bad opcode", bad_op, contract::ErrCodeOf("bad_opcode")},
      {"opcode 0", zero_op, contract::ErrCodeOf("bad_opcode")},
      {"LOAD past the act scratchpad", EncodeLoad(contract::kTargetAct, 14, 4, 1, 16, 0x2000),
       contract::ErrCodeOf("scratchpad_range")},
      {"LOAD rows x words past weight", EncodeLoad(contract::kTargetWeight, 0, 9, 2, 64, 0x2000),
       contract::ErrCodeOf("scratchpad_range")},
      {"LOAD acc past", EncodeLoad(contract::kTargetAcc, 8, 1, 1, 64, 0x2000),
       contract::ErrCodeOf("scratchpad_range")},
      {"LOAD target 3", EncodeLoad(static_cast<contract::Target>(3), 0, 1, 1, 16, 0x2000),
       contract::ErrCodeOf("bad_field")},
      {"LOAD rows 0", EncodeLoad(contract::kTargetAct, 0, 1, 0, 16, 0x2000),
       contract::ErrCodeOf("bad_field")},
      {"LOAD outside DRAM", EncodeLoad(contract::kTargetAct, 0, 4, 1, 16, 0x10000),
       contract::ErrCodeOf("axi_read")},
      {"COMPUTE K 0", EncodeCompute(true, false, 0, 0, 0, 0, 1), contract::ErrCodeOf("bad_field")},
      {"COMPUTE act past", EncodeCompute(true, false, 10, 0, 7, 0, 1),
       contract::ErrCodeOf("scratchpad_range")},
      {"COMPUTE drain past", EncodeCompute(true, true, 0, 0, 1, 0, 5),
       contract::ErrCodeOf("scratchpad_range")},
      {"STORE bytes 0", EncodeStore(1, 1, 0, 0, 4, 0x3000, 1 << 30, 0, 0, -128, 127),
       contract::ErrCodeOf("bad_field")},
      {"STORE bytes > cols", EncodeStore(1, 1, 5, 0, 4, 0x3000, 1 << 30, 0, 0, -128, 127),
       contract::ErrCodeOf("bad_field")},
      {"STORE rows 0", EncodeStore(1, 0, 4, 0, 4, 0x3000, 1 << 30, 0, 0, -128, 127),
       contract::ErrCodeOf("bad_field")},
      {"STORE acc past", EncodeStore(5, 4, 4, 0, 4, 0x3000, 1 << 30, 0, 0, -128, 127),
       contract::ErrCodeOf("scratchpad_range")},
      {"STORE outside DRAM", EncodeStore(1, 2, 4, 0, 0x10000, 0x3000, 1 << 30, 0, 0, -128, 127),
       contract::ErrCodeOf("axi_write")},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<uint8_t> dram(0x4000, 0);
    const Command list[] = {ok_load, EncodeSync(), c.cmd, ok_load};
    for (unsigned i = 0; i < 4; ++i)
      std::copy(list[i].begin(), list[i].end(), &dram[0x1000 + 32 * i]);
    const FuncSimResult r = FuncSim(hw).Run(dram, 0x1000, 4);
    EXPECT_EQ(r.err_code, c.err) << r.err_detail;
    EXPECT_EQ(r.err_cmd, 2u);
    EXPECT_EQ(r.status,
              contract::CsrBitMask("STATUS", "done") | contract::CsrBitMask("STATUS", "error"));
    EXPECT_EQ(r.counters[contract::CounterIndex("commands")], 2u);
    EXPECT_FALSE(r.err_detail.empty());
  }
}

TEST(DriverTest, FuncSimCommandFetchOutsideDram) {
  const HwParams hw = Hw(4, 4, 16, 16, 16, 8);
  std::vector<uint8_t> dram(0x1000, 0);
  const FuncSimResult r = FuncSim(hw).Run(dram, 0x1000, 1);
  EXPECT_EQ(r.err_code, contract::ErrCodeOf("axi_read"));
  EXPECT_EQ(r.err_cmd, 0u);
}

}  // namespace
}  // namespace salsa
