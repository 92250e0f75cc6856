// The tiler: the layer checks, the DRAM layout every plan shares and the choice between plans.
#include "salsa/driver.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "driver_internal.h"

namespace salsa {
namespace {

constexpr uint64_t kCmdBase = 0x1000;  // address 0 is never used
constexpr unsigned kMaxField16 = 0xFFFF;

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("salsa driver: " + what);
}

bool IsInt8(int64_t v) { return v >= -128 && v <= 127; }

const char* PrecName(contract::Prec p) {
  switch (p) {
    case contract::kPrecInt8:
      return "int8";
    case contract::kPrecInt4w:
      return "int4w";
    case contract::kPrecFp8E4M3:
      return "fp8_e4m3";
    case contract::kPrecFp8E5M2:
      return "fp8_e5m2";
  }
  return "?";
}

// The precision fields: a datapath the hardware has, on output-stationary hardware; int4w
// weights in -8..7; FP8 outputs in an FP format, FP32 biases.
void CheckPrecision(const HwParams& hw, const FcLayer& l) {
  Require(l.prec <= contract::kPrecFp8E5M2, "precision " + std::to_string(l.prec) +
                                                "; accepted: 0..3 (int8, int4w, fp8_e4m3, "
                                                "fp8_e5m2)");
  std::string built;
  for (unsigned p = 0; p <= contract::kPrecFp8E5M2; ++p) {
    if (hw.Has(static_cast<contract::Prec>(p))) {
      built += std::string(built.empty() ? "" : ", ") + PrecName(static_cast<contract::Prec>(p));
    }
  }
  Require(hw.Has(l.prec), std::string("precision ") + PrecName(l.prec) +
                              " is not built by this hardware (config precision: " + built + ")");
  Require(l.prec == contract::kPrecInt8 || !hw.weight_stationary,
          std::string("precision ") + PrecName(l.prec) + " needs array.dataflow: os");
  if (IsInt4w(l)) {
    Require(hw.rows >= 2 && hw.rows % 2 == 0, "int4w needs an even number of array rows");
    for (int8_t w : l.weights) {
      Require(w >= -8 && w <= 7, "int4w weight " + std::to_string(w) + " is not in [-8, 7]");
    }
  }
  if (IsFp8(l)) {
    Require(l.out_fmt >= contract::kOutFp32 && l.out_fmt <= contract::kOutFp8E5M2,
            "FP8 output format " + std::to_string(l.out_fmt) +
                "; accepted: 1 (fp32), 2 (bf16), 3 (fp8_e4m3), 4 (fp8_e5m2)");
    Require(l.bias_fp32.empty() || l.bias_fp32.size() == static_cast<size_t>(l.N),
            "FP32 bias has " + std::to_string(l.bias_fp32.size()) + " values, accepted: 0 or N");
    Require(l.bias_fp32.empty() || (hw.act_words >= 4 && hw.weight_words >= 5),
            "an FP8 bias needs at least 4 act words and 5 weight words (the bias_load COMPUTE)");
  } else {
    Require(l.out_fmt == contract::kOutInt8, std::string("output format ") +
                                                 std::to_string(l.out_fmt) + " with precision " +
                                                 PrecName(l.prec) + "; accepted: 0 (int8)");
  }
}

void CheckLayer(const HwParams& hw, const FcLayer& l) {
  CheckPrecision(hw, l);
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

// FP8: per n tile, 4 weight words; byte c of word i is byte i (little-endian) of column c's FP32
// bias (+0.0 past N). With S K slices 4S words: word S*i as word i, the others zero (+0.0 for
// the rows of slices 1..S-1).
void WriteBiasFp32(const HwParams& hw, const FcLayer& l, unsigned n_tiles, uint8_t* dst,
                   unsigned slices) {
  for (unsigned nt = 0; nt < n_tiles; ++nt) {
    for (unsigned i = 0; i < 4; ++i) {
      for (unsigned s = 0; s < slices; ++s) {
        for (unsigned c = 0; c < hw.cols; ++c) {
          const uint64_t n = uint64_t{nt} * hw.cols + c;
          const uint32_t b = s == 0 && n < static_cast<uint64_t>(l.N) ? l.bias_fp32[n] : 0;
          *dst++ = static_cast<uint8_t>(b >> (8 * i));
        }
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

// The plans in order of preference; the first whose Fit accepts the layer runs it. Weight-
// stationary hardware: the K-split plan when the activations do not stay resident and a block
// of n tiles fits, else the ws plan. Output-stationary: zero-skip (when enabled and its buffers
// fit), 2:4 (2:4 weights), K slices (int8 or int4w, M <= rows / 2, on hardware with
// array.gemv_slices), the K-split plan (possibly transposed), else the os plan.
std::unique_ptr<Plan> ChoosePlan(const HwParams& hw, const FcLayer& l, const DriverOptions& opts,
                                 Program* p) {
  std::unique_ptr<Plan> plans[] = {MakeConvPlan(), MakeOsConvPlan(), MakeWsSplitPlan(),
                                   MakeWsPlan(),   MakeSkipPlan(),   Make24Plan(),
                                   MakeGemvPlan(), MakeSplitPlan(),  MakeOsPlan()};
  for (std::unique_ptr<Plan>& plan : plans) {
    Program q = *p;
    if (plan->Fit(hw, l, opts, &q)) {
      *p = std::move(q);
      p->plan = plan->Name();
      return std::move(plan);
    }
  }
  throw std::logic_error("salsa driver: no plan fits");  // the os and ws plans always do
}

}  // namespace

uint8_t* PutInt32(uint8_t* dst, int32_t v) {
  for (unsigned byte = 0; byte < 4; ++byte) {
    *dst++ = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * byte));
  }
  return dst;
}

void WriteBlockedActivations(const HwParams& hw, const FcLayer& l, unsigned m_tiles, unsigned steps,
                             uint8_t* dst, unsigned slices) {
  if (IsInt4w(l)) {
    // Byte i: slice i / G, row j = i % G of it: output row j / 2, packed step S * s + i / G, K
    // step 2 * that + j % 2 (S = 1: G = rows).
    const unsigned g = hw.rows / slices, tr = g / 2;
    for (unsigned mt = 0; mt < m_tiles; ++mt) {
      for (unsigned s = 0; s < steps; ++s) {
        for (unsigned i = 0; i < hw.rows; ++i) {
          const unsigned j = i % g;
          const uint64_t m = static_cast<uint64_t>(mt) * tr + j / 2;
          const uint64_t k = 2 * (uint64_t{s} * slices + i / g) + j % 2;
          const int32_t v =
              j / 2 < tr && m < static_cast<uint64_t>(l.M) && k < static_cast<uint64_t>(l.K)
                  ? l.input[m * l.K + k]
                  : l.input_zero_point;
          *dst++ = static_cast<uint8_t>(v);
        }
      }
    }
    return;
  }
  const int32_t pad = IsFp8(l) ? 0 : l.input_zero_point;  // FP8: +0.0, which adds nothing
  const unsigned g = hw.rows / slices;                    // output rows per m tile
  for (unsigned mt = 0; mt < m_tiles; ++mt) {
    for (unsigned s = 0; s < steps; ++s) {
      for (unsigned i = 0; i < hw.rows; ++i) {
        const uint64_t m = static_cast<uint64_t>(mt) * g + i % g;
        const uint64_t k = uint64_t{s} * slices + i / g;
        const int32_t v = m < static_cast<uint64_t>(l.M) && k < static_cast<uint64_t>(l.K)
                              ? l.input[m * l.K + k]
                              : pad;
        *dst++ = static_cast<uint8_t>(v);
      }
    }
  }
}

void PushParamLoads(const HwParams& hw, const FcLayer& l, const Program& p, unsigned nt,
                    uint16_t slot, std::vector<Command>* out) {
  if (IsFp8(l)) return;  // the STORE ignores the acc bias; an FP8 bias is 4 weight words
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
  if (IsFp8(l)) {
    // FP32 lanes converted to out_fmt elements of e bytes: scale (w6, the multiplier's word),
    // saturate; bias, zero point and clamp are ignored.
    const unsigned e = OutFmtBytes(l.out_fmt);
    Command c = EncodeStore(region, static_cast<uint16_t>(rows), static_cast<uint16_t>(bytes * e),
                            slot, static_cast<uint32_t>(uint64_t{e} * l.N),
                            p.out_addr + (static_cast<uint64_t>(m0) * l.N + n0) * e,
                            static_cast<int32_t>(l.out_scale), 0, 0, -128, 127);
    cmd::Set(c, cmd::FieldOf(contract::kOpStore, "out_fmt"), l.out_fmt);
    cmd::Set(c, cmd::FieldOf(contract::kOpStore, "saturate"), l.saturate ? 1 : 0);
    return c;
  }
  return EncodeStore(region, static_cast<uint16_t>(rows), static_cast<uint16_t>(bytes), slot,
                     static_cast<uint32_t>(l.N), p.out_addr + static_cast<uint64_t>(m0) * l.N + n0,
                     l.output_multiplier, static_cast<int8_t>(l.output_shift),
                     static_cast<int8_t>(l.output_zero_point), static_cast<int8_t>(l.act_min),
                     static_cast<int8_t>(l.act_max),
                     l.channel_multiplier.empty() ? -1
                     : quant >= 0                 ? quant
                                                  : int{slot} + 1);
}

Regions ParamRegions(const HwParams& hw, const FcLayer& l, const Program& p) {
  Regions r;
  r.bias = uint64_t{p.n_tiles} * hw.AccWordBytes();
  r.quant = l.channel_multiplier.empty() ? 0 : uint64_t{p.n_tiles} * 2 * hw.AccWordBytes();
  r.out = static_cast<uint64_t>(l.M) * l.N * (IsFp8(l) ? OutFmtBytes(l.out_fmt) : 1);
  return r;
}

void LayOut(const HwParams& hw, const Regions& r, Program* pp) {
  Program& p = *pp;
  Require(r.cmd_count <= UINT32_MAX, "the layer needs more than 2^32 commands");
  p.cmd_base = kCmdBase;
  p.act_addr = AlignUp(p.cmd_base + r.cmd_count * contract::kCmdBytes, kRegionAlign);
  p.weight_addr = AlignUp(p.act_addr + r.act, kRegionAlign);
  p.bias_addr = AlignUp(p.weight_addr + r.weight, kRegionAlign);
  p.quant_addr = AlignUp(p.bias_addr + r.bias, kRegionAlign);
  p.out_addr = AlignUp(p.quant_addr + r.quant, kRegionAlign);
  const uint64_t end = AlignUp(p.out_addr + r.out, kRegionAlign);
  Require(hw.addr_bits >= 64 || end <= (uint64_t{1} << hw.addr_bits),
          "the DRAM image needs " + std::to_string(end) + " bytes, more than the " +
              std::to_string(hw.addr_bits) + "-bit address space");
  Require(end <= (uint64_t{1} << 32),
          "the DRAM image needs " + std::to_string(end) + " bytes; at most 4 GiB is supported");
  p.dram.assign(end, 0);  // zero-filled, so the output region starts as zeros
}

void WriteParams(const HwParams& hw, const FcLayer& l, Program* p, unsigned slices) {
  if (IsFp8(l)) {
    if (!l.bias_fp32.empty()) {
      WriteBiasFp32(hw, l, p->n_tiles, p->dram.data() + p->bias_addr, slices);
    }
    return;
  }
  WriteBias(l, static_cast<uint64_t>(p->n_tiles) * hw.cols, p->dram.data() + p->bias_addr);
  if (!l.channel_multiplier.empty()) WriteQuant(hw, l, p->n_tiles, p->dram.data() + p->quant_addr);
}

Program BuildFcProgram(const HwParams& hw, const FcLayer& l, const DriverOptions& opts) {
  CheckLayer(hw, l);
  if (!hw.weight_stationary) {
    Require(static_cast<uint64_t>(l.N) <= UINT32_MAX, "N does not fit the 32-bit store stride");
  }
  Program p;
  p.overlap = opts.overlap;
  p.out_fmt = IsFp8(l) ? l.out_fmt : contract::kOutInt8;
  const std::unique_ptr<Plan> plan = ChoosePlan(hw, l, opts, &p);
  if (l.prec != contract::kPrecInt8) p.plan += std::string(" ") + PrecName(l.prec);
  plan->Layout(hw, l, &p);
  p.cmds = plan->Commands(hw, l, p);
  // Every COMPUTE of the layer runs its precision's datapath.
  if (l.prec != contract::kPrecInt8) {
    for (Command& c : p.cmds) {
      if (cmd::Opcode(c.data()) == contract::kOpCompute) {
        cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "prec"), l.prec);
      }
    }
  }
  p.cmd_count = static_cast<uint32_t>(p.cmds.size());
  if (p.cmd_base + uint64_t{p.cmd_count} * contract::kCmdBytes > p.act_addr) {
    throw std::logic_error("salsa driver: plan " + p.plan + " has more commands than it laid out");
  }
  for (size_t i = 0; i < p.cmds.size(); ++i) {
    std::copy(p.cmds[i].begin(), p.cmds[i].end(),
              p.dram.begin() + p.cmd_base + i * contract::kCmdBytes);
  }
  return p;
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
    out[i] = static_cast<int8_t>(dram[prog.out_addr + (prog.transposed() ? n * M + m : i)]);
  }
  return out;
}

unsigned OutFmtBytes(contract::OutFmt fmt) {
  switch (fmt) {
    case contract::kOutFp32:
      return 4;
    case contract::kOutBf16:
      return 2;
    default:
      return 1;
  }
}

std::vector<uint32_t> ReadOutputFp(const Program& prog, const std::vector<uint8_t>& dram, int M,
                                   int N) {
  const unsigned e = OutFmtBytes(prog.out_fmt);
  const uint64_t count = static_cast<uint64_t>(M) * N;
  if (prog.out_addr + count * e > dram.size()) {
    throw std::invalid_argument("ReadOutputFp: output region lies outside the DRAM image");
  }
  std::vector<uint32_t> out(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t v = 0;
    for (unsigned b = 0; b < e; ++b) v |= uint32_t{dram[prog.out_addr + i * e + b]} << (8 * b);
    out[i] = v;
  }
  return out;
}

}  // namespace salsa
