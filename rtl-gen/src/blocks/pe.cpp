// salsa_pe: one processing element of the output-stationary array.
#include "blocks/blocks.h"
#include "blocks/pe_parts.h"

namespace salsa::blocks {

using namespace ir;

Module BuildPe(const Config& /*cfg*/) {
  Module m("salsa_pe",
           "Output-stationary PE: acc <= (clear ? 0 : acc) + a * w for valid, non-zero operands. "
           "A zero operand holds the forwarded operand register (no toggles) and adds nothing. "
           "The step flagged last copies the finished sum into the output register out_q, so "
           "the next tile accumulates while drain_i shifts out_q down the column.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  const Bundle lanes = PeLanes({Lane("a", "9"), Lane("a_zero"), Lane("a_valid"), Lane("a_clear"),
                                Lane("a_last"), Lane("w", "8")});
  AddOsPorts(m, lanes);
  Scope s = m.Body();
  AddOsRegs(s, lanes);
  DeclareOsWires(s);
  s.Note("Sign-extended operands multiply exactly in 17 bits (9-bit x 8-bit signed).");
  AssignOsAcc(s, "a_i", "a_zero_i");
  s.Note("The controller never flags a last step while a drain is shifting (see compute_ctrl).");
  s.Seq(clk, rst, OsResets(lanes), LaneCopies(OsFlags()));
  s.Note(
      "Datapath registers: no reset (acc_q is cleared by a tile's first step, out_q written by "
      "its last before it is drained).");
  s.Seq(clk, "", {},
        Cat({{If("!a_zero_i", {Set("a_q", "a_i")})}, LaneCopies({"w"}), OsAccUpdate()}));
  AssignOsOutputs(s, lanes);
  return m;
}

}  // namespace salsa::blocks
