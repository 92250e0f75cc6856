// salsa_top's control: the CSR block's wires and connections, and the sequencer.
#include "blocks/top_parts.h"

namespace salsa::blocks::top {

using namespace ir;

Conns AddControl(const Top& t) {
  t.Wires({{"start", 1},
           {"abort", 1},
           {"cmd_base", 64},
           {"cmd_count", 32},
           {"seq_busy", 1},
           {"seq_done", 1},
           {"err_code", 4},
           {"err_cmd", 32},
           {"ev_load", 1},
           {"ev_store", 1},
           {"ev_cmd", 1},
           {"gated_count", t.gb},
           {"rd_beat", 1},
           {"wr_beat", 1}});
  Conns csr = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
  const Bundle axil = AxiLite();
  for (const Dir d : {Dir::kIn, Dir::kOut}) {
    for (const auto& c : axil.Only(d).Connect("s_axil_", "s_axil_")) csr.push_back(c);
  }
  if (t.cfg.axi_timeout_cycles != 0) t.Wires({{"rd_timeout", 1}, {"wr_timeout", 1}});
  if (t.cfg.sram_ecc) {  // assigned by AddEcc, once every scratchpad is built
    t.Wires({{"ecc_corr_n", 8}, {"ecc_err", 1}, {"ecc_info", 24}});
    Append(csr,
           {{"ev_ecc_corr_i", "ecc_corr_n"}, {"ecc_err_i", "ecc_err"}, {"ecc_info_i", "ecc_info"}});
  }
  if (t.zs) {
    t.Wires({{"ev_skip_steps", 24}, {"ev_skip_bytes", 40}});
    Append(csr, ToWires({"ev_skip_steps_i", "ev_skip_bytes_i"}));
  }
  Append(csr, ToWires({"start_o", "abort_o", "cmd_base_o", "cmd_count_o"}));
  Append(csr, {{"irq_o", "irq_o"},
               {"busy_i", "seq_busy"},
               {"done_i", "seq_done"},
               {"err_code_i", "err_code"},
               {"err_cmd_i", "err_cmd"},
               {"ev_mac_active_i", "gate_valid"},
               {"ev_gated_i", "gated_count"},
               {"ev_rd_beat_i", "rd_beat"},
               {"ev_wr_beat_i", "wr_beat"}});
  Append(csr, ToWires({"ev_load_i", "ev_store_i", "ev_cmd_i"}));
  return csr;
}

void AddCsr(const Top& t, const Conns& csr) { t.Inst("salsa_csr", "u_csr", {}, csr); }

void AddSequencer(const Top& t) {
  const Bundle cmd = ComputeCmd(t.cfg), st = StoreCmd(t.cfg);
  cmd.DeclareWires(t.s, "cmp_");
  ComputeStatusBundle().DeclareWires(t.s, "cmp_");
  st.Select({"busy", "start", "acc_addr", "rows", "bytes", "bias_addr", "dram_addr", "stride",
             "mult", "shift", "zp", "min", "max"})
      .DeclareWires(t.s, "st_");
  t.Wires({{"wr_retire", 1}, {"wr_retire_err", 1}});
  st.Select({"perch", "qaddr"}).DeclareWires(t.s, "st_");
  if (t.cfg.HasFp8()) st.Select({"fmt", "sat"}).DeclareWires(t.s, "st_");  // FP STOREs
  Conns seq = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
  Append(seq, ToWires({"start_i", "abort_i", "cmd_base_i", "cmd_count_i"}));
  Append(seq, {{"busy_o", "seq_busy"}, {"done_o", "seq_done"}});
  Append(seq, ToWires({"err_code_o", "err_cmd_o", "ev_load_o", "ev_store_o", "ev_cmd_o"}));
  Append(seq, ReadReq(t.cfg).Connect("rd_", "rd_", /*flip=*/true));
  Append(seq, ToWires({"dest_o", "cmd_valid_i", "cmd_data_i", "cmd_ready_o", "load_word_i",
                       "load_waddr_o"}));
  Append(seq, cmd.Connect("cmp_", "cmp_"));
  Append(seq, ComputeStatusBundle().Connect("cmp_", "cmp_", /*flip=*/true));
  Append(seq, st.Connect("st_", "st_"));
  Append(seq, ToWires({"wr_retire_i", "wr_retire_err_i"}));
  if (t.cfg.axi_timeout_cycles != 0) Append(seq, {{"axi_timeout_i", "rd_timeout | wr_timeout"}});
  if (t.cfg.sram_ecc) Append(seq, {{"ecc_err_i", "ecc_err"}});
  if (WgtWriteWords(t.cfg) > 1) Append(seq, ToWires({"load_wn_i"}));
  if (SlicedGather(t.cfg)) Append(seq, ToWires({"load_wsk_o"}));
  if (t.st) {
    t.Wires({{"cmp_structured", 1}});
    Append(seq, ToWires({"cmp_structured_o"}));
  }
  if (t.ws) {
    t.Wires({{"cmp_act_end", 17}, {"cmp_wgt_end", 17}});
    Append(seq, ToWires({"cmp_act_end_o", "cmp_wgt_end_o"}));
  }
  if (!t.ws) {
    t.Wires({{"cmp_accum", 1}});
    Append(seq, ToWires({"cmp_accum_o"}));
  }
  if (t.zs) {
    const Bundle zsc = ZeroSkipCmd();
    zsc.Select({"scan", "lanes", "indexed", "j0", "stride", "scanning", "nnz", "listed", "group"})
        .DeclareWires(t.s, "cmp_");
    Append(seq, zsc.Connect("cmp_", "cmp_"));
    Append(seq, ToWires({"rd_req_gather_o", "rd_req_j0_o", "ev_skip_bytes_o", "ev_skip_steps_o"}));
  }
  t.Inst("salsa_sequencer", "u_sequencer", {}, seq);
}

}  // namespace salsa::blocks::top
