// salsa_top: the accelerator, wiring every block together; the paths are built in top_*.cpp.
#include <stdexcept>

#include "blocks/top_parts.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace top {

Top::Top(const Config& c, const Built& b, Scope& scope, std::string clk_i, std::string rst_ni)
    : cfg(c), built(b), s(scope), clk(std::move(clk_i)), rst(std::move(rst_ni)) {
  namespace k = contract;
  B = cfg.BusBytes();
  lb = Clog2(B);
  aw = cfg.axi_addr_bits;
  id = cfg.axi_id_bits;
  st = cfg.structured24;
  zs = cfg.zero_skip;
  ws = cfg.dataflow == Dataflow::kWeightStationary;
  L = st ? 4 : 1;
  rows = cfg.rows;
  cols = cfg.cols;
  cb = CountBits(cols);
  gb = CountBits(rows * L);
  db = k::DestBits(cfg.structured24);
  tw = 16 + db;
}

void Top::Wires(const std::vector<std::pair<std::string, unsigned>>& list) const {
  for (const auto& [n, w] : list) s.Wire(n, N(w));
}

void Top::Inst(const std::string& module, const std::string& name, Conns params,
               Conns conns) const {
  Instantiate(s, Child(built, module), name, std::move(params), std::move(conns));
}

namespace {

Signal In(const std::string& n, unsigned w = 1) { return {n, Dir::kIn, N(w)}; }
Signal Out(const std::string& n, unsigned w = 1) { return {n, Dir::kOut, N(w)}; }

}  // namespace

Bundle AxiLite() {
  return Bundle("axi_lite",
                {In("awaddr", 12), In("awprot", 3), In("awvalid"), In("wdata", 32), In("wstrb", 4),
                 In("wvalid"), In("bready"), In("araddr", 12), In("arprot", 3), In("arvalid"),
                 In("rready"), Out("awready"), Out("wready"), Out("bresp", 2), Out("bvalid"),
                 Out("arready"), Out("rdata", 32), Out("rresp", 2), Out("rvalid")},
                Bundle::Suffix::kNone);
}

Bundle AxiRead(const Config& cfg) {
  const unsigned id = cfg.axi_id_bits, aw = cfg.axi_addr_bits, dw = cfg.BusBytes() * 8;
  return Bundle("axi_read",
                {Out("arid", id), Out("araddr", aw), Out("arlen", 8), Out("arsize", 3),
                 Out("arburst", 2), Out("arvalid"), In("arready"), In("rid", id), In("rdata", dw),
                 In("rresp", 2), In("rlast"), In("rvalid"), Out("rready")},
                Bundle::Suffix::kNone);
}

Bundle AxiWrite(const Config& cfg) {
  const unsigned id = cfg.axi_id_bits, aw = cfg.axi_addr_bits, B = cfg.BusBytes();
  return Bundle(
      "axi_write",
      {Out("awid", id), Out("awaddr", aw), Out("awlen", 8), Out("awsize", 3), Out("awburst", 2),
       Out("awvalid"), In("awready"), Out("wdata", B * 8), Out("wstrb", B), Out("wlast"),
       Out("wvalid"), In("wready"), In("bid", id), In("bresp", 2), In("bvalid"), Out("bready")},
      Bundle::Suffix::kNone);
}

Bundle ComputeStatus() {
  std::vector<Signal> sigs;
  for (const blocks::ComputeStatus& st : kComputeStatus) sigs.push_back(Out(st.name, st.bits));
  return Bundle("compute_status", sigs);
}

Bundle ComputeCmd() {
  return Bundle("compute_cmd",
                {Out("start"), Out("act_addr", 16), Out("wgt_addr", 16), Out("k", 16), Out("zp", 8),
                 Out("clear"), Out("drain"), Out("acc_addr", 16)});
}

Bundle StoreCmd(const Config& cfg) {
  return Bundle(
      "store_cmd",
      {Out("start"), Out("acc_addr", 16), Out("rows", 16), Out("bytes", CountBits(cfg.cols)),
       Out("bias_addr", 16), Out("dram_addr", cfg.axi_addr_bits), Out("stride", 32),
       Out("mult", 32), Out("shift", 8), Out("zp", 8), Out("min", 8), Out("max", 8), Out("perch"),
       Out("qaddr", 16), In("done"), In("busy")});
}

Bundle ReadReq(const Config& cfg) {
  const unsigned tw = 16 + contract::DestBits(cfg.structured24);
  return Bundle("read_req", {In("req_valid"), Out("req_ready"), In("req_addr", cfg.axi_addr_bits),
                             In("req_row_bytes", 24), In("req_rows", 16), In("req_stride", 32),
                             Out("busy"), In("req_tag", tw), Out("pop"), Out("pop_tag", tw),
                             Out("retire"), Out("retire_err")});
}

Bundle WriteReq(const Config& cfg) {
  return Bundle("write_req",
                {In("clear"), In("req_valid"), Out("req_ready"), In("req_addr", cfg.axi_addr_bits),
                 In("req_bytes", CountBits(cfg.cols)), In("req_data", cfg.cols * 8), Out("busy")});
}

Bundle PpuOperands(const Config& cfg) {
  const unsigned cols = cfg.cols;
  return Bundle("ppu_operands",
                {Out("bias", cols * 32), Out("mult", cols * 32), Out("shift", cols * 8),
                 Out("zp", 8), Out("min", 8), Out("max", 8)});
}

}  // namespace top

Module BuildTop(const Config& cfg, const Built& built) {
  Module m("salsa_top", "salsa accelerator '" + cfg.name + "': " + N(cfg.rows) + "x" + N(cfg.cols) +
                            " INT8 output-stationary MAC array, AXI4-Lite CSRs, AXI4 " +
                            N(cfg.axi_data_bits) + "-bit DRAM master.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.Out("irq_o");
  top::AxiLite().DeclarePorts(m, "s_axil_");
  const Bundle rd = top::AxiRead(cfg), wr = top::AxiWrite(cfg);
  wr.Only(Dir::kOut).DeclarePorts(m, "m_axi_");
  rd.Only(Dir::kOut).DeclarePorts(m, "m_axi_");
  wr.Only(Dir::kIn).DeclarePorts(m, "m_axi_");
  rd.Only(Dir::kIn).DeclarePorts(m, "m_axi_");
  Scope s = m.Body();
  const top::Top t(cfg, built, s, clk, rst);
  const Conns csr = top::AddControl(t);
  top::AddReadPath(t);
  top::AddScratchpads(t);
  top::AddSequencer(t);
  top::AddComputePath(t);
  top::AddStorePath(t);
  top::AddCsr(t, csr);
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
