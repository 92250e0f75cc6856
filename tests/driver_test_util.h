// Helpers of the driver tests (driver_test.cpp, driver_plan_test.cpp, driver_skip_test.cpp,
// driver_24_test.cpp): hardware parameters, and a layer run through the tiler and the functional
// model against the software reference.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"
#include "test_hw.h"

namespace salsa {
namespace driver_test {

using test::Hw;

// The sparse tilers' hardware: zero_skip or structured24 on, 16 AXI transactions in flight.
inline HwParams ZeroSkip(HwParams hw) {
  hw.max_outstanding = 16;
  hw.zero_skip = true;
  return hw;
}
inline HwParams Structured24(HwParams hw) {
  hw.max_outstanding = 16;
  hw.structured24 = true;
  return hw;
}

inline std::string Describe(const HwParams& hw) {
  std::ostringstream s;
  s << hw.rows << "x" << hw.cols << " bus" << hw.bus_bytes << " sp" << hw.act_words << "/"
    << hw.weight_words << "/" << hw.acc_words;
  return s.str();
}

// Gated operands the hardware must count: every array row (padded rows too) at every K step of
// every (m_tile, n_tile) whose activation equals the input zero point. Transposed, the array's
// rows run over N and the act operand is the weights (zero point 0).
inline uint64_t ExpectedGated(const HwParams& hw, const FcLayer& l, const Program& p) {
  const std::vector<int8_t>& act = p.transposed() ? l.weights : l.input;
  const uint64_t rows_used = static_cast<uint64_t>(p.transposed() ? l.N : l.M);
  const int32_t zp = p.transposed() ? 0 : l.input_zero_point;
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
inline uint64_t ExpectedGatedWs(const HwParams& hw, const FcLayer& l, const Program& p) {
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

inline void RunAndCompare(const HwParams& hw, int M, int K, int N, uint64_t seed) {
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

struct LayerRun {
  Program prog;
  FuncSimResult r;
};

// Builds and runs the layer on the model; the output must equal the reference in full.
inline LayerRun RunLayer(const HwParams& hw, const FcLayer& l, const std::string& what,
                         const DriverOptions& opts = {}) {
  SCOPED_TRACE(what);
  LayerRun run{BuildFcProgram(hw, l, opts), {}};
  std::vector<uint8_t> dram = run.prog.dram;
  run.r = FuncSim(hw).Run(dram, run.prog.cmd_base, run.prog.cmd_count);
  EXPECT_TRUE(run.r.ok()) << run.r.err_detail << " ("
                          << DescribeCommand(run.prog.cmds[run.r.err_cmd].data()) << ")";
  if (!run.r.ok()) return run;
  EXPECT_EQ(run.r.counters[contract::CounterIndex("commands")], run.prog.cmd_count);
  const std::vector<int8_t> got = ReadOutput(run.prog, dram, l.M, l.N);
  const std::vector<int8_t> want = ReferenceOutput(l);
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      ADD_FAILURE() << "first mismatch at index " << i << " (m=" << i / l.N << ", n=" << i % l.N
                    << "): expected " << int{want[i]} << ", got " << int{got[i]};
      break;
    }
  }
  return run;
}

struct Shape {
  int M, K, N;
};

inline const Shape kShapes[] = {
    {1, 1, 1},     {1, 64, 16},  {2, 10, 3},    {3, 17, 5},  {17, 33, 19}, {16, 300, 16},
    {33, 129, 40}, {5, 1000, 3}, {64, 256, 64}, {1, 7, 100}, {100, 3, 1},  {13, 77, 9},
};

inline HwParams Ws(HwParams hw) {
  hw.weight_stationary = true;
  return hw;
}

}  // namespace driver_test
}  // namespace salsa
