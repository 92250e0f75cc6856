// Pieces shared by the PE builders (pe.cpp, pe24.cpp, ws_pe.cpp).
#pragma once

#include <string>
#include <vector>

#include "salsa/bundle.h"
#include "salsa/ir.h"

namespace salsa::blocks {

// The lanes a PE forwards to its neighbour, as a bundle of inputs: each lane x is port x_i,
// register x_q (updated by the PE) and port x_o = x_q.
ir::Bundle PeLanes(std::vector<ir::Signal> lanes);
ir::Signal Lane(const std::string& name, const std::string& width = "1");

// The lane registers x_q, in bundle order.
void AddLaneRegs(ir::Scope& s, const ir::Bundle& lanes);
// x_q <= 0 for each lane named in `names` (1'b0 for one bit, <w>'d0 otherwise). Only control
// lanes (valid and the flags) are reset; operand and sum registers have none (so FPGA tools can
// use DSP input/output registers and shift registers), and are never used before being written.
ir::Block LaneResets(const ir::Bundle& lanes, const std::vector<std::string>& names);
// x_q <= x_i for each named lane, in the order given.
ir::Block LaneCopies(const std::vector<std::string>& names);
// x_o = x_q for each lane.
void AssignLaneOutputs(ir::Scope& s, const ir::Bundle& lanes);

// The signed product prod_ext (32 bits) = a (9-bit signed) * w (8-bit signed): exact in 17 bits,
// the signed multiply sign-extends it to the wire's width (synthesis trims it to 17 bits).
void AssignProduct(ir::Scope& s, const std::string& a, const std::string& w);
// `base` + prod_ext, where a set `zero` masks the product off. The masks (rather than a mux) keep
// the add in one form whatever the operand: the simulation model then has no data-dependent
// branch per PE (docs/simulation-speed.md).
std::string GatedSum(const std::string& base, const std::string& zero);

// The output-stationary PE (pe.cpp, pe24.cpp): lane ports, then drain_i, acc_i and acc_o; the
// lane registers, acc_q and out_q; acc_d = (a_clear_i ? 0 : acc_q) + prod unless `zero`, with
// both selections as masks (GatedSum).
void AddOsPorts(ir::Module& m, const ir::Bundle& lanes);
void AddOsRegs(ir::Scope& s, const ir::Bundle& lanes);
void DeclareOsWires(ir::Scope& s);
void AssignOsAcc(ir::Scope& s, const std::string& a, const std::string& zero);
// The flag lanes of the output-stationary PE, in copy order, and their resets (the only reset
// registers of the PE: acc_q, out_q and the operand registers have none).
const std::vector<std::string>& OsFlags();
ir::Block OsResets(const ir::Bundle& lanes);
// acc_q takes acc_d on a valid step; out_q takes acc_i while draining, else acc_d on the last step.
ir::Block OsAccUpdate();
void AssignOsOutputs(ir::Scope& s, const ir::Bundle& lanes);

}  // namespace salsa::blocks
