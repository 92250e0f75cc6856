// salsa_mac_array: rows x cols PEs with input skew, output-stationary, drained down the columns.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// K slices (array.gemv_slices > 1): a step with in_slices_i = l > 0 (S = 2^l slices of
// G = rows / S rows) reaches every PE in the same cycle: PE(r, c) takes row r's un-skewed
// activation and flags, and byte c of weight word r / G of the step (wgt_i holds gemv_slices
// words). Plain steps flow as before; a slice step enters neither skew (its valid is masked off
// there), and the copy of it each PE forwards east the cycle after is masked by slice_q.
void AddSliceMuxes(Scope& s, const Config& cfg, const std::string& clk, const std::string& rst) {
  const unsigned rows = cfg.rows, cols = cfg.cols, smax = cfg.gemv_slices;
  s.Wire("slice");
  s.Assign("slice", "in_slices_i != 3'd0");
  s.Wire("skew_valid");
  s.Assign("skew_valid", "in_valid_i && !slice");
  s.Reg("slice_q");
  s.Seq(clk, rst, {Set("slice_q", "1'b0")}, {Set("slice_q", "slice")});
  s.Note("Row r's weight word in a slice step: r / (rows >> in_slices_i).");
  s.UntracedWire("inj_w", N(rows * cols * 8));
  for (unsigned r = 0; r < rows; ++r) {
    std::string e;
    for (unsigned l = 1; (1u << l) <= smax; ++l) {
      const unsigned g = r / (rows >> l);
      const std::string word = Slice("wgt_i", N((g + 1) * cols * 8 - 1), N(g * cols * 8));
      e = e.empty() ? word : "(in_slices_i == 3'd" + N(l) + ") ? " + word + " : " + e;
    }
    s.Assign(Slice("inj_w", N((r + 1) * cols * 8 - 1), N(r * cols * 8)), e);
  }
  std::vector<std::pair<std::string, unsigned>> muxed = {
      {"p_a", 9}, {"p_zero", 1}, {"p_valid", 1}, {"p_clear", 1}, {"p_last", 1}, {"p_w", 8}};
  if (cfg.LowPrecision()) muxed.push_back({"p_prec", 2});
  if (cfg.HasFp8()) muxed.push_back({"p_ld", 1});
  for (const auto& [n, w] : muxed) s.UntracedWire(n, N(rows * cols * w));
  Scope gr = s.GenLoop("sr", "NumRows", "gen_in_row");
  Scope gc = gr.GenLoop("sc", "NumCols", "gen_in_col");
  const std::string h = "(sr*(NumCols+1)+sc)", v = "(sr*NumCols+sc)";
  gc.Assign(IdxPart("p_a", v + "*9", "9"),
            "slice ? " + IdxPart("act_i", "sr*9", "9") + " : " + IdxPart("h_a", h + "*9", "9"));
  gc.Assign("p_zero[" + v + "]", "slice ? act_zero_i[sr] : h_zero[" + h + "]");
  gc.Assign("p_valid[" + v + "]",
            "slice ? in_valid_i : (h_valid[" + h + "] && ((sc == 0) || !slice_q))");
  gc.Assign("p_clear[" + v + "]", "slice ? in_clear_i : h_clear[" + h + "]");
  gc.Assign("p_last[" + v + "]", "slice ? in_last_i : h_last[" + h + "]");
  gc.Assign(IdxPart("p_w", v + "*8", "8"),
            "slice ? " + IdxPart("inj_w", v + "*8", "8") + " : " + IdxPart("v_w", v + "*8", "8"));
  if (cfg.LowPrecision()) {
    // Slice steps of other datapaths: every PE takes the step's prec (int4w row r: nibble
    // r % 2) and bias-load flag.
    gc.Assign(IdxPart("p_prec", v + "*2", "2"),
              "slice ? in_prec_i : " + IdxPart("h_prec", h + "*2", "2"));
  }
  if (cfg.HasFp8()) gc.Assign("p_ld[" + v + "]", "slice ? in_ld_i : h_ld[" + h + "]");
}

}  // namespace

void AddActSkew(Scope& s, const Module& delay, const std::string& clk, const std::string& rst,
                unsigned rows, unsigned cols, const std::vector<SkewFlag>& flags, unsigned lanes) {
  unsigned flag_bits = 0;
  for (const SkewFlag& f : flags) flag_bits += f.width;
  const unsigned L = lanes, width = 10 * L + flag_bits;
  for (unsigned r = 0; r < rows; ++r) {
    // The flags and zero bits (reset) above the activations (datapath, no reset).
    std::string ctrl = "{";
    for (auto f = flags.rbegin(); f != flags.rend(); ++f) ctrl += f->src + ", ";
    ctrl += (L == 1 ? BitOf("act_zero_i", N(r), rows)
                    : Slice("act_zero_i", N(r * L + L - 1), N(r * L))) +
            "}";
    const std::string data = Slice("act_i", N(r * 9 * L + 9 * L - 1), N(r * 9 * L));
    const std::string lane = "{" + ctrl + ", " + data + "}";
    std::string tap = "skew_a_r" + N(r);
    s.Wire(tap, N(width));
    if (r == 0) {
      s.Assign(tap, lane);
    } else {
      Instantiate(
          s, delay, "u_skew_a_r" + N(r), {{"Width", N(9 * L)}, {"Depth", N(r)}, {"Reset", "0"}},
          {{"clk_i", clk}, {"rst_ni", rst}, {"d_i", data}, {"q_o", Slice(tap, N(9 * L - 1), "0")}});
      Instantiate(s, delay, "u_skew_f_r" + N(r), {{"Width", N(width - 9 * L)}, {"Depth", N(r)}},
                  {{"clk_i", clk},
                   {"rst_ni", rst},
                   {"d_i", ctrl},
                   {"q_o", Slice(tap, N(width - 1), N(9 * L))}});
    }
    unsigned base = r * (cols + 1);
    s.Assign(Slice("h_a", N(base * 9 * L + 9 * L - 1), N(base * 9 * L)),
             Slice(tap, N(9 * L - 1), "0"));
    if (L == 1) {
      s.Assign("h_zero[" + N(base) + "]", tap + "[9]");
    } else {
      s.Assign(Slice("h_zero", N(base * L + L - 1), N(base * L)),
               Slice(tap, N(10 * L - 1), N(9 * L)));
    }
    unsigned bit = 10 * L;
    for (const SkewFlag& f : flags) {
      if (f.width == 1) {
        s.Assign(f.dst + "[" + N(base) + "]", tap + "[" + N(bit) + "]");
      } else {
        s.Assign(Slice(f.dst, N(base * f.width + f.width - 1), N(base * f.width)),
                 Slice(tap, N(bit + f.width - 1), N(bit)));
      }
      bit += f.width;
    }
  }
}

Module BuildMacArray(const Config& cfg, const Built& built) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  const bool st = cfg.structured24, lowp = cfg.LowPrecision(), fp8 = cfg.HasFp8(),
             i4 = cfg.Has(Precision::kInt4w);
  const unsigned L = st ? 4 : 1;  // activations per row per step
  const bool sl = cfg.gemv_slices > 1;
  Module m(
      "salsa_mac_array",
      "Systolic MAC array, output-stationary. Row r receives K step k at cycle k + r and column "
      "c at cycle k + c (input skew), so PE(r,c) sees both operands of step k together. "
      "Activations and their flags (valid, clear on a tile's first step, last on its final "
      "step) flow east, weights flow south. The last step copies each PE's sum into its "
      "output register; drain_i shifts those south, the bottom row appearing on drain_o "
      "(row rows-1 first), while the next tile already accumulates." +
          std::string(st ? " 2:4 build: each row step carries a group of four activations, each "
                           "weight its 2-bit position in the group (salsa_pe24)."
                         : "") +
          std::string(lowp ? " Every step also carries its datapath (prec, contract Prec)" +
                                 std::string(fp8 ? " and bias-load flag (ld)" : "") +
                                 " east with its flags." +
                                 (i4 ? " PEs of odd rows take the high weight nibble in "
                                       "int4w steps (RowOdd)."
                                     : "")
                           : "") +
          std::string(sl ? " K-slice steps (in_slices_i = log2 S > 0) skip both skews: PE(r,c) "
                           "takes row r's activation (and datapath) and byte c of weight word "
                           "r / (rows/S) "
                           "straight from the inputs, in the same cycle as every other PE. "
                           "drain_taps_o shows the output registers of rows k*rows/" +
                               N(cfg.gemv_slices) + " - 1 (k = 1.." + N(cfg.gemv_slices - 1) +
                               "), the bottoms of the widest slicing's slices, so a drain of "
                               "rows/S shifts presents every slice's rows at once."
                         : ""));
  std::string nr = m.LocalParam("NumRows", N(rows));
  std::string nc = m.LocalParam("NumCols", N(cols));
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("in_valid_i");
  m.In("in_clear_i");
  m.In("in_last_i");
  if (lowp) m.In("in_prec_i", "2");
  if (fp8) m.In("in_ld_i");
  if (sl) m.In("in_slices_i", "3");
  m.In("act_i", N(rows * 9 * L));
  m.In("act_zero_i", N(rows * L));
  m.In("wgt_i", N(cfg.gemv_slices * cols * 8));
  if (st) m.In("meta_i", N(cols * 2));
  m.In("drain_i");
  m.Out("drain_o", N(cols * 32));
  if (sl) m.Out("drain_taps_o", N((cfg.gemv_slices - 1) * cols * 32));
  Scope s = m.Body();

  // Interconnect: h_* run east (NumCols+1 taps per row), v_* run south (NumRows+1 taps per col).
  s.Note(
      "The interconnect buses are left out of waveforms (every PE's ports are in them): a traced "
      "bus is rebuilt in full every cycle.");
  s.UntracedWire("h_a", N(rows * (cols + 1) * 9 * L));
  s.UntracedWire("h_zero", N(rows * (cols + 1) * L));
  s.UntracedWire("h_valid", N(rows * (cols + 1)));
  s.UntracedWire("h_clear", N(rows * (cols + 1)));
  s.UntracedWire("h_last", N(rows * (cols + 1)));
  if (lowp) s.UntracedWire("h_prec", N(rows * (cols + 1) * 2));
  if (fp8) s.UntracedWire("h_ld", N(rows * (cols + 1)));
  s.UntracedWire("v_w", N((rows + 1) * cols * 8));
  s.UntracedWire("v_acc", N((rows + 1) * cols * 32));
  if (st) s.UntracedWire("v_m", N((rows + 1) * cols * 2));

  s.Note("Input skew: row r is delayed by r cycles, column c by c cycles.");
  const Module& delay = Child(built, "salsa_delay");
  std::vector<SkewFlag> flags = {{"in_clear_i", "h_clear"},
                                 {sl ? "skew_valid" : "in_valid_i", "h_valid"},
                                 {"in_last_i", "h_last"}};
  if (sl) AddSliceMuxes(s, cfg, clk, rst);
  if (lowp) flags.push_back({"in_prec_i", "h_prec", 2});
  if (fp8) flags.push_back({"in_ld_i", "h_ld"});
  AddActSkew(s, delay, clk, rst, rows, cols, flags, L);
  for (unsigned c = 0; c < cols; ++c) {
    std::string lane = Slice("wgt_i", N(c * 8 + 7), N(c * 8));
    std::string dst = Slice("v_w", N(c * 8 + 7), N(c * 8));
    if (st) {
      // The weight's 2-bit position travels with it.
      lane = "{" + Slice("meta_i", N(c * 2 + 1), N(c * 2)) + ", " + lane + "}";
      dst = "{" + Slice("v_m", N(c * 2 + 1), N(c * 2)) + ", " + dst + "}";
    }
    if (c == 0) {
      s.Assign(dst, lane);
    } else {
      Instantiate(s, delay, "u_skew_w_c" + N(c),
                  {{"Width", st ? "10" : "8"}, {"Depth", N(c)}, {"Reset", "0"}},
                  {{"clk_i", clk}, {"rst_ni", rst}, {"d_i", lane}, {"q_o", dst}});
    }
  }
  s.Assign(Slice("v_acc", N(cols * 32 - 1), "0"), "{(NumCols*32){1'b0}}");

  Scope gr = s.GenLoop("r", nr, "gen_row");
  Scope gc = gr.GenLoop("c", nc, "gen_col");
  const std::string h = "(r*(NumCols+1)+c)", he = "(r*(NumCols+1)+c+1)";
  const std::string v = "(r*NumCols+c)", vs = "((r+1)*NumCols+c)";
  Conns pe = {{"clk_i", clk}, {"rst_ni", rst}};
  // A PE's lane ports (suffix _i or _o) on the horizontal net hx and the vertical net vx, then
  // (after drain_i for the inputs) its acc port.
  const auto lanes = [&](const std::string& sfx, const std::string& hx, const std::string& vx) {
    // K-slice builds: the inputs come through the slice muxes (p_*, indexed like v).
    const bool mux = sl && sfx == "_i";
    pe.push_back({"a" + sfx, mux ? IdxPart("p_a", vx + "*9", "9")
                                 : IdxPart("h_a", hx + "*" + N(9 * L), N(9 * L))});
    pe.push_back({"a_zero" + sfx, st    ? IdxPart("h_zero", hx + "*4", "4")
                                  : mux ? "p_zero[" + vx + "]"
                                        : "h_zero[" + hx + "]"});
    for (const std::string f : {"valid", "clear", "last"}) {
      pe.push_back({"a_" + f + sfx, (mux ? "p_" + f + "[" + vx : "h_" + f + "[" + hx) + "]"});
    }
    if (lowp)
      pe.push_back(
          {"a_prec" + sfx, IdxPart(mux ? "p_prec" : "h_prec", (mux ? vx : hx) + "*2", "2")});
    if (fp8) pe.push_back({"a_ld" + sfx, mux ? "p_ld[" + vx + "]" : "h_ld[" + hx + "]"});
    pe.push_back({"w" + sfx, IdxPart(mux ? "p_w" : "v_w", vx + "*8", "8")});
    if (sfx == "_i") pe.push_back({"drain_i", "drain_i"});
    pe.push_back({"acc" + sfx, IdxPart("v_acc", vx + "*32", "32")});
  };
  lanes("_i", h, v);
  lanes("_o", he, vs);
  if (st) {
    pe.push_back({"m_i", IdxPart("v_m", v + "*2", "2")});
    pe.push_back({"m_o", IdxPart("v_m", vs + "*2", "2")});
  }
  Instantiate(gc, Child(built, st ? "salsa_pe24" : "salsa_pe"), "u_pe",
              i4 ? Conns{{"RowOdd", "r % 2"}} : Conns{}, pe);

  s.Assign("drain_o", Slice("v_acc", N((rows + 1) * cols * 32 - 1), N(rows * cols * 32)));
  if (sl) {
    // Tap k: the output row of PE row (k + 1) * G - 1, G = rows / gemv_slices (v_acc row
    // (k + 1) * G); tap gemv_slices - 1 would be drain_o.
    const unsigned g = rows / cfg.gemv_slices, rw = cols * 32;
    for (unsigned k = 0; k + 1 < cfg.gemv_slices; ++k) {
      const unsigned vr = (k + 1) * g;
      s.Assign(Slice("drain_taps_o", N((k + 1) * rw - 1), N(k * rw)),
               Slice("v_acc", N((vr + 1) * rw - 1), N(vr * rw)));
    }
  }
  // The east and south edges leave the array unused: fold them so lint sees them read.
  std::string east = "{";
  for (unsigned r = 0; r < rows; ++r) {
    unsigned e = r * (cols + 1) + cols;
    east += (r ? ", " : "") + Slice("h_a", N(e * 9 * L + 9 * L - 1), N(e * 9 * L)) + ", " +
            (L == 1 ? "h_zero[" + N(e) + "]" : Slice("h_zero", N(e * L + L - 1), N(e * L))) +
            ", h_valid[" + N(e) + "], h_clear[" + N(e) + "], h_last[" + N(e) + "]" +
            (lowp ? ", " + Slice("h_prec", N(2 * e + 1), N(2 * e)) : "") +
            (fp8 ? ", h_ld[" + N(e) + "]" : "");
  }
  east += "}";
  s.Wire("unused_edges");
  s.Assign("unused_edges",
           "^{" + east + ", " + Slice("v_w", N((rows + 1) * cols * 8 - 1), N(rows * cols * 8)) +
               (st ? ", " + Slice("v_m", N((rows + 1) * cols * 2 - 1), N(rows * cols * 2)) : "") +
               "}");
  return m;
}

}  // namespace salsa::blocks
