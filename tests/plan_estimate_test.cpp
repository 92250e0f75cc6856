// The tiler's timing estimate of an os command list (tb/src/plan_estimate.cpp): hand-timed
// programs, and the rule that picks one of two plans.
#include "salsa/plan_estimate.h"

#include <gtest/gtest.h>

#include "test_hw.h"

namespace salsa {
namespace {

using test::Hw;

// 16x16, 16-byte bus, 16 bursts of 16 beats in flight (the default preset's DMA).
HwParams Hw16() {
  HwParams hw = Hw(16, 16, 16, 4096, 4096, 512);
  hw.max_outstanding = 16;
  return hw;
}

// Every list starts with the fetch of its first commands: command i is in the FIFO at the
// latency plus its bytes' beats, command 0 at 100 + 2 on the 16-byte bus (the RTL issues its
// first LOAD 133 cycles after the start, reset and CSR writes included).
constexpr uint64_t kFirst = 102;

// A LOAD of 64 beats lands the latency plus its beats after it issues.
TEST(PlanEstimateTest, LoadLandsAfterTheLatencyAndItsBeats) {
  const HwParams hw = Hw16();
  const std::vector<Command> one = {EncodeLoad(contract::kTargetAct, 0, 64, 1, 1024, 0x2000)};
  EXPECT_EQ(EstimateOsCycles(hw, one, {100}).cycles, kFirst + 164);
  EXPECT_EQ(EstimateOsCycles(hw, one, {100}).bytes, 64u * 16 + 32);
  // One-beat rows: 64 bursts at 100 / 16 cycles each outlast their beats.
  const std::vector<Command> rows = {EncodeLoad(contract::kTargetAct, 0, 1, 64, 64, 0x2000)};
  EXPECT_EQ(EstimateOsCycles(hw, rows, {100}).cycles, kFirst + 100 + 400);
}

// The memory the tiler is told about: at half rate (--bw-cap 0.5) the 64 beats take 128 cycles,
// at latency 200 the data come 100 cycles later; the bytes do not change.
TEST(PlanEstimateTest, LoadFollowsTheMemoryItIsToldAbout) {
  const HwParams hw = Hw16();
  const std::vector<Command> one = {EncodeLoad(contract::kTargetAct, 0, 64, 1, 1024, 0x2000)};
  // (The first command's 2 beats take 4 cycles at half rate, and come 100 cycles later too.)
  EXPECT_EQ(EstimateOsCycles(hw, one, {100, 0.5}).cycles, 104u + 100 + 128);
  EXPECT_EQ(EstimateOsCycles(hw, one, {200, 1.0}).cycles, 202u + 264);
  EXPECT_EQ(EstimateOsCycles(hw, one, {100, 0.5}).bytes, 64u * 16 + 32);
}

// On a bus wider than a word the gearbox writes a word a cycle: 64 act words (32 beats of 32
// bytes) take 64 cycles after the latency, not 32.
TEST(PlanEstimateTest, LoadIntoNarrowerWordsTakesAWordACycle) {
  HwParams hw = Hw16();
  hw.bus_bytes = 32;
  const std::vector<Command> one = {EncodeLoad(contract::kTargetAct, 0, 64, 1, 2048, 0x2000)};
  EXPECT_EQ(EstimateOsCycles(hw, one, {100}).cycles, 101u + 164);  // a command is one beat
  EXPECT_EQ(EstimateOsCycles(hw, one, {100}).bytes, 32u * 32 + 32);
}

// A COMPUTE waits for the LOADs of the words it reads, and not for others.
TEST(PlanEstimateTest, ComputeWaitsForItsOperandsOnly) {
  const HwParams hw = Hw16();
  const Command load = EncodeLoad(contract::kTargetAct, 0, 64, 1, 1024, 0x2000);
  // The LOAD lands at kFirst + 164; the COMPUTE feeds 64 steps after its start
  // (kComputeStartCycles, 1); the drain takes 32.
  const std::vector<Command> dep = {load, EncodeCompute(true, true, 0, 0, 64, 0, 0)};
  EXPECT_EQ(EstimateOsCycles(hw, dep, {100}).cycles, kFirst + 164 + 1 + 64 + 32);
  // Reading act words 64..127 it runs while the LOAD's data arrive.
  const std::vector<Command> indep = {load, EncodeCompute(true, true, 64, 0, 64, 0, 0)};
  EXPECT_EQ(EstimateOsCycles(hw, indep, {100}).cycles, kFirst + 164);
  EXPECT_LT(EstimateOsCycles(hw, indep, {100}).cycles, EstimateOsCycles(hw, dep, {100}).cycles);
}

// A STORE waits for the drain of the acc rows it reads; a SYNC for everything before it.
TEST(PlanEstimateTest, StoreWaitsForTheDrainAndSyncForAll) {
  const HwParams hw = Hw16();
  const Command compute = EncodeCompute(true, true, 0, 0, 100, 0, 0);
  const Command store = EncodeStore(0, 16, 16, 0, 16, 0x8000, 1 << 30, 0, 0, -128, 127);
  // Drained at kFirst + 1 + 100 + 32; 16 one-beat bursts (a row each) at 100 / 16 cycles; written
  // 100 later.
  EXPECT_EQ(EstimateOsCycles(hw, {compute, store}, {100}).cycles, kFirst + 133 + 100 + 100);
  // Other acc rows and parameter word: the STORE runs beside the COMPUTE.
  const Command other = EncodeStore(64, 16, 16, 200, 16, 0x8000, 1 << 30, 0, 0, -128, 127);
  // (The STORE, command 1, is in the FIFO 2 cycles after command 0.)
  EXPECT_EQ(EstimateOsCycles(hw, {compute, other}, {100}).cycles, kFirst + 2 + 200);
  // After a SYNC, a LOAD starts only once the COMPUTE has drained.
  const Command load = EncodeLoad(contract::kTargetWeight, 0, 16, 1, 256, 0x2000);
  EXPECT_EQ(EstimateOsCycles(hw, {compute, EncodeSync(), load}, {100}).cycles,
            kFirst + 133 + 100 + 16);
}

// The command FIFO (16 commands; batches of 8 requested once 8 have left, their data behind the
// data of the LOADs requested before): a 1000-beat LOAD (data at 100..1100) and 30 independent
// 10-step COMPUTEs (11 cycles each). The first 16 commands are fetched at the start (the LOAD
// issues at kFirst, its data arrive until kFirst + 1100); the batch of commands 16-23, requested
// when command 6 has issued and 7 is popped, arrives behind the LOAD's data at kFirst + 1116,
// and the last COMPUTE (command 30) issues 14 COMPUTEs later, at kFirst + 1270, and drains by
// kFirst + 1270 + 11 + 32. Without the FIFO the COMPUTEs would be done long before the LOAD.
TEST(PlanEstimateTest, CommandsWaitForTheirFetchBehindLoadData) {
  const HwParams hw = Hw16();
  std::vector<Command> cmds = {EncodeLoad(contract::kTargetAct, 0, 1000, 1, 16000, 0x20000)};
  for (int i = 0; i < 30; ++i) cmds.push_back(EncodeCompute(true, true, 2000, 0, 10, 0, 0));
  EXPECT_EQ(EstimateOsCycles(hw, cmds, {100}).cycles, kFirst + 1270 + 11 + 32);
  // 15 COMPUTEs fit the FIFO with the LOAD: done under it.
  cmds.resize(16);
  EXPECT_EQ(EstimateOsCycles(hw, cmds, {100}).cycles, kFirst + 1100);
  // 24 commands, the LOAD as command 6 (issued with the fifth COMPUTE, at kFirst + 55): the
  // batch requested as command 7 is popped comes behind its data, and the 8 COMPUTEs from
  // command 16 run after it. As command 7 (issued at kFirst + 66), popped before the batch is
  // requested, the LOAD goes to the read DMA after the batch: commands 16-23 come at once, the
  // COMPUTEs end under the LOAD's data, and the list ends with it.
  auto moved = [&](int at) {
    std::vector<Command> v(cmds.begin() + 1, cmds.begin() + 1 + at);
    v.push_back(cmds[0]);
    while (v.size() < 24) v.push_back(EncodeCompute(true, true, 2000, 0, 10, 0, 0));
    return EstimateOsCycles(hw, v, {100}).cycles;
  };
  EXPECT_EQ(moved(6), kFirst + 55 + 1100 + 16 + 8 * 11 + 32);
  EXPECT_EQ(moved(7), kFirst + 66 + 1100);
}

// Of two plans: the one estimated 2% faster, else the one that moves fewer bytes.
TEST(PlanEstimateTest, BetterIsFasterOrAsFastWithFewerBytes) {
  EXPECT_TRUE(Better({1000, 900}, {1030, 100}));
  EXPECT_FALSE(Better({1030, 100}, {1000, 900}));
  EXPECT_TRUE(Better({1015, 100}, {1000, 900}));
  EXPECT_FALSE(Better({1000, 900}, {1015, 100}));
  EXPECT_TRUE(Better({1000, 500}, {1000, 500}));
}

}  // namespace
}  // namespace salsa
