// Functional model of salsa's sequencer, scratchpads, MAC array and PPU.
#include "salsa/func_sim.h"

#include <algorithm>
#include <cstdio>

#include "salsa/command.h"
#include "salsa/fp8.h"
#include "salsa/quant.h"

namespace salsa {
namespace {

using contract::CounterIndex;

uint32_t Word(const uint8_t* p, unsigned i) {
  return static_cast<uint32_t>(p[4 * i]) | (static_cast<uint32_t>(p[4 * i + 1]) << 8) |
         (static_cast<uint32_t>(p[4 * i + 2]) << 16) | (static_cast<uint32_t>(p[4 * i + 3]) << 24);
}

// Field `name` of the command at `c` (of its own opcode), through the contract's table.
int64_t F(const uint8_t* c, const char* name) { return cmd::Get(c, name); }
uint32_t U(const uint8_t* c, const char* name) { return static_cast<uint32_t>(F(c, name)); }
bool Flag(const uint8_t* c, const char* name) { return cmd::GetOr(c, name) != 0; }

// The error codes and counters the model reports, looked up by name in the contract.
constexpr unsigned kNone = contract::ErrCodeOf("none");
constexpr unsigned kBadOpcode = contract::ErrCodeOf("bad_opcode");
constexpr unsigned kAxiRead = contract::ErrCodeOf("axi_read");
constexpr unsigned kAxiWrite = contract::ErrCodeOf("axi_write");
constexpr unsigned kRange = contract::ErrCodeOf("scratchpad_range");
constexpr unsigned kBadField = contract::ErrCodeOf("bad_field");

// Wrapping int32 arithmetic, as the hardware does.
int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

bool InDram(const std::vector<uint8_t>& dram, uint64_t addr, uint64_t bytes) {
  return addr <= dram.size() && bytes <= dram.size() - addr;
}

bool HasFp8(const HwParams& hw) {
  return hw.Has(contract::kPrecFp8E4M3) || hw.Has(contract::kPrecFp8E5M2);
}

bool IsFp8(unsigned prec) {
  return prec == contract::kPrecFp8E4M3 || prec == contract::kPrecFp8E5M2;
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
    const uint64_t addr = cmd_base + static_cast<uint64_t>(i) * contract::kCmdBytes;
    detail_.clear();
    uint32_t err = kNone;
    if (!InDram(dram, addr, contract::kCmdBytes)) {
      err = Fail(kAxiRead, "command fetch at " + Hex(addr) + " is outside the DRAM image");
    } else {
      CountBeats(addr, contract::kCmdBytes, CounterIndex("rd_bytes"));
      err = Execute(dram.data() + addr, dram);
    }
    if (err != kNone) {
      r.err_code = err;
      r.err_cmd = i;
      r.err_detail = "command " + std::to_string(i) + ": " + detail_;
      break;
    }
    ++counters_[CounterIndex("commands")];
  }
  r.status = contract::CsrBitMask("STATUS", "done") |
             (r.err_code != kNone ? contract::CsrBitMask("STATUS", "error") : 0u);
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

uint32_t FuncSim::Execute(const uint8_t* c, std::vector<uint8_t>& dram) {
  const unsigned op = cmd::Opcode(c);
  const bool load = op == contract::kOpLoad, compute = op == contract::kOpCompute;
  // Flags of a feature this build lacks are field errors (other unused flag bits are ignored):
  // gather and indexed without zero_skip, group on a COMPUTE without zero_skip, accumulate except
  // on os COMPUTEs (its bit, w0[11], is checked on LOADs too), 2:4 without structured.
  const bool zs_flag =
      load ? Flag(c, "gather") : compute && (Flag(c, "indexed") || Flag(c, "group"));
  if (!hw_.zero_skip && zs_flag) {
    return Fail(kBadField, std::string(load ? "LOAD" : "COMPUTE") +
                               " flag w0[10] or w0[13] set without zero_skip");
  }
  const bool accumulate_ok = compute && !hw_.weight_stationary;
  if ((load || compute) && !accumulate_ok &&
      (CommandWord(c, 0) & contract::CmdFlag(contract::kOpCompute, "accumulate")) != 0) {
    return Fail(kBadField, std::string(load ? "LOAD" : "COMPUTE") +
                               " flag w0[11] (accumulate) is only for os COMPUTEs");
  }
  if (compute && !hw_.structured24 && Flag(c, "structured")) {
    return Fail(kBadField, "COMPUTE flag w0[12] (2:4) set without structured 2:4");
  }
  switch (op) {
    case contract::kOpLoad:
      return Flag(c, "gather") ? LoadGather(c, dram) : Load(c, dram);
    case contract::kOpCompute:
      return Compute(c);
    case contract::kOpStore:
      return Store(c, dram);
    case contract::kOpSync:
      return kNone;  // in-order execution: every earlier command has finished
    case contract::kOpScan:
      if (hw_.zero_skip) return Scan(c);
      [[fallthrough]];
    default:
      return Fail(kBadOpcode, "bad opcode " + std::to_string(op));
  }
}

uint32_t FuncSim::Clamp(uint32_t entries, uint32_t j0) const {
  return j0 >= nnz_ ? 0u : std::min(entries, nnz_ - j0);
}

// SCAN: lists every act word of [a, a + K) with a lane l < lanes that differs from the zero
// point (fp8: that is not +-0); {0} when there is none.
uint32_t FuncSim::Scan(const uint8_t* c) {
  const uint32_t a = U(c, "act_addr"), k = U(c, "k"), lanes = U(c, "lanes");
  const int32_t zp = static_cast<int32_t>(F(c, "in_zp"));
  if (k == 0) return Fail(kBadField, "SCAN K = 0");
  if (lanes == 0 || lanes > hw_.rows) {
    return Fail(kBadField,
                "SCAN lanes " + std::to_string(lanes) + " outside 1.." + std::to_string(hw_.rows));
  }
  // K-slice builds: S = 2^slices packs the list's act lanes into ceil(K / S) words after [a, a+K).
  const unsigned log_s = hw_.gemv_slices > 1 ? U(c, "slices") : 0u, slices = 1u << log_s;
  if (log_s > 0 && slices > hw_.gemv_slices) {
    return Fail(kBadField, "SCAN slices 2^" + std::to_string(log_s) + " exceed " +
                               std::to_string(hw_.gemv_slices));
  }
  const uint32_t packed = slices > 1 ? (k + slices - 1) / slices : 0u;
  if (a + k + packed > hw_.act_words) {
    return Fail(kRange, "SCAN act words [" + std::to_string(a) + ", " +
                            std::to_string(a + k + packed) + ") exceed " +
                            std::to_string(hw_.act_words));
  }
  // fp8 (FP8 builds): a lane is zero when its code is +0 or -0.
  const bool fp8 = HasFp8(hw_) && Flag(c, "fp8");
  nnz_ = 0;
  for (uint32_t i = 0; i < k; ++i) {
    const uint8_t* x = &act_[static_cast<size_t>(a + i) * hw_.rows];
    bool nz = false;
    for (uint32_t l = 0; l < lanes && !nz; ++l) {
      nz = fp8 ? (x[l] & 0x7F) != 0 : static_cast<int8_t>(x[l]) != zp;
    }
    if (nz) idx_[nnz_++] = static_cast<uint16_t>(i);
  }
  const uint32_t listed = nnz_;
  if (nnz_ == 0) idx_[nnz_++] = 0;
  scan_addr_ = a;
  scan_k_ = k;
  scan_packed_ = a + k;
  scan_slices_ = slices;
  if (slices > 1) {
    // Packed word q, byte r: lane r % G of listed word S*q + r / G, else the zero point (one word
    // of zero points when nothing is listed).
    const unsigned g = hw_.rows / slices;
    const uint32_t words = std::max<uint32_t>(1, (listed + slices - 1) / slices);
    for (uint32_t q = 0; q < words; ++q) {
      uint8_t* out = &act_[static_cast<size_t>(a + k + q) * hw_.rows];
      for (unsigned r = 0; r < hw_.rows; ++r) {
        const uint32_t e = q * slices + r / g;
        out[r] = e < listed ? act_[static_cast<size_t>(a + idx_[e]) * hw_.rows + r % g]
                            : static_cast<uint8_t>(zp);
      }
    }
  }
  return kNone;
}

// Gather LOAD: entry e < n of [j0, j0 + L) reads words_per_row weight words at
// base + idx[j0 + e] * step into weight words sp + e * words_per_row.
uint32_t FuncSim::LoadGather(const uint8_t* c, const std::vector<uint8_t>& dram) {
  const unsigned target = U(c, "target");
  const uint32_t sp = U(c, "sp_addr"), wpr = U(c, "words_per_row"), entries = U(c, "rows");
  const uint32_t j0 = U(c, "j0");
  const uint64_t step = U(c, "stride"), base = static_cast<uint64_t>(F(c, "dram_addr"));
  if (target != contract::kTargetWeight) {
    return Fail(kBadField, "gather LOAD target " + std::to_string(target) + " (weight only)");
  }
  if (entries == 0) return Fail(kBadField, "gather LOAD entries = 0");
  if (wpr == 0) return Fail(kBadField, "gather LOAD words per row = 0");
  // K-slice layout (sliced): entry e's word i at sp + ((e / W) * wpr + i) * W + (e + i) % W.
  const bool sliced = hw_.gemv_slices > 1 && Flag(c, "sliced");  // ignored elsewhere
  const unsigned ways = hw_.gemv_slices;
  if (sliced) {
    const unsigned ww = std::min((hw_.bus_bytes + hw_.cols - 1) / hw_.cols, ways);
    if (ways <= 1 || hw_.bus_bytes % hw_.cols != 0 || sp % ways != 0 || wpr % ww != 0) {
      return Fail(kBadField, "sliced gather LOAD needs array.gemv_slices > 1, cols dividing the " +
                                 std::to_string(hw_.bus_bytes) + "-byte bus, sp " +
                                 std::to_string(sp) + " a multiple of " + std::to_string(ways) +
                                 " and words per row " + std::to_string(wpr) + " a multiple of " +
                                 std::to_string(ww));
    }
  }
  const uint64_t words = sliced ? uint64_t{(entries + ways - 1) / ways} * wpr * ways
                                : static_cast<uint64_t>(entries) * wpr;
  if (sp + words > hw_.weight_words) {
    return Fail(kRange, "gather LOAD words [" + std::to_string(sp) + ", " +
                            std::to_string(sp + words) + ") exceed " +
                            std::to_string(hw_.weight_words) + " scratchpad words");
  }
  const uint32_t n = Clamp(entries, j0);
  const uint64_t row_bytes = static_cast<uint64_t>(wpr) * hw_.cols;
  for (uint32_t e = 0; e < n; ++e) {
    const uint64_t a = base + idx_[j0 + e] * step;
    if (!InDram(dram, a, row_bytes)) {
      return Fail(kAxiRead, "gather LOAD entry " + std::to_string(j0 + e) + " at " + Hex(a) + " (" +
                                std::to_string(row_bytes) + " bytes) is outside the DRAM image");
    }
  }
  for (uint32_t e = 0; e < n; ++e) {
    const uint64_t a = base + idx_[j0 + e] * step;
    CountBeats(a, row_bytes, CounterIndex("rd_bytes"));
    if (!sliced) {
      std::copy(dram.begin() + a, dram.begin() + a + row_bytes,
                weight_.begin() + (sp + static_cast<uint64_t>(e) * wpr) * hw_.cols);
      continue;
    }
    for (uint32_t i = 0; i < wpr; ++i) {
      const uint64_t w = sp + (uint64_t{e / ways} * wpr + i) * ways + (e + i) % ways;
      std::copy(dram.begin() + a + uint64_t{i} * hw_.cols,
                dram.begin() + a + uint64_t{i + 1} * hw_.cols, weight_.begin() + w * hw_.cols);
    }
  }
  counters_[CounterIndex("skipped_wgt_bytes")] += (entries - n) * row_bytes;
  return kNone;
}

uint32_t FuncSim::Load(const uint8_t* c, const std::vector<uint8_t>& dram) {
  const unsigned target = U(c, "target");
  const uint32_t sp_addr = U(c, "sp_addr"), words_per_row = U(c, "words_per_row");
  const uint32_t rows = U(c, "rows"), stride = U(c, "stride");
  const uint64_t addr = static_cast<uint64_t>(F(c, "dram_addr"));
  if (target == contract::kTargetMeta && !hw_.structured24) {
    return Fail(kBadField, "LOAD target 3 (meta) without structured 2:4");
  }
  if (rows == 0) return Fail(kBadField, "LOAD rows = 0");
  if (words_per_row == 0) return Fail(kBadField, "LOAD words per row = 0");

  const unsigned sp_words = target == contract::kTargetAct    ? hw_.act_words
                            : target == contract::kTargetAcc  ? hw_.acc_words
                            : target == contract::kTargetMeta ? hw_.MetaWords()
                                                              : hw_.weight_words;
  const unsigned word_bytes = target == contract::kTargetAct      ? hw_.ActWordBytes()
                              : target == contract::kTargetWeight ? hw_.WeightWordBytes()
                              : target == contract::kTargetMeta   ? hw_.MetaWordBytes()
                                                                  : hw_.AccWordBytes();
  const uint64_t words = static_cast<uint64_t>(rows) * words_per_row;
  if (sp_addr + words > sp_words) {
    return Fail(kRange, "LOAD words [" + std::to_string(sp_addr) + ", " +
                            std::to_string(sp_addr + words) + ") exceed " +
                            std::to_string(sp_words) + " scratchpad words");
  }
  const uint64_t row_bytes = static_cast<uint64_t>(words_per_row) * word_bytes;
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    if (!InDram(dram, a, row_bytes)) {
      return Fail(kAxiRead, "LOAD row " + std::to_string(r) + " at " + Hex(a) + " (" +
                                std::to_string(row_bytes) + " bytes) is outside the DRAM image");
    }
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    const uint64_t dst = (sp_addr + static_cast<uint64_t>(r) * words_per_row) * word_bytes;
    CountBeats(a, row_bytes, CounterIndex("rd_bytes"));
    const uint8_t* src = dram.data() + a;
    if (target == contract::kTargetAct) {
      std::copy(src, src + row_bytes, act_.begin() + dst);
    } else if (target == contract::kTargetWeight) {
      std::copy(src, src + row_bytes, weight_.begin() + dst);
    } else if (target == contract::kTargetMeta) {
      std::copy(src, src + row_bytes, meta_.begin() + dst);
    } else {
      for (uint64_t i = 0; i < row_bytes / 4; ++i) acc_sp_[dst / 4 + i] = Word(src, i);
    }
  }
  return kNone;
}

// The im2col walk of a ws COMPUTE with the conv flag (hw_contract.h's "conv" row).
FuncSim::ConvWalk FuncSim::ConvWalkOf(const uint8_t* c) {
  ConvWalk w;
  w.ow = U(c, "ow");
  w.kw = U(c, "kw");
  w.nc = U(c, "nc");
  w.sy = U(c, "sy");
  w.sx = U(c, "sx");
  w.dy = U(c, "dy");
  w.dx = U(c, "dx");
  w.y_lo = U(c, "y_lo");
  w.y_hi = U(c, "y_hi");
  w.x_lo = U(c, "x_lo");
  w.x_hi = U(c, "x_hi");
  w.org = U(c, "org");
  w.rw = U(c, "rw");
  w.pw = U(c, "pw");
  w.span = U(c, "span");
  w.ok = w.ow && w.kw && w.nc && w.sy && w.sx && w.dy && w.dx && w.span;
  return w;
}

int64_t FuncSim::ConvWalk::Word(uint32_t act_addr, uint64_t b, uint32_t m) const {
  const uint64_t ch = b % nc, kx = (b / nc) % kw, ky = b / (uint64_t{nc} * kw);
  const uint64_t vy = uint64_t{m / ow} * sy + ky * dy, vx = uint64_t{m % ow} * sx + kx * dx;
  if (vy < y_lo || vy >= y_hi || vx < x_lo || vx >= x_hi) return -1;
  const uint32_t a = static_cast<uint32_t>((org + vy * rw + vx * pw + ch) & 0xFFFF);
  if (static_cast<uint32_t>((a - act_addr) & 0xFFFF) >= span) return -1;
  return a;
}

// Weight-stationary COMPUTE: B = w3[31:16] K blocks (0 reads as 1); block b streams M act words
// from act + b*M past the rows weight words at wgt + b*rows; output row m is written to (clear,
// first block) or added to acc word acc + m.
uint32_t FuncSim::ComputeWs(const uint8_t* c) {
  const bool clear = Flag(c, "clear");
  const uint32_t act_addr = U(c, "act_addr"), weight_addr = U(c, "weight_addr");
  const uint32_t m_rows = U(c, "k"), acc_addr = U(c, "acc_addr");
  const int32_t zp = static_cast<int32_t>(F(c, "in_zp"));
  const uint64_t blocks = std::max<uint32_t>(U(c, "blocks"), 1);
  if (m_rows == 0) return Fail(kBadField, "COMPUTE M = 0");
  const bool conv = Flag(c, "conv");
  const ConvWalk walk = conv ? ConvWalkOf(c) : ConvWalk{};
  if (conv && !walk.ok) {
    return Fail(kBadField, "COMPUTE im2col field ow, kw, nc, sy, sx, dy, dx or span = 0");
  }
  const uint64_t act_end = act_addr + (conv ? walk.span : blocks * m_rows);
  const uint64_t weight_end = weight_addr + blocks * hw_.rows;
  if (act_end > hw_.act_words) {
    return Fail(kRange, "COMPUTE act words [" + std::to_string(act_addr) + ", " +
                            std::to_string(act_end) + ") exceed " + std::to_string(hw_.act_words));
  }
  if (weight_end > hw_.weight_words) {
    return Fail(kRange, "COMPUTE weight words [" + std::to_string(weight_addr) + ", " +
                            std::to_string(weight_end) + ") exceed " +
                            std::to_string(hw_.weight_words));
  }
  if (acc_addr + m_rows > hw_.acc_words) {
    return Fail(kRange, "COMPUTE acc words [" + std::to_string(acc_addr) + ", " +
                            std::to_string(acc_addr + m_rows) + ") exceed " +
                            std::to_string(hw_.acc_words));
  }
  const std::vector<uint8_t> pad_word(hw_.rows, static_cast<uint8_t>(zp));  // im2col padding
  for (uint64_t b = 0; b < blocks; ++b) {
    for (uint32_t m = 0; m < m_rows; ++m) {
      const uint8_t* x = pad_word.data();
      if (!conv) {
        x = &act_[static_cast<size_t>(act_addr + b * m_rows + m) * hw_.rows];
      } else if (const int64_t a = walk.Word(act_addr, b, m); a >= 0) {
        x = &act_[static_cast<size_t>(a) * hw_.rows];
      }
      int32_t* out = &acc_sp_[static_cast<size_t>(acc_addr + m) * hw_.cols];
      if (clear && b == 0) std::fill(out, out + hw_.cols, 0);
      for (unsigned i = 0; i < hw_.rows; ++i) {
        const int32_t d = static_cast<int8_t>(x[i]) - zp;  // 9-bit signed
        if (d == 0) {
          ++counters_[CounterIndex("gated")];
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
  counters_[CounterIndex("mac_active")] += blocks * m_rows;
  return kNone;
}

void FuncSim::Feed(uint32_t steps, int32_t zp, uint32_t act_addr, uint32_t weight_addr,
                   bool indexed, uint32_t j0, uint32_t stride, unsigned prec, unsigned slices,
                   const uint8_t* src) {
  const unsigned group_rows = hw_.rows / slices;  // K slices: row i takes word S*e + i / G
  const fp::Fp8Format fmt =
      prec == contract::kPrecFp8E5M2 ? fp::Fp8Format::kE5M2 : fp::Fp8Format::kE4M3;
  for (uint32_t e = 0; e < steps; ++e) {
    const uint32_t a = indexed ? scan_addr_ + idx_[j0 + e] : act_addr + e;
    const uint8_t* x = src != nullptr ? src + static_cast<size_t>(e) * hw_.rows
                                      : &act_[static_cast<size_t>(a) * hw_.rows];
    for (unsigned i = 0; i < hw_.rows; ++i) {
      const uint8_t* wt =
          &weight_[(weight_addr + static_cast<size_t>(e) * stride * slices + i / group_rows) *
                   hw_.cols];
      int32_t* acc = &array_acc_[static_cast<size_t>(i) * hw_.cols];
      if (IsFp8(prec)) {
        // FP32 accumulators: +-0 activations add nothing; else acc + a * w, RNE, in k order.
        if ((x[i] & 0x7F) == 0) {
          ++counters_[CounterIndex("gated")];
          continue;
        }
        for (unsigned j = 0; j < hw_.cols; ++j) {
          const uint32_t sum =
              fp::Fp32Add(static_cast<uint32_t>(acc[j]), fp::Fp8Mul(x[i], wt[j], fmt));
          acc[j] = static_cast<int32_t>(sum);
        }
        continue;
      }
      if (prec == contract::kPrecInt4w) {
        MacInt4(static_cast<int8_t>(x[i]) - zp, wt, i % 2, acc);
        continue;
      }
      MacInt8(static_cast<int8_t>(x[i]) - zp, wt, acc);
    }
  }
  counters_[CounterIndex("mac_active")] += steps;
}

// One PE row's int8 step: acc[j] += d * w[j] (d = act - zp, 9-bit signed); d = 0 is gated.
void FuncSim::MacInt8(int32_t d, const uint8_t* wt, int32_t* acc) {
  if (d == 0) {
    ++counters_[CounterIndex("gated")];
    return;
  }
  for (unsigned j = 0; j < hw_.cols; ++j) acc[j] = WrapAdd(acc[j], d * static_cast<int8_t>(wt[j]));
}

// One PE row's int4w step: row i multiplies with nibble i % 2 of each weight byte
// (sign-extended); d = 0 is gated.
void FuncSim::MacInt4(int32_t d, const uint8_t* wt, unsigned nibble, int32_t* acc) {
  if (d == 0) {
    ++counters_[CounterIndex("gated")];
    return;
  }
  for (unsigned j = 0; j < hw_.cols; ++j) {
    const int32_t nib = (wt[j] >> (4 * nibble)) & 0xF;
    acc[j] = WrapAdd(acc[j], d * ((nib ^ 8) - 8));
  }
}

// Indexed K slices (int8 or int4w): entries [j0, j0 + n) in ceil(n / S) steps; step s reads the
// last SCAN's packed act word scan_packed_ + j0 / S + s and, for tile t, the S weight words of the
// sliced gather's row s * T + t (T = stride), entry i in way (i + t) % S; row r takes slice r / G.
void FuncSim::FeedIndexedSlices(uint32_t n, int32_t zp, uint32_t weight_addr, uint32_t j0,
                                uint32_t stride, uint32_t t, unsigned prec) {
  const unsigned s_n = hw_.gemv_slices, g = hw_.rows / s_n;
  const uint32_t steps = (n + s_n - 1) / s_n;
  for (uint32_t e = 0; e < steps; ++e) {
    const uint8_t* x = &act_[static_cast<size_t>(scan_packed_ + j0 / s_n + e) * hw_.rows];
    const size_t row = weight_addr + (static_cast<size_t>(e) * stride + t) * s_n;
    for (unsigned i = 0; i < hw_.rows; ++i) {
      const uint8_t* wt = &weight_[(row + (i / g + t) % s_n) * hw_.cols];
      int32_t* acc = &array_acc_[static_cast<size_t>(i) * hw_.cols];
      if (prec == contract::kPrecInt4w) {
        MacInt4(static_cast<int8_t>(x[i]) - zp, wt, i % 2, acc);
      } else {
        MacInt8(static_cast<int8_t>(x[i]) - zp, wt, acc);
      }
    }
  }
  counters_[CounterIndex("mac_active")] += steps;
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
        counters_[CounterIndex("gated")] += d[l * hw_.rows + i] == 0;
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
  counters_[CounterIndex("mac_active")] += steps;
}

// COMPUTE: K steps from act_addr / weight_addr or, indexed (zero_skip), entries [j0, j0 + L) of
// the index list (act word a + idx[j], weight words wb, wb + S, ...); the drain writes or, with
// accumulate, adds the accumulators to the acc words.
uint32_t FuncSim::Compute(const uint8_t* c) {
  if (hw_.weight_stationary) return ComputeWs(c);
  const bool clear = Flag(c, "clear"), drain = Flag(c, "drain"), indexed = Flag(c, "indexed");
  const bool accumulate = Flag(c, "accumulate");
  const bool structured = Flag(c, "structured");  // checked against hw_ in Execute
  const bool group = Flag(c, "group");            // zero_skip only (Execute)
  const uint32_t act_addr = U(c, "act_addr"), weight_addr = U(c, "weight_addr");
  const uint32_t k_steps = U(c, "k"), drain_addr = U(c, "acc_addr");
  const int32_t zp = static_cast<int32_t>(F(c, "in_zp"));
  const uint32_t stride = indexed ? U(c, "stride") : 1u, j0 = indexed ? U(c, "j0") : 0u;
  if (k_steps == 0) return Fail(kBadField, "COMPUTE K = 0");
  // K slices (array.gemv_slices > 1): S = 2^slices, at most gemv_slices, from a multiple of S.
  const unsigned log_s = hw_.gemv_slices > 1 ? U(c, "slices") : 0u, slices = 1u << log_s;
  if (slices > hw_.gemv_slices && log_s > 0) {
    return Fail(kBadField, "COMPUTE slices 2^" + std::to_string(log_s) + " exceed " +
                               std::to_string(hw_.gemv_slices));
  }
  if (weight_addr % slices != 0) {
    return Fail(kBadField, "COMPUTE weight address " + std::to_string(weight_addr) +
                               " is not a multiple of its " + std::to_string(slices) + " slices");
  }
  const unsigned group_rows = hw_.rows / slices;  // G: output rows of a slice (before int4w)
  if (indexed && stride == 0) return Fail(kBadField, "indexed COMPUTE weight stride = 0");
  // An indexed K-slice COMPUTE (the sliced gather's layout): S = gemv_slices, j0 a multiple of S.
  const bool xsl = indexed && slices > 1;
  if (xsl && (slices != hw_.gemv_slices || j0 % slices != 0)) {
    return Fail(kBadField, "indexed COMPUTE with " + std::to_string(slices) +
                               " K slices needs S = array.gemv_slices " +
                               std::to_string(hw_.gemv_slices) + " and j0 " + std::to_string(j0) +
                               " a multiple of it");
  }
  if (group && !(indexed && drain)) {
    return Fail(kBadField, "group COMPUTE (w0[13]) without indexed (w0[10]) and drain (w0[9])");
  }
  // prec (builds beyond int8): a datapath the build has; FP8 never accumulates in the acc
  // scratchpad. bias_load (FP8 builds): an FP8 prec, K = 4, no drain, not indexed.
  const unsigned prec = hw_.precision_mask != 1u ? U(c, "prec") : 0u;
  if (!hw_.Has(static_cast<contract::Prec>(prec))) {
    return Fail(kBadField, "COMPUTE prec " + std::to_string(prec) + " is not built");
  }
  if (xsl && prec != contract::kPrecInt8 && prec != contract::kPrecInt4w) {
    return Fail(kBadField, "indexed K-slice COMPUTE with prec " + std::to_string(prec) +
                               " (int8 or int4w only)");
  }
  if (prec == contract::kPrecInt4w && slices > 1 && group_rows % 2 != 0) {
    return Fail(kBadField, "int4w COMPUTE with " + std::to_string(slices) + " K slices of " +
                               std::to_string(group_rows) +
                               " rows (int4w pairs a slice's rows: G must be even)");
  }
  if (IsFp8(prec) && accumulate) {
    return Fail(kBadField, "COMPUTE accumulate with an FP8 prec (the acc add is int32)");
  }
  const bool bias_load = HasFp8(hw_) && Flag(c, "bias_load");
  if (bias_load && (!IsFp8(prec) || k_steps != 4 || drain || indexed)) {
    return Fail(kBadField, "bias_load COMPUTE needs an FP8 prec, K = 4, no drain, not indexed");
  }
  // A group COMPUTE runs S tiles; the conv flag's tiles are set below.
  uint32_t tiles = group ? stride : 1u;
  if (structured && (k_steps % 2 != 0 || act_addr % 2 != 0)) {
    return Fail(kBadField, "2:4 COMPUTE with odd K " + std::to_string(k_steps) +
                               " or odd act address " + std::to_string(act_addr));
  }
  // os im2col: the conv flag's fields; the command's act range is its extent.
  const bool conv = hw_.OsConv() && Flag(c, "conv");
  if (conv && (prec != contract::kPrecInt8 || slices > 1 || indexed)) {
    return Fail(kBadField, "conv COMPUTE with prec " + std::to_string(prec) + ", K slices " +
                               std::to_string(slices) + " or indexed (int8, one slice, dense)");
  }
  std::vector<uint8_t> gathered;
  // A conv COMPUTE of T tiles (0 reads as 1): tile t as the command, one act word on, drained
  // rows words on.
  const uint32_t conv_tiles = conv ? std::max<uint32_t>(1, U(c, "tiles")) : 1u;
  if (conv) {
    std::string why;
    if (!OsConvGather(c, act_addr, 0, 0, 0, &gathered, &why)) return Fail(kBadField, why);
  }
  // A 2:4 step reads two act words (four per group of two steps).
  const uint32_t act_words = conv ? U(c, "extent") : structured ? 2 * k_steps : k_steps;
  if (!indexed && act_addr + act_words > hw_.act_words) {
    return Fail(kRange, "COMPUTE act words [" + std::to_string(act_addr) + ", " +
                            std::to_string(act_addr + act_words) + ") exceed " +
                            std::to_string(hw_.act_words));
  }
  // Indexed K slices: step s of tile t reads the S words at wb + (s * T + t) * S (T = stride).
  const uint32_t xsteps = (k_steps + slices - 1) / slices;
  const uint64_t weight_end =
      xsl ? weight_addr + uint64_t{xsteps - 1} * stride * slices + (group ? stride : 1u) * slices
          : weight_addr + static_cast<uint64_t>(k_steps - 1) * stride * slices + tiles * slices;
  if (weight_end > hw_.weight_words) {
    return Fail(kRange, "COMPUTE weight words [" + std::to_string(weight_addr) + ", " +
                            std::to_string(weight_end) + ") exceed " +
                            std::to_string(hw_.weight_words));
  }
  if (conv) tiles = conv_tiles;  // the same weights for every tile
  // A tile drains G = rows / S words, int4w G / 2. Tile t of a group drains to drain + t * rows,
  // of an indexed group with K slices to drain + t * G (its regions are G words).
  const uint32_t drain_words = prec == contract::kPrecInt4w ? group_rows / 2 : group_rows;
  const uint32_t tile_spacing = xsl ? group_rows : hw_.rows;
  const uint64_t drain_end = drain_addr + uint64_t{tiles - 1} * tile_spacing + drain_words;
  if (drain && drain_end > hw_.acc_words) {
    return Fail(kRange, "COMPUTE drain to acc words [" + std::to_string(drain_addr) + ", " +
                            std::to_string(drain_end) + ") exceeds " +
                            std::to_string(hw_.acc_words));
  }
  if (bias_load) {
    // Each PE's accumulator = {w3[c], w2[c], w1[c], w0[c]} (column c's FP32 bias); no MACs. With
    // S K slices step i reads S words, row r word wb + S*i + r/G.
    for (unsigned j = 0; j < hw_.cols; ++j) {
      for (unsigned r = 0; r < hw_.rows; ++r) {
        uint32_t b = 0;
        for (unsigned i = 0; i < 4; ++i) {
          const size_t w = static_cast<size_t>(weight_addr) + i * slices + r / group_rows;
          b |= uint32_t{weight_[w * hw_.cols + j]} << (8 * i);
        }
        array_acc_[static_cast<size_t>(r) * hw_.cols + j] = static_cast<int32_t>(b);
      }
    }
    counters_[CounterIndex("mac_active")] += k_steps;
    return kNone;
  }
  const uint32_t n = indexed ? Clamp(k_steps, j0) : k_steps;
  counters_[CounterIndex("skipped_steps")] += static_cast<uint64_t>(tiles) * (k_steps - n);
  if (n == 0) return kNone;  // an indexed COMPUTE past the list does nothing at all
  for (uint32_t t = 0; t < tiles; ++t) {
    if (clear) std::fill(array_acc_.begin(), array_acc_.end(), 0);
    if (structured) {
      Feed24(n, zp, act_addr, weight_addr);
    } else {
      if (conv) {
        std::string why;
        OsConvGather(c, act_addr, n, t, static_cast<uint8_t>(zp), &gathered, &why);
      }
      if (xsl) {
        FeedIndexedSlices(n, zp, weight_addr, j0, stride, t, prec);
      } else {
        Feed(n, zp, act_addr, weight_addr + (conv ? 0 : t), indexed, j0, stride, prec, slices,
             conv ? gathered.data() : nullptr);
      }
    }
    if (drain && IsFp8(prec)) {
      // Acc word j = the FP32 sum of rows j + (S-1)G, j + (S-2)G, .., j, in that order (the
      // drain's order: rows leave bottom first); S = 1: row j as it is.
      int32_t* out = &acc_sp_[(static_cast<size_t>(drain_addr) + t * tile_spacing) * hw_.cols];
      for (size_t j = 0; j < drain_words; ++j) {
        for (size_t col = 0; col < hw_.cols; ++col) {
          uint32_t sum = static_cast<uint32_t>(
              array_acc_[(j + (slices - 1) * size_t{group_rows}) * hw_.cols + col]);
          for (size_t i = slices - 1; i-- > 0;) {
            sum = fp::Fp32Add(
                static_cast<uint32_t>(array_acc_[(j + i * group_rows) * hw_.cols + col]), sum);
          }
          out[j * hw_.cols + col] = static_cast<int32_t>(sum);
        }
      }
    } else if (drain) {
      // Acc word j = the sum of the rows r with r % G == j (G = rows / S; every row its own
      // word when S = 1); int4w: with (r % G) / 2 == j, the even and odd K of output row j.
      const unsigned pair = prec == contract::kPrecInt4w ? 2 : 1;
      int32_t* out = &acc_sp_[(static_cast<size_t>(drain_addr) + t * tile_spacing) * hw_.cols];
      for (size_t j = 0; j < drain_words; ++j) {
        for (size_t col = 0; col < hw_.cols; ++col) {
          int32_t sum = 0;
          for (size_t r = 0; r < hw_.rows; ++r) {
            if ((r % group_rows) / pair == j) sum = WrapAdd(sum, array_acc_[r * hw_.cols + col]);
          }
          int32_t& o = out[j * hw_.cols + col];
          o = accumulate ? WrapAdd(o, sum) : sum;
        }
      }
    }
  }
  return kNone;
}

uint32_t FuncSim::Store(const uint8_t* c, std::vector<uint8_t>& dram) {
  const uint32_t acc_addr = U(c, "acc_addr"), rows = U(c, "rows");
  const uint32_t bytes = U(c, "row_bytes"), bias_addr = U(c, "bias_addr"), stride = U(c, "stride");
  const uint64_t addr = static_cast<uint64_t>(F(c, "dram_addr"));
  const int32_t multiplier = static_cast<int32_t>(F(c, "multiplier"));
  const int shift = static_cast<int>(F(c, "shift"));
  const int32_t out_zp = static_cast<int32_t>(F(c, "out_zp"));
  const int32_t act_min = static_cast<int32_t>(F(c, "act_min"));
  const int32_t act_max = static_cast<int32_t>(F(c, "act_max"));
  if (rows == 0) return Fail(kBadField, "STORE rows = 0");
  const unsigned out_fmt = HasFp8(hw_) ? U(c, "out_fmt") : 0u;
  if (out_fmt != contract::kOutInt8) return StoreFp(c, dram, out_fmt);
  if (bytes == 0 || bytes > hw_.cols) {
    return Fail(kBadField, "STORE bytes per row " + std::to_string(bytes) + " outside 1.." +
                               std::to_string(hw_.cols));
  }
  if (shift < -31 || shift > 30) {
    return Fail(kBadField, "STORE shift " + std::to_string(shift) + " outside -31..30");
  }
  if (act_min > act_max) {
    return Fail(kBadField, "STORE act_min " + std::to_string(act_min) + " > act_max " +
                               std::to_string(act_max));
  }
  const bool per_channel = Flag(c, "per_channel");
  const uint32_t qaddr = U(c, "mult_addr");
  if (acc_addr + rows > hw_.acc_words || bias_addr >= hw_.acc_words ||
      (per_channel && qaddr + 2 > hw_.acc_words)) {
    return Fail(kRange, "STORE acc words [" + std::to_string(acc_addr) + ", " +
                            std::to_string(acc_addr + rows) + ") or bias word " +
                            std::to_string(bias_addr) + " exceed " + std::to_string(hw_.acc_words));
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    if (!InDram(dram, a, bytes)) {
      return Fail(kAxiWrite, "STORE row " + std::to_string(r) + " at " + Hex(a) +
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
    CountBeats(a, bytes, CounterIndex("wr_bytes"));
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
  return kNone;
}

}  // namespace salsa

namespace salsa {

// STORE with out_fmt != 0 (FP8 builds): each acc row's lanes are FP32; element j of the row is
// convert(scale * lane j) in out_fmt (e bytes, little-endian); bias, zero point and clamp are
// ignored.
uint32_t FuncSim::StoreFp(const uint8_t* c, std::vector<uint8_t>& dram, unsigned out_fmt) {
  const uint32_t acc_addr = U(c, "acc_addr"), rows = U(c, "rows");
  const uint32_t bytes = U(c, "row_bytes"), stride = U(c, "stride");
  const uint64_t addr = static_cast<uint64_t>(F(c, "dram_addr"));
  const uint32_t scale =
      static_cast<uint32_t>(cmd::Bits(c, cmd::FieldOf(contract::kOpStore, "scale")));
  const bool saturate = Flag(c, "saturate");
  if (out_fmt > contract::kOutFp8E5M2) {
    return Fail(kBadField, "STORE out_fmt " + std::to_string(out_fmt) + " outside 0..4");
  }
  if (Flag(c, "per_channel")) return Fail(kBadField, "STORE per_channel with an FP out_fmt");
  const unsigned e = out_fmt == contract::kOutFp32 ? 4 : out_fmt == contract::kOutBf16 ? 2 : 1;
  if (bytes == 0 || bytes > hw_.cols * e || bytes % e != 0) {
    return Fail(kBadField, "STORE bytes per row " + std::to_string(bytes) + " not a multiple of " +
                               std::to_string(e) + " in 1.." + std::to_string(hw_.cols * e));
  }
  if (acc_addr + rows > hw_.acc_words) {
    return Fail(kRange, "STORE acc words [" + std::to_string(acc_addr) + ", " +
                            std::to_string(acc_addr + rows) + ") exceed " +
                            std::to_string(hw_.acc_words));
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    if (!InDram(dram, a, bytes)) {
      return Fail(kAxiWrite, "STORE row " + std::to_string(r) + " at " + Hex(a) +
                                 " is outside the DRAM image");
    }
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const int32_t* acc = &acc_sp_[static_cast<size_t>(acc_addr + r) * hw_.cols];
    const uint64_t a = addr + static_cast<uint64_t>(r) * stride;
    CountBeats(a, bytes, CounterIndex("wr_bytes"));
    for (uint32_t j = 0; j < bytes / e; ++j) {
      const uint32_t y = fp::Fp32Mul(static_cast<uint32_t>(acc[j]), scale);
      uint32_t v = y;
      if (out_fmt == contract::kOutBf16) v = fp::Fp32ToBf16(y, saturate);
      if (out_fmt == contract::kOutFp8E4M3) v = fp::Fp32ToFp8(y, fp::Fp8Format::kE4M3, saturate);
      if (out_fmt == contract::kOutFp8E5M2) v = fp::Fp32ToFp8(y, fp::Fp8Format::kE5M2, saturate);
      for (unsigned b = 0; b < e; ++b) dram[a + j * e + b] = static_cast<uint8_t>(v >> (8 * b));
    }
  }
  return kNone;
}

}  // namespace salsa
