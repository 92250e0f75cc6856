// int4w (W4A8) and FP8 layers through the tiler and the functional model against independent
// per-element references (the int8 reference with the unpacked weights; fp8.h's Fp8Dot and
// conversions), the precision rejections, the model's precision field errors, and the int8
// programs pinned to their hashes before the precision work.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "driver_pin_cases.h"
#include "driver_test_util.h"
#include "salsa/command.h"
#include "salsa/driver.h"
#include "salsa/fp8.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"
#include "salsa/reference.h"
#include "test_hw.h"

namespace salsa {
namespace {

using driver_test::Describe;
using driver_test::Hw;
using driver_test::Ws;
using driver_test::ZeroSkip;

constexpr unsigned kInt4wMask = 1u << contract::kPrecInt8 | 1u << contract::kPrecInt4w;
constexpr unsigned kFp8Mask =
    1u << contract::kPrecInt8 | 1u << contract::kPrecFp8E4M3 | 1u << contract::kPrecFp8E5M2;
constexpr unsigned kAllMask = kInt4wMask | kFp8Mask;

HwParams WithMask(HwParams hw, unsigned mask) {
  hw.precision_mask = mask;
  return hw;
}

// The hardware the precision tests run on: 64-bit and 128-bit buses, rows != cols, and small
// scratchpads whose K chunks force streamed activations (several chunks per tile).
std::vector<HwParams> LowpHws() {
  return {WithMask(Hw(8, 8, 8, 256, 256, 40), kAllMask),
          WithMask(Hw(16, 16, 16, 1024, 1024, 128), kAllMask),
          WithMask(Hw(12, 8, 8, 64, 96, 30), kAllMask), WithMask(Hw(4, 8, 16, 12, 14, 9), kAllMask),
          WithMask(Hw(8, 4, 8, 9, 7, 12), kAllMask),
          WithMask(ZeroSkip(Hw(8, 8, 8, 256, 256, 64)), kAllMask),
          // tests/configs/lowp_8x8.yaml
          WithMask(ZeroSkip(Hw(8, 8, 8, 4096, 4096, 256)), kAllMask)};
}

const driver_test::Shape kLowpShapes[] = {{1, 1, 1},    {1, 64, 16}, {2, 9, 3},    {3, 17, 5},
                                          {17, 33, 19}, {5, 301, 3}, {9, 100, 20}, {1, 7, 33},
                                          {20, 2, 1},   {13, 77, 9}};

// ---- int4w -----------------------------------------------------------------------------------

FcLayer RandomInt4wLayer(int M, int K, int N, uint64_t seed) {
  FcLayer l = MakeRandomFc(M, K, N, seed);
  std::mt19937_64 rng(seed * 7 + 1);
  for (int8_t& w : l.weights) w = static_cast<int8_t>(static_cast<int>(rng() % 16) - 8);
  ChooseRandomOutputQuant(&l, seed);
  l.prec = contract::kPrecInt4w;
  return l;
}

// Runs l on the model and returns the program; the output must equal `want` in full.
Program RunInt(const HwParams& hw, const FcLayer& l, const std::vector<int8_t>& want,
               const DriverOptions& opts = {}, FuncSimResult* result = nullptr) {
  const Program p = BuildFcProgram(hw, l, opts);
  std::vector<uint8_t> dram = p.dram;
  const FuncSimResult r = FuncSim(hw).Run(dram, p.cmd_base, p.cmd_count);
  if (result != nullptr) *result = r;
  EXPECT_TRUE(r.ok()) << r.err_detail << " (" << DescribeCommand(p.cmds[r.err_cmd].data()) << ")";
  if (!r.ok()) return p;
  const std::vector<int8_t> got = ReadOutput(p, dram, l.M, l.N);
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      ADD_FAILURE() << "first mismatch at (m=" << i / l.N << ", n=" << i % l.N << "): expected "
                    << int{want[i]} << ", got " << int{got[i]} << " (plan " << p.plan << ")";
      break;
    }
  }
  return p;
}

TEST(DriverLowpTest, Int4wMatchesTheInt8ReferenceOfTheUnpackedWeights) {
  uint64_t seed = 7000;
  for (const HwParams& hw : LowpHws()) {
    for (const driver_test::Shape& s : kLowpShapes) {
      SCOPED_TRACE("hw " + Describe(hw) + " shape " + std::to_string(s.M) + "x" +
                   std::to_string(s.K) + "x" + std::to_string(s.N) + " seed " +
                   std::to_string(seed));
      FcLayer l = RandomInt4wLayer(s.M, s.K, s.N, seed++);
      if (seed % 3 == 0) MakePerChannel(&l, seed);
      FcLayer as_int8 = l;
      as_int8.prec = contract::kPrecInt8;
      const Program p = RunInt(hw, l, ReferenceOutput(as_int8));
      EXPECT_EQ(p.plan.substr(p.plan.size() - 6), " int4w");
      EXPECT_EQ(p.m_tiles, (s.M + hw.rows / 2 - 1) / (hw.rows / 2));
      for (const Command& c : p.cmds) {
        if (cmd::Opcode(c.data()) == contract::kOpCompute) {
          EXPECT_EQ(cmd::Get(c.data(), "prec"), contract::kPrecInt4w);
        }
      }
    }
  }
}

// An int4w layer case: hardware, shape, batched zero-skip, and the plan the tiler must take.
struct Int4wCase {
  HwParams hw;
  int M, K, N;
  bool batched;
  const char* plan;
};

// Runs each case at 0%, about half and 97% zero activations (`pattern`; per-channel at the middle
// rate) against the int8 reference of the unpacked weights; checks the plan, on the zero-skip plan
// the K slices the hardware has, and that mostly zero activations skip K steps.
void RunInt4wCases(const std::vector<Int4wCase>& cases, double half, SparsityPattern pattern,
                   uint64_t seed) {
  for (const Int4wCase& c : cases) {
    for (double zeros : {0.0, half, 0.97}) {
      SCOPED_TRACE(std::string(c.plan) + " " + Describe(c.hw) + " slices " +
                   std::to_string(c.hw.gemv_slices) + " shape " + std::to_string(c.M) + "x" +
                   std::to_string(c.K) + "x" + std::to_string(c.N) + " zeros " +
                   std::to_string(zeros));
      FcLayer l = RandomInt4wLayer(c.M, c.K, c.N, seed++);
      ApplyActivationSparsity(&l, zeros, pattern, seed);
      ChooseRandomOutputQuant(&l, seed);
      if (zeros == half) MakePerChannel(&l, seed);
      FcLayer as_int8 = l;
      as_int8.prec = contract::kPrecInt8;
      DriverOptions opts;
      opts.zero_skip_batched = c.batched;
      FuncSimResult r;
      const Program p = RunInt(c.hw, l, ReferenceOutput(as_int8), opts, &r);
      EXPECT_EQ(p.plan, c.plan);
      if (!p.zero_skip()) continue;
      EXPECT_EQ(p.slices(), std::max(1u, c.hw.gemv_slices));
      if (zeros > 0.9) {
        EXPECT_GT(r.counters[contract::CounterIndex("skipped_steps")], 0u);
      }
    }
  }
}

// int4w on the K-split plan (partial sums added in the acc scratchpad) and on the zero-skip plan
// (SCAN over 2 lanes per output row, gathered packed weight bytes, group COMPUTEs draining rows / 2
// words per tile), single and batched.
TEST(DriverLowpTest, Int4wOnTheKSplitAndZeroSkipPlans) {
  RunInt4wCases(
      {
          {WithMask(Hw(8, 8, 8, 256, 256, 100), kInt4wMask), 20, 2001, 30, false,
           "os K-split int4w"},
          {WithMask(Hw(12, 8, 8, 200, 160, 200), kInt4wMask), 13, 999, 17, false,
           "os K-split int4w"},
          {WithMask(ZeroSkip(Hw(8, 8, 8, 256, 256, 64)), kInt4wMask), 3, 301, 40, false,
           "zero-skip int4w"},
          {WithMask(ZeroSkip(Hw(8, 8, 8, 256, 256, 64)), kInt4wMask), 4, 1001, 9, false,
           "zero-skip int4w"},
          {WithMask(ZeroSkip(Hw(16, 16, 16, 64, 96, 80)), kInt4wMask), 19, 157, 33, true,
           "zero-skip int4w"},
      },
      0.6, SparsityPattern::kClustered, 8000);
}

// int4w on the zero-skip plan with K slices: m tiles of G / 2 output rows (G = rows / S, each
// row in two lanes), the SCAN packing G lanes of S entries to a word and the group COMPUTEs taking
// S packed steps a cycle. On hardware whose LOADs write 1, 2 and 4 words a cycle, single m tiles
// and batched ones; an odd G (12 rows, 4 slices) keeps the dense K-slice plan.
TEST(DriverLowpTest, Int4wZeroSkipWithKSlices) {
  auto sliced = [](HwParams hw, unsigned s) {
    hw.gemv_slices = s;
    return WithMask(ZeroSkip(hw), kInt4wMask);
  };
  RunInt4wCases(
      {
          {sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4), 1, 1000, 300, false, "zero-skip int4w"},
          {sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4), 2, 777, 33, false, "zero-skip int4w"},
          {sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4), 5, 301, 40, true, "zero-skip int4w"},
          {sliced(Hw(8, 8, 8, 512, 512, 200), 2), 2, 513, 50, false, "zero-skip int4w"},
          {sliced(Hw(12, 4, 16, 90, 120, 100), 2), 3, 201, 70, false, "zero-skip int4w"},
          {sliced(Hw(4, 8, 32, 64, 48, 40), 2), 1, 65, 100, false, "zero-skip int4w"},
          {sliced(Hw(12, 4, 16, 90, 120, 100), 4), 1, 201, 70, false, "gemv int4w"},
      },
      0.5, SparsityPattern::kUniform, 8500);
}

// A GEMV of int4w streams half the weight words of int8 (one byte holds two K steps).
TEST(DriverLowpTest, Int4wHalvesTheKSteps) {
  const HwParams hw = WithMask(Hw(16, 16, 16, 4096, 4096, 512), kInt4wMask);
  FcLayer l = RandomInt4wLayer(1, 1001, 64, 5);
  FcLayer as_int8 = l;
  as_int8.prec = contract::kPrecInt8;
  uint64_t steps[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const Program p = RunInt(hw, i == 0 ? as_int8 : l, ReferenceOutput(as_int8));
    for (const Command& c : p.cmds) {
      if (cmd::Opcode(c.data()) == contract::kOpCompute) steps[i] += cmd::Get(c.data(), "k");
    }
  }
  EXPECT_EQ(steps[0], 4u * 1001u);
  EXPECT_EQ(steps[1], 4u * 501u);
}

// int4w GEMVs on K-slice hardware (plan "gemv"): random hardware (even rows 2..16, 1..12 columns,
// up to 8 slices, small scratchpads), M up to a slice's output rows and beyond, against the int8
// reference of the unpacked weights. The plan takes the most slices whose G rows are even and
// hold 2M rows; a slice count with odd G (12 rows, 4 slices) is never chosen.
TEST(DriverLowpTest, Int4wGemvTakesKSlices) {
  std::mt19937_64 rng(9100);
  unsigned gemv_runs = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const unsigned rows = 2 * (1 + static_cast<unsigned>(rng() % 8)), cols = 1 + rng() % 12;
    unsigned max_s = 1;
    while (rows % (2 * max_s) == 0 && max_s < 8) max_s *= 2;
    const unsigned depth_mul = 8;
    HwParams hw = WithMask(Hw(rows, cols, 8u << (rng() % 3), 8 + static_cast<unsigned>(rng() % 300),
                              depth_mul * (2 + static_cast<unsigned>(rng() % 60)),
                              rows + 4 + static_cast<unsigned>(rng() % 100)),
                           kInt4wMask);
    hw.gemv_slices = max_s;
    // Mostly M <= rows / 4 (a slice plan exists when 2M rows fit an even G), a quarter beyond.
    const int M = 1 + static_cast<int>(rng() % std::max(1u, trial % 4 == 3 ? rows : rows / 4));
    const int K = 1 + static_cast<int>(rng() % 700), N = 1 + static_cast<int>(rng() % 40);
    SCOPED_TRACE("hw " + Describe(hw) + " slices " + std::to_string(max_s) + " shape " +
                 std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) + " trial " +
                 std::to_string(trial));
    FcLayer l = RandomInt4wLayer(M, K, N, 9100 + trial);
    if (trial % 3 == 0) MakePerChannel(&l, trial);
    if (trial % 4 == 0) ApplyActivationSparsity(&l, 0.5, SparsityPattern::kUniform, trial);
    FcLayer as_int8 = l;
    as_int8.prec = contract::kPrecInt8;
    unsigned want_s = 0;
    for (unsigned s = 2; s <= max_s; s *= 2) {
      if ((rows / s) % 2 == 0 && rows / s / 2 >= static_cast<unsigned>(M)) want_s = s;
    }
    for (const FcLayer* layer : {&l, &as_int8}) {
      const Program p = RunInt(hw, *layer, ReferenceOutput(as_int8));
      if (layer == &l && want_s > 0) {
        ++gemv_runs;
        EXPECT_EQ(p.plan, "gemv int4w");
        EXPECT_EQ(std::get<OsParams>(p.params).slices, want_s);
        EXPECT_EQ(p.m_tiles, 1u);
      }
      if (layer == &l && want_s == 0) {
        EXPECT_EQ(p.plan.find("gemv"), std::string::npos);
      }
    }
  }
  RecordProperty("gemv_runs", static_cast<int>(gemv_runs));
  EXPECT_GT(gemv_runs, 40u);
}

// On 16x16 with 4 slices an int4w GEMV runs a quarter of the int4w os plan's K steps: the four
// slices take four packed steps (eight K) at once.
TEST(DriverLowpTest, Int4wGemvQuartersTheSteps) {
  HwParams hw = WithMask(Hw(16, 16, 32, 4096, 4096, 512), kInt4wMask);
  FcLayer l = RandomInt4wLayer(1, 1001, 64, 6);
  FcLayer as_int8 = l;
  as_int8.prec = contract::kPrecInt8;
  uint64_t steps[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    hw.gemv_slices = i == 0 ? 1 : 4;
    const Program p = RunInt(hw, l, ReferenceOutput(as_int8));
    EXPECT_EQ(p.plan, i == 0 ? "os int4w" : "gemv int4w");
    for (const Command& c : p.cmds) {
      if (cmd::Opcode(c.data()) == contract::kOpCompute) steps[i] += cmd::Get(c.data(), "k");
    }
  }
  EXPECT_EQ(steps[0], 4u * 501u);
  EXPECT_EQ(steps[1], 4u * 126u);  // ceil(501 / 4)
}

// ---- FP8 -------------------------------------------------------------------------------------

// A random FP8 code: mostly finite (normals, subnormals, zeros, the extremes), rarely inf/NaN
// when `specials`.
uint8_t RandomCode(std::mt19937_64& rng, fp::Fp8Format f, bool specials) {
  for (;;) {
    const unsigned r = static_cast<unsigned>(rng() % 100);
    uint8_t c = static_cast<uint8_t>(rng());
    if (r < 8) c &= 0x80;                                                // +-0
    if (r >= 8 && r < 16) c &= f == fp::Fp8Format::kE4M3 ? 0x87 : 0x83;  // subnormals
    if (r >= 16 && r < 19) c = (c & 0x80) | (f == fp::Fp8Format::kE4M3 ? 0x7E : 0x7B);  // max
    const bool special = f == fp::Fp8Format::kE4M3 ? (c & 0x7F) == 0x7F : (c & 0x7C) == 0x7C;
    if (!special || (specials && rng() % 8 == 0)) return c;
  }
}

struct FpCase {
  contract::Prec prec;
  contract::OutFmt out;
  bool bias, saturate, specials;
  uint32_t scale;
};

FcLayer RandomFp8Layer(int M, int K, int N, uint64_t seed, const FpCase& c) {
  const fp::Fp8Format f =
      c.prec == contract::kPrecFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  std::mt19937_64 rng(seed);
  FcLayer l;
  l.name = "fp8";
  l.M = M, l.K = K, l.N = N;
  l.prec = c.prec;
  l.out_fmt = c.out;
  l.out_scale = c.scale;
  l.saturate = c.saturate;
  l.input.resize(static_cast<size_t>(M) * K);
  l.weights.resize(static_cast<size_t>(N) * K);
  for (int8_t& x : l.input) x = static_cast<int8_t>(RandomCode(rng, f, c.specials));
  for (int8_t& w : l.weights) w = static_cast<int8_t>(RandomCode(rng, f, c.specials));
  if (c.bias) {
    for (int n = 0; n < N; ++n) {
      // FP32 values around the products' scale, with some -0.0 and +0.0.
      const uint32_t v = fp::Fp32Mul(fp::Fp8ToFp32(RandomCode(rng, f, false), f),
                                     fp::Fp8ToFp32(RandomCode(rng, f, false), f));
      l.bias_fp32.push_back(v);
    }
  }
  return l;
}

// The independent reference: per element, Fp8Dot from the bias (or +0.0) in k order, scale,
// convert. With S K slices: slice i's k = i, i + S, .. from the bias (i = 0) or +0.0, the
// slices' sums added from slice S-1 down.
std::vector<uint32_t> Fp8Reference(const FcLayer& l, unsigned slices = 1) {
  const fp::Fp8Format f =
      l.prec == contract::kPrecFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  std::vector<uint32_t> out;
  for (int m = 0; m < l.M; ++m) {
    for (int n = 0; n < l.N; ++n) {
      uint32_t acc = 0;
      for (unsigned i = slices; i-- > 0;) {
        uint32_t p = i == 0 && !l.bias_fp32.empty() ? l.bias_fp32[n] : 0u;
        for (int k = static_cast<int>(i); k < l.K; k += static_cast<int>(slices)) {
          const uint8_t a = static_cast<uint8_t>(l.input[static_cast<size_t>(m) * l.K + k]);
          const uint8_t w = static_cast<uint8_t>(l.weights[static_cast<size_t>(n) * l.K + k]);
          p = fp::Fp8Dot(p, &a, &w, 1, 1, f);
        }
        acc = i + 1 == slices ? p : fp::Fp32Add(p, acc);
      }
      const uint32_t y = fp::Fp32Mul(acc, l.out_scale);
      switch (l.out_fmt) {
        case contract::kOutBf16:
          out.push_back(fp::Fp32ToBf16(y, l.saturate));
          break;
        case contract::kOutFp8E4M3:
          out.push_back(fp::Fp32ToFp8(y, fp::Fp8Format::kE4M3, l.saturate));
          break;
        case contract::kOutFp8E5M2:
          out.push_back(fp::Fp32ToFp8(y, fp::Fp8Format::kE5M2, l.saturate));
          break;
        default:
          out.push_back(y);
      }
    }
  }
  return out;
}

Program RunFp8(const HwParams& hw, const FcLayer& l, const DriverOptions& opts = {},
               FuncSimResult* result = nullptr) {
  const Program p = BuildFcProgram(hw, l, opts);
  std::vector<uint8_t> dram = p.dram;
  const FuncSimResult r = FuncSim(hw).Run(dram, p.cmd_base, p.cmd_count);
  if (result != nullptr) *result = r;
  EXPECT_TRUE(r.ok()) << r.err_detail << " (" << DescribeCommand(p.cmds[r.err_cmd].data()) << ")";
  if (!r.ok()) return p;
  const std::vector<uint32_t> got = ReadOutputFp(p, dram, l.M, l.N);
  const std::vector<uint32_t> want = Fp8Reference(l, p.slices());
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      ADD_FAILURE() << "first mismatch at (m=" << i / l.N << ", n=" << i % l.N << "): expected 0x"
                    << std::hex << want[i] << ", got 0x" << got[i] << std::dec << " (plan "
                    << p.plan << ")";
      break;
    }
  }
  // Nothing past the output elements changed.
  const uint64_t end = p.out_addr + uint64_t{OutFmtBytes(l.out_fmt)} * l.M * l.N;
  for (uint64_t a = 0; a < dram.size(); ++a) {
    if ((a < p.out_addr || a >= end) && dram[a] != p.dram[a]) {
      ADD_FAILURE() << "byte at 0x" << std::hex << a << " outside the output changed";
      break;
    }
  }
  return p;
}

TEST(DriverLowpTest, Fp8EveryFormatAndOutputMatchesFp8Dot) {
  const uint32_t kOne = 0x3F800000, kQuarter = 0x3E800000, kOdd = 0x3FC90FDB;  // 1, 0.25, pi/2
  uint64_t seed = 9000;
  for (const HwParams& hw : LowpHws()) {
    for (contract::Prec prec : {contract::kPrecFp8E4M3, contract::kPrecFp8E5M2}) {
      for (contract::OutFmt out :
           {contract::kOutFp32, contract::kOutBf16, contract::kOutFp8E4M3, contract::kOutFp8E5M2}) {
        for (const driver_test::Shape& s : kLowpShapes) {
          const FpCase c{prec,
                         out,
                         /*bias=*/seed % 2 == 0,
                         /*saturate=*/seed % 3 == 0,
                         /*specials=*/seed % 5 == 0,
                         seed % 4 == 0   ? kQuarter
                         : seed % 4 == 1 ? kOdd
                                         : kOne};
          SCOPED_TRACE("hw " + Describe(hw) + " prec " + std::to_string(prec) + " out " +
                       std::to_string(out) + " shape " + std::to_string(s.M) + "x" +
                       std::to_string(s.K) + "x" + std::to_string(s.N) + " seed " +
                       std::to_string(seed) + (c.bias ? " bias" : "") +
                       (c.saturate ? " saturate" : ""));
          const Program p = RunFp8(hw, RandomFp8Layer(s.M, s.K, s.N, seed++, c));
          const std::string suffix = prec == contract::kPrecFp8E4M3 ? " fp8_e4m3" : " fp8_e5m2";
          EXPECT_EQ(p.plan, (p.zero_skip() ? "zero-skip" : "os") + suffix);
          for (const Command& cm : p.cmds) {
            if (cmd::Opcode(cm.data()) != contract::kOpCompute) continue;
            EXPECT_EQ(cmd::Get(cm.data(), "prec"), prec);
            EXPECT_FALSE(cmd::Get(cm.data(), "accumulate"));
          }
        }
      }
    }
  }
}

// Long K on small scratchpads: each tile's chunks run back to back (never the acc add), the bias
// loaded first; the sum equals Fp8Dot's, in k order.
// FP8 GEMVs on K-slice hardware (plan "gemv"): random hardware (1..16 rows, 1..12 columns, up
// to 8 slices, small scratchpads, bias slots of 4S words), every format and output, against the
// test's own reference in the slices' sum order (and ref::Fp8Gemm with the same slices). The
// order matters: some outputs differ from the one-accumulator order.
TEST(DriverLowpTest, Fp8GemvTakesKSlicesInTheirSumOrder) {
  std::mt19937_64 rng(9300);
  unsigned gemv_runs = 0, order_differs = 0;
  for (int trial = 0; trial < 100; ++trial) {
    const unsigned rows = 1 + static_cast<unsigned>(rng() % 16), cols = 1 + rng() % 12;
    unsigned max_s = 1;
    while (rows % (2 * max_s) == 0 && max_s < 8) max_s *= 2;
    HwParams hw = WithMask(Hw(rows, cols, 8u << (rng() % 3), 8 + static_cast<unsigned>(rng() % 300),
                              8 * (2 + static_cast<unsigned>(rng() % 60)),
                              rows + 4 + static_cast<unsigned>(rng() % 100)),
                           kFp8Mask);
    hw.gemv_slices = max_s;
    const int M = 1 + static_cast<int>(rng() % std::max(1u, rows / 2));
    const int K = 1 + static_cast<int>(rng() % 600), N = 1 + static_cast<int>(rng() % 40);
    const contract::Prec prec = trial % 2 ? contract::kPrecFp8E5M2 : contract::kPrecFp8E4M3;
    const contract::OutFmt outs[] = {contract::kOutFp32, contract::kOutBf16, contract::kOutFp8E4M3,
                                     contract::kOutFp8E5M2};
    const FpCase c{prec,           outs[trial % 4], /*bias=*/trial % 3 != 0,
                   trial % 5 == 0, trial % 7 == 0,  0x3F800000};
    SCOPED_TRACE("hw " + Describe(hw) + " slices " + std::to_string(max_s) + " shape " +
                 std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) + " trial " +
                 std::to_string(trial));
    const FcLayer l = RandomFp8Layer(M, K, N, 9300 + trial, c);
    const Program p = RunFp8(hw, l);
    const unsigned s = p.slices();
    if (max_s >= 2 && static_cast<unsigned>(M) <= rows / 2) {
      ++gemv_runs;
      EXPECT_EQ(p.plan.substr(0, 5), "gemv ");
      EXPECT_GE(s, 2u);
    }
    if (s > 1) {
      const std::vector<uint32_t> ref = ref::Fp8Gemm(
          reinterpret_cast<const uint8_t*>(l.input.data()),
          reinterpret_cast<const uint8_t*>(l.weights.data()),
          l.bias_fp32.empty() ? nullptr : l.bias_fp32.data(), M, K, N, static_cast<size_t>(K), 1,
          ref::Fp8FormatOf(prec), l.out_fmt, l.out_scale, l.saturate, s);
      EXPECT_EQ(ref, Fp8Reference(l, s));
      if (Fp8Reference(l, s) != Fp8Reference(l)) ++order_differs;
    }
  }
  RecordProperty("gemv_runs", static_cast<int>(gemv_runs));
  RecordProperty("order_differs", static_cast<int>(order_differs));
  EXPECT_GT(gemv_runs, 30u);
  EXPECT_GT(order_differs, 5u);
}

TEST(DriverLowpTest, Fp8LongKChunksStayInThePes) {
  const HwParams hw = WithMask(Hw(8, 8, 8, 24, 20, 20), kFp8Mask);
  const FpCase c{contract::kPrecFp8E4M3, contract::kOutFp32, true, false, false, 0x3F800000};
  const FcLayer l = RandomFp8Layer(19, 517, 21, 31, c);
  const Program p = RunFp8(hw, l);
  // Per tile: one bias_load, then its chunks' COMPUTEs, none clearing, the last draining.
  unsigned bias_loads = 0, drains = 0, clears = 0;
  for (const Command& cm : p.cmds) {
    if (cmd::Opcode(cm.data()) != contract::kOpCompute) continue;
    bias_loads += cmd::Get(cm.data(), "bias_load") != 0;
    drains += cmd::Get(cm.data(), "drain") != 0;
    clears += cmd::Get(cm.data(), "clear") != 0;
  }
  EXPECT_EQ(bias_loads, p.m_tiles * p.n_tiles);
  EXPECT_EQ(drains, p.m_tiles * p.n_tiles);
  EXPECT_EQ(clears, 0u);
}

// Without overlap (a SYNC after every COMPUTE, bias_load included, and STORE) the results are
// the same.
TEST(DriverLowpTest, NoOverlapSameResults) {
  DriverOptions opts;
  opts.overlap = false;
  uint64_t seed = 600;
  for (const HwParams& hw : LowpHws()) {
    SCOPED_TRACE(Describe(hw));
    FcLayer l = RandomInt4wLayer(9, 77, 20, seed++);
    FcLayer as_int8 = l;
    as_int8.prec = contract::kPrecInt8;
    RunInt(hw, l, ReferenceOutput(as_int8), opts);
    const FpCase c{contract::kPrecFp8E5M2, contract::kOutBf16, true, true, false, 0x3F800000};
    RunFp8(hw, RandomFp8Layer(9, 77, 20, seed++, c), opts);
  }
}

// FP8 on zero_skip hardware: one SCAN (fp8: +-0 codes are zero) per m tile and one indexed
// COMPUTE per tile over the whole list (after its bias_load), when K fits one act piece and one
// weight buffer; else the dense os plan.
TEST(DriverLowpTest, Fp8OnTheZeroSkipPlan) {
  const HwParams hw = WithMask(ZeroSkip(Hw(8, 8, 8, 512, 768, 64)), kFp8Mask);
  uint64_t seed = 4000;
  for (const auto& [M, K, N, batched, plan] :
       {std::tuple{1, 200, 40, false, "zero-skip fp8_e5m2"},
        std::tuple{5, 31, 9, false, "zero-skip fp8_e5m2"},
        std::tuple{20, 100, 17, true, "zero-skip fp8_e5m2"},
        std::tuple{3, 300, 9, false, "os fp8_e5m2"}}) {  // K > a weight buffer (250 words)
    for (bool bias : {false, true}) {
      SCOPED_TRACE(std::string(plan) + " " + std::to_string(M) + "x" + std::to_string(K) + "x" +
                   std::to_string(N) + (bias ? " bias" : ""));
      const FpCase c{contract::kPrecFp8E5M2, contract::kOutFp8E4M3, bias, true, false, 0x3F000000};
      FcLayer l = RandomFp8Layer(M, K, N, seed++, c);
      // Whole K columns of +-0 (in every row) and scattered zeros: steps to skip.
      for (int m = 0; m < M; ++m) {
        for (int k = 0; k < K; ++k) {
          int8_t& x = l.input[static_cast<size_t>(m) * K + k];
          if (k % 3 != 0 || (m + k) % 5 == 0) x = static_cast<int8_t>(x & 0x80);
        }
      }
      DriverOptions opts;
      opts.zero_skip_batched = batched;
      FuncSimResult r;
      const Program p = RunFp8(hw, l, opts, &r);
      EXPECT_EQ(p.plan, plan);
      if (p.zero_skip()) {
        EXPECT_GT(r.counters[contract::CounterIndex("skipped_steps")], 0u);
      }
    }
  }
}

TEST(DriverLowpTest, RejectsWhatNoPlanRuns) {
  const FpCase c{contract::kPrecFp8E4M3, contract::kOutFp32, false, false, false, 0x3F800000};
  const FcLayer fp8 = RandomFp8Layer(2, 8, 3, 1, c);
  // A datapath the hardware lacks.
  EXPECT_THROW(BuildFcProgram(Hw(8, 8, 8, 64, 64, 20), fp8), std::invalid_argument);
  EXPECT_THROW(BuildFcProgram(WithMask(Hw(8, 8, 8, 64, 64, 20), kInt4wMask), fp8),
               std::invalid_argument);
  // FP8 on weight-stationary hardware.
  EXPECT_THROW(BuildFcProgram(WithMask(Ws(Hw(8, 8, 8, 64, 64, 20)), kAllMask), fp8),
               std::invalid_argument);
  // An FP8 layer with an int8 output, an int8 layer with an FP output.
  FcLayer bad = fp8;
  bad.out_fmt = contract::kOutInt8;
  EXPECT_THROW(BuildFcProgram(WithMask(Hw(8, 8, 8, 64, 64, 20), kAllMask), bad),
               std::invalid_argument);
  FcLayer i8 = MakeRandomFc(2, 8, 3, 1);
  i8.out_fmt = contract::kOutFp32;
  EXPECT_THROW(BuildFcProgram(WithMask(Hw(8, 8, 8, 64, 64, 20), kAllMask), i8),
               std::invalid_argument);
  // int4w weights outside -8..7.
  FcLayer w4 = MakeRandomFc(2, 8, 3, 1);
  w4.prec = contract::kPrecInt4w;
  w4.weights[0] = 8;
  EXPECT_THROW(BuildFcProgram(WithMask(Hw(8, 8, 8, 64, 64, 20), kAllMask), w4),
               std::invalid_argument);
}

// ---- the model's precision fields ------------------------------------------------------------

TEST(FuncSimLowpTest, PrecisionFieldErrors) {
  const unsigned bad = contract::ErrCodeOf("bad_field"), none = contract::ErrCodeOf("none");
  const HwParams hw = WithMask(Hw(4, 4, 16, 16, 16, 16), kFp8Mask);
  auto compute = [](unsigned prec, bool clear, bool drain, uint16_t k, bool accumulate,
                    bool bias_load) {
    Command c = EncodeCompute(clear, drain, 0, 0, k, 0, 0, accumulate);
    cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "prec"), prec);
    cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "bias_load"), bias_load);
    return c;
  };
  auto store = [](unsigned fmt, uint16_t bytes, bool per_channel) {
    Command c =
        EncodeStore(0, 1, bytes, 0, 64, 0x4000, 0x3F800000, 0, 0, -128, 127, per_channel ? 4 : -1);
    cmd::Set(c, cmd::FieldOf(contract::kOpStore, "out_fmt"), fmt);
    return c;
  };
  test::ExpectErrors(hw, test::Image(),
                     {{"fp8_e4m3", compute(2, true, true, 4, false, false), none},
                      {"fp8_e5m2", compute(3, true, true, 4, false, false), none},
                      {"int4w not built", compute(1, true, true, 4, false, false), bad},
                      {"fp8 accumulate", compute(2, true, true, 4, true, false), bad},
                      {"bias_load", compute(2, false, false, 4, false, true), none},
                      {"bias_load int8", compute(0, false, false, 4, false, true), bad},
                      {"bias_load k 3", compute(2, false, false, 3, false, true), bad},
                      {"bias_load drain", compute(3, false, true, 4, false, true), bad},
                      {"fp32 store", store(1, 16, false), none},
                      {"bf16 store", store(2, 6, false), none},
                      {"fp8 store", store(3, 4, false), none},
                      {"out_fmt 5", store(5, 4, false), bad},
                      {"fp32 row_bytes 6", store(1, 6, false), bad},
                      {"fp32 row_bytes 20", store(1, 20, false), bad},
                      {"fp per_channel", store(1, 4, true), bad}});
  // int4w builds: prec 2 is not built; int8-only builds ignore the prec bits.
  const HwParams w4 = WithMask(Hw(4, 4, 16, 16, 16, 16), kInt4wMask);
  test::ExpectErrors(w4, test::Image(),
                     {{"int4w", compute(1, true, true, 4, true, false), none},
                      {"fp8 not built", compute(2, true, true, 4, false, false), bad},
                      {"bias_load bit ignored", compute(1, true, true, 4, false, true), none},
                      {"out_fmt bits ignored", store(7, 4, false), none}});
  // int8-only builds (today's RTL) ignore the prec bits.
  test::ExpectErrors(Hw(4, 4, 16, 16, 16, 16), test::Image(),
                     {{"prec bits ignored", compute(3, true, true, 4, false, false), none}});
}

// bias_load puts {w3[c], w2[c], w1[c], w0[c]} in every PE of column c; zero activations add
// nothing; the int4w drain sums row pairs.
TEST(FuncSimLowpTest, BiasLoadZeroCodesAndInt4wDrain) {
  const HwParams hw = WithMask(Hw(4, 4, 16, 16, 16, 16), kAllMask);
  test::Image img;
  std::vector<uint8_t> w(4 * 4);
  const uint32_t bias[4] = {0x3F800000, 0xC0000000, 0x80000000, 0x12345678};
  for (unsigned i = 0; i < 4; ++i) {
    for (unsigned c = 0; c < 4; ++c) w[i * 4 + c] = static_cast<uint8_t>(bias[c] >> (8 * i));
  }
  img.Data(0x3000, w);
  img.Data(0x3100, std::vector<uint8_t>(16, 0x80));  // act words: -0.0 everywhere
  img.Add(EncodeLoad(contract::kTargetWeight, 0, 4, 1, 16, 0x3000));
  img.Add(EncodeLoad(contract::kTargetAct, 0, 4, 1, 16, 0x3100));
  Command bl = EncodeCompute(false, false, 0, 0, 4, 0, 0);
  cmd::Set(bl, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecFp8E4M3);
  cmd::Set(bl, cmd::FieldOf(contract::kOpCompute, "bias_load"), 1);
  img.Add(bl);
  Command run = EncodeCompute(false, true, 0, 0, 4, 0, 0);
  cmd::Set(run, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecFp8E4M3);
  img.Add(run);
  FuncSim sim(hw);
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  for (unsigned row = 0; row < 4; ++row) {
    for (unsigned c = 0; c < 4; ++c) {
      EXPECT_EQ(static_cast<uint32_t>(sim.acc_sp()[row * 4 + c]), bias[c]) << row << "," << c;
    }
  }
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 8u);
  EXPECT_EQ(r.counters[contract::CounterIndex("gated")], 16u);

  // int4w: act word 0 = {x0k0, x0k1, x1k0, x1k1} = {1, 2, 3, 4}, weight bytes 0x21 (w k0 = 1,
  // k1 = 2) and 0xF8 (k0 = -8, k1 = -1): acc word j = x[j][0] * w0 + x[j][1] * w1.
  test::Image i4;
  i4.Data(0x3000, {0x21, 0xF8, 0x00, 0x00});
  i4.Data(0x3100, {1, 2, 3, 4});
  i4.Add(EncodeLoad(contract::kTargetWeight, 0, 1, 1, 4, 0x3000));
  i4.Add(EncodeLoad(contract::kTargetAct, 0, 1, 1, 4, 0x3100));
  Command c4 = EncodeCompute(true, true, 0, 0, 1, 0, 8);
  cmd::Set(c4, cmd::FieldOf(contract::kOpCompute, "prec"), contract::kPrecInt4w);
  i4.Add(c4);
  FuncSim sim4(hw);
  const FuncSimResult r4 = i4.Run(sim4);
  ASSERT_TRUE(r4.ok()) << r4.err_detail;
  EXPECT_EQ(sim4.acc_sp()[8 * 4 + 0], 1 * 1 + 2 * 2);
  EXPECT_EQ(sim4.acc_sp()[8 * 4 + 1], 1 * -8 + 2 * -1);
  EXPECT_EQ(sim4.acc_sp()[9 * 4 + 0], 3 * 1 + 4 * 2);
  EXPECT_EQ(sim4.acc_sp()[9 * 4 + 1], 3 * -8 + 4 * -1);
  EXPECT_EQ(sim4.acc_sp()[10 * 4 + 0], 0);  // rows / 2 words drained, word 10 untouched
}

// SCAN fp8 (zero_skip + FP8 builds): a lane is zero when its code is +0 or -0, whatever in_zp.
TEST(FuncSimLowpTest, ScanFp8ListsNonZeroCodes) {
  const HwParams hw = WithMask(ZeroSkip(Hw(4, 4, 16, 16, 16, 16)), kFp8Mask);
  test::Image img;
  img.Data(0x3000, {0x80, 0x00, 0x80, 0x00, 0x00, 0x80, 0x01, 0x00, 0x80, 0x00, 0x00, 0x40});
  img.Add(EncodeLoad(contract::kTargetAct, 0, 3, 1, 12, 0x3000));
  const unsigned at = img.count;
  for (const auto& [fp8, lanes, zp, want] :
       {std::tuple{true, 4, 0, std::vector<uint16_t>{1, 2}},
        std::tuple{true, 3, 5, std::vector<uint16_t>{1}},
        std::tuple{false, 4, 0, std::vector<uint16_t>{0, 1, 2}}}) {
    test::Image run = img;
    run.count = at;
    Command c = EncodeScan(0, 3, static_cast<int8_t>(zp), static_cast<uint8_t>(lanes));
    cmd::Set(c, cmd::FieldOf(contract::kOpScan, "fp8"), fp8);
    run.Add(c);
    FuncSim sim(hw);
    ASSERT_TRUE(run.Run(sim).ok());
    EXPECT_EQ(sim.index_list(), want) << "fp8 " << fp8 << " lanes " << lanes;
  }
}

// ---- int8 programs unchanged -------------------------------------------------------------------

// The hashes of pin::PinHash on the commit before the precision work (9e09940); os16's since
// the K-split plan times its block choices (driver_split.cpp): its per-channel 64x256x64 takes
// 2 x 1 blocks instead of 1 x 2, 15,219 cycles instead of 16,236 on an RTL build of this
// hardware at latency 100; and since the estimate times the command fetch (stop 40), its
// per-tensor 64x256x64 takes the block the estimate times fastest (152 commands): 15,283 cycles
// on that RTL build, 0.6% more than the 15,187 of the formula's (160 commands), for 0.7% fewer
// bytes (the estimate is 1.2% short on this 4-burst DMA).
TEST(DriverLowpTest, Int8ProgramsUnchanged) {
  const struct {
    const char* name;
    uint64_t hash;
  } kPinned[] = {{"os16", 0xc441c8e8ba845cdbull},  {"os12x8", 0x27db25c1d2c692d4ull},
                 {"os4", 0x8fe6996cf30e8da4ull},   {"os8small", 0xa1943f04a56b0227ull},
                 {"big16", 0xf8aa820cf6696120ull}, {"skip16", 0xd3759d772cd73ae9ull},
                 {"s24", 0xefb1485a94a9da93ull},   {"ws16", 0x1e2504a44790bd4dull}};
  const std::vector<pin::PinHw> hws = pin::PinHws();
  ASSERT_EQ(hws.size(), std::size(kPinned));
  for (unsigned h = 0; h < hws.size(); ++h) {
    EXPECT_EQ(hws[h].name, std::string(kPinned[h].name));
    EXPECT_EQ(pin::PinHash(hws[h].hw, h), kPinned[h].hash) << hws[h].name;
    // The same int8 programs on hardware that also has int4w and FP8.
    if (!hws[h].hw.weight_stationary && !hws[h].hw.structured24) {
      EXPECT_EQ(pin::PinHash(WithMask(hws[h].hw, kAllMask), h), kPinned[h].hash) << hws[h].name;
    }
  }
}

}  // namespace
}  // namespace salsa
