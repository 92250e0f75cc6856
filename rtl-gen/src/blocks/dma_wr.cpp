// salsa_dma_wr: the write half of the memory controller (AXI4 AW/W/B).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildDmaWr(const Config& cfg) {
  const unsigned B = cfg.BusBytes(), lb = Clog2(B), aw = cfg.axi_addr_bits;
  const unsigned line = cfg.cols + B;  // a row shifted by its offset inside the first beat
  const unsigned mo = cfg.axi_max_outstanding, ob = CountBits(mo);
  const unsigned cb = CountBits(cfg.cols);
  Module m("salsa_dma_wr",
           "AXI4 write DMA for output rows. A request is one row of 1..cols bytes to any byte "
           "address: the row is shifted to its offset in the first beat, write strobes mark its "
           "bytes, and it is sent as INCR bursts of at most MaxBurst beats that never cross a "
           "4 KB boundary. Up to MaxOutstanding bursts await their B response. A request marked "
           "req_last ends a STORE: when the B response of its last burst arrives, retire_o "
           "pulses, with retire_err_o set if any burst since the previous retire had an error "
           "response (B responses of one ID arrive in order, A5.3)." +
               std::string(cfg.axi_timeout_cycles != 0
                               ? " A watchdog (axi.timeout_cycles) latches timeout_o when a "
                                 "write waits that long for any AW, W or B handshake; no new "
                                 "burst is offered after it."
                               : ""));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  WriteReq(cfg).DeclarePorts(m);
  m.Out("retire_o");
  m.Out("retire_err_o");
  m.Out("beat_o");
  const bool wd = cfg.axi_timeout_cycles != 0;
  if (wd) m.Out("timeout_o");
  AxiWrite(cfg).DeclarePorts(m, "m_axi_");
  Scope s = m.Body();
  if (wd) {
    s.Reg("timeout_q");
    s.Reg("aw_held_q");  // the AW / W offered last cycle is still waiting for its handshake
    s.Reg("w_held_q");
  }
  s.Note(
      "A burst is open while busy_q: its AW and its W beats go out independently (W beats may "
      "lead or follow the AW handshake, as AXI A3.3.1 requires), and the next burst opens once "
      "both are done. addr_q and beats_q hold the open burst's start until then.");
  s.Reg("busy_q");
  s.Reg("aw_done_q");
  s.Reg("w_done_q");
  s.Reg("line_q", N(line * 8));
  s.Reg("strb_q", N(line));
  s.Reg("addr_q", N(aw));
  s.Reg("beats_q", "16");
  s.Reg("wcnt_q", "9");
  s.Reg("outstanding_q", N(ob));
  s.Reg("last_q");  // the open request is a STORE's last
  s.Note(
      "One bit per burst awaiting its B response, oldest in bit 0: the burst ends a STORE. The "
      "errors of a STORE's bursts gather in err_q until that bit retires them.");
  s.Reg("ends_q", N(mo));
  s.Wire("ends_pos", N(ob));
  s.Wire("ends_left", N(mo));
  s.Reg("err_q");
  s.Reg("retire_q");
  s.Reg("retire_err_q");
  s.Wire("off", N(lb));
  s.Wire("row_strb", N(line));
  s.Wire("to_4k", "13");
  s.Wire("len_burst", "9");
  s.Wire("len", "9");
  s.Wire("req_fire");
  s.Wire("aw_fire");
  s.Wire("w_fire");
  s.Wire("b_fire");
  s.Wire("burst_end");
  s.Assign("req_ready_o", "!busy_q");
  s.Assign("req_fire", "req_valid_i && req_ready_o");
  s.Assign("retire_o", "retire_q");
  s.Assign("retire_err_o", "retire_err_q");
  s.Assign("off", Slice("req_addr_i", N(lb - 1), "0"));
  s.Assign("row_strb", "({{" + N(line - 1) + "{1'b0}}, 1'b1} << req_bytes_i) - {{" + N(line - 1) +
                           "{1'b0}}, 1'b1}");
  s.Assign("to_4k", "(13'd4096 - {1'b0, addr_q[11:0]}) >> " + N(lb));
  s.Assign("len_burst", "(beats_q > 16'd" + N(cfg.axi_max_burst) + ") ? 9'd" +
                            N(cfg.axi_max_burst) + " : beats_q[8:0]");
  s.Assign("len", "(to_4k < {4'd0, len_burst}) ? to_4k[8:0] : len_burst");
  const std::string awvalid =
      "busy_q && !aw_done_q && (outstanding_q < " + N(ob) + "'d" + N(cfg.axi_max_outstanding) + ")";
  s.Assign("m_axi_awvalid", wd ? "(" + awvalid + ") && (!timeout_q || aw_held_q)" : awvalid);
  s.Assign("aw_fire", "m_axi_awvalid && m_axi_awready");
  s.Assign("m_axi_awaddr", "addr_q");
  s.Assign("m_axi_awlen", "len[7:0] - 8'd1");
  s.Assign("m_axi_awsize", "3'd" + N(lb));
  s.Assign("m_axi_awburst", "2'b01");
  s.Assign("m_axi_awid", N(cfg.axi_id_bits) + "'d0");
  AxiSideband(cfg, &s, "m_axi_aw");
  s.Assign("m_axi_wvalid",
           wd ? "busy_q && !w_done_q && (!timeout_q || w_held_q)" : "busy_q && !w_done_q");
  s.Assign("m_axi_wdata", Slice("line_q", N(B * 8 - 1), "0"));
  s.Assign("m_axi_wstrb", Slice("strb_q", N(B - 1), "0"));
  // --inject-defect dma-wlast (test only): WLAST a beat early on bursts of two beats or more.
  s.Assign("m_axi_wlast", cfg.inject_defect == "dma-wlast"
                              ? "(wcnt_q == len - 9'd1) || (wcnt_q == len - 9'd2)"
                              : "wcnt_q == len - 9'd1");
  s.Assign("w_fire", "m_axi_wvalid && m_axi_wready");
  s.Assign("m_axi_bready", "1'b1");
  s.Assign("b_fire", "m_axi_bvalid");
  s.Assign("beat_o", "w_fire");
  s.Assign("burst_end",
           "busy_q && (aw_done_q || aw_fire) && (w_done_q || (w_fire && m_axi_wlast))");
  s.Seq(clk, rst,
        {Set("busy_q", "1'b0"), Set("aw_done_q", "1'b0"), Set("w_done_q", "1'b0"),
         Set("line_q", N(line * 8) + "'d0"), Set("strb_q", N(line) + "'d0"),
         Set("addr_q", N(aw) + "'d0"), Set("beats_q", "16'd0"), Set("wcnt_q", "9'd0"),
         Set("last_q", "1'b0")},
        {If("req_fire",
            {Set("last_q", "req_last_i"),
             Set("line_q", "{" + N(B * 8) + "'d0, req_data_i} << {off, 3'b000}"),
             Set("strb_q", "row_strb << off"),
             Set("addr_q", "{" + Slice("req_addr_i", N(aw - 1), N(lb)) + ", " + N(lb) + "'d0}"),
             Set("beats_q", "({" + N(16 - lb) + "'d0, off} + {" + N(16 - cb) +
                                "'d0, req_bytes_i} + 16'd" + N(B - 1) + ") >> " + N(lb)),
             Set("busy_q", "1'b1")},
            {If("w_fire",
                {Set("line_q", "line_q >> " + N(B * 8)), Set("strb_q", "strb_q >> " + N(B))}),
             If("burst_end",
                {Set("aw_done_q", "1'b0"), Set("w_done_q", "1'b0"), Set("wcnt_q", "9'd0"),
                 Set("beats_q", "beats_q - {7'd0, len}"),
                 Set("addr_q", "addr_q + {" + N(aw - 9 - lb) + "'d0, len, " + N(lb) + "'d0}"),
                 If("beats_q == {7'd0, len}", {Set("busy_q", "1'b0")})},
                {If("aw_fire", {Set("aw_done_q", "1'b1")}),
                 If("w_fire", {Set("wcnt_q", "wcnt_q + 9'd1"),
                               If("m_axi_wlast", {Set("w_done_q", "1'b1")})})})})});
  const std::string one = "{{" + N(mo - 1) + "{1'b0}}, 1'b1}";
  s.Assign("ends_pos", "outstanding_q - (b_fire ? " + N(ob) + "'d1 : " + N(ob) + "'d0)");
  s.Assign("ends_left", "b_fire ? (ends_q >> 1) : ends_q");
  s.Seq(clk, rst,
        {Set("outstanding_q", N(ob) + "'d0"), Set("ends_q", N(mo) + "'d0"), Set("err_q", "1'b0"),
         Set("retire_q", "1'b0"), Set("retire_err_q", "1'b0")},
        {If("aw_fire && !b_fire", {Set("outstanding_q", "outstanding_q + " + N(ob) + "'d1")},
            {If("!aw_fire && b_fire", {Set("outstanding_q", "outstanding_q - " + N(ob) + "'d1")})}),
         Comment("The burst whose AW goes now ends a STORE when it is its last request's last."),
         If("aw_fire && last_q && (beats_q == {7'd0, len})",
            {Set("ends_q", "ends_left | (" + one + " << ends_pos)")}, {Set("ends_q", "ends_left")}),
         Set("retire_q", "b_fire && ends_q[0]"), Set("retire_err_q", "err_q || m_axi_bresp[1]"),
         If("b_fire", {Set("err_q", "!ends_q[0] && (err_q || m_axi_bresp[1])")})});
  if (wd) {
    s.Seq(clk, rst, {Set("aw_held_q", "1'b0"), Set("w_held_q", "1'b0")},
          {Set("aw_held_q", "m_axi_awvalid && !m_axi_awready"),
           Set("w_held_q", "m_axi_wvalid && !m_axi_wready")});
    AddAxiWatchdog(cfg, &s, clk, rst,
                   "!aw_fire && !w_fire && !m_axi_bvalid && (m_axi_awvalid || m_axi_wvalid || "
                   "(outstanding_q != " +
                       N(ob) + "'d0))");
  }
  s.Wire("unused_b");
  s.Assign("unused_b", "^{m_axi_bid, m_axi_bresp[0]}");
  return m;
}

}  // namespace salsa::blocks
