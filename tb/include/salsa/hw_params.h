// Hardware parameters the driver and the models need, and the numbers of the hardware/software
// contract (opcodes, load targets, CSR offsets, counter indices) from docs/architecture.md.
// The generated per-config header salsa_params.h carries the same numbers.
#pragma once

#include <cstdint>

#include "salsa/hw_contract.h"  // the one definition of the CSR map, opcodes and codes

namespace salsa {

struct HwParams {
  unsigned rows = 16;              // MAC array rows (activation lanes)
  unsigned cols = 16;              // MAC array columns (weight lanes)
  unsigned bus_bytes = 16;         // AXI data width in bytes
  unsigned addr_bits = 32;         // AXI address width
  unsigned max_burst = 16;         // beats per burst
  unsigned max_outstanding = 4;    // AXI transactions in flight
  unsigned act_words = 0;          // act scratchpad words (banks * depth); a word is `rows` bytes
  unsigned weight_words = 0;       // weight scratchpad words; a word is `cols` bytes
  unsigned acc_words = 0;          // acc scratchpad words; a word is 4 * `cols` bytes
  bool weight_stationary = false;  // array.dataflow: ws (COMPUTE streams rows through weights)
  bool zero_skip = false;          // sparsity.zero_skip: SCAN, gather LOAD, indexed COMPUTE
  bool structured24 = false;       // sparsity.structured "2:4": meta scratchpad, 2:4 COMPUTE

  unsigned ActWordBytes() const { return rows; }
  unsigned WeightWordBytes() const { return cols; }
  unsigned AccWordBytes() const { return 4 * cols; }
  // structured24: a weight word's 2-bit positions take cols / 4 bytes; a meta scratchpad word
  // holds those of four consecutive weight words (cols bytes), so meta LOADs run at bus rate.
  unsigned MetaStepBytes() const { return cols / 4; }
  unsigned MetaWordBytes() const { return cols; }
  unsigned MetaWords() const { return weight_words / 4; }
};

// Commands: 32 bytes, eight little-endian 32-bit words; w0[7:0] opcode, w0[15:8] flags.
constexpr unsigned kCommandBytes = contract::kCmdBytes;

enum Opcode : uint8_t {
  kOpLoad = contract::kOpLoad,
  kOpCompute = contract::kOpCompute,
  kOpStore = contract::kOpStore,
  kOpSync = contract::kOpSync,
  kOpScan = contract::kOpScan,
};

// LOAD w0[9:8].
enum LoadTarget : uint8_t {
  kTargetAct = contract::kTargetAct,
  kTargetWeight = contract::kTargetWeight,
  kTargetAcc = contract::kTargetAcc,
  kTargetMeta =
      contract::kTargetMeta,  // structured24: the meta scratchpad (weight_words / 4 words)
};

// COMPUTE flag bits in w0 (bit positions in the 32-bit word).
enum StoreFlag : uint32_t {
  kStorePerChannel = 1u << 8,  // w0[31:16]: acc address of the multiplier word (shifts follow)
};

enum ComputeFlag : uint32_t {
  kComputeClear = 1u << 8,
  kComputeDrain = 1u << 9,
  kComputeIndexed = contract::kFlagIndexed,        // zero_skip: act words via the index list
  kComputeAccumulate = contract::kFlagAccumulate,  // os: the drain adds to the acc words
  kComputeGroup = contract::kFlagGroup,            // zero_skip: an indexed COMPUTE over S tiles
  kComputeStructured = contract::kFlagStructured,  // structured24: 2:4 COMPUTE (meta positions)
};

enum LoadFlag : uint32_t {
  kLoadGather = contract::kFlagGather,  // zero_skip: weight rows at base + idx[j] * stride
};

// CSR byte offsets (AXI4-Lite, 32-bit data, 12-bit address).
enum CsrOffset : uint32_t {
  kCsrCtrl = contract::CsrAddr("CTRL"),
  kCsrStatus = contract::CsrAddr("STATUS"),
  kCsrErrCode = contract::CsrAddr("ERR_CODE"),
  kCsrErrCmd = contract::CsrAddr("ERR_CMD"),
  kCsrIrqEn = contract::CsrAddr("IRQ_EN"),
  kCsrCmdBaseLo = contract::CsrAddr("CMD_BASE_LO"),
  kCsrCmdBaseHi = contract::CsrAddr("CMD_BASE_HI"),
  kCsrCmdCount = contract::CsrAddr("CMD_COUNT"),
  kCsrHwId = contract::CsrAddr("HW_ID"),
  kCsrCounters = contract::kCounterBase,  // counter i: low word at 0x040 + 8*i, high word at +4
};

enum CtrlBits : uint32_t { kCtrlStart = 1u << 0 };

enum StatusBits : uint32_t {
  kStatusBusy = 1u << 0,
  kStatusDone = 1u << 1,  // write 1 to clear
  kStatusError = 1u << 2,
};

enum IrqEnBits : uint32_t { kIrqEnDone = 1u << 0 };

enum ErrCode : uint32_t {
  kErrNone = contract::kErrNone,
  kErrBadOpcode = contract::kErrOpcode,
  kErrAxiRead = contract::kErrAxiRead,
  kErrAxiWrite = contract::kErrAxiWrite,
  kErrScratchpadRange = contract::kErrRange,
  kErrBadField = contract::kErrField,
};

// 64-bit counters, cleared on start.
enum CounterIndex : unsigned {
  kCntCycles = 0,           // busy cycles
  kCntMacActive = 1,        // cycles the array received a K step
  kCntGated = 2,            // zero activation operands
  kCntRdBytes = 3,          // R beats x bus bytes
  kCntWrBytes = 4,          // W beats x bus bytes
  kCntStallLoad = 5,        // cycles in LOAD
  kCntStallStore = 6,       // cycles in STORE
  kCntCommands = 7,         // commands completed
  kCntSkippedSteps = 8,     // K steps indexed COMPUTEs skipped
  kCntSkippedWgtBytes = 9,  // weight bytes gather LOADs did not fetch
  kNumCounters = contract::kNumCounters,
};

constexpr uint32_t kHwIdMagic = contract::kHwIdMagic;

constexpr uint32_t CounterOffset(unsigned index) { return kCsrCounters + 8 * index; }

// HW_ID = {rows[7:0], cols[7:0], bus_bytes[7:0], 8'h5A}.
constexpr uint32_t HwIdValue(unsigned rows, unsigned cols, unsigned bus_bytes) {
  return ((rows & 0xFFu) << 24) | ((cols & 0xFFu) << 16) | ((bus_bytes & 0xFFu) << 8) | kHwIdMagic;
}
inline uint32_t HwIdValue(const HwParams& hw) { return HwIdValue(hw.rows, hw.cols, hw.bus_bytes); }

}  // namespace salsa
