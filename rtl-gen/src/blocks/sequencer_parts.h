// Parts of salsa_sequencer's builder, one file per job. BuildSequencer (sequencer.cpp) declares the
// ports and calls them in the order their items appear in the module: fetch (sequencer_fetch.cpp),
// decode (sequencer_decode.cpp), hazards and the load table (sequencer_hazards.cpp), the units'
// hand-offs (sequencer_units.cpp).
#pragma once

#include <string>

#include "salsa/config.h"
#include "salsa/hw_contract.h"
#include "salsa/ir.h"

namespace salsa::blocks {

// What every part derives from the configuration.
struct SeqConfig {
  explicit SeqConfig(const Config& c);
  const Config& cfg;
  unsigned aw;        // AXI address bits
  unsigned cb;        // bits of a STORE's row bytes (up to cols; fp8 builds 4 * cols)
  unsigned db, tw;    // the read DMA's destination and tag bits
  unsigned pf;        // commands the prefetch FIFO holds (SeqPrefetch)
  unsigned pb;        // bits of a command count up to pf
  std::string P;      // a pb-bit literal's prefix, "<pb>'d"
  unsigned ltb;       // bits of a load-table count up to kSeqLoadTable
  std::string L;      // an ltb-bit literal's prefix
  unsigned wtb;       // bits of a write-table count up to kSeqWriteTable
  std::string W;      // a wtb-bit literal's prefix
  bool st, zs, ws;    // sparsity.structured 2:4, sparsity.zero_skip, weight-stationary
  unsigned lb;        // log2 of the bus bytes
  std::string issue;  // the command in StIssue goes this cycle
};
// Commands the prefetch FIFO holds: 16, and 32 on zero-skip builds, whose plans issue about four
// commands per gather chunk while a command fetch waits in the read DMA behind up to two chunks
// of gathers (16x16 on 512 bits with 64 KB of weights, GEMV 1x4096x4096 at 50% zeros: 153,169
// cycles with 16, 151,224 with 32; 8x8 on 128 bits 563,739 and 560,747).
inline unsigned SeqPrefetch(const Config& c) { return c.zero_skip ? 32 : 16; }
inline constexpr unsigned kSeqLoadTable = 4;   // LOADs in flight the load table tracks
inline constexpr unsigned kSeqWriteTable = 4;  // STOREs whose writes await their responses

// The command field `name` of opcode `op` as a slice of w0..w7 (contract::kCmdFields).
inline std::string Fld(unsigned op, const char* name) { return contract::CmdSlice(op, name); }
// Bits [hi:lo] of that field, counted from the field's lsb.
std::string FldBits(unsigned op, const char* name, unsigned hi, unsigned lo);
// The field zero-extended to 17 bits (a scratchpad word address or end).
inline std::string Fld17(unsigned op, const char* name) { return "{1'b0, " + Fld(op, name) + "}"; }
// Per opcode: LoadF("rows") is the LOAD's rows field, and so on.
inline std::string LoadF(const char* name) { return Fld(contract::kOpLoad, name); }
inline std::string ComputeF(const char* name) { return Fld(contract::kOpCompute, name); }
inline std::string StoreF(const char* name) { return Fld(contract::kOpStore, name); }
inline std::string ScanF(const char* name) { return Fld(contract::kOpScan, name); }
// The opcode's case label ("8'd<op>"), and "(opcode == 8'd<op>)".
std::string OpLabel(unsigned op);
inline std::string OpIs(unsigned op) { return "(opcode == " + OpLabel(op) + ")"; }

// Command fetch (sequencer_fetch.cpp): the prefetch FIFO and its batches of command reads.
void AddFetchDecls(ir::Scope& s, const SeqConfig& c);
void AddFetch(ir::Scope& s, const SeqConfig& c, const ir::Module& fifo, const std::string& clk,
              const std::string& rst);
ir::Block FetchReset(const SeqConfig& c);  // at reset and on start_i
ir::Block FetchSeq(const SeqConfig& c);    // every cycle

// Decode (sequencer_decode.cpp): the command words, the fields' ranges and the error checks.
void AddDecodeDecls(ir::Scope& s, const SeqConfig& c);
void AddDecode(ir::Scope& s, const SeqConfig& c);
void AddUnusedCmd(ir::Scope& s, const SeqConfig& c);

// Issue (sequencer_hazards.cpp): what the running units touch, the load table, the write table
// (STOREs whose writes are not all answered), the hazard checks.
void AddLoadTableDecls(ir::Scope& s, const SeqConfig& c);
void AddIssueDecls(ir::Scope& s, const SeqConfig& c);
void AddHazards(ir::Scope& s, const SeqConfig& c);
ir::Block IssueReset();                     // the running STORE's footprint
ir::Block IssueStore();                     // a STORE issues: remember its footprint
ir::Block HazardReset(const SeqConfig& c);  // the load and write tables (zero-skip: SCAN range)
ir::Block HazardSeq(const SeqConfig& c);    // every cycle: load and write tables, late errors, SCAN

// Hand-offs (sequencer_units.cpp): the read DMA's request (a LOAD or a command batch), the LOAD's
// data, COMPUTE/SCAN to the compute controller and STORE to the store unit.
void AddReadRequest(ir::Scope& s, const SeqConfig& c);
void AddUnitOutputs(ir::Scope& s, const SeqConfig& c);

}  // namespace salsa::blocks
