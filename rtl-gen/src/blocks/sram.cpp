// salsa_sram: one simple dual-port SRAM bank (the banks of salsa_scratchpad): an inferred memory,
// or (sram.macro: blackbox) a wrapper around a named two-port SRAM macro, whose behavioural model
// BuildSramMacroModel builds for simulation.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// The ports both organisations share; returns {width, depth, address bits, clock}.
struct SramPorts {
  std::string width, depth, ab, clk;
};

SramPorts DeclareSramPorts(Module& m) {
  SramPorts p;
  p.width = m.Parameter("Width", "32");
  p.depth = m.Parameter("Depth", "1024");
  p.ab = m.LocalParam("AddrBits", "$clog2(" + p.depth + ")");
  p.clk = m.In("clk_i");
  m.In("we_i");
  m.In("waddr_i", p.ab);
  m.In("wdata_i", p.width);
  m.In("re_i");
  m.In("raddr_i", p.ab);
  m.Out("rdata_o", p.width);
  return p;
}

}  // namespace

Module BuildSram(const Config& cfg) {
  if (cfg.sram_macro == SramMacro::kBlackbox) {
    Module m("salsa_sram",
             "Simple dual-port SRAM bank (sram.macro: blackbox): a wrapper around the two-port "
             "SRAM macro " +
                 cfg.sram_macro_name +
                 " (port A reads, port B writes, active-low enables, registered read data). The "
                 "wrapper assumes a read of the address written in the same cycle returns the "
                 "old word, as the inferred bank does.");
    SramPorts p = DeclareSramPorts(m);
    Scope s = m.Body();
    s.Inst(cfg.sram_macro_name, "u_macro", {{"Width", p.width}, {"Depth", p.depth}},
           {{"CLK", p.clk},
            {"CENA", "~re_i"},
            {"AA", "raddr_i"},
            {"QA", "rdata_o"},
            {"CENB", "~we_i"},
            {"AB", "waddr_i"},
            {"DB", "wdata_i"}});
    return m;
  }
  Module m("salsa_sram",
           "Simple dual-port SRAM bank: one write port, one synchronous read port (registered "
           "output), no reset, so FPGA tools infer block RAM.");
  SramPorts p = DeclareSramPorts(m);
  Scope s = m.Body();
  s.Memory("mem_q", p.width, p.depth);
  s.Reg("rdata_q", p.width);
  s.Seq(p.clk, "", {},
        {If("we_i", {Set("mem_q[waddr_i]", "wdata_i")}),
         If("re_i", {Set("rdata_q", "mem_q[raddr_i]")})});
  s.Assign("rdata_o", "rdata_q");
  return m;
}

Module BuildSramMacroModel(const Config& cfg) {
  Module m(cfg.sram_macro_name,
           "Behavioural model of the two-port SRAM macro that salsa_sram wraps (sram.macro: "
           "blackbox), for simulation only: synthesis reads the real macro instead. Port A reads "
           "(CENA low: QA takes the word at AA on the clock edge and holds it otherwise), port B "
           "writes (CENB low: DB is written at AB). A read and a write of the same address in "
           "one cycle return the old word.");
  std::string width = m.Parameter("Width", "32");
  std::string depth = m.Parameter("Depth", "1024");
  std::string ab = m.LocalParam("AddrBits", "$clog2(" + depth + ")");
  std::string clk = m.In("CLK");
  m.In("CENA");
  m.In("AA", ab);
  m.Out("QA", width);
  m.In("CENB");
  m.In("AB", ab);
  m.In("DB", width);
  Scope s = m.Body();
  s.Memory("mem_q", width, depth);
  s.Reg("qa_q", width);
  s.Seq(clk, "", {},
        {If("!CENB", {Set("mem_q[AB]", "DB")}), If("!CENA", {Set("qa_q", "mem_q[AA]")})});
  s.Assign("QA", "qa_q");
  return m;
}

}  // namespace salsa::blocks
