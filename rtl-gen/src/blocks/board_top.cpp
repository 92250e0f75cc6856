// salsa_board_top: salsa_top for a board's Vivado block design (fpga.board), with a reset
// synchroniser that also gives the block design's AXI interconnect its reset.
#include "blocks/blocks.h"
#include "salsa/bundle.h"

namespace salsa::blocks {

using namespace ir;

Module BuildBoardTop(const Config& cfg, const Built& built) {
  const Module& top = Child(built, "salsa_top");
  Module m("salsa_board_top",
           std::string("salsa_top for the ") + FpgaBoardName(cfg.fpga_board) +
               " block design: clk_i from the PS (pl_clk0), rst_ni from the PS reset "
               "(pl_resetn0, asynchronous to clk_i), synchronised here once for the AXI "
               "interconnect (aresetn_o) and for salsa_top; the AXI master goes to S_AXI_HP0_FPD, "
               "the AXI4-Lite slave hangs off M_AXI_HPM0_LPD, irq_o drives pl_ps_irq0.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.Out("aresetn_o");
  Conns conns = {{"clk_i", clk}, {"rst_ni", "rst_n"}};
  for (const Port& p : top.ports) {
    if (p.name == "clk_i" || p.name == "rst_ni") continue;
    if (p.dir == Dir::kIn) {
      m.In(p.name, p.width, p.is_signed);
    } else {
      m.Out(p.name, p.width, false, p.is_signed);
    }
    conns.push_back({p.name, p.name});
  }
  Scope s = m.Body();
  s.Note(
      "The PS releases pl_resetn0 without regard to clk_i: synchronise it once. The AXI "
      "interconnect IP needs a reset synchronous to its clock (aresetn_o); salsa_top "
      "resynchronises it again (two more cycles, no harm).");
  s.Wire("rst_n");
  Instantiate(s, Child(built, "salsa_rst_sync"), "u_rst_sync", {},
              {{"clk_i", clk}, {"rst_ni", rst}, {"rst_no", "rst_n"}});
  s.Assign("aresetn_o", "rst_n");
  Instantiate(s, top, "u_top", {}, conns);
  return m;
}

}  // namespace salsa::blocks
