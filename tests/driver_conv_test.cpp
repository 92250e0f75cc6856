// The on-chip im2col plans ("ws im2col", driver_conv.cpp; "os im2col", driver_conv_os.cpp):
// random conv2d geometries (strides, dilations, padding, channels that do not fill an act word,
// batches) on random small hardware, run on the functional model against the GEMM reference of
// the software im2col.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "driver_test_util.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_ref.h"
#include "salsa/plan_estimate.h"

namespace salsa {
namespace {

using namespace driver_test;

struct ConvCase {
  int B, H, W, C, O, KH, KW, sy, sx, dy, dx;
  bool same;
};

// A conv2d as the lowering makes it: the GEMM of its im2col rows (this test's own im2col, with
// the zero point as padding) and the conv shape with the NHWC input.
FcLayer MakeConv(const ConvCase& c, uint64_t seed) {
  const auto out = [](bool same, int in, int k, int s, int d, int* pad) {
    const int ek = (k - 1) * d + 1;
    if (!same) {
      *pad = 0;
      return (in - ek) / s + 1;
    }
    const int o = (in + s - 1) / s;
    *pad = std::max(0, ((o - 1) * s + ek - in)) / 2;
    return o;
  };
  auto shape = std::make_shared<ConvShape>();
  ConvShape& g = *shape;
  g.batch = c.B, g.in_h = c.H, g.in_w = c.W, g.in_c = c.C, g.k_h = c.KH, g.k_w = c.KW;
  g.stride_h = c.sy, g.stride_w = c.sx, g.dilation_h = c.dy, g.dilation_w = c.dx;
  g.out_h = out(c.same, c.H, c.KH, c.sy, c.dy, &g.pad_top);
  g.out_w = out(c.same, c.W, c.KW, c.sx, c.dx, &g.pad_left);
  const int M = c.B * g.out_h * g.out_w, K = c.KH * c.KW * c.C;
  FcLayer l = MakeRandomFc(M, K, c.O, seed);
  std::mt19937_64 rng(seed ^ 0x5eed);
  g.input.resize(static_cast<size_t>(c.B) * c.H * c.W * c.C);
  for (int8_t& v : g.input) v = static_cast<int8_t>(rng() % 256);
  // Some post-ReLU-like zeros, so that gating is exercised.
  for (size_t i = 0; i < g.input.size(); i += 3)
    g.input[i] = static_cast<int8_t>(l.input_zero_point);
  size_t i = 0;
  for (int b = 0; b < c.B; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        for (int ky = 0; ky < c.KH; ++ky) {
          for (int kx = 0; kx < c.KW; ++kx) {
            const int y = oy * c.sy - g.pad_top + ky * c.dy, x = ox * c.sx - g.pad_left + kx * c.dx;
            for (int ch = 0; ch < c.C; ++ch) {
              const bool in = y >= 0 && y < c.H && x >= 0 && x < c.W;
              l.input[i++] = in ? g.input[((static_cast<size_t>(b) * c.H + y) * c.W + x) * c.C + ch]
                                : static_cast<int8_t>(l.input_zero_point);
            }
          }
        }
      }
    }
  }
  l.conv = std::move(shape);
  return l;
}

// 16x16 with the default preset's scratchpads and its 16 bursts in flight.
HwParams DefaultLike() {
  HwParams hw = Hw(16, 16, 16, 4096, 4096, 512);
  hw.max_outstanding = 16;
  return hw;
}

std::string Name(const ConvCase& c) {
  std::ostringstream s;
  s << c.B << "x" << c.H << "x" << c.W << "x" << c.C << "->" << c.O << " k" << c.KH << "x" << c.KW
    << " s" << c.sy << "x" << c.sx << " d" << c.dy << "x" << c.dx << (c.same ? " SAME" : " VALID");
  return s.str();
}

// The layer with `--im2col always` (the on-chip plan whenever its buffers fit), run by the model
// against the reference in full.
// 8x8 on 64 bits with 16 bursts in flight and small_8x8's 4,096 act words and 256 acc words.
HwParams Small8(unsigned weight_words) {
  HwParams hw = Hw(8, 8, 8, 4096, weight_words, 256);
  hw.max_outstanding = 16;
  return hw;
}

// The scratchpad words a program's LOADs into `target` write.
uint64_t LoadedWords(const Program& p, unsigned target) {
  uint64_t words = 0;
  for (const Command& c : p.cmds) {
    if (cmd::Opcode(c.data()) == contract::kOpLoad && cmd::GetOr(c.data(), "target") == target) {
      words += static_cast<uint64_t>(cmd::GetOr(c.data(), "rows")) *
               static_cast<uint64_t>(cmd::GetOr(c.data(), "words_per_row"));
    }
  }
  return words;
}

LayerRun RunAlways(const HwParams& hw, const FcLayer& l, const std::string& what) {
  DriverOptions always;
  always.im2col_always = true;
  return RunLayer(hw, l, what, always);
}

// A random conv geometry: batch 1-2, 1..h x 1..w pixels, 1..c channels, 1..20 outputs, 1..k x
// 1..k taps, the strides `stride` draws, dilations 1-2, SAME or VALID (SAME where VALID would
// leave no output).
template <class Strides>
ConvCase RandomConv(std::mt19937_64& rng, unsigned h, unsigned w, unsigned c, unsigned k,
                    Strides stride) {
  ConvCase r{};
  r.B = 1 + (rng() % 4 == 0);
  r.H = 1 + static_cast<int>(rng() % h);
  r.W = 1 + static_cast<int>(rng() % w);
  r.C = 1 + static_cast<int>(rng() % c);
  r.O = 1 + static_cast<int>(rng() % 20);
  r.KH = 1 + static_cast<int>(rng() % k);
  r.KW = 1 + static_cast<int>(rng() % k);
  stride(&r.sy, &r.sx);
  r.dy = 1 + (rng() % 4 == 0);
  r.dx = 1 + (rng() % 4 == 0);
  r.same = rng() % 2;
  if (!r.same && ((r.KH - 1) * r.dy + 1 > r.H || (r.KW - 1) * r.dx + 1 > r.W)) r.same = true;
  return r;
}

TEST(DriverConvTest, NvSmallConvRunsOnChipAndReadsItsInputOnce) {
  // 8x8 ws, 32 KB act, 32 KB weights, 4 KB+ acc: the 16x8x128 -> 32 3x3 SAME conv.
  const HwParams hw = Ws(Hw(8, 8, 8, 4096, 4096, 600));
  const FcLayer l = MakeConv({1, 16, 8, 128, 32, 3, 3, 1, 1, 1, 1, true}, 5);
  const LayerRun run = RunLayer(hw, l, "nv_small conv");
  EXPECT_EQ(run.prog.plan, "ws im2col");
  const ConvPlanParams& cp = std::get<ConvPlanParams>(run.prog.params);
  EXPECT_TRUE(cp.image_resident);
  EXPECT_EQ(cp.cb, 16u);
  // DRAM reads: the input once, every weight once, the parameters; not the 9x im2col rows.
  const uint64_t input = 16 * 8 * 128, weights = 32 * 9 * 128;
  EXPECT_LE(run.r.counters[contract::CounterIndex("rd_bytes")], (input + weights) * 11 / 10);
  // Every (n tile, tap, channel block) streamed each output pixel once.
  EXPECT_EQ(run.r.counters[contract::CounterIndex("mac_active")], uint64_t{4} * 9 * 16 * 128);
}

TEST(DriverConvTest, RandomGeometriesOnRandomHardware) {
  std::mt19937_64 rng(2026);
  unsigned on_chip = 0, forced = 0, runs = 0;
  for (int n = 0; n < 60; ++n) {
    const unsigned rows = 1u << (rng() % 4), cols = 1 + rng() % 9;
    const unsigned act = 64 + rng() % 2048, wgt = std::max<unsigned>(2 * rows, 32 + rng() % 1024);
    const HwParams hw = Ws(Hw(rows, cols, 4u << (rng() % 3), act, wgt, 40 + rng() % 600));
    const ConvCase c = RandomConv(rng, 14, 14, 40, 4, [&](int* sy, int* sx) {
      *sy = 1 + rng() % 3;
      *sx = 1 + rng() % 3;
    });
    const uint64_t seed = 900 + n;
    const FcLayer l = MakeConv(c, seed);
    SCOPED_TRACE(Name(c) + " on " + Describe(hw) + ", seed " + std::to_string(seed));
    const LayerRun run = RunLayer(hw, l, "conv");
    on_chip += run.prog.plan == "ws im2col";
    ++runs;
    // The plan whenever it fits, also where the estimate prefers the GEMM plans.
    forced += RunAlways(hw, l, "im2col always").prog.plan == "ws im2col";
    // The same layer with the im2col in software agrees (both equal the reference).
    DriverOptions off;
    off.im2col = false;
    EXPECT_NE(RunLayer(hw, l, "im2col off", off).prog.plan, "ws im2col");
  }
  EXPECT_GE(on_chip, runs / 3) << "the im2col plan ran " << on_chip << " of " << runs;
  EXPECT_GE(forced, runs * 3 / 4) << "forced, the im2col plan ran " << forced << " of " << runs;
}

// Depthwise convs (multipliers 1-3) through LowerLayerFor: one block-diagonal GEMM on the plan
// where it runs (ws: "ws im2col"; os: "os im2col", each n tile walking only its output channels'
// input channels), against the layer's direct reference. Half on ws and half on os hardware.
TEST(DriverConvTest, DepthwiseRunsAsOneBlockDiagonalConv) {
  std::mt19937_64 rng(77);
  unsigned on_chip = 0, on_chip_os = 0;
  for (int n = 0; n < 48; ++n) {
    const bool os = n % 2 == 1;
    const unsigned rows = os ? 1 + rng() % 16 : 1u << (rng() % 4), cols = 1 + rng() % 9;
    const HwParams hw0 = Hw(rows, cols, 8, 256 + rng() % 2048,
                            std::max<unsigned>(2 * rows, 64 + rng() % 512), 60 + rng() % 400);
    const HwParams hw = os ? hw0 : Ws(hw0);
    LayerSpec spec;
    spec.op = LayerOp::kDepthwiseConv2d;
    spec.name = "dw";
    const int64_t B = 1 + rng() % 2, H = 2 + rng() % 10, W = 2 + rng() % 10, C = 1 + rng() % 20;
    const int64_t K = 1 + rng() % 3, m = 1 + rng() % 3;
    spec.conv.stride_h = 1 + rng() % 2;
    spec.conv.stride_w = 1 + rng() % 2;
    spec.conv.padding = rng() % 2 ? Padding::kSame : Padding::kValid;
    if (K > H || K > W) spec.conv.padding = Padding::kSame;
    spec.input.shape = {B, H, W, C};
    spec.weights.shape = {1, K, K, C * m};
    spec.depth_multiplier = static_cast<int>(m);
    for (int64_t i = 0; i < B * H * W * C; ++i)
      spec.input.data.push_back(static_cast<int8_t>(rng()));
    for (int64_t i = 0; i < K * K * C * m; ++i) {
      spec.weights.data.push_back(static_cast<int8_t>(rng()));
    }
    spec.quant.input_zero_point = static_cast<int32_t>(rng() % 7) - 3;
    spec.quant.output_multiplier = {1500000000};
    spec.quant.output_shift = {-8};
    spec.output_shape = LayerOutputShape(spec);
    DriverOptions always;
    always.im2col_always = true;
    const std::vector<LoweredGemm> gemms = LowerLayerFor(spec, hw, always);
    SCOPED_TRACE("dw " + std::to_string(B) + "x" + std::to_string(H) + "x" + std::to_string(W) +
                 "x" + std::to_string(C) + " k" + std::to_string(K) + " m" + std::to_string(m) +
                 " on " + Describe(hw));
    std::vector<std::vector<int8_t>> outs;
    for (const LoweredGemm& g : gemms) {
      const LayerRun run = RunLayer(hw, g.fc, "dw gemm", always);
      on_chip += run.prog.plan == "ws im2col";
      on_chip_os += run.prog.plan == "os im2col";
      std::vector<uint8_t> dram = run.prog.dram;
      FuncSim(hw).Run(dram, run.prog.cmd_base, run.prog.cmd_count);
      outs.push_back(ReadOutput(run.prog, dram, g.fc.M, g.fc.N));
    }
    EXPECT_EQ(
        AssembleOutput(gemms, outs, static_cast<int64_t>(ref::LayerReference(spec).data.size())),
        ref::LayerReference(spec).data);
  }
  EXPECT_GE(on_chip, 16u);
  EXPECT_GE(on_chip_os, 16u);
}

// A MobileNet depthwise layer (56x56x64, 3x3, stride 1, SAME, multiplier 1) on 16x16 with the
// default preset's scratchpads: LowerLayerFor makes it one block-diagonal GEMM on "os im2col"
// (each n tile walks its 16 channels' planes), which reads the input about once (1.44x with the
// bands' halo rows), against the 64 per-channel GEMMs' im2col rows (15x).
TEST(DriverConvTest, OsDepthwiseReadsItsInputAboutOnce) {
  const HwParams hw = DefaultLike();
  std::mt19937_64 rng(5);
  LayerSpec spec;
  spec.op = LayerOp::kDepthwiseConv2d;
  spec.name = "mobilenet_dw";
  spec.conv.stride_h = spec.conv.stride_w = 1;
  spec.conv.padding = Padding::kSame;
  spec.input.shape = {1, 56, 56, 64};
  spec.weights.shape = {1, 3, 3, 64};
  spec.depth_multiplier = 1;
  for (int i = 0; i < 56 * 56 * 64; ++i) spec.input.data.push_back(static_cast<int8_t>(rng()));
  for (int i = 0; i < 9 * 64; ++i) spec.weights.data.push_back(static_cast<int8_t>(rng()));
  spec.quant.input_zero_point = -1;
  spec.quant.output_multiplier = {1200000000};
  spec.quant.output_shift = {-7};
  spec.output_shape = LayerOutputShape(spec);
  uint64_t rd[2] = {0, 0};
  for (int im2col = 1; im2col >= 0; --im2col) {
    DriverOptions opts;
    opts.im2col = im2col == 1;
    const std::vector<LoweredGemm> gemms = LowerLayerFor(spec, hw, opts);
    EXPECT_EQ(gemms.size(), im2col ? 1u : 64u);
    std::vector<std::vector<int8_t>> outs;
    for (const LoweredGemm& g : gemms) {
      const LayerRun run = RunLayer(hw, g.fc, "dw gemm", opts);
      if (im2col) {
        EXPECT_EQ(run.prog.plan, "os im2col");
      }
      rd[im2col] += run.r.counters[contract::CounterIndex("rd_bytes")];
      std::vector<uint8_t> dram = run.prog.dram;
      FuncSim(hw).Run(dram, run.prog.cmd_base, run.prog.cmd_count);
      outs.push_back(ReadOutput(run.prog, dram, g.fc.M, g.fc.N));
    }
    EXPECT_EQ(AssembleOutput(gemms, outs, 56 * 56 * 64), ref::LayerReference(spec).data);
  }
  const uint64_t input = 56 * 56 * 64;
  // The halo: double-buffered bands of 4 output rows (the best BandScore; bands of 7 move 10%
  // fewer bytes and take 5% more cycles) read 6 input rows each, 1.5x the input, plus the
  // commands and weights.
  EXPECT_LE(rd[1], input * 17 / 10) << "per-channel GEMMs: " << rd[0];
  EXPECT_GE(rd[0], input * 8);
  RecordProperty("rd_bytes_os_im2col", static_cast<int>(rd[1]));
  RecordProperty("rd_bytes_per_channel", static_cast<int>(rd[0]));
}

// os hardware with 2:4 has no conv COMPUTE: the software im2col.
TEST(DriverConvTest, StructuredOsHardwareKeepsTheSoftwareIm2col) {
  const FcLayer l = MakeConv({1, 6, 6, 16, 8, 3, 3, 1, 1, 1, 1, true}, 3);
  const std::string st = RunLayer(Structured24(Hw(8, 8, 8, 4096, 4096, 600)), l, "2:4").prog.plan;
  EXPECT_EQ(st.find("im2col"), std::string::npos) << st;
}

// Random convs (RandomConv's geometry, `stride` drawing the strides) on random os hardware
// (1-20 rows, not only powers of two: the byte walk carries at rows; 1-12 columns; small
// scratchpads; some with zero-skip or K slices, whose builds have the conv COMPUTE too), each
// with the plan by its estimate, forced and off, against the reference in full.
struct OsConvCounts {
  unsigned runs = 0, on_chip = 0, forced = 0, masked = 0, one_phase = 0;
};
template <class Strides>
OsConvCounts RunRandomOsConvs(uint64_t rng_seed, int count, uint64_t layer_seed, unsigned h,
                              unsigned w, unsigned c_max, unsigned k, Strides stride) {
  std::mt19937_64 rng(rng_seed);
  OsConvCounts n;
  for (int i = 0; i < count; ++i) {
    const unsigned rows = 1 + rng() % 20, cols = 1 + rng() % 12;
    const unsigned act = 2 * (64 + rng() % 2048), wgt = std::max<unsigned>(8, 32 + rng() % 1500);
    HwParams hw = Hw(rows, cols, 4u << (rng() % 3), act, wgt, rows + 3 + rng() % 600);
    if (rng() % 5 == 0) hw = ZeroSkip(hw);
    if (rng() % 5 == 0 && rows % 2 == 0 && !hw.zero_skip) hw.gemv_slices = 2;
    const ConvCase c =
        RandomConv(rng, h, w, c_max, k, [&](int* sy, int* sx) { stride(rng, sy, sx); });
    const uint64_t seed = layer_seed + static_cast<uint64_t>(i);
    const FcLayer l = MakeConv(c, seed);
    SCOPED_TRACE(Name(c) + " on " + Describe(hw) + ", seed " + std::to_string(seed));
    n.on_chip += RunLayer(hw, l, "conv").prog.plan == "os im2col";
    ++n.runs;
    const LayerRun f = RunAlways(hw, l, "im2col always");
    if (f.prog.plan == "os im2col") {
      ++n.forced;
      n.masked += std::get<OsConvPlanParams>(f.prog.params).xmask;
      n.one_phase += c.KH == 1 && c.KW == 1 && (c.sy > 1 || c.sx > 1);
    }
    DriverOptions off;
    off.im2col = false;
    EXPECT_NE(RunLayer(hw, l, "im2col off", off).prog.plan, "os im2col");
  }
  return n;
}

// The output-stationary im2col plan ("os im2col", driver_conv_os.cpp): stride-1 and (a sixth)
// strided convs; masked lanes and zero-point columns.
TEST(DriverConvTest, OsRandomGeometriesOnRandomHardware) {
  const OsConvCounts n =
      RunRandomOsConvs(4242, 160, 7000, 16, 30, 24, 4, [](std::mt19937_64& rng, int* sy, int* sx) {
        *sy = rng() % 6 == 0 ? 2 : 1;
        *sx = rng() % 6 == 0 ? 2 : 1;
      });
  EXPECT_GE(n.on_chip, n.runs / 3) << "the os im2col plan ran " << n.on_chip << " of " << n.runs;
  EXPECT_GE(n.forced, n.runs / 2) << "forced, it ran " << n.forced << " of " << n.runs;
  EXPECT_GE(n.masked, n.forced / 4) << "masked lanes in " << n.masked << " of " << n.forced;
  EXPECT_LT(n.masked, n.forced) << "zero-point columns never ran";
}

// Strided convs on the os plan, in stride phases (strides 2 and 3, dilation 1-2, SAME and VALID,
// kernels 1-5, batch 1-2, widths 1-40). Both masked lanes and zero-point columns run, and
// phases without a tap (a strided 1x1 kernel reads one phase) are left out.
TEST(DriverConvTest, OsStridedConvsRunInPhases) {
  const OsConvCounts n =
      RunRandomOsConvs(4343, 120, 8000, 24, 40, 20, 5, [](std::mt19937_64& rng, int* sy, int* sx) {
        *sy = 1 + static_cast<int>(rng() % 3);
        *sx = *sy == 1 ? 2 + static_cast<int>(rng() % 2) : 1 + static_cast<int>(rng() % 3);
      });
  EXPECT_GE(n.forced, n.runs / 2) << "forced, it ran " << n.forced << " of " << n.runs;
  EXPECT_GE(n.masked, n.forced / 8) << "masked lanes in " << n.masked << " of " << n.forced;
  EXPECT_LT(n.masked, n.forced) << "zero-point columns never ran";
  EXPECT_GT(n.one_phase, 0u) << "no strided 1x1 conv ran";
}

// A stride-2 3x3 SAME conv (56x56x32 -> 28x28x64, a ResNet-style downsampling layer) on 16x16
// with the default preset's scratchpads, forced onto the plan, runs in four phases and reads its
// input about once: at most 1.35x the input and weights (each band rereads one halo row of each
// phase), and less than 0.7x what the software im2col GEMM reads (its 784 x 288 rows, 2.25x the
// input). The tiler keeps the GEMM here (58,680 cycles on default's RTL against 63,615): the
// phases take a COMPUTE per tile each, and the layer is compute-bound.
TEST(DriverConvTest, OsStridedConvReadsItsInputAboutOnce) {
  const HwParams hw = DefaultLike();
  const ConvCase c{1, 56, 56, 32, 64, 3, 3, 2, 2, 1, 1, true};
  const FcLayer l = MakeConv(c, 12);
  EXPECT_EQ(BuildFcProgram(hw, l).plan, "os");
  const LayerRun run = RunAlways(hw, l, Name(c));
  ASSERT_EQ(run.prog.plan, "os im2col");
  const uint64_t input = 56 * 56 * 32, weights = 64 * 9 * 32, out = 28 * 28 * 64;
  const uint64_t cmd_bytes = uint64_t{run.prog.cmd_count} * contract::kCmdBytes;
  const uint64_t rd = run.r.counters[contract::CounterIndex("rd_bytes")];
  EXPECT_LE(rd, (input + weights) * 135 / 100 + cmd_bytes);
  DriverOptions off;
  off.im2col = false;
  const LayerRun gemm = RunLayer(hw, l, Name(c) + " as a GEMM", off);
  const uint64_t gemm_rd = gemm.r.counters[contract::CounterIndex("rd_bytes")];
  EXPECT_LT(rd, gemm_rd * 7 / 10);
  RecordProperty("gemm_rd_bytes", static_cast<int>(gemm_rd));
  EXPECT_LE(run.r.counters[contract::CounterIndex("wr_bytes")], out);
  RecordProperty("rd_bytes", static_cast<int>(rd));
}

// 16x16 with the default preset's scratchpads: a 3x3 SAME conv on the plan reads its input about
// once. (The tiler takes it here too: 31,023 cycles on default's RTL against the GEMM's 30,358,
// within the estimate's 2%, for 8x fewer bytes; below.)
TEST(DriverConvTest, OsConvReadsItsInputAboutOnce) {
  const HwParams hw = DefaultLike();
  const FcLayer l = MakeConv({1, 28, 28, 32, 32, 3, 3, 1, 1, 1, 1, true}, 11);
  const LayerRun run = RunAlways(hw, l, "28x28x32 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const uint64_t input = 28 * 28 * 32, weights = 32 * 9 * 32, out = 28 * 28 * 32;
  // The input (two bands: their halo rows twice) and weights once, the parameters and the
  // commands (two per tile and n tile).
  EXPECT_LE(run.r.counters[contract::CounterIndex("rd_bytes")],
            (input + weights) * 11 / 10 + run.prog.cmd_count * contract::kCmdBytes);
  EXPECT_LE(run.prog.cmd_count, 49u * 2 * 2 + 16);
  EXPECT_LE(run.r.counters[contract::CounterIndex("wr_bytes")], out);
  // 49 tiles of 16 pixels x 2 n tiles x 288 steps.
  EXPECT_EQ(run.r.counters[contract::CounterIndex("mac_active")], uint64_t{49} * 2 * 288);
}

// 8x8 with 32 KB scratchpads (small_8x8's until it got 64 KB of weights, pipelined_8x8's): a
// 64 -> 64 3x3 conv's weights (36 KB) do not all fit, so the first five n tiles' stay (5 x 576
// words) and the other three stream per band through two halves of the 1,216 words left: the
// weight LOADs move 5 + 3 x bands n tiles' weights, not 8 x bands. Bit-exact, on every band
// height the tiler may take.
TEST(DriverConvTest, OsConvKeepsTheWeightsThatFit) {
  const HwParams hw = Hw(8, 8, 8, 4096, 4096, 256);
  const FcLayer l = MakeConv({1, 24, 20, 64, 64, 3, 3, 1, 1, 1, 1, true}, 21);
  const LayerRun run = RunAlways(hw, l, "24x20x64 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const OsConvPlanParams& cp = std::get<OsConvPlanParams>(run.prog.params);
  EXPECT_FALSE(cp.weights_resident);
  EXPECT_EQ(cp.resident_nt, 5u);
  EXPECT_EQ(cp.chunks, 1u);
  uint64_t weight_bytes = 0;
  for (const Command& c : run.prog.cmds) {
    if (cmd::Opcode(c.data()) == contract::kOpLoad &&
        cmd::GetOr(c.data(), "target") == contract::kTargetWeight) {
      weight_bytes += static_cast<uint64_t>(cmd::GetOr(c.data(), "rows")) *
                      static_cast<uint64_t>(cmd::GetOr(c.data(), "words_per_row")) * hw.cols;
      // Streamed n tiles land past the resident ones' 2,880 words.
      if (cmd::GetOr(c.data(), "sp_addr") >= 5 * 576) {
        EXPECT_LE(cmd::GetOr(c.data(), "sp_addr") + 576, 4096);
      }
    }
  }
  const uint64_t nt_bytes = 576 * 8;
  EXPECT_EQ(weight_bytes, (5 + 3 * uint64_t{cp.bands}) * nt_bytes);
}

// Bands that fill the act scratchpad (small_8x8's, 4,096 words: a 56-wide 64-channel band of 7
// rows takes 4,032) load in two channel halves, and the first and last n tile of each band
// compute each group in two COMPUTEs (the second adding in the acc scratchpad), so that the next
// band's first half loads while the last group computes the second half. Bit-exact; the
// estimate puts the array's waits at under 1% of its steps (it was 1.8% with whole-band LOADs).
TEST(DriverConvTest, OsConvSplitsSingleBufferedBandsInChannelHalves) {
  const HwParams hw = Small8(4096);
  const FcLayer l = MakeConv({1, 28, 56, 64, 16, 3, 3, 1, 1, 1, 1, true}, 23);
  const LayerRun run = RunAlways(hw, l, "28x56x64 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const OsConvPlanParams& cp = std::get<OsConvPlanParams>(run.prog.params);
  EXPECT_TRUE(cp.split);
  EXPECT_FALSE(cp.act_double);
  EXPECT_GT(cp.bands, 2u);
  unsigned act_loads = 0, computes = 0, accumulating = 0;
  uint64_t steps = 0;
  for (const Command& c : run.prog.cmds) {
    const unsigned op = cmd::Opcode(c.data());
    if (op == contract::kOpLoad && cmd::GetOr(c.data(), "target") == contract::kTargetAct) {
      ++act_loads;
      EXPECT_EQ(cmd::GetOr(c.data(), "rows"), 32);  // a channel half's planes
    }
    if (op == contract::kOpCompute) {
      ++computes;
      accumulating += cmd::GetOr(c.data(), "accumulate") != 0;
      steps += static_cast<uint64_t>(cmd::GetOr(c.data(), "k")) *
               static_cast<uint64_t>(std::max<int64_t>(1, cmd::GetOr(c.data(), "tiles")));
    }
  }
  EXPECT_EQ(act_loads, 2 * cp.bands);
  EXPECT_EQ(accumulating * 2, computes);  // both n tiles split: every group in two halves
  EXPECT_EQ(steps, uint64_t{28} * 56 / 8 * 2 * 576);
  const PlanEstimate e = EstimateOsCycles(hw, run.prog.cmds);
  EXPECT_LT(static_cast<double>(e.cycles),
            static_cast<double>(steps + computes * kComputeStartCycles) * 1.01 + 2 * 2016 + 200)
      << e.cycles << " estimated for " << steps << " steps";
}

// Strided single-buffered bands split too (stop 39): a band's channel halves load a LOAD per
// stride phase, each split tile computes its runs half by half (the PEs keeping a half's sum
// across its phases), and the next band's first halves load between the last group's halves,
// the second computing while they land. 56x56x64 -> 16 3x3 stride 2: four phases, two n tiles.
TEST(DriverConvTest, OsConvSplitsStridedBandsInChannelHalves) {
  const HwParams hw = Small8(8192);
  const LayerRun run =
      RunAlways(hw, MakeConv({1, 56, 56, 64, 16, 3, 3, 2, 2, 1, 1, true}, 31), "56x56 s2 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const OsConvPlanParams& cp = std::get<OsConvPlanParams>(run.prog.params);
  ASSERT_TRUE(cp.split);
  EXPECT_FALSE(cp.act_double);
  ASSERT_GT(cp.bands, 2u);
  // between: act LOADs issued after a first half's COMPUTE and before a second half's.
  unsigned act_loads = 0, computes = 0, accumulating = 0, between = 0, pending = 0;
  uint64_t steps = 0;
  bool after_first_half = false;
  for (const Command& c : run.prog.cmds) {
    const unsigned op = cmd::Opcode(c.data());
    if (op == contract::kOpLoad && cmd::GetOr(c.data(), "target") == contract::kTargetAct) {
      ++act_loads;
      EXPECT_EQ(cmd::GetOr(c.data(), "rows"), 32);  // a phase's channel half
      pending += after_first_half;
    }
    if (op == contract::kOpCompute) {
      ++computes;
      const bool acc = cmd::GetOr(c.data(), "accumulate") != 0;
      accumulating += acc;
      if (acc) between += pending;
      pending = 0;
      after_first_half = !acc;
      steps += static_cast<uint64_t>(cmd::GetOr(c.data(), "k")) *
               static_cast<uint64_t>(std::max<int64_t>(1, cmd::GetOr(c.data(), "tiles")));
    }
  }
  EXPECT_EQ(act_loads, 2 * 4 * cp.bands);
  EXPECT_EQ(accumulating * 2, computes);  // both n tiles split
  EXPECT_EQ(steps, uint64_t{28} * 28 / 8 * 2 * 576);
  // Every band's first halves but the first band's and the last's (which may have a shorter
  // pitch) load between a group's halves.
  EXPECT_GE(between, 4 * (cp.bands - 2)) << cp.bands << " bands";
  // The estimate against the RTL: small_8x8 (this hardware) ran this plan in 134,664 cycles at
  // latency 100 (harness_small_8x8 --im2col always). 19% beyond its steps: between a band's many
  // short COMPUTEs (a tile's phase each) and LOADs, the command FIFO runs dry behind LOAD data.
  const PlanEstimate e = EstimateOsCycles(hw, run.prog.cmds);
  EXPECT_NEAR(static_cast<double>(e.cycles), 134664.0, 134664.0 * 0.005)
      << e.cycles << " estimated for " << steps << " steps, " << computes << " COMPUTEs";
}

// With one n tile (N <= cols) strided bands split too (stop 40): small_8x8's 63x93x64 -> 8
// 3x3 stride 2 conv, forced, splits bands of one output row in channel halves, and the estimate
// times it as the RTL ran it (harness_small_8x8 --im2col always, latency 100: 167,937 cycles,
// against 217,969 unsplit; the GEMM's 150,874 stays the tiler's choice).
TEST(DriverConvTest, OsConvSplitsStridedBandsOfOneNTile) {
  const HwParams hw = Small8(8192);
  const LayerRun run =
      RunAlways(hw, MakeConv({1, 63, 93, 64, 8, 3, 3, 2, 2, 1, 1, true}, 37), "63x93 s2 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const OsConvPlanParams& cp = std::get<OsConvPlanParams>(run.prog.params);
  EXPECT_TRUE(cp.split);
  EXPECT_FALSE(cp.act_double);
  const PlanEstimate e = EstimateOsCycles(hw, run.prog.cmds);
  EXPECT_NEAR(static_cast<double>(e.cycles), 167937.0, 167937.0 * 0.01) << e.cycles;
}

// Split bands of one image put the shorter band last (OsConvPlanParams::remainder_last): their
// planes sit at one pitch, so a short first band's LOAD read a whole band's rows, while the last
// band's window ends at the plane's end. 26 output rows in bands of 7 (5 last): the act LOADs
// read each input row once, two halo rows per band boundary and one row past the first band's
// window (cut by the top padding to 8 rows, it loads the pitch of 9). Short band first: 35 rows.
TEST(DriverConvTest, OsConvSplitBandsTakeTheShortBandLast) {
  const HwParams hw = Small8(8192);
  const LayerRun run =
      RunAlways(hw, MakeConv({1, 26, 56, 64, 16, 3, 3, 1, 1, 1, 1, true}, 29), "26x56x64 conv");
  ASSERT_EQ(run.prog.plan, "os im2col");
  const OsConvPlanParams& cp = std::get<OsConvPlanParams>(run.prog.params);
  ASSERT_TRUE(cp.split);
  ASSERT_NE(26 % cp.band_rows, 0u) << cp.band_rows;
  EXPECT_TRUE(cp.remainder_last);
  const uint64_t row_bytes = 56 * 64;
  EXPECT_EQ(LoadedWords(run.prog, contract::kTargetAct) * hw.rows,
            (26 + 2 * (uint64_t{cp.bands} - 1) + 1) * row_bytes)
      << cp.bands << " bands of " << cp.band_rows << " rows";
}

// The tiler's choice between the plan and the software im2col GEMM (plan_estimate.h) on layers
// measured on default's RTL at latency 100 (docs/conv.md, "When it runs"): the faster, or of two
// within 2% the one that moves fewer bytes.
TEST(DriverConvTest, TilerTakesThePlanTheRtlRunsFaster) {
  const HwParams hw = DefaultLike();
  struct Measured {
    ConvCase c;
    const char* plan;  // the faster on the RTL, cycles of the plan and of the GEMM
  };
  const Measured cases[] = {
      {{1, 16, 8, 128, 32, 3, 3, 1, 1, 1, 1, true}, "os im2col"},  // 23,630 / 31,924
      {{1, 11, 13, 16, 16, 3, 3, 1, 1, 2, 2, true}, "os im2col"},  // 2,465 / 3,083
      {{1, 15, 17, 32, 9, 5, 5, 2, 2, 1, 1, true}, "os im2col"},   // 6,444 / 6,594
      {{1, 56, 56, 64, 64, 3, 3, 1, 1, 1, 1, true}, "os im2col"},  // 454,718 / 455,391
      {{1, 28, 28, 32, 32, 3, 3, 1, 1, 1, 1, true}, "os"},         // 31,023 / 30,358 (*)
      {{1, 56, 56, 64, 64, 3, 3, 2, 2, 1, 1, true}, "os"},         // 124,153 / 116,115
      {{1, 38, 6, 96, 16, 3, 3, 2, 2, 1, 1, false}, "os"},         // 7,659 / 5,052
  };
  // (*) The plan is 2.2% slower on the RTL. Until the estimate gave a GEMM COMPUTE its 2 start
  // cycles (kGemmComputeStartCycles; 8 before, a conv COMPUTE's), it was estimated within 2%
  // and the tiler took the plan for its 8x fewer bytes (37,184 against 299,936). The 56x56x64
  // conv's plan is faster since stop 39 (it was 457,373, 0.4% slower, for 9.7x fewer bytes); the
  // strided one's was 130,535 before its bands split.
  for (const Measured& m : cases) {
    SCOPED_TRACE(Name(m.c));
    EXPECT_EQ(BuildFcProgram(hw, MakeConv(m.c, 5)).plan, m.plan);
  }
}

}  // namespace
}  // namespace salsa
