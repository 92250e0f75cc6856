// salsa_delay: a delay line of Depth register stages (the arrays' skew and de-skew).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildDelay() {
  Module m("salsa_delay", "Delay line of Depth (>= 1) register stages, reset to zero.");
  std::string width = m.Parameter("Width", "8");
  std::string depth = m.Parameter("Depth", "1");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("d_i", width);
  m.Out("q_o", width);
  Scope s = m.Body();
  s.Reg("stage_q", width + "*" + depth);
  s.Integer("i");
  s.Seq(clk, rst, {Set("stage_q", "{(" + width + "*" + depth + "){1'b0}}")},
        {Set(IdxPart("stage_q", "0", width), "d_i"),
         For("i", depth + " - 1",
             {Set(IdxPart("stage_q", "(i + 1)*" + width, width),
                  IdxPart("stage_q", "i*" + width, width))})});
  s.Assign("q_o", IdxPart("stage_q", "(" + depth + " - 1)*" + width, width));
  return m;
}

}  // namespace salsa::blocks
