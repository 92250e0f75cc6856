// Block test of salsa_fp32_add (verilated from rtl/llm_16x16)
// under Verilator against fp::Fp32Add: every pair of edge-class values, and 2,000,000 random
// pairs (raw bit patterns, operands with close exponents for cancellation and rounding ties,
// subnormals and large values).
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <random>

#include "../fp_edge_values.h"
#include "Vfp32_add.h"
#include "salsa/fp8.h"

namespace {

class AddSim {
 public:
  AddSim() : ctx_(std::make_unique<VerilatedContext>()), top_(new Vfp32_add(ctx_.get())) {}
  ~AddSim() { top_->final(); }
  // Returns true if the block's sum equals the reference; reports the first mismatch.
  bool Check(uint32_t a, uint32_t b) {
    top_->a_i = a;
    top_->b_i = b;
    top_->eval();
    ++checked_;
    const uint32_t want = salsa::fp::Fp32Add(a, b);
    if (top_->s_o == want) return true;
    if (mismatches_++ == 0) {
      ADD_FAILURE() << std::hex << "first mismatch: a=0x" << a << " b=0x" << b << ": expected 0x"
                    << want << ", got 0x" << top_->s_o;
    }
    return false;
  }
  size_t checked() const { return checked_; }
  size_t mismatches() const { return mismatches_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vfp32_add> top_;
  size_t checked_ = 0, mismatches_ = 0;
};

TEST(Fp32AddBlock, EveryEdgeClassPairMatchesTheReference) {
  AddSim sim;
  const auto edges = salsa::fp_test::EdgeValues();
  for (uint32_t a : edges) {
    for (uint32_t b : edges) sim.Check(a, b);
  }
  EXPECT_EQ(sim.checked(), edges.size() * edges.size());
  EXPECT_EQ(sim.mismatches(), 0u) << "of " << sim.checked() << " pairs";
}

TEST(Fp32AddBlock, RandomPairsMatchTheReference) {
  AddSim sim;
  std::mt19937 rng(14);
  const auto edges = salsa::fp_test::EdgeValues();
  constexpr size_t kPairs = 2000000;
  for (size_t i = 0; i < kPairs; ++i) {
    uint32_t a = rng(), b = rng();
    switch (i % 6) {
      case 0:  // raw bit patterns
        break;
      case 1:  // exponents within 0..3 of each other: cancellation, guard bits
        b = (b & 0x807FFFFFu) | ((a & 0x7F800000u) + ((rng() % 4) << 23) - 0x01000000u);
        break;
      case 2:  // exponents within 0..31: alignment across the whole significand and sticky
        b = (b & 0x807FFFFFu) | (((((a >> 23) & 0xFFu) + rng() % 32 - 16) & 0xFFu) << 23);
        break;
      case 3:  // x + (-x +- a few ulps)
        b = (a ^ 0x80000000u) + (rng() % 5) - 2;
        break;
      case 4:  // subnormal and tiny operands
        a &= 0x80FFFFFFu;
        b &= 0x80FFFFFFu;
        break;
      default:  // one edge value and one random value
        a = edges[rng() % edges.size()];
        break;
    }
    sim.Check(a, b);
    sim.Check(b, a);
  }
  EXPECT_EQ(sim.checked(), 2 * kPairs);
  EXPECT_EQ(sim.mismatches(), 0u) << "of " << sim.checked() << " pairs";
}

}  // namespace
