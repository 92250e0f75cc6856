// salsa_fp32_add: IEEE binary32 addition, round to nearest even, subnormals kept.
#include "blocks/blocks.h"
#include "blocks/fp_parts.h"

namespace salsa::blocks {

using namespace ir;

Module BuildFp32Add() {
  Module m("salsa_fp32_add",
           "IEEE binary32 sum s_o = a_i + b_i, combinational, round to nearest even, subnormal "
           "inputs and outputs (no flush to zero): order by magnitude, align the smaller operand "
           "with guard, round and sticky bits, add or subtract, normalise (a carry shifts right, "
           "a leading-zero count shifts left down to the smallest exponent), round, overflow to "
           "inf. x + (-x) = +0, -0 + -0 = -0, inf - inf and NaN operands give 32'h7FC00000.");
  m.In("a_i", "32");
  m.In("b_i", "32");
  m.Out("s_o", "32");
  Scope s = m.Body();
  UnpackFp32(s, "a", "a_i");
  UnpackFp32(s, "b", "b_i");
  s.Note(
      "x is the operand of larger magnitude (the bit patterns without the sign order the "
      "magnitudes), y the other; d >= 0 is their exponent difference.");
  s.Wire("swap");
  s.Assign("swap", "b_i[30:0] > a_i[30:0]");
  struct Pick {
    const char* name;
    const char* width;
  };
  for (const Pick& f : {Pick{"sign", "1"}, Pick{"eeff", "8"}, Pick{"sig", "24"}}) {
    const std::string n = f.name;
    s.Wire("x_" + n, f.width);
    s.Wire("y_" + n, f.width);
    s.Assign("x_" + n, "swap ? b_" + n + " : a_" + n);
    s.Assign("y_" + n, "swap ? a_" + n + " : b_" + n);
  }
  s.Wire("d", "8");
  s.Assign("d", "x_eeff - y_eeff");
  s.Note(
      "Both significands get three low bits (guard, round, sticky) and a carry bit on top; y is "
      "shifted right by d with the bits shifted out ORed into its sticky bit.");
  s.Wire("x_al", "28");
  s.Assign("x_al", "{1'b0, x_sig, 3'b000}");
  s.Wire("y_wide", "27");
  s.Assign("y_wide", "{y_sig, 3'b000}");
  ShiftRightSticky(s, "y_sh", "y_wide", 27, "d");
  s.Wire("y_al", "28");
  s.Assign("y_al", "{1'b0, y_sh}");
  s.Wire("sub");
  s.Assign("sub", "x_sign != y_sign");
  s.Wire("sum", "28");
  s.Assign("sum", "sub ? x_al - y_al : x_al + y_al");
  s.Note(
      "Normalise so that the leading one is at bit 26: a carry (bit 27) shifts right by one "
      "(keeping the sticky bit); otherwise shift left by the leading-zero count, but not below "
      "the smallest exponent (x_eeff - shl >= 1; a result still without bit 26 is subnormal).");
  s.Wire("carry");
  s.Assign("carry", "sum[27]");
  AssignLeadingZeros(s, "lz", "sum[26:0]", 27);
  s.Wire("max_shl", "8");
  s.Assign("max_shl", "x_eeff - 8'd1");
  s.Wire("shl", "5");
  s.Assign("shl", "({3'd0, lz} <= max_shl) ? lz : max_shl[4:0]");
  s.Wire("n", "27");
  s.Assign("n", "carry ? {sum[27:2], sum[1] | sum[0]} : sum[26:0] << shl");
  s.Wire("exp_n", "9");
  s.Assign("exp_n", "carry ? {1'b0, x_eeff} + 9'd1 : {1'b0, x_eeff} - {4'd0, shl}");
  s.Wire("exp_field", "9");
  s.Assign("exp_field", "n[26] ? exp_n : 9'd0");
  s.Note(
      "Round to nearest even on guard n[2], round n[1], sticky n[0]; the increment carries from "
      "the fraction into the exponent (subnormal to normal, or to the next binade).");
  s.Wire("round_up");
  s.Assign("round_up", "n[2] && (n[1] || n[0] || n[3])");
  s.Wire("rounded", "32");
  s.Assign("rounded", "{exp_field, n[25:3]} + {31'd0, round_up}");
  s.Wire("ovf");
  s.Assign("ovf", "rounded[31:23] >= 9'd255");
  s.Wire("zero_sum");
  s.Assign("zero_sum", "sum == 28'd0");
  s.Wire("mag", "31");
  s.Assign("mag", "zero_sum ? 31'd0 : ovf ? {8'hFF, 23'd0} : rounded[30:0]");
  s.Note("An exact zero sum is -0 only for -0 + -0; x + (-x) is +0.");
  s.Wire("res_sign");
  s.Assign("res_sign", "zero_sum ? (x_sign && y_sign) : x_sign");
  s.Wire("nan_s");
  s.Assign("nan_s", "a_nan || b_nan || (a_inf && b_inf && (a_sign != b_sign))");
  s.Assign("s_o",
           "nan_s ? 32'h7FC00000 : a_inf ? {a_sign, 8'hFF, 23'd0} : b_inf ? {b_sign, 8'hFF, "
           "23'd0} : {res_sign, mag}");
  s.Wire("unused_bits");
  s.Assign("unused_bits", "^{a_zero, b_zero}");
  return m;
}

}  // namespace salsa::blocks
