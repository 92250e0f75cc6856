// Driver (tiler) + functional model against the software reference, and the model's error codes.
#include "salsa/driver.h"

#include <gtest/gtest.h>

#include <set>

#include "driver_test_util.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

using namespace driver_test;

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

// The layer built for hw and run on the model gives the reference output.
void ExpectReferenceOutput(const HwParams& hw, const FcLayer& layer, uint64_t seed) {
  const Program prog = BuildFcProgram(hw, layer);
  std::vector<uint8_t> dram = prog.dram;
  const FuncSimResult r = FuncSim(hw).Run(dram, prog.cmd_base, prog.cmd_count);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  EXPECT_EQ(ReadOutput(prog, dram, layer.M, layer.N), ReferenceOutput(layer)) << "seed " << seed;
}

TEST(DriverTest, WeightStationaryPerChannel) {
  const HwParams hw = Ws(Hw(4, 8, 16, 64, 64, 40));
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    FcLayer layer = MakeRandomFc(5 + 9 * static_cast<int>(seed), 37, 11, seed);
    MakePerChannel(&layer, seed);
    ASSERT_NO_FATAL_FAILURE(ExpectReferenceOutput(hw, layer, seed));
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
    ASSERT_NO_FATAL_FAILURE(ExpectReferenceOutput(hw, layer, seed));
  }
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
