// salsa_sram: one simple dual-port SRAM bank (the banks of salsa_scratchpad).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildSram() {
  Module m("salsa_sram",
           "Simple dual-port SRAM bank: one write port, one synchronous read port (registered "
           "output), no reset, so FPGA tools infer block RAM.");
  std::string width = m.Parameter("Width", "32");
  std::string depth = m.Parameter("Depth", "1024");
  std::string ab = m.LocalParam("AddrBits", "$clog2(" + depth + ")");
  std::string clk = m.In("clk_i");
  m.In("we_i");
  m.In("waddr_i", ab);
  m.In("wdata_i", width);
  m.In("re_i");
  m.In("raddr_i", ab);
  m.Out("rdata_o", width);
  Scope s = m.Body();
  s.Memory("mem_q", width, depth);
  s.Reg("rdata_q", width);
  s.Seq(clk, "", {},
        {If("we_i", {Set("mem_q[waddr_i]", "wdata_i")}),
         If("re_i", {Set("rdata_q", "mem_q[raddr_i]")})});
  s.Assign("rdata_o", "rdata_q");
  return m;
}

}  // namespace salsa::blocks
