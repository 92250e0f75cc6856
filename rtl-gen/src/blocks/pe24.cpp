// salsa_pe24: one processing element of the 2:4 output-stationary array (sparsity.structured 2:4).
#include "blocks/blocks.h"
#include "blocks/pe_parts.h"

namespace salsa::blocks {

using namespace ir;

// The 2:4 PE (sparsity.structured "2:4"): four activations (a group of four K steps) travel east,
// each weight travels south with its 2-bit position m, and the PE multiplies the activation at
// that position. Gating works per lane as in the dense PE.
Module BuildPe24(const Config& /*cfg*/) {
  Module m("salsa_pe24",
           "Output-stationary PE for 2:4 weights: acc <= (clear ? 0 : acc) + a[m] * w, where "
           "a holds the four activations of a group of K steps and m (2 bits, travelling south "
           "with w) the position of w's K step in that group; a zero a[m] adds nothing. Each "
           "lane's forwarded register holds while that lane is zero (no toggles). The step "
           "flagged last copies the sum into out_q, which drain_i shifts down the column.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  const Bundle lanes = PeLanes({Lane("a", "36"), Lane("a_zero", "4"), Lane("a_valid"),
                                Lane("a_clear"), Lane("a_last"), Lane("w", "8"), Lane("m", "2")});
  AddOsPorts(m, lanes);
  Scope s = m.Body();
  AddOsRegs(s, lanes);
  s.Wire("a_sel", "9");
  s.Wire("z_sel");
  DeclareOsWires(s);
  s.Assign("a_sel", "a_i[m_i*9 +: 9]");
  s.Assign("z_sel", "a_zero_i[m_i]");
  AssignOsAcc(s, "a_sel", "z_sel");
  Block gated;
  for (unsigned l = 0; l < 4; ++l) {
    const std::string q = IdxPart("a_q", N(9 * l), "9");
    gated.push_back(
        Set(q, "a_zero_i[" + N(l) + "] ? " + q + " : " + IdxPart("a_i", N(9 * l), "9")));
  }
  s.Seq(clk, rst, OsResets(lanes), LaneCopies(OsFlags()));
  s.Note(
      "Datapath registers: no reset (acc_q is cleared by a tile's first step, out_q written by "
      "its last before it is drained).");
  s.Seq(clk, "", {}, Cat({gated, LaneCopies({"w", "m"}), OsAccUpdate()}));
  AssignOsOutputs(s, lanes);
  return m;
}

}  // namespace salsa::blocks
