// salsa_pe: one processing element of the output-stationary array.
#include "blocks/blocks.h"
#include "blocks/pe_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// precision beyond int8: every step carries its 2-bit datapath (a_prec, contract Prec) and, in
// fp8 builds, the bias-load flag (a_ld). int4w rows multiply their nibble of the weight byte
// (parameter RowOdd: the row's parity); fp8 steps add the exact FP32 product of the two codes
// to the FP32 accumulator (salsa_fp8_mul, salsa_fp32_add), and bias-load steps shift the weight
// byte into the accumulator from the top.
void AssignLowpAcc(Scope& s, const Config& cfg, const Built& built) {
  const bool i4 = cfg.Has(Precision::kInt4w), fp8 = cfg.HasFp8();
  std::string w = "w_i";
  if (i4) {
    s.Note(
        "int4w (a_prec 1): the weight byte holds two 4-bit weights (low nibble: even K, high: "
        "odd K); a row multiplies the nibble of its parity, sign-extended.");
    s.Wire("w_op", "8");
    s.Assign("w_op",
             "(a_prec_i == 2'd1) ? ((RowOdd != 0) ? {{4{w_i[7]}}, w_i[7:4]} : "
             "{{4{w_i[3]}}, w_i[3:0]}) : w_i");
    w = "w_op";
  }
  AssignProduct(s, "a_i", w);
  if (!fp8) {
    s.Assign("acc_d", GatedSum("({32{~a_clear_i}} & acc_q)", "a_zero_i"));
    return;
  }
  s.Wire("acc_base", "32");
  s.Assign("acc_base", "a_clear_i ? 32'd0 : acc_q");
  s.Note(
      "fp8 (a_prec 2 E4M3, 3 E5M2): acc + a * w in FP32 (the product is exact, the add rounds "
      "to nearest even); a zero code (+0 or -0) adds nothing. Bias load (a_ld): the weight byte "
      "enters the accumulator from the top, four steps load an FP32 bias little-endian.");
  s.Wire("fp_prod", "32");
  s.Wire("fp_sum", "32");
  Instantiate(s, Child(built, "salsa_fp8_mul"), "u_fp8_mul", {},
              {{"a_i", "a_i[7:0]"}, {"b_i", "w_i"}, {"e5m2_i", "a_prec_i[0]"}, {"p_o", "fp_prod"}});
  Instantiate(s, Child(built, "salsa_fp32_add"), "u_fp32_add", {},
              {{"a_i", "acc_base"}, {"b_i", "fp_prod"}, {"s_o", "fp_sum"}});
  s.Assign("acc_d",
           "a_ld_i ? {w_i, acc_q[31:8]} : a_zero_i ? acc_base : a_prec_i[1] ? fp_sum : "
           "acc_base + prod_ext");
}

}  // namespace

Module BuildPe(const Config& cfg, const Built& built) {
  const bool lowp = cfg.LowPrecision(), i4 = cfg.Has(Precision::kInt4w), fp8 = cfg.HasFp8();
  Module m("salsa_pe",
           "Output-stationary PE: acc <= (clear ? 0 : acc) + a * w for valid, non-zero operands. "
           "A zero operand holds the forwarded operand register (no toggles) and adds nothing. "
           "The step flagged last copies the finished sum into the output register out_q, so "
           "the next tile accumulates while drain_i shifts out_q down the column." +
               std::string(i4 ? " int4w steps multiply the weight nibble of the row's parity "
                                "(RowOdd)."
                              : "") +
               std::string(fp8 ? " fp8 steps accumulate in FP32 (salsa_fp8_mul, salsa_fp32_add); "
                                 "bias-load steps shift the weight byte into the accumulator."
                               : ""));
  if (i4) m.Parameter("RowOdd", "0");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  std::vector<Signal> lane_list = {Lane("a", "9"), Lane("a_zero"), Lane("a_valid"), Lane("a_clear"),
                                   Lane("a_last")};
  std::vector<std::string> flags = OsFlags();
  if (lowp) {
    lane_list.push_back(Lane("a_prec", "2"));
    flags.push_back("a_prec");
  }
  if (fp8) {
    lane_list.push_back(Lane("a_ld"));
    flags.push_back("a_ld");
  }
  lane_list.push_back(Lane("w", "8"));
  const Bundle lanes = PeLanes(lane_list);
  AddOsPorts(m, lanes);
  Scope s = m.Body();
  AddOsRegs(s, lanes);
  DeclareOsWires(s);
  if (lowp) {
    AssignLowpAcc(s, cfg, built);
  } else {
    AssignOsAcc(s, "a_i", "a_zero_i");
  }
  s.Note("The controller never flags a last step while a drain is shifting (see compute_ctrl).");
  s.Seq(clk, rst, LaneResets(lanes, flags), LaneCopies(flags));
  s.Note(
      "Datapath registers: no reset (acc_q is cleared by a tile's first step, out_q written by "
      "its last before it is drained).");
  s.Seq(clk, "", {}, Cat({{Set("a_q", "a_zero_i ? a_q : a_i")}, LaneCopies({"w"}), OsAccUpdate()}));
  AssignOsOutputs(s, lanes);
  return m;
}

}  // namespace salsa::blocks
