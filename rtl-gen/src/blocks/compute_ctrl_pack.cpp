// salsa_compute_ctrl, zero-skip with K slices (Config: zero_skip and gemv_slices > 1): a SCAN with
// slices packs the listed act words' lanes, S entries to a word, into the act words after the
// scanned ones (through its own act write port), and an indexed COMPUTE with slices feeds those
// packed words (docs/architecture.md, "Zero-skip commands").
#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"

namespace salsa::blocks {

using namespace ir;

void AddScanPackPorts(Module& m, const Config& cfg) {
  m.Out("act_we_o");
  m.Out("act_waddr_o", "16");
  m.Out("act_wdata_o", N(cfg.rows * 8));
}

void AddScanPackDecls(Scope& s, const Config& cfg) {
  // The word being packed, the packed words' base (a + K), the fed command is indexed with
  // slices, the group tile's way rotation (t % S), the index stage's copy of log2 S.
  s.Reg("pk_q", N(cfg.rows * 8));
  s.Reg("sc_pkb_q", "16");
  s.Reg("xs_q");
  s.Reg("xt_q", N(Clog2(cfg.gemv_slices)));
  s.Reg("s1_sl_q", "3");
  s.Wire("pk_new", N(cfg.rows * 8));
  s.Wire("pk_put");
  s.Wire("pk_full");
  s.Wire("pk_fix");
  s.Wire("sc_pk_n", "17");
  s.Wire("xs_i");
  s.Wire("xw", "17");
}

void AddScanPackLogic(Scope& s, const Config& cfg) {
  const unsigned rows = cfg.rows, lmax = Clog2(cfg.gemv_slices);
  s.Note("A SCAN with slices (S = 2^sl_q) writes ceil(K/S) packed words after its K act words.");
  s.Assign("sc_pk_n",
           "(slices_i == 3'd0) ? 17'd0 : ({1'b0, k_i} + ((17'd1 << slices_i) - "
           "17'd1)) >> slices_i");
  s.Assign("xs_i", "indexed_i && (slices_i != 3'd0)");
  const unsigned w = cfg.gemv_slices;
  s.Note("An indexed COMPUTE with slices: its weight rows span ceil(K/S)*S words a tile (xw).");
  s.Assign("xw", "({1'b0, k_i} + 17'd" + N(w - 1) + ") & ~17'd" + N(w - 1));
  s.Note(
      "Packing: listed entry c goes to slot c % S of the word: byte r of slot r / G (G = rows/S) "
      "takes the entry's lane r % G.");
  std::string bytes;
  for (unsigned r = rows; r-- > 0;) {
    std::string b = IdxPart("pk_q", N(8 * r), "8");
    for (unsigned l = 1; l <= lmax; ++l) {
      const unsigned g = rows >> l;
      b = "((sl_q == 3'd" + N(l) + ") && ((cnt_q & 16'd" + N((1u << l) - 1) + ") == 16'd" +
          N(r / g) + ")) ? " + IdxPart("act_rdata_i", N(8 * (r % g)), "8") + " : " + b;
    }
    bytes += "(" + b + ")" + (r ? ", " : "");
  }
  s.Assign("pk_new", "{" + bytes + "}");
  s.Assign("pk_put", "sc_v_q && nz && (sl_q != 3'd0)");
  s.Assign("pk_full", "(cnt_q & ((16'd1 << sl_q) - 16'd1)) == ((16'd1 << sl_q) - 16'd1)");
  s.Note(
      "The last, partly filled word (the rest in_zp) when the SCAN ends; all in_zp when nothing "
      "was listed.");
  s.Assign("pk_fix",
           "(fstate_q == FScanFix) && (sl_q != 3'd0) && "
           "(((cnt_q & ((16'd1 << sl_q) - 16'd1)) != 16'd0) || (cnt_q == 16'd0))");
  s.Assign("act_we_o", "(pk_put && pk_full) || pk_fix");
  s.Assign("act_waddr_o", "sc_pkb_q + (cnt_q >> sl_q)");
  s.Assign("act_wdata_o", "pk_fix ? pk_q : pk_new");
}

Block ScanPackReset(const Config& cfg) {
  return {Set("pk_q", N(cfg.rows * 8) + "'d0"), Set("sc_pkb_q", "16'd0"), Set("xs_q", "1'b0"),
          Set("xt_q", N(Clog2(cfg.gemv_slices)) + "'d0"), Set("s1_sl_q", "3'd0")};
}

Block ScanPackScanStart(const Config& cfg) {
  return {Set("pk_q", "{" + N(cfg.rows) + "{zp_i}}"), Set("sc_pkb_q", "act_addr_i + k_i"),
          Set("xs_q", "1'b0"), Set("sc_len_q", "{1'b0, k_i} + sc_pk_n"),
          Set("act_len_q", "{1'b0, k_i} + sc_pk_n")};
}

Block ScanPackPre(const Config& cfg) {
  return {Set("s1_sl_q", "sl_q"),
          If("pk_put", {Set("pk_q", "pk_full ? {" + N(cfg.rows) + "{zp_q}} : pk_new")})};
}

}  // namespace salsa::blocks
