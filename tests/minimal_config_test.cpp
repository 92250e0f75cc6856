// Configs that state only the array and the bus (and a feature switch) take the derived defaults
// (config_defaults.h); the tilers must fit a plan on them and on the smallest legal scratchpads,
// for any small shape, bit-exact on the functional model, and read no more than a small multiple
// of the compulsory bytes with the derived sizes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "cli/tb_export_image.h"
#include "driver_test_util.h"
#include "salsa/config.h"
#include "salsa/config_defaults.h"

namespace salsa {
namespace {

using driver_test::RunLayer;

struct Minimal {
  std::string yaml;
  bool zero_skip = false;
};

// Seed -> a config of only rows, cols (1..16), dataflow and data_bits, sometimes zero_skip.
Minimal DrawMinimal(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const unsigned rows = 1 + rng() % 16, cols = 1 + rng() % 16;
  const unsigned bits = 64u << (rng() % 4);
  const bool ws = rng() % 3 == 0;
  Minimal m;
  m.zero_skip = !ws && rng() % 3 == 0;
  m.yaml = "name: m\narray: {rows: " + std::to_string(rows) + ", cols: " + std::to_string(cols) +
           ", dataflow: " + (ws ? "ws" : "os") + "}\naxi: {data_bits: " + std::to_string(bits) +
           "}\n" + (m.zero_skip ? "sparsity: {zero_skip: true}\n" : "");
  return m;
}

// The smallest legal scratchpads of the same config: one bank of 16 words each, acc rows + 3.
std::string Smallest(const Minimal& m, unsigned rows) {
  unsigned acc = 16;
  while (acc < rows + 3) acc *= 2;
  return m.yaml + "sram:\n  act: {banks: 1, depth: 16}\n  weight: {banks: 1, depth: 16}\n" +
         "  acc: {banks: 1, depth: " + std::to_string(acc) + "}\n";
}

// Operand and parameter bytes a layer must read at least once (weights padded to whole tiles).
uint64_t Compulsory(const HwParams& hw, const FcLayer& l) {
  const uint64_t n_pad = (l.N + hw.cols - 1) / hw.cols * uint64_t{hw.cols};
  const uint64_t m_pad = (l.M + hw.rows - 1) / hw.rows * uint64_t{hw.rows};
  return n_pad * l.K + m_pad * l.K + 12 * n_pad;
}

TEST(MinimalConfigTest, DerivedAndSmallestScratchpadsRunEveryShape) {
  for (uint64_t seed = 0; seed < 24; ++seed) {
    const Minimal m = DrawMinimal(seed);
    const Config derived = ParseConfig(m.yaml, "m.yaml");
    EXPECT_TRUE(RooflineNotes(derived).empty()) << m.yaml;
    const HwParams hw = cli::HwParamsOf(derived);
    const HwParams small = cli::HwParamsOf(ParseConfig(Smallest(m, derived.rows), "s.yaml"));
    std::mt19937_64 rng(seed + 1000);
    DriverOptions opts;
    opts.zero_skip = m.zero_skip;
    for (int shape = 0; shape < 4; ++shape) {
      // GEMVs and small batches, K from 1 to past the derived act half (K-split).
      const int M = shape == 0 ? 1 : 1 + static_cast<int>(rng() % 40);
      const int K =
          shape == 3 ? 2049 + static_cast<int>(rng() % 3000) : 1 + static_cast<int>(rng() % 300);
      const int N = 1 + static_cast<int>(rng() % 40);
      FcLayer l = MakeRandomFc(M, K, N, seed * 10 + shape);
      if (m.zero_skip) {
        for (size_t i = 0; i < l.input.size(); i += 2) l.input[i] = l.input_zero_point;
      }
      const std::string what = m.yaml + " shape " + std::to_string(M) + "x" + std::to_string(K) +
                               "x" + std::to_string(N);
      const driver_test::LayerRun run = RunLayer(hw, l, what, opts);
      if (!run.r.ok()) continue;
      // The derived sizes keep a single m tile's operands to a few readings: no pathological
      // schedule (the small scratchpads may re-read, but must still be correct).
      if (M <= static_cast<int>(hw.rows) && !hw.weight_stationary) {
        const uint64_t rd = run.r.counters[contract::CounterIndex("rd_bytes")];
        EXPECT_LE(rd, 2 * Compulsory(hw, l) + 8192) << what << " plan " << run.prog.plan;
      }
      if (shape != 3) RunLayer(small, l, "smallest scratchpads: " + what, opts);
    }
  }
}

// array.gemv_slices when omitted: on when a one-row GEMV could not fill the bus, sized to take
// twice the bus; never on the presets' kind of bus (cols bytes or fewer) or where unsupported.
TEST(MinimalConfigTest, GemvSlicesDerivedFromTheBus) {
  auto slices = [](const std::string& yaml) {
    return ParseConfig("name: m\n" + yaml, "m.yaml").gemv_slices;
  };
  EXPECT_EQ(slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 256}\n"), 4u);
  EXPECT_EQ(slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 512}\n"), 8u);
  EXPECT_EQ(slices("array: {rows: 8, cols: 8}\naxi: {data_bits: 128}\n"), 4u);
  EXPECT_EQ(slices("array: {rows: 12, cols: 5}\naxi: {data_bits: 256}\n"), 4u);   // 4 | 12
  EXPECT_EQ(slices("array: {rows: 3, cols: 2}\naxi: {data_bits: 64}\n"), 1u);     // odd rows
  EXPECT_EQ(slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 128}\n"), 1u);  // = cols
  EXPECT_EQ(slices("array: {rows: 8, cols: 8}\naxi: {data_bits: 64}\n"), 1u);
  EXPECT_EQ(slices("array: {rows: 16, cols: 16, dataflow: ws}\naxi: {data_bits: 256}\n"), 1u);
  // Zero-skip keeps them too (its GEMVs take S entries a step); 2:4 has none.
  EXPECT_EQ(slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 256}\n"
                   "sparsity: {zero_skip: true}\n"),
            4u);
  EXPECT_EQ(slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 256}\n"
                   "sparsity: {structured: \"2:4\"}\n"),
            1u);
  EXPECT_EQ(slices("array: {rows: 16, cols: 16, gemv_slices: 2}\naxi: {data_bits: 256}\n"), 2u);
  // int4w and fp8 keep K slices.
  EXPECT_EQ(
      slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 256}\nprecision: [int8, int4w]\n"), 4u);
  EXPECT_EQ(
      slices("array: {rows: 16, cols: 16}\naxi: {data_bits: 256}\nprecision: [int8, fp8_e4m3]\n"),
      4u);
  EXPECT_EQ(slices("array: {rows: 64, cols: 2}\naxi: {data_bits: 512}\n"
                   "sram: {weight: {banks: 1, depth: 16}}\n"),
            16u);  // 64 wanted; the weight depth caps it
}

}  // namespace
}  // namespace salsa
