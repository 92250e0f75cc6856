// salsa_dma_rd: the read half of the memory controller (AXI4 AR/R).
#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// The request fields of a queue entry `q` whose top field starts at bit `top`: from the top
// addr (aw bits), row bytes (24), rows (16), stride (32, zero-extended to aw bits here).
struct ReqFields {
  std::string addr, row_bytes, rows, stride;
};
ReqFields Unpack(const std::string& q, unsigned top, unsigned aw) {
  const std::string stride = Slice(q, N(top - aw - 40), N(top - aw - 71));
  return {Slice(q, N(top), N(top - aw + 1)), Slice(q, N(top - aw), N(top - aw - 23)),
          Slice(q, N(top - aw - 24), N(top - aw - 39)),
          aw > 32 ? "{" + N(aw - 32) + "'d0, " + stride + "}" : stride};
}

}  // namespace

Module BuildDmaRd(const Config& cfg) {
  const unsigned B = cfg.BusBytes(), lb = Clog2(B), aw = cfg.axi_addr_bits;
  // --inject-defect dma-outstanding: one burst more than allowed (a counter wide enough for it).
  const unsigned max_out = cfg.axi_max_outstanding + (cfg.inject_defect == "dma-outstanding");
  const unsigned ob = CountBits(max_out);
  Module m("salsa_dma_rd",
           "AXI4 read DMA. A request is rows x row_bytes bytes at addr, addr + stride, ...; any "
           "byte alignment. Each row is split into INCR bursts of at most MaxBurst beats that "
           "never cross a 4 KB boundary, with up to MaxOutstanding bursts in flight. Returned "
           "beats are realigned so that byte 0 of out_data_o is the next byte of the stream and "
           "out_cnt_o says how many bytes are valid. Requests are queued: the AR half takes the "
           "next request as soon as it has issued the previous one's bursts, while the R half "
           "still receives older data, so back-to-back requests keep the bus busy. Each request "
           "carries a tag that the R half presents (pop_o, pop_tag_o) when its data start; once "
           "its last beat has left and the sink reports idle it retires (retire_o), with "
           "retire_err_o set if any of its beats had an error response. With "
           "pipeline.axi_read_reg the R channel lands in a two-entry skid FIFO first, so neither "
           "the realigning shifter nor RREADY sees the bus combinationally (one cycle of latency, "
           "full throughput)." +
               std::string(cfg.axi_timeout_cycles != 0
                               ? " A watchdog (axi.timeout_cycles) latches timeout_o when a "
                                 "read waits that long for any AR or R handshake; no new burst "
                                 "is offered after it."
                               : ""));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  const unsigned tw = ReadTagBits(cfg);  // tag bits
  const Bundle req = ReadReq(cfg);
  req.Select({"req_valid", "req_ready", "req_addr", "req_row_bytes", "req_rows", "req_stride",
              "req_tag", "busy", "pop", "pop_tag"})
      .DeclarePorts(m);
  m.In("sink_idle_i");
  req.Select({"retire", "retire_err"}).DeclarePorts(m);
  m.Out("beat_o");
  m.Out("out_valid_o");
  m.In("out_ready_i");
  m.Out("out_data_o", N(B * 8));
  m.Out("out_cnt_o", N(lb + 1));
  const bool wd = cfg.axi_timeout_cycles != 0;
  if (wd) m.Out("timeout_o");
  AxiRead(cfg).DeclarePorts(m, "m_axi_");
  const bool zs = cfg.zero_skip;
  if (zs) {
    m.In("req_gather_i");
    m.In("req_j0_i", "16");
    m.Out("idx_re_o");
    m.Out("idx_raddr_o", "16");
    m.In("idx_rdata_i", "16");
  }
  Scope s = m.Body();
  if (wd) {
    s.Reg("timeout_q");
    s.Reg("ar_held_q");  // the AR offered last cycle is still waiting for its handshake
    s.Reg("bus_out_q", N(ob));
  }
  // AR half.
  s.Reg("row_bytes_q", "24");
  s.Reg("stride_q", N(aw));
  s.Reg("ar_active_q");
  s.Reg("ar_setup_q");
  s.Reg("ar_row_addr_q", N(aw));
  s.Reg("ar_addr_q", N(aw));
  s.Reg("ar_beats_q", "25");
  s.Reg("ar_rows_q", "16");
  s.Reg("outstanding_q", N(ob));
  s.Wire("row_beats", "25");
  s.Wire("to_4k", "13");
  s.Wire("len_burst", "9");
  s.Wire("len", "9");
  s.Wire("ar_fire");
  s.Wire("ar_row_done");
  if (zs) {
    s.Reg("ar_pre_q");
    s.Reg("ar_gather_q");
    s.Reg("ar_gidx_q", "16");
    s.Wire("ar_row", N(aw));
  }
  // Queue of requests whose data the R half has not started: address, row bytes, rows, stride, tag.
  // Zero-skip builds put the gather flag and the first index entry on top.
  const unsigned gw = zs ? 17 : 0;
  const unsigned qw = gw + aw + 24 + 16 + 32 + tw;
  s.Wire("q_in", N(qw));
  // Requests wait in an input queue until the AR half is free (so the requester is never held up
  // by a long burst walk), then move into the R queue as the AR half starts them.
  s.Wire("i_out", N(qw));
  s.Wire("i_empty");
  s.Wire("i_full");
  s.Wire("ar_go");
  s.Wire("unused_i_count", "3");
  s.Wire("q_out", N(qw));
  s.Wire("q_empty");
  s.Wire("q_full");
  s.Wire("q_pop");
  s.Wire("unused_q_count", "2");
  // R half: a request is open from its pop until it retires; r_active_q while beats remain.
  s.Reg("r_open_q");
  s.Reg("r_row_bytes_q", "24");
  s.Reg("r_stride_q", N(aw));
  s.Reg("r_active_q");
  s.Reg("r_first_q");
  s.Reg("r_row_addr_q", N(aw));
  s.Reg("r_left_q", "24");
  s.Reg("r_rows_q", "16");
  s.Reg("err_q");
  s.Wire("off", N(lb));
  s.Wire("avail", N(lb + 1));
  s.Wire("r_fire");
  s.Wire("r_last_fire");
  s.Wire("r_valid");  // the R beat the R half sees: the bus, or the skid FIFO's head
  s.Wire("r_data", N(B * 8));
  s.Wire("r_resp", "2");
  s.Wire("r_last");
  s.Wire("req_fire");

  s.Assign("req_ready_o", "!i_full");
  s.Assign("req_fire", "req_valid_i && req_ready_o");
  s.Assign("ar_go", "!ar_active_q && !i_empty && !q_full");
  s.Assign("busy_o", "!i_empty || ar_active_q || !q_empty || r_open_q");
  s.Assign("q_in", std::string(zs ? "{req_gather_i, req_j0_i, " : "{") +
                       "req_addr_i, req_row_bytes_i, req_rows_i, req_stride_i, req_tag_i}");
  s.Assign("q_pop", "!r_open_q && !q_empty");
  // salsa_fifo is built after this module (BuildAll's order is the file list's): build its
  // interface here to check the connections.
  const Module fifo = BuildFifo();
  Instantiate(s, fifo, "u_in_queue", {{"Width", N(qw)}, {"Depth", "4"}},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"clear_i", "1'b0"},
               {"push_i", "req_fire"},
               {"data_i", "q_in"},
               {"pop_i", "ar_go"},
               {"data_o", "i_out"},
               {"count_o", "unused_i_count"},
               {"empty_o", "i_empty"},
               {"full_o", "i_full"}});
  Instantiate(s, fifo, "u_req_queue", {{"Width", N(qw)}, {"Depth", "2"}},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"clear_i", "1'b0"},
               {"push_i", "ar_go"},
               {"data_i", "i_out"},
               {"pop_i", "q_pop"},
               {"data_o", "q_out"},
               {"count_o", "unused_q_count"},
               {"empty_o", "q_empty"},
               {"full_o", "q_full"}});
  s.Assign("pop_o", "q_pop");
  s.Assign("pop_tag_o", Slice("q_out", N(tw - 1), "0"));
  s.Assign("retire_o", "r_open_q && !r_active_q && sink_idle_i");
  s.Assign("retire_err_o", "err_q");

  s.Note(
      "Beats of the current row: its first byte's offset in the beat plus its length, rounded up.");
  s.Assign("row_beats", "({" + N(25 - lb) + "'d0, " + Slice("ar_row_addr_q", N(lb - 1), "0") +
                            "} + {1'b0, row_bytes_q} + 25'd" + N(B - 1) + ") >> " + N(lb));
  s.Assign("to_4k", "(13'd4096 - {1'b0, ar_addr_q[11:0]}) >> " + N(lb));
  s.Assign("len_burst", "(ar_beats_q > 25'd" + N(cfg.axi_max_burst) + ") ? 9'd" +
                            N(cfg.axi_max_burst) + " : ar_beats_q[8:0]");
  if (cfg.inject_defect == "dma-4k") {  // test only: bursts ignore the 4 KB boundary
    s.Wire("unused_to_4k", "13");
    s.Assign("unused_to_4k", "to_4k");
    s.Assign("len", "len_burst");
  } else {
    s.Assign("len", "(to_4k < {4'd0, len_burst}) ? to_4k[8:0] : len_burst");
  }
  const std::string arvalid = std::string("ar_active_q && !ar_setup_q && ") +
                              (zs ? "!ar_pre_q && " : "") + "(outstanding_q < " + N(ob) + "'d" +
                              N(max_out) + ")";
  s.Assign("m_axi_arvalid", wd ? "(" + arvalid + ") && (!timeout_q || ar_held_q)" : arvalid);
  s.Assign("ar_fire", "m_axi_arvalid && m_axi_arready");
  s.Assign("ar_row_done", "ar_beats_q == {16'd0, len}");
  s.Assign("m_axi_araddr", "ar_addr_q");
  if (zs) {
    s.Assign("idx_re_o", "ar_pre_q");
    s.Assign("idx_raddr_o", "ar_gidx_q");
    s.Assign("ar_row", "ar_gather_q ? ar_row_addr_q + ({" + N(aw - 16) +
                           "'d0, idx_rdata_i} * stride_q) : ar_row_addr_q");
  }
  s.Assign("m_axi_arlen", "len[7:0] - 8'd1");
  s.Assign("m_axi_arsize", "3'd" + N(lb));
  s.Assign("m_axi_arburst", "2'b01");
  s.Assign("m_axi_arid", N(cfg.axi_id_bits) + "'d0");
  AxiSideband(cfg, &s, "m_axi_ar");

  const ReqFields in = Unpack("i_out", qw - 1 - gw, aw);  // the tag is below them
  Block ar_reset = {Set("row_bytes_q", "24'd0"),         Set("stride_q", N(aw) + "'d0"),
                    Set("ar_active_q", "1'b0"),          Set("ar_setup_q", "1'b0"),
                    Set("ar_row_addr_q", N(aw) + "'d0"), Set("ar_addr_q", N(aw) + "'d0"),
                    Set("ar_beats_q", "25'd0"),          Set("ar_rows_q", "16'd0")};
  Block ar_start = {Set("row_bytes_q", in.row_bytes), Set("stride_q", in.stride),
                    Set("ar_active_q", "1'b1"),       Set("ar_setup_q", "1'b1"),
                    Set("ar_row_addr_q", in.addr),    Set("ar_rows_q", in.rows)};
  Block ar_setup = {
      Set("ar_setup_q", "1'b0"),
      Set("ar_addr_q", "{" + Slice("ar_row_addr_q", N(aw - 1), N(lb)) + ", " + N(lb) + "'d0}"),
      Set("ar_beats_q", "row_beats")};
  Block ar_next_row = {Set("ar_rows_q", "ar_rows_q - 16'd1"),
                       Set("ar_row_addr_q", "ar_row_addr_q + stride_q"), Set("ar_setup_q", "1'b1")};
  if (zs) {
    // Gather: row r is at base + idx[j0 + r] * stride. The index entry is read in a cycle of
    // its own (ar_pre_q) before the row's setup; the base stays in ar_row_addr_q (the stride is
    // a multiple of the bus width, so every row has the base's alignment).
    ar_reset.push_back(Set("ar_pre_q", "1'b0"));
    ar_reset.push_back(Set("ar_gather_q", "1'b0"));
    ar_reset.push_back(Set("ar_gidx_q", "16'd0"));
    ar_start[3] = Set("ar_setup_q", "!" + Slice("i_out", N(qw - 1), N(qw - 1)));
    ar_start.push_back(Set("ar_pre_q", Slice("i_out", N(qw - 1), N(qw - 1))));
    ar_start.push_back(Set("ar_gather_q", Slice("i_out", N(qw - 1), N(qw - 1))));
    ar_start.push_back(Set("ar_gidx_q", Slice("i_out", N(qw - 2), N(qw - 17))));
    ar_setup[1] = Set("ar_addr_q", "{" + Slice("ar_row", N(aw - 1), N(lb)) + ", " + N(lb) + "'d0}");
    ar_next_row = {
        Set("ar_rows_q", "ar_rows_q - 16'd1"),
        If("ar_gather_q", {Set("ar_gidx_q", "ar_gidx_q + 16'd1"), Set("ar_pre_q", "1'b1")},
           {Set("ar_row_addr_q", "ar_row_addr_q + stride_q"), Set("ar_setup_q", "1'b1")})};
  }
  Block ar_walk = {If(
      "ar_fire",
      {Set("ar_addr_q", "ar_addr_q + {" + N(aw - 9 - lb) + "'d0, len, " + N(lb) + "'d0}"),
       Set("ar_beats_q", "ar_beats_q - {16'd0, len}"),
       If("ar_row_done", {If("ar_rows_q == 16'd1", {Set("ar_active_q", "1'b0")}, ar_next_row)})})};
  Block ar_body = {If("ar_active_q && ar_setup_q", ar_setup, ar_walk)};
  if (zs) {
    ar_body = {If("ar_active_q && ar_pre_q", {Set("ar_pre_q", "1'b0"), Set("ar_setup_q", "1'b1")},
                  ar_body)};
  }
  s.Seq(clk, rst, ar_reset, {If("ar_go", ar_start, ar_body)});

  s.Note("R half: mirrors the row walk to know each beat's first valid byte and byte count.");
  s.Assign("off", "r_first_q ? " + Slice("r_row_addr_q", N(lb - 1), "0") + " : " + N(lb) + "'d0");
  s.Assign("avail", N(lb + 1) + "'d" + N(B) + " - {1'b0, off}");
  s.Assign("out_cnt_o", "(r_left_q < {" + N(24 - lb - 1) + "'d0, avail}) ? " +
                            Slice("r_left_q", N(lb), "0") + " : avail");
  if (cfg.axi_read_reg) {
    s.Note("pipeline.axi_read_reg: R beats (data, resp, last) enter a two-entry skid FIFO.");
    s.Wire("rq_out", N(B * 8 + 3));
    s.Wire("rq_empty");
    s.Wire("rq_full");
    s.Wire("unused_rq_count", "2");
    Instantiate(s, fifo, "u_r_skid", {{"Width", N(B * 8 + 3)}, {"Depth", "2"}},
                {{"clk_i", clk},
                 {"rst_ni", rst},
                 {"clear_i", "1'b0"},
                 {"push_i", "m_axi_rvalid"},
                 {"data_i", "{m_axi_rresp, m_axi_rlast, m_axi_rdata}"},
                 {"pop_i", "r_fire"},
                 {"data_o", "rq_out"},
                 {"count_o", "unused_rq_count"},
                 {"empty_o", "rq_empty"},
                 {"full_o", "rq_full"}});
    s.Assign("m_axi_rready", "!rq_full");
    s.Assign("r_valid", "!rq_empty");
    s.Assign("r_data", Slice("rq_out", N(B * 8 - 1), "0"));
    s.Assign("r_last", Slice("rq_out", N(B * 8), N(B * 8)));
    s.Assign("r_resp", Slice("rq_out", N(B * 8 + 2), N(B * 8 + 1)));
  } else {
    s.Assign("m_axi_rready", "r_active_q && out_ready_i");
    s.Assign("r_valid", "m_axi_rvalid");
    s.Assign("r_data", "m_axi_rdata");
    s.Assign("r_last", "m_axi_rlast");
    s.Assign("r_resp", "m_axi_rresp");
  }
  s.Assign("out_data_o", "r_data >> {off, 3'b000}");
  s.Assign("out_valid_o", "r_active_q && r_valid");
  s.Assign("r_fire", "out_valid_o && out_ready_i");
  s.Assign("r_last_fire", "r_fire && r_last");
  s.Assign("beat_o", "r_fire");
  const ReqFields q = Unpack("q_out", qw - 1 - gw, aw);
  s.Seq(
      clk, rst,
      {Set("r_open_q", "1'b0"), Set("r_row_bytes_q", "24'd0"), Set("r_stride_q", N(aw) + "'d0"),
       Set("r_active_q", "1'b0"), Set("r_first_q", "1'b0"), Set("r_row_addr_q", N(aw) + "'d0"),
       Set("r_left_q", "24'd0"), Set("r_rows_q", "16'd0"), Set("err_q", "1'b0")},
      {If("retire_o", {Set("r_open_q", "1'b0")}),
       If("q_pop",
          {Set("r_open_q", "1'b1"), Set("r_row_bytes_q", q.row_bytes), Set("r_stride_q", q.stride),
           Set("r_active_q", "1'b1"), Set("r_first_q", "1'b1"), Set("r_row_addr_q", q.addr),
           Set("r_left_q", q.row_bytes), Set("r_rows_q", q.rows), Set("err_q", "1'b0")},
          {If("r_fire", {If("r_resp[1]", {Set("err_q", "1'b1")}),
                         If("r_left_q == {" + N(24 - lb - 1) + "'d0, out_cnt_o}",
                            {If("r_rows_q == 16'd1", {Set("r_active_q", "1'b0")},
                                {Set("r_rows_q", "r_rows_q - 16'd1"),
                                 Set("r_row_addr_q", "r_row_addr_q + r_stride_q"),
                                 Set("r_left_q", "r_row_bytes_q"), Set("r_first_q", "1'b1")})},
                            {Set("r_left_q", "r_left_q - {" + N(24 - lb - 1) + "'d0, out_cnt_o}"),
                             Set("r_first_q", "1'b0")})})})});
  s.Seq(clk, rst, {Set("outstanding_q", N(ob) + "'d0")},
        {If("ar_fire && !r_last_fire", {Set("outstanding_q", "outstanding_q + " + N(ob) + "'d1")},
            {If("!ar_fire && r_last_fire",
                {Set("outstanding_q", "outstanding_q - " + N(ob) + "'d1")})})});
  if (wd) {
    // Bursts whose last beat has not crossed the bus (outstanding_q counts until the R half
    // takes it, which a skid FIFO or a busy sink may delay).
    s.Wire("bus_last");
    s.Assign("bus_last", "m_axi_rvalid && m_axi_rready && m_axi_rlast");
    s.Seq(clk, rst, {Set("bus_out_q", N(ob) + "'d0"), Set("ar_held_q", "1'b0")},
          {Set("ar_held_q", "m_axi_arvalid && !m_axi_arready"),
           If("ar_fire && !bus_last", {Set("bus_out_q", "bus_out_q + " + N(ob) + "'d1")},
              {If("!ar_fire && bus_last", {Set("bus_out_q", "bus_out_q - " + N(ob) + "'d1")})})});
    AddAxiWatchdog(
        cfg, &s, clk, rst,
        "!ar_fire && !m_axi_rvalid && (m_axi_arvalid || (bus_out_q != " + N(ob) + "'d0))");
  }
  s.Wire("unused_r");
  s.Assign("unused_r", std::string("^{m_axi_rid, r_resp[0], unused_q_count, unused_i_count, ") +
                           (cfg.axi_read_reg ? "unused_rq_count, " : "") +
                           Slice("i_out", N(tw - 1), "0") +
                           (zs ? ", " + Slice("q_out", N(qw - 1), N(qw - gw)) + ", " +
                                     Slice("ar_row", N(lb - 1), "0")
                               : std::string()) +
                           "}");
  return m;
}

}  // namespace salsa::blocks
