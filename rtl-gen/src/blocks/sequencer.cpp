// salsa_sequencer: fetches 32-byte commands from DRAM, checks them and runs them in order.
// The builder's parts are in sequencer_fetch.cpp, sequencer_decode.cpp, sequencer_hazards.cpp and
// sequencer_units.cpp (sequencer_parts.h).
#include <initializer_list>

#include "blocks/blocks.h"
#include "blocks/sequencer_parts.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

SeqConfig::SeqConfig(const Config& c)
    : cfg(c),
      aw(c.axi_addr_bits),
      cb(StoreBytesBits(c)),
      db(contract::DestBits(c.structured24)),
      tw(ReadTagBits(c)),
      pf(SeqPrefetch(c)),
      pb(CountBits(pf)),
      P(N(pb) + "'d"),
      ltb(CountBits(kSeqLoadTable)),
      L(N(ltb) + "'d"),
      wtb(CountBits(kSeqWriteTable)),
      W(N(wtb) + "'d"),
      st(c.structured24),
      zs(c.zero_skip),
      ws(c.dataflow == Dataflow::kWeightStationary),
      lb(Clog2(c.BusBytes())),
      issue("(state_q == StIssue) && !blocked && !abort_q") {}

std::string FldBits(unsigned op, const char* name, unsigned hi, unsigned lo) {
  const contract::CmdField& f = contract::CmdFieldOf(op, name);
  const std::string w = "w" + N(f.word);
  return hi == lo ? w + "[" + N(f.lsb + lo) + "]" : Slice(w, N(f.lsb + hi), N(f.lsb + lo));
}

std::string OpLabel(unsigned op) { return N(contract::kCmdOpcode.width) + "'d" + N(op); }

namespace {

// The ports after clk_i and rst_ni.
void AddPorts(Module& m, const SeqConfig& c) {
  m.In("start_i");
  m.In("abort_i");  // CTRL.abort: stop issuing, quiesce, report aborted
  m.In("cmd_base_i", "64");
  m.In("cmd_count_i", "32");
  m.Out("busy_o");
  m.Out("done_o");
  m.Out("err_code_o", "4");
  m.Out("err_cmd_o", "32");
  m.Out("ev_load_o");
  m.Out("ev_store_o");
  m.Out("ev_cmd_o");
  ReadReq(c.cfg).DeclarePorts(m, "rd_", /*flip=*/true);
  m.Out("dest_o", N(c.db));
  m.In("cmd_valid_i");
  m.In("cmd_data_i", N(contract::kCmdBytes * 8));
  m.Out("cmd_ready_o");
  m.In("load_word_i");
  // K-slice builds whose weight LOADs write several words per cycle: how many (else one).
  const unsigned ww = WgtWriteWords(c.cfg), wnb = Clog2(c.cfg.BusBytes() + c.cfg.cols + 1);
  if (ww > 1) m.In("load_wn_i", N(wnb));
  m.Out("load_waddr_o", "16");
  if (SlicedGather(c.cfg)) m.Out("load_wsk_o");  // the words go to a sliced gather's layout
  ComputeCmd(c.cfg).DeclarePorts(m, "cmp_");
  if (c.st) m.Out("cmp_structured_o");
  if (c.ws) {
    m.Out("cmp_act_end_o", "17");  // ws: where the command's act and weight words end
    m.Out("cmp_wgt_end_o", "17");
  }
  ComputeStatusBundle().DeclarePorts(m, "cmp_", /*flip=*/true);
  StoreCmd(c.cfg).DeclarePorts(m, "st_");
  m.In("wr_retire_i");      // the write DMA: a STORE's writes have all been answered
  m.In("wr_retire_err_i");  // ... and one of them had an error response
  if (c.cfg.axi_timeout_cycles != 0) m.In("axi_timeout_i");  // a DMA's watchdog fired
  if (c.cfg.sram_ecc) m.In("ecc_err_i");  // a scratchpad read had an uncorrectable word
  if (!c.ws) m.Out("cmp_accum_o");
  if (c.zs) {
    ZeroSkipCmd().DeclarePorts(m, "cmp_");
    m.Out("rd_req_gather_o");
    m.Out("rd_req_j0_o", "16");
    m.Out("ev_skip_bytes_o", "40");
    m.Out("ev_skip_steps_o", "24");
  }
}

}  // namespace

Module BuildSequencer(const Config& cfg, const Built& built) {
  namespace k = contract;
  const SeqConfig c(cfg);
  Module m(
      "salsa_sequencer",
      "Command sequencer: on start, fetches CMD_COUNT commands of 32 bytes from CMD_BASE "
      "through the read DMA and issues them in order. A LOAD is done once the read DMA "
      "accepts it (up to four LOADs have data in flight, in a load table), a COMPUTE or a "
      "STORE is handed to its unit; all of them then run while later commands are fetched "
      "and issued. A STORE's writes may still await their responses when the next STORE starts "
      "(a write table of up to four); SYNC and the end of the list wait for them. A command waits "
      "while it would touch a scratchpad range that a running unit "
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
  m.LocalParam("DestCmd", N(c.db) + "'d" + N(c.st ? 4 : 3), N(c.db));
  m.LocalParam("Prefetch", N(c.pf));
  const std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  AddPorts(m, c);

  Scope s = m.Body();
  s.Reg("state_q", "4");
  s.Reg("cmd_q", N(k::kCmdBytes * 8));
  s.Reg("idx_q", "32");
  s.Reg("err_code_q", "4");
  s.Reg("err_cmd_q", "32");
  s.Reg("dest_q", N(c.db));  // destination of the read DMA's open request (set when its data start)
  s.Reg("waddr_q", "16");
  const bool sg = SlicedGather(c.cfg);
  const unsigned gwb = sg ? Clog2(c.cfg.gemv_slices) : 0;
  if (sg) {
    // A sliced gather's write position (sequencer_units.cpp): flag, base, words per row, row
    // base, entry % W and word in the entry.
    s.Reg("gk_q");
    s.Reg("gsp_q", "16");
    s.Reg("gwpr_q", "16");
    s.Reg("gr_q", "16");
    s.Reg("ge_q", N(gwb));
    s.Reg("gi_q", "16");
    s.Wire("gi_next", "16");
  }
  AddLoadTableDecls(s, c);
  s.Reg("done_q");
  s.Reg("abort_q");
  AddFetchDecls(s, c);
  AddIssueDecls(s, c);
  AddDecodeDecls(s, c);
  s.Reg("hazard");
  AddDecode(s, c);
  AddHazards(s, c);
  s.Assign("busy_o", "state_q != StIdle");
  s.Assign("done_o", "done_q");
  s.Assign("err_code_o", "err_code_q");
  s.Assign("err_cmd_o", "err_cmd_q");
  s.Assign("ev_load_o", "(state_q == StLoad) || ((state_q == StIssue) && load_hz)");
  s.Assign("ev_store_o", "st_busy_i");
  s.Assign("ev_cmd_o", "state_q == StNext");
  AddFetch(s, c, Child(built, "salsa_fifo"), clk, rst);
  AddReadRequest(s, c);
  AddUnitOutputs(s, c);

  // The state machine and every register: one process, its parts built by the files above.
  auto fail = [](const std::string& code) {
    return Block{Set("err_code_q", code), Set("err_cmd_q", "idx_q"), Set("state_q", "StQuiesce")};
  };
  const Block seq_reset = Cat(
      {{Set("state_q", "StIdle"), Set("cmd_q", N(k::kCmdBytes * 8) + "'d0"), Set("idx_q", "32'd0"),
        Set("err_code_q", "4'd0"), Set("err_cmd_q", "32'd0"), Set("dest_q", "DestCmd"),
        Set("waddr_q", "16'd0"), Set("done_q", "1'b0"), Set("abort_q", "1'b0")},
       sg ? Block{Set("gk_q", "1'b0"), Set("gsp_q", "16'd0"), Set("gwpr_q", "16'd0"),
                  Set("gr_q", "16'd0"), Set("ge_q", N(gwb) + "'d0"), Set("gi_q", "16'd0")}
          : Block{},
       IssueReset(),
       FetchReset(c),
       HazardReset(c)});
  const Block start = Cat({{Set("idx_q", "32'd0"), Set("err_code_q", "4'd0"),
                            Set("err_cmd_q", "32'd0"), Set("abort_q", "1'b0")},
                           FetchReset(c),
                           {Set("state_q", "(cmd_count_i == 32'd0) ? StFinish : StFetch")}});
  const Stmt fsm = Case(
      "state_q",
      {{{"StIdle"}, {If("start_i", start)}},
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
                      {{{OpLabel(k::kOpLoad)},
                        {Set("state_q",
                             c.zs ? "(gather && g_rows == 16'd0) ? StNext : StLoad" : "StLoad")}},
                       {{OpLabel(k::kOpCompute)}, {Set("state_q", "StNext")}},
                       {{OpLabel(k::kOpStore)}, Cat({IssueStore(), {Set("state_q", "StNext")}})}},
                      {Set("state_q", "StNext")})})})}},
       {{"StLoad"}, {If("rd_req_ready_i", {Set("state_q", "StNext")})}},
       {{"StNext"},
        {Set("idx_q", "idx_q + 32'd1"),
         Set("state_q", "(abort_q || idx_q + 32'd1 == cmd_count_i) ? StQuiesce : StFetch")}},
       {{"StQuiesce"},
        {If("!cmp_busy_i && !st_busy_i && !rd_busy_i && (pending_q == " + c.P +
                "0) && (lt_n_q == " + c.L + "0) && (wt_n_q == " + c.W + "0)",
            {Set("state_q", "StFinish")})}},
       {{"StFinish"}, {Set("done_q", "1'b1"), Set("state_q", "StIdle")}}},
      {Set("state_q", "StIdle")});
  // Every cycle: the LOAD's write address (from the read DMA's tag, then one up per word), the
  // state machine, the prefetch bookkeeping, the load table and the late errors.
  const unsigned ww = WgtWriteWords(c.cfg), wnb = Clog2(c.cfg.BusBytes() + c.cfg.cols + 1);
  const std::string wn = ww > 1 ? "{" + N(16 - wnb) + "'d0, load_wn_i}" : "16'd1";
  Block pop = {Set("dest_q", Slice("rd_pop_tag_i", N(15 + c.db), "16")),
               Set("waddr_q", "rd_pop_tag_i[15:0]")};
  Block word = {Set("waddr_q", "waddr_q + " + wn)};
  if (sg) {
    const unsigned tw = c.tw;
    s.Assign("gi_next", "gi_q + " + wn);
    for (const Stmt& x :
         Block{Set("gk_q", "rd_pop_tag_i[" + N(tw - 1) + "]"), Set("gsp_q", "rd_pop_tag_i[15:0]"),
               Set("gwpr_q", Slice("rd_pop_tag_i", N(tw - 2), N(tw - 17))), Set("gr_q", "16'd0"),
               Set("ge_q", N(gwb) + "'d0"), Set("gi_q", "16'd0")}) {
      pop.push_back(x);
    }
    s.Note("A sliced gather's next entry starts when its last word is written (wpr words).");
    word.push_back(If(
        "gi_next == gwpr_q",
        {Set("gi_q", "16'd0"), Set("ge_q", "ge_q + " + N(gwb) + "'d1"),
         If("ge_q == " + N(gwb) + "'d" + N(c.cfg.gemv_slices - 1), {Set("gr_q", "gr_q + gwpr_q")})},
        {Set("gi_q", "gi_next")}));
  }
  // CTRL.abort while running: abort_q stops the issue as a late error does (StQuiesce lets the
  // issued commands and their AXI transactions finish). A hardware error already latched, or
  // one found in the same cycle (HazardSeq, after it), is reported instead.
  const Stmt abort =
      If("abort_i && (state_q != StIdle) && (state_q != StFinish)",
         {Set("abort_q", "1'b1"),
          If("err_code_q == 4'd0",
             {Set("err_code_q", "4'd" + N(k::ErrCodeOf("aborted"))), Set("err_cmd_q", "idx_q")})});
  Block first = {Set("done_q", "1'b0"), If("rd_pop_i", pop, {If("load_word_i", word)}), fsm, abort};
  if (c.cfg.sram_ecc) {
    // An uncorrectable scratchpad word stops the issue as CTRL.abort does (the issued commands
    // finish: their results may be wrong), reported as ecc_uncorrectable unless an error came
    // first.
    first.push_back(If(
        "ecc_err_i && (state_q != StIdle) && (state_q != StFinish)",
        {Set("abort_q", "1'b1"),
         If("err_code_q == 4'd0", {Set("err_code_q", "4'd" + N(k::ErrCodeOf("ecc_uncorrectable"))),
                                   Set("err_cmd_q", "idx_q")})}));
  }
  Block seq_body = Cat({first, FetchSeq(c), HazardSeq(c)});
  if (c.cfg.axi_timeout_cycles != 0) {
    // Last, so that it wins: a dead bus cannot be quiesced, so the run ends at once with
    // axi_timeout (or the error already latched), and every later start ends the same way
    // until reset.
    seq_body.push_back(If(
        "axi_timeout_i && (state_q != StIdle) && (state_q != StFinish)",
        {If("err_code_q == 4'd0",
            {Set("err_code_q", "4'd" + N(k::ErrCodeOf("axi_timeout"))), Set("err_cmd_q", "idx_q")}),
         Set("state_q", "StFinish")}));
  }
  s.Seq(clk, rst, seq_reset, seq_body);
  AddUnusedCmd(s, c);
  return m;
}

}  // namespace salsa::blocks
