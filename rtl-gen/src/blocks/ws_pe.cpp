// salsa_ws_pe: one processing element of the weight-stationary array (array.dataflow: ws).
#include "blocks/blocks.h"
#include "blocks/pe_parts.h"

namespace salsa::blocks {

using namespace ir;

Module BuildWsPe(const Config& /*cfg*/) {
  Module m("salsa_ws_pe",
           "Weight-stationary PE: holds one weight; psum_o <= psum_i + a * w for a valid, "
           "non-zero operand. A second weight register takes w_i (its column's weight byte, "
           "broadcast to every row) when w_load_i (its row's load strobe) is set, while the "
           "current weight is in use; the first activation of the next stream (a_swap_i) "
           "switches to it. A zero operand holds the forwarded operand register (no toggles) "
           "and adds nothing.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  const Bundle lanes = PeLanes({Lane("a", "9"), Lane("a_zero"), Lane("a_valid"), Lane("a_swap")});
  const Bundle weights = PeLanes({Lane("w", "8"), Lane("wn", "8"), Lane("psum", "32")});
  lanes.DeclarePorts(m);
  m.In("w_load_i");
  m.In("w_i", "8");
  m.In("psum_i", "32");
  lanes.DeclarePorts(m, "", /*flip=*/true);
  m.Out("psum_o", "32");
  Scope s = m.Body();
  AddLaneRegs(s, lanes);
  AddLaneRegs(s, weights);
  s.Wire("w_eff", "8");
  s.Wire("prod_ext", "32");
  s.Note("The first step of a stream already uses the preloaded weight.");
  s.Assign("w_eff", "a_swap_i ? wn_q : w_q");
  AssignProduct(s, "a_i", "w_eff");
  const std::vector<std::string> flags = {"a_valid", "a_swap", "a_zero"};
  s.Seq(clk, rst, LaneResets(lanes, flags), LaneCopies(flags));
  s.Note(
      "Datapath registers: no reset (a stream's first step swaps in the preloaded weight; "
      "psum_q is zero one cycle after any invalid step).");
  s.Seq(
      clk, "", {},
      {Set("a_q", "a_zero_i ? a_q : a_i"), If("a_valid_i && a_swap_i", {Set("w_q", "wn_q")}),
       If("w_load_i", {Set("wn_q", "w_i")}),
       If("a_valid_i", {Set("psum_q", GatedSum("psum_i", "a_zero_i"))}, {Set("psum_q", "32'd0")})});
  AssignLaneOutputs(s, lanes);
  s.Assign("psum_o", "psum_q");
  return m;
}

}  // namespace salsa::blocks
