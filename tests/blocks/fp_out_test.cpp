// Block test of salsa_fp_out (verilated from rtl/llm_16x16)
// under Verilator against fp::Fp32Mul followed by the reference conversion, for every fmt_i
// (0..7) and both saturate settings: edge-class accumulators x edge-class and common scales, and
// random ones. The block has two register stages: the vector applied before clock edge t is
// expected on y_o after edge t + 1; vectors are applied back to back, one per cycle.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "../fp_edge_values.h"
#include "Vfp_out.h"
#include "salsa/fp8.h"

namespace {

using salsa::fp::Fp8Format;

struct Vec {
  uint32_t x = 0, scale = 0;
  unsigned fmt = 0;
  bool sat = false;
};

uint32_t Expected(const Vec& v) {
  const uint32_t m = salsa::fp::Fp32Mul(v.x, v.scale);
  switch (v.fmt) {
    case 1:
      return m;
    case 2:
      return salsa::fp::Fp32ToBf16(m, v.sat);
    case 3:
      return salsa::fp::Fp32ToFp8(m, Fp8Format::kE4M3, v.sat);
    case 4:
      return salsa::fp::Fp32ToFp8(m, Fp8Format::kE5M2, v.sat);
    default:
      return 0;
  }
}

// Drives the vectors one per cycle; returns the number of mismatches (the first is reported).
size_t RunVectors(const std::vector<Vec>& vecs) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Vfp_out>(ctx.get());
  size_t mismatches = 0;
  auto tick = [&] {
    top->clk_i = 0;
    top->eval();
    top->clk_i = 1;
    top->eval();
  };
  for (size_t t = 0; t < vecs.size() + 1; ++t) {
    const Vec v = t < vecs.size() ? vecs[t] : Vec{};
    top->x_i = v.x;
    top->scale_i = v.scale;
    top->fmt_i = static_cast<uint8_t>(v.fmt);
    top->sat_i = v.sat ? 1 : 0;
    tick();
    if (t == 0) continue;
    const Vec& s = vecs[t - 1];
    const uint32_t want = Expected(s);
    if (top->y_o != want) {
      if (mismatches == 0) {
        ADD_FAILURE() << std::hex << "first mismatch at vector " << std::dec << (t - 1) << std::hex
                      << ": x=0x" << s.x << " scale=0x" << s.scale << " fmt=" << s.fmt
                      << " sat=" << s.sat << " (product 0x" << salsa::fp::Fp32Mul(s.x, s.scale)
                      << "): expected 0x" << want << ", got 0x" << top->y_o;
      }
      ++mismatches;
    }
  }
  top->final();
  return mismatches;
}

TEST(FpOutBlock, EdgeClassInputsEveryFormatAndSaturate) {
  std::vector<Vec> vecs;
  const auto edges = salsa::fp_test::EdgeValues();
  std::vector<uint32_t> scales = edges;
  for (uint32_t s : {0x3F800000u, 0x3E800000u, 0x41000000u, 0x3A800000u, 0x3DCCCCCDu}) {
    scales.push_back(s);  // 1.0, 0.25, 8.0, 2^-10, 0.1
  }
  for (uint32_t x : edges) {
    for (uint32_t s : scales) {
      for (unsigned fmt = 0; fmt < 8; ++fmt) {
        for (bool sat : {false, true}) vecs.push_back({x, s, fmt, sat});
      }
    }
  }
  EXPECT_EQ(RunVectors(vecs), 0u) << "of " << vecs.size() << " vectors";
}

TEST(FpOutBlock, RandomInputsEveryFormatAndSaturate) {
  std::mt19937 rng(1414);
  std::vector<Vec> vecs;
  constexpr size_t kVectors = 1000000;
  for (size_t i = 0; i < kVectors; ++i) {
    Vec v;
    v.x = rng();
    v.scale = rng();
    switch (i % 4) {
      case 0:  // raw bit patterns
        break;
      case 1:  // scale 1.0: the conversion alone, x around the FP8/bf16 ranges (2^-30..2^20)
        v.scale = 0x3F800000u;
        v.x = (v.x & 0x807FFFFFu) | ((97u + rng() % 51) << 23);
        break;
      case 2:  // a moderate scale (2^-8..2^8) and x around the FP8 ranges
        v.scale = (v.scale & 0x807FFFFFu) | ((119u + rng() % 17) << 23);
        v.x = (v.x & 0x807FFFFFu) | ((97u + rng() % 51) << 23);
        break;
      default:  // products near the FP32 subnormal and overflow boundaries
        v.scale =
            (v.scale & 0x807FFFFFu) | ((rng() % 2 ? 1u + rng() % 20 : 235u + rng() % 19) << 23);
        v.x = (v.x & 0x807FFFFFu) | ((100u + rng() % 54) << 23);
        break;
    }
    v.fmt = 1 + rng() % 4;
    v.sat = (rng() & 1) != 0;
    vecs.push_back(v);
  }
  EXPECT_EQ(RunVectors(vecs), 0u) << "of " << vecs.size() << " vectors";
}

}  // namespace
