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
  tw = ReadTagBits(cfg);
}

void Top::Wires(const std::vector<std::pair<std::string, unsigned>>& list) const {
  for (const auto& [n, w] : list) s.Wire(n, N(w));
}

void Top::Inst(const std::string& module, const std::string& name, Conns params,
               Conns conns) const {
  if (cfg.sram_ecc && (module == "salsa_scratchpad" || module == "salsa_slice_spad")) {
    const unsigned ways = module == "salsa_scratchpad" ? 0 : cfg.gemv_slices;
    const unsigned n = ways == 0 ? 1 : ways;
    const std::string w = EccWire(name);
    Wires({{w + "_corr", n}, {w + "_err", n}, {w + "_addr", 16 * n}});
    Append(conns,
           {{"ecc_corr_o", w + "_corr"}, {"ecc_err_o", w + "_err"}, {"ecc_addr_o", w + "_addr"}});
    ecc_spads.push_back({name, ways});
  }
  Instantiate(s, Child(built, module), name, std::move(params), std::move(conns));
}

std::string AxiPortPrefix(const Config& cfg, unsigned p) {
  return cfg.axi_ports == 1 ? "m_axi_" : "m_axi" + N(p) + "_";
}

std::string DmaAxiPrefix(const Config& cfg) { return cfg.axi_ports == 1 ? "m_axi_" : "dma_axi_"; }

void AddLanes(const Top& t) {
  const Config& cfg = t.cfg;
  if (cfg.axi_ports == 1) return;
  t.s.Note("axi.ports " + N(cfg.axi_ports) + ": the DMAs' " + N(cfg.BusBytes()) +
           "-byte channels split into the ports' lanes (docs/axi_ports.md).");
  for (const bool read : {true, false}) {
    const Bundle wide = read ? AxiRead(cfg) : AxiWrite(cfg);
    Conns c = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
    Append(c, wide.Connect("s_axi_", "dma_axi_", /*flip=*/true));
    const Bundle lane = read ? AxiRead(cfg, cfg.PortBytes()) : AxiWrite(cfg, cfg.PortBytes());
    for (unsigned p = 0; p < cfg.axi_ports; ++p) {
      const std::string prefix = AxiPortPrefix(cfg, p);
      Append(c, lane.Connect(prefix, prefix));
    }
    t.Inst(read ? "salsa_axi_lanes_rd" : "salsa_axi_lanes_wr",
           read ? "u_axi_lanes_rd" : "u_axi_lanes_wr", {}, c);
  }
}

void Append(Conns& to, const Conns& from) {
  for (const auto& c : from) to.push_back(c);
}

Conns ToWires(const std::vector<std::string>& ports, const std::string& prefix) {
  Conns c;
  for (const std::string& p : ports) c.push_back({p, prefix + p.substr(0, p.size() - 2)});
  return c;
}

}  // namespace top

Module BuildTop(const Config& cfg, const Built& built) {
  const bool ws = cfg.dataflow == Dataflow::kWeightStationary;
  Module m("salsa_top", "salsa accelerator '" + cfg.name + "': " + N(cfg.rows) + "x" + N(cfg.cols) +
                            " INT8 " + (ws ? "weight-stationary" : "output-stationary") +
                            " MAC array" +
                            (cfg.structured24 ? " (2:4 structured-sparse weights)" : "") +
                            (cfg.zero_skip ? ", zero-skip" : "") + ", AXI4-Lite CSRs, AXI4 " +
                            N(cfg.axi_data_bits) + "-bit DRAM master.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.Out("irq_o");
  const Bundle axil = AxiLite();
  axil.Only(Dir::kIn).DeclarePorts(m, "s_axil_");
  axil.Only(Dir::kOut).DeclarePorts(m, "s_axil_");
  // One AXI4 master port (m_axi_*), or axi.ports of them (m_axi0_*, m_axi1_*, ...).
  const Bundle rd = AxiRead(cfg, cfg.PortBytes()), wr = AxiWrite(cfg, cfg.PortBytes());
  for (unsigned p = 0; p < cfg.axi_ports; ++p) {
    const std::string prefix = top::AxiPortPrefix(cfg, p);
    wr.Only(Dir::kOut).DeclarePorts(m, prefix);
    rd.Only(Dir::kOut).DeclarePorts(m, prefix);
    wr.Only(Dir::kIn).DeclarePorts(m, prefix);
    rd.Only(Dir::kIn).DeclarePorts(m, prefix);
  }
  Scope s = m.Body();
  // Every flop below resets from the synchronised rst_n: asserted with rst_ni, released on a
  // clock edge (see salsa_rst_sync).
  s.Wire("rst_n");
  Instantiate(s, Child(built, "salsa_rst_sync"), "u_rst_sync", {},
              {{"clk_i", clk}, {"rst_ni", rst}, {"rst_no", "rst_n"}});
  const top::Top t(cfg, built, s, clk, "rst_n");
  const Conns csr = top::AddControl(t);
  top::AddReadPath(t);
  top::AddScratchpads(t);
  top::AddSequencer(t);
  top::AddComputePath(t);
  top::AddStorePath(t);
  top::AddLanes(t);
  if (cfg.sram_ecc) top::AddEcc(t);
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
  if (cfg.HasFp8()) {  // leaves of the PE and the PPU; int8-only builds list none of them
    add(BuildFp8Mul());
    add(BuildFp32Add());
    add(BuildFpOut());
  }
  add(ws ? BuildWsPe(cfg) : cfg.structured24 ? BuildPe24(cfg) : BuildPe(cfg, b));
  add(BuildDelay());
  add(ws ? BuildWsArray(cfg, b) : BuildMacArray(cfg, b));
  add(BuildPopcount(cfg.rows * (cfg.structured24 ? 4 : 1)));
  add(BuildSparsityGate(cfg, b));
  add(BuildSram(cfg));
  add(BuildScratchpad(cfg, b));
  if (cfg.gemv_slices > 1)
    add(BuildSliceSpad(b, cfg.gemv_slices, WgtWriteWords(cfg), SlicedGather(cfg), cfg.sram_ecc));
  add(BuildGearbox());
  if (WgtWriteWords(cfg) > 1) add(BuildGearboxWide(WgtWriteWords(cfg)));
  add(BuildDmaRd(cfg));
  add(BuildDmaWr(cfg));
  add(BuildRequant(cfg));
  add(BuildPpu(cfg, b));
  add(BuildCsr(cfg));
  add(ws ? BuildComputeCtrlWs(cfg, b) : BuildComputeCtrl(cfg, b));
  add(BuildStoreCtrl(cfg));
  add(BuildFifo());
  if (cfg.axi_ports > 1) {
    add(BuildAxiLanesRd(cfg, b));
    add(BuildAxiLanesWr(cfg, b));
  }
  add(BuildSequencer(cfg, b));
  add(BuildRstSync());
  add(BuildTop(cfg, b));
  if (cfg.fpga_board != FpgaBoard::kNone) add(BuildBoardTop(cfg, b));
  return b;
}

unsigned Clog2(unsigned long long v) {
  unsigned r = 0;
  while ((1ULL << r) < v) ++r;
  return r;
}

}  // namespace salsa::blocks
