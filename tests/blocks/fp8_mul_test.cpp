// Block test of salsa_fp8_mul (verilated from rtl/llm_16x16)
// under Verilator: every pair of FP8 codes of both formats (2 x 65,536) against fp::Fp8Mul.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>

#include "Vfp8_mul.h"
#include "salsa/fp8.h"

namespace {

using salsa::fp::Fp8Format;

TEST(Fp8MulBlock, EveryOperandPairOfBothFormatsMatchesTheReference) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Vfp8_mul>(ctx.get());
  size_t checked = 0, mismatches = 0;
  for (int e5 = 0; e5 <= 1; ++e5) {
    const Fp8Format f = e5 ? Fp8Format::kE5M2 : Fp8Format::kE4M3;
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        top->a_i = static_cast<uint8_t>(a);
        top->b_i = static_cast<uint8_t>(b);
        top->e5m2_i = static_cast<uint8_t>(e5);
        top->eval();
        const uint32_t want =
            salsa::fp::Fp8Mul(static_cast<uint8_t>(a), static_cast<uint8_t>(b), f);
        ++checked;
        if (top->p_o != want) {
          if (mismatches == 0) {
            ADD_FAILURE() << "first mismatch: " << (e5 ? "E5M2" : "E4M3") << std::hex << " a=0x"
                          << a << " b=0x" << b << ": expected 0x" << want << ", got 0x" << top->p_o;
          }
          ++mismatches;
        }
      }
    }
  }
  top->final();
  EXPECT_EQ(checked, 2u * 65536u);
  EXPECT_EQ(mismatches, 0u) << "of " << checked << " pairs";
}

}  // namespace
