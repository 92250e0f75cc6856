// Block test of salsa_pe in a low-precision build (tests/configs/lowp_8x8.yaml: int8, int4w and
// both FP8 formats) under Verilator against a cycle model, one Verilated model per row parity
// (RowOdd 0 and 1). The model:
//   base  = clear ? 0 : acc
//   acc  <= valid ? (ld ? {w, acc[31:8]} : zero ? base : prec >= 2 ? Fp32Add(base, Fp8Mul(a, w))
//                    : base + a * (prec == 1 ? sext(nibble RowOdd of w) : w)) : acc
// with fp8.h as the FP reference (bit for bit), and the output register, the forwarded operand
// and the flag lanes as in tests/blocks/pe_test.cpp.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "Vpe_lowp_even.h"
#include "Vpe_lowp_odd.h"
#include "salsa/fp8.h"

namespace {

using salsa::fp::Fp8Format;

struct In {
  int a = 0;  // -256..255 (int steps: 9-bit signed difference; fp8 steps: the code 0..255)
  bool zero = false, valid = false, clear = false, last = false, ld = false;
  unsigned prec = 0;  // contract Prec: 0 int8, 1 int4w, 2 E4M3, 3 E5M2
  unsigned w = 0;     // the weight byte
  bool drain = false;
  uint32_t acc_in = 0;
};

struct State {
  int a = 0;
  bool zero = false, valid = false, clear = false, last = false, ld = false;
  unsigned prec = 0, w = 0;
  uint32_t acc = 0, out = 0;
};

int Sext(unsigned v, unsigned bits) {
  const unsigned m = 1u << (bits - 1);
  return static_cast<int>((v & ((1u << bits) - 1)) ^ m) - static_cast<int>(m);
}

State Next(const State& s, const In& in, bool odd) {
  State n = s;
  n.valid = in.valid;
  n.clear = in.clear;
  n.last = in.last;
  n.zero = in.zero;
  n.ld = in.ld;
  n.prec = in.prec;
  if (!in.zero) n.a = in.a;
  n.w = in.w;
  uint32_t acc_d = s.acc;
  const uint32_t base = in.clear ? 0u : s.acc;
  if (in.ld) {
    acc_d = (in.w << 24) | (s.acc >> 8);
  } else if (in.zero) {
    acc_d = base;
  } else if (in.prec >= 2) {
    const Fp8Format f = in.prec == 3 ? Fp8Format::kE5M2 : Fp8Format::kE4M3;
    acc_d = salsa::fp::Fp32Add(base, salsa::fp::Fp8Mul(static_cast<uint8_t>(in.a), in.w, f));
  } else {
    const int w = in.prec == 1 ? Sext(in.w >> (odd ? 4 : 0), 4) : Sext(in.w, 8);
    acc_d = base + static_cast<uint32_t>(in.a * w);
  }
  if (in.valid) n.acc = acc_d;
  if (in.drain) {
    n.out = in.acc_in;
  } else if (in.valid && in.last) {
    n.out = acc_d;
  }
  return n;
}

std::string Describe(const In& in) {
  std::ostringstream os;
  os << "a_i=" << in.a << " a_zero_i=" << in.zero << " a_valid_i=" << in.valid
     << " a_clear_i=" << in.clear << " a_last_i=" << in.last << " a_prec_i=" << in.prec
     << " a_ld_i=" << in.ld << " w_i=0x" << std::hex << in.w << " drain_i=" << in.drain
     << " acc_i=0x" << in.acc_in;
  return os.str();
}

template <class V>
class PeSim {
 public:
  explicit PeSim(bool odd)
      : odd_(odd),
        ctx_(std::make_unique<VerilatedContext>()),
        top_(std::make_unique<V>(ctx_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    Drive(In{});
    top_->eval();
    Edge();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~PeSim() { top_->final(); }

  ::testing::AssertionResult Step(const In& in) {
    Drive(in);
    Edge();
    model_ = Next(model_, in, odd_);
    ++cycle_;
    const int a_o = Sext(top_->a_o, 9);
    std::ostringstream diff;
    if (a_o != Sext(static_cast<unsigned>(model_.a), 9)) {
      diff << " a_o=" << a_o << " (expected " << model_.a << ")";
    }
    if (bool(top_->a_zero_o) != model_.zero) diff << " a_zero_o mismatch";
    if (bool(top_->a_valid_o) != model_.valid) diff << " a_valid_o mismatch";
    if (bool(top_->a_clear_o) != model_.clear) diff << " a_clear_o mismatch";
    if (bool(top_->a_last_o) != model_.last) diff << " a_last_o mismatch";
    if (bool(top_->a_ld_o) != model_.ld) diff << " a_ld_o mismatch";
    if (top_->a_prec_o != model_.prec) diff << " a_prec_o=" << unsigned(top_->a_prec_o);
    if (top_->w_o != model_.w) diff << " w_o=" << unsigned(top_->w_o);
    if (top_->acc_o != model_.out) {
      diff << std::hex << " acc_o=0x" << top_->acc_o << " (expected 0x" << model_.out << ")";
    }
    if (diff.str().empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << (odd_ ? "odd" : "even") << " row, cycle " << cycle_
                                         << " after " << Describe(in) << ":" << diff.str();
  }
  const State& model() const { return model_; }

 private:
  void Drive(const In& in) {
    top_->a_i = static_cast<uint16_t>(in.a) & 0x1FF;
    top_->a_zero_i = in.zero;
    top_->a_valid_i = in.valid;
    top_->a_clear_i = in.clear;
    top_->a_last_i = in.last;
    top_->a_prec_i = in.prec;
    top_->a_ld_i = in.ld;
    top_->w_i = static_cast<uint8_t>(in.w);
    top_->drain_i = in.drain;
    top_->acc_i = in.acc_in;
  }
  void Edge() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  bool odd_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> top_;
  State model_;
  uint64_t cycle_ = 0;
};

In Step(unsigned prec, int a, unsigned w, bool clear = false, bool last = false) {
  In in;
  in.prec = prec;
  in.a = a;
  in.w = w;
  in.valid = true;
  in.clear = clear;
  in.last = last;
  if (prec >= 2) in.zero = (a & 0x7F) == 0;  // the gate's FP8 zero
  return in;
}

In BiasByte(unsigned prec, unsigned byte, bool clear = false) {
  In in = Step(prec, 0, byte, clear);
  in.ld = true;
  in.zero = false;  // a bias-load step is never zero
  return in;
}

template <class V>
void Int4w(bool odd) {
  PeSim<V> pe(odd);
  // w = 0x8F: low nibble -1, high nibble -8; 0x71: low 1, high 7.
  ASSERT_TRUE(pe.Step(Step(1, 100, 0x8F, true)));
  ASSERT_TRUE(pe.Step(Step(1, -255, 0x71)));
  ASSERT_TRUE(pe.Step(Step(1, 3, 0x7F, false, true)));
  const int lo = -100 - 255 + 3 * -1, hi = -800 - 255 * 7 + 3 * 7;
  EXPECT_EQ(static_cast<int32_t>(pe.model().out), odd ? hi : lo);
  // An int8 step in between uses the whole byte.
  ASSERT_TRUE(pe.Step(Step(0, 2, 0x8F, true, true)));
  EXPECT_EQ(static_cast<int32_t>(pe.model().out), 2 * -113);
}

TEST(PeLowpBlock, Int4wEvenRowTakesLowNibble) { Int4w<Vpe_lowp_even>(false); }
TEST(PeLowpBlock, Int4wOddRowTakesHighNibble) { Int4w<Vpe_lowp_odd>(true); }

TEST(PeLowpBlock, Fp8BiasLoadThenDotProduct) {
  PeSim<Vpe_lowp_even> pe(false);
  // Bias 1.5f = 0x3FC00000, loaded byte 0 first; clear on a bias step is ignored.
  const uint32_t bias = 0x3FC00000;
  for (unsigned i = 0; i < 4; ++i)
    ASSERT_TRUE(pe.Step(BiasByte(2, (bias >> (8 * i)) & 0xFF, i == 0)));
  // E4M3: 0x38 = 1.0, 0x40 = 2.0, 0x80 = -0 (skipped), 0x01 = 2^-9 (subnormal).
  ASSERT_TRUE(pe.Step(Step(2, 0x40, 0x38)));  // + 2.0
  ASSERT_TRUE(pe.Step(Step(2, 0x80, 0x7E)));  // -0: nothing added
  ASSERT_TRUE(pe.Step(Step(2, 0x01, 0x38, false, true)));
  const uint8_t a[] = {0x40, 0x80, 0x01}, w[] = {0x38, 0x7E, 0x38};
  EXPECT_EQ(pe.model().out, salsa::fp::Fp8Dot(bias, a, w, 3, 1, Fp8Format::kE4M3));
  // E5M2 from clear: inf * 0 is NaN, NaN stays NaN (0x7FC00000).
  ASSERT_TRUE(pe.Step(Step(3, 0x7C, 0x3C, true)));         // inf * 1 = inf
  ASSERT_TRUE(pe.Step(Step(3, 0xFC, 0x3C, false, true)));  // + -inf = NaN
  EXPECT_EQ(pe.model().out, 0x7FC00000u);
}

TEST(PeLowpBlock, Fp8ZeroCodeAddsNothingEvenWithClear) {
  PeSim<Vpe_lowp_odd> pe(true);
  ASSERT_TRUE(pe.Step(Step(2, 0x48, 0x48, true)));        // 4 * 4 = 16
  ASSERT_TRUE(pe.Step(Step(2, 0x00, 0x48, true, true)));  // clear with +0: result +0
  EXPECT_EQ(pe.model().out, 0u);
  EXPECT_EQ(pe.model().a, 0x48);  // the forwarded operand held
}

template <class V>
void Random(bool odd, uint64_t seed) {
  PeSim<V> pe(odd);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 200000; ++i) {
    const unsigned prec = rng() % 4;
    In in;
    in.prec = prec;
    in.valid = rng() % 4 != 0;
    in.clear = rng() % 16 == 0;
    in.last = rng() % 8 == 0;
    in.w = rng() % 256;
    in.drain = rng() % 32 == 0;
    in.acc_in = static_cast<uint32_t>(rng());
    if (prec >= 2) {
      in.a = static_cast<int>(rng() % 256);
      if (rng() % 8 == 0) in.a &= 0x80;  // +0 / -0
      in.ld = rng() % 8 == 0;
      in.zero = !in.ld && (in.a & 0x7F) == 0;
    } else {
      in.a = static_cast<int>(rng() % 512) - 256;
      in.zero = rng() % 4 == 0;
    }
    ASSERT_TRUE(pe.Step(in));
  }
}

TEST(PeLowpBlock, RandomAgainstModelEvenRow) { Random<Vpe_lowp_even>(false, 0x41); }
TEST(PeLowpBlock, RandomAgainstModelOddRow) { Random<Vpe_lowp_odd>(true, 0x42); }

}  // namespace
