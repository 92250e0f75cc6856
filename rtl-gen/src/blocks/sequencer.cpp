// salsa_sequencer: fetches 32-byte commands from DRAM, checks them and runs them in order.
#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// [a_lo, a_hi) and [b_lo, b_hi) intersect (17-bit word addresses).
std::string Overlap17(const std::string& a_lo, const std::string& a_hi, const std::string& b_lo,
                      const std::string& b_hi) {
  return "((" + a_lo + " < " + b_hi + ") && (" + b_lo + " < " + a_hi + "))";
}

// The LOAD's scratchpad range [ld_lo, ld_hi) (ld_hi 33 bits wide) meets [b_lo, b_hi).
std::string LdOverlap(const std::string& b_lo, const std::string& b_hi) {
  return "((ld_lo < " + b_hi + ") && ({16'd0, " + b_lo + "} < ld_hi))";
}

}  // namespace

Module BuildSequencer(const Config& cfg) {
  namespace k = contract;
  const unsigned aw = cfg.axi_addr_bits, cb = CountBits(cfg.cols);
  Module m(
      "salsa_sequencer",
      "Command sequencer: on start, fetches CMD_COUNT commands of 32 bytes from CMD_BASE "
      "through the read DMA and issues them in order. A LOAD is done once the read DMA "
      "accepts it (up to two LOADs have data in flight, in a load table), a COMPUTE or a "
      "STORE is handed to its unit; all of them then run while later commands are fetched "
      "and issued. A command waits while it would touch a scratchpad range that a running unit "
      "still reads or writes (hazard check), so results equal strictly sequential "
      "execution. A bad opcode, a bad field, a scratchpad range overflow or an AXI error "
      "response stops the list with an error code and the failing command's index, after "
      "the running units finish; it never hangs.");
  // StFetch: wait for the next command in the prefetch FIFO.
  const char* states[] = {"StIdle", "StFetch", "StDecode",  "StIssue",
                          "StLoad", "StNext",  "StQuiesce", "StFinish"};
  for (unsigned i = 0; i < sizeof(states) / sizeof(states[0]); ++i) {
    m.LocalParam(states[i], "4'd" + N(i), "4");
  }
  const unsigned db = k::DestBits(cfg.structured24), tw = 16 + db;  // destination, tag bits
  m.LocalParam("DestCmd", N(db) + "'d" + N(cfg.structured24 ? 4 : 3), N(db));
  constexpr unsigned kPrefetch = 16;         // commands the prefetch FIFO holds
  const unsigned pb = CountBits(kPrefetch);  // bits of a command count up to kPrefetch
  const std::string P = N(pb) + "'d";
  m.LocalParam("Prefetch", N(kPrefetch));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("start_i");
  m.In("cmd_base_i", "64");
  m.In("cmd_count_i", "32");
  m.Out("busy_o");
  m.Out("done_o");
  m.Out("err_code_o", "4");
  m.Out("err_cmd_o", "32");
  m.Out("ev_load_o");
  m.Out("ev_store_o");
  m.Out("ev_cmd_o");
  m.Out("rd_req_valid_o");
  m.In("rd_req_ready_i");
  m.Out("rd_req_addr_o", N(aw));
  m.Out("rd_req_row_bytes_o", "24");
  m.Out("rd_req_rows_o", "16");
  m.Out("rd_req_stride_o", "32");
  m.In("rd_busy_i");
  m.Out("rd_req_tag_o", N(tw));
  m.In("rd_pop_i");
  m.In("rd_pop_tag_i", N(tw));
  m.In("rd_retire_i");
  m.In("rd_retire_err_i");
  m.Out("dest_o", N(db));
  m.In("cmd_valid_i");
  m.In("cmd_data_i", N(k::kCmdBytes * 8));
  m.Out("cmd_ready_o");
  m.In("load_word_i");
  m.Out("load_waddr_o", "16");
  m.Out("cmp_start_o");
  m.Out("cmp_act_addr_o", "16");
  m.Out("cmp_wgt_addr_o", "16");
  m.Out("cmp_k_o", "16");
  m.Out("cmp_zp_o", "8");
  m.Out("cmp_clear_o");
  m.Out("cmp_drain_o");
  m.Out("cmp_acc_addr_o", "16");
  const bool st = cfg.structured24;
  if (st) m.Out("cmp_structured_o");
  const bool ws_out = cfg.dataflow == Dataflow::kWeightStationary;
  if (ws_out) {
    m.Out("cmp_act_end_o", "17");  // ws: where the command's act and weight words end
    m.Out("cmp_wgt_end_o", "17");
  }
  for (const ComputeStatus& st : kComputeStatus) {
    m.In(std::string("cmp_") + st.name + "_i", N(st.bits));
  }
  m.Out("st_start_o");
  m.Out("st_acc_addr_o", "16");
  m.Out("st_rows_o", "16");
  m.Out("st_bytes_o", N(cb));
  m.Out("st_bias_addr_o", "16");
  m.Out("st_dram_addr_o", N(aw));
  m.Out("st_stride_o", "32");
  m.Out("st_mult_o", "32");
  m.Out("st_shift_o", "8");
  m.Out("st_zp_o", "8");
  m.Out("st_min_o", "8");
  m.Out("st_max_o", "8");
  m.Out("st_perch_o");
  m.Out("st_qaddr_o", "16");
  m.In("st_done_i");
  m.In("st_busy_i");
  m.In("wr_err_i");
  const bool zs = cfg.zero_skip;
  const unsigned lb = Clog2(cfg.BusBytes());
  const bool ws = cfg.dataflow == Dataflow::kWeightStationary;
  if (!ws) m.Out("cmp_accum_o");
  if (zs) {
    m.Out("cmp_scan_o");
    m.Out("cmp_lanes_o", "8");
    m.Out("cmp_indexed_o");
    m.Out("cmp_j0_o", "16");
    m.Out("cmp_stride_o", "8");
    m.Out("cmp_group_o");
    m.In("cmp_scanning_i");
    m.In("cmp_nnz_i", "16");
    m.Out("rd_req_gather_o");
    m.Out("rd_req_j0_o", "16");
    m.Out("ev_skip_bytes_o", "40");
    m.Out("ev_skip_steps_o", "24");
  }
  Scope s = m.Body();
  s.Reg("state_q", "4");
  s.Reg("cmd_q", N(k::kCmdBytes * 8));
  s.Reg("idx_q", "32");
  s.Reg("err_code_q", "4");
  s.Reg("err_cmd_q", "32");
  s.Reg("dest_q", N(db));  // destination of the read DMA's open request (set when its data start)
  s.Reg("waddr_q", "16");
  // LOADs issued whose data have not all landed (oldest first): target, word range, index.
  constexpr unsigned kLt = 4;  // LOADs in flight the load table tracks
  const unsigned ltb = CountBits(kLt);
  const std::string L = N(ltb) + "'d";
  s.Reg("lt_n_q", N(ltb));
  s.Wire("lt_pos", N(ltb));
  for (unsigned e = 0; e < kLt; ++e) {
    s.Reg("lt_tgt" + N(e) + "_q", "2");
    s.Reg("lt_lo" + N(e) + "_q", "17");
    s.Reg("lt_hi" + N(e) + "_q", "17");
    s.Reg("lt_idx" + N(e) + "_q", "32");
  }
  s.Wire("lt_retire");
  s.Wire("lt_push");
  s.Reg("load_hz");
  s.Wire("blocked");
  s.Reg("done_q");
  s.Reg("abort_q");
  // Command prefetch: up to Prefetch commands are fetched ahead, in batches of one DMA row each,
  // into a FIFO; fetch_idx_q is the next command to fetch, pending_q the ones requested but not
  // yet arrived. A batch is requested only when the FIFO has room for all of it, so the DMA never
  // stalls on a full FIFO.
  s.Reg("fetch_idx_q", "32");
  s.Reg("pending_q", N(pb));
  s.Reg("fetch_err_q");
  s.Wire("fifo_count", N(pb));
  s.Wire("fifo_empty");
  s.Wire("fifo_full");
  s.Wire("fifo_head", N(k::kCmdBytes * 8));
  s.Wire("fifo_pop");
  s.Wire("fifo_push");
  s.Wire("remaining", "32");
  s.Wire("room", N(pb));
  s.Wire("batch", N(pb));
  s.Wire("fetch_running");
  s.Wire("fetch_go");
  // What the running units touch: the compute controller reports the act, weight and acc word
  // ranges its commands use; the sequencer keeps the STORE's acc footprint (rows, bias and
  // per-channel words) and its index (for a late write error).
  s.Reg("is_lo_q", "17");
  s.Reg("is_hi_q", "17");
  s.Reg("is_par_lo_q", "17");
  s.Reg("is_par_hi_q", "17");
  s.Reg("is_idx_q", "32");
  for (unsigned w = 0; w < 8; ++w) {
    s.Wire("w" + N(w), "32");
    s.Assign("w" + N(w), Slice("cmd_q", N(32 * w + 31), N(32 * w)));
  }
  s.Wire("opcode", "8");
  s.Wire("target", "2");
  s.Wire("dram_addr", "64");
  s.Wire("load_words", "32");
  s.Wire("load_limit", "17");
  s.Wire("load_wbytes", "9");
  s.Wire("load_end", "33");
  s.Wire("row_bytes", "24");
  s.Wire("addr_ok");
  s.Wire("cmp_act_end", "17");
  s.Wire("cmp_wgt_end", "17");
  s.Wire("bad_flags");
  if (st) s.Wire("cmp_act_end_w", "18");  // a 2:4 COMPUTE reads 2K act words
  if (zs) {
    // Zero-skip: the last SCAN's act range (what indexed COMPUTEs read), a gather LOAD's rows
    // after clamping to the index list, and an indexed COMPUTE's weight span.
    s.Reg("sc_lo_q", "17");
    s.Reg("sc_hi_q", "17");
    s.Wire("gather");
    s.Wire("g_avail", "16");
    s.Wire("g_rows", "16");
    s.Wire("c_avail", "16");
    s.Wire("c_keff", "16");
    s.Wire("c_empty");
    s.Wire("cmp_act_lo", "17");
    s.Wire("cmp_wgt_span", "25");
    s.Wire("cmp_wgt_end_w", "26");
  }
  s.Wire("cmp_acc_end", "17");
  s.Wire("cmp_writes_acc");
  s.Wire("st_acc_end", "17");
  s.Wire("st_q_end", "17");
  s.Wire("shift_s", "8", true);
  s.Wire("min_s", "8", true);
  s.Wire("max_s", "8", true);
  s.Reg("dec_err", "4");
  s.Wire("st_par_lo", "17");
  s.Wire("st_par_hi", "17");
  s.Wire("st_bias_lo", "17");
  s.Wire("ld_lo", "17");
  s.Wire("ld_hi", "33");
  s.Reg("hazard");
  s.Assign("opcode", "w0[7:0]");
  s.Assign("target", "w0[9:8]");
  s.Assign("dram_addr", "{w5, w4}");
  s.Assign("addr_ok", aw == 64 ? "1'b1" : "dram_addr[63:" + N(aw) + "] == " + N(64 - aw) + "'d0");
  s.Note("LOAD: words x rows words of the target's width; its bytes per row; the end address.");
  s.Assign("load_words", "w1[31:16] * w2[15:0]");
  s.Assign("load_limit", "(target == 2'd0) ? 17'd" + N(cfg.act.Words()) +
                             " : (target == 2'd1) ? 17'd" + N(cfg.weight.Words()) +
                             (st ? " : (target == 2'd3) ? 17'd" + N(cfg.weight.Words() / 4) : "") +
                             " : 17'd" + N(cfg.acc.Words()));
  s.Assign("load_wbytes", "(target == 2'd0) ? 9'd" + N(cfg.rows) + " : (target == 2'd1) ? 9'd" +
                              N(cfg.cols) + (st ? " : (target == 2'd3) ? 9'd" + N(cfg.cols) : "") +
                              " : 9'd" + N(4 * cfg.cols));
  s.Assign("load_end", "{17'd0, w1[15:0]} + {1'b0, load_words}");
  s.Assign("row_bytes", "{8'd0, w1[31:16]} * {15'd0, load_wbytes}");
  // A COMPUTE's ranges. os: K act and weight words, drain to rows acc words (with w0[9]);
  // ws: M act words, rows weight words, M acc words written (always).
  if (zs) {
    s.Note(
        "Zero-skip: an indexed COMPUTE (w0[10]) reads the last SCAN's act words and weight "
        "words wb + e*S for e < K; a gather LOAD (w0[10]) moves min(rows, nnz - j0) rows.");
    s.Assign("cmp_act_lo", "w0[10] ? sc_lo_q : {1'b0, w1[15:0]}");
    s.Assign("cmp_act_end", "w0[10] ? sc_hi_q : {1'b0, w1[15:0]} + {1'b0, w2[15:0]}");
    s.Assign("cmp_wgt_span",
             "!w0[10] ? {9'd0, w2[15:0]} : w0[13] ? {9'd0, w2[15:0]} * {17'd0, w2[31:24]} "
             ": ({9'd0, w2[15:0]} - 25'd1) * {17'd0, w2[31:24]} + 25'd1");
    s.Assign("cmp_wgt_end_w", "{10'd0, w1[31:16]} + {1'b0, cmp_wgt_span}");
    s.Assign("cmp_wgt_end", "cmp_wgt_end_w[16:0]");
    s.Assign("gather", "w0[10]");
    s.Assign("g_avail", "cmp_nnz_i - w2[31:16]");
    s.Assign("g_rows",
             "(w2[31:16] >= cmp_nnz_i) ? 16'd0 : (w2[15:0] < g_avail) ? w2[15:0] : g_avail");
    s.Assign("bad_flags", "(opcode == 8'd" + N(k::kOpLoad) +
                              ") ? (w0[11] || (w0[10] && (target != 2'd" + N(k::kTargetWeight) +
                              " || w3[" + N(lb ? lb - 1 : 0) + ":0] != " + N(lb ? lb : 1) +
                              "'d0))) : (w0[12] || (w0[10] && w2[31:24] == 8'd0) || "
                              "(w0[13] && !(w0[10] && w0[9])))");
  } else if (st) {
    s.Note(
        "2:4: a 2:4 COMPUTE (w0[12]) reads K weight and meta words and 2K act words from an "
        "even act address, K even; LOAD target 3 fills the meta scratchpad.");
    s.Assign("cmp_act_end_w",
             "w0[12] ? {2'b0, w1[15:0]} + {1'b0, w2[15:0], 1'b0} "
             ": {2'b0, w1[15:0]} + {2'b0, w2[15:0]}");
    s.Assign("cmp_act_end", "cmp_act_end_w[16:0]");
    s.Assign("cmp_wgt_end", "{1'b0, w1[31:16]} + {1'b0, w2[15:0]}");
    s.Assign("bad_flags", "w0[10] || ((opcode == 8'd" + N(k::kOpCompute) +
                              ") ? (w0[13] || (w0[12] && (w2[0] || w1[0]))) : w0[11])");
  } else {
    if (ws) {
      s.Note(
          "ws: a COMPUTE covers B = w3[31:16] K blocks (0 reads as 1): B*M act words and B*rows "
          "weight words; an end past 17 bits saturates (a range error).");
      s.Wire("ws_blocks", "16");
      s.Wire("ws_act_end_w", "33");
      s.Wire("ws_wgt_end_w", "33");
      s.Assign("ws_blocks", "(w3[31:16] == 16'd0) ? 16'd1 : w3[31:16]");
      s.Assign("ws_act_end_w",
               "{17'd0, w1[15:0]} + {1'b0, {16'd0, w2[15:0]} * {16'd0, ws_blocks}}");
      s.Assign("ws_wgt_end_w",
               "{17'd0, w1[31:16]} + {1'b0, {16'd0, ws_blocks} * 32'd" + N(cfg.rows) + "}");
      s.Assign("cmp_act_end", "(|ws_act_end_w[32:17]) ? 17'h1ffff : ws_act_end_w[16:0]");
      s.Assign("cmp_wgt_end", "(|ws_wgt_end_w[32:17]) ? 17'h1ffff : ws_wgt_end_w[16:0]");
      s.Assign("cmp_act_end_o", "cmp_act_end");
      s.Assign("cmp_wgt_end_o", "cmp_wgt_end");
    } else {
      s.Assign("cmp_act_end", "{1'b0, w1[15:0]} + {1'b0, w2[15:0]}");
      s.Assign("cmp_wgt_end", "{1'b0, w1[31:16]} + {1'b0, w2[15:0]}");
    }
    s.Note(std::string("The zero-skip flag w0[10] and the 2:4 flag w0[12] (COMPUTE) are field "
                       "errors without sparsity.zero_skip or sparsity.structured; accumulate ") +
           (ws ? "(w0[11]) is one too: a ws drain always adds." : "(w0[11]) is one on a LOAD."));
    s.Assign("bad_flags",
             std::string("w0[10] || ") +
                 (ws ? "w0[11] || ((opcode == 8'd" + N(k::kOpCompute) + ") && (w0[12] || w0[13]))"
                     : "((opcode == 8'd" + N(k::kOpCompute) + ") ? (w0[12] || w0[13]) : w0[11])"));
  }
  s.Assign("cmp_acc_end", ws   ? "{1'b0, w3[15:0]} + {1'b0, w2[15:0]}"
                          : zs ? "{1'b0, w3[15:0]} + (w0[13] ? {9'd0, w2[31:24]} * 17'd" +
                                     N(cfg.rows) + " : 17'd" + N(cfg.rows) + ")"
                               : "{1'b0, w3[15:0]} + 17'd" + N(cfg.rows));
  s.Assign("cmp_writes_acc", ws ? "1'b1" : "w0[9]");
  s.Assign("st_acc_end", "{1'b0, w1[15:0]} + {1'b0, w1[31:16]}");
  s.Assign("st_q_end", "{1'b0, w0[31:16]} + 17'd2");
  s.Note(
      "A STORE's acc footprint: its rows [w1[15:0], st_acc_end) and its parameter words "
      "[st_par_lo, st_par_hi) (the bias word and, per channel, the two quant words).");
  s.Assign("st_bias_lo", "{1'b0, w2[31:16]}");
  s.Assign("st_par_lo",
           "(w0[8] && {1'b0, w0[31:16]} < st_bias_lo) ? {1'b0, w0[31:16]} : "
           "st_bias_lo");
  s.Assign("st_par_hi",
           "(w0[8] && st_q_end > st_bias_lo + 17'd1) ? st_q_end : "
           "(st_bias_lo + 17'd1)");
  if (st) {
    s.Note("A meta LOAD's range in weight words (a meta word holds four weight words' positions).");
    s.Assign("ld_lo", "(target == 2'd3) ? {w1[14:0], 2'b00} : {1'b0, w1[15:0]}");
    s.Assign("ld_hi", "(target == 2'd3) ? {load_end[30:0], 2'b00} : load_end");
  } else {
    s.Assign("ld_lo", "{1'b0, w1[15:0]}");
    s.Assign("ld_hi", "load_end");
  }
  s.Assign("shift_s", "w7[7:0]");
  s.Assign("min_s", "w7[23:16]");
  s.Assign("max_s", "w7[31:24]");
  const std::string e_op = "4'd" + N(k::ErrCodeOf("bad_opcode")),
                    e_rng = "4'd" + N(k::ErrCodeOf("scratchpad_range")),
                    e_fld = "4'd" + N(k::ErrCodeOf("bad_field")), e_ok = "4'd0";
  std::vector<CaseItem> decode = {
      {{"8'd" + N(k::kOpLoad)},
       {If(std::string(st ? "" : "target == 2'd3 || ") +
               "w1[31:16] == 16'd0 || w2[15:0] == 16'd0 || !addr_ok || bad_flags",
           {Set("dec_err", e_fld)},
           {If("load_end > {16'd0, load_limit}", {Set("dec_err", e_rng)})})}},
      {{"8'd" + N(k::kOpCompute)},
       {If("w2[15:0] == 16'd0 || bad_flags", {Set("dec_err", e_fld)},
           {If((st ? "cmp_act_end_w > 18'd" : "cmp_act_end > 17'd") + N(cfg.act.Words()) + " || " +
                   (zs ? "cmp_wgt_end_w > 26'd" : "cmp_wgt_end > 17'd") + N(cfg.weight.Words()) +
                   " || (cmp_writes_acc && cmp_acc_end > 17'd" + N(cfg.acc.Words()) + ")",
               {Set("dec_err", e_rng)})})}},
      {{"8'd" + N(k::kOpStore)},
       {If("w1[31:16] == 16'd0 || w2[15:0] == 16'd0 || w2[15:0] > 16'd" + N(cfg.cols) +
               " || shift_s < -8'sd31 || shift_s > 8'sd30 || min_s > max_s || !addr_ok",
           {Set("dec_err", e_fld)},
           {If("st_acc_end > 17'd" + N(cfg.acc.Words()) + " || w2[31:16] >= 16'd" +
                   N(cfg.acc.Words()) + " || (w0[8] && st_q_end > 17'd" + N(cfg.acc.Words()) + ")",
               {Set("dec_err", e_rng)})})}},
      {{"8'd" + N(k::kOpSync)}, {}}};
  if (zs) {
    decode.push_back({{"8'd" + N(k::kOpScan)},
                      {If("w2[15:0] == 16'd0 || w3[7:0] == 8'd0 || w3[7:0] > 8'd" + N(cfg.rows),
                          {Set("dec_err", e_fld)},
                          {If("{1'b0, w1[15:0]} + {1'b0, w2[15:0]} > 17'd" + N(cfg.act.Words()),
                              {Set("dec_err", e_rng)})})}});
  }
  s.Comb({Set("dec_err", e_ok), Case("opcode", decode, {Set("dec_err", e_op)})});

  // The acc rows a COMPUTE will drain or is draining meet [lo, hi).
  auto acc_busy = [](const std::string& lo, const std::string& hi, bool load) {
    auto ov = [&](const std::string& a, const std::string& b) {
      return load ? LdOverlap(a, b) : Overlap17(lo, hi, a, b);
    };
    return "(cmp_acc0_busy_i && " + ov("cmp_acc0_lo_i", "cmp_acc0_hi_i") +
           ") || (cmp_acc1_busy_i && " + ov("cmp_acc1_lo_i", "cmp_acc1_hi_i") + ")";
  };
  s.Note("Hazards against the running units; a command waits in StIssue while one holds.");
  s.Comb(
      {Set("hazard", "1'b0"),
       Case("opcode",
            {{{"8'd" + N(k::kOpLoad)},
              {Case("target",
                    {{{"2'd0"},
                      {Set("hazard",
                           "cmp_act_busy_i && " + LdOverlap("cmp_act_lo_i", "cmp_act_hi_i"))}},
                     {st ? std::vector<std::string>{"2'd1", "2'd3"}
                         : std::vector<std::string>{"2'd1"},
                      {Set("hazard", std::string(zs ? "(gather && cmp_scanning_i) || " : "") +
                                         "(cmp_wgt_busy_i && " +
                                         LdOverlap("cmp_wgt_lo_i", "cmp_wgt_hi_i") + ")")}}},
                    {Set("hazard", acc_busy("", "", true) + " || (st_busy_i && (" +
                                       LdOverlap("is_lo_q", "is_hi_q") + " || " +
                                       LdOverlap("is_par_lo_q", "is_par_hi_q") + "))")})}},
             {{"8'd" + N(k::kOpCompute)},
              {Set("hazard",
                   "cmp_feed_busy_i || (cmp_writes_acc && st_busy_i && (" +
                       Overlap17("{1'b0, w3[15:0]}", "cmp_acc_end", "is_lo_q", "is_hi_q") + " || " +
                       Overlap17("{1'b0, w3[15:0]}", "cmp_acc_end", "is_par_lo_q", "is_par_hi_q") +
                       "))")}},
             {{"8'd" + N(k::kOpStore)},
              {Set("hazard", "st_busy_i || " + acc_busy("{1'b0, w1[15:0]}", "st_acc_end", false) +
                                 " || " + acc_busy("st_par_lo", "st_par_hi", false))}}},
            {Set("hazard", "cmp_busy_i || st_busy_i")})});
  s.Note("Hazards against LOADs whose data are still arriving (the load table).");
  auto lt_hit = [&](unsigned tgt, const std::string& lo, const std::string& hi) {
    std::string e;
    for (unsigned i = 0; i < kLt; ++i) {
      e += std::string(i ? " || " : "") + "((lt_n_q > " + L + N(i) + ") && (lt_tgt" + N(i) +
           "_q == 2'd" + N(tgt) + ") && " +
           Overlap17(lo, hi, "lt_lo" + N(i) + "_q", "lt_hi" + N(i) + "_q") + ")";
    }
    return "(" + e + ")";
  };
  s.Comb({Set("load_hz", "1'b0"),
          Case("opcode",
               {{{"8'd" + N(k::kOpLoad)}, {Set("load_hz", "lt_n_q == " + L + N(kLt))}},
                {{"8'd" + N(k::kOpCompute)},
                 {Set("load_hz",
                      lt_hit(k::kTargetAct, zs ? "cmp_act_lo" : "{1'b0, w1[15:0]}", "cmp_act_end") +
                          " || " + lt_hit(k::kTargetWeight, "{1'b0, w1[31:16]}", "cmp_wgt_end") +
                          (st ? " || " + lt_hit(k::kTargetMeta, "{1'b0, w1[31:16]}", "cmp_wgt_end")
                              : std::string()) +
                          " || (cmp_writes_acc && " +
                          lt_hit(k::kTargetAcc, "{1'b0, w3[15:0]}", "cmp_acc_end") + ")")}},
                {{"8'd" + N(k::kOpStore)},
                 {Set("load_hz", lt_hit(k::kTargetAcc, "{1'b0, w1[15:0]}", "st_acc_end") + " || " +
                                     lt_hit(k::kTargetAcc, "st_par_lo", "st_par_hi"))}}},
               {Set("load_hz", "lt_n_q != " + L + "0")})});
  if (zs) {
    s.Note(
        "An indexed COMPUTE whose entries all lie past the index list does nothing: it completes "
        "at once, without waiting for the compute unit (its skipped steps are still counted).");
    s.Assign("c_avail", "cmp_nnz_i - w3[31:16]");
    s.Assign("c_keff",
             "(w3[31:16] >= cmp_nnz_i) ? 16'd0 : (w2[15:0] < c_avail) ? w2[15:0] : c_avail");
    s.Assign("c_empty", "(opcode == 8'd" + N(k::kOpCompute) +
                            ") && w0[10] && !cmp_scanning_i && (c_keff == 16'd0)");
    s.Assign("blocked", "!c_empty && (hazard || load_hz)");
  } else {
    s.Assign("blocked", "hazard || load_hz");
  }
  s.Assign("lt_push", "(state_q == StLoad) && rd_req_ready_i");
  s.Assign("lt_retire", "rd_retire_i && (dest_q != DestCmd)");
  s.Assign("lt_pos", "lt_n_q - (lt_retire ? " + L + "1 : " + L + "0)");
  s.Assign("busy_o", "state_q != StIdle");
  s.Assign("done_o", "done_q");
  s.Assign("err_code_o", "err_code_q");
  s.Assign("err_cmd_o", "err_cmd_q");
  s.Assign("ev_load_o", "(state_q == StLoad) || ((state_q == StIssue) && load_hz)");
  s.Assign("ev_store_o", "st_busy_i");
  s.Assign("ev_cmd_o", "state_q == StNext");
  s.Inst("salsa_fifo", "u_cmd_fifo", {{"Width", N(k::kCmdBytes * 8)}, {"Depth", "Prefetch"}},
         {{"clk_i", clk},
          {"rst_ni", rst},
          {"clear_i", "start_i && (state_q == StIdle)"},
          {"push_i", "fifo_push"},
          {"data_i", "cmd_data_i"},
          {"pop_i", "fifo_pop"},
          {"data_o", "fifo_head"},
          {"count_o", "fifo_count"},
          {"empty_o", "fifo_empty"},
          {"full_o", "fifo_full"}});
  s.Assign("cmd_ready_o", "!fifo_full");
  s.Assign("fifo_push", "cmd_valid_i && !fifo_full");
  s.Assign("fifo_pop", "(state_q == StFetch) && !abort_q && !fifo_empty");
  s.Assign("remaining", "cmd_count_i - fetch_idx_q");
  s.Assign("room", P + N(kPrefetch) + " - fifo_count - pending_q");
  s.Assign("batch",
           "(remaining < {" + N(32 - pb) + "'d0, room}) ? remaining[" + N(pb - 1) + ":0] : room");
  s.Note(
      "Fetch while the list runs, never during a LOAD (it owns the read DMA and its gearbox), "
      "in batches of at least half the FIFO unless fewer commands remain.");
  s.Assign("fetch_running",
           "(state_q == StFetch) || (state_q == StDecode) || "
           "(state_q == StIssue) || (state_q == StNext)");
  s.Assign("fetch_go",
           "fetch_running && !abort_q && !fetch_err_q && (remaining != 32'd0) && "
           "(batch != " +
               P + "0) && ((remaining < 32'd" + N(kPrefetch / 2) + ") ? ({" + N(32 - pb) +
               "'d0, batch} == remaining) : (batch >= " + P + N(kPrefetch / 2) + "))");
  s.Assign("rd_req_valid_o", "fetch_go || (state_q == StLoad)");
  s.Assign("rd_req_addr_o", "(state_q == StLoad) ? " + Slice("dram_addr", N(aw - 1), "0") + " : (" +
                                Slice("cmd_base_i", N(aw - 1), "0") + " + {" +
                                Slice("fetch_idx_q", N(aw - 6), "0") + ", 5'd0})");
  s.Assign("rd_req_row_bytes_o",
           "(state_q == StLoad) ? row_bytes : {" + N(19 - pb) + "'d0, batch, 5'd0}");
  s.Assign("rd_req_rows_o", zs ? "(state_q == StLoad) ? (gather ? g_rows : w2[15:0]) : 16'd1"
                               : "(state_q == StLoad) ? w2[15:0] : 16'd1");
  s.Assign("rd_req_stride_o", "(state_q == StLoad) ? w3 : 32'd0");
  s.Assign("rd_req_tag_o", std::string("(state_q == StLoad) ? {") +
                               (cfg.structured24 ? "1'b0, " : "") +
                               "target, w1[15:0]} : {DestCmd, 16'd0}");
  s.Assign("dest_o", "dest_q");
  s.Assign("load_waddr_o", "waddr_q");
  const std::string issue = "(state_q == StIssue) && !blocked && !abort_q";
  s.Assign("cmp_start_o", issue + (zs ? " && !c_empty" : "") + " && " +
                              (zs ? "((opcode == 8'd" + N(k::kOpCompute) + ") || (opcode == 8'd" +
                                        N(k::kOpScan) + "))"
                                  : "(opcode == 8'd" + N(k::kOpCompute) + ")"));
  if (!ws) s.Assign("cmp_accum_o", "w0[11]");
  if (zs) {
    s.Assign("cmp_scan_o", "opcode == 8'd" + N(k::kOpScan));
    s.Assign("cmp_lanes_o", "w3[7:0]");
    s.Assign("cmp_indexed_o", "w0[10]");
    s.Assign("cmp_j0_o", "w3[31:16]");
    s.Assign("cmp_stride_o", "w2[31:24]");
    s.Assign("cmp_group_o", "w0[13]");
    s.Assign("rd_req_gather_o", "(state_q == StLoad) && gather");
    s.Assign("rd_req_j0_o", "w2[31:16]");
    s.Note("Weight bytes a gather LOAD leaves out, counted when it issues.");
    s.Assign("ev_skip_bytes_o", "(" + issue + " && (opcode == 8'd" + N(k::kOpLoad) +
                                    ") && gather) ? {24'd0, w2[15:0] - g_rows} * "
                                    "{16'd0, row_bytes} : 40'd0");
    s.Note("K steps an indexed COMPUTE leaves out (per tile of a group), counted when it issues.");
    s.Assign("ev_skip_steps_o", "(" + issue + " && (opcode == 8'd" + N(k::kOpCompute) +
                                    ") && w0[10]) ? {8'd0, w2[15:0] - c_keff} * "
                                    "(w0[13] ? {16'd0, w2[31:24]} : 24'd1) : 24'd0");
  }
  s.Assign("cmp_act_addr_o", "w1[15:0]");
  s.Assign("cmp_wgt_addr_o", "w1[31:16]");
  s.Assign("cmp_k_o", "w2[15:0]");
  s.Assign("cmp_zp_o", "w2[23:16]");
  s.Assign("cmp_clear_o", "w0[8]");
  s.Assign("cmp_drain_o", "w0[9]");
  s.Assign("cmp_acc_addr_o", "w3[15:0]");
  if (st) s.Assign("cmp_structured_o", "w0[12]");
  s.Assign("st_start_o",
           "(state_q == StIssue) && !blocked && !abort_q && (opcode == 8'd" + N(k::kOpStore) + ")");
  s.Assign("st_acc_addr_o", "w1[15:0]");
  s.Assign("st_rows_o", "w1[31:16]");
  s.Assign("st_bytes_o", Slice("w2", N(cb - 1), "0"));
  s.Assign("st_bias_addr_o", "w2[31:16]");
  s.Assign("st_dram_addr_o", Slice("dram_addr", N(aw - 1), "0"));
  s.Assign("st_stride_o", "w3");
  s.Assign("st_mult_o", "w6");
  s.Assign("st_shift_o", "w7[7:0]");
  s.Assign("st_zp_o", "w7[15:8]");
  s.Assign("st_min_o", "w7[23:16]");
  s.Assign("st_max_o", "w7[31:24]");
  s.Assign("st_perch_o", "w0[8]");
  s.Assign("st_qaddr_o", "w0[31:16]");

  // Load table updates: on a retire every entry moves down one; a push writes entry lt_pos.
  Block lt_shift, lt_reset;
  for (unsigned e = 0; e < kLt; ++e) {
    const std::string d = N(e), n = N(e + 1 < kLt ? e + 1 : e);
    for (const char* f : {"tgt", "lo", "hi", "idx"}) {
      lt_shift.push_back(Set(std::string("lt_") + f + d + "_q", std::string("lt_") + f + n + "_q"));
    }
    lt_reset.push_back(Set("lt_tgt" + d + "_q", "2'd0"));
    lt_reset.push_back(Set("lt_lo" + d + "_q", "17'd0"));
    lt_reset.push_back(Set("lt_hi" + d + "_q", "17'd0"));
    lt_reset.push_back(Set("lt_idx" + d + "_q", "32'd0"));
  }
  std::vector<CaseItem> lt_push_items;
  for (unsigned e = 0; e < kLt; ++e) {
    const std::string d = N(e);
    lt_push_items.push_back(
        {{L + d},
         {Set("lt_tgt" + d + "_q", "target"), Set("lt_lo" + d + "_q", "ld_lo"),
          Set("lt_hi" + d + "_q", "ld_hi[16:0]"), Set("lt_idx" + d + "_q", "idx_q")}});
  }
  const Stmt lt_push_stmt = If("lt_push", {Case("lt_pos", lt_push_items, {})});
  auto fail = [](const std::string& code) {
    return Block{Set("err_code_q", code), Set("err_cmd_q", "idx_q"), Set("state_q", "StQuiesce")};
  };
  auto cat = [](Block a, const Block& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  Block seq_reset = cat(
      {Set("state_q", "StIdle"), Set("cmd_q", N(k::kCmdBytes * 8) + "'d0"), Set("idx_q", "32'd0"),
       Set("err_code_q", "4'd0"), Set("err_cmd_q", "32'd0"), Set("dest_q", "DestCmd"),
       Set("waddr_q", "16'd0"), Set("done_q", "1'b0"), Set("abort_q", "1'b0"),
       Set("is_lo_q", "17'd0"), Set("is_hi_q", "17'd0"), Set("is_par_lo_q", "17'd0"),
       Set("is_par_hi_q", "17'd0"), Set("is_idx_q", "32'd0"), Set("fetch_idx_q", "32'd0"),
       Set("pending_q", P + "0"), Set("fetch_err_q", "1'b0"), Set("lt_n_q", L + "0")},
      lt_reset);
  Block seq_body = {
      Set("done_q", "1'b0"),
      If("rd_pop_i",
         {Set("dest_q", Slice("rd_pop_tag_i", N(tw - 1), "16")),
          Set("waddr_q", "rd_pop_tag_i[15:0]")},
         {If("load_word_i", {Set("waddr_q", "waddr_q + 16'd1")})}),
      Case("state_q",
           {{{"StIdle"},
             {If("start_i",
                 {Set("idx_q", "32'd0"), Set("err_code_q", "4'd0"), Set("err_cmd_q", "32'd0"),
                  Set("abort_q", "1'b0"), Set("fetch_idx_q", "32'd0"), Set("pending_q", P + "0"),
                  Set("fetch_err_q", "1'b0"),
                  Set("state_q", "(cmd_count_i == 32'd0) ? StFinish : StFetch")})}},
            {{"StFetch"},
             {If("abort_q", {Set("state_q", "StQuiesce")},
                 {If("!fifo_empty", {Set("cmd_q", "fifo_head"), Set("state_q", "StDecode")})})}},
            {{"StDecode"},
             {If("abort_q", {Set("state_q", "StQuiesce")},
                 {If("fetch_err_q", fail("4'd" + N(k::ErrCodeOf("axi_read"))),
                     {If("dec_err != 4'd0", fail("dec_err"), {Set("state_q", "StIssue")})})})}},
            {{"StIssue"},
             {If("abort_q", {Set("state_q", "StQuiesce")},
                 {If("!blocked",
                     {Case("opcode",
                           {{{"8'd" + N(k::kOpLoad)},
                             {Set("state_q", zs ? "(gather && g_rows == 16'd0) ? StNext : StLoad"
                                                : "StLoad")}},
                            {{"8'd" + N(k::kOpCompute)}, {Set("state_q", "StNext")}},
                            {{"8'd" + N(k::kOpStore)},
                             {Set("is_lo_q", "{1'b0, w1[15:0]}"), Set("is_hi_q", "st_acc_end"),
                              Set("is_par_lo_q", "st_par_lo"), Set("is_par_hi_q", "st_par_hi"),
                              Set("is_idx_q", "idx_q"), Set("state_q", "StNext")}}},
                           {Set("state_q", "StNext")})})})}},
            {{"StLoad"}, {If("rd_req_ready_i", {Set("state_q", "StNext")})}},
            {{"StNext"},
             {Set("idx_q", "idx_q + 32'd1"),
              Set("state_q", "(abort_q || idx_q + 32'd1 == cmd_count_i) ? StQuiesce : StFetch")}},
            {{"StQuiesce"},
             {If("!cmp_busy_i && !st_busy_i && !rd_busy_i && (pending_q == " + P +
                     "0) && "
                     "(lt_n_q == " +
                     L + "0)",
                 {Set("state_q", "StFinish")})}},
            {{"StFinish"}, {Set("done_q", "1'b1"), Set("state_q", "StIdle")}}},
           {Set("state_q", "StIdle")}),
      Comment("Prefetch bookkeeping: a batch requested, a command arrived, a fetch error."),
      If("fetch_go && rd_req_ready_i",
         {Set("fetch_idx_q", "fetch_idx_q + {" + N(32 - pb) + "'d0, batch}")}),
      Set("pending_q", "pending_q + ((fetch_go && rd_req_ready_i) ? batch : " + P +
                           "0) - "
                           "(fifo_push ? " +
                           P + "1 : " + P + "0)"),
      If("rd_retire_i && (dest_q == DestCmd) && rd_retire_err_i", {Set("fetch_err_q", "1'b1")}),
      Comment("A LOAD reports a read error when its data have all arrived."),
      If("lt_retire && rd_retire_err_i && (err_code_q == 4'd0)",
         {Set("err_code_q", "4'd" + N(k::ErrCodeOf("axi_read"))), Set("err_cmd_q", "lt_idx0_q"),
          Set("abort_q", "1'b1")}),
      Comment("Load table: push at the LOAD's request, pop (oldest) when its data landed."),
      If("lt_retire", lt_shift),
      lt_push_stmt,
      Set("lt_n_q",
          "lt_n_q + (lt_push ? " + L + "1 : " + L + "0) - (lt_retire ? " + L + "1 : " + L + "0)"),
      Comment("A STORE reports a write error when it finishes, possibly commands later."),
      If("st_done_i && wr_err_i && (err_code_q == 4'd0)",
         {Set("err_code_q", "4'd" + N(k::ErrCodeOf("axi_write"))), Set("err_cmd_q", "is_idx_q"),
          Set("abort_q", "1'b1")})};
  if (zs) {
    seq_reset.push_back(Set("sc_lo_q", "17'd0"));
    seq_reset.push_back(Set("sc_hi_q", "17'd0"));
    seq_body.push_back(Comment("A SCAN's act range: what the indexed COMPUTEs after it read."));
    seq_body.push_back(If(issue + " && (opcode == 8'd" + N(k::kOpScan) + ")",
                          {Set("sc_lo_q", "{1'b0, w1[15:0]}"),
                           Set("sc_hi_q", "{1'b0, w1[15:0]} + {1'b0, w2[15:0]}")}));
  }
  s.Seq(clk, rst, seq_reset, seq_body);
  s.Wire("unused_cmd");
  s.Assign("unused_cmd", std::string(zs ? "^{w0[15:12], " : "^{w0[15:12], w2[31:24], w3[31:16], ") +
                             std::string(cb < 16 ? Slice("w2", "15", N(cb)) + ", " : "") +
                             (aw < 64 ? "cmd_base_i[63:" + N(aw) + "]" : std::string("1'b0")) +
                             "}");
  return m;
}

}  // namespace salsa::blocks
