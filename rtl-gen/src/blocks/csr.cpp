// salsa_csr: AXI4-Lite control/status registers and the performance counters.
#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

Module BuildCsr(const Config& cfg) {
  namespace k = contract;
  const unsigned gb = CountBits(cfg.rows * (cfg.structured24 ? 4 : 1));  // gated per cycle
  Module m("salsa_csr",
           "AXI4-Lite slave (32-bit, 12-bit address) holding control, status, error and "
           "interrupt registers and the 64-bit event counters (cleared on start). One write "
           "and one read in flight; the map is docs/architecture.md's CSR table. Unmapped "
           "addresses, writes to read-only registers and writes of CMD_BASE_HI bits beyond the "
           "AXI address width answer SLVERR. Reading a counter's low word snapshots its high "
           "word, which the next read of any counter's high word returns (no tearing).");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  AxiLite().DeclarePorts(m, "s_axil_");
  m.Out("start_o");
  m.Out("abort_o");  // one-cycle pulse: CTRL.abort written while busy
  m.Out("cmd_base_o", "64");
  m.Out("cmd_count_o", "32");
  m.Out("irq_o");
  m.In("busy_i");
  m.In("done_i");
  m.In("err_code_i", "4");
  m.In("err_cmd_i", "32");
  m.In("ev_mac_active_i");
  m.In("ev_gated_i", N(gb));
  m.In("ev_rd_beat_i");
  m.In("ev_wr_beat_i");
  m.In("ev_load_i");
  m.In("ev_store_i");
  m.In("ev_cmd_i");
  if (cfg.zero_skip) {
    m.In("ev_skip_steps_i", "24");  // K steps an indexed COMPUTE skipped (one pulse per command)
    m.In("ev_skip_bytes_i", "40");  // weight bytes a gather LOAD did not fetch (one pulse per LOAD)
  }
  if (cfg.sram_ecc) {
    m.In("ev_ecc_corr_i", "8");  // scratchpad reads corrected this cycle
    m.In("ecc_err_i");           // an uncorrectable scratchpad read this cycle
    m.In("ecc_info_i", "24");    // {scratchpad index, word address} of the first such read
  }
  Scope s = m.Body();
  if (cfg.sram_ecc) {
    s.Reg("ecc_corr_q", "32");
    s.Reg("ecc_stat_q", "32");
    s.Wire("ecc_corr_sum", "33");
  }
  s.Reg("bvalid_q");
  s.Reg("rvalid_q");
  s.Reg("rdata_q", "32", false);
  s.Reg("done_q");
  s.Reg("irq_en_q");
  s.Reg("base_lo_q", "32");
  s.Reg("base_hi_q", "32");
  s.Reg("bresp_q", "2");
  s.Reg("rresp_q", "2");
  s.Reg("shadow_q", "32");
  s.Reg("count_q", "32");
  s.Reg("start_q");
  s.Reg("abort_q");
  s.Reg("cnt_q", N(k::kNumCounters * 64));
  s.Reg("rd_word", "32");
  s.Reg("rd_err");
  s.Reg("rd_hi", "32");
  s.Wire("wr_err");
  s.Wire("hi_mask", "32");
  s.Wire("wr_fire");
  s.Wire("rd_fire");
  s.Wire("widx", "10");
  s.Wire("ridx", "10");
  s.Wire("inc", N(k::kNumCounters * 64));

  s.Assign("wr_fire", "s_axil_awvalid && s_axil_wvalid && !bvalid_q");
  s.Assign("s_axil_awready", "wr_fire");
  s.Assign("s_axil_wready", "wr_fire");
  s.Assign("s_axil_bvalid", "bvalid_q");
  s.Assign("s_axil_bresp", "bresp_q");
  s.Assign("rd_fire", "s_axil_arvalid && !rvalid_q");
  s.Assign("s_axil_arready", "rd_fire");
  s.Assign("s_axil_rvalid", "rvalid_q");
  s.Assign("s_axil_rdata", "rdata_q");
  s.Assign("s_axil_rresp", "rresp_q");
  s.Assign("widx", "s_axil_awaddr[11:2]");
  s.Assign("ridx", "s_axil_araddr[11:2]");
  s.Assign("start_o", "start_q");
  s.Assign("abort_o", "abort_q");
  s.Assign("cmd_base_o", "{base_hi_q, base_lo_q}");
  s.Assign("cmd_count_o", "count_q");
  s.Assign("irq_o", "done_q && irq_en_q");

  auto word = [](const char* name) {
    for (const auto& r : k::kCsrRegs) {
      if (std::string(r.name) == name) return N(r.addr / 4);
    }
    return std::string("0");
  };
  // CMD_BASE_HI holds only the address bits above 32 that axi.addr_bits has (the fetch address is
  // {CMD_BASE_HI, CMD_BASE_LO} truncated to them); the other bits read as zero.
  const unsigned aw = cfg.axi_addr_bits;
  s.Assign("hi_mask", aw == 64  ? std::string("32'hFFFFFFFF")
                      : aw > 32 ? "{" + N(64 - aw) + "'d0, {" + N(aw - 32) + "{1'b1}}}"
                                : std::string("32'd0"));
  std::vector<std::string> writable;
  for (const auto& r : k::kCsrRegs) {
    if (std::string(r.access).find('W') != std::string::npos) {
      writable.push_back("(widx == 10'd" + N(r.addr / 4) + ")");
    }
  }
  std::string any_writable;
  for (const auto& w : writable) any_writable += (any_writable.empty() ? "" : " || ") + w;
  s.Assign("wr_err", "!(" + any_writable + ") || ((widx == 10'd" + word("CMD_BASE_HI") +
                         ") && ((s_axil_wdata & ~hi_mask) != 32'd0))");
  s.Seq(
      clk, rst,
      {Set("bvalid_q", "1'b0"), Set("bresp_q", "2'b00"), Set("done_q", "1'b0"),
       Set("irq_en_q", "1'b0"), Set("base_lo_q", "32'd0"), Set("base_hi_q", "32'd0"),
       Set("count_q", "32'd0"), Set("start_q", "1'b0"), Set("abort_q", "1'b0")},
      {Set("start_q", "1'b0"), Set("abort_q", "1'b0"),
       If("s_axil_bready", {Set("bvalid_q", "1'b0")}),
       If("wr_fire",
          {Set("bvalid_q", "1'b1"), Set("bresp_q", "wr_err ? 2'b10 : 2'b00"),
           Case(
               "widx",
               {{{"10'd" + word("CTRL")},
                 {If("s_axil_wdata[0] && !busy_i", {Set("start_q", "1'b1"), Set("done_q", "1'b0")}),
                  If("s_axil_wdata[1] && busy_i", {Set("abort_q", "1'b1")})}},
                {{"10'd" + word("STATUS")}, {If("s_axil_wdata[1]", {Set("done_q", "1'b0")})}},
                {{"10'd" + word("IRQ_EN")}, {Set("irq_en_q", "s_axil_wdata[0]")}},
                {{"10'd" + word("CMD_BASE_LO")}, {Set("base_lo_q", "s_axil_wdata")}},
                {{"10'd" + word("CMD_BASE_HI")},
                 {If("!wr_err", {Set("base_hi_q", "s_axil_wdata")})}},
                {{"10'd" + word("CMD_COUNT")}, {Set("count_q", "s_axil_wdata")}}},
               {})}),
       Comment("A done in the same cycle as a write-1-to-clear wins: it is never lost."),
       If("done_i", {Set("done_q", "1'b1")})});

  // Read mux: registers by word index, then counters (two words each).
  const unsigned hw_id = (cfg.rows & 0xFF) << 24 | (cfg.cols & 0xFF) << 16 |
                         (cfg.BusBytes() & 0xFF) << 8 | k::kHwIdMagic;
  std::vector<CaseItem> reads = {
      {{"10'd" + word("STATUS")},
       {Set("rd_word", "{29'd0, (err_code_i != 4'd0), done_q, busy_i}")}},
      {{"10'd" + word("ERR_CODE")}, {Set("rd_word", "{28'd0, err_code_i}")}},
      {{"10'd" + word("ERR_CMD")}, {Set("rd_word", "err_cmd_i")}},
      {{"10'd" + word("IRQ_EN")}, {Set("rd_word", "{31'd0, irq_en_q}")}},
      {{"10'd" + word("CMD_BASE_LO")}, {Set("rd_word", "base_lo_q")}},
      {{"10'd" + word("CMD_BASE_HI")}, {Set("rd_word", "base_hi_q")}},
      {{"10'd" + word("CMD_COUNT")}, {Set("rd_word", "count_q")}},
      {{"10'd" + word("HW_ID")},
       {Set(
           "rd_word", "32'h" +
                          [&] {
                            char buf[16];
                            std::snprintf(buf, sizeof buf, "%08X", hw_id);
                            return std::string(buf);
                          }())}},
  };
  reads.push_back({{"10'd" + word("CTRL")}, {Set("rd_word", "32'd0")}});  // write-only: reads 0
  if (cfg.sram_ecc) {
    reads.push_back({{"10'd" + word("ECC_CORRECTED")}, {Set("rd_word", "ecc_corr_q")}});
    reads.push_back({{"10'd" + word("ECC_STATUS")}, {Set("rd_word", "ecc_stat_q")}});
  }
  s.Note(
      "Counters: a low word read also snapshots the high word (rd_hi into shadow_q); every high "
      "word read returns the snapshot, so low-then-high reads never tear.");
  for (unsigned i = 0; i < k::kNumCounters; ++i) {
    reads.push_back({{"10'd" + N(k::kCounterBase / 4 + 2 * i)},
                     {Set("rd_word", IdxPart("cnt_q", N(64 * i), "32")),
                      Set("rd_hi", IdxPart("cnt_q", N(64 * i + 32), "32"))}});
    reads.push_back({{"10'd" + N(k::kCounterBase / 4 + 2 * i + 1)}, {Set("rd_word", "shadow_q")}});
  }
  s.Comb({Set("rd_err", "1'b0"), Set("rd_hi", "shadow_q"),
          Case("ridx", reads, {Set("rd_word", "32'd0"), Set("rd_err", "1'b1")})});
  s.Seq(clk, rst,
        {Set("rvalid_q", "1'b0"), Set("rdata_q", "32'd0"), Set("rresp_q", "2'b00"),
         Set("shadow_q", "32'd0")},
        {If("rd_fire",
            {Set("rvalid_q", "1'b1"), Set("rdata_q", "rd_word"),
             Set("rresp_q", "rd_err ? 2'b10 : 2'b00"), Set("shadow_q", "rd_hi")},
            // Test only (salsa gen --inject-defect csr-rvalid): RVALID lasts one cycle, whether
            // or not RREADY took it.
            {cfg.inject_defect == "csr-rvalid" ? Set("rvalid_q", "s_axil_rready & 1'b0")
                                               : If("s_axil_rready", {Set("rvalid_q", "1'b0")})})});

  // Counter increments, in kCounters order.
  const std::string incs[k::kNumCounters] = {"{63'd0, busy_i}",
                                             "{63'd0, ev_mac_active_i}",
                                             "{" + N(64 - gb) + "'d0, ev_gated_i}",
                                             "ev_rd_beat_i ? 64'd" + N(cfg.BusBytes()) + " : 64'd0",
                                             "ev_wr_beat_i ? 64'd" + N(cfg.BusBytes()) + " : 64'd0",
                                             "{63'd0, ev_load_i}",
                                             "{63'd0, ev_store_i}",
                                             "{63'd0, ev_cmd_i}",
                                             cfg.zero_skip ? "{40'd0, ev_skip_steps_i}" : "64'd0",
                                             cfg.zero_skip ? "{24'd0, ev_skip_bytes_i}" : "64'd0"};
  for (unsigned i = 0; i < k::kNumCounters; ++i) {
    s.Assign(IdxPart("inc", N(64 * i), "64"), "(" + incs[i] + ")");
  }
  Block bump;
  for (unsigned i = 0; i < k::kNumCounters; ++i) {
    bump.push_back(
        Set(IdxPart("cnt_q", N(64 * i), "64"),
            IdxPart("cnt_q", N(64 * i), "64") + " + " + IdxPart("inc", N(64 * i), "64")));
  }
  s.Seq(clk, rst, {Set("cnt_q", N(k::kNumCounters * 64) + "'d0")},
        {If("start_q", {Set("cnt_q", N(k::kNumCounters * 64) + "'d0")}, bump)});
  if (cfg.sram_ecc) {
    s.Note(
        "sram.ecc: ECC_CORRECTED counts corrected reads (saturating), ECC_STATUS keeps the "
        "first uncorrectable one; both clear on start.");
    s.Assign("ecc_corr_sum", "{1'b0, ecc_corr_q} + {25'd0, ev_ecc_corr_i}");
    s.Seq(clk, rst, {Set("ecc_corr_q", "32'd0"), Set("ecc_stat_q", "32'd0")},
          {If("start_q", {Set("ecc_corr_q", "32'd0"), Set("ecc_stat_q", "32'd0")},
              {Set("ecc_corr_q", "ecc_corr_sum[32] ? 32'hFFFFFFFF : ecc_corr_sum[31:0]"),
               If("ecc_err_i && !ecc_stat_q[31]", {Set("ecc_stat_q", "{8'h80, ecc_info_i}")})})});
  }
  s.Wire("unused_axil");
  s.Assign("unused_axil",
           "^{s_axil_awprot, s_axil_arprot, s_axil_wstrb, s_axil_awaddr[1:0], "
           "s_axil_araddr[1:0]}");
  return m;
}

}  // namespace salsa::blocks
