// salsa_top's store path: the store controller, the PPU and the write DMA.
#include "blocks/top_parts.h"

namespace salsa::blocks::top {

using namespace ir;

void AddStorePath(const Top& t) {
  const Bundle ppu = PpuOperands(t.cfg), req = WriteReq(t.cfg);
  t.Wires({{"ppu_valid_in", 1}});
  ppu.DeclareWires(t.s, "ppu_");
  const bool fp8 = t.cfg.HasFp8();  // the PPU's row is 4 bytes per column (packed FP bytes)
  t.Wires({{"ppu_valid_out", 1}, {"ppu_out", t.cols * (fp8 ? 32 : 8)}});
  req.DeclareWires(t.s, "wr_");
  auto cat = [](Conns a, const Conns& b) {
    for (const auto& c : b) a.push_back(c);
    return a;
  };
  Conns sc = {{"clk_i", t.clk}, {"rst_ni", t.rst}};
  std::vector<std::string> cmd = {"start",     "acc_addr", "rows",  "bytes", "bias_addr",
                                  "dram_addr", "stride",   "perch", "qaddr", "mult",
                                  "shift",     "zp",       "min",   "max",   "busy"};
  if (fp8) cmd.insert(cmd.end(), {"fmt", "sat"});
  sc = cat(sc, StoreCmd(t.cfg).Select(cmd).Connect("", "st_", /*flip=*/true));
  sc = cat(sc, {{"acc_re_o", "st_acc_re"},
                {"acc_raddr_o", "st_acc_raddr"},
                {"acc_rdata_i", "st_acc_rdata"},
                {"ppu_valid_o", "ppu_valid_in"}});
  sc = cat(sc, ppu.Connect("ppu_", "ppu_"));
  sc = cat(sc, {{"ppu_valid_i", "ppu_valid_out"}, {"ppu_out_i", "ppu_out"}});
  sc = cat(sc, req.Connect("wr_", "wr_", /*flip=*/true));
  t.Inst("salsa_store_ctrl", "u_store_ctrl", {}, sc);
  t.Inst("salsa_ppu", "u_ppu", {},
         cat(cat({{"clk_i", t.clk},
                  {"rst_ni", t.rst},
                  {"valid_i", "ppu_valid_in"},
                  {"acc_i", "st_acc_rdata"}},
                 ppu.Connect("", "ppu_", /*flip=*/true)),
             {{"valid_o", "ppu_valid_out"}, {"out_o", "ppu_out"}}));
  if (t.cfg.axi_ports > 1) AxiWrite(t.cfg).DeclareWires(t.s, DmaAxiPrefix(t.cfg));
  Conns wr = cat({{"clk_i", t.clk}, {"rst_ni", t.rst}}, req.Connect("", "wr_"));
  wr = cat(wr,
           {{"retire_o", "wr_retire"}, {"retire_err_o", "wr_retire_err"}, {"beat_o", "wr_beat"}});
  if (t.cfg.axi_timeout_cycles != 0) wr = cat(wr, {{"timeout_o", "wr_timeout"}});
  t.Inst("salsa_dma_wr", "u_dma_wr", {},
         cat(wr, AxiWrite(t.cfg).Connect("m_axi_", DmaAxiPrefix(t.cfg))));
}

}  // namespace salsa::blocks::top
