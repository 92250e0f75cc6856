// One builder per generated block; each returns the IR of one Verilog module.
#pragma once

#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/ir.h"

namespace salsa::blocks {

ir::Module BuildPe(const Config& cfg);
ir::Module BuildDelay();
ir::Module BuildMacArray(const Config& cfg);
ir::Module BuildSparsityGate(const Config& cfg);
ir::Module BuildSram();
ir::Module BuildScratchpad();
ir::Module BuildGearbox();
ir::Module BuildDmaRd(const Config& cfg);
ir::Module BuildDmaWr(const Config& cfg);
ir::Module BuildRequant();
ir::Module BuildPpu(const Config& cfg);
ir::Module BuildCsr(const Config& cfg);
ir::Module BuildSequencer(const Config& cfg);
ir::Module BuildFifo();
ir::Module BuildComputeCtrl(const Config& cfg);
// Weight-stationary variants (array.dataflow: ws).
ir::Module BuildPeWs(const Config& cfg);
ir::Module BuildMacArrayWs(const Config& cfg);
ir::Module BuildComputeCtrlWs(const Config& cfg);
ir::Module BuildStoreCtrl(const Config& cfg);
ir::Module BuildTop(const Config& cfg);

// Every module of the accelerator, leaves first.
std::vector<ir::Module> BuildAll(const Config& cfg);

// Small numeric helpers shared by the builders.
unsigned Clog2(unsigned long long v);  // ceil(log2(v)), Clog2(1) == 0
inline std::string N(unsigned long long v) { return std::to_string(v); }
// Width of a counter that must hold values 0..max.
inline unsigned CountBits(unsigned long long max) { return Clog2(max + 1) == 0 ? 1 : Clog2(max + 1); }

}  // namespace salsa::blocks
