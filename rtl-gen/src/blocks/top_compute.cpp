// salsa_top's compute path: the compute controller, the sparsity gate and the MAC array.
#include "blocks/top_parts.h"

namespace salsa::blocks::top {

using namespace ir;

namespace {

// Weight-stationary: controller and array.
void AddWs(const Top& t, Conns cc) {
  Scope& s = t.s;
  s.Note(
      "Weight-stationary: the controller preloads weights straight from the weight "
      "scratchpad; the gate stages the activations (and the swap flag in its clear lane).");
  t.Wires({{"w_load", t.rows}, {"array_out", t.cols * 32}, {"cmp_act_pad", 1}});
  Append(cc, ComputeCmd(t.cfg).Select({"conv", "blocks", "geo"}).Connect("", "cmp_", true));
  Append(cc, {{"act_pad_o", "cmp_act_pad"}});
  Append(cc, {{"act_end_i", "cmp_act_end"},
              {"wgt_end_i", "cmp_wgt_end"},
              {"gate_swap_o", "gate_in_clear"},
              {"w_load_o", "w_load"},
              {"out_i", "array_out"},
              {"acc_re_o", "cmp_acc_re"},
              {"acc_raddr_o", "cmp_acc_raddr"},
              {"acc_rdata_i", "acc_rdata"},
              {"acc_wdata_o", "drain_data"}});
  t.Inst("salsa_compute_ctrl_ws", "u_compute_ctrl", {}, cc);
  s.Assign("gate_in_last", "1'b0");
  t.Inst("salsa_ws_array", "u_mac_array", {},
         {{"clk_i", t.clk},
          {"rst_ni", t.rst},
          {"in_valid_i", "gate_valid"},
          {"in_swap_i", "gate_clear"},
          {"act_i", "gate_act"},
          {"act_zero_i", "gate_zero"},
          {"w_load_i", "w_load"},
          {"wgt_i", "wgt_rdata"},
          {"out_o", "array_out"}});
  s.Wire("unused_ws");
  s.Assign("unused_ws", "^{gate_last, gate_wgt, cmp_drain}");
}

// os im2col (Config::OsConv): the step's act word is `rows` bytes of the pair of words read from
// the even and odd act halves, from the step's byte; padded lanes are the zero point.
void AddOsConvFeed(const Top& t, Conns* cc) {
  const unsigned rows = t.rows;
  t.Wires({{"cmp_act_shift", 6},
           {"cmp_act_odd", 1},
           {"cmp_act_pad", rows},
           {"act_pair", rows * 16},
           {"act_shifted", rows * 16}});
  Append(*cc, ComputeCmd(t.cfg)
                  .Select(t.zs ? std::vector<std::string>{"conv", "geo", "xgeo"}
                               : std::vector<std::string>{"conv", "geo", "xgeo", "tiles"})
                  .Connect("", "cmp_", true));
  Append(*cc, ToWires({"act_shift_o", "act_odd_o", "act_pad_o"}, "cmp_"));
  t.s.Note(
      "im2col: words a and a + 1 (a odd: a in the odd half), shifted down by the step's byte; "
      "padded lanes read the zero point.");
  t.s.Assign("act_pair", "cmp_act_odd ? {act_e_rdata, act_o_rdata} : {act_o_rdata, act_e_rdata}");
  t.s.Assign("act_shifted", "act_pair >> {cmp_act_shift, 3'b000}");
  std::string lanes;
  for (unsigned i = rows; i-- > 0;) {
    const std::string pad = rows > 1 ? "cmp_act_pad[" + N(i) + "]" : std::string("cmp_act_pad");
    lanes += (lanes.empty() ? "" : ", ") + std::string("(") + pad +
             " ? gate_zp : " + IdxPart("act_shifted", N(8 * i), "8") + ")";
  }
  t.s.Assign("act_rdata", "{" + lanes + "}");
  t.s.Wire("unused_oc");
  t.s.Assign("unused_oc", "^" + Slice("act_shifted", N(rows * 16 - 1), N(rows * 8)));
}

// Output-stationary: controller (with zero-skip or 2:4 extensions) and array.
void AddOs(const Top& t, Conns cc) {
  const unsigned rows = t.rows, cols = t.cols;
  t.Wires({{"array_drain", 1}, {"array_row", cols * 32}});
  if (t.cfg.gemv_slices > 1) {
    // K slices: the bottoms of the other slices, drained at once (salsa_mac_array).
    t.Wires({{"array_taps", (t.cfg.gemv_slices - 1) * cols * 32}});
    Append(cc, {{"drain_taps_i", "array_taps"}});
  }
  Append(cc, {{"drain_i", "cmp_drain"},
              {"gate_clear_o", "gate_in_clear"},
              {"gate_last_o", "gate_in_last"},
              {"array_drain_o", "array_drain"},
              {"accum_i", "cmp_accum"},
              {"drain_data_i", "array_row"},
              {"acc_re_o", "cmp_acc_re"},
              {"acc_raddr_o", "cmp_acc_raddr"},
              {"acc_rdata_i", "acc_rdata"},
              {"acc_wdata_o", "drain_data"}});
  if (t.zs) {
    Append(cc, ToWires({"scan_i", "lanes_i", "indexed_i", "j0_i", "stride_i", "group_i"}, "cmp_"));
    Append(cc, ToWires({"act_rdata_i"}));
    Append(cc, ToWires({"scanning_o", "nnz_o", "listed_o"}, "cmp_"));
    Append(cc, ToWires({"idx_we_o", "idx_waddr_o", "idx_wdata_o", "idx_re_o", "idx_raddr_o",
                        "idx_rdata_i"}));
    if (ScanPacks(t.cfg)) Append(cc, ToWires({"act_we_o", "act_waddr_o", "act_wdata_o"}, "cmp_"));
  }
  if (t.st) {
    t.Wires({{"act_bundle", rows * 32},
             {"cmp_meta", cols * 2},
             {"gate_st", 1},
             {"gate_meta", cols * 2}});
    Append(cc, ToWires({"structured_i"}, "cmp_"));
    Append(cc, ToWires({"act_rdata_i", "act_b_re_o", "act_b_raddr_o", "act_b_rdata_i",
                        "act_bundle_o", "meta_rdata_i"}));
    Append(cc, ToWires({"meta_o"}, "cmp_"));
    Append(cc, ToWires({"gate_st_o"}));
  }
  if (t.cfg.OsConv()) AddOsConvFeed(t, &cc);
  t.Inst("salsa_compute_ctrl", "u_compute_ctrl", {}, cc);
  Conns arr = {{"clk_i", t.clk},
               {"rst_ni", t.rst},
               {"in_valid_i", "gate_valid"},
               {"in_clear_i", "gate_clear"},
               {"in_last_i", "gate_last"},
               {"act_i", "gate_act"},
               {"act_zero_i", "gate_zero"},
               {"wgt_i", "gate_wgt"},
               {"drain_i", "array_drain"},
               {"drain_o", "array_row"}};
  if (t.st) arr.push_back({"meta_i", "gate_meta"});
  if (t.cfg.LowPrecision()) arr.push_back({"in_prec_i", "gate_prec"});
  if (t.cfg.HasFp8()) arr.push_back({"in_ld_i", "gate_ld"});
  if (t.cfg.gemv_slices > 1) {
    arr.push_back({"in_slices_i", "gate_slices"});
    arr.push_back({"drain_taps_o", "array_taps"});
  }
  t.Inst("salsa_mac_array", "u_mac_array", {}, arr);
}

}  // namespace

void AddComputePath(const Top& t) {
  const unsigned rows = t.rows, cols = t.cols, L = t.L;
  t.Wires({{"gate_in_valid", 1},
           {"gate_in_clear", 1},
           {"gate_in_last", 1},
           {"gate_zp", 8},
           {"gate_valid", 1},
           {"gate_clear", 1},
           {"gate_last", 1},
           {"gate_act", rows * 9 * L},
           {"gate_zero", rows * L},
           {"gate_wgt", t.cfg.gemv_slices * cols * 8}});
  Conns cc = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
  Append(cc, ComputeCmd(t.cfg)
                 .Select({"start", "act_addr", "wgt_addr", "k", "zp", "clear", "acc_addr"})
                 .Connect("", "cmp_", /*flip=*/true));
  const bool lowp = t.cfg.LowPrecision(), fp8 = t.cfg.HasFp8();
  if (lowp) {
    // The step's datapath (and fp8: bias-load flag) from the controller through the gate.
    t.Wires({{"gate_in_prec", 2}, {"gate_prec", 2}});
    Append(cc, ComputeCmd(t.cfg).Select({"prec"}).Connect("", "cmp_", /*flip=*/true));
    Append(cc, {{"gate_prec_o", "gate_in_prec"}});
  }
  if (t.cfg.gemv_slices > 1) {
    // K slices: the step's log2 S from the controller through the gate to the array.
    t.Wires({{"gate_in_slices", 3}, {"gate_slices", 3}});
    Append(cc, ComputeCmd(t.cfg).Select({"slices"}).Connect("", "cmp_", /*flip=*/true));
    Append(cc, {{"gate_slices_o", "gate_in_slices"}});
  }
  if (fp8) {
    t.Wires({{"gate_in_ld", 1}, {"gate_ld", 1}});
    Append(cc, ComputeCmd(t.cfg).Select({"ld"}).Connect("", "cmp_", /*flip=*/true));
    if (t.zs) Append(cc, ComputeCmd(t.cfg).Select({"scan_fp8"}).Connect("", "cmp_", true));
    Append(cc, {{"gate_ld_o", "gate_in_ld"}});
  }
  Append(cc, ToWires({"act_re_o", "act_raddr_o", "wgt_re_o", "wgt_raddr_o"}));
  Append(cc, {{"gate_valid_o", "gate_in_valid"}, {"zp_o", "gate_zp"}});
  Append(cc, ToWires({"acc_we_o", "acc_waddr_o"}, "cmp_"));
  Append(cc, ComputeStatusBundle().Connect("", "cmp_"));
  if (t.ws) {
    t.Wires({{"ws_act", rows * 8}});
    t.s.Note("im2col padding: a word flagged act_pad_o is the zero point in every lane.");
    t.s.Assign("ws_act", "cmp_act_pad ? {" + N(rows) + "{gate_zp}} : act_rdata");
    AddWs(t, cc);
  } else {
    AddOs(t, cc);
  }
  Conns gate = {{"clk_i", t.clk},
                {"rst_ni", t.rst},
                {"valid_i", "gate_in_valid"},
                {"clear_i", "gate_in_clear"},
                {"last_i", "gate_in_last"},
                {"zero_point_i", "gate_zp"},
                {"act_i", t.st   ? "act_bundle"
                          : t.ws ? "ws_act"
                                 : "act_rdata"},
                {"wgt_i", "wgt_rdata"},
                {"valid_o", "gate_valid"},
                {"clear_o", "gate_clear"},
                {"last_o", "gate_last"},
                {"act_o", "gate_act"},
                {"act_zero_o", "gate_zero"},
                {"wgt_o", "gate_wgt"},
                {"gated_count_o", "gated_count"}};
  if (lowp) Append(gate, {{"prec_i", "gate_in_prec"}, {"prec_o", "gate_prec"}});
  if (fp8) Append(gate, {{"ld_i", "gate_in_ld"}, {"ld_o", "gate_ld"}});
  if (t.cfg.gemv_slices > 1)
    Append(gate, {{"slices_i", "gate_in_slices"}, {"slices_o", "gate_slices"}});
  if (t.st) {
    Append(gate, {{"st_i", "gate_st"}, {"meta_i", "cmp_meta"}, {"meta_o", "gate_meta"}});
  }
  t.Inst("salsa_sparsity_gate", "u_sparsity_gate", {}, gate);
}

}  // namespace salsa::blocks::top
