// salsa_ppu: post-processing of one acc row, one salsa_requant per array column.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildPpu(const Config& cfg, const Built& built) {
  const unsigned cols = cfg.cols;
  // salsa_requant's latency: two stages, three with pipeline.requant.
  const unsigned lat = cfg.pipeline_requant ? 3 : 2;
  Module m("salsa_ppu",
           "Post-processing unit: one salsa_requant per array column, each with its own "
           "multiplier and shift (per-channel requantisation; per-tensor repeats one value), " +
               N(lat) + "-cycle latency; valid_o follows valid_i by " + N(lat) + " cycles.");
  m.LocalParam("NumCols", N(cols));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("valid_i");
  m.In("acc_i", N(cols * 32));
  PpuOperands(cfg).DeclarePorts(m, "", /*flip=*/true);
  m.Out("valid_o");
  m.Out("out_o", N(cols * 8));
  Scope s = m.Body();
  s.Reg("valid_q", N(lat));
  s.Seq(clk, rst, {Set("valid_q", N(lat) + "'d0")},
        {Set("valid_q", "{valid_q[" + N(lat - 2) + ":0], valid_i}")});
  s.Assign("valid_o", "valid_q[" + N(lat - 1) + "]");
  Scope g = s.GenLoop("c", "NumCols", "gen_col");
  Instantiate(g, Child(built, "salsa_requant"), "u_requant", {},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"acc_i", IdxPart("acc_i", "c*32", "32")},
               {"bias_i", IdxPart("bias_i", "c*32", "32")},
               {"mult_i", IdxPart("mult_i", "c*32", "32")},
               {"shift_i", IdxPart("shift_i", "c*8", "8")},
               {"zp_i", "zp_i"},
               {"min_i", "min_i"},
               {"max_i", "max_i"},
               {"out_o", IdxPart("out_o", "c*8", "8")}});
  return m;
}

}  // namespace salsa::blocks
