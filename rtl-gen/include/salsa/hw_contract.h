// The hardware/software contract in one place: CSR map, counters, opcodes and error codes.
// The CSR block, the sequencer, manifest.json and salsa_params.h are all generated from these
// tables, so the RTL and the software that drives it cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace salsa::contract {

constexpr unsigned kCmdBytes = 32;

struct CsrReg {
  const char* name;
  uint32_t addr;
  const char* access;
  const char* doc;
};

constexpr CsrReg kCsrRegs[] = {
    {"CTRL", 0x000, "W",
     "bit 0: start (ignored while busy), bit 1: abort (ignored while idle): no further command "
     "is issued, the ones issued finish with their AXI transactions, then done with ERR_CODE 7"},
    {"STATUS", 0x004, "R/W1C", "bit 0 busy, bit 1 done (write 1 clears), bit 2 error"},
    {"ERR_CODE", 0x008, "R",
     "0 none, 1 bad opcode, 2 AXI read error, 3 AXI write error, "
     "4 scratchpad range, 5 bad field, 6 AXI timeout (axi.timeout_cycles), 7 aborted, "
     "8 uncorrectable scratchpad word (sram.ecc)"},
    {"ERR_CMD", 0x00C, "R", "index of the command that failed"},
    {"IRQ_EN", 0x010, "R/W", "bit 0: raise irq_o while done"},
    {"CMD_BASE_LO", 0x014, "R/W", "command list address, low 32 bits"},
    {"CMD_BASE_HI", 0x018, "R/W",
     "command list address, high 32 bits (only bits below axi.addr_bits - 32 exist: the others "
     "read 0, and a write setting one answers SLVERR)"},
    {"CMD_COUNT", 0x01C, "R/W", "number of commands"},
    {"HW_ID", 0x020, "R", "{rows[7:0], cols[7:0], bus_bytes[7:0], 8'h5A}"},
    {"ECC_CORRECTED", 0x024, "R",
     "sram.ecc: secded builds (others answer SLVERR): scratchpad reads whose single flipped bit "
     "was corrected since start, saturating at 2^32 - 1"},
    {"ECC_STATUS", 0x028, "R",
     "sram.ecc: secded builds (others answer SLVERR): the first uncorrectable scratchpad read "
     "since start: bit 31 set once there is one, bits 23:16 the scratchpad (its index in the "
     "build's list: ecc_scratchpads in salsa_manifest.json), bits 15:0 the word address read"},
};
constexpr uint32_t kHwIdMagic = 0x5A;

// COMPUTE's `prec` field and the datapaths of config key `precision` (same order).
enum Prec : unsigned { kPrecInt8 = 0, kPrecInt4w = 1, kPrecFp8E4M3 = 2, kPrecFp8E5M2 = 3 };
// STORE's `out_fmt` field.
enum OutFmt : unsigned {
  kOutInt8 = 0,
  kOutFp32 = 1,
  kOutBf16 = 2,
  kOutFp8E4M3 = 3,
  kOutFp8E5M2 = 4
};

constexpr bool NameEq(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}
// The first row of `table` for which `pred` holds; nullptr for none.
template <typename T, std::size_t N, typename Pred>
constexpr const T* FindIf(const T (&table)[N], Pred pred) {
  for (const T& row : table) {
    if (pred(row)) return &row;
  }
  return nullptr;
}
// The first row of `table` whose `name` is `name`; nullptr for none.
template <typename T, std::size_t N>
constexpr const T* FindByName(const T (&table)[N], const char* name) {
  return FindIf(table, [name](const T& row) { return NameEq(row.name, name); });
}
// Address of the CSR called `name`; 0xFFFFFFFF if there is none (a compile error in constexpr use
// sites that check it).
constexpr uint32_t CsrAddr(const char* name) {
  const CsrReg* r = FindByName(kCsrRegs, name);
  return r != nullptr ? r->addr : 0xFFFFFFFF;
}

// The named bits of the CSRs above.
struct CsrBit {
  const char* reg;
  const char* name;
  unsigned bit;
};
constexpr CsrBit kCsrBits[] = {
    {"CTRL", "start", 0},  {"CTRL", "abort", 1},   {"STATUS", "busy", 0},
    {"STATUS", "done", 1}, {"STATUS", "error", 2}, {"IRQ_EN", "done", 0},
};
// Mask of bit `name` of CSR `reg`.
constexpr uint32_t CsrBitMask(const char* reg, const char* name) {
  const CsrBit* b = FindIf(kCsrBits, [reg, name](const CsrBit& x) {
    return NameEq(x.reg, reg) && NameEq(x.name, name);
  });
  return b != nullptr ? 1u << b->bit : throw "salsa::contract::CsrBitMask: no such CSR bit";
}
// HW_ID's value.
constexpr uint32_t HwIdValue(unsigned rows, unsigned cols, unsigned bus_bytes) {
  return ((rows & 0xFFu) << 24) | ((cols & 0xFFu) << 16) | ((bus_bytes & 0xFFu) << 8) | kHwIdMagic;
}

constexpr uint32_t kCounterBase = 0x040;  // 64-bit counters, low word first
struct Counter {
  const char* name;
  const char* doc;
};
constexpr Counter kCounters[] = {
    {"cycles", "cycles busy (from start to done)"},
    {"mac_active", "cycles the array received a K step"},
    {"gated", "activation operands equal to the input zero point (gated)"},
    {"rd_bytes", "R beats x bus bytes"},
    {"wr_bytes", "W beats x bus bytes"},
    {"stall_load", "cycles spent in LOAD commands"},
    {"stall_store", "cycles spent in STORE commands"},
    {"commands", "commands completed"},
    {"skipped_steps", "K steps an indexed COMPUTE skipped (zero_skip: listed entries past nnz)"},
    {"skipped_wgt_bytes", "weight bytes a gather LOAD did not fetch (zero_skip)"},
};
constexpr unsigned kNumCounters = sizeof(kCounters) / sizeof(kCounters[0]);
// Index of the counter called `name` (a compile error where constant and unknown).
constexpr unsigned CounterIndex(const char* name) {
  const Counter* c = FindByName(kCounters, name);
  return c != nullptr ? static_cast<unsigned>(c - kCounters)
                      : throw "salsa::contract::CounterIndex: no such counter";
}
// Byte address of counter `index`'s low word (the high word follows at +4).
constexpr uint32_t CounterAddr(unsigned index) { return kCounterBase + 8 * index; }

enum Opcode : unsigned { kOpLoad = 1, kOpCompute = 2, kOpStore = 3, kOpSync = 4, kOpScan = 5 };

// ---- the command format -------------------------------------------------------------------------
// A command is eight little-endian 32-bit words w0..w7; w0[7:0] is the opcode. Every other field
// of every opcode is one row of kCmdFields: its bits are w<word>[lsb + width - 1 : lsb] (a field
// wider than 32 bits continues into the next words, low word first). The sequencer's builder takes
// every slice from this table, the driver packs and the functional model unpacks through it
// (tb/include/salsa/command.h), manifest.json and salsa_params.h carry it for firmware, and
// docs/architecture.md's command table is printed from it. Rows with a `feature` exist only in
// builds with that feature (elsewhere a set flag is a bad field); rows with `when` mean this only
// while that flag of the same command is set (a field may alias another one's bits that way).
// What the commands do (hazards, errors) is not here: the RTL and the functional model implement
// it separately, so that the model checks the RTL.
struct CmdOp {
  const char* name;
  unsigned code;
  const char* feature;  // "" in every build, else the build feature that adds the opcode
  const char* doc;
};
constexpr CmdOp kCmdOps[] = {
    {"LOAD", kOpLoad, "", "DRAM rows to a scratchpad"},
    {"COMPUTE", kOpCompute, "", "K steps through the MAC array, then (drain) to the acc words"},
    {"STORE", kOpStore, "", "acc rows + bias, requantised, to int8 DRAM rows"},
    {"SYNC", kOpSync, "", "waits until every earlier command has finished"},
    {"SCAN", kOpScan, "zero_skip", "lists the act words with a non-zero lane (the index list)"},
};

struct CmdField {
  unsigned op;          // opcode
  const char* name;     // unique within the opcode
  unsigned word;        // 0..7
  unsigned lsb;         // 0..31
  unsigned width;       // bits; 1 for a flag
  bool is_signed;       // two's complement
  const char* feature;  // "" every build; "zero_skip", "structured", "os", "ws", "lowp" (a
                        // precision besides int8), "int4w", "fp8", "gemv" (array.gemv_slices
                        // > 1), "osconv" (Config::OsConv: os without 2:4) or "conv"
                        // (ws or osconv) builds only
  const char* when;     // "" always; else the flag field of the same opcode that gives this meaning
  const char* doc;
};

// The opcode: w0[7:0] of every command.
constexpr CmdField kCmdOpcode = {0, "opcode", 0, 0, 8, false, "", "", "the opcode"};

constexpr CmdField kCmdFields[] = {
    // LOAD: rows x words_per_row scratchpad words from DRAM rows `stride` bytes apart.
    {kOpLoad, "target", 0, 8, 2, false, "", "", "0 act, 1 weight, 2 acc, 3 meta (2:4)"},
    {kOpLoad, "gather", 0, 10, 1, false, "zero_skip", "",
     "rows come from the index list (target weight)"},
    {kOpLoad, "sliced", 0, 13, 1, false, "gemv", "gather",
     "K-slice layout (zero_skip + gemv builds): entry e's word i at sp + ((e / W)*wpr + i)*W + "
     "(e + i) % W, W = array.gemv_slices (sp a multiple of W, wpr of the weight words a LOAD "
     "writes per cycle)"},
    {kOpLoad, "sp_addr", 1, 0, 16, false, "", "", "scratchpad word address"},
    {kOpLoad, "words_per_row", 1, 16, 16, false, "", "", "scratchpad words per row"},
    {kOpLoad, "rows", 2, 0, 16, false, "", "", "rows (gather: index-list entries L)"},
    {kOpLoad, "j0", 2, 16, 16, false, "zero_skip", "gather", "first index-list entry"},
    {kOpLoad, "stride", 3, 0, 32, false, "", "",
     "DRAM row stride in bytes (gather: bytes per index step, a multiple of the bus width)"},
    {kOpLoad, "dram_addr", 4, 0, 64, false, "", "", "DRAM byte address (w5:w4)"},
    // COMPUTE
    {kOpCompute, "clear", 0, 8, 1, false, "", "", "accumulators start from this chunk"},
    {kOpCompute, "drain", 0, 9, 1, false, "", "",
     "after this chunk, write the accumulators to the acc words (ignored in ws builds)"},
    {kOpCompute, "indexed", 0, 10, 1, false, "zero_skip", "",
     "act words via the last SCAN's index list"},
    {kOpCompute, "accumulate", 0, 11, 1, false, "os", "",
     "the drain adds to the acc words (int32, wrapping) instead of overwriting them"},
    {kOpCompute, "structured", 0, 12, 1, false, "structured", "",
     "2:4 COMPUTE over compressed weights and their meta words"},
    {kOpCompute, "group", 0, 13, 1, false, "zero_skip", "indexed",
     "indexed COMPUTE over S tiles (S = stride), tile t drained to acc + t*rows (with slices: "
     "acc + t*rows/2^slices)"},
    {kOpCompute, "prec", 0, 14, 2, false, "lowp", "",
     "datapath: 0 int8, 1 int4w (W4A8), 2 fp8_e4m3, 3 fp8_e5m2 (only those built)"},
    {kOpCompute, "bias_load", 0, 16, 1, false, "fp8", "",
     "the k = 4 steps shift weight bytes into the accumulators (FP32 bias), no MACs"},
    {kOpCompute, "slices", 0, 17, 3, false, "gemv", "",
     "log2 of the K slices S (GEMV): row r adds step S*s + r/(rows/S) into output row "
     "r % (rows/S); weight_addr a multiple of S, rows/S acc words drained (indexed: S = "
     "array.gemv_slices, over the last SCAN's packed act words)"},
    {kOpCompute, "act_addr", 1, 0, 16, false, "", "",
     "act word address (ignored when indexed; even for 2:4)"},
    {kOpCompute, "weight_addr", 1, 16, 16, false, "", "", "weight word address (ws: K block's)"},
    {kOpCompute, "k", 2, 0, 16, false, "", "",
     "K steps (indexed: entries L; 2:4: compressed steps, even; ws: M act words streamed)"},
    {kOpCompute, "in_zp", 2, 16, 8, true, "", "", "input zero point"},
    {kOpCompute, "stride", 2, 24, 8, false, "zero_skip", "indexed", "weight stride S (>= 1)"},
    {kOpCompute, "acc_addr", 3, 0, 16, false, "", "", "acc word address of the drain"},
    {kOpCompute, "j0", 3, 16, 16, false, "zero_skip", "indexed", "first index-list entry"},
    {kOpCompute, "blocks", 3, 16, 16, false, "ws", "", "K blocks B (0 reads as 1)"},
    // On-chip im2col (ws builds): act word m of block b is the input pixel under output pixel
    // (m / ow, m % ow) and tap (ky, kx) of an NHWC tile in the act scratchpad (docs/conv.md).
    {kOpCompute, "conv", 0, 20, 1, false, "conv", "",
     "im2col. ws: block b = (ky, kx, c) with c = b % nc, kx = (b / nc) % kw, ky = b / (nc*kw); "
     "act word m reads word org + vy*rw + vx*pw + c, vy = (m / ow)*sy + ky*dy, vx = (m % ow)*sx + "
     "kx*dx, or is all in_zp when vy is outside [y_lo, y_hi), vx outside [x_lo, x_hi) or the word "
     "outside [act_addr, act_addr + span). os: step s = (ty, tx, c) with c = s % chans, tx = "
     "(s / chans) % taps_x, ty = s / (chans*taps_x); lane i reads byte o + i of channel c's "
     "plane, o = off_w*rows + off_b + tx*(tx_w*rows + tx_b) + ty*(ty_w*rows + ty_b), plane word "
     "w at act_addr + c*pitch + w; in_zp when w is outside [0, window), c*pitch + w outside [0, "
     "extent), or (xmask) the lane's column x0 + i (mod xw) plus kx0 + tx*tx_b is outside [0, "
     "xw)"},
    {kOpCompute, "ow", 4, 0, 8, false, "ws", "conv", "output pixels per tile row (>= 1)"},
    {kOpCompute, "kw", 4, 8, 8, false, "ws", "conv", "kernel taps per row (>= 1)"},
    {kOpCompute, "nc", 4, 16, 8, false, "ws", "conv", "channel blocks per tap (>= 1)"},
    {kOpCompute, "sy", 4, 24, 4, false, "ws", "conv", "vertical stride (>= 1)"},
    {kOpCompute, "sx", 4, 28, 4, false, "ws", "conv", "horizontal stride (>= 1)"},
    {kOpCompute, "y_lo", 5, 0, 8, false, "ws", "conv", "first tile row held (above: padding)"},
    {kOpCompute, "y_hi", 5, 8, 8, false, "ws", "conv", "end of the tile rows held"},
    {kOpCompute, "x_lo", 5, 16, 8, false, "ws", "conv", "first tile column held"},
    {kOpCompute, "x_hi", 5, 24, 8, false, "ws", "conv", "end of the tile columns held"},
    {kOpCompute, "org", 6, 0, 16, false, "ws", "conv",
     "act word of tile pixel (0, 0), channel block 0 (mod 2^16; may lie outside the tile)"},
    {kOpCompute, "rw", 6, 16, 16, false, "ws", "conv", "act words per tile row"},
    {kOpCompute, "span", 7, 0, 16, false, "ws", "conv",
     "act words [act_addr, act_addr + span) the command may read (>= 1)"},
    {kOpCompute, "pw", 7, 16, 10, false, "ws", "conv", "act words per pixel"},
    {kOpCompute, "dy", 7, 26, 3, false, "ws", "conv", "vertical dilation (>= 1)"},
    {kOpCompute, "dx", 7, 29, 3, false, "ws", "conv", "horizontal dilation (>= 1)"},
    // On-chip im2col (os builds without 2:4): an act word is `rows`
    // consecutive bytes of a channel plane, at any byte offset (docs/conv.md).
    {kOpCompute, "tiles", 2, 24, 8, false, "osconv", "conv",
     "tiles T (0 reads as 1): tile t starts one act word later "
     "(off_w + t, lane columns x0 + t*rows), clears and drains as the command says, to acc_addr "
     "+ t*rows"},
    {kOpCompute, "xw", 3, 16, 8, false, "osconv", "conv", "image width (xmask: >= rows, > x0)"},
    {kOpCompute, "kx0", 3, 24, 8, true, "osconv", "conv", "column offset of tap column 0 (xmask)"},
    {kOpCompute, "extent", 4, 0, 16, false, "osconv", "conv",
     "act words [act_addr, act_addr + extent) the command may read (>= 1)"},
    {kOpCompute, "pitch", 4, 16, 16, false, "osconv", "conv", "act words between channel planes"},
    {kOpCompute, "window", 5, 0, 16, false, "osconv", "conv", "words of each plane held"},
    {kOpCompute, "chans", 5, 16, 12, false, "osconv", "conv", "channels per tap (>= 1)"},
    {kOpCompute, "taps_x", 5, 28, 4, false, "osconv", "conv", "taps per kernel row (>= 1)"},
    {kOpCompute, "off_w", 6, 0, 16, true, "osconv", "conv",
     "plane word of lane 0 at step 0 (may be negative)"},
    {kOpCompute, "off_b", 6, 16, 6, false, "osconv", "conv", "its byte in the word (< rows)"},
    {kOpCompute, "x0", 6, 22, 8, false, "osconv", "conv", "lane 0's column (xmask; < xw)"},
    {kOpCompute, "xmask", 6, 30, 1, false, "osconv", "conv",
     "lanes whose tap column is outside the image read in_zp"},
    {kOpCompute, "tx_b", 7, 0, 6, false, "osconv", "conv", "bytes between tap columns, mod rows"},
    {kOpCompute, "tx_w", 7, 6, 4, false, "osconv", "conv", "words between tap columns (xmask: 0)"},
    {kOpCompute, "ty_b", 7, 10, 6, false, "osconv", "conv", "bytes between kernel rows, mod rows"},
    {kOpCompute, "ty_w", 7, 16, 16, false, "osconv", "conv", "words between kernel rows"},
    // STORE
    {kOpStore, "per_channel", 0, 8, 1, false, "", "",
     "multipliers in acc word mult_addr, shifts in the next one"},
    {kOpStore, "mult_addr", 0, 16, 16, false, "", "per_channel",
     "acc address of the multiplier word"},
    {kOpStore, "out_fmt", 0, 9, 3, false, "fp8", "",
     "0 int8 requantised, 1 fp32, 2 bf16, 3 fp8_e4m3, 4 fp8_e5m2 (FP32 acc rows, no bias)"},
    {kOpStore, "saturate", 0, 12, 1, false, "fp8", "out_fmt",
     "overflow (and inf) gives the largest finite value instead of inf (E5M2) or NaN (E4M3)"},
    {kOpStore, "acc_addr", 1, 0, 16, false, "", "", "acc address of the first row"},
    {kOpStore, "rows", 1, 16, 16, false, "", "", "rows"},
    {kOpStore, "row_bytes", 2, 0, 16, false, "", "", "bytes per row (1..cols)"},
    {kOpStore, "bias_addr", 2, 16, 16, false, "", "", "acc address of the bias word"},
    {kOpStore, "stride", 3, 0, 32, false, "", "", "DRAM row stride in bytes"},
    {kOpStore, "dram_addr", 4, 0, 64, false, "", "", "DRAM byte address (w5:w4)"},
    {kOpStore, "multiplier", 6, 0, 32, true, "", "", "output multiplier (per tensor)"},
    {kOpStore, "scale", 6, 0, 32, false, "fp8", "out_fmt",
     "FP32 output scale (bits), multiplied with RNE before the conversion"},
    {kOpStore, "shift", 7, 0, 8, true, "", "", "output shift, > 0 shifts left (per tensor)"},
    {kOpStore, "out_zp", 7, 8, 8, true, "", "", "output zero point"},
    {kOpStore, "act_min", 7, 16, 8, true, "", "", "clamp low"},
    {kOpStore, "act_max", 7, 24, 8, true, "", "", "clamp high"},
    // SCAN (zero_skip builds)
    {kOpScan, "fp8", 0, 8, 1, false, "fp8", "",
     "a lane is zero when its code is +0 or -0 (0x00, 0x80) instead of the zero point"},
    {kOpScan, "act_addr", 1, 0, 16, false, "zero_skip", "", "first act word a"},
    {kOpScan, "k", 2, 0, 16, false, "zero_skip", "", "act words K"},
    {kOpScan, "in_zp", 2, 16, 8, true, "zero_skip", "", "input zero point"},
    {kOpScan, "lanes", 3, 0, 8, false, "zero_skip", "", "lanes tested (1..rows)"},
    {kOpScan, "slices", 0, 17, 3, false, "gemv", "",
     "log2 S: also packs the listed words' lanes 0..rows/S-1, S entries per act word, into the "
     "ceil(K/S) words after the scanned ones"},
};

constexpr const CmdOp* FindCmdOp(unsigned code) {
  return FindIf(kCmdOps, [code](const CmdOp& o) { return o.code == code; });
}
constexpr const CmdField* FindCmdField(unsigned op, const char* name) {
  return FindIf(kCmdFields,
                [op, name](const CmdField& f) { return f.op == op && NameEq(f.name, name); });
}
// The field `name` of opcode `op`; a name that is not in the table is a compile error where the
// result is a constant, and throws otherwise (a programming error, never bad input).
constexpr const CmdField& CmdFieldOf(unsigned op, const char* name) {
  const CmdField* f = FindCmdField(op, name);
  return f != nullptr ? *f : throw "salsa::contract::CmdFieldOf: no such command field";
}
// The field's Verilog slice of the sequencer's command words w0..w7: "w2[23:16]", "w0[9]",
// "w6" (a whole word), "{w5, w4}" (two words).
inline std::string CmdSlice(const CmdField& f) {
  const std::string w = "w" + std::to_string(f.word);
  if (f.lsb == 0 && f.width == 64) return "{w" + std::to_string(f.word + 1) + ", " + w + "}";
  if (f.lsb == 0 && f.width == 32) return w;
  if (f.width == 1) return w + "[" + std::to_string(f.lsb) + "]";
  return w + "[" + std::to_string(f.lsb + f.width - 1) + ":" + std::to_string(f.lsb) + "]";
}
inline std::string CmdSlice(unsigned op, const char* name) {
  return CmdSlice(CmdFieldOf(op, name));
}
// A flag's bit mask in w0.
constexpr uint32_t CmdFlag(unsigned op, const char* name) {
  return CmdFieldOf(op, name).word == 0 && CmdFieldOf(op, name).width == 1
             ? 1u << CmdFieldOf(op, name).lsb
             : throw "salsa::contract::CmdFlag: not a flag of w0";
}

// The read DMA's tag: destination (2 bits; 3 with 2:4, where target 3 is the meta scratchpad and
// command fetches move to destination 4) above the 16-bit word address.
constexpr unsigned DestBits(bool structured24) { return structured24 ? 3 : 2; }
enum Target : unsigned { kTargetAct = 0, kTargetWeight = 1, kTargetAcc = 2, kTargetMeta = 3 };
constexpr const char* kTargetNames[] = {"act", "weight", "acc", "meta"};
// ERR_CODE values.
struct ErrCode {
  const char* name;
  unsigned code;
  const char* doc;
};
constexpr ErrCode kErrCodes[] = {
    {"none", 0, "no error"},
    {"bad_opcode", 1, "an opcode this build does not have"},
    {"axi_read", 2, "an AXI read error response (command fetch or LOAD)"},
    {"axi_write", 3, "an AXI write error response (STORE)"},
    {"scratchpad_range", 4, "a scratchpad range that does not fit"},
    {"bad_field", 5, "a field value or flag this build does not accept"},
    {"axi_timeout", 6,
     "no AXI handshake within axi.timeout_cycles while a read or write was pending (builds with "
     "the watchdog): the accelerator stops without waiting for the bus; reset it before the next "
     "start"},
    {"aborted", 7,
     "stopped by CTRL.abort: the commands issued before it finished, with their AXI "
     "transactions; the next start runs normally"},
    {"ecc_uncorrectable", 8,
     "a scratchpad read found two flipped bits in a word (sram.ecc: secded builds): no further "
     "command is issued, the issued ones finish (their results may be wrong); ECC_STATUS names "
     "the word"},
};
// ERR_CODE value of the error called `name`.
constexpr unsigned ErrCodeOf(const char* name) {
  const ErrCode* e = FindByName(kErrCodes, name);
  return e != nullptr ? e->code : throw "salsa::contract::ErrCodeOf: no such error code";
}
// The name of ERR_CODE value `code` ("unknown" for none of them).
constexpr const char* ErrCodeName(unsigned code) {
  const ErrCode* e = FindIf(kErrCodes, [code](const ErrCode& x) { return x.code == code; });
  return e != nullptr ? e->name : "unknown";
}

}  // namespace salsa::contract
