// salsa_delay: a delay line of Depth register stages (the arrays' skew and de-skew).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildDelay() {
  Module m("salsa_delay",
           "Delay line of Depth (>= 1) register stages. Reset = 1: the stages reset to zero (flags "
           "such as valid); Reset = 0: no reset (datapath values, so FPGA tools infer shift "
           "registers).");
  std::string width = m.Parameter("Width", "8");
  std::string depth = m.Parameter("Depth", "1");
  std::string reset = m.Parameter("Reset", "1");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("d_i", width);
  m.Out("q_o", width);
  Scope s = m.Body();
  s.Reg("stage_q", width + "*" + depth);
  s.Integer("i");
  const Block shift = {Set(IdxPart("stage_q", "0", width), "d_i"),
                       For("i", depth + " - 1",
                           {Set(IdxPart("stage_q", "(i + 1)*" + width, width),
                                IdxPart("stage_q", "i*" + width, width))})};
  s.Note("Exactly one of the two generate blocks below exists (Reset is 0 or 1).");
  Scope with = s.GenLoop("g", "(" + reset + " != 0)", "gen_reset");
  with.Seq(clk, rst, {Set("stage_q", "{(" + width + "*" + depth + "){1'b0}}")}, shift);
  Scope without = s.GenLoop("h", "(" + reset + " == 0)", "gen_no_reset");
  without.Seq(clk, "", {}, shift);
  s.Assign("q_o", IdxPart("stage_q", "(" + depth + " - 1)*" + width, width));
  s.Wire("unused_rst");
  s.Assign("unused_rst", "rst_ni");
  return m;
}

}  // namespace salsa::blocks
