// The weight-stationary im2col plan ("ws im2col"): a conv2d's input stays NHWC in DRAM and is
// read about once; COMPUTEs with the conv flag walk each output pixel's taps in the act
// scratchpad (hw_contract.h's "conv" row, docs/conv.md).
//
// DRAM: input [batch][in_h][in_w][cb * rows] (channels past in_c the zero point), weights
// [n_tile][ky][kx][nc][rows][cols] (the ws block format, one K block per tap and channel
// block: all cb of them, or for a depthwise conv the nc blocks of the n tile's channels). Work
// items are (image, band of output rows, n tile); a band covers every output column, so its outputs
// are consecutive GEMM rows and one STORE writes them.
#include <algorithm>
#include <array>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr unsigned kMaxU8 = 255, kMaxField16 = 0xFFFF;

unsigned ChannelBlocks(const HwParams& hw, const ConvGeo& g) {
  return static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(g.C), hw.rows));
}

// The channel blocks an n tile reads per tap: all cb of them for a conv; for a depthwise conv
// those of its output channels' input channels (o / m): the widest n tile's count, nc, for
// every n tile.
unsigned TapBlocks(const HwParams& hw, const FcLayer& l, unsigned cb) {
  const int m = l.conv->depth_multiplier;
  if (m == 0) return cb;
  unsigned nc = 1;
  const unsigned tiles = static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(l.N), hw.cols));
  for (unsigned t = 0; t < tiles; ++t) {
    const uint64_t lo = uint64_t{t} * hw.cols / m;
    const uint64_t hi = (std::min<uint64_t>(l.N, uint64_t{t + 1} * hw.cols) - 1) / m;
    nc = std::max<unsigned>(nc, static_cast<unsigned>(hi / hw.rows - lo / hw.rows + 1));
  }
  return nc;
}
// The first of n tile nt's nc channel blocks (a range that would pass the last block starts
// earlier).
unsigned TileBlock0(const HwParams& hw, const FcLayer& l, unsigned cb, unsigned nc, unsigned nt) {
  const int m = l.conv->depth_multiplier;
  if (m == 0) return 0;
  return std::min(static_cast<unsigned>(uint64_t{nt} * hw.cols / m / hw.rows), cb - nc);
}

// Cycles of the plan (compute and DRAM bytes, whichever is longer) against the software im2col
// GEMM on the same array: the plan runs when it is no slower.
bool WorthIt(const HwParams& hw, const FcLayer& l, const ConvGeo& g, unsigned cb, uint64_t bytes) {
  const uint64_t pixels = static_cast<uint64_t>(g.B * g.OH * g.OW);
  const uint64_t nt = CeilDiv(static_cast<uint64_t>(l.N), hw.cols);
  const uint64_t conv_steps = pixels * static_cast<uint64_t>(g.Taps()) * cb * nt;
  uint64_t gemm_steps = pixels * CeilDiv(static_cast<uint64_t>(l.K), hw.rows) * nt;
  uint64_t gemm_bytes = pixels * static_cast<uint64_t>(l.K) +
                        nt * static_cast<uint64_t>(l.K) * hw.cols +
                        pixels * static_cast<uint64_t>(l.N);
  if (const int m = l.conv->depth_multiplier; m > 0) {
    // Against one GEMM per input channel (K = taps, N = m).
    const uint64_t taps = static_cast<uint64_t>(g.Taps());
    gemm_steps = static_cast<uint64_t>(g.C) * pixels * CeilDiv(taps, hw.rows) *
                 CeilDiv(static_cast<uint64_t>(m), hw.cols);
    gemm_bytes = static_cast<uint64_t>(g.C) * (pixels * taps + taps * m + pixels * m);
  }
  return std::max(conv_steps, bytes / hw.bus_bytes) <=
         std::max(gemm_steps, gemm_bytes / hw.bus_bytes);
}

// The bands of an image: groups of group_rows output rows (their input rows share an act half;
// the whole image when it stays), each split evenly into bands of at most band_rows rows.
struct Band {
  int64_t oy0, oth;
  unsigned group;
};
std::vector<Band> Bands(const ConvGeo& g, unsigned group_rows, unsigned band_rows) {
  std::vector<Band> v;
  unsigned k = 0;
  for (int64_t oy = 0; oy < g.OH; oy += group_rows, ++k) {
    const int64_t gk = std::min<int64_t>(group_rows, g.OH - oy);
    const int64_t nb = (gk + band_rows - 1) / band_rows;
    int64_t at = oy;
    for (int64_t j = 0; j < nb; ++j) {
      const int64_t rows = gk / nb + (j < gk % nb ? 1 : 0);
      v.push_back({at, rows, k});
      at += rows;
    }
  }
  return v;
}

// The (image, band, n tile) work items in run order.
struct Item {
  unsigned b, band, nt;
};
std::vector<Item> Items(const ConvGeo& g, const ConvPlanParams& cp, unsigned n_tiles) {
  std::vector<Item> v;
  for (unsigned b = 0; b < g.B; ++b) {
    if (cp.n_outer) {
      for (unsigned nt = 0; nt < n_tiles; ++nt) {
        for (unsigned t = 0; t < cp.bands; ++t) v.push_back({b, t, nt});
      }
    } else {
      for (unsigned t = 0; t < cp.bands; ++t) {
        for (unsigned nt = 0; nt < n_tiles; ++nt) v.push_back({b, t, nt});
      }
    }
  }
  return v;
}

// Two halves of a scratchpad, each holding one keyed thing (an image, a band, a weight chunk).
struct Halves {
  std::array<int64_t, 2> key{-1, -1};
  int last = 1;  // the half taken most recently
  int Find(int64_t k) const { return key[0] == k ? 0 : key[1] == k ? 1 : -1; }
  // The half after the last one taken, or the one that is not `keep` (in use).
  int Take(int64_t k, int keep = -1) {
    last = keep >= 0 ? 1 - keep : 1 - last;
    key[static_cast<size_t>(last)] = k;
    return last;
  }
};

}  // namespace

bool FitConv(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p,
             ConvPlanParams* cp) {
  if (!hw.weight_stationary || !opts.im2col || !l.conv || l.prec != contract::kPrecInt8) {
    return false;
  }
  const ConvGeo g(*l.conv);
  const unsigned cb = ChannelBlocks(hw, g);
  const uint64_t rw = static_cast<uint64_t>(g.W) * cb;  // act words per input row
  // The command's fields: strides, dilations, widths and the frame must fit their bits.
  if (cb > 1023 || g.KW * cb > kMaxField16 || g.sy > 15 || g.sx > 15 || g.dy > 7 || g.dx > 7 ||
      g.KW > kMaxU8 || g.OW > kMaxU8 || g.FrameCols() > kMaxU8 || g.pl + g.W > kMaxU8 ||
      rw > kMaxField16 || g.FrameRows(1) > kMaxU8) {
    return false;
  }
  const unsigned nc = TapBlocks(hw, l, cb);
  const uint64_t tap_words = uint64_t{nc} * hw.rows;
  const uint64_t weight_half = hw.weight_words / 2;
  if (tap_words > weight_half) return false;
  const uint64_t taps = static_cast<uint64_t>(g.Taps());
  cp->cb = cb;
  cp->nc = nc;
  cp->chunk_taps = static_cast<unsigned>(std::min<uint64_t>(taps, weight_half / tap_words));
  const unsigned n_tiles = static_cast<unsigned>(CeilDiv(static_cast<uint64_t>(l.N), hw.cols));
  cp->weights_resident = uint64_t{n_tiles} * taps * tap_words <= hw.weight_words;
  unsigned region_rows = 0;
  WsAccLayout(hw, !l.channel_multiplier.empty(), &region_rows);
  cp->image_resident = static_cast<uint64_t>(g.H) * rw <= std::min(hw.act_words, kMaxField16);
  const uint64_t act_half = hw.act_words / 2;
  // The band: as many output rows as the acc region, the frame and (band by band) an act half
  // hold.
  int64_t oth = 0;
  for (int64_t r = 1; r <= g.OH; ++r) {
    const bool fits =
        static_cast<uint64_t>(r * g.OW) <= std::min<uint64_t>(region_rows, kMaxField16) &&
        g.FrameRows(r) <= kMaxU8 &&
        (cp->image_resident || static_cast<uint64_t>(g.FrameRows(r)) * rw <= act_half);
    if (!fits) break;
    oth = r;
  }
  if (oth == 0) return false;
  // Shorter bands while there are fewer than four and a band still hides the weight preload:
  // the first COMPUTE waits only for its own band's input rows.
  const int64_t min_m = 2 * hw.rows + hw.cols + 4;
  while (CeilDiv(static_cast<uint64_t>(g.OH), oth) < 4 && oth > 1 && (oth / 2) * g.OW >= min_m) {
    oth /= 2;
  }
  // Band by band: a group of as many output rows as an act half holds the input of (with one
  // halo), split into bands, so that the halo is read again once per group, not per band.
  int64_t group = g.OH;
  if (!cp->image_resident) {
    group = oth;
    while (group < g.OH && static_cast<uint64_t>(g.FrameRows(group + 1)) * rw <= act_half) ++group;
  }
  cp->group_rows = static_cast<unsigned>(group);
  cp->band_rows = static_cast<unsigned>(oth);
  cp->bands = static_cast<unsigned>(Bands(g, cp->group_rows, cp->band_rows).size());
  // Loop order by DRAM bytes: bands outer reads each band's input once and an n tile's weights
  // once per band unless all are resident; n tiles outer reads the weights once (an n tile's
  // weights in one chunk) and the input once per n tile unless the image stays.
  const uint64_t in_bytes = static_cast<uint64_t>(g.B * g.H) * rw * hw.rows;
  const uint64_t w_bytes = uint64_t{n_tiles} * taps * tap_words * hw.cols;
  const bool one_chunk = cp->chunk_taps == taps;
  const uint64_t band_outer =
      in_bytes + (cp->weights_resident ? w_bytes : w_bytes * cp->bands * g.B);
  const uint64_t n_outer = (cp->image_resident ? in_bytes : in_bytes * n_tiles) +
                           (one_chunk ? w_bytes * g.B : w_bytes * cp->bands * g.B);
  cp->n_outer = n_outer < band_outer;
  const uint64_t out_bytes = static_cast<uint64_t>(l.M) * l.N;
  if (!opts.im2col_always && !WorthIt(hw, l, g, nc, std::min(band_outer, n_outer) + out_bytes)) {
    return false;
  }
  p->m_tiles = static_cast<unsigned>(g.B) * cp->bands;
  p->n_tiles = n_tiles;
  p->k_chunk = hw.rows;
  return true;
}

std::vector<Command> ConvCommands(const HwParams& hw, const FcLayer& l, const Program& p,
                                  const ConvPlanParams& cp) {
  const ConvGeo g(*l.conv);
  const unsigned R = hw.rows, cb = cp.cb;
  const uint64_t rw = static_cast<uint64_t>(g.W) * cb, taps = static_cast<uint64_t>(g.Taps());
  const uint64_t tap_words = uint64_t{cp.nc} * R, tile_words = taps * tap_words;
  const bool per_channel = !l.channel_multiplier.empty();
  unsigned region_rows = 0;
  const AccLayout acc = WsAccLayout(hw, per_channel, &region_rows);
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
  const unsigned act_half = hw.act_words / 2, weight_half = hw.weight_words / 2;
  const unsigned chunks = static_cast<unsigned>(CeilDiv(taps, cp.chunk_taps));
  const std::vector<Item> items = Items(g, cp, p.n_tiles);
  std::vector<Command> cmds;

  // Input rows: an image whole (rows loaded as bands first need them, in the act half of its
  // parity when two images fit, else at 0) or each band's rows in an act half.
  const bool two_images = cp.image_resident && static_cast<uint64_t>(g.H) * rw <= act_half;
  Halves act_halves;
  std::vector<int64_t> rows_loaded(static_cast<size_t>(g.B), 0);
  struct Held {
    uint16_t base;   // act word of input row r0
    int64_t r0, r1;  // the input rows held: [r0, r1)
  };
  const std::vector<Band> bands = Bands(g, cp.group_rows, cp.band_rows);
  auto load_rows = [&](unsigned b, int64_t r0, int64_t r1, uint16_t at, std::vector<Command>* out) {
    if (r1 <= r0) return;
    out->push_back(EncodeLoad(contract::kTargetAct, at, static_cast<uint16_t>(rw),
                              static_cast<uint16_t>(r1 - r0), static_cast<uint32_t>(rw * R),
                              p.act_addr + ((uint64_t{b} * g.H + r0) * rw) * R));
  };
  int act_in_use = -1;  // the act half of the item running
  // Makes item i's input rows present (LOADs into `out`); returns where they are.
  auto ensure_act = [&](const Item& it, std::vector<Command>* out) -> Held {
    const int64_t oy0 = bands[it.band].oy0, oth = bands[it.band].oth;
    if (cp.image_resident) {
      const int64_t hi = g.RowHi(oy0, oth);
      const uint16_t base = static_cast<uint16_t>(two_images ? (it.b % 2) * act_half : 0);
      int64_t& done = rows_loaded[it.b];
      if (hi > done) {
        load_rows(it.b, done, hi, static_cast<uint16_t>(base + done * rw), out);
        done = hi;
      }
      return {base, 0, g.H};
    }
    // The band's group: the bands whose input rows share an act half.
    const unsigned grp = bands[it.band].group;
    const int64_t goy0 = int64_t{grp} * cp.group_rows;
    const int64_t grows = std::min<int64_t>(cp.group_rows, g.OH - goy0);
    const int64_t lo = g.RowLo(goy0), hi = g.RowHi(goy0, grows);
    const int64_t key = int64_t{it.b} * cp.bands + grp;
    int h = act_halves.Find(key);
    if (h < 0) {
      h = act_halves.Take(key, act_in_use);
      load_rows(it.b, lo, hi, static_cast<uint16_t>(h * act_half), out);
    }
    return {static_cast<uint16_t>(h * act_half), lo, hi};
  };

  // Weights: every n tile's at nt * tile_words (resident), else chunks of chunk_taps taps in the
  // weight halves.
  Halves w_halves;
  std::vector<bool> w_loaded(p.n_tiles, false);
  int w_in_use = -1;  // the weight half of the chunk running
  auto chunk_taps = [&](unsigned c) {
    return std::min<uint64_t>(cp.chunk_taps, taps - uint64_t{c} * cp.chunk_taps);
  };
  // A chunk's pieces: runs of whole kernel rows (the chunk's first and last may be partial) of
  // at least 2 KB of weights, each loaded by its own LOAD and computed by its own COMPUTEs, so
  // that the first COMPUTE waits only for the first piece.
  auto pieces = [&](unsigned c) {
    const uint64_t t0 = uint64_t{c} * cp.chunk_taps, t1 = t0 + chunk_taps(c);
    const uint64_t row_bytes = static_cast<uint64_t>(g.KW) * tap_words * hw.cols;
    const uint64_t rows_per_piece = std::max<uint64_t>(1, CeilDiv(2048, row_bytes));
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (uint64_t a = t0; a < t1;) {
      const uint64_t row = a / g.KW;
      const uint64_t b = std::min<uint64_t>(t1, (row + rows_per_piece) * g.KW);
      v.push_back({a, b});
      a = b;
    }
    return v;
  };
  // The LOADs of chunk c's pieces into weight words from `at`.
  auto load_chunk = [&](unsigned nt, unsigned c, uint16_t at, std::vector<Command>* out) {
    const uint64_t t0 = uint64_t{c} * cp.chunk_taps;
    for (const auto& [a, b] : pieces(c)) {
      const uint64_t words = (b - a) * tap_words;
      out->push_back(
          EncodeLoad(contract::kTargetWeight, static_cast<uint16_t>(at + (a - t0) * tap_words),
                     static_cast<uint16_t>(words), 1, static_cast<uint32_t>(words * hw.cols),
                     p.weight_addr + (nt * tile_words + a * tap_words) * hw.cols));
    }
  };
  auto ensure_weights = [&](unsigned nt, unsigned c, std::vector<Command>* out) -> uint16_t {
    if (cp.weights_resident) {
      const uint16_t at = static_cast<uint16_t>(nt * tile_words);
      if (!w_loaded[nt]) {
        for (unsigned cc = 0; cc < chunks; ++cc) {
          load_chunk(nt, cc, static_cast<uint16_t>(at + cc * cp.chunk_taps * tap_words), out);
        }
        w_loaded[nt] = true;
      }
      return static_cast<uint16_t>(at + c * cp.chunk_taps * tap_words);
    }
    const int64_t key = int64_t{nt} * chunks + c;
    int h = w_halves.Find(key);
    if (h < 0) {
      h = w_halves.Take(key, w_in_use);
      load_chunk(nt, c, static_cast<uint16_t>(h * weight_half), out);
    }
    return static_cast<uint16_t>(h * weight_half);
  };
  auto weight_half_of = [&](unsigned nt, unsigned c) {
    return cp.weights_resident ? -1 : w_halves.Find(int64_t{nt} * chunks + c);
  };

  // The COMPUTEs of item `it`'s taps [t0, t1) with weights from `wbuf` (tap t0's first word):
  // one per run of whole kernel rows or part of one.
  auto computes = [&](const Item& it, const Held& held, uint64_t t0, uint64_t t1, uint16_t wbuf,
                      uint16_t region, bool* clear, std::vector<Command>* out) {
    const int64_t oy0 = bands[it.band].oy0, oth = bands[it.band].oth;
    const int64_t v0 = oy0 * g.sy - g.pt;  // input row of frame row 0
    const int64_t r1 = held.r1;
    const int64_t need_lo = g.RowLo(oy0), need_hi = g.RowHi(oy0, oth);
    const uint16_t act_addr = static_cast<uint16_t>(held.base + (need_lo - held.r0) * rw);
    const uint16_t span = static_cast<uint16_t>((need_hi - need_lo) * rw);
    const auto clamp8 = [](int64_t v) {
      return static_cast<unsigned>(std::clamp<int64_t>(v, 0, kMaxU8));
    };
    for (uint64_t t = t0; t < t1;) {
      const int64_t ky0 = static_cast<int64_t>(t) / g.KW, kx0 = static_cast<int64_t>(t) % g.KW;
      uint64_t n = 0;
      ConvFields f;
      if (kx0 == 0 && t1 - t >= static_cast<uint64_t>(g.KW)) {
        n = (t1 - t) / g.KW * g.KW;  // whole kernel rows
        f.kw = static_cast<unsigned>(g.KW);
      } else {
        n = std::min<uint64_t>(g.KW - kx0, t1 - t);
        f.kw = static_cast<unsigned>(n);
      }
      f.ow = static_cast<unsigned>(g.OW);
      f.nc = cp.nc;
      f.pw = cb;
      f.sy = static_cast<unsigned>(g.sy);
      f.sx = static_cast<unsigned>(g.sx);
      f.dy = static_cast<unsigned>(g.dy);
      f.dx = static_cast<unsigned>(g.dx);
      const int64_t ry = v0 + ky0 * g.dy;    // input row of this command's frame row 0
      const int64_t cx = kx0 * g.dx - g.pl;  // input column of its frame column 0
      f.y_lo = clamp8(held.r0 - ry);
      f.y_hi = clamp8(r1 - ry);
      f.x_lo = clamp8(-cx);
      f.x_hi = clamp8(g.W - cx);
      f.rw = static_cast<uint16_t>(rw);
      f.org = static_cast<uint16_t>(
          static_cast<uint64_t>(held.base + (ry - held.r0) * static_cast<int64_t>(rw) +
                                cx * static_cast<int64_t>(cb) +
                                TileBlock0(hw, l, cb, cp.nc, it.nt)) &
          0xFFFF);
      f.span = span;
      const uint64_t blocks = n * f.nc, row_blocks = uint64_t{f.kw} * f.nc;
      for (uint64_t b0 = 0; b0 < blocks; b0 += kMaxField16 / row_blocks * row_blocks) {
        // More blocks than the field holds: whole kernel rows per command.
        const uint64_t nb = std::min<uint64_t>(blocks - b0, kMaxField16 / row_blocks * row_blocks);
        ConvFields fr = f;
        const int64_t dky = static_cast<int64_t>(b0 / row_blocks);
        fr.y_lo = clamp8(held.r0 - (ry + dky * g.dy));
        fr.y_hi = clamp8(r1 - (ry + dky * g.dy));
        fr.org = static_cast<uint16_t>((f.org + dky * g.dy * static_cast<int64_t>(rw)) & 0xFFFF);
        out->push_back(EncodeComputeConv(
            *clear, act_addr, static_cast<uint16_t>(wbuf + (t - t0) * tap_words + b0 * R),
            static_cast<uint16_t>(oth * g.OW), zp, region, static_cast<uint16_t>(nb), fr));
        if (!p.overlap) out->push_back(EncodeSync());
        *clear = false;
      }
      t += n;
    }
  };

  unsigned param_loads = 0;
  std::vector<Command> pending_store;
  auto flush = [&] {
    cmds.insert(cmds.end(), pending_store.begin(), pending_store.end());
    pending_store.clear();
  };
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    std::vector<Command> pre;
    const Held held = ensure_act(it, &pre);
    act_in_use =
        cp.image_resident ? -1 : act_halves.Find(int64_t{it.b} * cp.bands + bands[it.band].group);
    const uint16_t slot = acc.Slot(param_loads++);
    if (acc.slots == 1) flush();  // the pending STORE still reads the only slot
    PushParamLoads(hw, l, p, it.nt, slot, &pre);
    cmds.insert(cmds.end(), pre.begin(), pre.end());
    const uint16_t region = acc.Region(static_cast<unsigned>(i), region_rows);
    if (acc.regions == 1) flush();
    bool clear = true;
    for (unsigned c = 0; c < chunks; ++c) {
      const uint16_t wbuf = ensure_weights(it.nt, c, &cmds);
      w_in_use = weight_half_of(it.nt, c);
      const uint64_t t0 = uint64_t{c} * cp.chunk_taps;
      for (const auto& [a, b] : pieces(c)) {
        computes(it, held, a, b, static_cast<uint16_t>(wbuf + (a - t0) * tap_words), region, &clear,
                 &cmds);
      }
      if (c == 0) {
        // This item's first COMPUTEs are in: the previous item's STORE (it waits for its drain
        // while the array works), then the next item's input rows (not over an image in use)
        // and, resident, its n tile's weights.
        flush();
        if (i + 1 < items.size()) {
          const Item& nx = items[i + 1];
          if (!cp.image_resident || two_images || nx.b == it.b) ensure_act(nx, &cmds);
          if (cp.weights_resident) ensure_weights(nx.nt, 0, &cmds);
        }
      }
      if (!cp.weights_resident) {
        // The next chunk (this item's, else the next item's first) into the other half.
        if (c + 1 < chunks) {
          ensure_weights(it.nt, c + 1, &cmds);
        } else if (i + 1 < items.size()) {
          ensure_weights(items[i + 1].nt, 0, &cmds);
        }
      }
    }
    const int64_t oy0 = bands[it.band].oy0, oth = bands[it.band].oth;
    const unsigned m0 = static_cast<unsigned>((it.b * g.OH + oy0) * g.OW);
    const unsigned n0 = it.nt * hw.cols;
    const unsigned bytes = std::min<unsigned>(hw.cols, static_cast<unsigned>(l.N) - n0);
    pending_store.push_back(
        TileStore(l, p, region, static_cast<unsigned>(oth * g.OW), bytes, slot, m0, n0));
    if (!p.overlap) pending_store.push_back(EncodeSync());
  }
  flush();
  return cmds;
}

bool Im2colRuns(const HwParams& hw, const FcLayer& l, const DriverOptions& opts) {
  if (!hw.weight_stationary) return OsIm2colRuns(hw, l, opts);
  Program p;
  ConvPlanParams cp;
  return FitConv(hw, l, opts, &p, &cp);
}

namespace {

class ConvPlan : public Plan {
 public:
  const char* Name() const override { return "ws im2col"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) override {
    ConvPlanParams cp;
    if (!FitConv(hw, l, opts, p, &cp)) return false;
    p->params = cp;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    const ConvPlanParams& cp = std::get<ConvPlanParams>(p->params);
    const ConvGeo g(*l.conv);
    const uint64_t rw = static_cast<uint64_t>(g.W) * cp.cb, taps = static_cast<uint64_t>(g.Taps());
    Regions r = ParamRegions(hw, l, *p);
    const uint64_t items = uint64_t{p->m_tiles} * p->n_tiles;
    const uint64_t chunks = CeilDiv(taps, cp.chunk_taps);
    // Per item: act and parameter loads, per chunk a weight load and a COMPUTE per kernel row
    // piece (at most KH + 1, and one more per 64 K blocks' field split), the STORE; SYNCs.
    r.cmd_count = items * (8 + chunks * (2 * (g.KH + 3))) * (p->overlap ? 1 : 2) + 16;
    r.act = static_cast<uint64_t>(g.B * g.H) * rw * hw.rows;
    r.weight = uint64_t{p->n_tiles} * taps * cp.nc * hw.rows * hw.cols;
    LayOut(hw, r, p);
    WriteParams(hw, l, p);
    uint8_t* in = p->dram.data() + p->act_addr;
    const ConvShape& c = *l.conv;
    const uint64_t pixels = static_cast<uint64_t>(g.B * g.H * g.W);
    for (uint64_t px = 0; px < pixels; ++px) {
      for (uint64_t ch = 0; ch < uint64_t{cp.cb} * hw.rows; ++ch) {
        *in++ = static_cast<uint8_t>(ch < static_cast<uint64_t>(g.C)
                                         ? c.input[px * g.C + ch]
                                         : static_cast<int8_t>(l.input_zero_point));
      }
    }
    uint8_t* w = p->dram.data() + p->weight_addr;
    for (unsigned nt = 0; nt < p->n_tiles; ++nt) {
      const uint64_t ch0 = uint64_t{TileBlock0(hw, l, cp.cb, cp.nc, nt)} * hw.rows;
      for (uint64_t t = 0; t < taps; ++t) {
        for (uint64_t ch = ch0; ch < ch0 + uint64_t{cp.nc} * hw.rows; ++ch) {
          for (unsigned j = 0; j < hw.cols; ++j) {
            const uint64_t n = uint64_t{nt} * hw.cols + j;
            const bool in_range = n < static_cast<uint64_t>(l.N) && ch < static_cast<uint64_t>(g.C);
            *w++ = in_range ? static_cast<uint8_t>(l.weights[n * l.K + t * g.C + ch]) : 0;
          }
        }
      }
    }
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return ConvCommands(hw, l, p, std::get<ConvPlanParams>(p.params));
  }
};

}  // namespace

std::unique_ptr<Plan> MakeConvPlan() { return std::make_unique<ConvPlan>(); }

}  // namespace salsa
