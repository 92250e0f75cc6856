// The zero-skip plan ("zero-skip", sparsity.zero_skip): SCAN, gather LOADs and indexed COMPUTEs.
//
// Weights are stored in n groups of G n tiles, [n_group][K][step] with step = G'*cols bytes
// rounded up to the bus width, so one K step's weights for a whole group are one burst. Per m
// tile, K is split into pieces (all of K when it fits the act scratchpad, else halves of it);
// a piece is loaded, SCANned (its index list: the K steps with a non-zero activation), and for
// every group the list is walked in chunks of Lc entries: a gather LOAD fetches the listed rows
// into one of three weight buffers (Lc rows of G' words), two chunks ahead, then one group
// COMPUTE runs every tile of the group (weight stride G') and adds them into the tiles' acc
// regions (the first chunk of the first piece initialises them). Chunks past the list's end do
// nothing, in hardware, so the program does not depend on the data.
//
// K slices (SkipParams::slices = S = array.gemv_slices > 1, int8 or int4w, m tiles of G = rows / S
// rows, int4w G / 2 output rows in two lanes each):
// the SCAN also packs the listed act lanes S entries to a word (after the piece's act words),
// gathers write the sliced layout (rows of S ways, W = S) and a group COMPUTE takes S entries a
// step, so the array consumes S * cols weight bytes per cycle of what the list keeps. Chunks are
// multiples of S entries; a group's gather rows are its tiles rounded up to the weight words a
// LOAD writes per cycle (wpr, the COMPUTE's tile count), and tile t drains its G words to region
// + t * G, so the acc scratchpad holds S times the regions (fewer passes, so fewer SCANs).
#include <algorithm>
#include <cmath>
#include <deque>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr unsigned kMaxField16 = 0xFFFF;
constexpr unsigned kMaxStride = 255;  // indexed COMPUTE w2[31:24]
constexpr unsigned kMaxLanes = 255;   // SCAN w3[7:0]
// Weight buffers (thirds of the weight scratchpad): a chunk's gather is issued two chunks ahead
// of its COMPUTE, so that the DRAM latency hides behind a whole chunk of compute (with two halves
// the next gather can only start when the COMPUTE before has finished reading its half, and for
// a GEMV, where gather and compute run at the same rate, every chunk then waits for the latency).
constexpr unsigned kBuffers = 3;
// STOREs of the previous group issued after each chunk's (group) COMPUTE: a few at a time, so
// that they overlap the chunks without holding up the gathers behind them. (A STORE does not wait
// for its write responses: 16x16 on 512 bits with 64 KB of weights, GEMV 1x4096x4096 at 50% zeros
// takes 151,243 cycles with 4 a chunk, 151,224 with 2.)
constexpr unsigned kStoresPerChunk = 4;
// A SCAN waits for everything before it, so within its epoch the last COMPUTEs overlap nothing
// (the first gathers start while it runs, once their entries are listed): an epoch of few groups is
// cut into at least kMinChunks chunks (of at least kMinChunkEntries entries), so that gathers
// overlap COMPUTEs (sparse_16x16 40x600x48 at latency 100: 20208 cycles in one chunk, 18210 in
// four; 1x1024x64 at 50% zeros: 8167, 7234).
constexpr unsigned kMinChunks = 4, kMinChunkEntries = 128;
// K slices: the DRAM latency a chunk's gathers should cover (config_defaults.h's design latency),
// the cycles a gathered row costs besides its beats and those a tile takes besides the G = rows/S
// shifts of its drain when the drain is the bound (the slices drain in parallel; fitted to group
// sweeps of GEMV 1x4096x4096 at 50% zeros, 16x16 on 256 and 512 bits: 2 and 8).
constexpr unsigned kEstLatency = 100, kGatherRowExtra = 2, kSliceDrainExtra = 8;

unsigned ParamWords(const FcLayer& l) { return l.channel_multiplier.empty() ? 1 : 3; }

// K steps (act words) of an m tile: K, int4w ceil(K / 2) (two K steps per word and weight byte).
unsigned Steps(const FcLayer& l) { return ActSteps(l, /*structured=*/false); }

// Weight words a LOAD writes per cycle on a K-slice build (blocks::WgtWriteWords).
unsigned WriteWords(const HwParams& hw) {
  return std::min((hw.bus_bytes + hw.cols - 1) / hw.cols, std::max(1u, hw.gemv_slices));
}

// Output rows of an m tile: G = rows / S with K slices (int4w: G / 2, each in two lanes), else
// TileRows.
unsigned SkipTileRows(const HwParams& hw, const FcLayer& l, const SkipParams& sp) {
  if (sp.slices == 1) return TileRows(hw, l);
  return IsInt4w(l) ? hw.rows / sp.slices / 2 : hw.rows / sp.slices;
}

// Acc words of a tile's region: the G = rows / S words an indexed group COMPUTE with K slices
// drains a tile (at acc + t * G), else rows.
unsigned RegionWords(const HwParams& hw, const SkipParams& sp) {
  return sp.slices > 1 ? hw.rows / sp.slices : hw.rows;
}

// Words of each weight buffer (a multiple of S).
unsigned BufferWords(const HwParams& hw, const SkipParams& sp) {
  return hw.weight_words / kBuffers / sp.slices * sp.slices;
}

// Act words a piece of `len` K steps takes: its words and, with K slices, the SCAN's packed ones.
unsigned PieceWords(unsigned len, const SkipParams& sp) {
  return len + (sp.slices > 1 ? (len + sp.slices - 1) / sp.slices : 0u);
}

// n group g: its tiles, DRAM rows and chunk length.
struct Group {
  unsigned first_tile, tiles;
  unsigned wpr;        // weight words per gathered row: tiles (K slices: rounded up, WriteWords)
  uint32_t step;       // DRAM bytes per K step (a multiple of the bus width)
  uint64_t dram_base;  // row 0 (k = 0)
  unsigned entries;    // Lc: index-list entries per chunk (rows of `tiles` words in a buffer)
};

Group GroupOf(const HwParams& hw, const FcLayer& l, const Program& p, const SkipParams& sp,
              unsigned g) {
  const unsigned G = sp.group;
  Group r;
  r.first_tile = g * G;
  r.tiles = std::min(G, p.n_tiles - r.first_tile);
  r.step = static_cast<uint32_t>(AlignUp(uint64_t{r.tiles} * hw.cols, hw.bus_bytes));
  const uint64_t full_step = AlignUp(uint64_t{G} * hw.cols, hw.bus_bytes);
  r.dram_base = p.weight_addr + uint64_t{g} * Steps(l) * full_step;
  const unsigned s = sp.slices;
  r.wpr = s > 1 ? (r.tiles + WriteWords(hw) - 1) / WriteWords(hw) * WriteWords(hw) : r.tiles;
  // Sliced: ceil(L / S) rows of wpr * S words fit a buffer; L a multiple of S.
  r.entries = std::min({BufferWords(hw, sp) / (r.wpr * s) * s, sp.piece, kMaxField16 / s * s});
  return r;
}

// One chunk of a group's pass over one act piece.
struct Chunk {
  unsigned g, pass;  // group, and the (m tile, group) pass that owns the acc set
  unsigned k0;       // first K step of the piece
  unsigned j0, len;  // index-list entries [j0, j0 + len)
  bool first, last;  // the pass's first (initialises the regions) and last chunk
};

// An act piece with its SCAN and the chunks that use its index list.
struct Epoch {
  unsigned mt, k0, len;
  std::vector<Chunk> chunks;
};

class SkipCommands {
 public:
  SkipCommands(const HwParams& hw, const FcLayer& l, const Program& p, const OsFormat& f)
      : hw_(hw),
        l_(l),
        p_(p),
        sp_(std::get<SkipParams>(p.params)),
        f_(f),
        s_(ParamWords(l)),
        groups_((p.n_tiles + sp_.group - 1) / sp_.group) {}

  std::vector<Command> Build() {
    const std::vector<Epoch> epochs = Epochs();
    std::vector<bool> act_ahead(epochs.size(), false);
    for (size_t e = 0; e < epochs.size(); ++e) {
      const bool next_ahead = EmitEpoch(epochs, e, act_ahead[e]);
      if (e + 1 < epochs.size()) act_ahead[e + 1] = next_ahead;
    }
    while (!pending_.empty()) PopStore();
    return std::move(out_);
  }

 private:
  struct Pending {
    Command store;
    unsigned lo, hi, plo, phi;  // acc words it reads: its region and its group's parameters
  };

  unsigned Half(unsigned words) const { return words / 2; }
  unsigned Set(unsigned pass) const { return pass % sp_.acc_groups; }
  unsigned ParamBase(unsigned set) const { return set * sp_.group * s_; }
  unsigned RegionBase(unsigned set) const {
    return sp_.acc_groups * sp_.group * s_ + set * sp_.group * RegionWords(hw_, sp_);
  }
  uint16_t ActBase(size_t epoch) const {
    return static_cast<uint16_t>(sp_.double_buffer ? (epoch % 2) * Half(hw_.act_words) : 0);
  }

  std::vector<Epoch> Epochs() const {
    const unsigned K = Steps(l_), piece = sp_.piece;
    const unsigned pieces = (K + piece - 1) / piece;
    // With several pieces, the groups whose acc sets fit at once share each piece's SCAN.
    const unsigned block = pieces == 1 ? groups_ : sp_.acc_groups;
    std::vector<Epoch> epochs;
    for (unsigned mt = 0; mt < p_.m_tiles; ++mt) {
      for (unsigned g0 = 0; g0 < groups_; g0 += block) {
        const unsigned g1 = std::min(groups_, g0 + block);
        for (unsigned pc = 0; pc < pieces; ++pc) {
          Epoch e{mt, pc * piece, std::min(piece, K - pc * piece), {}};
          const unsigned per_group = (kMinChunks + (g1 - g0) - 1) / (g1 - g0);
          const unsigned cap = std::max(kMinChunkEntries, (e.len + per_group - 1) / per_group);
          for (unsigned g = g0; g < g1; ++g) {
            // FP8: one chunk per tile (a chunk past the list's end would not drain).
            unsigned lc = IsFp8(l_) ? e.len : std::min(cap, GroupOf(hw_, l_, p_, sp_, g).entries);
            if (sp_.slices > 1) lc = std::max(sp_.slices, lc / sp_.slices * sp_.slices);
            for (unsigned j0 = 0; j0 < e.len; j0 += lc) {
              const unsigned len = std::min(lc, e.len - j0);
              e.chunks.push_back({g, mt * groups_ + g, e.k0, j0, len, pc == 0 && j0 == 0,
                                  pc + 1 == pieces && j0 + len == e.len});
            }
          }
          epochs.push_back(std::move(e));
        }
      }
    }
    return epochs;
  }

  // Emits epoch e; returns true when it also loaded epoch e + 1's activations.
  bool EmitEpoch(const std::vector<Epoch>& epochs, size_t e, bool act_loaded) {
    const Epoch& ep = epochs[e];
    const int8_t zp = IsFp8(l_) ? 0 : static_cast<int8_t>(l_.input_zero_point);
    // int4w: m tiles of rows / 2 output rows, each in two lanes (its even and odd K).
    const unsigned tile_rows = SkipTileRows(hw_, l_, sp_), m0 = ep.mt * tile_rows;
    const unsigned rows = std::min<unsigned>(tile_rows, static_cast<unsigned>(l_.M) - m0);
    const unsigned lanes = IsInt4w(l_) ? 2 * rows : rows;
    if (!act_loaded) LoadAct(ep, ActBase(e));
    Command scan =
        EncodeScan(ActBase(e), static_cast<uint16_t>(ep.len), zp, static_cast<uint8_t>(lanes));
    if (IsFp8(l_)) cmd::Set(scan, cmd::FieldOf(contract::kOpScan, "fp8"), 1);  // +-0 lanes
    if (sp_.slices > 1) cmd::Set(scan, cmd::FieldOf(contract::kOpScan, "slices"), LogS());
    out_.push_back(scan);
    // The next epoch's activations go into the other act half during this epoch's last group.
    const bool ahead = sp_.double_buffer && e + 1 < epochs.size();
    const unsigned last_g = ep.chunks.back().g;
    // Gathers run kBuffers - 1 chunks ahead of the COMPUTEs, round the weight buffers.
    std::vector<uint16_t> bufs(ep.chunks.size());
    for (uint16_t& b : bufs) b = NextBuffer();
    const size_t lead = kBuffers - 1;
    for (size_t i = 0; i < std::min(lead, ep.chunks.size()); ++i) Gather(ep.chunks[i], bufs[i]);
    for (size_t i = 0; i < ep.chunks.size(); ++i) {
      const Chunk& ch = ep.chunks[i];
      const Group grp = GroupOf(hw_, l_, p_, sp_, ch.g);
      const unsigned set = Set(ch.pass), region = RegionBase(set);
      FlushReading(region, region + grp.wpr * RegionWords(hw_, sp_));
      if (IsFp8(l_)) {
        // FP8: a group of one tile, one chunk: (the bias, loaded into the PEs, then) one indexed
        // COMPUTE over the whole list that drains, never accumulating.
        if (f_.bias_slots > 0) BiasLoad(grp, ActBase(e), static_cast<uint16_t>(region));
        out_.push_back(EncodeIndexedCompute(
            f_.bias_slots == 0, true, false, bufs[i], static_cast<uint16_t>(ch.len),
            static_cast<uint16_t>(ch.j0), 1, zp, static_cast<uint16_t>(region)));
      } else {
        // One group COMPUTE: every tile of the group over the chunk's entries (K slices: the wpr
        // tiles of the sliced layout, the ones past the group's draining zeros).
        Command c =
            EncodeIndexedCompute(true, true, !ch.first, bufs[i], static_cast<uint16_t>(ch.len),
                                 static_cast<uint16_t>(ch.j0), static_cast<uint8_t>(grp.wpr), zp,
                                 static_cast<uint16_t>(region), /*group=*/true);
        if (sp_.slices > 1) cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "slices"), LogS());
        out_.push_back(c);
      }
      if (!p_.overlap) out_.push_back(EncodeSync());
      for (unsigned k = 0; k < kStoresPerChunk; ++k) PopStore();
      if (i + lead < ep.chunks.size()) Gather(ep.chunks[i + lead], bufs[i + lead]);
      if (ch.first && !IsFp8(l_)) LoadParams(grp, set);
      if (ahead && ch.g == last_g && ch.j0 == 0) LoadAct(epochs[e + 1], ActBase(e + 1));
      if (ch.last) {
        for (unsigned t = 0; t < grp.tiles; ++t) PushStore(grp, set, t, m0, rows);
      }
    }
    return ahead;
  }

  void LoadAct(const Epoch& ep, uint16_t base) {
    const uint64_t tile_bytes = uint64_t{Steps(l_)} * hw_.rows;
    out_.push_back(EncodeLoad(contract::kTargetAct, base, static_cast<uint16_t>(ep.len), 1,
                              ep.len * hw_.rows,
                              p_.act_addr + ep.mt * tile_bytes + uint64_t{ep.k0} * hw_.rows));
  }

  // The weight buffers are used round-robin, one per chunk.
  uint16_t NextBuffer() {
    return static_cast<uint16_t>((chunks_++ % kBuffers) * BufferWords(hw_, sp_));
  }

  unsigned LogS() const {
    unsigned l = 0;
    while ((1u << l) < sp_.slices) ++l;
    return l;
  }

  // The gather LOAD of a chunk's entries into the weight buffer at `buf`.
  void Gather(const Chunk& ch, uint16_t buf) {
    const Group grp = GroupOf(hw_, l_, p_, sp_, ch.g);
    Command c = EncodeGatherLoad(buf, static_cast<uint16_t>(grp.wpr), static_cast<uint16_t>(ch.len),
                                 static_cast<uint16_t>(ch.j0), grp.step,
                                 grp.dram_base + uint64_t{ch.k0} * grp.step);
    if (sp_.slices > 1) cmd::Set(c, cmd::FieldOf(contract::kOpLoad, "sliced"), 1);
    out_.push_back(c);
  }

  // FP8 with a bias: the tile's 4 bias words into the next bias slot (weight words above the
  // buffers), then a bias_load COMPUTE of them (its act words, read and ignored, at `act`).
  void BiasLoad(const Group& grp, uint16_t act, uint16_t region) {
    const uint16_t slot = static_cast<uint16_t>(f_.bias_word + (bias_loads_++ % f_.bias_slots) * 4);
    out_.push_back(EncodeLoad(contract::kTargetWeight, slot, 4, 1, 4 * hw_.cols,
                              p_.bias_addr + uint64_t{grp.first_tile} * 4 * hw_.cols));
    Command c =
        EncodeCompute(false, false, std::min<uint16_t>(act, hw_.act_words - 4), slot, 4, 0, region);
    cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "bias_load"), 1);
    out_.push_back(c);
    if (!p_.overlap) out_.push_back(EncodeSync());
  }

  // A group's parameters: its bias words in one LOAD, per channel its multiplier and shift words
  // (two per tile, as in DRAM) in another.
  void LoadParams(const Group& grp, unsigned set) {
    const unsigned base = ParamBase(set);
    FlushReading(base, base + grp.tiles * s_);
    const uint64_t acc_bytes = hw_.AccWordBytes();
    out_.push_back(EncodeLoad(
        contract::kTargetAcc, static_cast<uint16_t>(base), static_cast<uint16_t>(grp.tiles), 1,
        static_cast<uint32_t>(grp.tiles * acc_bytes), p_.bias_addr + grp.first_tile * acc_bytes));
    if (s_ == 3) {
      out_.push_back(EncodeLoad(contract::kTargetAcc, static_cast<uint16_t>(base + grp.tiles),
                                static_cast<uint16_t>(2 * grp.tiles), 1,
                                static_cast<uint32_t>(2 * grp.tiles * acc_bytes),
                                p_.quant_addr + grp.first_tile * 2 * acc_bytes));
    }
  }

  void PushStore(const Group& grp, unsigned set, unsigned t, unsigned m0, unsigned rows) {
    const unsigned n0 = (grp.first_tile + t) * hw_.cols;
    const unsigned bytes = std::min<unsigned>(hw_.cols, static_cast<unsigned>(l_.N) - n0);
    const unsigned rw = RegionWords(hw_, sp_);
    const unsigned region = RegionBase(set) + t * rw, pbase = ParamBase(set);
    const int quant = s_ == 3 ? static_cast<int>(pbase + grp.tiles + 2 * t) : -1;
    pending_.push_back({TileStore(l_, p_, static_cast<uint16_t>(region), rows, bytes,
                                  static_cast<uint16_t>(pbase + t), m0, n0, quant),
                        region, region + rw, pbase, pbase + grp.tiles * s_});
  }

  void PopStore() {
    if (pending_.empty()) return;
    out_.push_back(pending_.front().store);
    if (!p_.overlap) out_.push_back(EncodeSync());
    pending_.pop_front();
  }

  // Before a command writes acc words [lo, hi): every pending STORE that reads them (and the
  // ones queued before it) goes first.
  void FlushReading(unsigned lo, unsigned hi) {
    size_t n = 0;
    for (size_t i = 0; i < pending_.size(); ++i) {
      const Pending& q = pending_[i];
      if ((q.lo < hi && lo < q.hi) || (q.plo < hi && lo < q.phi)) n = i + 1;
    }
    while (n-- > 0) PopStore();
  }

  const HwParams& hw_;
  const FcLayer& l_;
  const Program& p_;
  const SkipParams& sp_;
  const OsFormat f_;  // FP8: the bias slots
  const unsigned s_, groups_;
  unsigned chunks_ = 0, bias_loads_ = 0;
  std::deque<Pending> pending_;
  std::vector<Command> out_;
};

// The most K steps a piece may have in `words` act words (with K slices, its packed words too).
unsigned PieceFor(unsigned words, const SkipParams& sp) {
  unsigned len = words / (sp.slices + 1) * sp.slices;  // S*q steps take (S + 1)*q words
  while (PieceWords(len + 1, sp) <= words) ++len;
  return std::min(len, kMaxField16);
}

// K slices on this hardware and layer: gemv_slices > 1, int8 or int4w, cols dividing the bus
// (the sliced gather's beats hold whole words) and an m tile of G = rows / S output rows
// (int4w: G even, G / 2 output rows) holding M (or batched m tiles).
bool SlicedSkip(const HwParams& hw, const FcLayer& l, const DriverOptions& opts) {
  const unsigned s = hw.gemv_slices;
  if (s < 2 || IsFp8(l) || hw.bus_bytes % hw.cols != 0 || hw.rows % s != 0) return false;
  const unsigned g = hw.rows / s;
  if (IsInt4w(l) && g % 2 != 0) return false;
  const unsigned tile_rows = IsInt4w(l) ? g / 2 : g;
  return opts.zero_skip_batched || static_cast<unsigned>(l.M) <= tile_rows;
}

// Tiles, act pieces and n groups; false when the zero-skip buffers do not fit the scratchpads.
// sp->slices is set (1 or gemv_slices).
bool PlanSkip(const HwParams& hw, const FcLayer& l, Program* p, SkipParams* sp) {
  if (hw.weight_stationary || hw.rows > kMaxLanes || hw.weight_words < kBuffers * sp->slices) {
    return false;
  }
  const unsigned K = Steps(l), tile_rows = SkipTileRows(hw, l, *sp);
  p->m_tiles = (static_cast<unsigned>(l.M) + tile_rows - 1) / tile_rows;
  p->n_tiles = (static_cast<unsigned>(l.N) + hw.cols - 1) / hw.cols;
  // Act pieces: all of K in one half (the next m tile loads into the other), else all of K in
  // the whole scratchpad (one SCAN per m tile), else pieces of at most half of it.
  const unsigned half = PieceFor(hw.act_words / 2, *sp), whole = PieceFor(hw.act_words, *sp);
  if (K <= half) {
    sp->piece = K;
    sp->double_buffer = true;
  } else if (K <= whole) {
    sp->piece = K;
    sp->double_buffer = false;
  } else {
    if (half == 0) return false;
    const unsigned pieces = (K + half - 1) / half;
    sp->piece = (K + pieces - 1) / pieces;
    sp->double_buffer = true;
  }
  // Groups: a burst of weights per K step, as many as the acc scratchpad holds regions and
  // parameters for (two groups' worth when they fit) and a weight buffer holds rows for.
  const unsigned s = ParamWords(l);
  const unsigned burst_tiles = (hw.max_burst * hw.bus_bytes + hw.cols - 1) / hw.cols;
  // FP8: groups of one tile (each tile's sum continues in the PEs, not in a group COMPUTE).
  const unsigned gmax = IsFp8(l) ? 1u
                                 : std::min({std::max(burst_tiles, 1u), p->n_tiles, kMaxStride,
                                             hw.weight_words / kBuffers});
  // K slices: groups of a multiple of the words a LOAD writes per cycle (the gathered rows).
  const unsigned gstep = sp->slices > 1 ? WriteWords(hw) : 1u;
  double best_rate = 0;
  for (unsigned g = std::max(gstep, gmax / gstep * gstep); g >= gstep; g -= gstep) {
    if (BufferWords(hw, *sp) < g * sp->slices) continue;  // a buffer holds one row of S ways
    const uint64_t per_group = uint64_t{g} * (RegionWords(hw, *sp) + s);
    // More sets than groups + 1 buy nothing; acc addresses are 16-bit fields.
    const unsigned groups = (p->n_tiles + g - 1) / g;
    const uint64_t sets = std::min<uint64_t>(
        {hw.acc_words / per_group, (uint64_t{kMaxField16} + 1) / per_group, uint64_t{groups} + 1});
    if (sets < 1) continue;
    SkipParams c = *sp;
    c.group = g;
    c.acc_groups = static_cast<unsigned>(sets);
    c.entries = GroupOf(hw, l, *p, c, 0).entries;
    if (sp->slices == 1) {
      // The largest group whose acc sets fit: one burst per K step.
      *sp = c;
      p->k_chunk = sp->entries;
      // FP8: all of K in one piece and one chunk (one SCAN and one COMPUTE per tile).
      return !IsFp8(l) || (sp->piece == K && sp->entries >= K);
    }
    // K slices: a chunk's COMPUTE takes S entries a step but drains every tile, so short chunks
    // of wide groups are drain-bound and narrow groups' short bursts latency-bound. Take the
    // group with the most entry-tiles per cycle: chunk gather (at the rate its bursts in flight
    // sustain over the design latency) against chunk compute.
    const double dg = static_cast<double>(g), de = static_cast<double>(c.entries);
    const double beats = std::ceil(dg * hw.cols / hw.bus_bytes);
    const double rate = std::min(1.0, hw.max_outstanding * beats / kEstLatency);
    const double gather = de * (beats + kGatherRowExtra) / rate;
    const double compute =
        dg *
        std::max(de / sp->slices + 2, static_cast<double>(hw.rows / sp->slices + kSliceDrainExtra));
    // A quarter of margin on the compute: gathers and COMPUTEs do not overlap perfectly.
    const double tiles_per_cycle = de * dg / std::max(gather, 1.25 * compute);
    if (tiles_per_cycle > best_rate) {
      best_rate = tiles_per_cycle;
      *sp = c;
    }
  }
  if (best_rate == 0) return false;
  p->k_chunk = sp->entries;
  return true;
}

// [m_tile][K][rows] act words: lane j of m tile mt is row mt * tile_rows + j (the zero point past
// the tile or M). K slices: tiles of G rows (int4w: lane j < G is output row mt * G/2 + j / 2 at
// K step 2 * step + j % 2, the SCAN packing lanes [0, G) of S entries); else
// WriteBlockedActivations' layout.
void WriteSkipActivations(const HwParams& hw, const FcLayer& l, const Program& p,
                          const SkipParams& sp, uint8_t* dst) {
  if (sp.slices == 1) {
    WriteBlockedActivations(hw, l, p.m_tiles, Steps(l), dst);
    return;
  }
  const bool i4 = IsInt4w(l);
  const unsigned g = hw.rows / sp.slices, tile_rows = SkipTileRows(hw, l, sp);
  for (unsigned mt = 0; mt < p.m_tiles; ++mt) {
    for (unsigned s = 0; s < Steps(l); ++s) {
      for (unsigned j = 0; j < hw.rows; ++j) {
        const uint64_t m = uint64_t{mt} * tile_rows + (i4 ? j / 2 : j);
        const uint64_t k = i4 ? 2 * uint64_t{s} + j % 2 : s;
        *dst++ = static_cast<uint8_t>(j < g && m < static_cast<uint64_t>(l.M) &&
                                              k < static_cast<uint64_t>(l.K)
                                          ? l.input[m * l.K + k]
                                          : l.input_zero_point);
      }
    }
  }
}

uint64_t SkipWeightBytes(const HwParams& hw, const FcLayer& l, const Program& p,
                         const SkipParams& sp) {
  const unsigned groups = (p.n_tiles + sp.group - 1) / sp.group;
  const Group last = GroupOf(hw, l, p, sp, groups - 1);
  return (last.dram_base - p.weight_addr) + uint64_t{Steps(l)} * last.step;
}

// Group g, row k: w[n][k] for n = (first tile)*cols .. + tiles*cols - 1 (0 past N), then zeros up
// to the step.
void WriteWeightsSkip(const HwParams& hw, const FcLayer& l, const Program& p, const SkipParams& sp,
                      uint8_t* dst) {
  const unsigned groups = (p.n_tiles + sp.group - 1) / sp.group;
  for (unsigned g = 0; g < groups; ++g) {
    const Group grp = GroupOf(hw, l, p, sp, g);
    uint8_t* base = dst + (grp.dram_base - p.weight_addr);
    for (unsigned k = 0; k < Steps(l); ++k) {
      uint8_t* row = base + static_cast<uint64_t>(k) * grp.step;
      for (unsigned j = 0; j < grp.tiles * hw.cols; ++j) {
        const uint64_t n = uint64_t{grp.first_tile} * hw.cols + j;
        row[j] = n < static_cast<uint64_t>(l.N) ? WeightStepByte(l, n, k) : 0;
      }
    }
  }
}

// Runs when the hardware has it, the options allow it and the layer is a single m tile (or
// zero_skip_batched); fits when the zero-skip buffers do.
class SkipPlan : public Plan {
 public:
  const char* Name() const override { return "zero-skip"; }

  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) override {
    // int8, int4w and FP8 (when all of K fits one act piece and one weight buffer; else the
    // dense os plan, whose gate still skips the zero products).
    if (!hw.zero_skip || !opts.zero_skip ||
        (!opts.zero_skip_batched && l.M > static_cast<int>(TileRows(hw, l)))) {
      return false;
    }
    OsFormat f;
    const HwParams h = OsPlanHw(hw, l, &f);
    SkipParams sp;
    if (SlicedSkip(h, l, opts)) {
      sp.slices = h.gemv_slices;
      if (PlanSkip(h, l, p, &sp)) {
        p->params = sp;
        return true;
      }
      sp = SkipParams{};
    }
    // Without K slices the list saves at most the zero steps, while the K-slice plan takes S
    // steps a cycle whatever the data: a K-slice build leaves the layers it maps to it.
    if (h.gemv_slices > 1 && static_cast<unsigned>(l.M) <= h.rows / 2) return false;
    if (!PlanSkip(h, l, p, &sp)) return false;
    p->params = sp;
    return true;
  }

  // The command count comes from a first pass (the commands do not depend on addresses).
  // FP8 with a bias plans over the weight words below the bias slots (OsPlanHw).
  void Layout(const HwParams& hw0, const FcLayer& l, Program* p) const override {
    OsFormat f;
    const HwParams hw = OsPlanHw(hw0, l, &f);
    const SkipParams& sp = std::get<SkipParams>(p->params);
    Regions r = ParamRegions(hw, l, *p);
    r.cmd_count = Commands(hw0, l, *p).size();
    r.act = static_cast<uint64_t>(p->m_tiles) * hw.rows * Steps(l);
    r.weight = SkipWeightBytes(hw, l, *p, sp);
    LayOut(hw, r, p);
    WriteParams(hw, l, p);
    WriteSkipActivations(hw, l, *p, sp, p->dram.data() + p->act_addr);
    WriteWeightsSkip(hw, l, *p, sp, p->dram.data() + p->weight_addr);
  }

  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    OsFormat f;
    const HwParams h = OsPlanHw(hw, l, &f);
    return SkipCommands(h, l, p, f).Build();
  }
};

}  // namespace

std::unique_ptr<Plan> MakeSkipPlan() { return std::make_unique<SkipPlan>(); }

}  // namespace salsa
