// salsa_compute_ctrl_ws: runs COMPUTE commands on the weight-stationary array. A command covers
// one or more K blocks; for each block a loader writes the block's weights into the PEs' second
// weight registers, one row per cycle, while the streamer feeds the block's act words, and the
// output stage writes or accumulates each output row into the acc scratchpad.
#include <algorithm>

#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// Union of two optional word ranges, as the (busy, lo, hi) expressions of the result.
struct Range {
  std::string busy, lo, hi;
};
Range Union(const Range& a, const Range& b) {
  return {"(" + a.busy + " || " + b.busy + ")",
          "((" + a.busy + " && (!" + b.busy + " || " + a.lo + " < " + b.lo + ")) ? " + a.lo +
              " : " + b.lo + ")",
          "((" + a.busy + " && (!" + b.busy + " || " + a.hi + " > " + b.hi + ")) ? " + a.hi +
              " : " + b.hi + ")"};
}

}  // namespace

Module BuildComputeCtrlWs(const Config& cfg, const Built& built) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  // From a row's act read to its output word: scratchpad (1) + gate (1) + array (rows+cols-1).
  const unsigned out_lat = rows + cols + 1;
  // A block's weight load may start once the previous block's first act word has passed the
  // last column of every row: `cols` cycles after that block's hand-off (at least 2, so that an
  // output row's read-modify-write completes before the next block's row reads the same word).
  const unsigned since_ok = std::max(cols, 2u) - 1;
  // Hand-offs are at least max(rows, cols, 2) cycles apart on average and a block's rows are in
  // flight for M + rows + cols + 2 cycles, so this many (busy, lo, hi) entries track them; a
  // hand-off waits for a free one.
  const unsigned spacing = std::max({rows, cols, 2u});
  const unsigned entries = 2 + (rows + cols + 3 + spacing - 1) / spacing;
  const unsigned sb = CountBits(since_ok), rb = CountBits(rows), eb = CountBits(entries);
  Module m("salsa_compute_ctrl_ws",
           "COMPUTE on the weight-stationary array: B K blocks (act words [act, act_end_i), M = "
           "w2[15:0] per block; weight words [wgt, wgt_end_i), rows per block). For each block "
           "the loader reads the rows weight words in order and strobes PE row r with word r "
           "(the second weight registers), starting " +
               N(since_ok + 1) +
               " cycles after the previous block's hand-off, when its first act word has "
               "switched every PE of a row over; the streamer reads the block's M act words, the "
               "first flagged swap, and may start the cycle the loader starts, since rows load "
               "in the order the swap reaches them. Output row m of every block leaves the array "
               "rows + cols + 1 cycles after its read and is written to acc word acc + m (clear, "
               "first block only) or added to it (read-modify-write on the acc scratchpad's read "
               "port; the store unit reads its own copy). The next command is accepted once the "
               "last block has been handed to the streamer.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("start_i");
  m.In("act_addr_i", "16");
  m.In("act_end_i", "17");
  m.In("wgt_addr_i", "16");
  m.In("wgt_end_i", "17");
  m.In("k_i", "16");
  m.In("zp_i", "8");
  m.In("clear_i");
  m.In("acc_addr_i", "16");
  m.In("conv_i");
  m.In("blocks_i", "16");
  m.In("geo_i", "128");
  AddFeedPorts(m);
  m.Out("act_pad_o");
  m.Out("gate_swap_o");
  m.Out("zp_o", "8");
  m.Out("w_load_o", N(rows));
  m.In("out_i", N(cols * 32));
  AccRead(cfg).DeclarePorts(m, "acc_");
  m.Out("acc_we_o");
  m.Out("acc_waddr_o", "16");
  m.Out("acc_wdata_o", N(cols * 32));
  Scope s = m.Body();
  // Slot: the command, at the block not yet handed to the streamer.
  s.Reg("p_valid_q");
  s.Reg("p_act_q", "16");
  s.Reg("p_act_end_q", "17");
  s.Reg("p_wgt_q", "16");
  s.Reg("p_wgt_end_q", "17");
  s.Reg("p_m_q", "16");
  s.Reg("p_zp_q", "8");
  s.Reg("p_clear_q");
  s.Reg("p_acc_q", "16");
  s.Reg("p_started_q");  // the loader has started this block
  s.Reg("p_cont_q");     // a later block of the command the streamer holds
  // Loader: reads one block's weight words.
  s.Reg("l_busy_q");
  s.Reg("l_cnt_q", N(rb));
  s.Reg("l_wgt_q", "16");
  s.Reg("since_q", N(sb));
  // Streamer: the block whose act words are being read.
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
  s.Reg("rrow_q", N(rb));
  // Output stage: per block in flight (oldest first) the rows still to write and its acc range.
  s.Reg("q_cnt_q", N(eb));
  for (unsigned e = 0; e < entries; ++e) {
    s.Reg("q_n" + N(e) + "_q", "17");
    s.Reg("q_lo" + N(e) + "_q", "17");
    s.Reg("q_hi" + N(e) + "_q", "17");
  }
  s.Reg("w_valid_q");
  s.Reg("w_clear_q");
  s.Reg("w_addr_q", "16");
  s.Reg("w_out_q", N(cols * 32));
  s.Wire("p_last");
  s.Wire("l_start");
  s.Wire("stream_free");
  s.Wire("q_shift");
  s.Wire("q_room");
  s.Wire("q_pos", N(eb));
  s.Wire("handoff");
  s.Wire("stream_last");
  s.Wire("tag_in", "18");
  s.Wire("tag_out", "18");
  s.Wire("o_valid");
  s.Wire("o_clear");
  s.Wire("o_addr", "16");
  s.Wire("p_act_next", "17");
  s.Wire("p_acc_hi", "17");
  AddConvDecls(s);
  AddConvLogic(s);
  s.Assign("p_act_next", "{1'b0, p_act_q} + {1'b0, p_m_q}");
  s.Assign("p_last", "p_conv_q ? (p_nb_q == 16'd1) : (p_act_next >= p_act_end_q)");
  s.Assign("l_start", "p_valid_q && !p_started_q && !l_busy_q && (since_q == " + N(sb) + "'d" +
                          N(since_ok) + ")");
  s.Assign("stream_last", "streaming_q && (s_idx_q + 16'd1 == s_m_q)");
  s.Note(
      "Blocks of one command stream back to back (same acc rows, so a row's update lands before "
      "the next block reads it); a new command leaves one idle cycle.");
  s.Assign("stream_free", "!streaming_q || (stream_last && p_cont_q)");
  s.Assign("q_shift", "w_valid_q && (q_n0_q == 17'd1)");
  s.Assign("q_room", "(q_cnt_q != " + N(eb) + "'d" + N(entries) + ") || q_shift");
  s.Assign("q_pos", "q_cnt_q - {" + N(eb - 1) + "'d0, q_shift}");
  s.Assign("handoff", "p_valid_q && (p_started_q || l_start) && stream_free && q_room");
  s.Assign("act_re_o", "streaming_q && !s_pad");
  s.Assign("act_raddr_o", "s_conv_q ? s_a_q : (s_act_q + s_idx_q)");
  s.Assign("act_pad_o", "rpad_q");
  s.Assign("wgt_re_o", "l_busy_q");
  s.Assign("wgt_raddr_o", "l_wgt_q + {" + N(16 - rb) + "'d0, l_cnt_q}");
  s.Note("Weight word r (read one cycle earlier) goes to PE row r.");
  for (unsigned r = 0; r < rows; ++r) {
    s.Assign(BitOf("w_load_o", N(r), rows), "rload_q && (rrow_q == " + N(rb) + "'d" + N(r) + ")");
  }
  s.Assign("gate_valid_o", "rvalid_q");
  s.Assign("gate_swap_o", "rswap_q");
  s.Assign("zp_o", "zp_q");
  s.Note("Each row's acc address and clear flag travel alongside it to the output.");
  s.Assign("tag_in", "{streaming_q, s_clear_q, s_acc_q + s_idx_q}");
  Instantiate(s, Child(built, "salsa_delay"), "u_out_tag", {{"Width", "18"}, {"Depth", N(out_lat)}},
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
  s.Assign("p_acc_hi", "{1'b0, p_acc_q} + {1'b0, p_m_q}");
  const Range act = Union({"p_valid_q", "{1'b0, p_act_q}", "p_act_end_q"},
                          {"streaming_q", "{1'b0, s_act_q}",
                           "({1'b0, s_act_q} + {1'b0, s_conv_q ? s_span_q : s_m_q})"});
  AssignRange(s, "act", act.busy, act.lo, act.hi);
  const Range wgt =
      Union({"p_valid_q", "{1'b0, p_wgt_q}", "p_wgt_end_q"},
            {"l_busy_q", "{1'b0, l_wgt_q}", "({1'b0, l_wgt_q} + 17'd" + N(rows) + ")"});
  AssignRange(s, "wgt", wgt.busy, wgt.lo, wgt.hi);
  AssignRange(s, "acc0", "p_valid_q", "{1'b0, p_acc_q}", "p_acc_hi");
  Range acc1{"1'b0", "17'd0", "17'd0"};
  for (unsigned e = 0; e < entries; ++e) {
    acc1 = Union(acc1, {"(q_cnt_q > " + N(eb) + "'d" + N(e) + ")", "q_lo" + N(e) + "_q",
                        "q_hi" + N(e) + "_q"});
    if (e + 1 < entries) {
      // Chain through wires so that the expressions stay small.
      const std::string w = "acc1_u" + N(e);
      s.Wire(w + "_busy");
      s.Wire(w + "_lo", "17");
      s.Wire(w + "_hi", "17");
      s.Assign(w + "_busy", acc1.busy);
      s.Assign(w + "_lo", acc1.lo);
      s.Assign(w + "_hi", acc1.hi);
      acc1 = {w + "_busy", w + "_lo", w + "_hi"};
    }
  }
  AssignRange(s, "acc1", "q_cnt_q != " + N(eb) + "'d0", acc1.lo, acc1.hi);
  s.Assign("feed_busy_o", "p_valid_q");
  s.Assign("busy_o", "p_valid_q || l_busy_q || streaming_q || acc1_busy_o");

  std::vector<Stmt> reset = {Set("p_valid_q", "1'b0"),
                             Set("p_act_q", "16'd0"),
                             Set("p_act_end_q", "17'd0"),
                             Set("p_wgt_q", "16'd0"),
                             Set("p_wgt_end_q", "17'd0"),
                             Set("p_m_q", "16'd0"),
                             Set("p_zp_q", "8'd0"),
                             Set("p_clear_q", "1'b0"),
                             Set("p_acc_q", "16'd0"),
                             Set("p_started_q", "1'b0"),
                             Set("p_cont_q", "1'b0"),
                             Set("l_busy_q", "1'b0"),
                             Set("l_cnt_q", N(rb) + "'d0"),
                             Set("l_wgt_q", "16'd0"),
                             Set("since_q", N(sb) + "'d" + N(since_ok)),
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
                             Set("rrow_q", N(rb) + "'d0"),
                             Set("q_cnt_q", N(eb) + "'d0"),
                             Set("w_valid_q", "1'b0"),
                             Set("w_clear_q", "1'b0"),
                             Set("w_addr_q", "16'd0"),
                             Set("w_out_q", N(cols * 32) + "'d0")};
  const Block conv_reset = ConvReset();
  reset.insert(reset.end(), conv_reset.begin(), conv_reset.end());
  for (unsigned e = 0; e < entries; ++e) {
    for (const char* f : {"q_n", "q_lo", "q_hi"}) reset.push_back(Set(f + N(e) + "_q", "17'd0"));
  }
  // The output queue: a written row belongs to the oldest entry; when its last row is written
  // the entries move down; a hand-off appends at the first free entry.
  std::vector<Stmt> shift, append;
  for (unsigned e = 0; e < entries; ++e) {
    for (const char* f : {"q_n", "q_lo", "q_hi"}) {
      shift.push_back(Set(f + N(e) + "_q", e + 1 < entries ? f + N(e + 1) + "_q" : "17'd0"));
    }
    append.push_back(
        If("q_pos == " + N(eb) + "'d" + N(e),
           {Set("q_n" + N(e) + "_q", "{1'b0, p_m_q}"), Set("q_lo" + N(e) + "_q", "{1'b0, p_acc_q}"),
            Set("q_hi" + N(e) + "_q", "p_acc_hi")}));
  }
  std::vector<Stmt> body = {
      Set("rvalid_q", "streaming_q"),
      Set("rswap_q", "streaming_q && s_first_q"),
      Set("rload_q", "l_busy_q"),
      Set("rpad_q", "streaming_q && s_pad"),
      Set("rrow_q", "l_cnt_q"),
      Comment("Output stage: register the row, its address and (for accumulate) the old value."),
      Set("w_valid_q", "o_valid"),
      Set("w_clear_q", "o_clear"),
      Set("w_addr_q", "o_addr"),
      Set("w_out_q", "out_i"),
      If("since_q != " + N(sb) + "'d" + N(since_ok),
         {Set("since_q", "since_q + " + N(sb) + "'d1")}),
      Comment("Accept a command into the free slot."),
      If("start_i && !p_valid_q",
         {Set("p_valid_q", "1'b1"), Set("p_act_q", "act_addr_i"), Set("p_act_end_q", "act_end_i"),
          Set("p_wgt_q", "wgt_addr_i"), Set("p_wgt_end_q", "wgt_end_i"), Set("p_m_q", "k_i"),
          Set("p_zp_q", "zp_i"), Set("p_clear_q", "clear_i"), Set("p_acc_q", "acc_addr_i"),
          Set("p_started_q", "1'b0"), Set("p_cont_q", "1'b0")}),
      If("start_i && !p_valid_q", ConvAccept()),
      Comment("Loader."),
      If("l_busy_q", {Set("l_cnt_q", "l_cnt_q + " + N(rb) + "'d1"),
                      If("l_cnt_q == " + N(rb) + "'d" + N(rows - 1), {Set("l_busy_q", "1'b0")})}),
      If("l_start", {Set("l_busy_q", "1'b1"), Set("l_cnt_q", N(rb) + "'d0"),
                     Set("l_wgt_q", "p_wgt_q"), Set("p_started_q", "1'b1")}),
      Comment("Streamer; the slot moves on to the next block or frees."),
      If("handoff",
         {Set("streaming_q", "1'b1"), Set("s_act_q", "p_act_q"), Set("s_m_q", "p_m_q"),
          Set("s_idx_q", "16'd0"), Set("s_clear_q", "p_clear_q"), Set("s_acc_q", "p_acc_q"),
          Set("s_first_q", "1'b1"), Set("zp_q", "p_zp_q"), Set("since_q", N(sb) + "'d0"),
          If("p_last", {Set("p_valid_q", "1'b0")},
             {If("!p_conv_q", {Set("p_act_q", "p_act_next[15:0]")}),
              Set("p_wgt_q", "p_wgt_q + 16'd" + N(rows)), Set("p_clear_q", "1'b0"),
              Set("p_started_q", "1'b0"), Set("p_cont_q", "1'b1")})},
         {If("streaming_q", {Set("s_idx_q", "s_idx_q + 16'd1"), Set("s_first_q", "1'b0"),
                             If("stream_last", {Set("streaming_q", "1'b0")})})}),
      Comment("im2col: the streamer's position and the slot's next block."),
      If("handoff", ConvHandoff(), {If("streaming_q", ConvStep())}),
      If("handoff && !p_last", ConvNextBlock()),
      If("w_valid_q", {Set("q_n0_q", "q_n0_q - 17'd1")}),
      If("q_shift", shift),
      If("handoff", append),
      Set("q_cnt_q", "q_cnt_q - {" + N(eb - 1) + "'d0, q_shift} + {" + N(eb - 1) + "'d0, handoff}"),
  };
  s.Seq(clk, rst, reset, body);
  return m;
}

}  // namespace salsa::blocks
