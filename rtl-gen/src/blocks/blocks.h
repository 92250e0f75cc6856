// One builder per generated block; each returns the IR of one Verilog module.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "salsa/bundle.h"
#include "salsa/config.h"
#include "salsa/hw_contract.h"
#include "salsa/ir.h"

namespace salsa::blocks {

// The modules built so far: BuildAll builds children before their parents, and a parent checks
// its instances' connections against the child modules (ir::Instantiate).
using Built = std::vector<ir::Module>;
// The module called `name` in `built`; throws std::logic_error if it has not been built.
const ir::Module& Child(const Built& built, const std::string& name);

// fp8 builds: instantiates salsa_fp8_mul and salsa_fp32_add (built before it).
ir::Module BuildPe(const Config& cfg, const Built& built);
// 2:4 (sparsity.structured "2:4"): the PE of the output-stationary array.
ir::Module BuildPe24(const Config& cfg);
ir::Module BuildDelay();
// FP8 builds (cfg.HasFp8()): the combinational FP8 multiplier and FP32 adder of the PE, and the
// STORE's FP32 output conversion (fp8_mul.cpp, fp32_add.cpp, fp_out.cpp).
ir::Module BuildFp8Mul();
ir::Module BuildFp32Add();
ir::Module BuildFpOut();
ir::Module BuildMacArray(const Config& cfg, const Built& built);
// The sparsity gate's gated-operand count of `lanes` bits (popcount.cpp).
ir::Module BuildPopcount(unsigned lanes);
ir::Module BuildSparsityGate(const Config& cfg, const Built& built);
ir::Module BuildSram(const Config& cfg);
// sram.macro: blackbox: the simulation model of the macro salsa_sram wraps (not in BuildAll).
ir::Module BuildSramMacroModel(const Config& cfg);
ir::Module BuildScratchpad(const Config& cfg, const Built& built);
// sram.ecc: secded: the scratchpad instances' names in ECC_STATUS order, from salsa_top's
// instances (the ways of a salsa_slice_spad as "<inst>.u_way<w>"); empty without ECC.
std::vector<std::string> EccScratchpads(const Config& cfg, const ir::Module& top);
// K-slice builds (array.gemv_slices > 1): the weight scratchpad, gemv_slices words per read.
// A write stores up to wr_words consecutive words (one per way).
ir::Module BuildSliceSpad(const Built& built, unsigned ways, unsigned wr_words, bool skew,
                          bool ecc);
ir::Module BuildGearbox();
// salsa_gearbox_wide (gearbox_wide.cpp): up to out_words words per cycle (K-slice builds'
// weights); both are built by BuildGearboxOf (gearbox.cpp), salsa_gearbox when out_words is 1.
ir::Module BuildGearboxWide(unsigned out_words);
ir::Module BuildGearboxOf(unsigned out_words);
ir::Module BuildDmaRd(const Config& cfg);
ir::Module BuildDmaWr(const Config& cfg);
ir::Module BuildRequant(const Config& cfg);
ir::Module BuildPpu(const Config& cfg, const Built& built);
ir::Module BuildCsr(const Config& cfg);
ir::Module BuildSequencer(const Config& cfg, const Built& built);
ir::Module BuildFifo();
// axi.ports > 1: the ports as byte lanes of the DMAs' read and write channels (axi_lanes.cpp).
ir::Module BuildAxiLanesRd(const Config& cfg, const Built& built);
ir::Module BuildAxiLanesWr(const Config& cfg, const Built& built);
ir::Module BuildComputeCtrl(const Config& cfg, const Built& built);
// Weight-stationary variants (array.dataflow: ws).
ir::Module BuildWsPe(const Config& cfg);
ir::Module BuildWsArray(const Config& cfg, const Built& built);
ir::Module BuildComputeCtrlWs(const Config& cfg, const Built& built);
ir::Module BuildStoreCtrl(const Config& cfg);
ir::Module BuildRstSync();
ir::Module BuildTop(const Config& cfg, const Built& built);
// fpga.board other than none: salsa_top with the board's reset synchroniser (built last).
ir::Module BuildBoardTop(const Config& cfg, const Built& built);

// The activation skew of either array: lane r of act_i with its zero flag and `flags` (input
// port, east-going wire; bit 10 upwards) is delayed r cycles into skew_a_r<r> and drives the
// west edge of row r (h_a, h_zero and the flag wires, NumCols+1 taps per row), through
// instances of `delay` (salsa_delay). With `lanes` > 1 (2:4) each row carries that many
// activations and zero flags. A flag of `width` bits w drives bits [base*w +: w] of its wire.
struct SkewFlag {
  std::string src, dst;
  unsigned width = 1;
};
void AddActSkew(ir::Scope& s, const ir::Module& delay, const std::string& clk,
                const std::string& rst, unsigned rows, unsigned cols,
                const std::vector<SkewFlag>& flags, unsigned lanes = 1);

// What a compute controller (either dataflow) reports to the sequencer: busy flags and the word
// ranges [lo, hi) of the scratchpads its commands still read or write. Ports <name>_o on the
// controller, <name>_i (prefixed cmp_) on the sequencer, wires cmp_<name> in the top level.
// ComputeStatusBundle() is this table as a port bundle.
struct ComputeStatus {
  const char* name;
  unsigned bits;
};
inline constexpr ComputeStatus kComputeStatus[] = {
    {"busy", 1},     {"feed_busy", 1}, {"act_busy", 1}, {"act_lo", 17},   {"act_hi", 17},
    {"wgt_busy", 1}, {"wgt_lo", 17},   {"wgt_hi", 17},  {"acc0_busy", 1}, {"acc0_lo", 17},
    {"acc0_hi", 17}, {"acc1_busy", 1}, {"acc1_lo", 17}, {"acc1_hi", 17}};

// The interfaces between blocks (bundles.cpp). Directions are the source end's: the CSR's for
// AXI4-Lite, the master's for AXI4, the sequencer's for the commands it issues, the read/write
// DMA's for their request interfaces, the store controller's for the PPU's operands, the compute
// controller's for its status (kComputeStatus), the reader's for an acc scratchpad read port.
ir::Bundle AxiLite();
// The DMAs' data path is cfg.BusBytes() wide; one port of several (axi.ports) is `bytes` wide.
ir::Bundle AxiRead(const Config& cfg);
ir::Bundle AxiWrite(const Config& cfg);
ir::Bundle AxiRead(const Config& cfg, unsigned bytes);
ir::Bundle AxiWrite(const Config& cfg, unsigned bytes);
// Drives the constant AXI4 sideband outputs <prefix>cache/prot/lock/qos from axi.cache/prot/qos
// (lock 0: no exclusive accesses).
void AxiSideband(const Config& cfg, ir::Scope* s, const std::string& prefix);
ir::Bundle ComputeStatusBundle();
// The COMPUTE (and SCAN) fields the sequencer hands the compute controller; with precision beyond
// int8 also the datapath (prec), in fp8 builds the bias-load flag (ld) and, with zero-skip, the
// SCAN's fp8 zero test (scan_fp8).
ir::Bundle ComputeCmd(const Config& cfg);
ir::Bundle ZeroSkipCmd();  // sparsity.zero_skip: SCAN and indexed COMPUTE fields, list status
ir::Bundle StoreCmd(const Config& cfg);
ir::Bundle ReadReq(const Config& cfg);
ir::Bundle WriteReq(const Config& cfg);
ir::Bundle PpuOperands(const Config& cfg);
ir::Bundle AccRead(const Config& cfg);

// axi.timeout_cycles > 0: the DMA watchdog in scope `s` (axi_watchdog.cpp): register wd_cnt_q,
// the logic of register timeout_q (declared by the caller, before its first use) and output
// timeout_o. `stalled` is true in a cycle with a transaction pending on the slave and no
// handshake.
void AddAxiWatchdog(const Config& cfg, ir::Scope* s, const std::string& clk, const std::string& rst,
                    const std::string& stalled);

// Every module of the accelerator, leaves first.
std::vector<ir::Module> BuildAll(const Config& cfg);

// Small numeric helpers shared by the builders.
unsigned Clog2(unsigned long long v);  // ceil(log2(v)), Clog2(1) == 0
inline std::string N(unsigned long long v) { return std::to_string(v); }
// Width of a counter that must hold values 0..max.
inline unsigned CountBits(unsigned long long max) {
  return Clog2(max + 1) == 0 ? 1 : Clog2(max + 1);
}
// Scratchpad words a weight LOAD writes per cycle: K-slice builds write up to ceil(bus bytes /
// cols) of them (at most array.gemv_slices, the weight scratchpad's ways), so weights stream at
// bus rate; other builds one.
inline unsigned WgtWriteWords(const Config& cfg) {
  if (cfg.gemv_slices <= 1) return 1;
  const unsigned w = (cfg.BusBytes() + cfg.cols - 1) / cfg.cols;
  return w < cfg.gemv_slices ? w : cfg.gemv_slices;
}
// Zero-skip + K-slice builds: a SCAN with slices writes packed act words (the compute unit has a
// write port on the act scratchpad, before the LOADs').
inline bool ScanPacks(const Config& cfg) { return cfg.zero_skip && cfg.gemv_slices > 1; }
// Zero-skip + K-slice builds whose bus holds whole weight words: gather LOADs may write the sliced
// layout (LOAD w0[13]); the read DMA's tag then carries the flag and the words per row.
inline bool SlicedGather(const Config& cfg) {
  return cfg.zero_skip && cfg.gemv_slices > 1 && cfg.BusBytes() % cfg.cols == 0;
}
// The read DMA's tag bits: the word address, the destination and, with sliced gathers, the flag
// and the words per row above them.
inline unsigned ReadTagBits(const Config& cfg) {
  return 16 + contract::DestBits(cfg.structured24) + (SlicedGather(cfg) ? 17 : 0);
}
// Bits of a STORE's row bytes: up to cols, in fp8 builds up to 4 * cols (FP32 rows).
inline unsigned StoreBytesBits(const Config& cfg) {
  return CountBits(cfg.HasFp8() ? 4ull * cfg.cols : cfg.cols);
}
// The statements of the blocks, one block after the other.
inline ir::Block Cat(std::initializer_list<ir::Block> parts) {
  ir::Block b;
  for (const ir::Block& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}

}  // namespace salsa::blocks
