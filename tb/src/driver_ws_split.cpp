// The weight-stationary K-split plan ("ws K-split"): when an m tile's activations over all K
// blocks do not fit half the act scratchpad, each n tile would otherwise re-read them block by
// block. Here K is cut into chunks of K blocks, and a chunk's activations (one strided LOAD)
// serve a block of n_block n tiles, whose weights for the chunk come in one LOAD and whose
// partial sums stay in their own acc regions until the last chunk.
#include <algorithm>
#include <tuple>

#include "driver_internal.h"

namespace salsa {
namespace {

// One chunk of K blocks [b0, b0 + n) for m tile mt and n tiles [nt0, nt1).
struct WsStep {
  unsigned mt, nt0, nt1, b0, n, block;
};

// Chunks of K blocks, m tiles and n blocks by estimated cycles (after PlanWs: p's n tiles); false
// when no block of two or more n tiles fits.
bool PlanWsSplit(const HwParams& hw, const FcLayer& l, Program* p, WsSplitParams* sp) {
  // Needs double buffering (scratchpads of 2+ words); the chunks fill the halves.
  if (hw.act_words < 2 || hw.weight_words < 2) return false;
  const unsigned act_cap = hw.act_words / 2, weight_cap = hw.weight_words / 2;
  const uint64_t kb = WsKBlocks(hw, l), M = static_cast<uint64_t>(l.M);
  const unsigned s = l.channel_multiplier.empty() ? 1 : 3;
  const uint64_t n_tiles = (static_cast<uint64_t>(l.N) + hw.cols - 1) / hw.cols;
  const uint64_t R = hw.rows, stream_min = std::min<uint64_t>(M, 2 * hw.rows + hw.cols + 4);
  const uint64_t act_total = kb * M * R, weight_total = n_tiles * kb * R * hw.cols;
  std::tuple<uint64_t, uint64_t, uint64_t> best{UINT64_MAX, 0, 0};
  unsigned best_mt = 0, best_nb = 0, best_kc = 0;
  // m tiles of ceil(M / d) rows, as long as a block's stream still hides the weight preload.
  for (uint64_t d = 1; d <= 64; ++d) {
    const uint64_t mt = std::min<uint64_t>(CeilDiv(M, d), 0xFFFF);
    if (mt < stream_min || mt > act_cap) continue;
    if (d > 1 && mt == CeilDiv(M, d - 1)) continue;
    const uint64_t m_tiles = CeilDiv(M, mt);
    for (uint64_t nb = 1; nb <= n_tiles; ++nb) {
      if (nb * mt + 2 * nb * s > hw.acc_words) break;
      uint64_t kc = std::min<uint64_t>({kb, act_cap / mt, weight_cap / (nb * R), 0xFFFF / R});
      if (kc == 0) continue;
      kc = CeilDiv(kb, CeilDiv(kb, kc));  // even chunks
      const uint64_t compute =
          m_tiles * n_tiles * kb * std::max<uint64_t>({mt, hw.rows, hw.cols, 2});
      const uint64_t traffic = act_total * CeilDiv(n_tiles, nb) + weight_total * m_tiles;
      const uint64_t est = std::max(compute, traffic * 5 / 4 / hw.bus_bytes);
      const std::tuple<uint64_t, uint64_t, uint64_t> key{est, UINT64_MAX - kc, traffic};
      if (key < best) {
        best = key;
        best_mt = static_cast<unsigned>(mt), best_nb = static_cast<unsigned>(nb);
        best_kc = static_cast<unsigned>(kc);
      }
    }
  }
  if (best_nb < 2) return false;
  sp->m_tile_rows = best_mt;
  sp->n_block = best_nb;
  p->m_tiles = static_cast<unsigned>(CeilDiv(M, best_mt));
  p->k_chunk = best_kc * hw.rows;  // act K steps per chunk
  return true;
}

// Chunks alternate between the scratchpad halves; the next chunk's LOADs follow the current
// chunk's first COMPUTE. Per chunk and n tile one COMPUTE over the chunk's K blocks (the first
// chunk's clears the region). A block's parameters load after its first COMPUTE, into one of two
// slot sets when the acc scratchpad has room; a tile's STORE follows the next COMPUTE.
std::vector<Command> TileCommandsWsSplit(const HwParams& hw, const FcLayer& l, const Program& p,
                                         const WsSplitParams& sp) {
  const unsigned kb = WsKBlocks(hw, l), R = hw.rows, mt_rows = sp.m_tile_rows;
  const unsigned kc = p.k_chunk / R;
  const unsigned s = l.channel_multiplier.empty() ? 1 : 3;
  const unsigned slot_set = sp.n_block * s;
  const unsigned sets = sp.n_block * mt_rows + 2 * slot_set <= hw.acc_words ? 2 : 1;
  const unsigned act_half = hw.act_words / 2, weight_half = hw.weight_words / 2;
  const uint64_t act_block = static_cast<uint64_t>(l.M) * R;  // bytes per K block
  const uint64_t weight_tile = uint64_t{kb} * R * hw.cols;    // bytes per n tile
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
  std::vector<WsStep> steps;
  unsigned block = 0;
  for (unsigned mt = 0; mt < p.m_tiles; ++mt) {
    for (unsigned nt0 = 0; nt0 < p.n_tiles; nt0 += sp.n_block, ++block) {
      for (unsigned b0 = 0; b0 < kb; b0 += kc) {
        steps.push_back(
            {mt, nt0, std::min(p.n_tiles, nt0 + sp.n_block), b0, std::min(kc, kb - b0), block});
      }
    }
  }
  auto m_rows = [&](unsigned mt) {
    return std::min<unsigned>(mt_rows, static_cast<unsigned>(l.M) - mt * mt_rows);
  };
  std::vector<Command> cmds;
  DeferredStores stores;
  auto flush = [&] { stores.FlushInto(&cmds); };
  auto load_step = [&](size_t i) {
    const WsStep& st = steps[i];
    const unsigned rows = m_rows(st.mt);
    cmds.push_back(EncodeLoad(contract::kTargetAct, static_cast<uint16_t>((i % 2) * act_half),
                              static_cast<uint16_t>(rows), static_cast<uint16_t>(st.n),
                              static_cast<uint32_t>(act_block),
                              p.act_addr + st.b0 * act_block + uint64_t{st.mt} * mt_rows * R));
    cmds.push_back(
        EncodeLoad(contract::kTargetWeight, static_cast<uint16_t>((i % 2) * weight_half),
                   static_cast<uint16_t>(st.n * R), static_cast<uint16_t>(st.nt1 - st.nt0),
                   static_cast<uint32_t>(weight_tile),
                   p.weight_addr + st.nt0 * weight_tile + uint64_t{st.b0} * R * hw.cols));
  };
  auto slot = [&](const WsStep& st, unsigned nt) {
    return static_cast<uint16_t>((st.block % sets) * slot_set + (nt - st.nt0) * s);
  };
  const unsigned region0 = sets * slot_set;
  if (!steps.empty()) load_step(0);
  for (size_t i = 0; i < steps.size(); ++i) {
    const WsStep& st = steps[i];
    const unsigned rows = m_rows(st.mt), m0 = st.mt * mt_rows;
    const uint16_t abuf = static_cast<uint16_t>((i % 2) * act_half);
    const uint16_t wbuf = static_cast<uint16_t>((i % 2) * weight_half);
    const bool last = st.b0 + st.n == kb;
    for (unsigned nt = st.nt0; nt < st.nt1; ++nt) {
      const unsigned j = nt - st.nt0;
      const uint16_t region = static_cast<uint16_t>(region0 + j * mt_rows);
      if (region == stores.region) flush();  // a one-tile block: the STORE reads it first
      cmds.push_back(EncodeComputeWs(st.b0 == 0, abuf, static_cast<uint16_t>(wbuf + j * st.n * R),
                                     static_cast<uint16_t>(rows), zp, region,
                                     static_cast<uint16_t>(st.n)));
      if (!p.overlap) cmds.push_back(EncodeSync());
      flush();
      if (j == 0) {
        if (st.b0 == 0) {
          for (unsigned n = st.nt0; n < st.nt1; ++n) {
            PushParamLoads(hw, l, p, n, slot(st, n), &cmds);
          }
        }
        if (i + 1 < steps.size()) load_step(i + 1);
      }
      if (last) {
        const unsigned n0 = nt * hw.cols;
        stores.Hold(TileStore(l, p, region, rows, std::min<unsigned>(hw.cols, l.N - n0),
                              slot(st, nt), m0, n0),
                    region);
        if (!p.overlap) stores.Hold(EncodeSync(), region);
      }
    }
  }
  flush();
  return cmds;
}

// Fits when the ws tiling does not keep the activations resident and a block of two or more n
// tiles does.
class WsSplitPlan : public Plan {
 public:
  const char* Name() const override { return "ws K-split"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions&, Program* p) override {
    if (!hw.weight_stationary) return false;
    WsParams ws;
    WsSplitParams sp;
    PlanWs(hw, l, p, &ws);
    if (ws.act_resident || !PlanWsSplit(hw, l, p, &sp)) return false;
    p->params = sp;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    LayOutWs(hw, l, p);
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return TileCommandsWsSplit(hw, l, p, std::get<WsSplitParams>(p.params));
  }
};

}  // namespace

std::unique_ptr<Plan> MakeWsSplitPlan() { return std::make_unique<WsSplitPlan>(); }

}  // namespace salsa
