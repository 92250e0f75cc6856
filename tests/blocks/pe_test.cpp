// Block test of salsa_pe (rtl/default/salsa_pe.v) under Verilator against a cycle model:
// acc <= valid ? (clear ? 0 : acc) + (zero ? 0 : a * w) : acc, with a 9-bit signed operand a and
// an 8-bit signed weight w; the output register (acc_o) takes acc_i on drain, else the new sum on
// a valid last step, else holds. The forwarded operand register (a_o) keeps its value when
// a_zero_i is set, every other forwarded signal is a plain register.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "Vpe.h"

namespace {

struct In {
  int a = 0;  // -256..255 (9-bit signed)
  bool zero = false, valid = false, clear = false, last = false;
  int w = 0;  // int8
  bool drain = false;
  int32_t acc_in = 0;
};

struct State {
  int a = 0;
  bool zero = false, valid = false, clear = false, last = false;
  int w = 0;
  int32_t acc = 0;  // the accumulator (internal)
  int32_t out = 0;  // the output register (acc_o)
};

int32_t Wrap(uint32_t u) {
  int32_t v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

// The PE as a cycle model.
State Next(const State& s, const In& in) {
  State n = s;
  n.valid = in.valid;
  n.clear = in.clear;
  n.last = in.last;
  n.zero = in.zero;
  if (!in.zero) n.a = in.a;
  n.w = in.w;
  if (in.valid) {
    const uint32_t base = in.clear ? 0u : static_cast<uint32_t>(s.acc);
    const uint32_t prod = in.zero ? 0u : static_cast<uint32_t>(in.a * in.w);
    n.acc = Wrap(base + prod);
  }
  if (in.drain) {
    n.out = in.acc_in;
  } else if (in.valid && in.last) {
    n.out = n.acc;
  }
  return n;
}

std::string Describe(const In& in) {
  std::ostringstream os;
  os << "a_i=" << in.a << " a_zero_i=" << in.zero << " a_valid_i=" << in.valid
     << " a_clear_i=" << in.clear << " a_last_i=" << in.last << " w_i=" << in.w
     << " drain_i=" << in.drain << " acc_i=" << in.acc_in;
  return os.str();
}

class PeSim {
 public:
  PeSim() : ctx_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Vpe>(ctx_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    Drive(In{});
    top_->eval();
    Edge();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~PeSim() { top_->final(); }

  // Applies one cycle of inputs, clocks, and compares every output with the model.
  ::testing::AssertionResult Step(const In& in) {
    Drive(in);
    Edge();
    model_ = Next(model_, in);
    ++cycle_;
    const int a_o = (top_->a_o & 0x100) ? static_cast<int>(top_->a_o) - 512 : top_->a_o;
    const int w_o = static_cast<int8_t>(top_->w_o);
    const int32_t acc_o = Wrap(top_->acc_o);
    std::ostringstream diff;
    if (a_o != model_.a) diff << " a_o=" << a_o << " (expected " << model_.a << ")";
    if (bool(top_->a_zero_o) != model_.zero) diff << " a_zero_o mismatch";
    if (bool(top_->a_valid_o) != model_.valid) diff << " a_valid_o mismatch";
    if (bool(top_->a_clear_o) != model_.clear) diff << " a_clear_o mismatch";
    if (bool(top_->a_last_o) != model_.last) diff << " a_last_o mismatch";
    if (w_o != model_.w) diff << " w_o=" << w_o << " (expected " << model_.w << ")";
    if (acc_o != model_.out) diff << " acc_o=" << acc_o << " (expected " << model_.out << ")";
    if (diff.str().empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "cycle " << cycle_ << " after " << Describe(in) << ":" << diff.str();
  }
  const State& model() const { return model_; }

 private:
  void Drive(const In& in) {
    top_->a_i = static_cast<uint16_t>(in.a) & 0x1FF;
    top_->a_zero_i = in.zero;
    top_->a_valid_i = in.valid;
    top_->a_clear_i = in.clear;
    top_->a_last_i = in.last;
    top_->w_i = static_cast<uint8_t>(in.w);
    top_->drain_i = in.drain;
    top_->acc_i = static_cast<uint32_t>(in.acc_in);
  }
  void Edge() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpe> top_;
  State model_;
  uint64_t cycle_ = 0;
};

In Mac(int a, int w, bool clear = false, bool last = false) {
  In in;
  in.a = a;
  in.w = w;
  in.valid = true;
  in.clear = clear;
  in.last = last;
  return in;
}

TEST(PeBlock, AccumulatesAndClears) {
  PeSim pe;
  ASSERT_TRUE(pe.Step(Mac(3, 4, true)));
  ASSERT_TRUE(pe.Step(Mac(-256, -128)));  // extreme product 32768
  ASSERT_TRUE(pe.Step(Mac(255, 127)));
  ASSERT_TRUE(pe.Step(Mac(-5, 7)));
  EXPECT_EQ(pe.model().out, 0);                  // no last step yet: the output register holds
  ASSERT_TRUE(pe.Step(In{}));                    // not valid: holds
  ASSERT_TRUE(pe.Step(Mac(1, 0, false, true)));  // last step: the sum appears on acc_o
  EXPECT_EQ(pe.model().out, 12 + 32768 + 32385 - 35);
  ASSERT_TRUE(pe.Step(Mac(2, 2, true)));  // clear restarts; the output register keeps the tile
  EXPECT_EQ(pe.model().out, 12 + 32768 + 32385 - 35);
  ASSERT_TRUE(pe.Step(Mac(3, 3, false, true)));
  EXPECT_EQ(pe.model().out, 13);
  ASSERT_TRUE(pe.Step(Mac(4, 4, true, true)));  // a one-step tile: clear and last together
  EXPECT_EQ(pe.model().out, 16);
}

TEST(PeBlock, ZeroOperandHoldsForwardRegisterAndAddsNothing) {
  PeSim pe;
  ASSERT_TRUE(pe.Step(Mac(-77, 3, true)));
  In z = Mac(123, 100);
  z.zero = true;  // a_i is ignored: neither forwarded nor multiplied
  z.last = true;
  ASSERT_TRUE(pe.Step(z));
  EXPECT_EQ(pe.model().a, -77);
  EXPECT_EQ(pe.model().out, -231);
  z.clear = true;  // a zero operand with clear still clears
  ASSERT_TRUE(pe.Step(z));
  EXPECT_EQ(pe.model().out, 0);
  EXPECT_EQ(pe.model().a, -77);
}

TEST(PeBlock, DrainShiftsOutputRegisterWhileAccumulating) {
  PeSim pe;
  ASSERT_TRUE(pe.Step(Mac(10, 10, true, true)));
  In d;
  d.drain = true;
  d.acc_in = -123456789;
  ASSERT_TRUE(pe.Step(d));
  EXPECT_EQ(pe.model().out, -123456789);
  d = Mac(5, 5, true);
  d.drain = true;  // the accumulator keeps working during a drain
  d.acc_in = 42;
  ASSERT_TRUE(pe.Step(d));
  EXPECT_EQ(pe.model().out, 42);
  ASSERT_TRUE(pe.Step(Mac(1, 1, false, true)));
  EXPECT_EQ(pe.model().out, 26);
}

TEST(PeBlock, RandomAgainstModel) {
  PeSim pe;
  std::mt19937_64 rng(0x9e);
  for (int i = 0; i < 200000; ++i) {
    In in;
    in.a = static_cast<int>(rng() % 512) - 256;
    in.zero = rng() % 4 == 0;
    in.valid = rng() % 4 != 0;
    in.clear = rng() % 16 == 0;
    in.last = rng() % 8 == 0;
    in.w = static_cast<int>(rng() % 256) - 128;
    in.drain = rng() % 32 == 0;
    in.acc_in = Wrap(static_cast<uint32_t>(rng()));
    if (rng() % 8 == 0) {  // extreme products (sums wrap over long runs without clear)
      in.a = rng() % 2 ? 255 : -256;
      in.w = rng() % 2 ? 127 : -128;
    }
    ASSERT_TRUE(pe.Step(in));
  }
}

}  // namespace
