// salsa_fp_out: an FP32 accumulator scaled and converted to the STORE's output format.
#include "blocks/blocks.h"
#include "blocks/fp_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// The FP32 product m = x_i * scale_i, RNE with gradual underflow (stage 1).
void AddMultiply(Scope& s) {
  UnpackFp32(s, "x", "x_i");
  UnpackFp32(s, "c", "scale_i");
  s.Note(
      "24x24-bit significand product: the value is prod * 2^(x_eeff + c_eeff - 300). "
      "Normalised (prod_norm[47] the leading one) its biased exponent is be = x_eeff + c_eeff - "
      "126 - lz (signed); be < 1 is subnormal: shift right by 1 - be more, with sticky.");
  s.Wire("prod", "48");
  s.Assign("prod", "x_sig * c_sig");
  AssignLeadingZeros(s, "lz", "prod", 48);
  s.Wire("prod_norm", "48");
  s.Assign("prod_norm", "prod << lz");
  s.Wire("be", "11");
  s.Assign("be", "{3'd0, x_eeff} + {3'd0, c_eeff} - {5'd0, lz} - 11'd126");
  s.Wire("under");
  s.Assign("under", "be[10] || (be == 11'd0)");
  s.Wire("rs_full", "11");
  s.Assign("rs_full", "11'd1 - be");
  s.Wire("rs", "6");
  s.Assign("rs", "(rs_full > 11'd48) ? 6'd48 : rs_full[5:0]");
  ShiftRightSticky(s, "prod_sub", "prod_norm", 48, "rs");
  s.Wire("n", "48");
  s.Assign("n", "under ? prod_sub : prod_norm");
  s.Note(
      "Round to nearest even at bit 24 (guard n[23], sticky n[22:0]); the increment carries into "
      "the exponent field.");
  s.Wire("round_up");
  s.Assign("round_up", "n[23] && ((|n[22:0]) || n[24])");
  s.Wire("exp_f", "9");
  s.Assign("exp_f", "under ? 9'd0 : be[8:0]");
  s.Wire("rounded", "32");
  s.Assign("rounded", "{exp_f, n[46:24]} + {31'd0, round_up}");
  s.Wire("ovf");
  s.Assign("ovf", "(!be[10] && (be >= 11'd255)) || (rounded[31:23] >= 9'd255)");
  s.Wire("m_sign");
  s.Wire("m_nan");
  s.Wire("m_inf");
  s.Wire("m_zero");
  s.Wire("m", "32");
  s.Assign("m_sign", "x_sign ^ c_sign");
  s.Assign("m_nan", "x_nan || c_nan || (x_inf && c_zero) || (c_inf && x_zero)");
  s.Assign("m_inf", "x_inf || c_inf");
  s.Assign("m_zero", "x_zero || c_zero");
  s.Assign("m",
           "m_nan ? 32'h7FC00000 : (m_inf || (!m_zero && ovf)) ? {m_sign, 8'hFF, 23'd0} : "
           "m_zero ? {m_sign, 31'd0} : {m_sign, rounded[30:0]}");
}

// The E4M3 (e4m3) or E5M2 code of q (stage 2) as wire <p> (8 bits), RNE; overflow and inf give
// the largest finite value (sat_q) or inf (E5M2) / NaN (E4M3).
void AddFp8(Scope& s, const std::string& p, bool e4m3) {
  const unsigned eb = e4m3 ? 4 : 5, mb = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
  const unsigned max_exp = e4m3 ? 15 : 30;
  s.Note(std::string(e4m3 ? "E4M3" : "E5M2") + ": biased exponent te = q_eeff - " + N(127 - bias) +
         "; te < 1 shifts the significand right by 1 - te (subnormal).");
  s.Wire(p + "_te", "10");
  s.Assign(p + "_te", "{2'd0, q_eeff} - 10'd" + N(127 - bias));
  s.Wire(p + "_under");
  s.Assign(p + "_under", p + "_te[9] || (" + p + "_te == 10'd0)");
  s.Wire(p + "_rs_full", "10");
  s.Assign(p + "_rs_full", "10'd1 - " + p + "_te");
  s.Wire(p + "_rs", "5");
  s.Assign(p + "_rs", "(" + p + "_rs_full > 10'd25) ? 5'd25 : " + p + "_rs_full[4:0]");
  ShiftRightSticky(s, p + "_sh", "q_sig", 24, p + "_rs");
  s.Wire(p + "_n", "24");
  s.Assign(p + "_n", p + "_under ? " + p + "_sh : q_sig");
  const std::string n = p + "_n";
  const unsigned g = 22 - mb;  // guard bit
  s.Wire(p + "_round");
  s.Assign(p + "_round", n + "[" + N(g) + "] && ((|" + n + "[" + N(g - 1) + ":0]) || " + n + "[" +
                             N(g + 1) + "])");
  s.Wire(p + "_exp", N(eb));
  s.Assign(p + "_exp", p + "_under ? " + Bits(eb, 0) + " : " + p + "_te[" + N(eb - 1) + ":0]");
  s.Wire(p + "_packed", "8");
  s.Assign(p + "_packed",
           "{1'b0, " + p + "_exp, " + n + "[22:" + N(g + 1) + "]} + {7'd0, " + p + "_round}");
  s.Wire(p + "_ovf");
  const std::string big = "(!" + p + "_te[9] && (" + p + "_te > 10'd" + N(max_exp) + "))";
  if (e4m3) {
    s.Assign(p + "_ovf", big + " || " + p + "_packed[7] || (" + p + "_packed[6:0] == 7'h7F)");
  } else {
    s.Assign(p + "_ovf", big + " || " + p + "_packed[7] || (" + p + "_packed[6:2] == 5'h1F)");
  }
  const std::string max_code = e4m3 ? "7'h7E" : "7'h7B";
  const std::string nan_code = e4m3 ? "8'h7F" : "8'h7E";
  const std::string inf_code = e4m3 ? "8'h7F" : "{q_sign, 7'h7C}";
  s.Wire(p, "8");
  s.Assign(p, "q_nan ? " + nan_code + " : (q_inf || " + p + "_ovf) ? (sat_q ? {q_sign, " +
                  max_code + "} : " + inf_code + ") : {q_sign, " + p + "_packed[6:0]}");
}

}  // namespace

Module BuildFpOut() {
  Module m("salsa_fp_out",
           "STORE output conversion of one FP32 accumulator in two register stages (no reset): "
           "stage 1 multiplies by scale_i (FP32, RNE, gradual underflow, NaN 32'h7FC00000); "
           "stage 2 converts to the format fmt_i (contract OutFmt: 1 fp32, 2 bf16, 3 fp8_e4m3, "
           "4 fp8_e5m2; others give 0) with RNE. Overflow (the value rounded with unbounded "
           "exponent exceeds the largest finite) and inf give +-largest finite with sat_i, else "
           "+-inf (bf16, E5M2) or NaN (E4M3); NaN gives the format's NaN. y_o is valid two "
           "cycles after the inputs: fp32 bits, {16'h0, bf16} or {24'h0, fp8}.");
  std::string clk = m.In("clk_i");
  m.In("x_i", "32");
  m.In("scale_i", "32");
  m.In("fmt_i", "3");
  m.In("sat_i");
  m.Out("y_o", "32");
  Scope s = m.Body();
  s.Note("Stage 1: m = x_i * scale_i.");
  AddMultiply(s);
  s.Reg("m_q", "32");
  s.Reg("fmt_q", "3");
  s.Reg("sat_q");
  s.Seq(clk, "", {}, {Set("m_q", "m"), Set("fmt_q", "fmt_i"), Set("sat_q", "sat_i")});
  s.Note("Stage 2: convert m_q.");
  UnpackFp32(s, "q", "m_q");
  s.Note(
      "bf16: the same exponent range as FP32, so round the fraction to 7 bits (guard "
      "q_man[15]); the increment carries into the exponent, 8'hFF is overflow.");
  s.Wire("bf_round");
  s.Assign("bf_round", "q_man[15] && ((|q_man[14:0]) || q_man[16])");
  s.Wire("bf_packed", "15");
  s.Assign("bf_packed", "{q_exp, q_man[22:16]} + {14'd0, bf_round}");
  s.Wire("bf_ovf");
  s.Assign("bf_ovf", "bf_packed[14:7] == 8'hFF");
  s.Wire("bf", "16");
  s.Assign("bf",
           "q_nan ? 16'h7FC0 : (q_inf || bf_ovf) ? {q_sign, sat_q ? 15'h7F7F : 15'h7F80} : "
           "{q_sign, bf_packed}");
  AddFp8(s, "e4", true);
  AddFp8(s, "e5", false);
  s.Reg("y_q", "32");
  s.Seq(clk, "", {},
        {Case("fmt_q",
              {{{"3'd1"}, {Set("y_q", "m_q")}},
               {{"3'd2"}, {Set("y_q", "{16'h0, bf}")}},
               {{"3'd3"}, {Set("y_q", "{24'h0, e4}")}},
               {{"3'd4"}, {Set("y_q", "{24'h0, e5}")}}},
              {Set("y_q", "32'h0")})});
  s.Assign("y_o", "y_q");
  s.Wire("unused_bits");
  s.Assign("unused_bits", "^{q_zero, n[47], rounded[31], e4_n[23], e5_n[23]}");
  return m;
}

}  // namespace salsa::blocks
