// The hardware parameters the driver and the models need. The numbers of the hardware/software
// contract (opcodes, command fields, CSR map, counters, error codes) are not repeated here: look
// them up by name in salsa/hw_contract.h (contract::CsrAddr("STATUS"),
// contract::CounterIndex("cycles"), contract::ErrCodeOf("bad_field")), and pack or unpack
// commands with salsa/command.h.
#pragma once

#include <cstdint>

#include "salsa/hw_contract.h"

namespace salsa {

struct HwParams {
  unsigned rows = 16;              // MAC array rows (activation lanes)
  unsigned cols = 16;              // MAC array columns (weight lanes)
  unsigned bus_bytes = 16;         // the DMAs' data width in bytes: ports x one port's width
  unsigned ports = 1;              // axi.ports: AXI4 master ports, lanes of the data path
  unsigned addr_bits = 32;         // AXI address width
  unsigned max_burst = 16;         // beats per burst
  unsigned max_outstanding = 4;    // AXI transactions in flight
  unsigned act_words = 0;          // act scratchpad words (banks * depth); a word is `rows` bytes
  unsigned weight_words = 0;       // weight scratchpad words; a word is `cols` bytes
  unsigned acc_words = 0;          // acc scratchpad words; a word is 4 * `cols` bytes
  bool weight_stationary = false;  // array.dataflow: ws (COMPUTE streams rows through weights)
  bool zero_skip = false;          // sparsity.zero_skip: SCAN, gather LOAD, indexed COMPUTE
  bool structured24 = false;       // sparsity.structured "2:4": meta scratchpad, 2:4 COMPUTE
  unsigned precision_mask = 1;     // bit contract::Prec p set when that datapath is built
  unsigned gemv_slices = 1;        // array.gemv_slices: most K slices of a COMPUTE (1: none)

  bool Has(contract::Prec p) const { return (precision_mask >> p) & 1u; }
  // The os COMPUTE's conv flag (on-chip im2col, docs/conv.md): os builds without 2:4 (as
  // Config::OsConv).
  bool OsConv() const { return !weight_stationary && !structured24; }

  unsigned ActWordBytes() const { return rows; }
  unsigned WeightWordBytes() const { return cols; }
  unsigned AccWordBytes() const { return 4 * cols; }
  // structured24: a weight word's 2-bit positions take cols / 4 bytes; a meta scratchpad word
  // holds those of four consecutive weight words (cols bytes), so meta LOADs run at bus rate.
  unsigned MetaStepBytes() const { return cols / 4; }
  unsigned MetaWordBytes() const { return cols; }
  unsigned MetaWords() const { return weight_words / 4; }
};

// HW_ID of the hardware `hw` (contract::HwIdValue).
inline uint32_t HwIdValue(const HwParams& hw) {
  return contract::HwIdValue(hw.rows, hw.cols, hw.bus_bytes);
}

}  // namespace salsa
