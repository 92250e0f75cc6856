// salsa_rst_sync: the reset synchroniser between the rst_ni port and every flop of salsa_top.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildRstSync() {
  Module m("salsa_rst_sync",
           "Reset synchroniser: asserts rst_no asynchronously with rst_ni and releases it "
           "synchronously, Stages clock edges after rst_ni rises, so reset release is a timed "
           "path from one flop and never reaches the design's flops asynchronously.");
  std::string stages = m.Parameter("Stages", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.Out("rst_no");
  Scope s = m.Body();
  s.Reg("sync_q", stages);
  s.Seq(clk, rst, {Set("sync_q", "{" + stages + "{1'b0}}")},
        {Set("sync_q", "{sync_q[" + stages + "-2:0], 1'b1}")});
  s.Assign("rst_no", "sync_q[" + stages + "-1]");
  return m;
}

}  // namespace salsa::blocks
