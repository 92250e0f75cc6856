// Functional model of salsa's sequencer, scratchpads, MAC array and PPU.
#include "salsa/func_sim.h"

#include <algorithm>
#include <cstdio>

#include "salsa/quant.h"

namespace salsa {
namespace {

uint32_t Word(const uint8_t* p, unsigned i) {
  return static_cast<uint32_t>(p[4 * i]) | (static_cast<uint32_t>(p[4 * i + 1]) << 8) |
         (static_cast<uint32_t>(p[4 * i + 2]) << 16) | (static_cast<uint32_t>(p[4 * i + 3]) << 24);
}

uint32_t Lo16(uint32_t w) { return w & 0xFFFFu; }
uint32_t Hi16(uint32_t w) { return w >> 16; }
int32_t Int8Field(uint32_t w, unsigned lsb) { return static_cast<int8_t>((w >> lsb) & 0xFFu); }

// Wrapping int32 arithmetic, as the hardware does.
int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

bool InDram(const std::vector<uint8_t>& dram, uint64_t addr, uint64_t bytes) {
  return addr <= dram.size() && bytes <= dram.size() - addr;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

FuncSim::FuncSim(const HwParams& hw)
    : hw_(hw),
      act_(static_cast<size_t>(hw.act_words) * hw.rows, 0),
      weight_(static_cast<size_t>(hw.weight_words) * hw.cols, 0),
      meta_(hw.structured24 ? static_cast<size_t>(hw.weight_words) * hw.MetaStepBytes() : 0, 0),
      acc_sp_(static_cast<size_t>(hw.acc_words) * hw.cols, 0),
      array_acc_(static_cast<size_t>(hw.rows) * hw.cols, 0),
      idx_(hw.zero_skip ? hw.act_words : 0, 0) {}

FuncSimResult FuncSim::Run(std::vector<uint8_t>& dram, uint64_t cmd_base, uint32_t cmd_count) {
  counters_.fill(0);
  FuncSimResult r;
  for (uint32_t i = 0; i < cmd_count; ++i) {
    const uint64_t addr = cmd_base + static_cast<uint64_t>(i) * kCommandBytes;
    detail_.clear();
    uint32_t err = kErrNone;
    if (!InDram(dram, addr, kCommandBytes)) {
      err = Fail(kErrAxiRead, "command fetch at " + Hex(addr) + " is outside the DRAM image");
    } else {
      CountBeats(addr, kCommandBytes, kCntRdBytes);
      err = Execute(dram.data() + addr, dram);
    }
    if (err != kErrNone) {
      r.err_code = err;
      r.err_cmd = i;
      r.err_detail = "command " + std::to_string(i) + ": " + detail_;
      break;
    }
    ++counters_[kCntCommands];
  }
  r.status = kStatusDone | (r.err_code != kErrNone ? kStatusError : 0u);
  r.counters = counters_;
  return r;
}

uint32_t FuncSim::Fail(uint32_t code, const std::string& detail) {
  detail_ = detail;
  return code;
}

void FuncSim::CountBeats(uint64_t addr, uint64_t bytes, unsigned counter) {
  if (bytes == 0) return;
  const uint64_t first = addr / hw_.bus_bytes, last = (addr + bytes - 1) / hw_.bus_bytes;
  counters_[counter] += (last - first + 1) * hw_.bus_bytes;
}

uint32_t FuncSim::Execute(const uint8_t* cmd, std::vector<uint8_t>& dram) {
  uint32_t w[8];
  for (unsigned i = 0; i < 8; ++i) w[i] = Word(cmd, i);
  const unsigned op = w[0] & 0xFFu;
  // The zero-skip flags exist only in zero_skip builds; elsewhere they are field errors (other
  // unused flag bits are ignored). Accumulate (w0[11]) is a COMPUTE flag of every os build.
  const uint32_t zs_flags = kComputeIndexed | (op == kOpCompute ? kComputeGroup : 0u);
  if ((op == kOpLoad || op == kOpCompute) && !hw_.zero_skip && (w[0] & zs_flags) != 0) {
    return Fail(kErrBadField, std::string(op == kOpLoad ? "LOAD" : "COMPUTE") +
                                  " flag w0[10] or w0[13] set without zero_skip");
  }
  const bool accumulate_ok = op == kOpCompute && !hw_.weight_stationary;
  if ((op == kOpLoad || op == kOpCompute) && !accumulate_ok && (w[0] & kComputeAccumulate) != 0) {
    return Fail(kErrBadField, std::string(op == kOpLoad ? "LOAD" : "COMPUTE") +
                                  " flag w0[11] (accumulate) is only for os COMPUTEs");
  }
  if (op == kOpCompute && !hw_.structured24 && (w[0] & kComputeStructured) != 0) {
    return Fail(kErrBadField, "COMPUTE flag w0[12] (2:4) set without structured 2:4");
  }
  switch (op) {
    case kOpLoad:
      return (w[0] & kLoadGather) ? LoadGather(w, dram) : Load(w, dram);
    case kOpCompute:
      return Compute(w);
    case kOpStore:
      return Store(w, dram);
    case kOpSync:
      return kErrNone;  // in-order execution: every earlier command has finished
    case kOpScan:
      if (hw_.zero_skip) return Scan(w);
      [[fallthrough]];
    default:
      return Fail(kErrBadOpcode, "bad opcode " + std::to_string(op));
  }
}

uint32_t FuncSim::Clamp(uint32_t entries, uint32_t j0) const {
  return j0 >= nnz_ ? 0u : std::min(entries, nnz_ - j0);
}

// SCAN: lists every act word of [a, a + K) with a lane l < lanes that differs from the zero
// point; {0} when there is none.
uint32_t FuncSim::Scan(const uint32_t* w) {
  const uint32_t a = Lo16(w[1]), k = Lo16(w[2]), lanes = w[3] & 0xFFu;
  const int32_t zp = Int8Field(w[2], 16);
  if (k == 0) return Fail(kErrBadField, "SCAN K = 0");
  if (lanes == 0 || lanes > hw_.rows) {
    return Fail(kErrBadField,
                "SCAN lanes " + std::to_string(lanes) + " outside 1.." + std::to_string(hw_.rows));
  }
  if (a + k > hw_.act_words) {
    return Fail(kErrScratchpadRange, "SCAN act words [" + std::to_string(a) + ", " +
                                         std::to_string(a + k) + ") exceed " +
                                         std::to_string(hw_.act_words));
  }
  nnz_ = 0;
  for (uint32_t i = 0; i < k; ++i) {
    const uint8_t* x = &act_[static_cast<size_t>(a + i) * hw_.rows];
    bool nz = false;
    for (uint32_t l = 0; l < lanes && !nz; ++l) nz = static_cast<int8_t>(x[l]) != zp;
    if (nz) idx_[nnz_++] = static_cast<uint16_t>(i);
  }
  if (nnz_ == 0) idx_[nnz_++] = 0;
  scan_addr_ = a;
  scan_k_ = k;
  return kErrNone;
}

// Gather LOAD: entry e < n of [j0, j0 + L) reads words_per_row weight words at
// base + idx[j0 + e] * step into weight words sp + e * words_per_row.
uint32_t FuncSim::LoadGather(const uint32_t* w, const std::vector<uint8_t>& dram) {
  const unsigned target = (w[0] >> 8) & 3u;
  const uint32_t sp = Lo16(w[1]), wpr = Hi16(w[1]), entries = Lo16(w[2]), j0 = Hi16(w[2]);
  const uint64_t step = w[3], base = (static_cast<uint64_t>(w[5]) << 32) | w[4];
  if (target != kTargetWeight) {
    return Fail(kErrBadField, "gather LOAD target " + std::to_string(target) + " (weight only)");
  }
  if (entries == 0) return Fail(kErrBadField, "gather LOAD entries = 0");
  if (wpr == 0) return Fail(kErrBadField, "gather LOAD words per row = 0");
  const uint64_t words = static_cast<uint64_t>(entries) * wpr;
  if (sp + words > hw_.weight_words) {
    return Fail(kErrScratchpadRange, "gather LOAD words [" + std::to_string(sp) + ", " +
                                         std::to_string(sp + words) + ") exceed " +
                                         std::to_string(hw_.weight_words) + " scratchpad words");
  }
  const uint32_t n = Clamp(entries, j0);
  const uint64_t row_bytes = static_cast<uint64_t>(wpr) * hw_.cols;
  for (uint32_t e = 0; e < n; ++e) {
    const uint64_t a = base + idx_[j0 + e] * step;
    if (!InDram(dram, a, row_bytes)) {
      return Fail(kErrAxiRead, "gather LOAD entry " + std::to_string(j0 + e) + " at " + Hex(a) +
                                   " (" + std::to_string(row_bytes) +
                                   " bytes) is outside the DRAM image");
    }
  }
  for (uint32_t e = 0; e < n; ++e) {
    const uint64_t a = base + idx_[j0 + e] * step;
    CountBeats(a, row_bytes, kCntRdBytes);
    std::copy(dram.begin() + a, dram.begin() + a + row_bytes,
              weight_.begin() + (sp + static_cast<uint64_t>(e) * wpr) * hw_.cols);
  }
  counters_[kCntSkippedWgtBytes] += (entries - n) * row_bytes;
  return kErrNone;
}

uint32_t FuncSim::Load(const uint32_t* w, const std::vector<uint8_t>& dram) {
  const unsigned target = (w[0] >> 8) & 3u;
  const uint32_t sp_addr = Lo16(w[1]), words_per_row = Hi16(w[1]), rows = Lo16(w[2]);
  const uint32_t stride = w[3];
  const uint64_t addr = (static_cast<uint64_t>(w[5]) << 32) | w[4];
  if (target == kTargetMeta && !hw_.structured24) {
    return Fail(kErrBadField, "LOAD target 3 (meta) without structured 2:4");
  }
  if (rows == 0) return Fail(kErrBadField, "LOAD rows = 0");
  if (words_per_row == 0) return Fail(kErrBadField, "LOAD words per row = 0");

  const unsigned sp_words = target == kTargetAct    ? hw_.act_words
                            : target == kTargetAcc  ? hw_.acc_words
                            : target == kTargetMeta ? hw_.MetaWords()
                                                    : hw_.weight_words;
  const unsigned word_bytes = target == kTargetAct      ? hw_.ActWordBytes()
                              : target == kTargetWeight ? hw_.WeightWordBytes()
                              : target == kTargetMeta   ? hw_.MetaWordBytes()
                                                        : hw_.AccWordBytes();
  const uint64_t words = static_cast<uint64_t>(rows) * words_per_row;
  if (sp_addr + words > sp_words) {
    return Fail(kErrScratchpadRange, "LOAD words [" + std::to_string(sp_addr) + ", " +
                                         std::to_string(sp_addr + words) + ") exceed " +
                                         std::to_string(sp_words) + " scratchpad words");
  }
  const uint64_t row_bytes = static_cast<uint64_t>(words_per_row) * word_bytes;
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    if (!InDram(dram, a, row_bytes)) {
      return Fail(kErrAxiRead, "LOAD row " + std::to_string(r) + " at " + Hex(a) + " (" +
                                   std::to_string(row_bytes) + " bytes) is outside the DRAM image");
    }
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    const uint64_t dst = (sp_addr + static_cast<uint64_t>(r) * words_per_row) * word_bytes;
    CountBeats(a, row_bytes, kCntRdBytes);
    const uint8_t* src = dram.data() + a;
    if (target == kTargetAct) {
      std::copy(src, src + row_bytes, act_.begin() + dst);
    } else if (target == kTargetWeight) {
      std::copy(src, src + row_bytes, weight_.begin() + dst);
    } else if (target == kTargetMeta) {
      std::copy(src, src + row_bytes, meta_.begin() + dst);
    } else {
      for (uint64_t i = 0; i < row_bytes / 4; ++i) acc_sp_[dst / 4 + i] = Word(src, i);
    }
  }
  return kErrNone;
}

// Weight-stationary COMPUTE: B = w3[31:16] K blocks (0 reads as 1); block b streams M act words
// from act + b*M past the rows weight words at wgt + b*rows; output row m is written to (clear,
// first block) or added to acc word acc + m.
uint32_t FuncSim::ComputeWs(const uint32_t* w) {
  const bool clear = (w[0] & kComputeClear) != 0;
  const uint32_t act_addr = Lo16(w[1]), weight_addr = Hi16(w[1]), m_rows = Lo16(w[2]);
  const int32_t zp = Int8Field(w[2], 16);
  const uint32_t acc_addr = Lo16(w[3]);
  const uint64_t blocks = std::max<uint32_t>(Hi16(w[3]), 1);
  if (m_rows == 0) return Fail(kErrBadField, "COMPUTE M = 0");
  const uint64_t act_end = act_addr + blocks * m_rows;
  const uint64_t weight_end = weight_addr + blocks * hw_.rows;
  if (act_end > hw_.act_words) {
    return Fail(kErrScratchpadRange, "COMPUTE act words [" + std::to_string(act_addr) + ", " +
                                         std::to_string(act_end) + ") exceed " +
                                         std::to_string(hw_.act_words));
  }
  if (weight_end > hw_.weight_words) {
    return Fail(kErrScratchpadRange, "COMPUTE weight words [" + std::to_string(weight_addr) + ", " +
                                         std::to_string(weight_end) + ") exceed " +
                                         std::to_string(hw_.weight_words));
  }
  if (acc_addr + m_rows > hw_.acc_words) {
    return Fail(kErrScratchpadRange, "COMPUTE acc words [" + std::to_string(acc_addr) + ", " +
                                         std::to_string(acc_addr + m_rows) + ") exceed " +
                                         std::to_string(hw_.acc_words));
  }
  for (uint64_t b = 0; b < blocks; ++b) {
    for (uint32_t m = 0; m < m_rows; ++m) {
      const uint8_t* x = &act_[static_cast<size_t>(act_addr + b * m_rows + m) * hw_.rows];
      int32_t* out = &acc_sp_[static_cast<size_t>(acc_addr + m) * hw_.cols];
      if (clear && b == 0) std::fill(out, out + hw_.cols, 0);
      for (unsigned i = 0; i < hw_.rows; ++i) {
        const int32_t d = static_cast<int8_t>(x[i]) - zp;  // 9-bit signed
        if (d == 0) {
          ++counters_[kCntGated];
          continue;
        }
        const uint8_t* wt =
            &weight_[static_cast<size_t>(weight_addr + b * hw_.rows + i) * hw_.cols];
        for (unsigned j = 0; j < hw_.cols; ++j) {
          out[j] = WrapAdd(out[j], d * static_cast<int8_t>(wt[j]));
        }
      }
    }
  }
  counters_[kCntMacActive] += blocks * m_rows;
  return kErrNone;
}

void FuncSim::Feed(uint32_t steps, int32_t zp, uint32_t act_addr, uint32_t weight_addr,
                   bool indexed, uint32_t j0, uint32_t stride) {
  for (uint32_t e = 0; e < steps; ++e) {
    const uint32_t a = indexed ? scan_addr_ + idx_[j0 + e] : act_addr + e;
    const uint8_t* x = &act_[static_cast<size_t>(a) * hw_.rows];
    const uint8_t* wt = &weight_[(weight_addr + static_cast<size_t>(e) * stride) * hw_.cols];
    for (unsigned i = 0; i < hw_.rows; ++i) {
      const int32_t d = static_cast<int8_t>(x[i]) - zp;  // 9-bit signed
      if (d == 0) {
        ++counters_[kCntGated];
        continue;
      }
      int32_t* acc = &array_acc_[static_cast<size_t>(i) * hw_.cols];
      for (unsigned j = 0; j < hw_.cols; ++j)
        acc[j] = WrapAdd(acc[j], d * static_cast<int8_t>(wt[j]));
    }
  }
  counters_[kCntMacActive] += steps;
}

// 2:4 step s (group g = s / 2): column c multiplies act word a + 4g + m, m its position in meta
// word wb + s, with byte c of weight word wb + s. Each step presents the group's four activations
// of every row to the gate, which counts the ones at the zero point.
void FuncSim::Feed24(uint32_t steps, int32_t zp, uint32_t act_addr, uint32_t weight_addr) {
  const unsigned mb = hw_.MetaStepBytes();
  std::vector<int32_t> d(static_cast<size_t>(4) * hw_.rows);  // d[l * rows + i]
  for (uint32_t s = 0; s < steps; ++s) {
    const uint32_t a = act_addr + 4 * (s / 2);
    for (unsigned l = 0; l < 4; ++l) {
      const uint8_t* x = &act_[static_cast<size_t>(a + l) * hw_.rows];
      for (unsigned i = 0; i < hw_.rows; ++i) {
        d[l * hw_.rows + i] = static_cast<int8_t>(x[i]) - zp;  // 9-bit signed
        counters_[kCntGated] += d[l * hw_.rows + i] == 0;
      }
    }
    const uint8_t* wt = &weight_[static_cast<size_t>(weight_addr + s) * hw_.cols];
    const uint8_t* meta = &meta_[static_cast<size_t>(weight_addr + s) * mb];
    for (unsigned j = 0; j < hw_.cols; ++j) {
      const unsigned m = (meta[j / 4] >> (2 * (j % 4))) & 3u;
      const int32_t wj = static_cast<int8_t>(wt[j]);
      for (unsigned i = 0; i < hw_.rows; ++i) {
        int32_t& acc = array_acc_[static_cast<size_t>(i) * hw_.cols + j];
        acc = WrapAdd(acc, d[m * hw_.rows + i] * wj);
      }
    }
  }
  counters_[kCntMacActive] += steps;
}

// COMPUTE: K steps from act_addr / weight_addr or, indexed (zero_skip), entries [j0, j0 + L) of
// the index list (act word a + idx[j], weight words wb, wb + S, ...); the drain writes or, with
// accumulate, adds the accumulators to the acc words.
uint32_t FuncSim::Compute(const uint32_t* w) {
  if (hw_.weight_stationary) return ComputeWs(w);
  const bool clear = (w[0] & kComputeClear) != 0, drain = (w[0] & kComputeDrain) != 0;
  const bool indexed = (w[0] & kComputeIndexed) != 0;
  const bool accumulate = (w[0] & kComputeAccumulate) != 0;
  const bool structured = (w[0] & kComputeStructured) != 0;  // checked against hw_ in Execute
  const bool group = (w[0] & kComputeGroup) != 0;            // zero_skip only (Execute)
  const uint32_t act_addr = Lo16(w[1]), weight_addr = Hi16(w[1]), k_steps = Lo16(w[2]);
  const int32_t zp = Int8Field(w[2], 16);
  const uint32_t drain_addr = Lo16(w[3]);
  const uint32_t stride = indexed ? (w[2] >> 24) : 1u, j0 = indexed ? Hi16(w[3]) : 0u;
  if (k_steps == 0) return Fail(kErrBadField, "COMPUTE K = 0");
  if (indexed && stride == 0) return Fail(kErrBadField, "indexed COMPUTE weight stride = 0");
  if (group && !(indexed && drain)) {
    return Fail(kErrBadField, "group COMPUTE (w0[13]) without indexed (w0[10]) and drain (w0[9])");
  }
  const uint32_t tiles = group ? stride : 1u;  // a group COMPUTE runs S tiles
  if (structured && (k_steps % 2 != 0 || act_addr % 2 != 0)) {
    return Fail(kErrBadField, "2:4 COMPUTE with odd K " + std::to_string(k_steps) +
                                  " or odd act address " + std::to_string(act_addr));
  }
  // A 2:4 step reads two act words (four per group of two steps).
  const uint32_t act_words = structured ? 2 * k_steps : k_steps;
  if (!indexed && act_addr + act_words > hw_.act_words) {
    return Fail(kErrScratchpadRange, "COMPUTE act words [" + std::to_string(act_addr) + ", " +
                                         std::to_string(act_addr + act_words) + ") exceed " +
                                         std::to_string(hw_.act_words));
  }
  const uint64_t weight_end = weight_addr + static_cast<uint64_t>(k_steps - 1) * stride + tiles;
  if (weight_end > hw_.weight_words) {
    return Fail(kErrScratchpadRange, "COMPUTE weight words [" + std::to_string(weight_addr) + ", " +
                                         std::to_string(weight_end) + ") exceed " +
                                         std::to_string(hw_.weight_words));
  }
  if (drain && drain_addr + tiles * hw_.rows > hw_.acc_words) {
    return Fail(kErrScratchpadRange, "COMPUTE drain to acc words [" + std::to_string(drain_addr) +
                                         ", " + std::to_string(drain_addr + tiles * hw_.rows) +
                                         ") exceeds " + std::to_string(hw_.acc_words));
  }
  const uint32_t n = indexed ? Clamp(k_steps, j0) : k_steps;
  counters_[kCntSkippedSteps] += static_cast<uint64_t>(tiles) * (k_steps - n);
  if (n == 0) return kErrNone;  // an indexed COMPUTE past the list does nothing at all
  for (uint32_t t = 0; t < tiles; ++t) {
    if (clear) std::fill(array_acc_.begin(), array_acc_.end(), 0);
    if (structured) {
      Feed24(n, zp, act_addr, weight_addr);
    } else {
      Feed(n, zp, act_addr, weight_addr + t, indexed, j0, stride);
    }
    if (drain) {
      int32_t* out = &acc_sp_[(static_cast<size_t>(drain_addr) + t * hw_.rows) * hw_.cols];
      for (size_t i = 0; i < array_acc_.size(); ++i) {
        out[i] = accumulate ? WrapAdd(out[i], array_acc_[i]) : array_acc_[i];
      }
    }
  }
  return kErrNone;
}

uint32_t FuncSim::Store(const uint32_t* w, std::vector<uint8_t>& dram) {
  const uint32_t acc_addr = Lo16(w[1]), rows = Hi16(w[1]);
  const uint32_t bytes = Lo16(w[2]), bias_addr = Hi16(w[2]), stride = w[3];
  const uint64_t addr = (static_cast<uint64_t>(w[5]) << 32) | w[4];
  const int32_t multiplier = static_cast<int32_t>(w[6]);
  const int shift = Int8Field(w[7], 0);
  const int32_t out_zp = Int8Field(w[7], 8), act_min = Int8Field(w[7], 16);
  const int32_t act_max = Int8Field(w[7], 24);
  if (rows == 0) return Fail(kErrBadField, "STORE rows = 0");
  if (bytes == 0 || bytes > hw_.cols) {
    return Fail(kErrBadField, "STORE bytes per row " + std::to_string(bytes) + " outside 1.." +
                                  std::to_string(hw_.cols));
  }
  if (shift < -31 || shift > 30) {
    return Fail(kErrBadField, "STORE shift " + std::to_string(shift) + " outside -31..30");
  }
  if (act_min > act_max) {
    return Fail(kErrBadField, "STORE act_min " + std::to_string(act_min) + " > act_max " +
                                  std::to_string(act_max));
  }
  const bool per_channel = (w[0] >> 8) & 1u;
  const uint32_t qaddr = Hi16(w[0]);
  if (acc_addr + rows > hw_.acc_words || bias_addr >= hw_.acc_words ||
      (per_channel && qaddr + 2 > hw_.acc_words)) {
    return Fail(kErrScratchpadRange, "STORE acc words [" + std::to_string(acc_addr) + ", " +
                                         std::to_string(acc_addr + rows) + ") or bias word " +
                                         std::to_string(bias_addr) + " exceed " +
                                         std::to_string(hw_.acc_words));
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    if (!InDram(dram, a, bytes)) {
      return Fail(kErrAxiWrite, "STORE row " + std::to_string(r) + " at " + Hex(a) +
                                    " is outside the DRAM image");
    }
  }
  const int32_t* bias = &acc_sp_[static_cast<size_t>(bias_addr) * hw_.cols];
  // Per-channel: multipliers in acc word qaddr, shifts in the low byte of each lane of qaddr + 1.
  const int32_t* mults = &acc_sp_[static_cast<size_t>(qaddr) * hw_.cols];
  const int32_t* shifts = &acc_sp_[static_cast<size_t>(qaddr + 1) * hw_.cols];
  for (uint32_t r = 0; r < rows; ++r) {
    const int32_t* acc = &acc_sp_[static_cast<size_t>(acc_addr + r) * hw_.cols];
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    CountBeats(a, bytes, kCntWrBytes);
    for (uint32_t j = 0; j < bytes; ++j) {
      const int32_t mult_j = per_channel ? mults[j] : multiplier;
      const int shift_j = per_channel ? static_cast<int8_t>(shifts[j] & 0xFF) : shift;
      int32_t v = quant::MultiplyByQuantizedMultiplier(WrapAdd(acc[j], bias[j]), mult_j, shift_j);
      v = WrapAdd(v, out_zp);
      v = std::max(v, act_min);
      v = std::min(v, act_max);
      dram[a + j] = static_cast<uint8_t>(v);
    }
  }
  return kErrNone;
}

}  // namespace salsa
