// salsa_scratchpad: Banks banks of salsa_sram behind one write and one read port.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildScratchpad(const Built& built) {
  Module m("salsa_scratchpad",
           "Banks x Depth words of Width bits. Word address a lives in bank a / Depth, row "
           "a % Depth. One write and one read per cycle; read data one cycle after re_i.");
  std::string width = m.Parameter("Width", "32");
  std::string banks = m.Parameter("Banks", "2");
  std::string depth = m.Parameter("Depth", "1024");
  m.LocalParam("RowBits", "$clog2(Depth)");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("we_i");
  m.In("waddr_i", "16");
  m.In("wdata_i", width);
  m.In("re_i");
  m.In("raddr_i", "16");
  m.Out("rdata_o", width, true);
  Scope s = m.Body();
  s.Wire("wbank", "16");
  s.Wire("rbank", "16");
  s.Reg("rbank_q", "16");
  s.Wire("bank_rdata", "Banks*Width");
  s.Assign("wbank", "waddr_i >> RowBits");
  s.Assign("rbank", "raddr_i >> RowBits");
  Scope g = s.GenLoop("b", banks, "gen_bank");
  Instantiate(g, Child(built, "salsa_sram"), "u_bank", {{"Width", width}, {"Depth", depth}},
              {{"clk_i", clk},
               {"we_i", "we_i && (wbank == b)"},
               {"waddr_i", "waddr_i[RowBits-1:0]"},
               {"wdata_i", "wdata_i"},
               {"re_i", "re_i && (rbank == b)"},
               {"raddr_i", "raddr_i[RowBits-1:0]"},
               {"rdata_o", IdxPart("bank_rdata", "b*Width", "Width")}});
  s.Seq(clk, rst, {Set("rbank_q", "16'd0")}, {If("re_i", {Set("rbank_q", "rbank")})});
  s.Integer("i");
  s.Comb({Set("rdata_o", "{Width{1'b0}}"),
          For("i", "Banks",
              {If("rbank_q == i[15:0]",
                  {Set("rdata_o", IdxPart("bank_rdata", "i*Width", "Width"))})})});
  return m;
}

}  // namespace salsa::blocks
