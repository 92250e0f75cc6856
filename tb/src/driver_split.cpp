// The K-split plan of the output-stationary tiler ("os K-split", also the 2:4 plan's split
// tiling): when an m tile's activations over all of K do
// not fit half the act scratchpad, K is cut into chunks whose partial sums meet in the acc
// scratchpad (COMPUTE accumulate), and the tiles are grouped into blocks of m_block x n_block:
// a chunk's act words serve the block's n tiles and its weight words the block's m tiles, so
// DRAM traffic per MAC falls with the block instead of every tile re-reading both operands.
#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "driver_internal.h"
#include "salsa/plan_estimate.h"

namespace salsa {
namespace {

// One K chunk of one block: tiles [mt0, mt1) x [nt0, nt1), act words [k0, k0 + kt).
struct SplitStep {
  unsigned mt0, mt1, nt0, nt1, k0, kt;
  unsigned block;  // blocks in order, for the parameter slots
};

std::vector<SplitStep> SplitSteps(const Program& p, const SplitParams& sp, unsigned K) {
  std::vector<SplitStep> steps;
  unsigned block = 0;
  for (unsigned mt0 = 0; mt0 < p.m_tiles; mt0 += sp.m_block) {
    for (unsigned nt0 = 0; nt0 < p.n_tiles; nt0 += sp.n_block, ++block) {
      const unsigned mt1 = std::min(p.m_tiles, mt0 + sp.m_block);
      const unsigned nt1 = std::min(p.n_tiles, nt0 + sp.n_block);
      for (unsigned k0 = 0; k0 < K; k0 += p.k_chunk) {
        steps.push_back({mt0, mt1, nt0, nt1, k0, std::min(p.k_chunk, K - k0), block});
      }
    }
  }
  return steps;
}

}  // namespace

bool PlanSplit(const HwParams& hw, const FcLayer& l, bool structured, bool transposed, Program* pp,
               SplitParams* sp, const PlanMemory* mem) {
  Program& p = *pp;
  // Needs double buffering (scratchpads of 2+ words); the chunks fill the halves.
  if (hw.weight_stationary || hw.act_words < 2 || hw.weight_words < 2) return false;
  const unsigned act_cap = ActHalf(hw, structured), weight_cap = WeightHalf(hw, structured);
  const uint64_t K = ActSteps(l, structured);
  const unsigned wdiv = structured ? 2 : 1;   // act words per weight word
  const unsigned align = structured ? 8 : 1;  // 2:4: whole meta words
  const unsigned s = l.channel_multiplier.empty() ? 1 : 3;
  // Shorter chunks than the drain (skew and rows) would hold the feeder at every COMPUTE.
  const uint64_t k_min = 2 * hw.rows + hw.cols + 3;
  const uint64_t act_bytes = uint64_t{p.m_tiles} * hw.rows * K;
  const uint64_t weight_bytes =
      uint64_t{p.n_tiles} * (K / wdiv) * (hw.cols + (structured ? hw.MetaStepBytes() : 0));
  const uint64_t compute = uint64_t{p.m_tiles} * p.n_tiles * (K / wdiv);
  // Ranked by estimated cycles (compute, or the traffic at 80% of the bus), then the longest chunk
  // (fewest commands and drains), then the least traffic. `start` ranks them by what the array
  // waits for besides its steps: the first chunk's LOADs and each COMPUTE's start.
  const uint64_t latency = mem != nullptr ? mem->latency : kPlanLatency;
  struct Cand {
    std::tuple<uint64_t, uint64_t, uint64_t> key;
    unsigned mb, nb, kc;
    uint64_t start;  // est + the first chunk's LOADs + the COMPUTE starts
  };
  std::vector<Cand> cands;
  for (unsigned mb = 1; mb <= p.m_tiles; ++mb) {
    for (unsigned nb = 1; nb <= p.n_tiles; ++nb) {
      // Transposed: two sets of regions (a block's bias rows load while the one before runs)
      // and one zero bias word.
      const uint64_t need = transposed ? 2 * uint64_t{mb} * nb * hw.rows + 1
                                       : uint64_t{mb} * nb * TileRows(hw, l) + uint64_t{nb} * s;
      if (need > hw.acc_words) break;
      uint64_t kc = std::min<uint64_t>({K, act_cap / mb, uint64_t{weight_cap} * wdiv / nb, 65535});
      kc -= kc % align;
      if (kc == 0) continue;
      kc = (CeilDiv(K, CeilDiv(K, kc)) + align - 1) / align * align;  // even chunks
      if (kc < k_min) continue;
      const uint64_t traffic =
          act_bytes * CeilDiv(p.n_tiles, nb) + weight_bytes * CeilDiv(p.m_tiles, mb);
      const uint64_t est = std::max(compute, traffic * 5 / 4 / hw.bus_bytes);
      const uint64_t first =
          latency +
          CeilDiv(mb * hw.rows * kc +
                      nb * (kc / wdiv) * (hw.cols + (structured ? hw.MetaStepBytes() : 0)),
                  hw.bus_bytes);
      const uint64_t starts =
          uint64_t{p.m_tiles} * p.n_tiles * CeilDiv(K, kc) * kComputeStartCycles;
      cands.push_back({{est, UINT64_MAX - kc, traffic},
                       mb,
                       nb,
                       static_cast<unsigned>(kc),
                       est + first + starts});
    }
  }
  std::stable_sort(cands.begin(), cands.end(),
                   [](const Cand& a, const Cand& b) { return a.key < b.key; });
  if (cands.empty() || cands.front().mb * cands.front().nb == 1) return false;
  auto take = [&](const Cand& c) {
    sp->m_block = c.mb;
    sp->n_block = c.nb;
    sp->cycles = std::get<0>(c.key);
    sp->transposed = transposed;
    p.k_chunk = c.kc;
  };
  take(cands.front());
  // Among the candidates the formula puts within 2% of its best, its best three, the best three
  // by what the array waits for besides its steps (`start`) and the three that move the fewest
  // bytes are timed on their command lists (plan_estimate.h). Of those that move at most 10% more
  // bytes than the formula's choice, the fastest is taken, or, among those timed within 0.03% of
  // it (about the estimate's error on these lists), the one that moves the fewest bytes. (DRAM
  // bytes are energy: default's GEMM 64x4096x256 ran 1.2% faster on 2 x 6 blocks of 316 steps, for
  // 38% more bytes and 34% more pJ per MAC in the bench's model than on 4 x 4 of 512; it takes
  // 4 x 6 of 316, 0.5% faster than 4 x 4 with 12% fewer bytes.) The estimate times these lists to
  // about 0.05% (small_8x8's GEMM 64x4096x256, twelve block shapes forced on the RTL: within 0.06%
  // but for the bus-bound 2 x 2, 0.7% short), closer than the formula ranks them: 3 x 3 blocks of
  // 586 steps ran in 1,055,783 cycles there, the formula's 2 x 4 of 1024 in 1,058,060; rect_12x8's
  // with 64 KB of weights in 745,441 and 3.9 MB on 512-step chunks, 749,371 and 4.4 MB on the
  // formula's 586.
  if (mem != nullptr && !structured && cands.size() > 1) {
    const uint64_t near = std::get<0>(cands.front().key) * 51 / 50;
    std::vector<const Cand*> pool;
    for (const Cand& c : cands) {
      if (std::get<0>(c.key) <= near && c.mb * c.nb > 1) pool.push_back(&c);
    }
    std::vector<const Cand*> finalists;
    auto add_best = [&](auto less) {
      std::vector<const Cand*> order = pool;
      std::stable_sort(order.begin(), order.end(), less);
      for (size_t i = 0; i < order.size() && i < 3; ++i) {
        if (std::find(finalists.begin(), finalists.end(), order[i]) == finalists.end()) {
          finalists.push_back(order[i]);
        }
      }
    };
    add_best([](const Cand* a, const Cand* b) { return a->key < b->key; });
    add_best([](const Cand* a, const Cand* b) {
      return std::tie(a->start, std::get<2>(a->key)) < std::tie(b->start, std::get<2>(b->key));
    });
    add_best(
        [](const Cand* a, const Cand* b) { return std::get<2>(a->key) < std::get<2>(b->key); });
    if (finalists.size() > 1) {
      std::vector<PlanEstimate> timed;
      for (const Cand* c : finalists) {
        take(*c);
        timed.push_back(EstimateOsCycles(hw, TileCommandsSplit(hw, l, p, *sp, OsFormat{}), *mem));
      }
      const uint64_t cap = timed.front().bytes + timed.front().bytes / 10;
      uint64_t fastest = UINT64_MAX;
      for (const PlanEstimate& e : timed) {
        if (e.bytes <= cap) fastest = std::min(fastest, e.cycles);
      }
      size_t chosen = SIZE_MAX;
      for (size_t i = 0; i < timed.size(); ++i) {
        if (timed[i].bytes > cap || timed[i].cycles * 10000 > fastest * 10003) continue;
        if (chosen == SIZE_MAX || timed[i].bytes < timed[chosen].bytes ||
            (timed[i].bytes == timed[chosen].bytes && timed[i].cycles < timed[chosen].cycles)) {
          chosen = i;
        }
      }
      take(*finalists[chosen]);
      sp->cycles = timed[chosen].cycles;
    }
  }
  return true;
}

// The command list of the K-split plan. Chunks alternate between the act and weight halves; the
// next chunk's LOADs (the next block's first, after a block's last) follow the current chunk's
// first COMPUTE, so they stream in while the chunk's other tiles compute. Every COMPUTE drains;
// all but a tile's first chunk add into its acc region. A tile's STORE follows the next COMPUTE
// (it waits for the drain while the array works). A block's parameters are loaded after its first
// COMPUTE into one of two slot sets (one when the acc scratchpad has no room for two: the LOAD
// then waits for the previous block's STOREs).
std::vector<Command> TileCommandsSplit(const HwParams& hw, const FcLayer& l, const Program& p,
                                       const SplitParams& sp, const OsFormat& f) {
  const unsigned K = ActSteps(l, f.structured);
  const unsigned wdiv = f.structured ? 2 : 1;
  const uint64_t act_row = uint64_t{K} * hw.rows;
  const uint64_t weight_row = uint64_t{K / wdiv} * hw.cols;
  const uint64_t meta_row = uint64_t{K / wdiv} * hw.MetaStepBytes();
  const unsigned s = l.channel_multiplier.empty() ? 1 : 3;
  const unsigned slot_set = sp.n_block * s;
  const unsigned tiles = sp.m_block * sp.n_block;
  const unsigned region_sets = sp.transposed ? 2 : 1;
  const unsigned tile_rows = TileRows(hw, l);  // int4w: rows / 2 output rows (and acc words)
  const unsigned sets =
      uint64_t{region_sets} * tiles * tile_rows + 2 * slot_set <= hw.acc_words ? 2 : 1;
  const unsigned act_half = ActHalf(hw, f.structured);
  const unsigned weight_half = WeightHalf(hw, f.structured);
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
  const std::vector<SplitStep> steps = SplitSteps(p, sp, K);
  std::vector<Command> cmds;
  DeferredStores stores;
  auto flush = [&] { stores.FlushInto(&cmds); };
  auto load_step = [&](size_t i) {
    const SplitStep& st = steps[i];
    const uint16_t abuf = static_cast<uint16_t>((i % 2) * act_half);
    const uint16_t wbuf = static_cast<uint16_t>((i % 2) * weight_half);
    cmds.push_back(EncodeLoad(contract::kTargetAct, abuf, static_cast<uint16_t>(st.kt),
                              static_cast<uint16_t>(st.mt1 - st.mt0),
                              static_cast<uint32_t>(act_row),
                              p.act_addr + st.mt0 * act_row + uint64_t{st.k0} * hw.rows));
    const unsigned words = st.kt / wdiv, w0 = st.k0 / wdiv;
    cmds.push_back(EncodeLoad(contract::kTargetWeight, wbuf, static_cast<uint16_t>(words),
                              static_cast<uint16_t>(st.nt1 - st.nt0),
                              static_cast<uint32_t>(weight_row),
                              p.weight_addr + st.nt0 * weight_row + uint64_t{w0} * hw.cols));
    if (f.structured) {  // four weight words' positions per meta word, beside the weights
      cmds.push_back(EncodeLoad(
          contract::kTargetMeta, static_cast<uint16_t>(wbuf / 4), static_cast<uint16_t>(words / 4),
          static_cast<uint16_t>(st.nt1 - st.nt0), static_cast<uint32_t>(meta_row),
          f.meta_addr + st.nt0 * meta_row + uint64_t{w0} * hw.MetaStepBytes()));
    }
  };
  auto slot = [&](const SplitStep& st, unsigned nt) {
    return sp.transposed ? uint16_t{0}
                         : static_cast<uint16_t>((st.block % sets) * slot_set + (nt - st.nt0) * s);
  };
  const unsigned region0 = sp.transposed ? 1 : sets * slot_set;  // transposed: one zero bias word
  auto region_of = [&](const SplitStep& st, unsigned t) {
    return static_cast<uint16_t>(region0 +
                                 ((st.block % region_sets) * tiles + t) * uint64_t{tile_rows});
  };
  // Transposed: the block's regions start from the bias of their rows (every chunk accumulates),
  // one LOAD per block from the n_block copies per m tile; the lane bias is one zero word.
  const uint32_t bias_row_bytes = sp.n_block * hw.rows * hw.AccWordBytes();
  auto load_row_bias = [&](const SplitStep& st) {
    cmds.push_back(EncodeLoad(contract::kTargetAcc, region_of(st, 0),
                              static_cast<uint16_t>(sp.n_block * hw.rows),
                              static_cast<uint16_t>(st.mt1 - st.mt0), bias_row_bytes,
                              sp.row_bias_addr + uint64_t{st.mt0} * bias_row_bytes));
  };
  if (!steps.empty() && sp.transposed) {
    PushParamLoads(hw, l, p, 0, 0, &cmds);
    load_row_bias(steps[0]);
  }
  if (!steps.empty()) load_step(0);
  for (size_t i = 0; i < steps.size(); ++i) {
    const SplitStep& st = steps[i];
    const uint16_t abuf = static_cast<uint16_t>((i % 2) * act_half);
    const uint16_t wbuf = static_cast<uint16_t>((i % 2) * weight_half);
    const bool first = st.k0 == 0, last = st.k0 + st.kt == K;
    const bool accumulate = !first || sp.transposed;
    bool first_cmd = true;
    for (unsigned mt = st.mt0; mt < st.mt1; ++mt) {
      for (unsigned nt = st.nt0; nt < st.nt1; ++nt) {
        const unsigned t = (mt - st.mt0) * sp.n_block + (nt - st.nt0);
        const uint16_t region = region_of(st, t);
        const uint16_t a = static_cast<uint16_t>(abuf + (mt - st.mt0) * st.kt);
        const uint16_t w = static_cast<uint16_t>(wbuf + (nt - st.nt0) * (st.kt / wdiv));
        if (region == stores.region) flush();  // a one-tile block: the STORE reads it first
        cmds.push_back(f.structured ? EncodeStructuredCompute(true, true, a, w,
                                                              static_cast<uint16_t>(st.kt / 2), zp,
                                                              region, accumulate)
                                    : EncodeCompute(true, true, a, w, static_cast<uint16_t>(st.kt),
                                                    zp, region, accumulate));
        if (!p.overlap) cmds.push_back(EncodeSync());
        flush();
        if (first_cmd) {
          first_cmd = false;
          if (first && !sp.transposed) {
            for (unsigned n = st.nt0; n < st.nt1; ++n)
              PushParamLoads(hw, l, p, n, slot(st, n), &cmds);
          }
          if (i + 1 < steps.size()) load_step(i + 1);
          // The next block's bias rows, into the other region set: during the second chunk,
          // when the STOREs of the block before this one (same set) are done.
          if (sp.transposed && st.k0 == p.k_chunk) {
            size_t j = i;
            while (j < steps.size() && steps[j].block == st.block) ++j;
            if (j < steps.size()) load_row_bias(steps[j]);
          }
        }
        if (last) {
          const unsigned m0 = mt * tile_rows, n0 = nt * hw.cols;
          stores.Hold(TileStore(l, p, region, std::min<unsigned>(tile_rows, l.M - m0),
                                std::min<unsigned>(hw.cols, l.N - n0), slot(st, nt), m0, n0),
                      region);
          if (!p.overlap) stores.Hold(EncodeSync(), region);
        }
      }
    }
  }
  flush();
  return cmds;
}

namespace {

// The transposed layer: out^T = W x^T with the weights as the act operand and the input as the
// weight operand. Its zero point is folded into the bias, which becomes per row (n):
// sum_k (x - zp) w = sum_k x w - zp sum_k w, wrapping like the int32 accumulators.
FcLayer TransposedLayer(const FcLayer& l) {
  FcLayer t = l;
  t.M = l.N;
  t.N = l.M;
  t.input = l.weights;
  t.weights = l.input;
  t.input_zero_point = 0;
  t.expected.clear();
  t.bias.assign(static_cast<size_t>(l.N), 0);
  for (int n = 0; n < l.N; ++n) {
    uint32_t sum = 0;
    for (int k = 0; k < l.K; ++k) sum += static_cast<uint32_t>(l.weights[size_t(n) * l.K + k]);
    const uint32_t b = l.bias.empty() ? 0u : static_cast<uint32_t>(l.bias[n]);
    t.bias[n] = static_cast<int32_t>(b - static_cast<uint32_t>(l.input_zero_point) * sum);
  }
  return t;
}

// The transposed layer's bias is per row, in [m_tile][n_block copies][rows][cols lanes] (one
// LOAD fills a block's regions); the lane bias words stay zero.
void WriteRowBias(const HwParams& hw, const FcLayer& t, const SplitParams& sp, Program* p) {
  uint8_t* dst = p->dram.data() + sp.row_bias_addr;
  for (uint64_t mt = 0; mt < p->m_tiles; ++mt) {
    for (unsigned c = 0; c < sp.n_block; ++c) {
      for (uint64_t r = mt * hw.rows; r < (mt + 1) * hw.rows; ++r) {
        const int32_t b = r < static_cast<uint64_t>(t.M) ? t.bias[r] : 0;
        for (unsigned j = 0; j < hw.cols; ++j) dst = PutInt32(dst, b);
      }
    }
  }
}

// Fits when the os tiling does not keep the activations resident and a block of two or more
// tiles fits; runs transposed when that is estimated 2% faster.
class SplitPlan : public Plan {
 public:
  const char* Name() const override { return "os K-split"; }

  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) override {
    // int4w runs split too (its int32 partial sums add exactly), never transposed (the nibbles
    // are the weight operand's); FP8 never uses the acc add.
    if (hw.weight_stationary || IsFp8(l)) return false;
    const Program base = *p;
    OsParams os;
    SplitParams sp;
    PlanOs(hw, l, /*structured=*/false, p, &os);
    const PlanMemory mem{opts.mem_latency, opts.bw_cap};
    if (os.act_resident || !PlanSplit(hw, l, false, /*transposed=*/false, p, &sp, &mem)) {
      return false;
    }
    p->params = sp;
    // Transposing (less padding) is only planned when rows over N need fewer tiles.
    auto tiles = [&](uint64_t along_rows, uint64_t along_cols) {
      return CeilDiv(along_rows, hw.rows) * CeilDiv(along_cols, hw.cols);
    };
    if (l.channel_multiplier.empty() && !IsInt4w(l) && tiles(l.N, l.M) < tiles(l.M, l.N)) {
      FcLayer t = TransposedLayer(l);
      Program q = base;
      OsParams tos;
      SplitParams tsp;
      PlanOs(hw, t, false, &q, &tos);
      if (!tos.act_resident && PlanSplit(hw, t, false, /*transposed=*/true, &q, &tsp, &mem) &&
          tsp.cycles * 50 < sp.cycles * 49) {
        q.params = tsp;
        *p = std::move(q);
        transposed_ = std::move(t);
      }
    }
    return true;
  }

  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    const FcLayer& ops = Operands(l);
    const SplitParams& sp = std::get<SplitParams>(p->params);
    Regions r = OsRegions(hw, ops, false, *p);
    // Transposed: the row bias, where the per-channel words would be.
    if (sp.transposed) r.quant = uint64_t{p->m_tiles} * sp.n_block * hw.rows * hw.AccWordBytes();
    LayOut(hw, r, p);
    if (sp.transposed) {
      std::get<SplitParams>(p->params).row_bias_addr = p->quant_addr;
      WriteRowBias(hw, ops, std::get<SplitParams>(p->params), p);
    } else {
      WriteParams(hw, ops, p);
    }
    WriteOsOperands(hw, ops, OsFormat{}, p);
  }

  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return TileCommandsSplit(hw, Operands(l), p, std::get<SplitParams>(p.params), OsFormat{});
  }

 private:
  // The layer whose operands the program holds: the transposed one, or the layer itself.
  const FcLayer& Operands(const FcLayer& l) const { return transposed_ ? *transposed_ : l; }

  std::optional<FcLayer> transposed_;
};

}  // namespace

std::unique_ptr<Plan> MakeSplitPlan() { return std::make_unique<SplitPlan>(); }

}  // namespace salsa
