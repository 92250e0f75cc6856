// salsa_pe24: one processing element of the 2:4 output-stationary array (sparsity.structured 2:4).
#include "blocks/blocks.h"

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
  m.In("a_i", "36");
  m.In("a_zero_i", "4");
  m.In("a_valid_i");
  m.In("a_clear_i");
  m.In("a_last_i");
  m.In("w_i", "8");
  m.In("m_i", "2");
  m.In("drain_i");
  m.In("acc_i", "32");
  m.Out("a_o", "36");
  m.Out("a_zero_o", "4");
  m.Out("a_valid_o");
  m.Out("a_clear_o");
  m.Out("a_last_o");
  m.Out("w_o", "8");
  m.Out("m_o", "2");
  m.Out("acc_o", "32");
  Scope s = m.Body();
  s.Reg("a_q", "36");
  s.Reg("a_zero_q", "4");
  s.Reg("a_valid_q");
  s.Reg("a_clear_q");
  s.Reg("a_last_q");
  s.Reg("w_q", "8");
  s.Reg("m_q", "2");
  s.Reg("acc_q", "32");
  s.Reg("out_q", "32");
  s.Wire("a_sel", "9");
  s.Wire("z_sel");
  s.Wire("acc_d", "32");
  s.Wire("prod", "17");
  s.Wire("prod_ext", "32");
  s.Wire("acc_base", "32");
  s.Assign("a_sel", "a_i[m_i*9 +: 9]");
  s.Assign("z_sel", "a_zero_i[m_i]");
  s.Assign("prod", "{{8{a_sel[8]}}, a_sel} * {{9{w_i[7]}}, w_i}");
  s.Assign("prod_ext", "{{15{prod[16]}}, prod}");
  s.Assign("acc_base", "a_clear_i ? 32'd0 : acc_q");
  s.Assign("acc_d", "z_sel ? acc_base : acc_base + prod_ext");
  Block body = {Set("a_valid_q", "a_valid_i"), Set("a_clear_q", "a_clear_i"),
                Set("a_last_q", "a_last_i"), Set("a_zero_q", "a_zero_i")};
  for (unsigned l = 0; l < 4; ++l) {
    body.push_back(If("!a_zero_i[" + N(l) + "]",
                      {Set(IdxPart("a_q", N(9 * l), "9"), IdxPart("a_i", N(9 * l), "9"))}));
  }
  for (const Stmt& st :
       Block{Set("w_q", "w_i"), Set("m_q", "m_i"), If("a_valid_i", {Set("acc_q", "acc_d")}),
             If("drain_i", {Set("out_q", "acc_i")},
                {If("a_valid_i && a_last_i", {Set("out_q", "acc_d")})})}) {
    body.push_back(st);
  }
  s.Seq(clk, rst,
        {Set("a_q", "36'd0"), Set("a_zero_q", "4'd0"), Set("a_valid_q", "1'b0"),
         Set("a_clear_q", "1'b0"), Set("a_last_q", "1'b0"), Set("w_q", "8'd0"), Set("m_q", "2'd0"),
         Set("acc_q", "32'd0"), Set("out_q", "32'd0")},
        body);
  s.Assign("a_o", "a_q");
  s.Assign("a_zero_o", "a_zero_q");
  s.Assign("a_valid_o", "a_valid_q");
  s.Assign("a_clear_o", "a_clear_q");
  s.Assign("a_last_o", "a_last_q");
  s.Assign("w_o", "w_q");
  s.Assign("m_o", "m_q");
  s.Assign("acc_o", "out_q");
  return m;
}

}  // namespace salsa::blocks
