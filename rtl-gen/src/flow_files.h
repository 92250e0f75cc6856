// The implementation-flow files `salsa gen` writes beside the Verilog: Vivado XDC, ASIC SDC, a
// Vivado non-project Tcl script and a FuseSoC CAPI=2 core file. Each takes the banner ("#"
// comments) that heads it.
#pragma once

#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/ir.h"

namespace salsa::flow {

// The clock period of cfg.clock_mhz in ns, three decimals ("10.000").
std::string PeriodNs(const Config& cfg);

// salsa_top.xdc: clock, AXI port delays, the rst_ni port false path (out-of-context synthesis).
std::string Xdc(const Config& cfg, const ir::Module& top, const std::string& banner);
// salsa_top.sdc: the same for ASIC flows, with clock uncertainty and driving cell/load notes.
std::string Sdc(const Config& cfg, const ir::Module& top, const std::string& banner);
// vivado.tcl: read the filelist, synthesise, place and route salsa_top out of context, report.
// `filelist` is salsa.f, or salsa_sim.f when the SRAM macro's model stands in for the macro.
std::string VivadoTcl(const Config& cfg, const std::string& filelist, const std::string& banner);
// salsa.core: FuseSoC CAPI=2 core; `sim_verilog` (may be empty) are simulation-only models.
std::string Core(const Config& cfg, const std::vector<std::string>& verilog,
                 const std::vector<std::string>& sim_verilog, const std::string& banner);

}  // namespace salsa::flow
