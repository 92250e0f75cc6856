// salsa_compute_ctrl_ws, on-chip im2col: the address generator of a COMPUTE with the conv flag.
// The slot walks the command's K blocks (channel block c, tap kx, tap row ky); the streamer
// walks the block's output pixels and reads the input word under each one, or flags it as
// padding. Semantics: hw_contract.h's "conv" row; theory: docs/conv.md.
#include <algorithm>

#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

namespace k = contract;

std::string Geo(const std::string& reg, const char* name) { return GeoField(reg, name); }

// Field x times field m, mod 2^16, both of `reg` (m small), as a sum of shifted copies of x: no
// multiplier for the equivalence checker to split.
std::string ShiftAdd(const std::string& reg, const char* x, const char* m) {
  const k::CmdField& fx = k::CmdFieldOf(k::kOpCompute, x);
  const k::CmdField& fm = k::CmdFieldOf(k::kOpCompute, m);
  const unsigned xl = (fx.word - 4) * 32 + fx.lsb, ml = (fm.word - 4) * 32 + fm.lsb;
  std::string sum;
  for (unsigned b = 0; b < fm.width; ++b) {
    const unsigned w = std::min(fx.width, 16 - b);  // bits of x that stay below bit 16
    std::string shifted = Slice(reg, N(xl + w - 1), N(xl));
    if (b > 0) shifted += ", " + N(b) + "'d0";
    if (w + b < 16) shifted = N(16 - w - b) + "'d0, " + shifted;
    const std::string term = "({16{" + reg + "[" + N(ml + b) + "]}} & {" + shifted + "})";
    sum += (sum.empty() ? "" : " + ") + term;
  }
  return "(" + sum + ")";
}

}  // namespace

void AddConvDecls(Scope& s) {
  s.Note(
      "im2col: the slot's block position (c, kx, ky*dy, kx*dx) and its row and pixel "
      "addresses; the streamer's pixel position, address and the command's geometry.");
  s.Reg("p_conv_q");
  s.Reg("p_nb_q", "16");
  s.Reg("p_geo_q", "128");
  s.Reg("p_c_q", "8");
  s.Reg("p_kx_q", "8");
  s.Reg("p_vy0_q", "21");
  s.Reg("p_vx0_q", "13");
  s.Reg("p_ar_q", "16");
  s.Reg("p_ap_q", "16");
  s.Reg("s_conv_q");
  s.Reg("s_a_q", "16");
  s.Reg("s_arow_q", "16");
  s.Reg("s_vy_q", "21");
  s.Reg("s_vx_q", "13");
  s.Reg("s_vx0_q", "13");
  s.Reg("s_ox_q", "8");
  s.Reg("s_ow_q", "8");
  s.Reg("s_sy_q", "4");
  s.Reg("s_sx_q", "4");
  s.Reg("s_px_q", "16");
  s.Reg("s_row_q", "16");
  s.Reg("s_ylo_q", "8");
  s.Reg("s_yhi_q", "8");
  s.Reg("s_xlo_q", "8");
  s.Reg("s_xhi_q", "8");
  s.Reg("s_span_q", "16");
  s.Reg("rpad_q");
  s.Wire("cv_px", "16");
  s.Wire("cv_row", "16");
  s.Wire("cv_tx", "16");
  s.Wire("cv_ty", "16");
  s.Wire("cv_c_last");
  s.Wire("cv_kx_last");
  s.Wire("cv_blk_addr", "16");
  s.Wire("s_pad");
  s.Wire("s_ox_last");
}

void AddConvLogic(Scope& s) {
  const std::string g = "p_geo_q";
  s.Note(
      "Address steps: a pixel (sx*pw), an output row (sy*rw), a tap (dx*pw), a tap row "
      "(dy*rw), all mod 2^16.");
  s.Assign("cv_px", ShiftAdd(g, "pw", "sx"));
  s.Assign("cv_row", ShiftAdd(g, "rw", "sy"));
  s.Assign("cv_tx", ShiftAdd(g, "pw", "dx"));
  s.Assign("cv_ty", ShiftAdd(g, "rw", "dy"));
  s.Assign("cv_c_last", "p_c_q + 8'd1 == " + Geo(g, "nc"));
  s.Assign("cv_kx_last", "p_kx_q + 8'd1 == " + Geo(g, "kw"));
  s.Assign("cv_blk_addr", "p_ap_q + {8'd0, p_c_q}");
  s.Note(
      "A word is padding (every lane the zero point, no read) outside the rows and columns "
      "held or outside [act_addr, act_addr + span).");
  s.Assign("s_pad",
           "s_conv_q && !((s_vy_q >= {13'd0, s_ylo_q}) && (s_vy_q < {13'd0, s_yhi_q}) "
           "&& (s_vx_q >= {5'd0, s_xlo_q}) && (s_vx_q < {5'd0, s_xhi_q}) && "
           "((s_a_q - s_act_q) < s_span_q))");
  s.Assign("s_ox_last", "s_ox_q + 8'd1 == s_ow_q");
  s.Note("org is taken from geo_i when the command is accepted.");
  s.Wire("unused_geo");
  s.Assign("unused_geo", "^" + Geo(g, "org"));
}

Block ConvReset() {
  Block r;
  for (const char* f : {"p_conv_q", "s_conv_q", "rpad_q"}) r.push_back(Set(f, "1'b0"));
  for (const char* f :
       {"p_nb_q", "p_ar_q", "p_ap_q", "s_a_q", "s_arow_q", "s_px_q", "s_row_q", "s_span_q"}) {
    r.push_back(Set(f, "16'd0"));
  }
  r.push_back(Set("p_geo_q", "128'd0"));
  for (const char* f :
       {"p_c_q", "p_kx_q", "s_ox_q", "s_ow_q", "s_ylo_q", "s_yhi_q", "s_xlo_q", "s_xhi_q"}) {
    r.push_back(Set(f, "8'd0"));
  }
  for (const char* f : {"p_vy0_q", "s_vy_q"}) r.push_back(Set(f, "21'd0"));
  for (const char* f : {"p_vx0_q", "s_vx_q", "s_vx0_q"}) r.push_back(Set(f, "13'd0"));
  for (const char* f : {"s_sy_q", "s_sx_q"}) r.push_back(Set(f, "4'd0"));
  return r;
}

Block ConvAccept() {
  return {Set("p_conv_q", "conv_i"),
          Set("p_nb_q", "blocks_i"),
          Set("p_geo_q", "geo_i"),
          Set("p_c_q", "8'd0"),
          Set("p_kx_q", "8'd0"),
          Set("p_vy0_q", "21'd0"),
          Set("p_vx0_q", "13'd0"),
          Set("p_ar_q", Geo("geo_i", "org")),
          Set("p_ap_q", Geo("geo_i", "org"))};
}

Block ConvHandoff() {
  const std::string g = "p_geo_q";
  return {
      Set("s_conv_q", "p_conv_q"),     Set("s_a_q", "cv_blk_addr"),
      Set("s_arow_q", "cv_blk_addr"),  Set("s_vy_q", "p_vy0_q"),
      Set("s_vx_q", "p_vx0_q"),        Set("s_vx0_q", "p_vx0_q"),
      Set("s_ox_q", "8'd0"),           Set("s_ow_q", Geo(g, "ow")),
      Set("s_sy_q", Geo(g, "sy")),     Set("s_sx_q", Geo(g, "sx")),
      Set("s_px_q", "cv_px"),          Set("s_row_q", "cv_row"),
      Set("s_ylo_q", Geo(g, "y_lo")),  Set("s_yhi_q", Geo(g, "y_hi")),
      Set("s_xlo_q", Geo(g, "x_lo")),  Set("s_xhi_q", Geo(g, "x_hi")),
      Set("s_span_q", Geo(g, "span")),
  };
}

Block ConvNextBlock() {
  const std::string g = "p_geo_q";
  return {Set("p_nb_q", "p_nb_q - 16'd1"),
          If("!cv_c_last", {Set("p_c_q", "p_c_q + 8'd1")},
             {Set("p_c_q", "8'd0"),
              If("!cv_kx_last",
                 {Set("p_kx_q", "p_kx_q + 8'd1"),
                  Set("p_vx0_q", "p_vx0_q + {10'd0, " + Geo(g, "dx") + "}"),
                  Set("p_ap_q", "p_ap_q + cv_tx")},
                 {Set("p_kx_q", "8'd0"), Set("p_vx0_q", "13'd0"),
                  Set("p_vy0_q", "p_vy0_q + {18'd0, " + Geo(g, "dy") + "}"),
                  Set("p_ar_q", "p_ar_q + cv_ty"), Set("p_ap_q", "p_ar_q + cv_ty")})})};
}

Block ConvStep() {
  return {If(
      "s_ox_last",
      {Set("s_ox_q", "8'd0"), Set("s_vx_q", "s_vx0_q"), Set("s_vy_q", "s_vy_q + {17'd0, s_sy_q}"),
       Set("s_arow_q", "s_arow_q + s_row_q"), Set("s_a_q", "s_arow_q + s_row_q")},
      {Set("s_ox_q", "s_ox_q + 8'd1"), Set("s_vx_q", "s_vx_q + {9'd0, s_sx_q}"),
       Set("s_a_q", "s_a_q + s_px_q")})};
}

}  // namespace salsa::blocks
