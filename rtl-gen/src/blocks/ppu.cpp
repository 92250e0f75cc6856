// salsa_ppu: post-processing of one acc row, one salsa_requant per array column (fp8 builds: and
// one salsa_fp_out per column, for FP STOREs).
#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

namespace k = contract;

// fp8 builds: one salsa_fp_out per column beside the requantisers and the row's packed FP bytes
// (little-endian elements in column order: fp32 4 bytes, bf16 2, fp8 1 per column), delayed to
// the requantisers' latency `lat`; out_o is the int8 row (fmt 0, zero-extended) or that row.
void AddFpPath(Scope& s, const Config& cfg, const Built& built, unsigned lat,
               const std::string& clk) {
  const unsigned cols = cfg.cols;
  s.Note(
      "FP STOREs (fmt_i != 0): salsa_fp_out per column (2-cycle latency), y = convert(scale * "
      "lane); the row packs each column's element little-endian in column order.");
  s.Wire("fp_y", N(cols * 32));
  s.Wire("fp_bf16", N(cols * 16));
  s.Wire("fp_fp8", N(cols * 8));
  s.Wire("fp_row", N(cols * 32));
  std::string bf16 = "{", fp8 = "{";
  for (unsigned c = cols; c-- > 0;) {
    const std::string sep = c ? ", " : "}";
    bf16 += Slice("fp_y", N(c * 32 + 15), N(c * 32)) + sep;
    fp8 += Slice("fp_y", N(c * 32 + 7), N(c * 32)) + sep;
  }
  s.Assign("fp_bf16", bf16);
  s.Assign("fp_fp8", fp8);
  s.Assign("fp_row", "(fmt_i == 3'd" + N(k::kOutFp32) + ") ? fp_y : (fmt_i == 3'd" +
                         N(k::kOutBf16) + ") ? {" + N(cols * 16) + "'d0, fp_bf16} : {" +
                         N(cols * 24) + "'d0, fp_fp8}");
  std::string row = "fp_row";
  if (lat > 2) {
    s.Note("pipeline.requant: the packed FP row waits one more cycle, as the requantisers do.");
    s.Reg("fp_row_q", N(cols * 32));
    s.Seq(clk, "", {}, {Set("fp_row_q", "fp_row")});
    row = "fp_row_q";
  }
  s.Assign("out_o",
           "(fmt_i == 3'd" + N(k::kOutInt8) + ") ? {" + N(cols * 24) + "'d0, q8} : " + row);
  Scope g = s.GenLoop("f", "NumCols", "gen_fp");
  Instantiate(g, Child(built, "salsa_fp_out"), "u_fp_out", {},
              {{"clk_i", clk},
               {"x_i", IdxPart("acc_i", "f*32", "32")},
               {"scale_i", IdxPart("mult_i", "f*32", "32")},
               {"fmt_i", "fmt_i"},
               {"sat_i", "sat_i"},
               {"y_o", IdxPart("fp_y", "f*32", "32")}});
}

}  // namespace

Module BuildPpu(const Config& cfg, const Built& built) {
  const unsigned cols = cfg.cols;
  const bool fp8 = cfg.HasFp8();
  // salsa_requant's latency: two stages, three with pipeline.requant.
  const unsigned lat = cfg.pipeline_requant ? 3 : 2;
  Module m("salsa_ppu",
           "Post-processing unit: one salsa_requant per array column, each with its own "
           "multiplier and shift (per-channel requantisation; per-tensor repeats one value), " +
               N(lat) + "-cycle latency; valid_o follows valid_i by " + N(lat) + " cycles." +
               (fp8 ? " FP STOREs (fmt_i != 0): one salsa_fp_out per column with the scale in "
                      "mult_i; out_o is the row's packed FP bytes (int8: the low cols bytes)."
                    : ""));
  m.LocalParam("NumCols", N(cols));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("valid_i");
  m.In("acc_i", N(cols * 32));
  PpuOperands(cfg).DeclarePorts(m, "", /*flip=*/true);
  m.Out("valid_o");
  m.Out("out_o", N(cols * (fp8 ? 32 : 8)));
  Scope s = m.Body();
  s.Reg("valid_q", N(lat));
  s.Seq(clk, rst, {Set("valid_q", N(lat) + "'d0")},
        {Set("valid_q", "{valid_q[" + N(lat - 2) + ":0], valid_i}")});
  s.Assign("valid_o", "valid_q[" + N(lat - 1) + "]");
  if (fp8) {
    s.Wire("q8", N(cols * 8));  // the requantisers' int8 row
    AddFpPath(s, cfg, built, lat, clk);
  }
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
               {"out_o", IdxPart(fp8 ? "q8" : "out_o", "c*8", "8")}});
  return m;
}

}  // namespace salsa::blocks
