// Shared unit-test helpers: hardware parameters, and a DRAM image of commands for the functional
// model.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "salsa/command.h"
#include "salsa/func_sim.h"
#include "salsa/hw_params.h"

namespace salsa {
namespace test {

// Hardware of the given array, bus and scratchpad sizes; the rest (32-bit addresses, 16-beat
// bursts, 4 transactions in flight, os, no sparsity) as HwParams has it.
inline HwParams Hw(unsigned rows, unsigned cols, unsigned bus_bytes, unsigned act_words,
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

constexpr uint64_t kCmdBase = 0x1000;

// A DRAM image of `bytes` zeros: commands at kCmdBase, data anywhere.
struct Image {
  explicit Image(size_t bytes = 0x8000) : dram(bytes, 0) {}
  std::vector<uint8_t> dram;
  unsigned count = 0;
  void Add(const Command& c) { std::copy(c.begin(), c.end(), &dram[kCmdBase + 32 * count++]); }
  void Data(uint64_t addr, const std::vector<uint8_t>& bytes) {
    std::copy(bytes.begin(), bytes.end(), dram.begin() + addr);
  }
  FuncSimResult Run(FuncSim& sim) { return sim.Run(dram, kCmdBase, count); }
};

// A command and the error code it must stop with ("none": it runs).
struct ErrCase {
  const char* name;
  Command cmd;
  uint32_t err;
};

// Each case's command appended to a copy of `setup` and run on hw: the error code, and on an
// error the failing command (the appended one) and a detail.
inline void ExpectErrors(const HwParams& hw, const Image& setup,
                         const std::vector<ErrCase>& cases) {
  for (const ErrCase& c : cases) {
    SCOPED_TRACE(c.name);
    Image img = setup;
    const unsigned at = img.count;
    img.Add(c.cmd);
    FuncSim sim(hw);
    const FuncSimResult r = img.Run(sim);
    EXPECT_EQ(r.err_code, c.err) << r.err_detail;
    if (c.err == contract::ErrCodeOf("none")) continue;
    EXPECT_EQ(r.err_cmd, at);
    EXPECT_FALSE(r.err_detail.empty());
  }
}

}  // namespace test
}  // namespace salsa
