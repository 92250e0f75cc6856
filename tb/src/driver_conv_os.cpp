// The output-stationary im2col plan ("os im2col"): a conv2d reads its input about once; COMPUTEs
// with the conv flag shift each channel plane under the array's rows, one tap at a time
// (hw_contract.h's "conv" row, docs/conv.md).
//
// Stride phases: with stride (sy, sx) the input is split into sy * sx phase images, phase
// (py, px) holding the input pixels (sy * Y + py, sx * X + px) at (Y, X). Output pixel (oy, ox)
// at tap (ky, kx) reads input (sy * oy + ky * dy - pt, ...) = phase ((ky * dy - pt) mod sy, ..)
// at (oy + qy(ky), ox + qx(kx)), qy = floor((ky * dy - pt) / sy): every tap is a fixed shift in
// its phase, as every tap of a stride-1 conv (one phase, qy = ky * dy - pt). A phase's taps are
// a grid (its ky and kx), so each phase is a stride-1 conv over its image; the phases' COMPUTEs
// follow one another, the PEs keeping the sum. Phases without a tap are not stored.
//
// DRAM: the input as planes [batch][phase][in_c][Hp * pitch bytes, padded to whole act words
// with the zero point] (Hp, Wp the phase images' size, ceil(in / stride)), pitch = Wp when the
// lanes' columns are masked (xmask), else Wp plus the zero-point columns the taps reach; weights
// [n_tile][tap][c][cols], the taps phase by phase (ky, then kx, within a phase). An m tile is
// `rows` consecutive pixels of the flattened output image (row oy, column ox at oy * pitch + ox);
// its act word at a tap and channel is that phase plane's `rows` bytes from that pixel's input
// byte, so tiles run across output rows and a band's planes serve every tile and n tile. Output
// pixels past out_w (the pad columns) are computed and not stored.
#include <algorithm>
#include <limits>

#include "driver_internal.h"
#include "salsa/plan_estimate.h"

namespace salsa {
namespace {

constexpr int64_t kMaxField16 = 0xFFFF;
// Tiles per group at most. 16 ran sparse_16x16's 56x56x64 conv (21 tiles a band: groups of 16
// and 5) 2% slower at DRAM latency 200 than 15 (15 and 6): a group's STORE writes a one-beat
// burst per output row, 16 tiles x 16 rows at 200 / 16 cycles each (3,200 cycles) while the
// 5-tile group computes in 2,880, so the next COMPUTE into the 16 regions waits. Even groups
// (11 and 10) avoid that but ran default 0.1-0.2% slower than 15 and 6.
constexpr int64_t kMaxGroup = 15;

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t Gcd(int64_t a, int64_t b) { return b == 0 ? a : Gcd(b, a % b); }

// The conv's stride phases (see the top): the phase images' size, the taps in phase order with
// their shifts, and each phase's tap grid steps.
struct OsGeo {
  struct Tap {
    size_t phase;
    int64_t ky, kx;     // the tap in the kernel
    int64_t qy, qx;     // its shift in its phase image
    int64_t col, cols;  // its column in its phase's tap row, the row's taps
    int64_t row, rows;  // its phase's tap row, the phase's tap rows
  };
  ConvGeo g;
  int64_t Hp, Wp, phases = 0;
  int64_t qy_min, qy_max, qx_min, qx_max;
  int64_t dYp, dXp;  // shift steps between a phase's consecutive tap rows and columns
  std::vector<Tap> taps;
  std::vector<std::pair<int64_t, int64_t>> phase_of;  // (py, px) of each stored phase
  explicit OsGeo(const ConvShape& c) : g(c) {
    Hp = (g.H + g.sy - 1) / g.sy;
    Wp = (g.W + g.sx - 1) / g.sx;
    dYp = g.sy / Gcd(g.dy, g.sy) * g.dy / g.sy;
    dXp = g.sx / Gcd(g.dx, g.sx) * g.dx / g.sx;
    qy_min = qx_min = std::numeric_limits<int64_t>::max();
    qy_max = qx_max = std::numeric_limits<int64_t>::min();
    for (int64_t py = 0; py < g.sy; ++py) {
      for (int64_t px = 0; px < g.sx; ++px) {
        std::vector<int64_t> kys, kxs;
        for (int64_t ky = 0; ky < g.KH; ++ky) {
          if (((ky * g.dy - g.pt) % g.sy + g.sy) % g.sy == py) kys.push_back(ky);
        }
        for (int64_t kx = 0; kx < g.KW; ++kx) {
          if (((kx * g.dx - g.pl) % g.sx + g.sx) % g.sx == px) kxs.push_back(kx);
        }
        if (kys.empty() || kxs.empty()) continue;
        const size_t ph = static_cast<size_t>(phases++);
        phase_of.push_back({py, px});
        for (size_t r = 0; r < kys.size(); ++r) {
          for (size_t x = 0; x < kxs.size(); ++x) {
            Tap t{ph,
                  kys[r],
                  kxs[x],
                  FloorDiv(kys[r] * g.dy - g.pt, g.sy),
                  FloorDiv(kxs[x] * g.dx - g.pl, g.sx),
                  static_cast<int64_t>(x),
                  static_cast<int64_t>(kxs.size()),
                  static_cast<int64_t>(r),
                  static_cast<int64_t>(kys.size())};
            qy_min = std::min(qy_min, t.qy), qy_max = std::max(qy_max, t.qy);
            qx_min = std::min(qx_min, t.qx), qx_max = std::max(qx_max, t.qx);
            taps.push_back(t);
          }
        }
      }
    }
  }
  // Phase-image rows [lo, hi) under output rows [oy0, oy0 + oth), clipped to the image.
  int64_t RowLo(int64_t oy0) const { return std::max<int64_t>(0, oy0 + qy_min); }
  int64_t RowHi(int64_t oy0, int64_t oth) const {
    return std::min<int64_t>(Hp, oy0 + oth - 1 + qy_max + 1);
  }
};

// The input rows [lo, hi) under output rows [oy0, oy0 + oth) and the plane words [w0, w1) that
// hold them.
struct BandRows {
  int64_t lo, hi, w0, w1;
};
BandRows RowsOf(const HwParams& hw, const OsGeo& g, const OsConvPlanParams& cp, int64_t oy0,
                int64_t oth) {
  BandRows r{g.RowLo(oy0), g.RowHi(oy0, oth), 0, 0};
  r.hi = std::max(r.hi, r.lo);
  r.w0 = r.lo * cp.pitch / hw.rows;
  r.w1 =
      std::min<int64_t>(cp.plane_words, CeilDiv(static_cast<uint64_t>(r.hi * cp.pitch), hw.rows));
  r.w1 = std::max(r.w1, r.w0 + 1);
  return r;
}

// Tiles of a band of oth output rows.
int64_t BandTiles(const HwParams& hw, const OsConvPlanParams& cp, int64_t oth) {
  return static_cast<int64_t>(CeilDiv(static_cast<uint64_t>(oth) * cp.pitch, hw.rows));
}

// The bands (first output row, rows) of an image: band_rows each, the remainder first, so that
// the first COMPUTE waits for the shortest LOAD; or (remainder_last) the remainder last.
std::vector<std::pair<int64_t, int64_t>> BandsOf(const ConvGeo& g, int64_t band_rows,
                                                 bool remainder_last) {
  std::vector<std::pair<int64_t, int64_t>> v;
  const int64_t rest = g.OH % band_rows;
  if (rest != 0 && !remainder_last) v.push_back({0, rest});
  for (int64_t oy0 = remainder_last ? 0 : rest; oy0 + band_rows <= g.OH; oy0 += band_rows) {
    v.push_back({oy0, band_rows});
  }
  if (rest != 0 && remainder_last) v.push_back({g.OH - rest, rest});
  return v;
}

// Split bands (OsConvPlanParams::split) of a single image put the remainder last: their planes
// sit at one pitch, the largest window (OsConvCommands), so a short first band's LOAD would read
// a whole band's rows; last, its window ends at the plane's end, where the pitch is cut to it.
// With several images the next image's first band needs the uniform pitch, so the short band
// stays first.
bool RemainderLast(const ConvGeo& g, bool split) { return split && g.B == 1; }

// The act words per plane a band's planes take and its LOAD reads: its window, or (split) the
// largest window of all bands as far as the plane goes (OsConvCommands).
int64_t PlanePitch(const BandRows& r, bool split, int64_t max_window, int64_t plane_words) {
  return split ? std::max(r.w1 - r.w0, std::min(max_window, plane_words - r.w0)) : r.w1 - r.w0;
}

// The largest plane window of any band of band_rows output rows.
int64_t MaxWindow(const HwParams& hw, const OsGeo& g, const OsConvPlanParams& cp, int64_t band_rows,
                  bool remainder_last) {
  int64_t most = 0;
  for (const auto& [oy0, oth] : BandsOf(g.g, band_rows, remainder_last)) {
    const BandRows r = RowsOf(hw, g, cp, oy0, oth);
    most = std::max(most, r.w1 - r.w0);
  }
  return most;
}

// The acc scratchpad: parameter words (every n tile's, loaded once, when they take at most a
// quarter; else ChooseAccLayout's slots, loaded per band and n tile), then tile regions: two
// groups of up to kMaxGroup tiles in turn (one COMPUTE, the tiles field, computes a group, and one
// STORE per run of consecutive output pixels writes it while the other group computes).
struct OsConvAcc {
  unsigned slot_words = 0;
  bool params_resident = false;
  AccLayout slots{};
  int64_t param_words = 0, group = 1, groups = 1;
};
OsConvAcc AccOf(const HwParams& hw, const FcLayer& l, unsigned n_tiles) {
  OsConvAcc a;
  a.slots = ChooseAccLayout(hw, !l.channel_multiplier.empty(), hw.rows);
  a.slot_words = a.slots.slot_words;
  a.params_resident = uint64_t{4} * n_tiles * a.slot_words <= hw.acc_words;
  a.param_words =
      a.params_resident ? int64_t{n_tiles} * a.slot_words : int64_t{a.slots.slots} * a.slot_words;
  const int64_t fit = (static_cast<int64_t>(hw.acc_words) - a.param_words) / hw.rows;
  a.group = std::max<int64_t>(1, std::min<int64_t>(kMaxGroup, fit / 2));
  a.groups = fit >= 2 * a.group ? 2 : 1;
  return a;
}

// The input channels each n tile reads: all C for a conv; for a depthwise conv (its block-diagonal
// GEMM, output channel o reading input channel o / m) those of the tile's output channels. An n
// tile's weights are taps x nc words, at word koff of the weights.
struct OsTileChans {
  std::vector<int64_t> c0, nc, koff;
  int64_t words = 0, nc_max = 0;  // every n tile's weight words; the most channels of a tile
};
OsTileChans TileChans(const HwParams& hw, const FcLayer& l, const ConvGeo& g, unsigned n_tiles) {
  OsTileChans t;
  const int64_t m = l.conv->depth_multiplier;
  for (unsigned nt = 0; nt < n_tiles; ++nt) {
    const int64_t o0 = int64_t{nt} * hw.cols, o1 = std::min<int64_t>(l.N, o0 + hw.cols);
    const int64_t c0 = m > 0 ? o0 / m : 0, nc = m > 0 ? (o1 - 1) / m - c0 + 1 : g.C;
    t.c0.push_back(c0);
    t.nc.push_back(nc);
    t.koff.push_back(t.words);
    t.words += g.Taps() * nc;
    t.nc_max = std::max(t.nc_max, nc);
  }
  return t;
}

// Whether n tile nt of a band computes in two channel halves (OsConvPlanParams::split).
bool SplitTile(const OsConvPlanParams& cp, unsigned nt, unsigned n_tiles) {
  return cp.split && (nt == 0 || nt + 1 == n_tiles);
}

// The weight words of n tiles [0, r).
int64_t ResidentWords(const OsTileChans& tc, unsigned r) {
  return r < tc.koff.size() ? tc.koff[r] : tc.words;
}

// When every n tile's weights do not fit the weight scratchpad: how many n tiles' weights can stay
// (the first r) while the others stream whole through two halves of the words left, so that only
// theirs are reloaded per band. 0: none (the n tiles stream in chunks of half the scratchpad).
unsigned ResidentTiles(const HwParams& hw, const OsTileChans& tc, int64_t taps) {
  const int64_t whole = taps * tc.nc_max, words = static_cast<int64_t>(hw.weight_words);
  unsigned r = 0;
  while (r + 1 < tc.koff.size() && ResidentWords(tc, r + 1) + 2 * whole <= words) ++r;
  return r;
}

// A band height's score: its cycles plus the bus cycles of half its DRAM bytes. A conv that
// fits bands is compute-bound, its bus partly idle, so bytes cost energy more than time: a
// schedule that moves fewer bytes wins while the cycles it adds are under half the bus cycles of
// the bytes it saves. (At full weight, default's 56x56x64 conv took split bands of 16 rows,
// 0.6% slower on the RTL for 9% fewer bytes. Against full weight, 135 convs on default,
// small_8x8 and rect_12x8 (40 random, 5 named each) change in 15 cases: 0.980-1.000x the cycles
// and up to 1.26x the bytes, and one leaves its software im2col GEMM for 1/6 the bytes at
// +0.02%.)
uint64_t BandScore(uint64_t cycles, uint64_t bytes, unsigned bus_bytes) {
  return cycles + bytes / (2 * uint64_t{bus_bytes});
}

std::vector<Command> OsConvCommands(const HwParams& hw, const FcLayer& l, const Program& p,
                                    const OsConvPlanParams& cp);

bool FitOsConv(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p,
               OsConvPlanParams* cp) {
  if (hw.weight_stationary || !hw.OsConv() || !opts.im2col || !l.conv ||
      l.prec != contract::kPrecInt8) {
    return false;
  }
  const OsGeo og(*l.conv);
  const ConvGeo& g = og.g;
  const int64_t R = hw.rows, phases = og.phases;
  const int64_t taps = g.Taps();
  const unsigned n_tiles = static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(l.N), hw.cols));
  const OsTileChans tc = TileChans(hw, l, g, n_tiles);
  if (taps * tc.nc_max > kMaxField16 || g.C > 4095 || g.KW > 15) return false;
  // Lane columns are masked when the phase image is at least as wide as the array's rows (a
  // tile spans at most two output rows) and the offsets fit their fields; else zero-point
  // columns.
  const int64_t pl = std::max<int64_t>(0, -og.qx_min);
  const int64_t pr = std::max<int64_t>(0, (g.OW - 1) + og.qx_max - (og.Wp - 1));
  cp->xmask = og.Wp >= R && og.Wp <= 255 && og.dXp < R && pl <= 128 && og.qx_max <= 127;
  cp->pitch = static_cast<unsigned>(cp->xmask ? og.Wp : og.Wp + std::max(pl, pr));
  cp->plane_words = static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(og.Hp) * cp->pitch, R));
  if (og.dXp / R > 15 || og.dYp * cp->pitch / R > kMaxField16) return false;
  const int64_t weight_half = hw.weight_words / 2;
  cp->weights_resident = static_cast<uint64_t>(tc.words) <= hw.weight_words;
  cp->resident_nt = cp->weights_resident ? n_tiles : ResidentTiles(hw, tc, taps);
  if (cp->weights_resident || cp->resident_nt > 0) {
    cp->chunk_taps = static_cast<unsigned>(taps);
  } else {
    if (tc.nc_max > weight_half) return false;
    cp->chunk_taps = static_cast<unsigned>(std::min<int64_t>(taps, weight_half / tc.nc_max));
  }
  // Weight bytes loaded once (the resident n tiles') and per band (the others').
  const uint64_t w_once = static_cast<uint64_t>(ResidentWords(tc, cp->resident_nt)) * hw.cols;
  cp->chunks = static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(taps), cp->chunk_taps));
  const OsConvAcc acc = AccOf(hw, l, n_tiles);
  const uint64_t slot_words = static_cast<uint64_t>(acc.param_words);
  if (slot_words + R > hw.acc_words) return false;
  // The band: the estimate's best over every height whose planes fit the act scratchpad (two
  // bands' when they fit) and, with several weight chunks, whose tiles' partial sums fit the acc
  // scratchpad.
  const uint64_t compute_per_tile = static_cast<uint64_t>(tc.words);  // every n tile's steps
  const uint64_t w_bytes = static_cast<uint64_t>(tc.words) * hw.cols;
  const uint64_t out_bytes = static_cast<uint64_t>(l.M) * l.N;
  // DRAM bytes per cycle at the memory's rate.
  const double bus = hw.bus_bytes * std::min(1.0, std::max(opts.bw_cap, 1e-3));
  // Tiles per COMPUTE (the tiles field) and per STORE: a group, as OsConvCommands lays out the
  // acc regions; with several phases a COMPUTE per tile and phase.
  const int64_t group = acc.group, per_compute = phases > 1 ? 1 : acc.group;
  // The channel split of single-buffered bands (OsConvPlanParams::split): whole n tiles' weights
  // per COMPUTE, not depthwise.
  const bool can_split = cp->chunks == 1 && l.conv->depth_multiplier == 0 && g.C >= 2;
  struct Cand {
    int64_t rb;
    bool dbl, split, last;
    uint64_t cycles, bytes;
  };
  std::vector<Cand> cands;
  for (int64_t rb = 1; rb <= g.OH; ++rb) {
    int64_t window = MaxWindow(hw, og, *cp, rb, false), region = window * g.C * phases;
    if (window > 0x7FFF || region > kMaxField16 || region > hw.act_words) break;
    const int64_t tiles = BandTiles(hw, *cp, rb);
    if (cp->chunks > 1 && static_cast<uint64_t>(tiles * R) + slot_words > hw.acc_words) break;
    const bool dbl = 2 * region <= hw.act_words;
    const int64_t bands = (g.OH + rb - 1) / rb;
    // A split band's LOAD reads the uniform plane pitch (OsConvCommands).
    const bool split = can_split && !dbl && g.B * bands > 1;
    bool last = false;
    if (RemainderLast(g, split) && g.OH % rb != 0) {
      const int64_t w = MaxWindow(hw, og, *cp, rb, true);
      last = w * g.C * phases <= hw.act_words;
      if (last) window = w, region = w * g.C * phases;
    }
    uint64_t in_bytes = 0, tiles_all = 0, cmds = 0, computes = 0;
    for (const auto& [oy0, oth] : BandsOf(g, rb, last)) {
      const BandRows r = RowsOf(hw, og, *cp, oy0, oth);
      const int64_t t = BandTiles(hw, *cp, oth);
      in_bytes +=
          static_cast<uint64_t>(PlanePitch(r, split, window, cp->plane_words) * g.C * phases * R);
      tiles_all += static_cast<uint64_t>(t);
      const uint64_t c =
          uint64_t{n_tiles} *
          static_cast<uint64_t>((t + per_compute - 1) / per_compute * cp->chunks * phases);
      computes += c;
      cmds += c + uint64_t{n_tiles} * static_cast<uint64_t>((t + group - 1) / group);
    }
    const uint64_t bytes = static_cast<uint64_t>(g.B) * (in_bytes + (w_bytes - w_once) * bands +
                                                         cmds * contract::kCmdBytes) +
                           w_once + out_bytes;
    const uint64_t compute = static_cast<uint64_t>(g.B) *
                             (tiles_all * compute_per_tile + computes * kComputeStartCycles);
    uint64_t cycles = std::max(compute, static_cast<uint64_t>(static_cast<double>(bytes) / bus));
    if (!dbl) {
      // One band at a time: each band's planes load while the array waits; split in channel
      // halves, only what the second half's LOAD takes beyond a group's first half COMPUTE.
      const uint64_t load =
          static_cast<uint64_t>(static_cast<double>(region * R) / bus) + opts.mem_latency;
      const uint64_t half_group = static_cast<uint64_t>(std::min(group, tiles) * taps * g.C / 2);
      const uint64_t wait = can_split ? (load / 2 > half_group ? load / 2 - half_group : 0) : load;
      cycles += static_cast<uint64_t>(g.B * bands) * wait;
    }
    cands.push_back({rb, dbl, split, last, cycles, bytes});
  }
  if (cands.empty()) return false;
  // The formula above ranks the heights by BandScore (two bands in the act halves reread more
  // halo rows than one band in the whole scratchpad, which waits for each band's LOAD). The best
  // two double-buffered and the best two single ones, and each kind's fastest, are then timed on
  // their command lists (plan_estimate.h), which see the first LOAD, the COMPUTEs' and STOREs'
  // hazards and the split's overlap; the best BandScore of those wins.
  auto set = [&](const Cand& c) {
    cp->band_rows = static_cast<unsigned>(c.rb);
    cp->act_double = c.dbl;
    cp->bands = static_cast<unsigned>((g.OH + cp->band_rows - 1) / cp->band_rows);
    cp->split = c.split;
    cp->remainder_last = c.last;
  };
  auto score_of = [&](uint64_t cycles, uint64_t bytes) {
    return BandScore(cycles, bytes, hw.bus_bytes);
  };
  std::vector<const Cand*> order;
  for (const Cand& c : cands) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [&](const Cand* a, const Cand* b) {
    return score_of(a->cycles, a->bytes) < score_of(b->cycles, b->bytes);
  });
  std::vector<const Cand*> finalists;
  for (const bool dbl : {true, false}) {
    int n = 0;
    const Cand* fastest = nullptr;
    for (const Cand* c : order) {
      if (c->dbl != dbl) continue;
      if (n < 2) finalists.push_back(c), ++n;
      if (!fastest || c->cycles < fastest->cycles) fastest = c;
    }
    if (fastest && std::find(finalists.begin(), finalists.end(), fastest) == finalists.end()) {
      finalists.push_back(fastest);
    }
  }
  const Cand* chosen = order.front();
  if (finalists.size() > 1) {
    const PlanMemory mem{opts.mem_latency, opts.bw_cap};
    Program trial;
    trial.n_tiles = n_tiles;
    trial.overlap = opts.overlap;
    std::vector<PlanEstimate> timed;
    uint64_t fastest = std::numeric_limits<uint64_t>::max();
    for (const Cand* c : finalists) {
      set(*c);
      trial.m_tiles = static_cast<unsigned>(g.B) * cp->bands;
      timed.push_back(EstimateOsCycles(hw, OsConvCommands(hw, l, trial, *cp), mem));
      fastest = std::min(fastest, timed.back().cycles);
    }
    // Of those within kPlanMargin of the fastest (the plan-against-GEMM rule's margin), the best
    // BandScore: bytes are not bought with more than 2% of the cycles.
    uint64_t best_score = std::numeric_limits<uint64_t>::max();
    for (size_t i = 0; i < finalists.size(); ++i) {
      const PlanEstimate& e = timed[i];
      const bool near =
          static_cast<double>(e.cycles) <= static_cast<double>(fastest) * (1 + kPlanMargin);
      if (near && score_of(e.cycles, e.bytes) < best_score) {
        best_score = score_of(e.cycles, e.bytes);
        chosen = finalists[i];
      }
    }
  }
  set(*chosen);
  const uint64_t best = chosen->cycles;
  if (!opts.im2col_always && l.conv->depth_multiplier > 0) {
    // A depthwise conv against one GEMM per input channel (K = taps, N = m): those GEMMs' steps,
    // or their bytes at the bus.
    const uint64_t m = static_cast<uint64_t>(l.conv->depth_multiplier);
    const uint64_t m_tiles = CeilDiv(static_cast<uint64_t>(l.M), hw.rows);
    const uint64_t gemm_tiles = static_cast<uint64_t>(g.C) * m_tiles * CeilDiv(m, hw.cols);
    const uint64_t gemm_steps = gemm_tiles * (static_cast<uint64_t>(taps) + kComputeStartCycles);
    const uint64_t gemm_bytes =
        static_cast<uint64_t>(g.C) *
        (static_cast<uint64_t>(l.M) * (static_cast<uint64_t>(taps) + m) + taps * m);
    if (best > std::max(gemm_steps, static_cast<uint64_t>(static_cast<double>(gemm_bytes) / bus))) {
      return false;
    }
  } else if (!opts.im2col_always) {
    // A conv against the plan that runs its software im2col GEMM: both command lists, timed by
    // the same estimate (plan_estimate.h); the GEMM only when it is the better
    // (Better: 2% faster, or as fast with fewer bytes).
    DriverOptions on = opts, off = opts;
    on.im2col_always = true;
    off.im2col = false;
    const PlanMemory mem{opts.mem_latency, opts.bw_cap};
    const PlanEstimate os = EstimateOsCycles(hw, BuildFcProgram(hw, l, on).cmds, mem);
    const PlanEstimate gemm = EstimateOsCycles(hw, BuildFcProgram(hw, l, off).cmds, mem);
    if (!Better(os, gemm)) return false;
  }
  p->m_tiles = static_cast<unsigned>(g.B) * cp->bands;
  p->n_tiles = n_tiles;
  p->k_chunk = static_cast<unsigned>(cp->chunk_taps * tc.nc_max);
  return true;
}

std::vector<Command> OsConvCommands(const HwParams& hw, const FcLayer& l, const Program& p,
                                    const OsConvPlanParams& cp) {
  const OsGeo og(*l.conv);
  const ConvGeo& g = og.g;
  const int64_t planes = g.C * og.phases;  // per image: every phase's channel planes
  const int64_t R = hw.rows, P = cp.pitch, taps = g.Taps();
  const OsTileChans tc = TileChans(hw, l, g, p.n_tiles);
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
  const bool chunked = cp.chunks > 1;
  // Acc: parameter slots, then tile regions. With one chunk, two groups of up to 15 tiles in
  // turn: one COMPUTE (the tiles field) computes and one STORE writes a group's tiles (consecutive
  // output pixels are consecutive GEMM rows) while the next group computes. With several chunks,
  // every tile of the band has its region (the chunks add into it).
  const OsConvAcc acc = AccOf(hw, l, p.n_tiles);
  const uint16_t tiles_base = static_cast<uint16_t>(acc.param_words);
  const int64_t group = acc.group, groups = acc.groups;
  std::vector<bool> params_loaded(p.n_tiles, false);
  const unsigned act_half = hw.act_words / 2;
  std::vector<Command> cmds, pending_store;
  int64_t pending_lo = 0, pending_hi = 0;  // acc words the pending STOREs read
  auto flush = [&] {
    cmds.insert(cmds.end(), pending_store.begin(), pending_store.end());
    pending_store.clear();
    pending_lo = pending_hi = 0;
  };
  // The (image, band) items, their act regions and plane pitch: the band's window, or (split)
  // every band's largest, as far as the plane goes, so that the next band's first channel half
  // stays below this band's second (the LOAD reads the rows past its window too).
  struct Band {
    int64_t b, oy0, oth;
    BandRows rows;
    uint16_t base;
    int64_t pitch;
  };
  std::vector<Band> bands;
  const int64_t max_window = MaxWindow(hw, og, cp, cp.band_rows, cp.remainder_last);
  for (int64_t b = 0; b < g.B; ++b) {
    for (const auto& [oy0, oth] : BandsOf(g, cp.band_rows, cp.remainder_last)) {
      const uint16_t base =
          static_cast<uint16_t>(cp.act_double ? (bands.size() % 2) * act_half : 0);
      const BandRows r = RowsOf(hw, og, cp, oy0, oth);
      bands.push_back({b, oy0, oth, r, base, PlanePitch(r, cp.split, max_window, cp.plane_words)});
    }
  }
  const uint64_t plane_bytes = uint64_t{cp.plane_words} * R;
  // Channel half h of a split band (OsConvPlanParams::split): its first plane and its planes.
  const int64_t half_c = g.C / 2;
  auto half_range = [&](int h) {
    return h == 0 ? std::pair<int64_t, int64_t>{0, half_c}
                  : std::pair<int64_t, int64_t>{half_c, g.C - half_c};
  };
  // Planes [c0, c0 + n) of a band: all of them (one LOAD), or a split band's channel half.
  auto load_planes = [&](const Band& bd, int64_t c0, int64_t n) {
    cmds.push_back(EncodeLoad(contract::kTargetAct, static_cast<uint16_t>(bd.base + c0 * bd.pitch),
                              static_cast<uint16_t>(bd.pitch), static_cast<uint16_t>(n),
                              static_cast<uint32_t>(plane_bytes),
                              p.act_addr + static_cast<uint64_t>(bd.b * planes + c0) * plane_bytes +
                                  static_cast<uint64_t>(bd.rows.w0 * R)));
  };
  auto load_half = [&](const Band& bd, int h) {  // a LOAD per stride phase
    const auto [c0, n] = half_range(h);
    for (int64_t ph = 0; ph < og.phases; ++ph) load_planes(bd, ph * g.C + c0, n);
  };
  // Weights: the resident n tiles' at their koff, loaded once; the others' chunk by chunk in the
  // two halves of the words after them.
  const unsigned stream_base = static_cast<unsigned>(ResidentWords(tc, cp.resident_nt));
  const unsigned stream_half = (hw.weight_words - stream_base) / 2;
  std::vector<bool> w_loaded(p.n_tiles, false);
  unsigned w_loads = 0;
  auto chunk_t0 = [&](unsigned c) { return int64_t{c} * cp.chunk_taps; };
  auto chunk_t1 = [&](unsigned c) { return std::min<int64_t>(taps, chunk_t0(c + 1)); };
  // The chunk loaded ahead (during the previous chunk's COMPUTEs) and its half.
  int64_t ahead_key = -1;
  uint16_t ahead_buf = 0;
  auto key_of = [&](size_t bi, unsigned nt, unsigned c) {
    return (static_cast<int64_t>(bi) * p.n_tiles + nt) * cp.chunks + c;
  };
  auto load_weights = [&](unsigned nt, unsigned c) -> uint16_t {
    const int64_t nc = tc.nc[nt], koff = tc.koff[nt];
    if (nt < cp.resident_nt) {
      if (!w_loaded[nt]) {
        const int64_t k = taps * nc;
        cmds.push_back(EncodeLoad(contract::kTargetWeight, static_cast<uint16_t>(koff),
                                  static_cast<uint16_t>(k), 1, static_cast<uint32_t>(k * hw.cols),
                                  p.weight_addr + static_cast<uint64_t>(koff) * hw.cols));
        w_loaded[nt] = true;
      }
      return static_cast<uint16_t>(koff);
    }
    const int64_t words = (chunk_t1(c) - chunk_t0(c)) * nc;
    const uint16_t at = static_cast<uint16_t>(stream_base + (w_loads++ % 2) * stream_half);
    cmds.push_back(
        EncodeLoad(contract::kTargetWeight, at, static_cast<uint16_t>(words), 1,
                   static_cast<uint32_t>(words * hw.cols),
                   p.weight_addr + static_cast<uint64_t>(koff + chunk_t0(c) * nc) * hw.cols));
    return at;
  };
  unsigned param_loads = 0, group_count = 0;
  // The lanes of the tiles drained since the last STOREs: (acc word, GEMM row).
  std::vector<std::pair<int64_t, int64_t>> lanes;
  // STOREs of `lanes`, one per run of consecutive acc words and GEMM rows.
  auto store_lanes = [&](uint16_t slot, unsigned bytes, unsigned n0) {
    for (size_t a = 0; a < lanes.size();) {
      size_t e = a + 1;
      while (e < lanes.size() && lanes[e].first == lanes[e - 1].first + 1 &&
             lanes[e].second == lanes[e - 1].second + 1) {
        ++e;
      }
      pending_lo = pending_store.empty() ? lanes[a].first : std::min(pending_lo, lanes[a].first);
      pending_hi = std::max(pending_hi, lanes[e - 1].first + 1);
      pending_store.push_back(TileStore(l, p, static_cast<uint16_t>(lanes[a].first),
                                        static_cast<unsigned>(e - a), bytes, slot,
                                        static_cast<unsigned>(lanes[a].second), n0));
      if (!p.overlap) pending_store.push_back(EncodeSync());
      a = e;
    }
    lanes.clear();
  };
  size_t next_band_loaded = 0;  // bands [0, next_band_loaded) have their LOAD issued
  for (size_t bi = 0; bi < bands.size(); ++bi) {
    const Band& bd = bands[bi];
    // Split: a band not loaded ahead (the first) loads its second channel half after the first
    // n tile's weights, which its first COMPUTE needs too.
    bool half_b_due = false;
    if (next_band_loaded <= bi) {
      if (cp.split) {
        load_half(bd, 0);
        half_b_due = true;
      } else {
        load_planes(bd, 0, planes);
      }
      next_band_loaded = bi + 1;
    }
    const int64_t tiles = BandTiles(hw, cp, bd.oth);
    const uint16_t window = static_cast<uint16_t>(bd.rows.w1 - bd.rows.w0);
    const uint16_t pitch = static_cast<uint16_t>(bd.pitch);
    for (unsigned nt = 0; nt < p.n_tiles; ++nt) {
      uint16_t slot = static_cast<uint16_t>(nt * acc.slot_words);
      if (!acc.params_resident) {
        if (acc.slots.slots == 1) flush();  // a pending STORE still reads the only slot
        slot = acc.slots.Slot(param_loads++);
        PushParamLoads(hw, l, p, nt, slot, &cmds);
      } else if (!params_loaded[nt]) {
        PushParamLoads(hw, l, p, nt, slot, &cmds);
        params_loaded[nt] = true;
      }
      const unsigned n0 = nt * hw.cols;
      const unsigned bytes = std::min<unsigned>(hw.cols, static_cast<unsigned>(l.N) - n0);
      bool first_compute = true;
      for (unsigned c = 0; c < cp.chunks; ++c) {
        const uint16_t wbuf = ahead_key == key_of(bi, nt, c) ? ahead_buf : load_weights(nt, c);
        if (half_b_due) {
          load_half(bd, 1);
          half_b_due = false;
        }
        // The chunk's taps in runs of a phase's whole tap rows or part of one (a chunk
        // boundary cuts a tap row): a COMPUTE each. A chunk of one run computes a whole group of
        // tiles per COMPUTE (the tiles field); otherwise each tile's runs follow one another,
        // the PEs keeping the sum between them.
        struct Run {
          int64_t t, n;
          unsigned taps_x;
        };
        std::vector<Run> runs;
        for (int64_t t = chunk_t0(c); t < chunk_t1(c);) {
          const OsGeo::Tap& tp = og.taps[static_cast<size_t>(t)];
          if (tp.col == 0 && chunk_t1(c) - t >= tp.cols) {
            int64_t n = 0;  // whole tap rows of this phase
            while (t + n + tp.cols <= chunk_t1(c) && t + n < static_cast<int64_t>(og.taps.size()) &&
                   og.taps[static_cast<size_t>(t + n)].phase == tp.phase) {
              n += tp.cols;
            }
            runs.push_back({t, n, static_cast<unsigned>(tp.cols)});
            t += n;
          } else {
            const int64_t n = std::min<int64_t>(tp.cols - tp.col, chunk_t1(c) - t);
            runs.push_back({t, n, static_cast<unsigned>(n)});
            t += n;
          }
        }
        // Split n tiles go a group at a time (each half's COMPUTEs for all the group's tiles,
        // then the other's), whatever the runs; else a COMPUTE per tile and run.
        const bool split_tile = SplitTile(cp, nt, p.n_tiles);
        const int64_t step = runs.size() == 1 || split_tile ? std::min<int64_t>(group, 255) : 1;
        // Split, the band's last n tile: the short group first, so that the last group, whose
        // second half covers the next band's first LOAD, is a whole one.
        const int64_t shift = cp.split && nt + 1 == p.n_tiles && !chunked && step == group
                                  ? (group - tiles % group) % group
                                  : 0;
        for (int64_t j = 0; j < tiles; j += std::min(step, group - (j + shift) % group)) {
          // Tiles [j, j + nj): within one group, so their acc regions are consecutive.
          const int64_t nj = std::min({step, group - (j + shift) % group, tiles - j});
          const int64_t gslot = chunked ? j : (group_count % groups) * group + (j + shift) % group;
          const uint16_t region = static_cast<uint16_t>(tiles_base + gslot * R);
          // STOREs still to come that read these regions go first (sequential semantics).
          if (region < pending_hi && region + nj * R > pending_lo) flush();
          // The fields and act address of a run's COMPUTE over `n` tiles from flat output pixel
          // m0 (lane 0).
          auto run_fields = [&](const Run& run, int64_t m0, int64_t n, uint16_t* abase) {
            const OsGeo::Tap& tp = og.taps[static_cast<size_t>(run.t)];
            OsConvFields f;
            f.taps_x = run.taps_x;
            f.tiles = static_cast<unsigned>(n);
            const int64_t rel = m0 + tp.qy * P + tp.qx - bd.rows.w0 * R;
            const int64_t ow = rel >= 0 ? rel / R : -((-rel + R - 1) / R);
            f.extent = static_cast<uint16_t>(pitch * tc.nc[nt]);
            f.pitch = pitch;
            f.window = window;
            f.chans = static_cast<unsigned>(tc.nc[nt]);
            f.off_w = static_cast<int>(ow);
            f.off_b = static_cast<unsigned>(rel - ow * R);
            f.tx_w = static_cast<unsigned>(og.dXp / R);
            f.tx_b = static_cast<unsigned>(og.dXp % R);
            f.ty_w = static_cast<uint16_t>(og.dYp * P / R);
            f.ty_b = static_cast<unsigned>(og.dYp * P % R);
            if (cp.xmask) {
              f.xmask = true;
              f.x0 = static_cast<unsigned>(m0 % P);
              f.xw = static_cast<unsigned>(P);
              f.kx0 = static_cast<int>(tp.qx);
            }
            // The run's phase: its channel planes in the band's act region.
            *abase = static_cast<uint16_t>(
                bd.base + (static_cast<int64_t>(tp.phase) * g.C + tc.c0[nt]) * pitch);
            return f;
          };
          const int64_t m0 = bd.oy0 * P + j * R;  // flat output pixel of lane 0
          // Split: the next band's first channel half once the last group's first half has
          // computed (it loads while the second half computes), then the previous group's
          // STOREs (the next band's first group drains into their rows), then its second half
          // (issued when the second half has computed; it loads while the next band's first
          // group computes the first half). With several runs a tile, the first half's LOAD goes
          // between the halves' COMPUTEs (after them all it would wait for the second half),
          // when the next band has this one's pitch: with a shorter one, its later phases' first
          // halves would overwrite this band's second halves before they are read.
          const bool next_split = cp.split && nt + 1 == p.n_tiles && j + nj == tiles &&
                                  bi + 1 < bands.size() && next_band_loaded == bi + 1;
          bool next_half0 = next_split;
          if (split_tile) {
            // Channels [0, C/2), then [C/2, C) added in the acc: each half's weights are stored
            // whole (taps x its channels), the first half's first. One run: a COMPUTE per half
            // for the group's tiles; several (stride phases): per half, each tile's runs in
            // turn, the PEs keeping the sum, the last draining.
            const int64_t per = runs.size() == 1 ? nj : 1;
            for (const int h : {0, 1}) {
              const auto [c0, nc] = half_range(h);
              if (h == 1 && next_half0 && runs.size() > 1 && bands[bi + 1].pitch == bd.pitch) {
                load_half(bands[bi + 1], 0);
                next_half0 = false;
              }
              for (int64_t jj = 0; jj < nj; jj += per) {
                for (size_t ri = 0; ri < runs.size(); ++ri) {
                  const Run& run = runs[ri];
                  uint16_t abase = 0;
                  OsConvFields fh = run_fields(run, m0 + jj * R, per, &abase);
                  fh.extent = static_cast<uint16_t>(pitch * nc);
                  fh.chans = static_cast<unsigned>(nc);
                  Command cc = EncodeComputeOsConv(
                      ri == 0, ri + 1 == runs.size(), static_cast<uint16_t>(abase + c0 * pitch),
                      static_cast<uint16_t>(wbuf + taps * c0 + (run.t - chunk_t0(c)) * nc),
                      static_cast<uint16_t>(run.n * nc), zp, static_cast<uint16_t>(region + jj * R),
                      fh);
                  if (h == 1) cmd::Set(cc, cmd::FieldOf(contract::kOpCompute, "accumulate"), 1);
                  cmds.push_back(cc);
                  if (!p.overlap) cmds.push_back(EncodeSync());
                }
              }
            }
          } else {
            for (const Run& run : runs) {
              uint16_t abase = 0;
              const OsConvFields f = run_fields(run, m0, nj, &abase);
              Command cc = EncodeComputeOsConv(
                  run.t == chunk_t0(c), run.t + run.n == chunk_t1(c), abase,
                  static_cast<uint16_t>(wbuf + (run.t - chunk_t0(c)) * tc.nc[nt]),
                  static_cast<uint16_t>(run.n * tc.nc[nt]), zp, region, f);
              if (chunked && c > 0) {
                cmd::Set(cc, cmd::FieldOf(contract::kOpCompute, "accumulate"), 1);
              }
              cmds.push_back(cc);
              if (!p.overlap) cmds.push_back(EncodeSync());
            }
          }
          if (next_half0) load_half(bands[bi + 1], 0);
          flush();
          if (next_split) {
            load_half(bands[bi + 1], 1);
            next_band_loaded = bi + 2;
          }
          if (first_compute) {
            first_compute = false;
            // The next band's planes into the other act half while this band computes.
            if (cp.act_double && nt == 0 && bi + 1 < bands.size() && next_band_loaded == bi + 1) {
              load_planes(bands[bi + 1], 0, planes);
              next_band_loaded = bi + 2;
            }
            // Resident weights: the next n tile's, while this one computes.
            if (nt + 1 < cp.resident_nt) load_weights(nt + 1, 0);
          }
          if (j == 0 && cp.resident_nt < p.n_tiles) {
            // The next streamed chunk (this n tile's, the next streamed n tile's or the next
            // band's first) into the other weight half, unless it is there already.
            const unsigned r = cp.resident_nt;
            size_t nbi = bi;
            unsigned nnt = nt, nc = c + 1;
            if (nt < r || c + 1 == cp.chunks) {
              nc = 0;
              nnt = std::max(nt + 1, r);
              if (nnt >= p.n_tiles) {
                nbi = bi + 1;
                nnt = r;
              }
            }
            if (nbi < bands.size() && ahead_key != key_of(nbi, nnt, nc)) {
              ahead_buf = load_weights(nnt, nc);
              ahead_key = key_of(nbi, nnt, nc);
            }
          }
          if (c + 1 == cp.chunks) {
            // The tiles' output pixels (pad columns and rows past the band are not stored),
            // written when their group (with several chunks: the band) is complete.
            for (int64_t jj = j; jj < j + nj; ++jj) {
              const uint16_t reg = static_cast<uint16_t>(region + (jj - j) * R);
              for (int64_t i = 0; i < R; ++i) {
                const int64_t f = bd.oy0 * P + jj * R + i, oy = f / P, ox = f % P;
                if (oy >= bd.oy0 + bd.oth || ox >= g.OW) continue;
                lanes.push_back({reg + i, (bd.b * g.OH + oy) * g.OW + ox});
              }
            }
            if (j + nj == tiles || (!chunked && (j + nj + shift) % group == 0)) {
              store_lanes(slot, bytes, n0);
              ++group_count;
            }
          }
        }
      }
    }
  }
  flush();
  return cmds;
}

class OsConvPlan : public Plan {
 public:
  const char* Name() const override { return "os im2col"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) override {
    OsConvPlanParams cp;
    if (!FitOsConv(hw, l, opts, p, &cp)) return false;
    p->params = cp;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    const OsConvPlanParams& cp = std::get<OsConvPlanParams>(p->params);
    const OsGeo og(*l.conv);
    const ConvGeo& g = og.g;
    const uint64_t R = hw.rows;
    Regions r = ParamRegions(hw, l, *p);
    // Per band and n tile: the parameter LOADs, per chunk a weight LOAD and per tile a COMPUTE
    // per kernel row run (at most KH + 1) and a STORE per output row the tile touches; the band
    // LOAD; SYNCs.
    const uint64_t tiles = CeilDiv(uint64_t{cp.band_rows} * cp.pitch, R);
    const uint64_t stores = R / cp.pitch + 2;
    // A split n tile: each run's COMPUTE twice, and a band's LOADs a channel half per phase.
    const uint64_t runs = static_cast<uint64_t>(g.KH + og.phases + 1) * (cp.split ? 2 : 1);
    r.cmd_count = uint64_t{p->m_tiles} * p->n_tiles *
                      (4 + cp.chunks * (1 + tiles * (runs + stores))) * (p->overlap ? 1 : 2) +
                  uint64_t{p->m_tiles} * (2 + 2 * og.phases) + 16;
    r.act = static_cast<uint64_t>(g.B * g.C * og.phases) * cp.plane_words * R;
    const OsTileChans tc = TileChans(hw, l, g, p->n_tiles);
    r.weight = static_cast<uint64_t>(tc.words) * hw.cols;
    LayOut(hw, r, p);
    WriteParams(hw, l, p);
    uint8_t* in = p->dram.data() + p->act_addr;
    const ConvShape& c = *l.conv;
    const uint8_t zp = static_cast<uint8_t>(static_cast<int8_t>(l.input_zero_point));
    // Plane (b, phase, ch): phase image row Y, column X = input (sy * Y + py, sx * X + px).
    for (int64_t b = 0; b < g.B; ++b) {
      for (int64_t ph = 0; ph < og.phases; ++ph) {
        const auto [py, px] = og.phase_of[static_cast<size_t>(ph)];
        for (int64_t ch = 0; ch < g.C; ++ch) {
          uint8_t* plane =
              in + static_cast<uint64_t>((b * og.phases + ph) * g.C + ch) * cp.plane_words * R;
          std::fill(plane, plane + uint64_t{cp.plane_words} * R, zp);
          for (int64_t y = py, Y = 0; y < g.H; y += g.sy, ++Y) {
            for (int64_t x = px, X = 0; x < g.W; x += g.sx, ++X) {
              plane[Y * cp.pitch + X] = static_cast<uint8_t>(
                  c.input[static_cast<size_t>(((b * g.H + y) * g.W + x) * g.C + ch)]);
            }
          }
        }
      }
    }
    // Weights in the taps' phase order: tap (ky, kx), channel ch is GEMM K index
    // (ky * KW + kx) * C + ch. A split n tile's (OsConvPlanParams::split) channel half by half.
    uint8_t* w = p->dram.data() + p->weight_addr;
    for (unsigned nt = 0; nt < p->n_tiles; ++nt) {
      const int64_t c0 = tc.c0[nt], c1 = c0 + tc.nc[nt];
      const bool split = SplitTile(cp, nt, p->n_tiles);
      for (const auto& [h0, h1] :
           split ? std::vector<std::pair<int64_t, int64_t>>{{c0, g.C / 2}, {g.C / 2, c1}}
                 : std::vector<std::pair<int64_t, int64_t>>{{c0, c1}}) {
        for (const OsGeo::Tap& tp : og.taps) {
          for (int64_t ch = h0; ch < h1; ++ch) {
            const uint64_t k = static_cast<uint64_t>((tp.ky * g.KW + tp.kx) * g.C + ch);
            for (unsigned j = 0; j < hw.cols; ++j) {
              const uint64_t n = uint64_t{nt} * hw.cols + j;
              *w++ =
                  n < static_cast<uint64_t>(l.N) ? static_cast<uint8_t>(l.weights[n * l.K + k]) : 0;
            }
          }
        }
      }
    }
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return OsConvCommands(hw, l, p, std::get<OsConvPlanParams>(p.params));
  }
};

}  // namespace

std::unique_ptr<Plan> MakeOsConvPlan() { return std::make_unique<OsConvPlan>(); }

bool OsIm2colRuns(const HwParams& hw, const FcLayer& l, const DriverOptions& opts) {
  Program p;
  OsConvPlanParams cp;
  return FitOsConv(hw, l, opts, &p, &cp);
}

}  // namespace salsa
