// salsa_top: the accelerator, wiring every block together.
#include <stdexcept>
#include <tuple>

#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// Zero-extends a `from`-bit expression to `to` bits.
std::string Zext(const std::string& e, unsigned from, unsigned to) {
  return to > from ? "{" + N(to - from) + "'d0, " + e + "}" : e;
}

}  // namespace

Module BuildTop(const Config& cfg, const Built& built) {
  namespace k = contract;
  const unsigned B = cfg.BusBytes(), lb = Clog2(B), aw = cfg.axi_addr_bits, id = cfg.axi_id_bits;
  const bool st = cfg.structured24;
  const unsigned L = st ? 4 : 1;  // activations per array row per step (2:4: a group of four)
  const unsigned rows = cfg.rows, cols = cfg.cols, cb = CountBits(cols), gb = CountBits(rows * L);
  const unsigned db = k::DestBits(cfg.structured24), tw = 16 + db;  // read DMA destination, tag
  Module m("salsa_top", "salsa accelerator '" + cfg.name + "': " + N(rows) + "x" + N(cols) +
                            " INT8 output-stationary MAC array, AXI4-Lite CSRs, AXI4 " +
                            N(cfg.axi_data_bits) + "-bit DRAM master.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.Out("irq_o");
  const std::vector<std::pair<std::string, unsigned>> axil_in = {
      {"awaddr", 12}, {"awprot", 3},  {"awvalid", 1}, {"wdata", 32},  {"wstrb", 4}, {"wvalid", 1},
      {"bready", 1},  {"araddr", 12}, {"arprot", 3},  {"arvalid", 1}, {"rready", 1}};
  const std::vector<std::pair<std::string, unsigned>> axil_out = {
      {"awready", 1}, {"wready", 1}, {"bresp", 2}, {"bvalid", 1},
      {"arready", 1}, {"rdata", 32}, {"rresp", 2}, {"rvalid", 1}};
  for (const auto& [n, w] : axil_in) m.In("s_axil_" + n, N(w));
  for (const auto& [n, w] : axil_out) m.Out("s_axil_" + n, N(w));
  const std::vector<std::pair<std::string, unsigned>> axi_out = {
      {"awid", id},   {"awaddr", aw},   {"awlen", 8},   {"awsize", 3}, {"awburst", 2},
      {"awvalid", 1}, {"wdata", B * 8}, {"wstrb", B},   {"wlast", 1},  {"wvalid", 1},
      {"bready", 1},  {"arid", id},     {"araddr", aw}, {"arlen", 8},  {"arsize", 3},
      {"arburst", 2}, {"arvalid", 1},   {"rready", 1}};
  const std::vector<std::pair<std::string, unsigned>> axi_in = {
      {"awready", 1}, {"wready", 1},    {"bid", id},  {"bresp", 2}, {"bvalid", 1}, {"arready", 1},
      {"rid", id},    {"rdata", B * 8}, {"rresp", 2}, {"rlast", 1}, {"rvalid", 1}};
  for (const auto& [n, w] : axi_out) m.Out("m_axi_" + n, N(w));
  for (const auto& [n, w] : axi_in) m.In("m_axi_" + n, N(w));
  Scope s = m.Body();

  auto conns = [](std::vector<std::pair<std::string, std::string>> c) { return c; };
  auto wires = [&s](const std::vector<std::pair<std::string, unsigned>>& list) {
    for (const auto& [n, w] : list) s.Wire(n, N(w));
  };

  // ---- control --------------------------------------------------------------------------------
  wires({{"start", 1},
         {"cmd_base", 64},
         {"cmd_count", 32},
         {"seq_busy", 1},
         {"seq_done", 1},
         {"err_code", 4},
         {"err_cmd", 32},
         {"ev_load", 1},
         {"ev_store", 1},
         {"ev_cmd", 1},
         {"gated_count", gb},
         {"rd_beat", 1},
         {"wr_beat", 1}});
  std::vector<std::pair<std::string, std::string>> csr = {{"clk_i", clk}, {"rst_ni", rst}};
  for (const auto& [n, w] : axil_in) csr.push_back({"s_axil_" + n, "s_axil_" + n});
  for (const auto& [n, w] : axil_out) csr.push_back({"s_axil_" + n, "s_axil_" + n});
  const bool zs = cfg.zero_skip;
  if (zs) {
    wires({{"ev_skip_steps", 24}, {"ev_skip_bytes", 40}});
    csr.push_back({"ev_skip_steps_i", "ev_skip_steps"});
    csr.push_back({"ev_skip_bytes_i", "ev_skip_bytes"});
  }
  for (const auto& c : conns({{"start_o", "start"},
                              {"cmd_base_o", "cmd_base"},
                              {"cmd_count_o", "cmd_count"},
                              {"irq_o", "irq_o"},
                              {"busy_i", "seq_busy"},
                              {"done_i", "seq_done"},
                              {"err_code_i", "err_code"},
                              {"err_cmd_i", "err_cmd"},
                              {"ev_mac_active_i", "gate_valid"},
                              {"ev_gated_i", "gated_count"},
                              {"ev_rd_beat_i", "rd_beat"},
                              {"ev_wr_beat_i", "wr_beat"},
                              {"ev_load_i", "ev_load"},
                              {"ev_store_i", "ev_store"},
                              {"ev_cmd_i", "ev_cmd"}})) {
    csr.push_back(c);
  }

  // ---- read path: DMA, gearboxes, scratchpads ------------------------------------------------
  wires({{"rd_req_valid", 1}, {"rd_req_ready", 1},
         {"rd_req_addr", aw}, {"rd_req_row_bytes", 24},
         {"rd_req_rows", 16}, {"rd_req_stride", 32},
         {"rd_busy", 1},      {"rd_req_tag", tw},
         {"rd_pop", 1},       {"rd_pop_tag", tw},
         {"rd_retire", 1},    {"rd_retire_err", 1},
         {"sink_idle", 1},    {"rd_valid", 1},
         {"rd_ready", 1},     {"rd_data", B * 8},
         {"rd_cnt", lb + 1},  {"dest", db},
         {"cmd_valid", 1},    {"cmd_data", k::kCmdBytes * 8},
         {"cmd_ready", 1},    {"load_word", 1},
         {"load_waddr", 16}});
  s.Wire("cmp_acc_we");  // the array's drain into the acc scratchpad (compute controller)
  struct Gb {
    const char* name;
    unsigned out_bytes;
    unsigned dest;
  };
  std::vector<Gb> gbs = {{"act", rows, k::kTargetAct},
                         {"wgt", cols, k::kTargetWeight},
                         {"acc", 4 * cols, k::kTargetAcc},
                         {"cmd", k::kCmdBytes, st ? 4u : 3u}};
  if (st) gbs.insert(gbs.begin() + 3, Gb{"meta", cols, k::kTargetMeta});
  std::string ready_mux, word_any, empty_mux;
  for (const auto& g : gbs) {
    const std::string p = std::string("gb_") + g.name;
    const unsigned cnt_bits = Clog2(B + g.out_bytes + 1);
    s.Wire(p + "_in_ready");
    s.Wire(p + "_out_valid");
    s.Wire(p + "_out_data", N(g.out_bytes * 8));
    s.Wire(p + "_empty");
    s.Wire(p + "_sel");
    s.Assign(p + "_sel", "dest == " + N(db) + "'d" + N(g.dest));
    const bool is_cmd = std::string(g.name) == "cmd";
    // The acc scratchpad's write port belongs to the array's drain when both want it.
    const std::string ready = is_cmd                    ? "cmd_ready"
                              : g.dest == k::kTargetAcc ? "!cmp_acc_we"
                                                        : "1'b1";
    Instantiate(s, Child(built, "salsa_gearbox"), "u_" + p,
                {{"InBytes", N(B)}, {"OutBytes", N(g.out_bytes)}},
                {{"clk_i", clk},
                 {"rst_ni", rst},
                 {"in_valid_i", "rd_valid && " + p + "_sel"},
                 {"in_ready_o", p + "_in_ready"},
                 {"in_data_i", "rd_data"},
                 {"in_cnt_i", Zext("rd_cnt", lb + 1, cnt_bits)},
                 {"out_valid_o", p + "_out_valid"},
                 {"out_ready_i", ready},
                 {"out_data_o", p + "_out_data"},
                 {"empty_o", p + "_empty"}});
    ready_mux += "(" + p + "_sel && " + p + "_in_ready) || ";
    if (!is_cmd) word_any += "(" + p + "_sel && " + p + "_out_valid && " + ready + ") || ";
    empty_mux += "(" + p + "_sel && " + p + "_empty) || ";
  }
  auto strip = [](std::string e) { return e.substr(0, e.size() - 4); };
  s.Assign("rd_ready", strip(ready_mux));
  s.Assign("load_word", strip(word_any));
  // A read request retires once its destination's gearbox has written its last word.
  s.Assign("sink_idle", strip(empty_mux));
  s.Assign("cmd_valid", "gb_cmd_out_valid");
  s.Assign("cmd_data", "gb_cmd_out_data");

  std::vector<std::pair<std::string, std::string>> rd = {{"clk_i", clk},
                                                         {"rst_ni", rst},
                                                         {"req_valid_i", "rd_req_valid"},
                                                         {"req_ready_o", "rd_req_ready"},
                                                         {"req_addr_i", "rd_req_addr"},
                                                         {"req_row_bytes_i", "rd_req_row_bytes"},
                                                         {"req_rows_i", "rd_req_rows"},
                                                         {"req_stride_i", "rd_req_stride"},
                                                         {"req_tag_i", "rd_req_tag"},
                                                         {"busy_o", "rd_busy"},
                                                         {"pop_o", "rd_pop"},
                                                         {"pop_tag_o", "rd_pop_tag"},
                                                         {"sink_idle_i", "sink_idle"},
                                                         {"retire_o", "rd_retire"},
                                                         {"retire_err_o", "rd_retire_err"},
                                                         {"beat_o", "rd_beat"},
                                                         {"out_valid_o", "rd_valid"},
                                                         {"out_ready_i", "rd_ready"},
                                                         {"out_data_o", "rd_data"},
                                                         {"out_cnt_o", "rd_cnt"}};
  for (const char* n : {"arid", "araddr", "arlen", "arsize", "arburst", "arvalid", "arready", "rid",
                        "rdata", "rresp", "rlast", "rvalid", "rready"}) {
    rd.push_back({std::string("m_axi_") + n, std::string("m_axi_") + n});
  }
  if (zs) {
    s.Note(
        "Zero-skip: the index list lives in two copies with the same writes (from the compute "
        "unit's SCAN), one read by the compute unit, one by the read DMA's gather.");
    wires({{"rd_req_gather", 1},
           {"rd_req_j0", 16},
           {"idx_we", 1},
           {"idx_waddr", 16},
           {"idx_wdata", 16},
           {"idx_re", 1},
           {"idx_raddr", 16},
           {"idx_rdata", 16},
           {"dma_idx_re", 1},
           {"dma_idx_raddr", 16},
           {"dma_idx_rdata", 16}});
    for (const auto& c :
         std::vector<std::pair<std::string, std::string>>{{"req_gather_i", "rd_req_gather"},
                                                          {"req_j0_i", "rd_req_j0"},
                                                          {"idx_re_o", "dma_idx_re"},
                                                          {"idx_raddr_o", "dma_idx_raddr"},
                                                          {"idx_rdata_i", "dma_idx_rdata"}}) {
      rd.push_back(c);
    }
    for (const std::string& copy : {std::string(""), std::string("dma_")}) {
      Instantiate(s, Child(built, "salsa_scratchpad"), "u_" + copy + "idx_spad",
                  {{"Width", "16"}, {"Banks", "1"}, {"Depth", N(cfg.act.Words())}},
                  {{"clk_i", clk},
                   {"rst_ni", rst},
                   {"we_i", "idx_we"},
                   {"waddr_i", "idx_waddr"},
                   {"wdata_i", "idx_wdata"},
                   {"re_i", copy + "idx_re"},
                   {"raddr_i", copy + "idx_raddr"},
                   {"rdata_o", copy + "idx_rdata"}});
    }
  }
  Instantiate(s, Child(built, "salsa_dma_rd"), "u_dma_rd", {}, rd);

  // Scratchpads. The acc scratchpad is written by LOAD (bias words) and by the array's drain.
  wires({{"act_re", 1},
         {"act_raddr", 16},
         {"act_rdata", rows * 8},
         {"wgt_re", 1},
         {"wgt_raddr", 16},
         {"wgt_rdata", cols * 8},
         {"acc_re", 1},
         {"acc_raddr", 16},
         {"acc_rdata", cols * 32},
         {"cmp_acc_waddr", 16},
         {"drain_data", cols * 32},
         {"st_acc_re", 1},
         {"st_acc_raddr", 16}});
  const bool ws = cfg.dataflow == Dataflow::kWeightStationary;
  s.Note(ws ? "Weight-stationary: the compute unit reads the acc scratchpad on every output row "
              "(accumulate), so the store unit reads its own copy (same writes, second read port)."
            : "The drain may add into the acc words it reads (read-modify-write, COMPUTE w0[11]), "
              "so the store unit reads its own copy (same writes, second read port).");
  wires({{"st_acc_rdata", cols * 32}, {"cmp_acc_re", 1}, {"cmp_acc_raddr", 16}});
  s.Assign("acc_re", "cmp_acc_re");
  s.Assign("acc_raddr", "cmp_acc_raddr");
  struct Sp {
    const char* name;
    const ScratchpadConfig* sc;
    std::string we, waddr, wdata;
  };
  if (st) {
    s.Note(
        "2:4: the act scratchpad is split into even and odd words (same total size), so a 2:4 "
        "step reads a pair; meta word w holds the 2-bit positions of weight words 4w .. 4w+3 "
        "weight word's address and is read with it.");
    wires({{"act_b_re", 1},
           {"act_b_raddr", 16},
           {"act_b_rdata", rows * 8},
           {"meta_rdata", cols * 8}});
    const ScratchpadConfig& a = cfg.act;
    for (const auto& [half, bit, re] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"even", "1'b0", "act"},
                                                                        {"odd", "1'b1", "act_b"}}) {
      Instantiate(s, Child(built, "salsa_scratchpad"), "u_act_spad_" + half,
                  {{"Width", N(a.width_bits)}, {"Banks", N(a.banks)}, {"Depth", N(a.depth / 2)}},
                  {{"clk_i", clk},
                   {"rst_ni", rst},
                   {"we_i", "gb_act_sel && gb_act_out_valid && (load_waddr[0] == " + bit + ")"},
                   {"waddr_i", "{1'b0, load_waddr[15:1]}"},
                   {"wdata_i", "gb_act_out_data"},
                   {"re_i", re + "_re"},
                   {"raddr_i", re + "_raddr"},
                   {"rdata_o", re + "_rdata"}});
    }
    Instantiate(s, Child(built, "salsa_scratchpad"), "u_meta_spad",
                {{"Width", N(cols * 8)},
                 {"Banks", N(cfg.weight.banks)},
                 {"Depth", N(cfg.weight.depth / 4)}},
                {{"clk_i", clk},
                 {"rst_ni", rst},
                 {"we_i", "gb_meta_sel && gb_meta_out_valid"},
                 {"waddr_i", "load_waddr"},
                 {"wdata_i", "gb_meta_out_data"},
                 {"re_i", "wgt_re"},
                 {"raddr_i", "{2'b0, wgt_raddr[15:2]}"},
                 {"rdata_o", "meta_rdata"}});
  }
  std::vector<Sp> sps = {
      {"act", &cfg.act, "gb_act_sel && gb_act_out_valid", "load_waddr", "gb_act_out_data"},
      {"wgt", &cfg.weight, "gb_wgt_sel && gb_wgt_out_valid", "load_waddr", "gb_wgt_out_data"},
      {"acc", &cfg.acc, "(gb_acc_sel && gb_acc_out_valid) || cmp_acc_we",
       "cmp_acc_we ? cmp_acc_waddr : load_waddr", "cmp_acc_we ? drain_data : gb_acc_out_data"}};
  if (st) sps.erase(sps.begin());  // the act halves above
  for (const auto& sp : sps) {
    const std::string n = sp.name;
    const bool copy = n == "acc";
    for (const std::string& inst :
         copy ? std::vector<std::string>{"", "_st"} : std::vector<std::string>{""}) {
      const std::string rd = inst.empty() ? n : "st_" + n;
      Instantiate(
          s, Child(built, "salsa_scratchpad"), "u_" + n + "_spad" + inst,
          {{"Width", N(sp.sc->width_bits)}, {"Banks", N(sp.sc->banks)}, {"Depth", N(sp.sc->depth)}},
          {{"clk_i", clk},
           {"rst_ni", rst},
           {"we_i", sp.we},
           {"waddr_i", sp.waddr},
           {"wdata_i", sp.wdata},
           {"re_i", rd + "_re"},
           {"raddr_i", rd + "_raddr"},
           {"rdata_o", rd + "_rdata"}});
    }
  }

  // ---- sequencer --------------------------------------------------------------------------------
  wires({{"cmp_start", 1},     {"cmp_act_addr", 16}, {"cmp_wgt_addr", 16}, {"cmp_k", 16},
         {"cmp_zp", 8},        {"cmp_clear", 1},     {"cmp_drain", 1},     {"cmp_acc_addr", 16},
         {"cmp_busy", 1},      {"cmp_feed_busy", 1}, {"cmp_act_busy", 1},  {"cmp_act_lo", 17},
         {"cmp_act_hi", 17},   {"cmp_wgt_busy", 1},  {"cmp_wgt_lo", 17},   {"cmp_wgt_hi", 17},
         {"cmp_acc0_busy", 1}, {"cmp_acc0_lo", 17},  {"cmp_acc0_hi", 17},  {"cmp_acc1_busy", 1},
         {"cmp_acc1_lo", 17},  {"cmp_acc1_hi", 17},  {"st_busy", 1},       {"st_start", 1},
         {"st_acc_addr", 16},  {"st_rows", 16},      {"st_bytes", cb},     {"st_bias_addr", 16},
         {"st_dram_addr", aw}, {"st_stride", 32},    {"st_mult", 32},      {"st_shift", 8},
         {"st_zp", 8},         {"st_min", 8},        {"st_max", 8},        {"st_done", 1},
         {"wr_err", 1},        {"st_perch", 1},      {"st_qaddr", 16}});
  std::vector<std::pair<std::string, std::string>> seq = {
      {"clk_i", clk},
      {"rst_ni", rst},
      {"start_i", "start"},
      {"cmd_base_i", "cmd_base"},
      {"cmd_count_i", "cmd_count"},
      {"busy_o", "seq_busy"},
      {"done_o", "seq_done"},
      {"err_code_o", "err_code"},
      {"err_cmd_o", "err_cmd"},
      {"ev_load_o", "ev_load"},
      {"ev_store_o", "ev_store"},
      {"ev_cmd_o", "ev_cmd"},
      {"rd_req_valid_o", "rd_req_valid"},
      {"rd_req_ready_i", "rd_req_ready"},
      {"rd_req_addr_o", "rd_req_addr"},
      {"rd_req_row_bytes_o", "rd_req_row_bytes"},
      {"rd_req_rows_o", "rd_req_rows"},
      {"rd_req_stride_o", "rd_req_stride"},
      {"rd_busy_i", "rd_busy"},
      {"rd_req_tag_o", "rd_req_tag"},
      {"rd_pop_i", "rd_pop"},
      {"rd_pop_tag_i", "rd_pop_tag"},
      {"rd_retire_i", "rd_retire"},
      {"rd_retire_err_i", "rd_retire_err"},
      {"dest_o", "dest"},
      {"cmd_valid_i", "cmd_valid"},
      {"cmd_data_i", "cmd_data"},
      {"cmd_ready_o", "cmd_ready"},
      {"load_word_i", "load_word"},
      {"load_waddr_o", "load_waddr"}};
  for (const char* n : {"start", "act_addr", "wgt_addr", "k", "zp", "clear", "drain", "acc_addr"}) {
    seq.push_back({std::string("cmp_") + n + "_o", std::string("cmp_") + n});
  }
  for (const ComputeStatus& st : kComputeStatus) {
    seq.push_back({std::string("cmp_") + st.name + "_i", std::string("cmp_") + st.name});
  }
  for (const char* n : {"start", "acc_addr", "rows", "bytes", "bias_addr", "dram_addr", "stride",
                        "mult", "shift", "zp", "min", "max", "perch", "qaddr"}) {
    seq.push_back({std::string("st_") + n + "_o", std::string("st_") + n});
  }
  seq.push_back({"st_done_i", "st_done"});
  seq.push_back({"st_busy_i", "st_busy"});
  seq.push_back({"wr_err_i", "wr_err"});
  if (st) {
    wires({{"cmp_structured", 1}});
    seq.push_back({"cmp_structured_o", "cmp_structured"});
  }
  if (ws) {
    wires({{"cmp_act_end", 17}, {"cmp_wgt_end", 17}});
    seq.push_back({"cmp_act_end_o", "cmp_act_end"});
    seq.push_back({"cmp_wgt_end_o", "cmp_wgt_end"});
  }
  if (!ws) {
    wires({{"cmp_accum", 1}});
    seq.push_back({"cmp_accum_o", "cmp_accum"});
  }
  if (zs) {
    wires({{"cmp_scan", 1},
           {"cmp_lanes", 8},
           {"cmp_indexed", 1},
           {"cmp_j0", 16},
           {"cmp_stride", 8},
           {"cmp_scanning", 1},
           {"cmp_nnz", 16},
           {"cmp_group", 1}});
    for (const char* n : {"scan", "lanes", "indexed", "j0", "stride", "group"}) {
      seq.push_back({std::string("cmp_") + n + "_o", std::string("cmp_") + n});
    }
    seq.push_back({"cmp_scanning_i", "cmp_scanning"});
    seq.push_back({"cmp_nnz_i", "cmp_nnz"});
    seq.push_back({"rd_req_gather_o", "rd_req_gather"});
    seq.push_back({"rd_req_j0_o", "rd_req_j0"});
    seq.push_back({"ev_skip_bytes_o", "ev_skip_bytes"});
    seq.push_back({"ev_skip_steps_o", "ev_skip_steps"});
  }
  Instantiate(s, Child(built, "salsa_sequencer"), "u_sequencer", {}, seq);

  // ---- compute: controller, sparsity gate, array -----------------------------------------------
  wires({{"gate_in_valid", 1},
         {"gate_in_clear", 1},
         {"gate_in_last", 1},
         {"gate_zp", 8},
         {"gate_valid", 1},
         {"gate_clear", 1},
         {"gate_last", 1},
         {"gate_act", rows * 9 * L},
         {"gate_zero", rows * L},
         {"gate_wgt", cols * 8}});
  std::vector<std::pair<std::string, std::string>> cc = {{"clk_i", clk},
                                                         {"rst_ni", rst},
                                                         {"start_i", "cmp_start"},
                                                         {"act_addr_i", "cmp_act_addr"},
                                                         {"wgt_addr_i", "cmp_wgt_addr"},
                                                         {"k_i", "cmp_k"},
                                                         {"zp_i", "cmp_zp"},
                                                         {"clear_i", "cmp_clear"},
                                                         {"acc_addr_i", "cmp_acc_addr"},
                                                         {"act_re_o", "act_re"},
                                                         {"act_raddr_o", "act_raddr"},
                                                         {"wgt_re_o", "wgt_re"},
                                                         {"wgt_raddr_o", "wgt_raddr"},
                                                         {"gate_valid_o", "gate_in_valid"},
                                                         {"zp_o", "gate_zp"},
                                                         {"acc_we_o", "cmp_acc_we"},
                                                         {"acc_waddr_o", "cmp_acc_waddr"}};
  for (const ComputeStatus& st : kComputeStatus) {
    cc.push_back({std::string(st.name) + "_o", std::string("cmp_") + st.name});
  }
  if (ws) {
    s.Note(
        "Weight-stationary: the controller preloads weights straight from the weight "
        "scratchpad; the gate stages the activations (and the swap flag in its clear lane).");
    wires({{"w_load", rows}, {"array_out", cols * 32}});
    for (const auto& c :
         std::vector<std::pair<std::string, std::string>>{{"act_end_i", "cmp_act_end"},
                                                          {"wgt_end_i", "cmp_wgt_end"},
                                                          {"gate_swap_o", "gate_in_clear"},
                                                          {"w_load_o", "w_load"},
                                                          {"out_i", "array_out"},
                                                          {"acc_re_o", "cmp_acc_re"},
                                                          {"acc_raddr_o", "cmp_acc_raddr"},
                                                          {"acc_rdata_i", "acc_rdata"},
                                                          {"acc_wdata_o", "drain_data"}}) {
      cc.push_back(c);
    }
    Instantiate(s, Child(built, "salsa_compute_ctrl_ws"), "u_compute_ctrl", {}, cc);
    s.Assign("gate_in_last", "1'b0");
    Instantiate(s, Child(built, "salsa_mac_array_ws"), "u_mac_array", {},
                {{"clk_i", clk},
                 {"rst_ni", rst},
                 {"in_valid_i", "gate_valid"},
                 {"in_swap_i", "gate_clear"},
                 {"act_i", "gate_act"},
                 {"act_zero_i", "gate_zero"},
                 {"w_load_i", "w_load"},
                 {"wgt_i", "wgt_rdata"},
                 {"out_o", "array_out"}});
    s.Wire("unused_ws");
    s.Assign("unused_ws", "^{gate_last, gate_wgt, cmp_drain}");
  } else {
    wires({{"array_drain", 1}, {"array_row", cols * 32}});
    for (const auto& c :
         std::vector<std::pair<std::string, std::string>>{{"drain_i", "cmp_drain"},
                                                          {"gate_clear_o", "gate_in_clear"},
                                                          {"gate_last_o", "gate_in_last"},
                                                          {"array_drain_o", "array_drain"},
                                                          {"accum_i", "cmp_accum"},
                                                          {"drain_data_i", "array_row"},
                                                          {"acc_re_o", "cmp_acc_re"},
                                                          {"acc_raddr_o", "cmp_acc_raddr"},
                                                          {"acc_rdata_i", "acc_rdata"},
                                                          {"acc_wdata_o", "drain_data"}}) {
      cc.push_back(c);
    }
    if (zs) {
      for (const auto& c :
           std::vector<std::pair<std::string, std::string>>{{"scan_i", "cmp_scan"},
                                                            {"lanes_i", "cmp_lanes"},
                                                            {"indexed_i", "cmp_indexed"},
                                                            {"j0_i", "cmp_j0"},
                                                            {"stride_i", "cmp_stride"},
                                                            {"group_i", "cmp_group"},
                                                            {"act_rdata_i", "act_rdata"},
                                                            {"scanning_o", "cmp_scanning"},
                                                            {"nnz_o", "cmp_nnz"},
                                                            {"idx_we_o", "idx_we"},
                                                            {"idx_waddr_o", "idx_waddr"},
                                                            {"idx_wdata_o", "idx_wdata"},
                                                            {"idx_re_o", "idx_re"},
                                                            {"idx_raddr_o", "idx_raddr"},
                                                            {"idx_rdata_i", "idx_rdata"}}) {
        cc.push_back(c);
      }
    }
    if (st) {
      wires({{"act_bundle", rows * 32},
             {"cmp_meta", cols * 2},
             {"gate_st", 1},
             {"gate_meta", cols * 2}});
      for (const auto& c :
           std::vector<std::pair<std::string, std::string>>{{"structured_i", "cmp_structured"},
                                                            {"act_rdata_i", "act_rdata"},
                                                            {"act_b_re_o", "act_b_re"},
                                                            {"act_b_raddr_o", "act_b_raddr"},
                                                            {"act_b_rdata_i", "act_b_rdata"},
                                                            {"act_bundle_o", "act_bundle"},
                                                            {"meta_rdata_i", "meta_rdata"},
                                                            {"meta_o", "cmp_meta"},
                                                            {"gate_st_o", "gate_st"}}) {
        cc.push_back(c);
      }
    }
    Instantiate(s, Child(built, "salsa_compute_ctrl"), "u_compute_ctrl", {}, cc);
    std::vector<std::pair<std::string, std::string>> arr = {{"clk_i", clk},
                                                            {"rst_ni", rst},
                                                            {"in_valid_i", "gate_valid"},
                                                            {"in_clear_i", "gate_clear"},
                                                            {"in_last_i", "gate_last"},
                                                            {"act_i", "gate_act"},
                                                            {"act_zero_i", "gate_zero"},
                                                            {"wgt_i", "gate_wgt"},
                                                            {"drain_i", "array_drain"},
                                                            {"drain_o", "array_row"}};
    if (st) arr.push_back({"meta_i", "gate_meta"});
    Instantiate(s, Child(built, "salsa_mac_array"), "u_mac_array", {}, arr);
  }
  std::vector<std::pair<std::string, std::string>> gate = {
      {"clk_i", clk},
      {"rst_ni", rst},
      {"valid_i", "gate_in_valid"},
      {"clear_i", "gate_in_clear"},
      {"last_i", "gate_in_last"},
      {"zero_point_i", "gate_zp"},
      {"act_i", st ? "act_bundle" : "act_rdata"},
      {"wgt_i", "wgt_rdata"},
      {"valid_o", "gate_valid"},
      {"clear_o", "gate_clear"},
      {"last_o", "gate_last"},
      {"act_o", "gate_act"},
      {"act_zero_o", "gate_zero"},
      {"wgt_o", "gate_wgt"},
      {"gated_count_o", "gated_count"}};
  if (st) {
    gate.push_back({"st_i", "gate_st"});
    gate.push_back({"meta_i", "cmp_meta"});
    gate.push_back({"meta_o", "gate_meta"});
  }
  Instantiate(s, Child(built, "salsa_sparsity_gate"), "u_sparsity_gate", {}, gate);

  // ---- store: controller, PPU, write DMA --------------------------------------------------------
  wires({{"ppu_valid_in", 1},
         {"ppu_bias", cols * 32},
         {"ppu_mult", cols * 32},
         {"ppu_shift", cols * 8},
         {"ppu_zp", 8},
         {"ppu_min", 8},
         {"ppu_max", 8},
         {"ppu_valid_out", 1},
         {"ppu_out", cols * 8},
         {"wr_clear", 1},
         {"wr_req_valid", 1},
         {"wr_req_ready", 1},
         {"wr_req_addr", aw},
         {"wr_req_bytes", cb},
         {"wr_req_data", cols * 8},
         {"wr_busy", 1}});
  Instantiate(s, Child(built, "salsa_store_ctrl"), "u_store_ctrl", {},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"start_i", "st_start"},
               {"acc_addr_i", "st_acc_addr"},
               {"rows_i", "st_rows"},
               {"bytes_i", "st_bytes"},
               {"bias_addr_i", "st_bias_addr"},
               {"dram_addr_i", "st_dram_addr"},
               {"stride_i", "st_stride"},
               {"perch_i", "st_perch"},
               {"qaddr_i", "st_qaddr"},
               {"mult_i", "st_mult"},
               {"shift_i", "st_shift"},
               {"zp_i", "st_zp"},
               {"min_i", "st_min"},
               {"max_i", "st_max"},
               {"done_o", "st_done"},
               {"busy_o", "st_busy"},
               {"acc_re_o", "st_acc_re"},
               {"acc_raddr_o", "st_acc_raddr"},
               {"acc_rdata_i", "st_acc_rdata"},
               {"ppu_valid_o", "ppu_valid_in"},
               {"ppu_bias_o", "ppu_bias"},
               {"ppu_mult_o", "ppu_mult"},
               {"ppu_shift_o", "ppu_shift"},
               {"ppu_zp_o", "ppu_zp"},
               {"ppu_min_o", "ppu_min"},
               {"ppu_max_o", "ppu_max"},
               {"ppu_valid_i", "ppu_valid_out"},
               {"ppu_out_i", "ppu_out"},
               {"wr_clear_o", "wr_clear"},
               {"wr_req_valid_o", "wr_req_valid"},
               {"wr_req_ready_i", "wr_req_ready"},
               {"wr_req_addr_o", "wr_req_addr"},
               {"wr_req_bytes_o", "wr_req_bytes"},
               {"wr_req_data_o", "wr_req_data"},
               {"wr_busy_i", "wr_busy"}});
  Instantiate(s, Child(built, "salsa_ppu"), "u_ppu", {},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"valid_i", "ppu_valid_in"},
               {"acc_i", "st_acc_rdata"},
               {"bias_i", "ppu_bias"},
               {"mult_i", "ppu_mult"},
               {"shift_i", "ppu_shift"},
               {"zp_i", "ppu_zp"},
               {"min_i", "ppu_min"},
               {"max_i", "ppu_max"},
               {"valid_o", "ppu_valid_out"},
               {"out_o", "ppu_out"}});
  std::vector<std::pair<std::string, std::string>> wr = {{"clk_i", clk},
                                                         {"rst_ni", rst},
                                                         {"clear_i", "wr_clear"},
                                                         {"req_valid_i", "wr_req_valid"},
                                                         {"req_ready_o", "wr_req_ready"},
                                                         {"req_addr_i", "wr_req_addr"},
                                                         {"req_bytes_i", "wr_req_bytes"},
                                                         {"req_data_i", "wr_req_data"},
                                                         {"busy_o", "wr_busy"},
                                                         {"err_o", "wr_err"},
                                                         {"beat_o", "wr_beat"}};
  for (const char* n :
       {"awid", "awaddr", "awlen", "awsize", "awburst", "awvalid", "awready", "wdata", "wstrb",
        "wlast", "wvalid", "wready", "bid", "bresp", "bvalid", "bready"}) {
    wr.push_back({std::string("m_axi_") + n, std::string("m_axi_") + n});
  }
  Instantiate(s, Child(built, "salsa_dma_wr"), "u_dma_wr", {}, wr);
  Instantiate(s, Child(built, "salsa_csr"), "u_csr", {}, csr);
  return m;
}

const Module& Child(const Built& built, const std::string& name) {
  for (const Module& m : built) {
    if (m.name == name) return m;
  }
  throw std::logic_error("salsa: module " + name + " is instantiated before it is built");
}

std::vector<Module> BuildAll(const Config& cfg) {
  const bool ws = cfg.dataflow == Dataflow::kWeightStationary;
  Built b;
  // Each builder sees the modules built before it (the order is the file list's).
  auto add = [&b](Module m) { b.push_back(std::move(m)); };
  add(ws ? BuildPeWs(cfg) : BuildPe(cfg));
  add(BuildDelay());
  add(ws ? BuildMacArrayWs(cfg, b) : BuildMacArray(cfg, b));
  add(BuildSparsityGate(cfg));
  add(BuildSram());
  add(BuildScratchpad(b));
  add(BuildGearbox());
  add(BuildDmaRd(cfg));
  add(BuildDmaWr(cfg));
  add(BuildRequant());
  add(BuildPpu(cfg, b));
  add(BuildCsr(cfg));
  add(ws ? BuildComputeCtrlWs(cfg, b) : BuildComputeCtrl(cfg));
  add(BuildStoreCtrl(cfg));
  add(BuildFifo());
  add(BuildSequencer(cfg));
  add(BuildTop(cfg, b));
  return b;
}

unsigned Clog2(unsigned long long v) {
  unsigned r = 0;
  while ((1ULL << r) < v) ++r;
  return r;
}

}  // namespace salsa::blocks
