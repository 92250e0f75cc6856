// The zero-skip tiler (tb/src/driver_skip.cpp) through the functional model: full output tensors
// against the reference, the zero-skip counters against the data, and the DRAM bytes saved.
#include <gtest/gtest.h>

#include <sstream>

#include "driver_test_util.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace {

using namespace driver_test;

// The preset sparse_16x16: 16x16 os, 128-bit bus, act 2x2048, weight 2x2048, acc 1024 words.
HwParams Sparse16() { return ZeroSkip(Hw(16, 16, 16, 4096, 4096, 1024)); }

struct Layer {
  int M, K, N;
  double zeros;  // fraction of activations at the zero point (< 0: MakeRandomFc's own)
  SparsityPattern pattern;
  bool per_channel;
};

std::string Name(const Layer& c, uint64_t seed) {
  std::ostringstream s;
  s << c.M << "x" << c.K << "x" << c.N << " zeros " << c.zeros << " "
    << SparsityPatternName(c.pattern) << (c.per_channel ? " per-channel" : "") << " seed " << seed;
  return s.str();
}

FcLayer Make(const Layer& c, uint64_t seed) {
  FcLayer l = MakeRandomFc(c.M, c.K, c.N, seed);
  if (c.zeros >= 0) {
    ApplyActivationSparsity(&l, c.zeros, c.pattern, seed);
    ChooseRandomOutputQuant(&l, seed);
  }
  if (c.per_channel) MakePerChannel(&l, seed);
  return l;
}

// What the zero-skip counters must be: per m tile and act piece, the K steps with a non-zero
// activation in a real row (nnz, at least 1: an all-zero piece lists its first step) run once
// per n tile; the others are skipped, with their weights.
struct Expect {
  uint64_t fed = 0, skipped = 0, gated = 0;
};

Expect Expected(const HwParams& hw, const FcLayer& l, const Program& p) {
  Expect x;
  auto zero = [&](uint64_t m, uint64_t k) {
    return m >= static_cast<uint64_t>(l.M) || l.input[m * l.K + k] == l.input_zero_point;
  };
  const unsigned piece = std::get<SkipParams>(p.params).piece;
  for (unsigned mt = 0; mt < p.m_tiles; ++mt) {
    for (unsigned k0 = 0; k0 < static_cast<unsigned>(l.K); k0 += piece) {
      const unsigned k1 = std::min<unsigned>(l.K, k0 + piece);
      std::vector<unsigned> list;
      for (unsigned k = k0; k < k1; ++k) {
        bool nz = false;
        for (unsigned i = 0; i < hw.rows && !nz; ++i) nz = !zero(uint64_t{mt} * hw.rows + i, k);
        if (nz) list.push_back(k);
      }
      if (list.empty()) list.push_back(k0);
      x.fed += list.size() * p.n_tiles;
      x.skipped += (k1 - k0 - list.size()) * p.n_tiles;
      for (unsigned k : list)
        for (unsigned i = 0; i < hw.rows; ++i) x.gated += zero(uint64_t{mt} * hw.rows + i, k);
    }
  }
  x.gated *= p.n_tiles;
  return x;
}

// Zero-skip tiler on hw: correct outputs and counters that match the data.
void CheckSkip(const HwParams& hw, const Layer& c, uint64_t seed) {
  const std::string what = Name(c, seed);
  SCOPED_TRACE(what);
  const FcLayer l = Make(c, seed);
  DriverOptions opts;
  opts.zero_skip_batched = true;  // the zero-skip tiler for batched layers too
  const LayerRun run = RunLayer(hw, l, what, opts);
  ASSERT_TRUE(run.prog.zero_skip());
  if (!run.r.ok()) return;
  const Expect x = Expected(hw, l, run.prog);
  EXPECT_EQ(run.r.counters[contract::CounterIndex("mac_active")], x.fed);
  EXPECT_EQ(run.r.counters[contract::CounterIndex("skipped_steps")], x.skipped);
  EXPECT_EQ(run.r.counters[contract::CounterIndex("skipped_wgt_bytes")], x.skipped * hw.cols);
  EXPECT_EQ(run.r.counters[contract::CounterIndex("gated")], x.gated);
}

const SparsityPattern kUni = SparsityPattern::kUniform, kClu = SparsityPattern::kClustered;

TEST(DriverSkipTest, PlanForSparse16Gemv4096) {
  const HwParams hw = Sparse16();
  const Program p = BuildFcProgram(hw, MakeRandomFc(1, 4096, 4096, 1));
  EXPECT_TRUE(p.zero_skip());
  EXPECT_EQ(p.plan, "zero-skip");
  const SkipParams& sp = std::get<SkipParams>(p.params);
  EXPECT_EQ(sp.group, 16u);      // 16 beats of 16 bytes per K step
  EXPECT_EQ(sp.entries, 85u);    // a third of 4096 words / 16
  EXPECT_EQ(sp.piece, 4096u);    // all of K in the act scratchpad: one SCAN
  EXPECT_EQ(sp.acc_groups, 3u);  // 1024 / (16 * 17)
  unsigned scans = 0, gathers = 0, computes = 0, stores = 0;
  for (const Command& c : p.cmds) {
    const uint32_t w0 = CommandWord(c.data(), 0);
    scans += (w0 & 0xFF) == contract::kOpScan;
    gathers +=
        (w0 & 0xFF) == contract::kOpLoad && (w0 & contract::CmdFlag(contract::kOpLoad, "gather"));
    computes += (w0 & 0xFF) == contract::kOpCompute;
    stores += (w0 & 0xFF) == contract::kOpStore;
  }
  EXPECT_EQ(scans, 1u);
  // 16 groups x ceil(4096 / 85) = 49 chunks, one gather and one group COMPUTE each.
  EXPECT_EQ(gathers, 16u * 49u);
  EXPECT_EQ(computes, 16u * 49u);
  EXPECT_EQ(stores, 256u);
  // DriverOptions::zero_skip = false: the dense tiler on the same hardware.
  DriverOptions dense;
  dense.zero_skip = false;
  EXPECT_FALSE(BuildFcProgram(hw, MakeRandomFc(1, 64, 64, 1), dense).zero_skip());
  // By default batched layers (more than one m tile) run densely; zero_skip_batched forces it.
  EXPECT_FALSE(BuildFcProgram(hw, MakeRandomFc(17, 64, 64, 1)).zero_skip());
  DriverOptions batched;
  batched.zero_skip_batched = true;
  EXPECT_TRUE(BuildFcProgram(hw, MakeRandomFc(17, 64, 64, 1), batched).zero_skip());
}

TEST(DriverSkipTest, Sparse16Shapes) {
  const HwParams hw = Sparse16();
  const Layer layers[] = {
      {1, 1000, 300, 0.5, kUni, false}, {1, 777, 33, 0.9, kUni, false},
      {1, 300, 40, 1.0, kUni, false},   {1, 513, 50, 0.0, kUni, true},
      {3, 777, 100, 0.5, kClu, false},  {40, 300, 70, 0.9, kClu, true},
      {17, 5000, 33, 0.5, kClu, false}, {1, 9000, 40, 0.9, kUni, false},
      {37, 200, 50, 1.0, kUni, false},  {20, 2100, 20, 0.0, kUni, false},
      {5, 4096, 17, -1, kUni, false},   {1, 1, 1, 0.0, kUni, false},
  };
  uint64_t seed = 1000;
  for (const Layer& c : layers) CheckSkip(hw, c, seed++);
}

TEST(DriverSkipTest, SmallOddHardware) {
  // 4x8 array on a 32-byte bus: group rows of G*8 bytes padded to the bus (per-channel G = 5: 40
  // bytes in a 64-byte step); act 64 words: K <= 32 alternates halves, K <= 64 fills it, larger K
  // is split into pieces; small weight and acc scratchpads give short chunks and one acc set.
  const HwParams hws[] = {ZeroSkip(Hw(4, 8, 32, 64, 48, 40)), ZeroSkip(Hw(4, 8, 32, 64, 48, 12)),
                          ZeroSkip(Hw(4, 8, 32, 10, 6, 100)), ZeroSkip(Hw(3, 5, 8, 7, 200, 9))};
  const Layer layers[] = {
      {1, 30, 70, 0.5, kUni, false}, {6, 50, 41, 0.5, kClu, false}, {9, 200, 23, 0.9, kClu, true},
      {1, 333, 90, 0.9, kUni, true}, {13, 77, 9, 1.0, kUni, false}, {4, 64, 8, 0.0, kUni, false},
      {2, 65, 100, 0.5, kUni, true}, {1, 1, 200, 0.5, kUni, false}, {11, 31, 17, -1, kUni, true},
  };
  uint64_t seed = 2000;
  for (const HwParams& hw : hws) {
    for (const Layer& c : layers) CheckSkip(hw, c, seed++);
  }
}

TEST(DriverSkipTest, ManySeeds) {
  const HwParams hw = ZeroSkip(Hw(8, 8, 16, 48, 64, 40));
  const double zeros[] = {0.0, 0.5, 0.9, 1.0};
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const int M = 1 + static_cast<int>(seed * 7 % 23), K = 1 + static_cast<int>(seed * 13 % 97);
    const int N = 1 + static_cast<int>(seed * 5 % 59);
    CheckSkip(hw, {M, K, N, zeros[seed % 4], seed % 3 ? kUni : kClu, seed % 5 == 0}, seed);
  }
}

TEST(DriverSkipTest, NoOverlapAndFallbacks) {
  // Strictly sequential (a SYNC after every COMPUTE and STORE).
  DriverOptions serial;
  serial.overlap = false;
  serial.zero_skip_batched = true;
  const FcLayer l = Make({7, 130, 45, 0.5, kClu, true}, 7);
  const LayerRun run = RunLayer(ZeroSkip(Hw(4, 8, 32, 64, 48, 40)), l, "no overlap", serial);
  EXPECT_TRUE(run.prog.zero_skip());
  // One-word weight scratchpad: no double buffer, the dense tiler runs.
  const HwParams tiny = ZeroSkip(Hw(24, 3, 16, 1, 1, 25));
  const FcLayer t = Make({30, 37, 7, 0.5, kUni, false}, 8);
  EXPECT_FALSE(RunLayer(tiny, t, "tiny").prog.zero_skip());
  // K past a one-word act scratchpad cannot be split in halves.
  EXPECT_FALSE(
      RunLayer(ZeroSkip(Hw(4, 4, 16, 1, 16, 16)), Make({3, 9, 5, 0.5, kUni, false}, 9), "act 1")
          .prog.zero_skip());
}

uint64_t ReadBytes(const HwParams& hw, const FcLayer& l, bool zero_skip) {
  DriverOptions o;
  o.zero_skip = zero_skip;
  const Program p = BuildFcProgram(hw, l, o);
  EXPECT_EQ(p.zero_skip(), zero_skip);
  std::vector<uint8_t> dram = p.dram;
  const FuncSimResult r = FuncSim(hw).Run(dram, p.cmd_base, p.cmd_count);
  EXPECT_TRUE(r.ok()) << r.err_detail;
  EXPECT_EQ(ReadOutput(p, dram, l.M, l.N), ReferenceOutput(l));
  return r.counters[contract::CounterIndex("rd_bytes")];
}

TEST(DriverSkipTest, DramReadsDropWithDensity) {
  const HwParams hw = Sparse16();
  const uint64_t weights = 1024 * 1024;
  const uint64_t dense = ReadBytes(hw, Make({1, 1024, 1024, 0.0, kUni, false}, 5), false);
  EXPECT_LT(dense, weights * 21 / 20);
  struct Point {
    double zeros, max_ratio;
  };
  for (const Point& pt : {Point{0.0, 1.03}, Point{0.5, 0.6}, Point{0.9, 0.2}, Point{1.0, 0.05}}) {
    const FcLayer l = Make({1, 1024, 1024, pt.zeros, kUni, false}, 5);
    const uint64_t skip = ReadBytes(hw, l, true);
    EXPECT_LE(static_cast<double>(skip), pt.max_ratio * static_cast<double>(dense))
        << "zeros " << pt.zeros << ": " << skip << " bytes, dense tiler " << dense;
  }
}

HwParams Sliced(HwParams hw, unsigned slices) {
  hw.gemv_slices = slices;
  return ZeroSkip(hw);
}

// K slices with zero-skip: the SCAN packs the listed lanes, gathers write the sliced layout and a
// group COMPUTE takes S entries a step. Outputs against the reference on hardware whose LOADs
// write 1, 2 and 4 words a cycle, M up to G = rows / S (and batched m tiles of G rows), chunks
// cut short by small weight and act scratchpads.
TEST(DriverSkipTest, KSlicesTakeSEntriesAStep) {
  struct Case {
    HwParams hw;
    unsigned g;  // rows / S
  };
  const Case hws[] = {
      {Sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4), 4},  // 2 words a LOAD cycle
      {Sliced(Hw(8, 8, 8, 512, 512, 200), 8), 1},        // 1 word a cycle, G = 1
      {Sliced(Hw(12, 4, 16, 90, 120, 100), 4), 3},       // 4 words a cycle, G = 3
      {Sliced(Hw(4, 8, 32, 64, 48, 40), 2), 2},          // small scratchpads: short pieces
  };
  uint64_t seed = 5000;
  for (const Case& c : hws) {
    SCOPED_TRACE(Describe(c.hw));
    const Layer layers[] = {
        {1, 1000, 300, 0.5, kUni, false},
        {static_cast<int>(c.g), 777, 33, 0.9, kClu, true},
        {1, 300, 40, 1.0, kUni, false},
        {1, 513, 50, 0.0, kUni, true},
        {static_cast<int>(c.g + 1), 201, 70, 0.5, kUni, false},  // batched: two m tiles
        {1, 1, 1, 0.0, kUni, false},
        {1, 65, 100, -1, kUni, false},
    };
    for (const Layer& lc : layers) {
      const FcLayer l = Make(lc, seed);
      const std::string what = Name(lc, seed++);
      SCOPED_TRACE(what);
      DriverOptions opts;
      opts.zero_skip_batched = true;
      const LayerRun run = RunLayer(c.hw, l, what, opts);
      ASSERT_TRUE(run.prog.zero_skip());
      EXPECT_EQ(run.prog.slices(), c.hw.gemv_slices);
    }
  }
}

// With K slices a tile's acc region is the G = rows / S words it drains (tile t of a group at
// region + t * G), so the acc scratchpad holds S times as many sets as with rows-word regions and
// a piece's SCAN serves that many more groups: GEMV 1x4096x4096 on 16x16, 4 slices, 1024 acc words.
TEST(DriverSkipTest, KSlicesRegionsAreGWords) {
  const HwParams hw = Sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4);
  const Program p = BuildFcProgram(hw, MakeRandomFc(1, 4096, 4096, 1));
  ASSERT_EQ(p.plan, "zero-skip");
  ASSERT_EQ(p.slices(), 4u);
  const SkipParams& sp = std::get<SkipParams>(p.params);
  const unsigned g = 16 / 4, groups = (256 + sp.group - 1) / sp.group;
  // A set: the group's bias words and its regions of G words.
  EXPECT_EQ(sp.acc_groups, std::min(1024 / (sp.group * (g + 1)), groups + 1));
  unsigned scans = 0;
  std::vector<int64_t> store_acc;
  for (const Command& c : p.cmds) {
    const unsigned op = CommandWord(c.data(), 0) & 0xFF;
    scans += op == contract::kOpScan;
    if (op == contract::kOpStore) store_acc.push_back(cmd::Get(c.data(), "acc_addr"));
  }
  const unsigned pieces = (4096 + sp.piece - 1) / sp.piece;
  const unsigned passes = (groups + sp.acc_groups - 1) / sp.acc_groups;
  EXPECT_EQ(scans, pieces * passes);
  EXPECT_LT(scans, 3 * pieces) << "fewer passes than with rows-word regions";
  // The first group's STOREs read its tiles' regions, G words apart.
  ASSERT_GE(store_acc.size(), sp.group);
  for (unsigned t = 1; t < sp.group; ++t) EXPECT_EQ(store_acc[t] - store_acc[t - 1], g) << t;
}

// The list saves what it skips on the sliced plan too: at 50% zeros about half the dense K-slice
// plan's DRAM bytes (1x1024x1024 on 16x16, 4 slices, 32-byte bus).
TEST(DriverSkipTest, KSlicesReadHalfAtHalfZeros) {
  const HwParams hw = Sliced(Hw(16, 16, 32, 4096, 4096, 1024), 4);
  const uint64_t dense = ReadBytes(hw, Make({1, 1024, 1024, 0.0, kUni, false}, 5), false);
  const uint64_t half = ReadBytes(hw, Make({1, 1024, 1024, 0.5, kUni, false}, 5), true);
  EXPECT_LT(static_cast<double>(half), 0.55 * static_cast<double>(dense))
      << half << " bytes, dense " << dense;
}

}  // namespace
}  // namespace salsa
