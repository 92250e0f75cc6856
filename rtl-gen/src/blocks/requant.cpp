// salsa_requant: TFLite int8 requantisation of one value (one per PPU column).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildRequant() {
  Module m("salsa_requant",
           "TFLite int8 requantisation of one value in two pipeline stages: v = acc + bias; "
           "SaturatingRoundingDoublingHighMul(v << left_shift, multiplier); "
           "RoundingDivideByPOT(., right_shift) (half away from zero); + zero point; clamp. "
           "shift_i > 0 shifts left (TFLite convention), range -31..30.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("acc_i", "32");
  m.In("bias_i", "32");
  m.In("mult_i", "32");
  m.In("shift_i", "8");
  m.In("zp_i", "8");
  m.In("min_i", "8");
  m.In("max_i", "8");
  m.Out("out_o", "8");
  Scope s = m.Body();
  s.Note("Stage 1: bias, left shift (32-bit wrap, as TFLite), 32x32 -> 64-bit product.");
  s.Wire("v", "32");
  s.Wire("lshift", "5");
  s.Wire("rshift", "5");
  s.Wire("a", "32");
  s.Wire("prod", "64");
  s.Reg("prod_q", "64");
  s.Reg("sat_q");
  s.Reg("rshift_q", "5");
  s.Reg("zp_q", "8");
  s.Reg("min_q", "8");
  s.Reg("max_q", "8");
  s.Assign("v", "acc_i + bias_i");
  s.Assign("lshift", "shift_i[7] ? 5'd0 : shift_i[4:0]");
  s.Assign("rshift", "shift_i[7] ? (5'd0 - shift_i[4:0]) : 5'd0");
  s.Assign("a", "v << lshift");
  s.Assign("prod", "{{32{a[31]}}, a} * {{32{mult_i[31]}}, mult_i}");
  s.Note("The output parameters travel with their value, so every input may change every cycle.");
  s.Seq(
      clk, rst,
      {Set("prod_q", "64'd0"), Set("sat_q", "1'b0"), Set("rshift_q", "5'd0"), Set("zp_q", "8'd0"),
       Set("min_q", "8'd0"), Set("max_q", "8'd0")},
      {Set("prod_q", "prod"), Set("zp_q", "zp_i"), Set("min_q", "min_i"), Set("max_q", "max_i"),
       Set("sat_q", "(a == 32'h80000000) && (mult_i == 32'h80000000)"), Set("rshift_q", "rshift")});
  s.Note("Stage 2: nudge, divide by 2^31 toward zero, rounding shift right, zero point, clamp.");
  struct Def {
    const char* name;
    const char* width;
    bool is_signed;
    std::string value;
  };
  const std::vector<Def> stage2 = {
      {"nudge", "64", false, "prod_q[63] ? 64'hFFFFFFFFC0000001 : 64'h0000000040000000"},
      {"sum", "64", false, "prod_q + nudge"},
      {"adj", "64", false, "sum[63] ? (sum + 64'h000000007FFFFFFF) : sum"},
      {"high", "32", false, "sat_q ? 32'h7FFFFFFF : adj[62:31]"},
      {"high_s", "32", true, "high"},
      {"mask", "32", false, "(32'd1 << rshift_q) - 32'd1"},
      {"rem", "32", false, "high & mask"},
      {"thr", "32", false, "(mask >> 1) + {31'd0, high[31]}"},
      {"shr", "32", false, "high_s >>> rshift_q"},
      {"res", "32", false, "shr + {31'd0, (rem > thr)}"},
      {"y", "32", true, "res + {{24{zp_q[7]}}, zp_q}"},
      {"lo", "32", true, "{{24{min_q[7]}}, min_q}"},
      {"hi", "32", true, "{{24{max_q[7]}}, max_q}"}};
  for (const Def& d : stage2) s.Wire(d.name, d.width, d.is_signed);
  s.Reg("out_q", "8");
  for (const Def& d : stage2) s.Assign(d.name, d.value);
  s.Seq(clk, rst, {Set("out_q", "8'd0")},
        {If("y < lo", {Set("out_q", "min_q")},
            {If("y > hi", {Set("out_q", "max_q")}, {Set("out_q", "y[7:0]")})})});
  s.Assign("out_o", "out_q");
  s.Wire("unused_adj");
  s.Assign("unused_adj", "^{adj[63], adj[30:0], shift_i[6:5]}");
  return m;
}

}  // namespace salsa::blocks
