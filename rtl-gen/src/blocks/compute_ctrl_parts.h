// Pieces of salsa_compute_ctrl that only some configurations generate.
#pragma once

#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/ir.h"

namespace salsa::blocks {

// Both compute controllers (compute_ctrl.cpp, compute_ctrl_ws.cpp, compute_ctrl_parts.cpp):
// the status outputs, then the act and weight scratchpad reads and the gate's valid.
void AddFeedPorts(ir::Module& m);
// A range in use for the sequencer's hazard checks: <name>_busy_o, <name>_lo_o, <name>_hi_o.
void AssignRange(ir::Scope& s, const std::string& name, const std::string& busy,
                 const std::string& lo, const std::string& hi);

// sparsity.structured "2:4" (compute_ctrl_24.cpp): the act scratchpad is split into even and odd
// words so a step reads two of them; a 2:4 COMPUTE (w0[12]) feeds each group of four K steps as
// one bundle for two steps. Every command goes through two more stages (d1, d2) before the weight
// read, so that weights meet the bundle assembled from two pair reads.
void AddStructuredPorts(ir::Module& m, const Config& cfg);
void AddStructuredDecls(ir::Scope& s, const Config& cfg);
void AddStructuredDatapath(ir::Scope& s, const Config& cfg);
void StructuredFeeder(ir::Block* reset, ir::Block* start, ir::Block* feed, ir::Block* pre,
                      const Config& cfg);

// Zero-skip with K slices (compute_ctrl_pack.cpp, blocks::ScanPacks): a SCAN with slices packs
// the listed words' lanes into act words after its K (act_we_o ..), an indexed COMPUTE with
// slices (xs_i) feeds them.
void AddScanPackPorts(ir::Module& m, const Config& cfg);
void AddScanPackDecls(ir::Scope& s, const Config& cfg);
void AddScanPackLogic(ir::Scope& s, const Config& cfg);
ir::Block ScanPackReset(const Config& cfg);
ir::Block ScanPackScanStart(const Config& cfg);  // appended to the SCAN's start
ir::Block ScanPackPre(const Config& cfg);        // every cycle

// A COMPUTE's im2col field `name` held in `reg` (compute_ctrl_parts.cpp): w4..w7 as one 128-bit
// register (bit 32 * (word - 4) + lsb), w3's conv fields as a 16-bit one (bit lsb - 16); and its
// sign bit.
std::string GeoField(const std::string& reg, const char* name);
std::string GeoFieldMsb(const std::string& reg, const char* name);

// array.dataflow "ws", on-chip im2col (compute_ctrl_conv.cpp): the COMPUTE's conv flag makes
// the slot walk K blocks as (channel block, tap) and the streamer read each output pixel's input
// word, or flag it as padding (rpad_q, a cycle after the read, with the read data).
void AddConvDecls(ir::Scope& s);
void AddConvLogic(ir::Scope& s);
ir::Block ConvReset();
ir::Block ConvAccept();     // on accepting a command into the slot
ir::Block ConvHandoff();    // on a block's hand-off to the streamer
ir::Block ConvNextBlock();  // on a hand-off that leaves more blocks in the slot
ir::Block ConvStep();       // on each streamed word

// Output-stationary on-chip im2col (compute_ctrl_osconv.cpp, Config::OsConv): the COMPUTE's
// conv flag makes each step read `rows` bytes of a channel plane at a byte offset walked over
// (tap row, tap column, channel); the read stage passes salsa_top the byte shift, the parity of
// the first word and the padded lanes (act_shift_o, act_odd_o, act_pad_o).
void AddOsConvPorts(ir::Module& m, const Config& cfg);
void AddOsConvDecls(ir::Scope& s, const Config& cfg);
void AddOsConvLogic(ir::Scope& s, const Config& cfg);
ir::Block OsConvReset(const Config& cfg);
ir::Block OsConvStart(const Config& cfg);  // with the command's other fields
ir::Block OsConvStep(const Config& cfg);   // on each step of a conv command
// After the step (builds without zero-skip): a conv command's next tile starts over with its
// start word one act word on (and the drain one tile's acc words on).
ir::Block OsConvNextTile(const Config& cfg);
ir::Block OsConvRead(const Config& cfg);  // the read stage, every cycle

}  // namespace salsa::blocks
