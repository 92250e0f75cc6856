// The weight-stationary plan ("ws", array.dataflow: ws): DRAM layout (shared with the ws K-split
// plan) and commands.
//
// A WS COMPUTE streams M activation words past each of B K blocks (rows weight words = rows K
// values x cols outputs per block) and writes (first K block) or adds (later ones) M output rows
// of cols int32 into the acc scratchpad; a STORE then requantises them, as in the
// output-stationary flow. Consecutive blocks whose act and weight words are contiguous in the
// scratchpads go into one COMPUTE, so a GEMV (M = 1) needs one command per weight chunk, not one
// per 16-row block.
#include <algorithm>
#include <deque>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr unsigned kMaxField16 = 0xFFFF;

// m tiles shorter than this cannot hide a K block's weight load (2 rows + cols cycles, and the
// command overheads) behind their own stream.
unsigned ShortStreamRows(const HwParams& hw) { return 2 * hw.rows + hw.cols + 4; }

}  // namespace

AccLayout WsAccLayout(const HwParams& hw, bool per_channel, unsigned* region_rows) {
  const unsigned s = per_channel ? 3 : 1;
  if (hw.acc_words >= 3 * s + 2) {
    *region_rows = (hw.acc_words - 3 * s) / 2;
    return {s, 3, 2};
  }
  *region_rows = hw.acc_words - s;
  return {s, 1, 1};
}

unsigned WsKBlocks(const HwParams& hw, const FcLayer& l) {
  return static_cast<unsigned>((static_cast<uint64_t>(l.K) + hw.rows - 1) / hw.rows);
}

void PlanWs(const HwParams& hw, const FcLayer& l, Program* p, WsParams* ws) {
  const unsigned kb = WsKBlocks(hw, l);
  p->k_chunk = hw.rows;
  // A K block's weights take `rows` words: two of them must fit to double-buffer (the config
  // rule for ws guarantees one).
  ws->double_buffer = hw.act_words >= 2 && hw.weight_words >= 2 * hw.rows;
  const unsigned act_cap = ws->double_buffer ? hw.act_words / 2 : hw.act_words;
  const unsigned weight_cap = ws->double_buffer ? hw.weight_words / 2 : hw.weight_words;
  unsigned region_rows = 0;
  WsAccLayout(hw, !l.channel_multiplier.empty(), &region_rows);
  unsigned mt = std::min<unsigned>({static_cast<unsigned>(l.M), region_rows, act_cap, kMaxField16});
  // Keep an m tile's activations for every K block resident (loaded once, reused by every n
  // tile) when that leaves m tiles long enough to hide the weight preload (2 rows + cols).
  const unsigned resident_rows = act_cap / kb;
  const unsigned enough = std::min(mt, ShortStreamRows(hw));
  ws->act_resident = resident_rows >= 1 && std::min(mt, resident_rows) >= enough;
  if (ws->act_resident) mt = std::min(mt, resident_rows);
  ws->m_tile_rows = mt;
  p->m_tiles = (static_cast<unsigned>(l.M) + mt - 1) / mt;
  p->n_tiles = (static_cast<unsigned>(l.N) + hw.cols - 1) / hw.cols;
  // An n tile's weights for all K blocks in one LOAD when they fit half the scratchpad.
  ws->weights_once = uint64_t{kb} * hw.rows <= weight_cap;
}

namespace {

// Activations [k_block][M][rows]: word (kb, m) lane i = in[m][kb*rows + i], the input zero point
// past K.
void WriteActivationsWs(const HwParams& hw, const FcLayer& l, uint8_t* dst) {
  const unsigned kb = WsKBlocks(hw, l);
  for (unsigned b = 0; b < kb; ++b) {
    for (int m = 0; m < l.M; ++m) {
      for (unsigned i = 0; i < hw.rows; ++i) {
        const uint64_t k = uint64_t{b} * hw.rows + i;
        const int32_t v = k < static_cast<uint64_t>(l.K)
                              ? l.input[static_cast<uint64_t>(m) * l.K + k]
                              : l.input_zero_point;
        *dst++ = static_cast<uint8_t>(v);
      }
    }
  }
}

// Weights [n_tile][k_block][rows][cols]: word (nt, kb, i) byte c = w[n0 + c][kb*rows + i], zero
// past N or K.
void WriteWeightsWs(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* dst) {
  const unsigned kb = WsKBlocks(hw, l);
  for (unsigned nt = 0; nt < p.n_tiles; ++nt) {
    for (unsigned b = 0; b < kb; ++b) {
      for (unsigned i = 0; i < hw.rows; ++i) {
        const uint64_t k = uint64_t{b} * hw.rows + i;
        for (unsigned c = 0; c < hw.cols; ++c) {
          const uint64_t n = uint64_t{nt} * hw.cols + c;
          const bool in = k < static_cast<uint64_t>(l.K) && n < static_cast<uint64_t>(l.N);
          *dst++ = in ? static_cast<uint8_t>(l.weights[n * l.K + k]) : 0;
        }
      }
    }
  }
}

// Per (m tile, n tile): the n tile's weights (once, or per chunk), its parameters, COMPUTEs over
// runs of K blocks (the first one clears), then the STORE, deferred past the next tile's first
// COMPUTE. An m tile's activations are loaded once for all n tiles when resident, else per K
// block; act and weight loads alternate between the scratchpad halves. The next tile's
// loads are queued right after this tile's first COMPUTE (a resident m tile's activations at
// the start of the one before) and trickled out, one after each COMPUTE.
std::vector<Command> TileCommandsWs(const HwParams& hw, const FcLayer& l, const Program& p,
                                    const WsParams& ws) {
  std::vector<Command> cmds;
  const unsigned kb = WsKBlocks(hw, l), R = hw.rows;
  const bool per_channel = !l.channel_multiplier.empty();
  unsigned region_rows = 0;
  const AccLayout acc = WsAccLayout(hw, per_channel, &region_rows);
  const unsigned act_half = ws.double_buffer ? hw.act_words / 2 : 0;
  const unsigned weight_half = ws.double_buffer ? hw.weight_words / 2 : 0;
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
  const uint64_t act_block = static_cast<uint64_t>(l.M) * R;  // bytes per K block
  const uint64_t weight_tile = uint64_t{kb} * R * hw.cols;    // bytes per n tile
  const unsigned tiles = p.m_tiles * p.n_tiles;
  unsigned weight_loads = 0, act_loads = 0, param_loads = 0;
  const unsigned chunk_blocks =
      std::max(1u, (ws.double_buffer ? hw.weight_words / 2 : hw.weight_words) / R);
  // Weight chunks (an n tile's weights do not fit half the scratchpad): chunks alternate between
  // the halves, and each chunk's LOAD is issued right after the first COMPUTE of the chunk
  // before it, so that it lands while that chunk computes.
  uint16_t chunk_base = 0;
  unsigned chunks_started = 0;
  auto load_chunk = [&](unsigned tile, unsigned b) {
    const unsigned nt = tile % p.n_tiles, n = std::min(chunk_blocks, kb - b);
    cmds.push_back(EncodeLoad(contract::kTargetWeight,
                              static_cast<uint16_t>((weight_loads++ % 2) * weight_half),
                              static_cast<uint16_t>(n * R), 1, n * R * hw.cols,
                              p.weight_addr + nt * weight_tile + uint64_t{b} * R * hw.cols));
  };
  std::vector<Command> pending_store;
  auto flush = [&] {
    cmds.insert(cmds.end(), pending_store.begin(), pending_store.end());
    pending_store.clear();
  };
  auto m_rows = [&](unsigned mt) {
    return std::min<unsigned>(ws.m_tile_rows, static_cast<unsigned>(l.M) - mt * ws.m_tile_rows);
  };
  // Where tile i's resident activations, weights and parameters went.
  struct TileBufs {
    uint16_t wgt = 0, slot = 0;
  };
  std::vector<TileBufs> bufs(tiles);
  std::deque<Command> queued;      // loads for the next tile, not yet in the list
  std::deque<Command> act_queued;  // the next m tile's activations, not yet in the list
  auto drain_queue = [&](size_t n) {
    for (; n > 0 && !queued.empty(); --n) {
      cmds.push_back(queued.front());
      queued.pop_front();
    }
  };
  auto drain_act = [&](size_t n) {
    for (; n > 0 && !act_queued.empty(); --n) {
      cmds.push_back(act_queued.front());
      act_queued.pop_front();
    }
  };
  // A resident m tile's activations, one K block (m tile rows words) per LOAD: loaded ahead,
  // these are spread over the current m tile's COMPUTEs, so that no long LOAD sits in the read
  // DMA in front of the command fetches.
  std::vector<uint16_t> act_buf(p.m_tiles, 0);
  auto load_act = [&](unsigned mt, std::vector<Command>* out) {
    act_buf[mt] = static_cast<uint16_t>((act_loads++ % 2) * act_half);
    const unsigned rows = m_rows(mt);
    for (unsigned b = 0; b < kb; ++b) {
      out->push_back(EncodeLoad(contract::kTargetAct, static_cast<uint16_t>(act_buf[mt] + b * rows),
                                static_cast<uint16_t>(rows), 1, rows * R,
                                p.act_addr + b * act_block + uint64_t{mt * ws.m_tile_rows} * R));
    }
  };
  // Tile i's weights (all K blocks in one LOAD) and parameters.
  auto load_tile = [&](unsigned i, std::vector<Command>* out) {
    const unsigned nt = i % p.n_tiles;
    if (ws.weights_once) {
      bufs[i].wgt = static_cast<uint16_t>((weight_loads++ % 2) * weight_half);
      out->push_back(EncodeLoad(contract::kTargetWeight, bufs[i].wgt, static_cast<uint16_t>(kb * R),
                                1, static_cast<uint32_t>(weight_tile),
                                p.weight_addr + nt * weight_tile));
    }
    bufs[i].slot = acc.Slot(param_loads++);
    PushParamLoads(hw, l, p, nt, bufs[i].slot, out);
  };
  auto now = [&](auto&& fn, auto... args) {
    std::vector<Command> v;
    fn(args..., &v);
    cmds.insert(cmds.end(), v.begin(), v.end());
  };
  auto later = [&](std::deque<Command>* q, auto&& fn, auto... args) {
    std::vector<Command> v;
    fn(args..., &v);
    q->insert(q->end(), v.begin(), v.end());
  };
  unsigned computes = 0;
  // Loading ahead needs free halves and a third parameter slot.
  const bool ahead = ws.double_buffer && acc.slots == 3;
  if (ws.act_resident) now(load_act, 0u);
  now(load_tile, 0u);
  for (unsigned i = 0; i < tiles; ++i) {
    const unsigned mt = i / p.n_tiles, nt = i % p.n_tiles;
    const unsigned m0 = mt * ws.m_tile_rows, n0 = nt * hw.cols, rows = m_rows(mt);
    // Everything this tile needs is issued before its COMPUTEs.
    if (nt == 0) drain_act(act_queued.size());
    drain_queue(queued.size());
    if (i > 0 && !ahead) {
      if (acc.slots == 1) flush();  // the pending STORE still reads the only slot
      if (ws.act_resident && nt == 0) now(load_act, mt);
      now(load_tile, i);
    }
    const uint16_t region = acc.Region(i, region_rows);
    // Short m tiles (a block's stream shorter than what hides the next block's weight load and
    // the command overheads: decode, batched decode) run consecutive K blocks whose act and
    // weight words are contiguous as one COMPUTE; long ones keep one COMPUTE per K block, which
    // spreads the next tile's loads between them.
    const bool merge = rows < ShortStreamRows(hw);
    struct Run {
      uint16_t abuf = 0, wbuf = 0;
      unsigned b0 = 0, n = 0;
    };
    Run run;
    auto emit_run = [&] {
      if (run.n == 0) return;
      if (acc.regions == 1) flush();
      cmds.push_back(EncodeComputeWs(run.b0 == 0, run.abuf, run.wbuf, static_cast<uint16_t>(rows),
                                     zp, region, static_cast<uint16_t>(run.n)));
      if (!p.overlap) cmds.push_back(EncodeSync());
      flush();
      if (!ws.weights_once && run.b0 % chunk_blocks == 0 && weight_loads == chunks_started) {
        if (run.b0 + chunk_blocks < kb) {
          load_chunk(i, run.b0 + chunk_blocks);
        } else if (i + 1 < tiles) {
          load_chunk(i + 1, 0);
        }
      }
      if (run.b0 == 0 && ahead) {
        if (ws.act_resident && nt == 0 && mt + 1 < p.m_tiles) later(&act_queued, load_act, mt + 1);
        if (i + 1 < tiles) later(&queued, load_tile, i + 1);
      }
      drain_queue(run.n);
      // One act piece every n_tiles K blocks: all K blocks within this m tile.
      for (unsigned j = 0; j < run.n; ++j) {
        if (++computes % p.n_tiles == 0) drain_act(1);
      }
      run = Run{};
    };
    for (unsigned b = 0; b < kb; ++b) {
      uint16_t abuf = static_cast<uint16_t>(act_buf[mt] + b * rows);
      if (!ws.act_resident) {
        emit_run();
        abuf = static_cast<uint16_t>((act_loads++ % 2) * act_half);
        cmds.push_back(EncodeLoad(contract::kTargetAct, abuf, static_cast<uint16_t>(rows), 1,
                                  rows * R, p.act_addr + b * act_block + uint64_t{m0} * R));
      }
      uint16_t wbuf = static_cast<uint16_t>(bufs[i].wgt + b * R);
      if (!ws.weights_once) {
        // Chunks of as many K blocks as fit half the weight scratchpad.
        if (b % chunk_blocks == 0) {
          emit_run();
          if (weight_loads == chunks_started) load_chunk(i, b);  // not loaded ahead
          chunk_base = static_cast<uint16_t>((chunks_started++ % 2) * weight_half);
        }
        wbuf = static_cast<uint16_t>(chunk_base + (b % chunk_blocks) * R);
      }
      const bool extends = merge && run.n > 0 && run.n < kMaxField16 && ws.act_resident &&
                           abuf == run.abuf + run.n * rows && wbuf == run.wbuf + run.n * R;
      if (extends) {
        ++run.n;
      } else {
        emit_run();
        run = Run{abuf, wbuf, b, 1};
      }
    }
    emit_run();
    const unsigned bytes = std::min<unsigned>(hw.cols, l.N - n0);
    pending_store.push_back(TileStore(l, p, region, rows, bytes, bufs[i].slot, m0, n0));
    if (!p.overlap) pending_store.push_back(EncodeSync());
  }
  flush();
  return cmds;
}

// Always fits (on weight-stationary hardware).
class WsPlan : public Plan {
 public:
  const char* Name() const override { return "ws"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions&, Program* p) override {
    if (!hw.weight_stationary) return false;
    WsParams ws;
    PlanWs(hw, l, p, &ws);
    p->params = ws;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    LayOutWs(hw, l, p);
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return TileCommandsWs(hw, l, p, std::get<WsParams>(p.params));
  }
};

}  // namespace

std::unique_ptr<Plan> MakeWsPlan() { return std::make_unique<WsPlan>(); }

void LayOutWs(const HwParams& hw, const FcLayer& l, Program* p) {
  const uint64_t kb = WsKBlocks(hw, l);
  Regions r = ParamRegions(hw, l, *p);
  r.cmd_count = uint64_t{p->m_tiles} * p->n_tiles * (5 + 4 * kb) + p->m_tiles + 4;
  r.act = kb * static_cast<uint64_t>(l.M) * hw.rows;
  r.weight = uint64_t{p->n_tiles} * kb * hw.rows * hw.cols;
  LayOut(hw, r, p);
  WriteParams(hw, l, p);
  WriteActivationsWs(hw, l, p->dram.data() + p->act_addr);
  WriteWeightsWs(hw, l, *p, p->dram.data() + p->weight_addr);
}

}  // namespace salsa
