// Commands as bytes: one generic pack/unpack over the contract's command table
// (salsa/hw_contract.h, kCmdFields), the encoders the tilers use, and a printer that iterates the
// table. Nothing here knows a bit position: every field is looked up by its name.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "salsa/hw_contract.h"

namespace salsa {

using Command = std::array<uint8_t, contract::kCmdBytes>;

namespace cmd {

// The raw bits of field `f` of the command at `c` (contract::kCmdBytes bytes).
uint64_t Bits(const uint8_t* c, const contract::CmdField& f);
// The value of field `f`: its bits, sign-extended when the field is signed.
int64_t Get(const uint8_t* c, const contract::CmdField& f);
// Writes `value` into field `f`. A value the field cannot hold (unsigned: outside [0, 2^width),
// signed: outside [-2^(width-1), 2^(width-1))) throws std::out_of_range naming the field; a
// 64-bit field takes any value (as uint64_t bits).
void Set(Command& c, const contract::CmdField& f, int64_t value);

// The opcode, w0[7:0].
unsigned Opcode(const uint8_t* c);
// Field `name` of opcode `op`; std::logic_error if the table has no such field.
const contract::CmdField& FieldOf(unsigned op, const std::string& name);
// The value of field `name` of the command's own opcode.
int64_t Get(const uint8_t* c, const std::string& name);
// The same, or `absent` when the opcode has no such field (a feature's field on any build).
int64_t GetOr(const uint8_t* c, const char* name, int64_t absent = 0);
// A command of opcode `op` with the named fields set and every other bit 0.
Command Pack(unsigned op, std::initializer_list<std::pair<const char*, int64_t>> fields);

}  // namespace cmd

// Little-endian 32-bit word i (0..7) of a command.
uint32_t CommandWord(const uint8_t* cmd, unsigned i);

// One line such as "LOAD target=act sp_addr=0 words_per_row=64 rows=1 stride=1024
// dram_addr=0x2000": the opcode, the flags that are set, then the other fields of the table that
// apply (a field with `when` only while its flag is set; a feature's field only when non-zero).
std::string DescribeCommand(const uint8_t* cmd);

// ---- encoders (the meanings are in docs/architecture.md)
// -----------------------------------------
Command EncodeLoad(contract::Target target, uint16_t sp_addr, uint16_t words_per_row, uint16_t rows,
                   uint32_t dram_stride, uint64_t dram_addr);
// accumulate (os builds): the drain adds the accumulators to the acc words.
Command EncodeCompute(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                      uint16_t k_steps, int8_t input_zp, uint16_t drain_acc_addr,
                      bool accumulate = false);
// Weight-stationary COMPUTE over `blocks` K blocks (act words act + b*M, weight words
// weight + b*rows), all adding into acc rows [acc, acc + M); clear applies to the first block.
Command EncodeComputeWs(bool clear, uint16_t act_addr, uint16_t weight_addr, uint16_t m_rows,
                        int8_t input_zp, uint16_t acc_addr, uint16_t blocks);
// The im2col walk of a ws COMPUTE with the conv flag (hw_contract.h's "conv" row, docs/conv.md).
struct ConvFields {
  unsigned ow = 1, kw = 1, nc = 1, sy = 1, sx = 1, dy = 1, dx = 1;
  unsigned y_lo = 0, y_hi = 0, x_lo = 0, x_hi = 0;
  uint16_t org = 0, rw = 0, span = 0;
  unsigned pw = 1;
};
// Weight-stationary im2col COMPUTE: `blocks` K blocks walked as (channel block, tap), M output
// pixels each, reading act words within [act_addr, act_addr + span).
Command EncodeComputeConv(bool clear, uint16_t act_addr, uint16_t weight_addr, uint16_t m_rows,
                          int8_t input_zp, uint16_t acc_addr, uint16_t blocks, const ConvFields& f);
// The byte walk of an os COMPUTE with the conv flag (hw_contract.h's "conv" row, docs/conv.md).
struct OsConvFields {
  uint16_t extent = 1, pitch = 0, window = 0;
  unsigned chans = 1, taps_x = 1;
  int off_w = 0;
  unsigned off_b = 0, tx_b = 0, tx_w = 0, ty_b = 0;
  uint16_t ty_w = 0;
  bool xmask = false;
  unsigned x0 = 0, xw = 0;
  int kx0 = 0;
  unsigned tiles = 1;  // 0 reads as 1
};
// Output-stationary im2col COMPUTE: k steps over (tap row, tap column, channel), each `rows`
// bytes of a channel plane in act words [act_addr, act_addr + extent).
Command EncodeComputeOsConv(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                            uint16_t k_steps, int8_t input_zp, uint16_t acc_addr,
                            const OsConvFields& f);
// per_channel_acc >= 0: per-channel requantisation with the multiplier word at that acc address
// and the shift word after it (multiplier/shift arguments then unused).
Command EncodeStore(uint16_t acc_addr, uint16_t rows, uint16_t bytes_per_row, uint16_t bias_addr,
                    uint32_t dram_stride, uint64_t dram_addr, int32_t multiplier, int8_t shift,
                    int8_t out_zp, int8_t act_min, int8_t act_max, int per_channel_acc = -1);
Command EncodeSync();
// 2:4 COMPUTE (sparsity.structured "2:4" builds only): k_steps compressed steps (even) over act
// words [act_addr, act_addr + 2 * k_steps) (act_addr even) and weight and meta words
// [weight_addr, weight_addr + k_steps).
Command EncodeStructuredCompute(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                                uint16_t k_steps, int8_t input_zp, uint16_t drain_acc_addr,
                                bool accumulate = false);
// Zero-skip commands (sparsity.zero_skip builds only).
// SCAN of act words [act_addr, act_addr + k_words), testing lanes 0..lanes-1.
Command EncodeScan(uint16_t act_addr, uint16_t k_words, int8_t input_zp, uint8_t lanes);
// Gather LOAD of index-list entries [first_entry, first_entry + entries) into weight words
// sp_addr + e * words_per_row: entry e reads words_per_row * cols bytes at
// dram_base + idx[first_entry + e] * step_bytes (step_bytes a multiple of the bus width).
Command EncodeGatherLoad(uint16_t sp_addr, uint16_t words_per_row, uint16_t entries,
                         uint16_t first_entry, uint32_t step_bytes, uint64_t dram_base);
// Indexed COMPUTE of entries [first_entry, first_entry + entries): act word a + idx[j] of the last
// SCAN times weight word weight_base + e * weight_stride. group: weight_stride tiles, tile t with
// weight words weight_base + t + e * weight_stride, drained to acc words drain_acc_addr + t * rows
// (with K slices: + t * rows / S, the G words a tile drains).
Command EncodeIndexedCompute(bool clear, bool drain, bool accumulate, uint16_t weight_base,
                             uint16_t entries, uint16_t first_entry, uint8_t weight_stride,
                             int8_t input_zp, uint16_t drain_acc_addr, bool group = false);

}  // namespace salsa
