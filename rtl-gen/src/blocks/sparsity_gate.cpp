// salsa_sparsity_gate: zero detection and operand gating between the act scratchpad and the array.
#include <algorithm>

#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// gated_count_o: how many operands of the previous cycle's step were gated, registered. The
// lanes' flags are summed by salsa_popcount (a balanced adder tree), and the sum is registered,
// so the CSR's 64-bit counter add starts a new cycle.
void AddGatedCount(ir::Scope& s, const Built& built, const std::string& clk, const std::string& rst,
                   unsigned lanes, bool st, bool fp8_ungated) {
  using namespace ir;
  const unsigned cnt_bits = CountBits(lanes);
  s.Wire("gated_bit", N(lanes));
  if (fp8_ungated) {
    s.Note("Without gating only fp8 steps flag zero lanes (skipped adds), and none is held.");
    s.Assign("gated_bit", "{" + N(lanes) + "{valid_q && !prec_q[1]}} & zero_q");
  } else if (st) {
    s.Note("A dense 2:4 step (st_q low) counts lane 0 of each group only.");
    Scope g = s.GenLoop("b", N(lanes), "gen_gated_bit");
    g.Assign("gated_bit[b]", "valid_q && zero_q[b] && (st_q || (b % 4 == 0))");
  } else {
    s.Assign("gated_bit", "{" + N(lanes) + "{valid_q}} & zero_q");
  }
  s.Wire("gated_sum", N(cnt_bits));
  Instantiate(s, Child(built, "salsa_popcount"), "u_popcount", {},
              {{"bits_i", "gated_bit"}, {"count_o", "gated_sum"}});
  s.Reg("gated_count_q", N(cnt_bits));
  s.Seq(clk, rst, {Set("gated_count_q", N(cnt_bits) + "'d0")}, {Set("gated_count_q", "gated_sum")});
  s.Assign("gated_count_o", "gated_count_q");
}

}  // namespace

Module BuildSparsityGate(const Config& cfg, const Built& built) {
  const bool st = cfg.structured24;
  const unsigned L = st ? 4 : 1;  // activation lanes per row (2:4: a group of four K steps)
  const unsigned rows = cfg.rows * L, cols = cfg.cols;  // rows: lanes in all
  const unsigned cnt_bits = CountBits(rows);
  const bool lowp = cfg.LowPrecision(), fp8 = cfg.HasFp8();
  const unsigned smax = cfg.gemv_slices;  // weight words per step (K-slice builds: up to S)
  Module m(
      "salsa_sparsity_gate",
      "Operand stage in front of the array. Subtracts the input zero point (9-bit exact "
      "difference), flags zero operands (x == zero point) and, with gating on, holds the "
      "operand register of a zero lane so the multiplier inputs do not toggle. Reports, one "
      "cycle after a step leaves on valid_o, how many of its operands were gated (a registered "
      "adder tree). The weight word is staged alongside." +
          std::string(lowp ? " The step's datapath (prec)" +
                                 std::string(fp8 ? " and bias-load "
                                                   "flag (ld)"
                                                 : "") +
                                 " are staged with its flags."
                           : "") +
          std::string(fp8 ? " fp8 steps pass the code (lane = {0, code}) and flag it zero when "
                            "it is +0 or -0, whatever the gating (gating only holds the operand); "
                            "a bias-load step is never zero."
                          : "") +
          std::string(smax > 1 ? " K-slice builds stage " + N(smax) +
                                     " weight words (a step of S slices uses the first S) and "
                                     "the step's log2 S (slices) with its flags."
                               : ""));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("valid_i");
  m.In("clear_i");
  m.In("last_i");
  if (lowp) m.In("prec_i", "2");
  if (fp8) m.In("ld_i");
  if (smax > 1) m.In("slices_i", "3");
  m.In("zero_point_i", "8");
  m.In("act_i", N(rows * 8));
  m.In("wgt_i", N(smax * cols * 8));
  m.Out("valid_o");
  m.Out("clear_o");
  m.Out("last_o");
  if (lowp) m.Out("prec_o", "2");
  if (fp8) m.Out("ld_o");
  m.Out("act_o", N(rows * 9));
  m.Out("act_zero_o", N(rows));
  if (smax > 1) m.Out("slices_o", "3");
  m.Out("wgt_o", N(smax * cols * 8));
  m.Out("gated_count_o", N(cnt_bits));
  if (st) {
    m.In("st_i");  // a 2:4 step: every lane is an operand (else lane 0 of each row only)
    m.In("meta_i", N(cols * 2));
    m.Out("meta_o", N(cols * 2));
  }
  Scope s = m.Body();
  s.Reg("valid_q");
  s.Reg("clear_q");
  s.Reg("last_q");
  if (lowp) s.Reg("prec_q", "2");
  if (fp8) s.Reg("ld_q");
  s.Reg("act_q", N(rows * 9));
  s.Reg("zero_q", N(rows));
  s.Reg("wgt_q", N(smax * cols * 8));
  if (smax > 1) s.Reg("slices_q", "3");
  s.Wire("diff", N(rows * 9));
  s.Wire("is_zero", N(rows));
  s.Note("Lane r: d = x - zero_point in 9 bits (both sign-extended), exact for int8 operands.");
  Scope g = s.GenLoop("r", N(rows), "gen_lane");
  const std::string int_diff =
      "{act_i[r*8+7], " + IdxPart("act_i", "r*8", "8") + "} - {zero_point_i[7], zero_point_i}";
  const std::string int_zero =
      cfg.gating ? "(" + IdxPart("diff", "r*9", "9") + " == 9'd0)" : "1'b0";
  if (fp8) {
    g.Assign(IdxPart("diff", "r*9", "9"),
             "prec_i[1] ? {1'b0, " + IdxPart("act_i", "r*8", "8") + "} : " + int_diff);
    g.Assign(BitOf("is_zero", "r", rows),
             "prec_i[1] ? (!ld_i && (" + IdxPart("act_i", "r*8", "7") + " == 7'd0)) : " + int_zero);
  } else {
    g.Assign(IdxPart("diff", "r*9", "9"), int_diff);
    g.Assign(BitOf("is_zero", "r", rows), int_zero);
  }
  Scope h = s.GenLoop("q", N(rows), "gen_hold");
  h.Note("Operands are datapath registers: no reset (only used with the reset flags).");
  h.Seq(clk, "", {},
        {If(fp8 && !cfg.gating ? "valid_i" : "valid_i && !" + BitOf("is_zero", "q", rows),
            {Set(IdxPart("act_q", "q*9", "9"), IdxPart("diff", "q*9", "9"))})});
  Block rst_flags = {Set("valid_q", "1'b0"), Set("clear_q", "1'b0"), Set("last_q", "1'b0"),
                     Set("zero_q", N(rows) + "'d0")};
  Block flags = {Set("valid_q", "valid_i"), Set("clear_q", "clear_i"), Set("last_q", "last_i"),
                 Set("zero_q", "valid_i ? is_zero : zero_q")};
  if (lowp) {
    rst_flags.push_back(Set("prec_q", "2'd0"));
    flags.push_back(Set("prec_q", "prec_i"));
  }
  if (fp8) {
    rst_flags.push_back(Set("ld_q", "1'b0"));
    flags.push_back(Set("ld_q", "ld_i"));
  }
  if (smax > 1) {
    rst_flags.push_back(Set("slices_q", "3'd0"));
    flags.push_back(Set("slices_q", "slices_i"));
    s.Assign("slices_o", "slices_q");
  }
  s.Seq(clk, rst, rst_flags, flags);
  s.Seq(clk, "", {}, {If("valid_i", {Set("wgt_q", "wgt_i")})});
  if (st) {
    s.Note(
        "2:4: lane 4r + l is activation l of row r's group. A dense step (st_i low) has its "
        "operand in lane 0 only; the other lanes carry the zero point and are not counted.");
    s.Reg("st_q");
    s.Reg("meta_q", N(cols * 2));
    s.Seq(clk, rst, {Set("st_q", "1'b0"), Set("meta_q", N(cols * 2) + "'d0")},
          {If("valid_i", {Set("st_q", "st_i"), Set("meta_q", "meta_i")})});
    s.Assign("meta_o", "meta_q");
  }
  AddGatedCount(s, built, clk, rst, rows, st, fp8 && !cfg.gating);
  s.Assign("valid_o", "valid_q");
  s.Assign("clear_o", "clear_q");
  s.Assign("last_o", "last_q");
  if (lowp) s.Assign("prec_o", "prec_q");
  if (fp8) s.Assign("ld_o", "ld_q");
  s.Assign("act_o", "act_q");
  s.Assign("act_zero_o", "zero_q");
  s.Assign("wgt_o", "wgt_q");
  return m;
}

}  // namespace salsa::blocks
