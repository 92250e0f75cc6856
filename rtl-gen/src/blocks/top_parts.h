// Internal to salsa_top's builder: the shared context and one helper per path (control, read,
// compute, store), each adding its wires and instances in print order (bundles: blocks.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "blocks/blocks.h"

namespace salsa::blocks::top {

// What every path helper needs: the configuration, the child modules, the top's body and the
// derived widths.
struct Top {
  const Config& cfg;
  const Built& built;
  ir::Scope& s;
  std::string clk, rst;
  unsigned B = 0, lb = 0, aw = 0, id = 0;   // AXI bus bytes, log2, address and id bits
  bool st = false, zs = false, ws = false;  // 2:4, zero-skip, weight-stationary
  unsigned L = 1;                           // activations per array row per step (2:4: four)
  unsigned rows = 0, cols = 0, cb = 0, gb = 0;
  unsigned db = 0, tw = 0;  // read DMA destination and tag bits
  // sram.ecc: secded: each scratchpad instance as Inst makes it, {name, ways} (ways 0: a
  // salsa_scratchpad, else a salsa_slice_spad of that many), for AddEcc.
  mutable std::vector<std::pair<std::string, unsigned>> ecc_spads;

  Top(const Config& c, const Built& b, ir::Scope& scope, std::string clk_i, std::string rst_ni);
  // One wire per (name, width).
  void Wires(const std::vector<std::pair<std::string, unsigned>>& list) const;
  // An instance of the already built `module`, connections checked (ir::Instantiate).
  void Inst(const std::string& module, const std::string& name, ir::Conns params,
            ir::Conns conns) const;
};

// The top's AXI4 master port p: m_axi_ (one port) or m_axi<p>_.
std::string AxiPortPrefix(const Config& cfg, unsigned p);
// What the DMAs' AXI ports connect to: the top's m_axi_ ports, or (several ports) the dma_axi_
// wires of the lanes (AddLanes).
std::string DmaAxiPrefix(const Config& cfg);
// axi.ports > 1: the wires between the DMAs and the lanes, and the lanes instances.
void AddLanes(const Top& t);
// Appends `from` to `to`.
void Append(ir::Conns& to, const ir::Conns& from);
// Each port (name_i or name_o) connected to the wire prefix + name.
ir::Conns ToWires(const std::vector<std::string>& ports, const std::string& prefix = "");

// sram.ecc: secded: the scratchpads' SECDED flags gathered for the CSRs and the sequencer
// (ecc_corr_n, ecc_err, ecc_info; declared by AddControl).
void AddEcc(const Top& t);
// The prefix of scratchpad instance `inst`'s ECC wires (<inst without u_>_ecc).
std::string EccWire(const std::string& inst);

// Control wires (CSR <-> sequencer, event counters); returns the CSR's connections, instantiated
// last by AddCsr.
ir::Conns AddControl(const Top& t);
void AddSequencer(const Top& t);
void AddCsr(const Top& t, const ir::Conns& csr);
// Read path: the read DMA, the gearboxes that split its beats per destination, the scratchpads
// they write (and the zero-skip index copies).
void AddReadPath(const Top& t);
void AddScratchpads(const Top& t);
// Compute path: the compute controller, the sparsity gate and the array.
void AddComputePath(const Top& t);
// Store path: the store controller, the PPU and the write DMA.
void AddStorePath(const Top& t);

}  // namespace salsa::blocks::top
