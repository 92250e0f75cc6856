// Block test of salsa_rst_sync (rtl/default/salsa_rst_sync.v, Stages = 2) under Verilator: the
// synchronised reset asserts with rst_ni without a clock edge, and is released exactly Stages
// rising edges after rst_ni rises, wherever in the clock period rst_ni rose (clock low, clock
// high, just before an edge).
#include <gtest/gtest.h>
#include <verilated.h>

#include <memory>

#include "Vrst_sync.h"

namespace {

class RstSyncSim {
 public:
  RstSyncSim() : ctx_(std::make_unique<VerilatedContext>()), top_(new Vrst_sync(ctx_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
  }
  ~RstSyncSim() { top_->final(); }
  Vrst_sync& top() { return *top_; }
  void Set(bool clk, bool rst_n) {
    top_->clk_i = clk;
    top_->rst_ni = rst_n;
    top_->eval();
  }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vrst_sync> top_;
};

// Where in the period rst_ni rises: with the clock low, or high (between a rising and a falling
// edge: the release is then seen by the next rising edge only).
class RstSyncRelease : public ::testing::TestWithParam<bool> {};

TEST_P(RstSyncRelease, AssertsAsynchronouslyReleasesAfterTwoEdges) {
  const bool clk_high = GetParam();
  RstSyncSim sim;
  // Run out of reset, then assert rst_ni with no clock edge: rst_no falls at once.
  sim.Set(false, false);
  sim.Set(false, true);
  for (int i = 0; i < 3; ++i) {
    sim.Set(true, true);
    sim.Set(false, true);
  }
  ASSERT_EQ(sim.top().rst_no, 1);
  sim.Set(false, false);
  EXPECT_EQ(sim.top().rst_no, 0) << "reset did not assert asynchronously";
  for (int i = 0; i < 3; ++i) {
    sim.Set(true, false);
    sim.Set(false, false);
  }
  // Release between edges.
  if (clk_high) sim.Set(true, false);
  sim.Set(clk_high, true);
  EXPECT_EQ(sim.top().rst_no, 0) << "reset released without a clock edge";
  if (clk_high) sim.Set(false, true);
  sim.Set(true, true);  // first rising edge after the release
  EXPECT_EQ(sim.top().rst_no, 0) << "released after one edge";
  sim.Set(false, true);
  sim.Set(true, true);  // second
  EXPECT_EQ(sim.top().rst_no, 1) << "not released after two edges";
}

INSTANTIATE_TEST_SUITE_P(ClockPhase, RstSyncRelease, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "ClockHigh" : "ClockLow"; });

}  // namespace
