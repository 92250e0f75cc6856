// salsa_ws_pe: one processing element of the weight-stationary array (array.dataflow: ws).
#include "blocks/blocks.h"

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
  m.In("a_i", "9");
  m.In("a_zero_i");
  m.In("a_valid_i");
  m.In("a_swap_i");
  m.In("w_load_i");
  m.In("w_i", "8");
  m.In("psum_i", "32");
  m.Out("a_o", "9");
  m.Out("a_zero_o");
  m.Out("a_valid_o");
  m.Out("a_swap_o");
  m.Out("psum_o", "32");
  Scope s = m.Body();
  s.Reg("a_q", "9");
  s.Reg("a_zero_q");
  s.Reg("a_valid_q");
  s.Reg("a_swap_q");
  s.Reg("w_q", "8");
  s.Reg("wn_q", "8");
  s.Reg("psum_q", "32");
  s.Wire("w_eff", "8");
  s.Wire("prod", "17");
  s.Wire("prod_ext", "32");
  s.Note("The first step of a stream already uses the preloaded weight.");
  s.Assign("w_eff", "a_swap_i ? wn_q : w_q");
  s.Assign("prod", "{{8{a_i[8]}}, a_i} * {{9{w_eff[7]}}, w_eff}");
  s.Assign("prod_ext", "{{15{prod[16]}}, prod}");
  s.Seq(clk, rst,
        {Set("a_q", "9'd0"), Set("a_zero_q", "1'b0"), Set("a_valid_q", "1'b0"),
         Set("a_swap_q", "1'b0"), Set("w_q", "8'd0"), Set("wn_q", "8'd0"), Set("psum_q", "32'd0")},
        {Set("a_valid_q", "a_valid_i"), Set("a_swap_q", "a_swap_i"), Set("a_zero_q", "a_zero_i"),
         If("!a_zero_i", {Set("a_q", "a_i")}), If("a_valid_i && a_swap_i", {Set("w_q", "wn_q")}),
         If("w_load_i", {Set("wn_q", "w_i")}),
         If("a_valid_i", {Set("psum_q", "a_zero_i ? psum_i : psum_i + prod_ext")},
            {Set("psum_q", "32'd0")})});
  s.Assign("a_o", "a_q");
  s.Assign("a_zero_o", "a_zero_q");
  s.Assign("a_valid_o", "a_valid_q");
  s.Assign("a_swap_o", "a_swap_q");
  s.Assign("psum_o", "psum_q");
  return m;
}

}  // namespace salsa::blocks
