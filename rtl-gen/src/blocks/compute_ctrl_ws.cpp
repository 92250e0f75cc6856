// salsa_compute_ctrl_ws: runs COMPUTE commands on the weight-stationary array: a preloader
// shifts a tile's weights into the PEs while a streamer feeds the previous tile's rows, and the
// output stage writes or accumulates each output row into the acc scratchpad.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildComputeCtrlWs(const Config& cfg) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  // From a row's act read to its output word: scratchpad (1) + gate (1) + array (rows+cols-1).
  const unsigned out_lat = rows + cols + 1;
  // A preload may start shifting once the previous stream's swap reached every PE.
  const unsigned swap_done = rows + cols + 1;
  const unsigned sb = CountBits(swap_done);
  const unsigned rb = CountBits(rows);
  Module m("salsa_compute_ctrl_ws",
           "COMPUTE on the weight-stationary array: M = w2[15:0] activation words (one output "
           "row's K slice of rows values each) stream past rows weight words (the tile's K slice "
           "x cols). The preloader reads the weight words (last first) into the PEs' second "
           "weight registers, as soon as the previous stream's first word has switched every "
           "PE over; the streamer then reads the M act words, the first one flagged swap. Each "
           "output row leaves the array rows + cols + 1 cycles after its read and is written to "
           "acc word acc + m (clear) or added to it (read-modify-write on the acc scratchpad's "
           "read port; the store unit reads its own copy). The next command is accepted once the "
           "preloader "
           "has handed its command to the streamer.");
  m.LocalParam("PIdle", "2'd0", "2");
  m.LocalParam("PWait", "2'd1", "2");
  m.LocalParam("PLoad", "2'd2", "2");
  m.LocalParam("PReady", "2'd3", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("start_i");
  m.In("act_addr_i", "16");
  m.In("wgt_addr_i", "16");
  m.In("k_i", "16");
  m.In("zp_i", "8");
  m.In("clear_i");
  m.In("acc_addr_i", "16");
  for (const ComputeStatus& st : kComputeStatus) m.Out(std::string(st.name) + "_o", N(st.bits));
  m.Out("act_re_o");
  m.Out("act_raddr_o", "16");
  m.Out("wgt_re_o");
  m.Out("wgt_raddr_o", "16");
  m.Out("gate_valid_o");
  m.Out("gate_swap_o");
  m.Out("zp_o", "8");
  m.Out("w_load_o");
  m.In("out_i", N(cols * 32));
  m.Out("acc_re_o");
  m.Out("acc_raddr_o", "16");
  m.In("acc_rdata_i", N(cols * 32));
  m.Out("acc_we_o");
  m.Out("acc_waddr_o", "16");
  m.Out("acc_wdata_o", N(cols * 32));
  Scope s = m.Body();
  // Preloader: the command waiting for (or loading) its weights.
  s.Reg("pstate_q", "2");
  s.Reg("p_act_q", "16");
  s.Reg("p_wgt_q", "16");
  s.Reg("p_m_q", "16");
  s.Reg("p_zp_q", "8");
  s.Reg("p_clear_q");
  s.Reg("p_acc_q", "16");
  s.Reg("p_cnt_q", N(rb));
  s.Reg("since_q", N(sb));
  // Streamer: the command whose rows are being read.
  s.Reg("streaming_q");
  s.Reg("s_act_q", "16");
  s.Reg("s_m_q", "16");
  s.Reg("s_idx_q", "16");
  s.Reg("s_clear_q");
  s.Reg("s_acc_q", "16");
  s.Reg("s_first_q");
  s.Reg("zp_q", "8");
  s.Reg("rvalid_q");
  s.Reg("rswap_q");
  s.Reg("rload_q");
  // Output stage: the acc ranges and rows still to write of the (at most two) commands whose
  // output rows are in flight, oldest in A. Hand-offs are at least rows + cols + rows + 2 cycles
  // apart, more than a row's trip through the array, so two suffice.
  s.Reg("oa_n_q", "17");
  s.Reg("oa_lo_q", "17");
  s.Reg("oa_hi_q", "17");
  s.Reg("ob_n_q", "17");
  s.Reg("ob_lo_q", "17");
  s.Reg("ob_hi_q", "17");
  s.Wire("a_done");
  s.Wire("a_free");
  s.Reg("w_valid_q");
  s.Reg("w_clear_q");
  s.Reg("w_addr_q", "16");
  s.Reg("w_out_q", N(cols * 32));
  s.Wire("handoff");
  s.Wire("stream_last");
  s.Wire("tag_in", "18");
  s.Wire("tag_out", "18");
  s.Wire("o_valid");
  s.Wire("o_clear");
  s.Wire("o_addr", "16");
  s.Wire("p_busy");
  s.Wire("p_act_hi", "17");
  s.Wire("s_act_hi", "17");
  s.Assign("p_busy", "pstate_q != PIdle");
  s.Assign("handoff", "(pstate_q == PReady) && !streaming_q");
  s.Assign("stream_last", "streaming_q && (s_idx_q + 16'd1 == s_m_q)");
  s.Assign("act_re_o", "streaming_q");
  s.Assign("act_raddr_o", "s_act_q + s_idx_q");
  s.Assign("wgt_re_o", "pstate_q == PLoad");
  s.Note("Weights are read last row first, so that after rows shifts PE row r holds word r.");
  s.Assign("wgt_raddr_o", "p_wgt_q + 16'd" + N(rows - 1) + " - {" + N(16 - rb) + "'d0, p_cnt_q}");
  s.Assign("w_load_o", "rload_q");
  s.Assign("gate_valid_o", "rvalid_q");
  s.Assign("gate_swap_o", "rswap_q");
  s.Assign("zp_o", "zp_q");
  s.Note("Each row's acc address and clear flag travel alongside it to the output.");
  s.Assign("tag_in", "{streaming_q, s_clear_q, s_acc_q + s_idx_q}");
  s.Inst("salsa_delay", "u_out_tag", {{"Width", "18"}, {"Depth", N(out_lat)}},
         {{"clk_i", clk}, {"rst_ni", rst}, {"d_i", "tag_in"}, {"q_o", "tag_out"}});
  s.Assign("o_valid", "tag_out[17]");
  s.Assign("o_clear", "tag_out[16]");
  s.Assign("o_addr", "tag_out[15:0]");
  s.Assign("acc_re_o", "o_valid && !o_clear");
  s.Assign("acc_raddr_o", "o_addr");
  s.Assign("acc_we_o", "w_valid_q");
  s.Assign("acc_waddr_o", "w_addr_q");
  Scope g = s.GenLoop("c", N(cols), "gen_acc");
  g.Assign(IdxPart("acc_wdata_o", "c*32", "32"),
           "(w_clear_q ? 32'd0 : " + IdxPart("acc_rdata_i", "c*32", "32") + ") + " +
               IdxPart("w_out_q", "c*32", "32"));
  // Ranges in use, for the sequencer's hazard checks.
  s.Assign("p_act_hi", "{1'b0, p_act_q} + {1'b0, p_m_q}");
  s.Assign("s_act_hi", "{1'b0, s_act_q} + {1'b0, s_m_q}");
  s.Assign("act_busy_o", "p_busy || streaming_q");
  s.Assign("act_lo_o",
           "(p_busy && (!streaming_q || p_act_q < s_act_q)) ? {1'b0, p_act_q} : "
           "{1'b0, s_act_q}");
  s.Assign("act_hi_o", "(p_busy && (!streaming_q || p_act_hi > s_act_hi)) ? p_act_hi : s_act_hi");
  s.Assign("wgt_busy_o", "(pstate_q == PWait) || (pstate_q == PLoad)");
  s.Assign("wgt_lo_o", "{1'b0, p_wgt_q}");
  s.Assign("wgt_hi_o", "{1'b0, p_wgt_q} + 17'd" + N(rows));
  s.Assign("acc0_busy_o", "p_busy");
  s.Assign("acc0_lo_o", "{1'b0, p_acc_q}");
  s.Assign("acc0_hi_o", "{1'b0, p_acc_q} + {1'b0, p_m_q}");
  s.Assign("a_done", "(oa_n_q == 17'd1) && w_valid_q");
  s.Assign("a_free", "(oa_n_q == 17'd0) || a_done");
  s.Assign("acc1_busy_o", "(oa_n_q != 17'd0) || (ob_n_q != 17'd0)");
  s.Assign("acc1_lo_o", "(ob_n_q != 17'd0 && ob_lo_q < oa_lo_q) ? ob_lo_q : oa_lo_q");
  s.Assign("acc1_hi_o", "(ob_n_q != 17'd0 && ob_hi_q > oa_hi_q) ? ob_hi_q : oa_hi_q");
  s.Assign("feed_busy_o", "p_busy");
  s.Assign("busy_o", "p_busy || streaming_q || acc1_busy_o");
  s.Seq(clk, rst,
        {Set("pstate_q", "PIdle"),
         Set("p_act_q", "16'd0"),
         Set("p_wgt_q", "16'd0"),
         Set("p_m_q", "16'd0"),
         Set("p_zp_q", "8'd0"),
         Set("p_clear_q", "1'b0"),
         Set("p_acc_q", "16'd0"),
         Set("p_cnt_q", N(rb) + "'d0"),
         Set("since_q", N(sb) + "'d" + N(swap_done)),
         Set("streaming_q", "1'b0"),
         Set("s_act_q", "16'd0"),
         Set("s_m_q", "16'd0"),
         Set("s_idx_q", "16'd0"),
         Set("s_clear_q", "1'b0"),
         Set("s_acc_q", "16'd0"),
         Set("s_first_q", "1'b0"),
         Set("zp_q", "8'd0"),
         Set("rvalid_q", "1'b0"),
         Set("rswap_q", "1'b0"),
         Set("rload_q", "1'b0"),
         Set("oa_n_q", "17'd0"),
         Set("oa_lo_q", "17'd0"),
         Set("oa_hi_q", "17'd0"),
         Set("ob_n_q", "17'd0"),
         Set("ob_lo_q", "17'd0"),
         Set("ob_hi_q", "17'd0"),
         Set("w_valid_q", "1'b0"),
         Set("w_clear_q", "1'b0"),
         Set("w_addr_q", "16'd0"),
         Set("w_out_q", N(cols * 32) + "'d0")},
        {Set("rvalid_q", "streaming_q"), Set("rswap_q", "streaming_q && s_first_q"),
         Set("rload_q", "pstate_q == PLoad"),
         Comment("Output stage: register the row, its address and (for accumulate) the old value."),
         Set("w_valid_q", "o_valid"), Set("w_clear_q", "o_clear"), Set("w_addr_q", "o_addr"),
         Set("w_out_q", "out_i"),
         If("!handoff && (since_q != " + N(sb) + "'d" + N(swap_done) + ")",
            {Set("since_q", "since_q + " + N(sb) + "'d1")}),
         Case("pstate_q",
              {{{"PIdle"},
                {If("start_i",
                    {Set("p_act_q", "act_addr_i"), Set("p_wgt_q", "wgt_addr_i"),
                     Set("p_m_q", "k_i"), Set("p_zp_q", "zp_i"), Set("p_clear_q", "clear_i"),
                     Set("p_acc_q", "acc_addr_i"), Set("pstate_q", "PWait")})}},
               {{"PWait"},
                {If("since_q == " + N(sb) + "'d" + N(swap_done),
                    {Set("p_cnt_q", N(rb) + "'d0"), Set("pstate_q", "PLoad")})}},
               {{"PLoad"},
                {Set("p_cnt_q", "p_cnt_q + " + N(rb) + "'d1"),
                 If("p_cnt_q == " + N(rb) + "'d" + N(rows - 1), {Set("pstate_q", "PReady")})}},
               {{"PReady"}, {If("handoff", {Set("pstate_q", "PIdle")})}}},
              {Set("pstate_q", "PIdle")}),
         Comment("Streamer."),
         If("handoff",
            {Set("streaming_q", "1'b1"), Set("s_act_q", "p_act_q"), Set("s_m_q", "p_m_q"),
             Set("s_idx_q", "16'd0"), Set("s_clear_q", "p_clear_q"), Set("s_acc_q", "p_acc_q"),
             Set("s_first_q", "1'b1"), Set("zp_q", "p_zp_q"), Set("since_q", N(sb) + "'d0")},
            {If("streaming_q", {Set("s_idx_q", "s_idx_q + 16'd1"), Set("s_first_q", "1'b0"),
                                If("stream_last", {Set("streaming_q", "1'b0")})})}),
         Comment("Output ranges: rows are written in order, so each write belongs to A; when A "
                 "is done B moves up; a hand-off fills A if it is free, else B."),
         If("w_valid_q", {Set("oa_n_q", "oa_n_q - 17'd1")}),
         If("a_done && (ob_n_q != 17'd0)", {Set("oa_n_q", "ob_n_q"), Set("oa_lo_q", "ob_lo_q"),
                                            Set("oa_hi_q", "ob_hi_q"), Set("ob_n_q", "17'd0")}),
         If("handoff", {If("a_free && (ob_n_q == 17'd0)",
                           {Set("oa_n_q", "{1'b0, p_m_q}"), Set("oa_lo_q", "{1'b0, p_acc_q}"),
                            Set("oa_hi_q", "acc0_hi_o")},
                           {Set("ob_n_q", "{1'b0, p_m_q}"), Set("ob_lo_q", "{1'b0, p_acc_q}"),
                            Set("ob_hi_q", "acc0_hi_o")})})});
  return m;
}

}  // namespace salsa::blocks
