// salsa_fp8_mul: the exact product of two FP8 codes (E4M3 or E5M2) as FP32 bits.
#include "blocks/blocks.h"
#include "blocks/fp_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// The fields of FP8 operand `x` (prefix p): the value is <p>_sig * 2^(<p>_eeff - bias - 3) with a
// 4-bit significand (E5M2's two fraction bits padded with a zero, so both formats share the
// multiplier) and <p>_eeff the biased exponent, 1 for subnormals.
void UnpackFp8(Scope& s, const std::string& p, const std::string& x) {
  s.Wire(p + "_sign");
  s.Wire(p + "_bexp", "5");
  s.Wire(p + "_frac", "3");
  s.Wire(p + "_normal");
  s.Wire(p + "_sig", "4");
  s.Wire(p + "_eeff", "8");
  s.Wire(p + "_zero");
  s.Wire(p + "_inf");
  s.Wire(p + "_nan");
  s.Assign(p + "_sign", x + "[7]");
  s.Assign(p + "_bexp", "e5m2_i ? " + x + "[6:2] : {1'b0, " + x + "[6:3]}");
  s.Assign(p + "_frac", "e5m2_i ? {" + x + "[1:0], 1'b0} : " + x + "[2:0]");
  s.Assign(p + "_normal", p + "_bexp != 5'd0");
  s.Assign(p + "_sig", "{" + p + "_normal, " + p + "_frac}");
  s.Assign(p + "_eeff", "{3'd0, " + p + "_normal ? " + p + "_bexp : 5'd1}");
  s.Assign(p + "_zero", x + "[6:0] == 7'd0");
  s.Note(p + ": E4M3 has no infinity and one NaN per sign (S.1111.111); E5M2 is IEEE-like.");
  s.Assign(p + "_inf", "e5m2_i && (" + x + "[6:0] == 7'h7C)");
  s.Assign(p + "_nan", "e5m2_i ? ((" + x + "[6:2] == 5'h1F) && (" + x + "[1:0] != 2'd0)) : (" + x +
                           "[6:0] == 7'h7F)");
}

}  // namespace

Module BuildFp8Mul() {
  Module m("salsa_fp8_mul",
           "Exact product of two FP8 codes of one format (e5m2_i: E5M2, else E4M3) as FP32 "
           "bits, combinational: a 4x4-bit significand multiply, a leading-zero count of the "
           "8-bit product and a shift normalise it; every nonzero finite product is a normal "
           "FP32 value, so nothing is rounded. NaN operands and 0 * inf give 32'h7FC00000; "
           "zeros and infinities carry the sign a_i[7] ^ b_i[7].");
  m.In("a_i", "8");
  m.In("b_i", "8");
  m.In("e5m2_i");
  m.Out("p_o", "32");
  Scope s = m.Body();
  UnpackFp8(s, "a", "a_i");
  UnpackFp8(s, "b", "b_i");
  s.Note(
      "Significand product (0..225) and its normalisation: prod_norm[7] is the leading one and "
      "prod_norm[6:0] the top seven FP32 fraction bits (the other 16 are zero).");
  s.Wire("prod", "8");
  s.Assign("prod", "a_sig * b_sig");
  AssignLeadingZeros(s, "lz", "prod", 8);
  s.Wire("prod_norm", "8");
  s.Assign("prod_norm", "prod << lz");
  s.Note(
      "Biased FP32 exponent: a_eeff + b_eeff - 2 * bias - 6 + (7 - lz) + 127, i.e. "
      "+ 114 - lz (E4M3, bias 7) or + 98 - lz (E5M2, bias 15); 95..158, always normal.");
  s.Wire("exp_p", "8");
  s.Assign("exp_p", "a_eeff + b_eeff + (e5m2_i ? 8'd98 : 8'd114) - {4'd0, lz}");
  s.Wire("sign_p");
  s.Wire("nan_p");
  s.Wire("inf_p");
  s.Wire("zero_p");
  s.Assign("sign_p", "a_sign ^ b_sign");
  s.Assign("nan_p", "a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero)");
  s.Assign("inf_p", "a_inf || b_inf");
  s.Assign("zero_p", "a_zero || b_zero");
  s.Assign("p_o",
           "nan_p ? 32'h7FC00000 : inf_p ? {sign_p, 8'hFF, 23'd0} : zero_p ? {sign_p, 31'd0} : "
           "{sign_p, exp_p, prod_norm[6:0], 16'd0}");
  s.Wire("unused_bits");
  s.Assign("unused_bits", "prod_norm[7]");
  return m;
}

}  // namespace salsa::blocks
