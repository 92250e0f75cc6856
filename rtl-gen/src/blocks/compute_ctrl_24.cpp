// salsa_compute_ctrl, 2:4 part (sparsity.structured "2:4"): pair reads of the split act
// scratchpad, the four-activation bundle, and the two stages that align the weights with it.
#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"

namespace salsa::blocks {

using namespace ir;

void AddStructuredPorts(Module& m, const Config& cfg) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  m.In("structured_i");
  m.In("act_rdata_i", N(rows * 8));  // even act words
  m.Out("act_b_re_o");
  m.Out("act_b_raddr_o", "16");
  m.In("act_b_rdata_i", N(rows * 8));  // odd act words
  m.Out("act_bundle_o", N(rows * 32));
  m.In("meta_rdata_i", N(cols * 8));  // positions of four weight words
  m.Out("meta_o", N(cols * 2));
  m.Out("gate_st_o");
}

void AddStructuredDecls(Scope& s, const Config& cfg) {
  const unsigned rows = cfg.rows;
  s.Reg("st_q");
  s.Reg("ph_q");
  s.Reg("h_q", "16");
  s.Reg("act_len_q", "17");
  // Delay stages of every step before its weight read.
  for (const char* d : {"d1", "d2"}) {
    const std::string p = d;
    s.Reg(p + "_valid_q");
    s.Reg(p + "_clear_q");
    s.Reg(p + "_handoff_q");
    s.Reg(p + "_st_q");
    s.Reg(p + "_wgt_q", "16");
  }
  s.Reg("rst_q");
  s.Reg("msel_q", "2");  // which of the meta word's four weight words was read
  // Act data: a read issued last cycle (pair or single, its phase and half), the first pair of
  // the group, the bundle, and a single word delayed to the weights' timing.
  s.Reg("rd_v_q");
  s.Reg("rd_pair_q");
  s.Reg("rd_ph_q");
  s.Reg("rd_odd_q");
  s.Reg("p0_q", N(rows * 16));
  s.Reg("b_q", N(rows * 32));
  s.Reg("x1_q", N(rows * 8));
  s.Reg("x2_q", N(rows * 8));
  s.Wire("pair_in", N(rows * 32));
  s.Wire("single", N(rows * 32));
}

void AddStructuredDatapath(Scope& s, const Config& cfg) {
  const unsigned rows = cfg.rows;
  s.Note(
      "Act reads happen as the step is fed: a 2:4 step reads the even and the odd word of its "
      "pair (half address h_q), a dense step one word (half act_q[0]).");
  s.Assign("act_re_o", "feeding && (st_q || !act_q[0])");
  s.Assign("act_b_re_o", "feeding && (st_q || act_q[0])");
  s.Assign("act_raddr_o", "st_q ? h_q : {1'b0, act_q[15:1]}");
  s.Assign("act_b_raddr_o", "st_q ? h_q : {1'b0, act_q[15:1]}");
  s.Note("Weights (and their positions) are read two stages later, when the bundle is complete.");
  s.Assign("wgt_re_o", "d2_valid_q");
  s.Assign("wgt_raddr_o", "d2_wgt_q");
  // Row r of the bundle: {pair1 odd, pair1 even, pair0 odd, pair0 even}; of a single word:
  // {zp, zp, zp, x}.
  std::string pair, single;
  for (unsigned r = rows; r-- > 0;) {
    const std::string sep = r ? ", " : "";
    pair += IdxPart("act_b_rdata_i", N(8 * r), "8") + ", " + IdxPart("act_rdata_i", N(8 * r), "8") +
            ", " + IdxPart("p0_q", N(16 * r + 8), "8") + ", " + IdxPart("p0_q", N(16 * r), "8") +
            sep;
    single += "zp_q, zp_q, zp_q, " + IdxPart("x2_q", N(8 * r), "8") + sep;
  }
  s.Assign("pair_in", "{" + pair + "}");
  s.Assign("single", "{" + single + "}");
  s.Assign("act_bundle_o", "rst_q ? b_q : single");
  s.Assign("meta_o", "rst_q ? " +
                         IdxPart("meta_rdata_i", "msel_q * " + N(cfg.cols * 2), N(cfg.cols * 2)) +
                         " : " + N(cfg.cols * 2) + "'d0");
  s.Assign("gate_st_o", "rst_q");
}

void StructuredFeeder(Block* reset, Block* start, Block* feed, Block* pre, const Config& cfg) {
  const unsigned rows = cfg.rows;
  for (const auto& [r, v] :
       std::vector<std::pair<std::string, std::string>>{{"st_q", "1'b0"},
                                                        {"ph_q", "1'b0"},
                                                        {"h_q", "16'd0"},
                                                        {"act_len_q", "17'd0"},
                                                        {"d1_valid_q", "1'b0"},
                                                        {"d1_clear_q", "1'b0"},
                                                        {"d1_handoff_q", "1'b0"},
                                                        {"d1_st_q", "1'b0"},
                                                        {"d1_wgt_q", "16'd0"},
                                                        {"d2_valid_q", "1'b0"},
                                                        {"d2_clear_q", "1'b0"},
                                                        {"d2_handoff_q", "1'b0"},
                                                        {"d2_st_q", "1'b0"},
                                                        {"d2_wgt_q", "16'd0"},
                                                        {"rst_q", "1'b0"},
                                                        {"rd_v_q", "1'b0"},
                                                        {"rd_pair_q", "1'b0"},
                                                        {"rd_ph_q", "1'b0"},
                                                        {"rd_odd_q", "1'b0"},
                                                        {"p0_q", N(rows * 16) + "'d0"},
                                                        {"b_q", N(rows * 32) + "'d0"},
                                                        {"x1_q", N(rows * 8) + "'d0"},
                                                        {"x2_q", N(rows * 8) + "'d0"},
                                                        {"msel_q", "2'd0"}}) {
    reset->push_back(Set(r, v));
  }
  start->insert(start->end() - 1, {Set("st_q", "structured_i"), Set("ph_q", "1'b0"),
                                   Set("h_q", "{1'b0, act_addr_i[15:1]}"),
                                   Set("act_len_q", "structured_i ? {k_i, 1'b0} : {1'b0, k_i}")});
  feed->push_back(Set("h_q", "h_q + 16'd1"));
  feed->push_back(Set("ph_q", "!ph_q"));
  *pre = {Set("d1_valid_q", "feeding"),
          Set("d1_clear_q", "feeding && first_q"),
          Set("d1_handoff_q", "handoff"),
          Set("d1_st_q", "st_q"),
          Set("d1_wgt_q", "wgt_q"),
          Set("d2_valid_q", "d1_valid_q"),
          Set("d2_clear_q", "d1_clear_q"),
          Set("d2_handoff_q", "d1_handoff_q"),
          Set("d2_st_q", "d1_st_q"),
          Set("d2_wgt_q", "d1_wgt_q"),
          Set("rvalid_q", "d2_valid_q"),
          Set("rclear_q", "d2_clear_q"),
          Set("rlast_q", "d2_handoff_q"),
          Set("rst_q", "d2_st_q"),
          Set("msel_q", "d2_wgt_q[1:0]"),
          Set("rd_v_q", "feeding"),
          Set("rd_pair_q", "st_q"),
          Set("rd_ph_q", "ph_q"),
          Set("rd_odd_q", "act_q[0]"),
          Comment("Read data: a pair's first half waits in p0_q, its second completes the bundle; "
                  "a single word is delayed twice."),
          If("rd_v_q && rd_pair_q",
             {If("rd_ph_q", {Set("b_q", "pair_in")},
                 {Set(
                     "p0_q", "{" +
                                 [&] {
                                   std::string e;
                                   for (unsigned r = rows; r-- > 0;) {
                                     e += IdxPart("act_b_rdata_i", N(8 * r), "8") + ", " +
                                          IdxPart("act_rdata_i", N(8 * r), "8") + (r ? ", " : "");
                                   }
                                   return e;
                                 }() +
                                 "}")})}),
          Set("x1_q", "rd_odd_q ? act_b_rdata_i : act_rdata_i"),
          Set("x2_q", "x1_q")};
}

}  // namespace salsa::blocks
