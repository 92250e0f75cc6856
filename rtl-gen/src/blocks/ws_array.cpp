// salsa_ws_array: the weight-stationary systolic array of salsa_ws_pe (array.dataflow: ws).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildWsArray(const Config& cfg, const Built& built) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  Module m("salsa_ws_array",
           "Systolic MAC array, weight-stationary. PE(r, c) holds weight w[k0 + r][n0 + c]. "
           "An activation word carries one output row's K slice (lane r = a[m][k0 + r]); lane r "
           "is delayed r cycles and moves east, partial sums move south, so column c's sum for "
           "row m leaves the bottom PE and, after a delay of cols-1-c cycles, all columns of "
           "row m appear together on out_o, rows + cols - 1 cycles after the word entered. "
           "Weights are preloaded into the PEs' second weight registers one row per cycle: "
           "wgt_i (one weight word, byte c for column c) reaches every row and w_load_i[r] "
           "strobes row r; in_swap_i marks the first word of the stream that uses them.");
  std::string nr = m.LocalParam("NumRows", N(rows));
  std::string nc = m.LocalParam("NumCols", N(cols));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("in_valid_i");
  m.In("in_swap_i");
  m.In("act_i", N(rows * 9));
  m.In("act_zero_i", N(rows));
  m.In("w_load_i", N(rows));
  m.In("wgt_i", N(cols * 8));
  m.Out("out_o", N(cols * 32));
  Scope s = m.Body();
  s.Note(
      "The interconnect buses are left out of waveforms (every PE's ports are in them): a traced "
      "bus is rebuilt in full every cycle.");
  s.UntracedWire("h_a", N(rows * (cols + 1) * 9));
  s.UntracedWire("h_zero", N(rows * (cols + 1)));
  s.UntracedWire("h_valid", N(rows * (cols + 1)));
  s.UntracedWire("h_swap", N(rows * (cols + 1)));
  s.UntracedWire("v_psum", N((rows + 1) * cols * 32));
  s.Note("Input skew: row r is delayed by r cycles.");
  const Module& delay = Child(built, "salsa_delay");
  AddActSkew(s, delay, clk, rst, rows, cols, {{"in_swap_i", "h_swap"}, {"in_valid_i", "h_valid"}});
  s.Assign(Slice("v_psum", N(cols * 32 - 1), "0"), "{(NumCols*32){1'b0}}");
  Scope gr = s.GenLoop("r", nr, "gen_row");
  Scope gc = gr.GenLoop("c", nc, "gen_col");
  const std::string h = "(r*(NumCols+1)+c)", he = "(r*(NumCols+1)+c+1)";
  const std::string v = "(r*NumCols+c)", vs = "((r+1)*NumCols+c)";
  Instantiate(gc, Child(built, "salsa_ws_pe"), "u_pe", {},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"a_i", IdxPart("h_a", h + "*9", "9")},
               {"a_zero_i", "h_zero[" + h + "]"},
               {"a_valid_i", "h_valid[" + h + "]"},
               {"a_swap_i", "h_swap[" + h + "]"},
               {"w_load_i", BitOf("w_load_i", "r", rows)},
               {"w_i", IdxPart("wgt_i", "c*8", "8")},
               {"psum_i", IdxPart("v_psum", v + "*32", "32")},
               {"a_o", IdxPart("h_a", he + "*9", "9")},
               {"a_zero_o", "h_zero[" + he + "]"},
               {"a_valid_o", "h_valid[" + he + "]"},
               {"a_swap_o", "h_swap[" + he + "]"},
               {"psum_o", IdxPart("v_psum", vs + "*32", "32")}});
  s.Note("Output de-skew: column c waits cols-1-c cycles so that a row's columns line up.");
  for (unsigned c = 0; c < cols; ++c) {
    const unsigned bit = rows * cols * 32 + c * 32;
    const std::string src = Slice("v_psum", N(bit + 31), N(bit));
    const std::string dst = Slice("out_o", N(c * 32 + 31), N(c * 32));
    if (c + 1 == cols) {
      s.Assign(dst, src);
    } else {
      Instantiate(s, delay, "u_deskew_c" + N(c),
                  {{"Width", "32"}, {"Depth", N(cols - 1 - c)}, {"Reset", "0"}},
                  {{"clk_i", clk}, {"rst_ni", rst}, {"d_i", src}, {"q_o", dst}});
    }
  }
  std::string east = "{";
  for (unsigned r = 0; r < rows; ++r) {
    unsigned e = r * (cols + 1) + cols;
    east += (r ? ", " : "") + Slice("h_a", N(e * 9 + 8), N(e * 9)) + ", h_zero[" + N(e) +
            "], h_valid[" + N(e) + "], h_swap[" + N(e) + "]";
  }
  east += "}";
  s.Wire("unused_edges");
  s.Assign("unused_edges", "^" + east);
  return m;
}

}  // namespace salsa::blocks
