// salsa_top's read path: the read DMA, its gearboxes (one per destination) and the scratchpads
// they write.
#include <tuple>

#include "blocks/top_parts.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks::top {

using namespace ir;

namespace {

// Zero-extends a `from`-bit expression to `to` bits.
std::string Zext(const std::string& e, unsigned from, unsigned to) {
  return to > from ? "{" + N(to - from) + "'d0, " + e + "}" : e;
}

// The gearboxes: the read DMA's beats go to the one its destination selects.
void AddGearboxes(const Top& t) {
  namespace k = contract;
  Scope& s = t.s;
  struct Gb {
    const char* name;
    unsigned out_bytes;
    unsigned dest;
  };
  std::vector<Gb> gbs = {{"act", t.rows, k::kTargetAct},
                         {"wgt", t.cols, k::kTargetWeight},
                         {"acc", 4 * t.cols, k::kTargetAcc},
                         {"cmd", k::kCmdBytes, t.st ? 4u : 3u}};
  if (t.st) gbs.insert(gbs.begin() + 3, Gb{"meta", t.cols, k::kTargetMeta});
  std::string ready_mux, word_any, empty_mux;
  const unsigned ww = WgtWriteWords(t.cfg);  // K-slice builds: weight words per cycle
  for (const auto& g : gbs) {
    const std::string p = std::string("gb_") + g.name;
    const unsigned cnt_bits = Clog2(t.B + g.out_bytes + 1);
    const bool wide = g.dest == k::kTargetWeight && ww > 1;
    s.Wire(p + "_in_ready");
    s.Wire(p + "_out_valid");
    s.Wire(p + "_out_data", N((wide ? ww : 1) * g.out_bytes * 8));
    if (wide) s.Wire(p + "_out_n", N(cnt_bits));
    s.Wire(p + "_empty");
    s.Wire(p + "_sel");
    s.Assign(p + "_sel", "dest == " + N(t.db) + "'d" + N(g.dest));
    const bool is_cmd = std::string(g.name) == "cmd";
    // The acc scratchpad's write port belongs to the array's drain when both want it.
    const std::string ready = is_cmd                                        ? "cmd_ready"
                              : g.dest == k::kTargetAcc                     ? "!cmp_acc_we"
                              : g.dest == k::kTargetAct && ScanPacks(t.cfg) ? "!cmp_act_we"
                                                                            : "1'b1";
    Conns gc = {{"clk_i", t.clk},
                {"rst_ni", t.rst},
                {"in_valid_i", "rd_valid && " + p + "_sel"},
                {"in_ready_o", p + "_in_ready"},
                {"in_data_i", "rd_data"},
                {"in_cnt_i", Zext("rd_cnt", t.lb + 1, cnt_bits)},
                {"out_valid_o", p + "_out_valid"},
                {"out_ready_i", ready},
                {"out_data_o", p + "_out_data"},
                {"empty_o", p + "_empty"}};
    if (wide) gc.push_back({"out_n_o", p + "_out_n"});
    t.Inst(wide ? "salsa_gearbox_wide" : "salsa_gearbox", "u_" + p,
           {{"InBytes", N(t.B)}, {"OutBytes", N(g.out_bytes)}}, gc);
    if (wide) {
      s.Note("K slices: a weight LOAD writes up to " + N(ww) +
             " words per cycle; the sequencer's write address steps by the words written.");
      s.Wire("load_wn", N(cnt_bits));
      s.Assign("load_wn", p + "_sel ? " + p + "_out_n : " + N(cnt_bits) + "'d1");
    }
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
}

// One scratchpad instance.
void Spad(const Top& t, const std::string& name, const Conns& params, const std::string& we,
          const std::string& waddr, const std::string& wdata, const std::string& rd) {
  t.Inst("salsa_scratchpad", name, params,
         {{"clk_i", t.clk},
          {"rst_ni", t.rst},
          {"we_i", we},
          {"waddr_i", waddr},
          {"wdata_i", wdata},
          {"re_i", rd + "_re"},
          {"raddr_i", rd + "_raddr"},
          {"rdata_o", rd + "_rdata"}});
}

Conns SpadParams(unsigned long long width, unsigned long long banks, unsigned long long depth) {
  return {{"Width", N(width)}, {"Banks", N(banks)}, {"Depth", N(depth)}};
}

}  // namespace

void AddReadPath(const Top& t) {
  namespace k = contract;
  Scope& s = t.s;
  const Bundle req = ReadReq(t.cfg);
  req.DeclareWires(s, "rd_");
  t.Wires({{"sink_idle", 1},
           {"rd_valid", 1},
           {"rd_ready", 1},
           {"rd_data", t.B * 8},
           {"rd_cnt", t.lb + 1},
           {"dest", t.db},
           {"cmd_valid", 1},
           {"cmd_data", k::kCmdBytes * 8},
           {"cmd_ready", 1},
           {"load_word", 1},
           {"load_waddr", 16}});
  if (SlicedGather(t.cfg)) t.Wires({{"load_wsk", 1}});
  s.Wire("cmp_acc_we");  // the array's drain into the acc scratchpad (compute controller)
  if (ScanPacks(t.cfg)) {
    // A SCAN's packed act words (compute controller), and the act write port they share with
    // the LOADs: the SCAN's word goes first, the act gearbox waits.
    t.Wires({{"cmp_act_we", 1},
             {"cmp_act_waddr", 16},
             {"cmp_act_wdata", t.rows * 8},
             {"act_w_we", 1},
             {"act_w_addr", 16},
             {"act_w_data", t.rows * 8}});
    s.Assign("act_w_we", "(gb_act_sel && gb_act_out_valid) || cmp_act_we");
    s.Assign("act_w_addr", "cmp_act_we ? cmp_act_waddr : load_waddr");
    s.Assign("act_w_data", "cmp_act_we ? cmp_act_wdata : gb_act_out_data");
  }
  AddGearboxes(t);

  if (t.cfg.axi_ports > 1) AxiRead(t.cfg).DeclareWires(s, DmaAxiPrefix(t.cfg));
  Conns rd = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
  auto add = [&rd](const Conns& cs) {
    for (const auto& c : cs) rd.push_back(c);
  };
  add(req.Select({"req_valid", "req_ready", "req_addr", "req_row_bytes", "req_rows", "req_stride",
                  "req_tag", "busy", "pop", "pop_tag"})
          .Connect("", "rd_"));
  rd.push_back({"sink_idle_i", "sink_idle"});
  if (t.cfg.axi_timeout_cycles != 0) rd.push_back({"timeout_o", "rd_timeout"});
  add(req.Select({"retire", "retire_err"}).Connect("", "rd_"));
  add({{"beat_o", "rd_beat"},
       {"out_valid_o", "rd_valid"},
       {"out_ready_i", "rd_ready"},
       {"out_data_o", "rd_data"},
       {"out_cnt_o", "rd_cnt"}});
  add(AxiRead(t.cfg).Connect("m_axi_", DmaAxiPrefix(t.cfg)));
  if (t.zs) {
    s.Note(
        "Zero-skip: the index list lives in two copies with the same writes (from the compute "
        "unit's SCAN), one read by the compute unit, one by the read DMA's gather.");
    t.Wires({{"rd_req_gather", 1},
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
    add({{"req_gather_i", "rd_req_gather"},
         {"req_j0_i", "rd_req_j0"},
         {"idx_re_o", "dma_idx_re"},
         {"idx_raddr_o", "dma_idx_raddr"},
         {"idx_rdata_i", "dma_idx_rdata"}});
    for (const std::string& copy : {std::string(""), std::string("dma_")}) {
      Spad(t, "u_" + copy + "idx_spad", SpadParams(16, 1, t.cfg.act.Words()), "idx_we", "idx_waddr",
           "idx_wdata", copy + "idx");
    }
  }
  t.Inst("salsa_dma_rd", "u_dma_rd", {}, rd);
}

void AddScratchpads(const Top& t) {
  Scope& s = t.s;
  const Config& cfg = t.cfg;
  const unsigned rows = t.rows, cols = t.cols;
  // Scratchpads. The acc scratchpad is written by LOAD (bias words) and by the array's drain.
  t.Wires({{"act_re", 1},
           {"act_raddr", 16},
           {"act_rdata", rows * 8},
           {"wgt_re", 1},
           {"wgt_raddr", 16},
           {"wgt_rdata", cfg.gemv_slices * cols * 8},
           {"acc_re", 1},
           {"acc_raddr", 16},
           {"acc_rdata", cols * 32},
           {"cmp_acc_waddr", 16},
           {"drain_data", cols * 32},
           {"st_acc_re", 1},
           {"st_acc_raddr", 16}});
  s.Note(t.ws
             ? "Weight-stationary: the compute unit reads the acc scratchpad on every output row "
               "(accumulate), so the store unit reads its own copy (same writes, second read port)."
             : "The drain may add into the acc words it reads (read-modify-write, COMPUTE w0[11]), "
               "so the store unit reads its own copy (same writes, second read port).");
  t.Wires({{"st_acc_rdata", cols * 32}, {"cmp_acc_re", 1}, {"cmp_acc_raddr", 16}});
  s.Assign("acc_re", "cmp_acc_re");
  s.Assign("acc_raddr", "cmp_acc_raddr");
  if (t.st) {
    s.Note(
        "2:4: the act scratchpad is split into even and odd words (same total size), so a 2:4 "
        "step reads a pair; meta word w holds the 2-bit positions of weight words 4w .. 4w+3 "
        "and is read with each of them (weight address / 4).");
    t.Wires({{"act_b_re", 1},
             {"act_b_raddr", 16},
             {"act_b_rdata", rows * 8},
             {"meta_rdata", cols * 8}});
    const ScratchpadConfig& a = cfg.act;
    for (const auto& [half, bit, re] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"even", "1'b0", "act"},
                                                                        {"odd", "1'b1", "act_b"}}) {
      Spad(t, "u_act_spad_" + half, SpadParams(a.width_bits, a.banks, a.depth / 2),
           "gb_act_sel && gb_act_out_valid && (load_waddr[0] == " + bit + ")",
           "{1'b0, load_waddr[15:1]}", "gb_act_out_data", re);
    }
    t.Inst("salsa_scratchpad", "u_meta_spad",
           SpadParams(cols * 8, cfg.weight.banks, cfg.weight.depth / 4),
           {{"clk_i", t.clk},
            {"rst_ni", t.rst},
            {"we_i", "gb_meta_sel && gb_meta_out_valid"},
            {"waddr_i", "load_waddr"},
            {"wdata_i", "gb_meta_out_data"},
            {"re_i", "wgt_re"},
            {"raddr_i", "{2'b0, wgt_raddr[15:2]}"},
            {"rdata_o", "meta_rdata"}});
  }
  if (cfg.OsConv()) {
    s.Note(
        "os im2col: the act scratchpad is split into even and odd words (same total size), so "
        "every step reads words a and a + 1, whatever a's parity; the compute path shifts the "
        "pair by the step's byte (docs/conv.md).");
    t.Wires({{"act_e_re", 1},
             {"act_o_re", 1},
             {"act_e_raddr", 16},
             {"act_o_raddr", 16},
             {"act_e_rdata", rows * 8},
             {"act_o_rdata", rows * 8}});
    s.Assign("act_e_re", "act_re");
    s.Assign("act_o_re", "act_re");
    s.Note("Word a + 1 mod 2^16: the even half's row (a + 1) / 2 wraps at 2^15.");
    s.Assign("act_e_raddr", "{1'b0, act_raddr[15:1] + {14'd0, act_raddr[0]}}");
    s.Assign("act_o_raddr", "{1'b0, act_raddr[15:1]}");
    const ScratchpadConfig& a = cfg.act;
    const bool pk = ScanPacks(cfg);  // the act write port is shared with the SCAN's packing
    const std::string we = pk ? "act_w_we" : "gb_act_sel && gb_act_out_valid",
                      wa = pk ? "act_w_addr" : "load_waddr",
                      wd = pk ? "act_w_data" : "gb_act_out_data";
    for (const auto& [half, bit] :
         std::vector<std::pair<std::string, std::string>>{{"e", "1'b0"}, {"o", "1'b1"}}) {
      Spad(t, std::string("u_act_spad_") + (half == "e" ? "even" : "odd"),
           SpadParams(a.width_bits, a.banks, a.depth / 2),
           we + " && (" + wa + "[0] == " + bit + ")", "{1'b0, " + wa + "[15:1]}", wd,
           "act_" + half);
    }
  }
  struct Sp {
    const char* name;
    const ScratchpadConfig* sc;
    std::string we, waddr, wdata;
  };
  std::vector<Sp> sps = {
      {"act", &cfg.act, "gb_act_sel && gb_act_out_valid", "load_waddr", "gb_act_out_data"},
      {"wgt", &cfg.weight, "gb_wgt_sel && gb_wgt_out_valid", "load_waddr", "gb_wgt_out_data"},
      {"acc", &cfg.acc, "(gb_acc_sel && gb_acc_out_valid) || cmp_acc_we",
       "cmp_acc_we ? cmp_acc_waddr : load_waddr", "cmp_acc_we ? drain_data : gb_acc_out_data"}};
  if (t.st || cfg.OsConv()) sps.erase(sps.begin());  // the act halves above
  for (const auto& sp : sps) {
    const std::string n = sp.name;
    const bool copy = n == "acc";
    if (n == "wgt" && cfg.gemv_slices > 1) {
      s.Note("K slices: the weight scratchpad reads " + N(cfg.gemv_slices) +
             " consecutive words per cycle (interleaved ways).");
      const Conns params = SpadParams(sp.sc->width_bits, sp.sc->banks, sp.sc->depth);
      const unsigned ww = WgtWriteWords(cfg), nb = CountBits(ww);
      Conns sc = {{"clk_i", t.clk},
                  {"rst_ni", t.rst},
                  {"we_i", sp.we},
                  {"wn_i", ww > 1 ? Slice("gb_wgt_out_n", N(nb - 1), "0") : "1'b1"},
                  {"waddr_i", sp.waddr},
                  {"wdata_i", sp.wdata},
                  {"re_i", "wgt_re"},
                  {"raddr_i", "wgt_raddr"},
                  {"rdata_o", "wgt_rdata"}};
      if (SlicedGather(cfg)) sc.insert(sc.begin() + 3, {"wsk_i", "load_wsk"});
      t.Inst("salsa_slice_spad", "u_wgt_spad", params, sc);
      continue;
    }
    for (const std::string& inst :
         copy ? std::vector<std::string>{"", "_st"} : std::vector<std::string>{""}) {
      Spad(t, "u_" + n + "_spad" + inst, SpadParams(sp.sc->width_bits, sp.sc->banks, sp.sc->depth),
           sp.we, sp.waddr, sp.wdata, inst.empty() ? n : "st_" + n);
    }
  }
}

}  // namespace salsa::blocks::top
