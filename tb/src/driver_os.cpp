// The output-stationary plan ("os"): activations resident (per block of m tiles) or streamed in
// K chunks, and the DRAM layout and command list it shares with the K-split and 2:4 plans.
#include <algorithm>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr unsigned kMaxField16 = 0xFFFF;

// [n_tile][steps][cols]; int4w: [n_tile][ceil(K / 2)][cols] of packed bytes (WeightStepByte);
// steps past the layer's (K slices: padding up to S * ceil(K / S)) hold zero weights.
void WriteBlockedWeights(const HwParams& hw, const FcLayer& l, unsigned n_tiles, unsigned steps,
                         uint8_t* dst) {
  const unsigned real = ActSteps(l, /*structured=*/false);
  for (unsigned nt = 0; nt < n_tiles; ++nt) {
    for (unsigned k = 0; k < steps; ++k) {
      for (unsigned j = 0; j < hw.cols; ++j) {
        const uint64_t n = static_cast<uint64_t>(nt) * hw.cols + j;
        *dst++ = n < static_cast<uint64_t>(l.N) && k < real ? WeightStepByte(l, n, k) : 0;
      }
    }
  }
}

// The os plan: always fits (on output-stationary hardware).
class OsPlan : public Plan {
 public:
  const char* Name() const override { return "os"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions&, Program* p) override {
    if (hw.weight_stationary) return false;
    OsFormat f;
    const HwParams h = OsPlanHw(hw, l, &f);
    OsParams os;
    PlanOs(h, l, /*structured=*/false, p, &os);
    p->params = os;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    OsFormat f;
    const HwParams h = OsPlanHw(hw, l, &f);
    LayOut(h, OsRegions(h, l, false, *p), p);
    WriteParams(h, l, p);
    WriteOsOperands(h, l, f, p);
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    OsFormat f;
    const HwParams h = OsPlanHw(hw, l, &f);
    return TileCommands(h, l, p, std::get<OsParams>(p.params), f);
  }
};

}  // namespace

std::unique_ptr<Plan> MakeOsPlan() { return std::make_unique<OsPlan>(); }

HwParams OsPlanHw(const HwParams& hw, const FcLayer& l, OsFormat* f) {
  HwParams h = hw;
  if (IsFp8(l) && !l.bias_fp32.empty()) {  // CheckLayer: weight_words >= 5 (GemvPlan: >= 6S)
    // A slot is 4 bias words, with S K slices 4S (S-aligned: word S*i holds byte i, the other
    // S - 1 words zeros, so only slice 0's rows start from the bias).
    const unsigned s = f->slices, slot = 4 * s;
    h.weight_words = hw.weight_words / s * s;
    f->bias_slots = h.weight_words >= 4 * slot ? 2 : 1;
    h.weight_words -= slot * f->bias_slots;
    f->bias_word = h.weight_words;
  }
  return h;
}

AccLayout ChooseAccLayout(const HwParams& hw, bool per_channel, unsigned region_words) {
  const unsigned s = per_channel ? 3 : 1, r = region_words != 0 ? region_words : hw.rows;
  for (const auto& [regions, slots] : {std::pair{2u, 3u}, {2u, 2u}, {2u, 1u}, {1u, 2u}}) {
    if (regions * r + slots * s <= hw.acc_words) return {s, slots, regions};
  }
  return {s, 1, 1};
}

unsigned ActHalf(const HwParams& hw, bool structured) {
  return structured ? hw.act_words / 2 & ~1u : hw.act_words / 2;
}

unsigned WeightHalf(const HwParams& hw, bool structured, unsigned slices) {
  return structured ? hw.weight_words / 2 & ~3u : hw.weight_words / 2 / slices * slices;
}

unsigned ActSteps(const FcLayer& l, bool structured, unsigned slices) {
  const unsigned K = static_cast<unsigned>(l.K);
  const uint64_t packed = IsInt4w(l) ? (K + 1) / 2 : K;  // int4w: two K steps per byte
  return structured ? (K + 7) / 8 * 8 : (packed + slices - 1) / slices;
}

bool PlanOs(const HwParams& hw, const FcLayer& l, bool structured, Program* p, OsParams* os,
            unsigned slices) {
  const unsigned tile_rows = OsTileRows(hw, l, slices);
  p->m_tiles = (l.M + tile_rows - 1) / tile_rows;
  p->n_tiles = (l.N + hw.cols - 1) / hw.cols;
  // Double buffering halves what a K chunk or an act block may use (when a scratchpad has 2+
  // words).
  os->double_buffer = hw.act_words >= 2 && hw.weight_words >= 2;
  const unsigned act_cap = os->double_buffer ? ActHalf(hw, structured) : hw.act_words;
  const unsigned weight_cap = os->double_buffer ? WeightHalf(hw, structured, slices)
                              : structured      ? hw.weight_words & ~3u
                                                : hw.weight_words;
  const uint64_t K = ActSteps(l, structured, slices);
  const unsigned wdiv = structured ? 2 : 1;  // act words per weight word
  // Activations stay resident when all of K fits: every m tile at once if they all fit in the
  // whole scratchpad (one block), else blocks of as many m tiles as fit in one half.
  if (K <= kMaxField16 && uint64_t{p->m_tiles} * K <= hw.act_words) {
    os->act_resident = true;
    os->m_block = p->m_tiles;
  } else if (os->double_buffer && K <= act_cap) {
    os->act_resident = true;
    os->m_block = static_cast<unsigned>(act_cap / K);
  } else {
    os->act_resident = false;
    os->m_block = 1;
  }
  p->k_chunk = static_cast<unsigned>(
      std::min<uint64_t>({K, uint64_t{weight_cap} * wdiv / slices, kMaxField16}));
  if (!os->act_resident) p->k_chunk = std::min(p->k_chunk, act_cap);
  if (structured) p->k_chunk -= p->k_chunk % 8;  // whole meta words (eight act words)
  // Low precision: chunks of equal size. A greedy split leaves a short last chunk (an FP8 bias
  // slot takes 4 or 8 weight words, so K = 4096 became 2044 + 2044 + 8), and a short chunk cannot
  // hide the latency of the next chunk's LOAD (GEMV 1x4096x4096: 1.64 M cycles instead of 1.13 M).
  // int8 keeps the greedy split (its programs are pinned; see driver_lowp_test.cpp).
  if (l.prec != contract::kPrecInt8 && p->k_chunk > 0 && p->k_chunk < K) {
    const uint64_t chunks = (K + p->k_chunk - 1) / p->k_chunk;
    p->k_chunk = static_cast<unsigned>((K + chunks - 1) / chunks);
  }
  return p->k_chunk > 0;
}

Regions OsRegions(const HwParams& hw, const FcLayer& l, bool structured, const Program& p,
                  unsigned slices) {
  const uint64_t K = ActSteps(l, structured, slices);
  // Per tile at most: 2 parameter LOADs, 2 LOADs (2:4: 3 with the meta), a COMPUTE and a SYNC per
  // K chunk, a STORE and a SYNC, plus the loads issued ahead (2:4: the meta too).
  const uint64_t k_chunks = (K + p.k_chunk - 1) / p.k_chunk;
  // FP8: a bias_load COMPUTE and its SYNC.
  const uint64_t per_tile = (structured ? 8 + 5 * k_chunks : 6 + 4 * k_chunks) + (IsFp8(l) ? 2 : 0);
  Regions r = ParamRegions(hw, l, p);
  if (IsFp8(l)) r.bias *= slices;  // FP8 bias slots of 4S words
  r.cmd_count = uint64_t{p.m_tiles} * p.n_tiles * per_tile + 4;
  r.act = static_cast<uint64_t>(p.m_tiles) * hw.rows * K;
  r.weight = structured ? AlignUp(Weight24Bytes(hw, l, p), kRegionAlign) + Meta24Bytes(hw, l, p)
                        : static_cast<uint64_t>(p.n_tiles) * hw.cols * K * slices;
  return r;
}

void WriteOsOperands(const HwParams& hw, const FcLayer& l, const OsFormat& f, Program* p) {
  const unsigned steps = ActSteps(l, f.structured, f.slices);
  WriteBlockedActivations(hw, l, p->m_tiles, steps, p->dram.data() + p->act_addr, f.slices);
  if (f.structured) {
    WriteWeights24(hw, l, *p, p->dram.data() + p->weight_addr, p->dram.data() + f.meta_addr);
  } else {
    WriteBlockedWeights(hw, l, p->n_tiles, steps * f.slices, p->dram.data() + p->weight_addr);
  }
}

// The command list. The hardware runs COMPUTE and STORE while later commands are fetched and
// issued, holding back any command that touches a scratchpad range a running unit still uses,
// so the order below only has to be correct sequentially; it is chosen so that loads overlap
// compute:
// - when a block of m tiles fits in the act scratchpad with all of K (`act_resident`), their
//   activations are loaded once (interleaved with the first n tile's computes) and reused for
//   every n tile; blocks alternate between the two act halves;
// - when an n tile's weights fit in half the weight scratchpad they are loaded once per block
//   and reused by all its m tiles; otherwise K chunks alternate between the halves;
// - the next n tile's weights and parameters are loaded right after the current n tile's first
//   COMPUTE, so they stream in while its remaining tiles compute;
// - each tile's STORE is deferred until just after the next tile's first COMPUTE, so the
//   sequencer waits for the drain while the array is busy (before it, with a single acc region).
// The 2:4 plan (f.structured) is the same list over K padded to a multiple of 8 act words, with
// half as many weight words per chunk, a meta LOAD of the same words beside each weight LOAD
// and 2:4 COMPUTEs of half the chunk's act words.
std::vector<Command> TileCommands(const HwParams& hw, const FcLayer& l, const Program& p,
                                  const OsParams& os, const OsFormat& f) {
  std::vector<Command> cmds;
  const unsigned K = ActSteps(l, f.structured, f.slices);  // act words per m tile
  const unsigned wdiv = f.structured ? 2 : 1;              // act words per weight (and meta) word
  const unsigned wmul = f.slices;                          // K slices: weight words per act word
  const uint64_t act_row = uint64_t{K} * hw.rows;          // bytes per m tile
  const uint64_t weight_row = uint64_t{K / wdiv} * wmul * hw.cols;    // bytes per n tile
  const uint64_t meta_row = uint64_t{K / wdiv} * hw.MetaStepBytes();  // 2:4: per n tile
  const bool per_channel = !l.channel_multiplier.empty();
  const unsigned tile_rows = OsTileRows(hw, l, f.slices);  // output rows per m tile
  const AccLayout acc = ChooseAccLayout(hw, per_channel, tile_rows);
  const unsigned weight_half = os.double_buffer ? WeightHalf(hw, f.structured, f.slices) : 0;
  const unsigned act_half = os.double_buffer ? ActHalf(hw, f.structured) : 0;
  const bool weights_once = p.k_chunk >= K;  // an n tile's weights are one chunk
  const int8_t zp = IsFp8(l) ? 0 : static_cast<int8_t>(l.input_zero_point);
  const bool fp8_bias = f.bias_slots > 0;
  unsigned log_s = 0;  // the COMPUTEs' slices field
  while ((1u << log_s) < f.slices) ++log_s;
  unsigned weight_loads = 0, param_loads = 0, tile = 0, act_chunks = 0;
  std::vector<Command> pending_store;
  auto flush = [&] {
    cmds.insert(cmds.end(), pending_store.begin(), pending_store.end());
    pending_store.clear();
  };
  // The weights of act words [k0, k0 + kt) of n tile nt (2:4: and their positions, at the same
  // meta words).
  auto load_weights = [&](unsigned nt, unsigned k0, unsigned kt) {
    const uint16_t buf = static_cast<uint16_t>((weight_loads++ % 2) * weight_half);
    const unsigned words = kt / wdiv * wmul, w0 = k0 / wdiv * wmul;
    cmds.push_back(EncodeLoad(contract::kTargetWeight, buf, static_cast<uint16_t>(words), 1,
                              words * hw.cols,
                              p.weight_addr + nt * weight_row + uint64_t{w0} * hw.cols));
    if (f.structured) {
      // Meta words hold four weight words' positions: chunks are whole meta words (K chunks
      // and Kp are multiples of 8 act words, weight buffers multiples of 4 words).
      const unsigned mw = words / 4, mb = hw.MetaWordBytes();
      cmds.push_back(EncodeLoad(contract::kTargetMeta, static_cast<uint16_t>(buf / 4),
                                static_cast<uint16_t>(mw), 1, mw * mb,
                                f.meta_addr + nt * meta_row + uint64_t{w0} * hw.MetaStepBytes()));
    }
    return buf;
  };
  // The parameter slot of n tile nt: with a single slot, a pending STORE still reads it.
  // FP8 with a bias: n tile nt's 4 bias words into the next bias slot, whose weight word it
  // returns.
  auto load_params = [&](unsigned nt) {
    if (fp8_bias) {
      const unsigned words = 4 * f.slices;  // a slot
      const uint16_t buf =
          static_cast<uint16_t>(f.bias_word + (param_loads++ % f.bias_slots) * words);
      cmds.push_back(EncodeLoad(contract::kTargetWeight, buf, static_cast<uint16_t>(words), 1,
                                words * hw.cols, p.bias_addr + uint64_t{nt} * words * hw.cols));
      return buf;
    }
    if (acc.slots == 1) flush();
    const uint16_t slot = acc.Slot(param_loads++);
    PushParamLoads(hw, l, p, nt, slot, &cmds);
    return slot;
  };
  const unsigned blocks = (p.m_tiles + os.m_block - 1) / os.m_block;
  // Loads for (block, nt) that were issued ahead, during the previous n tile.
  bool weights_ahead = false, params_ahead = false;
  uint16_t ahead_wbuf = 0, ahead_slot = 0;
  bool next_act_ahead = false;  // the next block's activations were loaded during this one
  // K slices with K chunks: each chunk's weight LOAD goes before the previous chunk's COMPUTE
  // (into the other half), so the in-order sequencer never holds it behind a COMPUTE that waits
  // for its own weights, and the weight stream keeps the bus busy.
  const bool chunk_ahead = f.slices > 1 && !weights_once && os.double_buffer;
  // K slices, an n tile's weights in one chunk: the next n tile's weight LOAD goes before this
  // n tile's COMPUTE, for the same reason. After it, the sequencer would issue it only once this
  // COMPUTE's weights had landed, and every n tile would pay a DRAM latency with the bus idle.
  // Before it, the LOAD waits only for the previous COMPUTE to stop reading that half, which
  // happens while this n tile's weights still stream in.
  const bool tile_ahead = f.slices > 1 && weights_once && os.double_buffer;
  bool chunk_loaded = false;
  uint16_t chunk_buf = 0;
  for (unsigned b = 0; b < blocks; ++b) {
    const unsigned mt0 = b * os.m_block, mt1 = std::min(p.m_tiles, mt0 + os.m_block);
    const uint16_t act_base = static_cast<uint16_t>((b % 2) * act_half);
    const bool act_ahead = next_act_ahead;
    next_act_ahead = false;
    for (unsigned nt = 0; nt < p.n_tiles; ++nt) {
      const unsigned n0 = nt * hw.cols;
      uint16_t wbuf = ahead_wbuf, slot = ahead_slot;
      if (weights_once && !weights_ahead) wbuf = load_weights(nt, 0, K);
      if (!params_ahead) slot = load_params(nt);
      weights_ahead = params_ahead = false;
      for (unsigned mt = mt0; mt < mt1; ++mt, ++tile) {
        const unsigned m0 = mt * tile_rows;
        const uint16_t region = acc.Region(tile, tile_rows);
        for (unsigned k0 = 0; k0 < K; k0 += p.k_chunk) {
          const unsigned kt = std::min(p.k_chunk, K - k0);
          uint16_t abuf;
          if (os.act_resident) {
            abuf = static_cast<uint16_t>(act_base + (mt - mt0) * K + k0);
            if (nt == 0 && k0 == 0 && !act_ahead) {
              cmds.push_back(EncodeLoad(contract::kTargetAct, static_cast<uint16_t>(abuf), K, 1,
                                        act_row, p.act_addr + mt * act_row));
            }
          } else {
            abuf = static_cast<uint16_t>((act_chunks++ % 2) * act_half);
            cmds.push_back(EncodeLoad(contract::kTargetAct, abuf, kt, 1, kt * hw.rows,
                                      p.act_addr + mt * act_row + uint64_t{k0} * hw.rows));
          }
          const uint16_t w = weights_once   ? wbuf
                             : chunk_loaded ? chunk_buf
                                            : load_weights(nt, k0, kt);
          if (chunk_ahead) {
            // The next chunk: this tile's, else the first of the next m tile, n tile or block.
            const bool more = k0 + kt < K || mt + 1 < mt1 || nt + 1 < p.n_tiles || b + 1 < blocks;
            const unsigned next_nt = k0 + kt < K || mt + 1 < mt1 ? nt
                                     : nt + 1 < p.n_tiles        ? nt + 1
                                                                 : 0;
            const unsigned next_k0 = k0 + kt < K ? k0 + kt : 0;
            chunk_loaded = more;
            if (more) chunk_buf = load_weights(next_nt, next_k0, std::min(p.k_chunk, K - next_k0));
          }
          const bool first = k0 == 0, last = k0 + kt == K;
          const bool next_exists = nt + 1 < p.n_tiles || b + 1 < blocks;
          const unsigned next_nt = nt + 1 < p.n_tiles ? nt + 1 : 0;
          if (tile_ahead && mt == mt0 && first && next_exists) {
            ahead_wbuf = load_weights(next_nt, 0, K);
            weights_ahead = true;
          }
          // The previous tile's STORE follows this COMPUTE (it waits for the previous drain,
          // which this COMPUTE no longer has to), unless they share the one acc region.
          if (acc.regions == 1) flush();
          if (first && fp8_bias) {
            // The PEs start from the bias (4 steps over the bias words; the act words are read
            // and ignored), and the chunks continue from it.
            Command c = EncodeCompute(
                false, false, static_cast<uint16_t>(std::min<unsigned>(abuf, hw.act_words - 4)),
                slot, 4, 0, region);
            cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "bias_load"), 1);
            cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "slices"), log_s);
            cmds.push_back(c);
            if (!p.overlap) cmds.push_back(EncodeSync());
          }
          cmds.push_back(f.structured
                             ? EncodeStructuredCompute(first, last, abuf, w,
                                                       static_cast<uint16_t>(kt / 2), zp, region)
                             : EncodeCompute(first && !fp8_bias, last, abuf, w, kt, zp, region));
          if (f.slices > 1)
            cmd::Set(cmds.back(), cmd::FieldOf(contract::kOpCompute, "slices"), log_s);
          if (!p.overlap) cmds.push_back(EncodeSync());
          flush();
          // Issue the next n tile's loads while this n tile's remaining m tiles (or K chunks)
          // compute: its weights when they are one chunk and have a free half, its parameters
          // when they have a free slot.
          if (!tile_ahead && mt == mt0 && last && next_exists && weights_once && os.double_buffer) {
            ahead_wbuf = load_weights(next_nt, 0, K);
            weights_ahead = true;
          }
          if (mt == mt0 && first && next_exists && acc.slots >= 2 && f.bias_slots != 1) {
            ahead_slot = load_params(next_nt);
            params_ahead = true;
          }
          // During a block's last n tile, the next block's activations go into the other half,
          // one m tile after each of this block's COMPUTEs.
          const unsigned next_mt = mt1 + (mt - mt0);
          if (os.act_resident && os.double_buffer && nt + 1 == p.n_tiles && first &&
              b + 1 < blocks && next_mt < std::min(p.m_tiles, mt1 + os.m_block)) {
            const uint16_t next_base = static_cast<uint16_t>(((b + 1) % 2) * act_half);
            cmds.push_back(EncodeLoad(contract::kTargetAct,
                                      static_cast<uint16_t>(next_base + (mt - mt0) * K), K, 1,
                                      act_row, p.act_addr + next_mt * act_row));
            next_act_ahead = true;
          }
        }
        const unsigned rows = std::min<unsigned>(tile_rows, l.M - m0);
        const unsigned bytes = std::min<unsigned>(hw.cols, l.N - n0);
        // FP8: `slot` is the bias words' weight address; the STORE's bias word is ignored.
        pending_store.push_back(
            TileStore(l, p, region, rows, bytes, fp8_bias ? uint16_t{0} : slot, m0, n0));
        if (!p.overlap) pending_store.push_back(EncodeSync());
      }
    }
  }
  flush();
  return cmds;
}

}  // namespace salsa
