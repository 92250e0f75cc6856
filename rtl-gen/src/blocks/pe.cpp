// salsa_pe: one processing element of the output-stationary array.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildPe(const Config& /*cfg*/) {
  Module m("salsa_pe",
           "Output-stationary PE: acc <= (clear ? 0 : acc) + a * w for valid, non-zero operands. "
           "A zero operand holds the forwarded operand register (no toggles) and adds nothing. "
           "The step flagged last copies the finished sum into the output register out_q, so "
           "the next tile accumulates while drain_i shifts out_q down the column.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("a_i", "9");
  m.In("a_zero_i");
  m.In("a_valid_i");
  m.In("a_clear_i");
  m.In("a_last_i");
  m.In("w_i", "8");
  m.In("drain_i");
  m.In("acc_i", "32");
  m.Out("a_o", "9");
  m.Out("a_zero_o");
  m.Out("a_valid_o");
  m.Out("a_clear_o");
  m.Out("a_last_o");
  m.Out("w_o", "8");
  m.Out("acc_o", "32");
  Scope s = m.Body();
  s.Reg("a_q", "9");
  s.Reg("a_zero_q");
  s.Reg("a_valid_q");
  s.Reg("a_clear_q");
  s.Reg("a_last_q");
  s.Reg("w_q", "8");
  s.Reg("acc_q", "32");
  s.Reg("out_q", "32");
  s.Wire("acc_d", "32");
  s.Wire("prod", "17");
  s.Wire("prod_ext", "32");
  s.Wire("acc_base", "32");
  s.Note("Sign-extended operands multiply exactly in 17 bits (9-bit x 8-bit signed).");
  s.Assign("prod", "{{8{a_i[8]}}, a_i} * {{9{w_i[7]}}, w_i}");
  s.Assign("prod_ext", "{{15{prod[16]}}, prod}");
  s.Assign("acc_base", "a_clear_i ? 32'd0 : acc_q");
  s.Assign("acc_d", "a_zero_i ? acc_base : acc_base + prod_ext");
  s.Note("The controller never flags a last step while a drain is shifting (see compute_ctrl).");
  s.Seq(clk, rst,
        {Set("a_q", "9'd0"), Set("a_zero_q", "1'b0"), Set("a_valid_q", "1'b0"),
         Set("a_clear_q", "1'b0"), Set("a_last_q", "1'b0"), Set("w_q", "8'd0"),
         Set("acc_q", "32'd0"), Set("out_q", "32'd0")},
        {Set("a_valid_q", "a_valid_i"), Set("a_clear_q", "a_clear_i"), Set("a_last_q", "a_last_i"),
         Set("a_zero_q", "a_zero_i"), If("!a_zero_i", {Set("a_q", "a_i")}), Set("w_q", "w_i"),
         If("a_valid_i", {Set("acc_q", "acc_d")}),
         If("drain_i", {Set("out_q", "acc_i")},
            {If("a_valid_i && a_last_i", {Set("out_q", "acc_d")})})});
  s.Assign("a_o", "a_q");
  s.Assign("a_zero_o", "a_zero_q");
  s.Assign("a_valid_o", "a_valid_q");
  s.Assign("a_clear_o", "a_clear_q");
  s.Assign("a_last_o", "a_last_q");
  s.Assign("w_o", "w_q");
  s.Assign("acc_o", "out_q");
  return m;
}

}  // namespace salsa::blocks
