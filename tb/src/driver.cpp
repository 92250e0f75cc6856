// The tiler: DRAM image layout and command list for one fully connected layer.
#include "salsa/driver.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr uint64_t kRegionAlign = 4096;
constexpr uint64_t kCmdBase = 0x1000;  // address 0 is never used
constexpr unsigned kMaxField16 = 0xFFFF;

uint64_t AlignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("salsa driver: " + what);
}

bool IsInt8(int64_t v) { return v >= -128 && v <= 127; }

void CheckLayer(const HwParams& hw, const FcLayer& l) {
  const std::string shape =
      std::to_string(l.M) + "x" + std::to_string(l.K) + "x" + std::to_string(l.N);
  Require(l.M > 0 && l.K > 0 && l.N > 0, "shape " + shape + ": M, K and N must all be >= 1");
  Require(l.input.size() == static_cast<size_t>(l.M) * l.K,
          "input has " + std::to_string(l.input.size()) + " values, M*K needs " +
              std::to_string(static_cast<size_t>(l.M) * l.K));
  Require(l.weights.size() == static_cast<size_t>(l.N) * l.K,
          "weights have " + std::to_string(l.weights.size()) + " values, N*K needs " +
              std::to_string(static_cast<size_t>(l.N) * l.K));
  Require(l.bias.empty() || l.bias.size() == static_cast<size_t>(l.N),
          "bias has " + std::to_string(l.bias.size()) + " values, accepted: 0 or N");
  Require(IsInt8(l.input_zero_point),
          "input_zero_point " + std::to_string(l.input_zero_point) + " is not in [-128, 127]");
  Require(IsInt8(l.output_zero_point),
          "output_zero_point " + std::to_string(l.output_zero_point) + " is not in [-128, 127]");
  Require(IsInt8(l.act_min) && IsInt8(l.act_max) && l.act_min <= l.act_max,
          "activation range [" + std::to_string(l.act_min) + ", " + std::to_string(l.act_max) +
              "] is not a range inside [-128, 127]");
  Require(l.output_shift >= -31 && l.output_shift <= 30,
          "output_shift " + std::to_string(l.output_shift) + " is not in [-31, 30]");
  const bool per_channel = !l.channel_multiplier.empty() || !l.channel_shift.empty();
  if (per_channel) {
    Require(l.channel_multiplier.size() == static_cast<size_t>(l.N) &&
                l.channel_shift.size() == static_cast<size_t>(l.N),
            "per-channel requantisation needs N multipliers and N shifts, got " +
                std::to_string(l.channel_multiplier.size()) + " and " +
                std::to_string(l.channel_shift.size()));
    for (int32_t s : l.channel_shift) {
      Require(s >= -31 && s <= 30, "channel shift " + std::to_string(s) + " is not in [-31, 30]");
    }
    // os: a tile region is rows words; ws: an m tile may be a single row.
    const unsigned need = (hw.weight_stationary ? 1 : hw.rows) + 3;
    Require(hw.acc_words >= need,
            "per-channel requantisation needs " + std::to_string(need) +
                " acc words (bias, the accumulator rows, multipliers, shifts); the config has " +
                std::to_string(hw.acc_words));
  }
  Require(hw.rows >= 1 && hw.cols >= 1 && hw.rows <= kMaxField16 && hw.cols <= kMaxField16,
          "array rows/cols must be in 1..65535");
  Require(hw.act_words >= 1 && hw.weight_words >= 1,
          "act and weight scratchpads must have at least one word");
  const unsigned acc_need = (hw.weight_stationary ? 1 : hw.rows) + 1;
  Require(hw.acc_words >= acc_need && hw.rows + 1 <= kMaxField16,
          "acc scratchpad has " + std::to_string(hw.acc_words) + " words; the tiler needs " +
              std::to_string(acc_need) + (hw.weight_stationary ? "" : " (rows + 1)"));
}

struct Layout {
  uint64_t act_bytes, weight_bytes, bias_bytes, out_bytes;
};

// An int32, little-endian; returns the byte after it.
uint8_t* PutInt32(uint8_t* dst, int32_t v) {
  for (unsigned byte = 0; byte < 4; ++byte) {
    *dst++ = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * byte));
  }
  return dst;
}

// [m_tile][steps][rows]; rows past M and steps past K (2:4 padding) hold the input zero point.
void WriteBlockedActivations(const HwParams& hw, const FcLayer& l, unsigned m_tiles, unsigned steps,
                             uint8_t* dst) {
  for (unsigned mt = 0; mt < m_tiles; ++mt) {
    for (unsigned k = 0; k < steps; ++k) {
      for (unsigned i = 0; i < hw.rows; ++i) {
        const uint64_t m = static_cast<uint64_t>(mt) * hw.rows + i;
        const int32_t v = m < static_cast<uint64_t>(l.M) && k < static_cast<unsigned>(l.K)
                              ? l.input[m * l.K + k]
                              : l.input_zero_point;
        *dst++ = static_cast<uint8_t>(v);
      }
    }
  }
}

void WriteBlockedWeights(const HwParams& hw, const FcLayer& l, unsigned n_tiles, uint8_t* dst) {
  for (unsigned nt = 0; nt < n_tiles; ++nt) {
    for (int k = 0; k < l.K; ++k) {
      for (unsigned j = 0; j < hw.cols; ++j) {
        const uint64_t n = static_cast<uint64_t>(nt) * hw.cols + j;
        *dst++ = n < static_cast<uint64_t>(l.N) ? static_cast<uint8_t>(l.weights[n * l.K + k]) : 0;
      }
    }
  }
}

// Per-channel quantisation words, per n tile: the cols multipliers, then the cols shifts (int32).
void WriteQuant(const HwParams& hw, const FcLayer& l, unsigned n_tiles, uint8_t* dst) {
  for (unsigned nt = 0; nt < n_tiles; ++nt) {
    for (const auto* v : {&l.channel_multiplier, &l.channel_shift}) {
      for (unsigned j = 0; j < hw.cols; ++j) {
        const uint64_t n = static_cast<uint64_t>(nt) * hw.cols + j;
        const int32_t x = n < static_cast<uint64_t>(l.N) ? (*v)[n] : 0;
        dst = PutInt32(dst, x);
      }
    }
  }
}

void WriteBias(const FcLayer& l, uint64_t words, uint8_t* dst) {
  for (uint64_t n = 0; n < words; ++n) {
    const int32_t b = (n < static_cast<uint64_t>(l.N) && !l.bias.empty()) ? l.bias[n] : 0;
    dst = PutInt32(dst, b);
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
// The 2:4 plan (p.structured) is the same list over K padded to a multiple of 4 act words, with
// half as many weight words per chunk, a meta LOAD of the same words beside each weight LOAD
// and 2:4 COMPUTEs of half the chunk's act words.
std::vector<Command> TileCommands(const HwParams& hw, const FcLayer& l, const Program& p) {
  std::vector<Command> cmds;
  const unsigned K = ActSteps(l, p);                         // act words per m tile
  const unsigned wdiv = p.structured ? 2 : 1;                // act words per weight (and meta) word
  const uint64_t act_row = uint64_t{K} * hw.rows;            // bytes per m tile
  const uint64_t weight_row = uint64_t{K / wdiv} * hw.cols;  // bytes per n tile
  const uint64_t meta_row = uint64_t{K / wdiv} * hw.MetaStepBytes();  // 2:4: per n tile
  const bool per_channel = !l.channel_multiplier.empty();
  const AccLayout acc = ChooseAccLayout(hw, per_channel);
  const unsigned weight_half = p.double_buffer ? WeightHalf(hw, p.structured) : 0;
  const unsigned act_half = p.double_buffer ? ActHalf(hw, p.structured) : 0;
  const bool weights_once = p.k_chunk >= K;  // an n tile's weights are one chunk
  const int8_t zp = static_cast<int8_t>(l.input_zero_point);
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
    const unsigned words = kt / wdiv, w0 = k0 / wdiv;
    cmds.push_back(EncodeLoad(contract::kTargetWeight, buf, static_cast<uint16_t>(words), 1,
                              words * hw.cols,
                              p.weight_addr + nt * weight_row + uint64_t{w0} * hw.cols));
    if (p.structured) {
      // Meta words hold four weight words' positions: chunks are whole meta words (K chunks
      // and Kp are multiples of 8 act words, weight buffers multiples of 4 words).
      const unsigned mw = words / 4, mb = hw.MetaWordBytes();
      cmds.push_back(EncodeLoad(contract::kTargetMeta, static_cast<uint16_t>(buf / 4),
                                static_cast<uint16_t>(mw), 1, mw * mb,
                                p.meta_addr + nt * meta_row + uint64_t{w0} * hw.MetaStepBytes()));
    }
    return buf;
  };
  // The parameter slot of n tile nt: with a single slot, a pending STORE still reads it.
  auto load_params = [&](unsigned nt) {
    if (acc.slots == 1) flush();
    const uint16_t slot = acc.Slot(param_loads++);
    PushParamLoads(hw, l, p, nt, slot, &cmds);
    return slot;
  };
  const unsigned blocks = (p.m_tiles + p.m_block - 1) / p.m_block;
  // Loads for (block, nt) that were issued ahead, during the previous n tile.
  bool weights_ahead = false, params_ahead = false;
  uint16_t ahead_wbuf = 0, ahead_slot = 0;
  bool next_act_ahead = false;  // the next block's activations were loaded during this one
  for (unsigned b = 0; b < blocks; ++b) {
    const unsigned mt0 = b * p.m_block, mt1 = std::min(p.m_tiles, mt0 + p.m_block);
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
        const unsigned m0 = mt * hw.rows;
        const uint16_t region = acc.Region(tile, hw.rows);
        for (unsigned k0 = 0; k0 < K; k0 += p.k_chunk) {
          const unsigned kt = std::min(p.k_chunk, K - k0);
          uint16_t abuf;
          if (p.act_resident) {
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
          const uint16_t w = weights_once ? wbuf : load_weights(nt, k0, kt);
          // The previous tile's STORE follows this COMPUTE (it waits for the previous drain,
          // which this COMPUTE no longer has to), unless they share the one acc region.
          if (acc.regions == 1) flush();
          const bool first = k0 == 0, last = k0 + kt == K;
          cmds.push_back(p.structured
                             ? EncodeStructuredCompute(first, last, abuf, w,
                                                       static_cast<uint16_t>(kt / 2), zp, region)
                             : EncodeCompute(first, last, abuf, w, kt, zp, region));
          if (!p.overlap) cmds.push_back(EncodeSync());
          flush();
          // Issue the next n tile's loads while this n tile's remaining m tiles (or K chunks)
          // compute: its weights when they are one chunk and have a free half, its parameters
          // when they have a free slot.
          const bool next_exists = nt + 1 < p.n_tiles || b + 1 < blocks;
          const unsigned next_nt = nt + 1 < p.n_tiles ? nt + 1 : 0;
          if (mt == mt0 && last && next_exists && weights_once && p.double_buffer) {
            ahead_wbuf = load_weights(next_nt, 0, K);
            weights_ahead = true;
          }
          if (mt == mt0 && first && next_exists && acc.slots >= 2) {
            ahead_slot = load_params(next_nt);
            params_ahead = true;
          }
          // During a block's last n tile, the next block's activations go into the other half,
          // one m tile after each of this block's COMPUTEs.
          const unsigned next_mt = mt1 + (mt - mt0);
          if (p.act_resident && p.double_buffer && nt + 1 == p.n_tiles && first && b + 1 < blocks &&
              next_mt < std::min(p.m_tiles, mt1 + p.m_block)) {
            const uint16_t next_base = static_cast<uint16_t>(((b + 1) % 2) * act_half);
            cmds.push_back(EncodeLoad(contract::kTargetAct,
                                      static_cast<uint16_t>(next_base + (mt - mt0) * K), K, 1,
                                      act_row, p.act_addr + next_mt * act_row));
            next_act_ahead = true;
          }
        }
        const unsigned rows = std::min<unsigned>(hw.rows, l.M - m0);
        const unsigned bytes = std::min<unsigned>(hw.cols, l.N - n0);
        pending_store.push_back(TileStore(l, p, region, rows, bytes, slot, m0, n0));
        if (!p.overlap) pending_store.push_back(EncodeSync());
      }
    }
  }
  flush();
  return cmds;
}

}  // namespace

void PushParamLoads(const HwParams& hw, const FcLayer& l, const Program& p, unsigned nt,
                    uint16_t slot, std::vector<Command>* out) {
  out->push_back(EncodeLoad(contract::kTargetAcc, slot, 1, 1, hw.AccWordBytes(),
                            p.bias_addr + uint64_t{nt} * hw.AccWordBytes()));
  if (!l.channel_multiplier.empty()) {
    out->push_back(EncodeLoad(contract::kTargetAcc, static_cast<uint16_t>(slot + 1), 2, 1,
                              2 * hw.AccWordBytes(),
                              p.quant_addr + uint64_t{nt} * 2 * hw.AccWordBytes()));
  }
}

Command TileStore(const FcLayer& l, const Program& p, uint16_t region, unsigned rows,
                  unsigned bytes, uint16_t slot, unsigned m0, unsigned n0, int quant) {
  return EncodeStore(region, static_cast<uint16_t>(rows), static_cast<uint16_t>(bytes), slot,
                     static_cast<uint32_t>(l.N), p.out_addr + static_cast<uint64_t>(m0) * l.N + n0,
                     l.output_multiplier, static_cast<int8_t>(l.output_shift),
                     static_cast<int8_t>(l.output_zero_point), static_cast<int8_t>(l.act_min),
                     static_cast<int8_t>(l.act_max),
                     l.channel_multiplier.empty() ? -1
                     : quant >= 0                 ? quant
                                                  : int{slot} + 1);
}

AccLayout ChooseAccLayout(const HwParams& hw, bool per_channel) {
  const unsigned s = per_channel ? 3 : 1, r = hw.rows;
  for (const auto& [regions, slots] : {std::pair{2u, 3u}, {2u, 2u}, {2u, 1u}, {1u, 2u}}) {
    if (regions * r + slots * s <= hw.acc_words) return {s, slots, regions};
  }
  return {s, 1, 1};
}

namespace {

// The DRAM regions, in order: commands (room for cmd_count), activations, weights, bias,
// per-channel quantisation words, output; each 4 KB aligned.
void LayOut(const HwParams& hw, const FcLayer& l, uint64_t cmd_count, const Layout& sz,
            Program* pp) {
  Program& p = *pp;
  Require(cmd_count <= UINT32_MAX, "the layer needs more than 2^32 commands");
  // Per channel: the quantisation words; transposed: the per-row bias words, in the same place.
  const uint64_t quant_bytes =
      p.transposed                   ? uint64_t{p.m_tiles} * p.n_block * hw.rows * hw.AccWordBytes()
      : l.channel_multiplier.empty() ? 0
                                     : uint64_t{p.n_tiles} * 2 * hw.AccWordBytes();
  p.cmd_base = kCmdBase;
  p.act_addr = AlignUp(p.cmd_base + cmd_count * contract::kCmdBytes, kRegionAlign);
  p.weight_addr = AlignUp(p.act_addr + sz.act_bytes, kRegionAlign);
  p.bias_addr = AlignUp(p.weight_addr + sz.weight_bytes, kRegionAlign);
  p.quant_addr = AlignUp(p.bias_addr + sz.bias_bytes, kRegionAlign);
  p.out_addr = AlignUp(p.quant_addr + quant_bytes, kRegionAlign);
  p.row_bias_addr = p.transposed ? p.quant_addr : 0;
  const uint64_t end = AlignUp(p.out_addr + sz.out_bytes, kRegionAlign);
  Require(hw.addr_bits >= 64 || end <= (uint64_t{1} << hw.addr_bits),
          "the DRAM image needs " + std::to_string(end) + " bytes, more than the " +
              std::to_string(hw.addr_bits) + "-bit address space");
  Require(end <= (uint64_t{1} << 32),
          "the DRAM image needs " + std::to_string(end) + " bytes; at most 4 GiB is supported");

  p.dram.assign(end, 0);  // zero-filled, so the output region starts as zeros
}

// The commands, bias and quantisation words into the image (activations and weights are the
// dataflow's own layouts).
void WriteImage(const HwParams& hw, const FcLayer& l, Program* pp) {
  Program& p = *pp;
  p.cmd_count = static_cast<uint32_t>(p.cmds.size());
  for (size_t i = 0; i < p.cmds.size(); ++i) {
    std::copy(p.cmds[i].begin(), p.cmds[i].end(),
              p.dram.begin() + p.cmd_base + i * contract::kCmdBytes);
  }
  if (p.transposed) {
    // l.bias is per row, in [m_tile][n_block copies][rows][cols lanes] (one LOAD fills a block's
    // regions); the lane bias words stay zero.
    uint8_t* dst = p.dram.data() + p.row_bias_addr;
    for (uint64_t mt = 0; mt < p.m_tiles; ++mt) {
      for (unsigned c = 0; c < p.n_block; ++c) {
        for (uint64_t r = mt * hw.rows; r < (mt + 1) * hw.rows; ++r) {
          const int32_t b = r < static_cast<uint64_t>(l.M) ? l.bias[r] : 0;
          for (unsigned j = 0; j < hw.cols; ++j) dst = PutInt32(dst, b);
        }
      }
    }
    return;
  }
  WriteBias(l, static_cast<uint64_t>(p.n_tiles) * hw.cols, p.dram.data() + p.bias_addr);
  if (!l.channel_multiplier.empty()) WriteQuant(hw, l, p.n_tiles, p.dram.data() + p.quant_addr);
}

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

Program BuildWsProgram(const HwParams& hw, const FcLayer& l, Program p) {
  PlanWs(hw, l, &p);
  const uint64_t kb = (static_cast<uint64_t>(l.K) + hw.rows - 1) / hw.rows;
  const uint64_t cmd_count = uint64_t{p.m_tiles} * p.n_tiles * (5 + 4 * kb) + p.m_tiles + 4;
  const Layout sz{WsActBytes(hw, l), WsWeightBytes(hw, l, p),
                  static_cast<uint64_t>(p.n_tiles) * hw.AccWordBytes(),
                  static_cast<uint64_t>(l.M) * l.N};
  LayOut(hw, l, cmd_count, sz, &p);
  p.cmds = p.k_split ? TileCommandsWsSplit(hw, l, p) : TileCommandsWs(hw, l, p);
  WriteImage(hw, l, &p);
  WriteActivationsWs(hw, l, p.dram.data() + p.act_addr);
  WriteWeightsWs(hw, l, p, p.dram.data() + p.weight_addr);
  return p;
}

// Zero-skip: the command count comes from a first pass (it does not depend on addresses).
Program BuildSkipProgram(const HwParams& hw, const FcLayer& l, Program p) {
  const uint64_t cmd_count = TileCommandsSkip(hw, l, p).size();
  const Layout sz{static_cast<uint64_t>(p.m_tiles) * hw.rows * l.K, SkipWeightBytes(hw, l, p),
                  static_cast<uint64_t>(p.n_tiles) * hw.AccWordBytes(),
                  static_cast<uint64_t>(l.M) * l.N};
  LayOut(hw, l, cmd_count, sz, &p);
  p.cmds = TileCommandsSkip(hw, l, p);
  WriteImage(hw, l, &p);
  WriteBlockedActivations(hw, l, p.m_tiles, static_cast<unsigned>(l.K), p.dram.data() + p.act_addr);
  WriteWeightsSkip(hw, l, p, p.dram.data() + p.weight_addr);
  return p;
}

// Output-stationary, dense or 2:4 (p.structured): the 2:4 weights are compressed values, then
// (4 KB aligned) their positions, in one region.
Program BuildOsProgram(const HwParams& hw, const FcLayer& l, Program p) {
  const uint64_t K = ActSteps(l, p);
  // Per tile at most: 2 parameter LOADs, 2 LOADs (2:4: 3 with the meta), a COMPUTE and a SYNC per
  // K chunk, a STORE and a SYNC, plus the loads issued ahead (2:4: the meta too).
  const uint64_t k_chunks = (K + p.k_chunk - 1) / p.k_chunk;
  const uint64_t per_tile = p.structured ? 8 + 5 * k_chunks : 6 + 4 * k_chunks;
  const uint64_t cmd_count = uint64_t{p.m_tiles} * p.n_tiles * per_tile + 4;
  const uint64_t value_bytes =
      p.structured ? Weight24Bytes(hw, l, p) : static_cast<uint64_t>(p.n_tiles) * hw.cols * K;
  const uint64_t weight_bytes =
      p.structured ? AlignUp(value_bytes, kRegionAlign) + Meta24Bytes(hw, l, p) : value_bytes;
  const Layout sz{static_cast<uint64_t>(p.m_tiles) * hw.rows * K, weight_bytes,
                  static_cast<uint64_t>(p.n_tiles) * hw.AccWordBytes(),
                  static_cast<uint64_t>(l.M) * l.N};
  LayOut(hw, l, cmd_count, sz, &p);
  if (p.structured) p.meta_addr = p.weight_addr + AlignUp(value_bytes, kRegionAlign);
  p.cmds = p.k_split ? TileCommandsSplit(hw, l, p) : TileCommands(hw, l, p);
  WriteImage(hw, l, &p);
  WriteBlockedActivations(hw, l, p.m_tiles, static_cast<unsigned>(K), p.dram.data() + p.act_addr);
  if (p.structured) {
    WriteWeights24(hw, l, p, p.dram.data() + p.weight_addr, p.dram.data() + p.meta_addr);
  } else {
    WriteBlockedWeights(hw, l, p.n_tiles, p.dram.data() + p.weight_addr);
  }
  return p;
}

}  // namespace

unsigned ActHalf(const HwParams& hw, bool structured) {
  return structured ? hw.act_words / 2 & ~1u : hw.act_words / 2;
}

unsigned WeightHalf(const HwParams& hw, bool structured) {
  return structured ? hw.weight_words / 2 & ~3u : hw.weight_words / 2;
}

unsigned ActSteps(const FcLayer& l, const Program& p) {
  const unsigned K = static_cast<unsigned>(l.K);
  return p.structured ? (K + 7) / 8 * 8 : K;
}

bool PlanOs(const HwParams& hw, const FcLayer& l, Program* pp) {
  Program& p = *pp;
  p.m_tiles = (l.M + hw.rows - 1) / hw.rows;
  p.m_tile_rows = hw.rows;
  p.n_tiles = (l.N + hw.cols - 1) / hw.cols;
  // Double buffering halves what a K chunk or an act block may use (when a scratchpad has 2+
  // words).
  p.double_buffer = hw.act_words >= 2 && hw.weight_words >= 2;
  const unsigned act_cap = p.double_buffer ? ActHalf(hw, p.structured) : hw.act_words;
  const unsigned weight_cap = p.double_buffer ? WeightHalf(hw, p.structured)
                              : p.structured  ? hw.weight_words & ~3u
                                              : hw.weight_words;
  const uint64_t K = ActSteps(l, p);
  const unsigned wdiv = p.structured ? 2 : 1;  // act words per weight word
  // Activations stay resident when all of K fits: every m tile at once if they all fit in the
  // whole scratchpad (one block), else blocks of as many m tiles as fit in one half.
  if (K <= kMaxField16 && uint64_t{p.m_tiles} * K <= hw.act_words) {
    p.act_resident = true;
    p.m_block = p.m_tiles;
  } else if (p.double_buffer && K <= act_cap) {
    p.act_resident = true;
    p.m_block = static_cast<unsigned>(act_cap / K);
  } else {
    p.act_resident = false;
    p.m_block = 1;
  }
  p.k_chunk =
      static_cast<unsigned>(std::min<uint64_t>({K, uint64_t{weight_cap} * wdiv, kMaxField16}));
  if (!p.act_resident) p.k_chunk = std::min(p.k_chunk, act_cap);
  if (p.structured) p.k_chunk -= p.k_chunk % 8;  // whole meta words (eight act words)
  if (!p.act_resident) PlanSplit(hw, l, act_cap, weight_cap, &p);
  return p.k_chunk > 0;
}

Program BuildFcProgram(const HwParams& hw, const FcLayer& l, const DriverOptions& opts) {
  CheckLayer(hw, l);
  Program p;
  p.overlap = opts.overlap;
  if (hw.weight_stationary) return BuildWsProgram(hw, l, p);
  Require(static_cast<uint64_t>(l.N) <= UINT32_MAX, "N does not fit the 32-bit store stride");
  if (hw.zero_skip && opts.zero_skip &&
      (opts.zero_skip_batched || l.M <= static_cast<int>(hw.rows))) {
    Program q = p;
    if (PlanSkip(hw, l, &q)) return BuildSkipProgram(hw, l, q);
  }
  if (Use24(hw, l, opts)) {
    Program q = p;
    q.structured = true;
    if (PlanOs(hw, l, &q)) return BuildOsProgram(hw, l, q);
  }
  const Program base = p;
  PlanOs(hw, l, &p);
  // A K-split layer runs transposed when that is estimated 2% faster (less padding); only
  // planned when rows over N need fewer tiles.
  auto tiles = [&](uint64_t along_rows, uint64_t along_cols) {
    return (along_rows + hw.rows - 1) / hw.rows * ((along_cols + hw.cols - 1) / hw.cols);
  };
  if (p.k_split && l.channel_multiplier.empty() && tiles(l.N, l.M) < tiles(l.M, l.N)) {
    const FcLayer t = TransposedLayer(l);
    Program q = base;
    q.transposed = true;
    if (PlanOs(hw, t, &q) && q.k_split && q.split_cycles * 50 < p.split_cycles * 49) {
      return BuildOsProgram(hw, t, q);
    }
  }
  return BuildOsProgram(hw, l, p);
}

std::vector<int8_t> ReadOutput(const Program& prog, const std::vector<uint8_t>& dram, int M,
                               int N) {
  const uint64_t bytes = static_cast<uint64_t>(M) * N;
  if (prog.out_addr + bytes > dram.size()) {
    throw std::invalid_argument("ReadOutput: output region lies outside the DRAM image");
  }
  std::vector<int8_t> out(bytes);
  for (uint64_t i = 0; i < bytes; ++i) {
    const uint64_t m = i / static_cast<uint64_t>(N), n = i % static_cast<uint64_t>(N);
    out[i] = static_cast<int8_t>(dram[prog.out_addr + (prog.transposed ? n * M + m : i)]);
  }
  return out;
}

}  // namespace salsa
