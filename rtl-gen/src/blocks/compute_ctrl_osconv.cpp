// salsa_compute_ctrl, output-stationary on-chip im2col: the address generator of a COMPUTE with
// the conv flag. Step s = (tap row ty, tap column tx, channel c) reads `rows` consecutive bytes
// of channel c's plane from byte offset o(tx, ty), which may fall anywhere in a word: the act
// scratchpad returns words w and w + 1 and salsa_top shifts them by the byte. Lanes outside the
// plane window, the command's extent or (xmask) the image columns read the zero point.
// Semantics: hw_contract.h's "conv" row; theory: docs/conv.md.
#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

std::string Geo(const std::string& reg, const char* name) { return GeoField(reg, name); }
std::string GeoMsb(const std::string& reg, const char* name) { return GeoFieldMsb(reg, name); }

// (word, byte) += (dw, db) with the byte kept below rows; w is 18-bit signed, dw unsigned. The
// byte is added mod 64, less rows on a wrap (the result is below rows, so it is exact).
std::string Wraps(const std::string& b, const std::string& db, unsigned rows) {
  return "(({1'b0, " + b + "} + {1'b0, " + db + "}) >= 7'd" + N(rows) + ")";
}
std::string ByteSum(const std::string& b, const std::string& db, unsigned rows) {
  return "(" + b + " + " + db + " - (" + Wraps(b, db, rows) + " ? 6'd" + N(rows % 64) + " : 6'd0))";
}
std::string WordSum(const std::string& w, const std::string& b, const std::string& dw16,
                    const std::string& db, unsigned rows) {
  return "(" + w + " + {2'd0, " + dw16 + "} + (" + Wraps(b, db, rows) + " ? 18'd1 : 18'd0))";
}

}  // namespace

void AddOsConvPorts(Module& m, const Config& cfg) {
  // conv_i, geo_i and xgeo_i come with the compute command bundle (ComputeCmd).
  m.Out("act_shift_o", "6");
  m.Out("act_odd_o");
  m.Out("act_pad_o", N(cfg.rows));
}

void AddOsConvDecls(Scope& s, const Config& cfg) {
  s.Note(
      "im2col: the command's geometry, the step's channel c (plane offset c*pitch), tap column "
      "and tap-row start (word, byte), the tap's byte offset and column shift, and the read "
      "stage's shift, word parity and padded lanes.");
  s.Reg("oc_q");
  s.Reg("oc_geo_q", "128");
  s.Reg("oc_xg_q", "16");
  s.Reg("oc_c_q", "12");
  s.Reg("oc_tx_q", "4");
  s.Reg("oc_pb_q", "16");
  s.Reg("oc_rw_q", "18");
  s.Reg("oc_rb_q", "6");
  s.Reg("oc_w_q", "18");
  s.Reg("oc_b_q", "6");
  s.Reg("oc_kx_q", "12");
  // Several tiles per command: the tile's start word and lane 0's column; without zero-skip
  // also the tiles left and the clear flag (zero-skip builds: the group's tiles_q and clr_q).
  s.Reg("oc_sw_q", "18");
  s.Reg("oc_x0_q", "8");
  s.Wire("oc_x0_next", "9");
  if (!cfg.zero_skip) {
    s.Reg("oc_tl_q", "8");
    s.Reg("oc_clr_q");
  }
  s.Reg("rsh_q", "6");
  s.Reg("rodd_q");
  s.Reg("rpad_q", N(cfg.rows));
  if (cfg.zero_skip) {
    // Zero-skip builds read a cycle after the index stage: the shift and lanes wait there.
    s.Reg("s1_sh_q", "6");
    s.Reg("s1_pad_q", N(cfg.rows));
  }
  s.Wire("oc_w1", "18");
  s.Wire("oc_d0", "16");
  s.Wire("oc_d1", "16");
  s.Wire("oc_v0");
  s.Wire("oc_v1");
  s.Wire("oc_raddr", "16");
  s.Wire("oc_pad", N(cfg.rows));
  s.Wire("oc_ty_row_w", "18");
  s.Wire("oc_ty_row_b", "6");
}

void AddOsConvLogic(Scope& s, const Config& cfg) {
  const unsigned rows = cfg.rows;
  const std::string g = "oc_geo_q";
  s.Note(
      "Plane words w and w + 1 of channel c: at act_addr + (c*pitch + w) mod 2^16; valid inside "
      "[0, window) and with c*pitch + w below extent.");
  s.Assign("oc_w1", "oc_w_q + 18'd1");
  s.Assign("oc_d0", "oc_pb_q + oc_w_q[15:0]");
  s.Assign("oc_d1", "oc_pb_q + oc_w1[15:0]");
  const std::string win = "{2'd0, " + Geo(g, "window") + "}";
  s.Assign("oc_v0", "!oc_w_q[17] && (oc_w_q < " + win + ") && (oc_d0 < " + Geo(g, "extent") + ")");
  s.Assign("oc_v1", "!oc_w1[17] && (oc_w1 < " + win + ") && (oc_d1 < " + Geo(g, "extent") + ")");
  s.Assign("oc_raddr", "act_lo_q + oc_d0");
  s.Note(
      "Lane i takes byte b + i: from word w + 1 past the word's end. xmask: lane i's column "
      "x0 + i (less xw once past it) plus the tap's column offset must lie in [0, xw).");
  const std::string xw = "{4'd0, " + Geo("oc_xg_q", "xw") + "}";
  std::string pad;
  const std::string x0 = "oc_x0_q";
  for (unsigned i = rows; i-- > 0;) {
    const std::string col = "({4'd0, " + x0 + "} + 12'd" + N(i) + ")";
    const std::string colw =
        "((" + col + " >= " + xw + ") ? " + col + " - " + xw + " : " + col + ")";
    const std::string t = "(" + colw + " + oc_kx_q)";
    // 12 bits: a negative column wraps to 4096 - x, past any xw.
    const std::string xpad = "(" + Geo(g, "xmask") + " && (" + t + " >= " + xw + "))";
    const std::string wpad =
        "((({1'b0, oc_b_q} + 7'd" + N(i) + ") >= 7'd" + N(rows) + ") ? !oc_v1 : !oc_v0)";
    pad += (pad.empty() ? "" : ", ") + std::string("(") + wpad + " || " + xpad + ")";
  }
  s.Assign("oc_pad", "{" + pad + "}");
  s.Assign("act_shift_o", "rsh_q");
  s.Assign("act_odd_o", "rodd_q");
  s.Assign("act_pad_o", "rpad_q");
  s.Note(
      "off_w (and x0, but with zero-skip) are taken from geo_i when the command starts; w6[31] "
      "is reserved.");
  s.Wire("unused_oc_geo");
  s.Assign("unused_oc_geo", "^{" + Slice(g, "95", "95") + ", " + Geo(g, "off_w") +
                                ", oc_x0_next[8], " + Geo(g, "x0") + "}");
  {
    s.Note("The next tile's lane 0 column: x0 + rows, less xw once past it (rows <= xw).");
    s.Assign("oc_x0_next", "({1'b0, oc_x0_q} + 9'd" + N(rows) + " >= {1'b0, " +
                               Geo("oc_xg_q", "xw") + "}) ? {1'b0, oc_x0_q} + 9'd" + N(rows) +
                               " - {1'b0, " + Geo("oc_xg_q", "xw") + "} : {1'b0, oc_x0_q} + 9'd" +
                               N(rows));
  }
  s.Note("The next tap row's start: (row word, row byte) + (ty_w, ty_b).");
  s.Assign("oc_ty_row_b", ByteSum("oc_rb_q", Geo(g, "ty_b"), rows));
  s.Assign("oc_ty_row_w", WordSum("oc_rw_q", "oc_rb_q", Geo(g, "ty_w"), Geo(g, "ty_b"), rows));
}

Block OsConvReset(const Config& cfg) {
  Block r = {Set("oc_q", "1'b0"),     Set("oc_geo_q", "128'd0"),
             Set("oc_xg_q", "16'd0"), Set("oc_c_q", "12'd0"),
             Set("oc_tx_q", "4'd0"),  Set("oc_pb_q", "16'd0"),
             Set("oc_rw_q", "18'd0"), Set("oc_rb_q", "6'd0"),
             Set("oc_w_q", "18'd0"),  Set("oc_b_q", "6'd0"),
             Set("oc_kx_q", "12'd0"), Set("rsh_q", "6'd0"),
             Set("rodd_q", "1'b0"),   Set("rpad_q", N(cfg.rows) + "'d0")};
  if (cfg.zero_skip) {
    r.push_back(Set("s1_sh_q", "6'd0"));
    r.push_back(Set("s1_pad_q", N(cfg.rows) + "'d0"));
  } else {
    r.push_back(Set("oc_tl_q", "8'd0"));
    r.push_back(Set("oc_clr_q", "1'b0"));
  }
  r.push_back(Set("oc_sw_q", "18'd0"));
  r.push_back(Set("oc_x0_q", "8'd0"));
  return r;
}

Block OsConvStart(const Config& cfg) {
  const std::string offw = Geo("geo_i", "off_w"), kx0 = Geo("xgeo_i", "kx0");
  const std::string w = "{{2{" + GeoMsb("geo_i", "off_w") + "}}, " + offw + "}";
  Block multi = {Set("oc_sw_q", w), Set("oc_x0_q", Geo("geo_i", "x0"))};
  if (!cfg.zero_skip) {
    multi.push_back(Set("oc_tl_q", "(tiles_i == 8'd0) ? 8'd0 : tiles_i - 8'd1"));
    multi.push_back(Set("oc_clr_q", "clear_i"));
  }
  return Cat(
      {multi, Block{Set("oc_q", "conv_i"), Set("oc_geo_q", "geo_i"), Set("oc_xg_q", "xgeo_i"),
                    Set("oc_c_q", "12'd0"), Set("oc_tx_q", "4'd0"), Set("oc_pb_q", "16'd0"),
                    Set("oc_rw_q", w), Set("oc_w_q", w), Set("oc_rb_q", Geo("geo_i", "off_b")),
                    Set("oc_b_q", Geo("geo_i", "off_b")),
                    Set("oc_kx_q", "{{4{" + GeoMsb("xgeo_i", "kx0") + "}}, " + kx0 + "}")}});
}

Block OsConvNextTile(const Config& cfg) {
  const std::string g = "oc_geo_q", kx0 = Geo("oc_xg_q", "kx0");
  const std::string w = "oc_sw_q + 18'd1";
  Block walk = {Set("oc_sw_q", w),
                Set("oc_c_q", "12'd0"),
                Set("oc_tx_q", "4'd0"),
                Set("oc_pb_q", "16'd0"),
                Set("oc_rw_q", w),
                Set("oc_w_q", w),
                Set("oc_rb_q", Geo(g, "off_b")),
                Set("oc_b_q", Geo(g, "off_b")),
                Set("oc_kx_q", "{{4{" + GeoMsb("oc_xg_q", "kx0") + "}}, " + kx0 + "}"),
                Set("oc_x0_q", "oc_x0_next[7:0]")};
  if (cfg.zero_skip) {
    // The group logic (tiles_q) reloads K, the weights, clear and the acc address.
    return {If("oc_q && (k_q == 16'd1) && (tiles_q != 8'd0)", walk)};
  }
  const Block tile = {Set("oc_tl_q", "oc_tl_q - 8'd1"),
                      Set("k_q", "k0_q"),
                      Set("wgt_q", "wgt_lo_q"),
                      Set("first_q", "oc_clr_q"),
                      Set("acc_q", "acc_q + 16'd" + N(cfg.rows)),
                      Set("fstate_q", "FHold")};
  return {If("oc_q && (k_q == 16'd1) && (oc_tl_q != 8'd0)", Cat({tile, walk}))};
}

Block OsConvStep(const Config& cfg) {
  const std::string g = "oc_geo_q";
  const std::string txb = Geo(g, "tx_b");
  Block next_tap = {
      Set("oc_w_q", WordSum("oc_w_q", "oc_b_q", "12'd0, " + Geo(g, "tx_w"), txb, cfg.rows)),
      Set("oc_b_q", ByteSum("oc_b_q", txb, cfg.rows))};
  next_tap.push_back(Set("oc_tx_q", "oc_tx_q + 4'd1"));
  next_tap.push_back(Set("oc_kx_q", "oc_kx_q + {6'd0, " + Geo(g, "tx_b") + "}"));
  const std::string kx0 = Geo("oc_xg_q", "kx0");
  const Block next_row = {Set("oc_tx_q", "4'd0"),
                          Set("oc_rw_q", "oc_ty_row_w"),
                          Set("oc_rb_q", "oc_ty_row_b"),
                          Set("oc_w_q", "oc_ty_row_w"),
                          Set("oc_b_q", "oc_ty_row_b"),
                          Set("oc_kx_q", "{{4{" + GeoMsb("oc_xg_q", "kx0") + "}}, " + kx0 + "}")};
  return {If("oc_c_q + 12'd1 != " + Geo(g, "chans"),
             {Set("oc_c_q", "oc_c_q + 12'd1"), Set("oc_pb_q", "oc_pb_q + " + Geo(g, "pitch"))},
             {Set("oc_c_q", "12'd0"), Set("oc_pb_q", "16'd0"),
              If("oc_tx_q + 4'd1 != " + Geo(g, "taps_x"), next_tap, next_row)})};
}

Block OsConvRead(const Config& cfg) {
  const std::string sh = "(feeding && oc_q) ? oc_b_q : 6'd0";
  const std::string pad = "(feeding && oc_q) ? oc_pad : " + N(cfg.rows) + "'d0";
  if (cfg.zero_skip) {
    return {Set("s1_sh_q", sh), Set("s1_pad_q", pad), Set("rsh_q", "s1_sh_q"),
            Set("rodd_q", "act_raddr_o[0]"), Set("rpad_q", "s1_pad_q")};
  }
  return {Set("rsh_q", sh), Set("rodd_q", "act_raddr_o[0]"), Set("rpad_q", pad)};
}

}  // namespace salsa::blocks
