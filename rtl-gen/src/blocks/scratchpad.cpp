// salsa_scratchpad: Banks banks of salsa_sram behind one write and one read port; with
// sram.ecc: secded, each word stored with its SECDED code (scratchpad_ecc.cpp).
#include "blocks/blocks.h"
#include "blocks/scratchpad_ecc.h"

namespace salsa::blocks {

using namespace ir;

Module BuildScratchpad(const Config& cfg, const Built& built) {
  const bool ecc = cfg.sram_ecc;
  Module m("salsa_scratchpad",
           "Banks x Depth words of Width bits. Word address a lives in bank a / Depth, row "
           "a % Depth. One write and one read per cycle; read data one cycle after re_i." +
               std::string(ecc ? EccScratchpadDoc() : ""));
  std::string width = m.Parameter("Width", "32");
  std::string banks = m.Parameter("Banks", "2");
  std::string depth = m.Parameter("Depth", "1024");
  m.LocalParam("RowBits", "$clog2(Depth)");
  if (ecc) DeclareEccParams(m);
  const std::string code = ecc ? "CodeWidth" : width;
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("we_i");
  m.In("waddr_i", "16");
  m.In("wdata_i", width);
  m.In("re_i");
  m.In("raddr_i", "16");
  m.Out("rdata_o", width, !ecc);
  if (ecc) DeclareEccPorts(m);
  Scope s = m.Body();
  s.Wire("wbank", "16");
  s.Wire("rbank", "16");
  s.Reg("rbank_q", "16");
  s.Wire("bank_rdata", "Banks*" + code);
  s.Assign("wbank", "waddr_i >> RowBits");
  s.Assign("rbank", "raddr_i >> RowBits");
  if (ecc) AddEccEncoder(s);
  {
    Scope g = s.GenLoop("b", banks, "gen_bank");
    Instantiate(g, Child(built, "salsa_sram"), "u_bank", {{"Width", code}, {"Depth", depth}},
                {{"clk_i", clk},
                 {"we_i", "we_i && (wbank == b)"},
                 {"waddr_i", "waddr_i[RowBits-1:0]"},
                 {"wdata_i", ecc ? "wcode" : "wdata_i"},
                 {"re_i", "re_i && (rbank == b)"},
                 {"raddr_i", "raddr_i[RowBits-1:0]"},
                 {"rdata_o", IdxPart("bank_rdata", "b*" + code, code)}});
  }
  s.Seq(clk, rst, {Set("rbank_q", "16'd0")}, {If("re_i", {Set("rbank_q", "rbank")})});
  s.Integer("i");
  const std::string out = ecc ? "rcode" : "rdata_o";
  if (ecc) s.Reg("rcode", code);
  s.Comb({Set(out, "{" + code + "{1'b0}}"),
          For("i", "Banks",
              {If("rbank_q == i[15:0]", {Set(out, IdxPart("bank_rdata", "i*" + code, code))})})});
  if (ecc) AddEccDecoder(s, clk, rst);
  return m;
}

}  // namespace salsa::blocks
