// SECDED for salsa_scratchpad: an extended Hamming code over each word (docs/reliability.md).
#include "blocks/scratchpad_ecc.h"

namespace salsa::blocks {

using namespace ir;

std::string EccScratchpadDoc() {
  return " With sram.ecc: secded each word is stored as CodeWidth = Width + EccBits + 1 bits: "
         "the data, EccBits Hamming check bits (data bit i has code position i + 1 + "
         "clog2(i + 2 + clog2(i + 2)), the positions that are not powers of two; check bit j "
         "covers the positions with bit j set) and a parity bit over the whole word. A read "
         "corrects one flipped bit (ecc_corr_o) and detects two (ecc_err_o) in the cycle rdata_o "
         "is valid, with ecc_addr_o the word address read. The stored word is not rewritten.";
}

void DeclareEccParams(Module& m) {
  m.LocalParam("EccBits", "$clog2(Width + $clog2(Width) + 1)");
  m.LocalParam("CodeWidth", "Width + EccBits + 1");
}

void DeclareEccPorts(Module& m) {
  m.Out("ecc_corr_o");        // the word read had one flipped bit, corrected in rdata_o
  m.Out("ecc_err_o");         // the word read had two (or more) flipped bits: rdata_o is wrong
  m.Out("ecc_addr_o", "16");  // the word address of that read
}

void AddEccEncoder(Scope& s) {
  s.Note(
      "The code's columns: ecc_col holds data bit i's code position (EccBits bits at "
      "i*EccBits), ecc_mask the same bits per check bit (Width bits at j*Width).");
  s.Wire("ecc_col", "Width*EccBits");
  s.Wire("ecc_mask", "EccBits*Width");
  {
    Scope gi = s.GenLoop("ci", "Width", "gen_col");
    Scope gj = gi.GenLoop("cj", "EccBits", "gen_col_bit");
    gj.Assign("ecc_col[ci*EccBits + cj]",
              "(((ci + 1 + $clog2(ci + 2 + $clog2(ci + 2))) >> cj) % 2) != 0");
  }
  {
    Scope gj = s.GenLoop("mj", "EccBits", "gen_mask");
    Scope gi = gj.GenLoop("mi", "Width", "gen_mask_bit");
    gi.Assign("ecc_mask[mj*Width + mi]", "ecc_col[mi*EccBits + mj]");
  }
  s.Note("The word written: {parity, check bits, data}.");
  s.Wire("wchk", "EccBits");
  s.Wire("wcode", "CodeWidth");
  {
    Scope g = s.GenLoop("wj", "EccBits", "gen_wchk");
    g.Assign("wchk[wj]", "^(wdata_i & " + IdxPart("ecc_mask", "wj*Width", "Width") + ")");
  }
  s.Assign("wcode", "{^{wchk, wdata_i}, wchk, wdata_i}");
}

void AddEccDecoder(Scope& s, const std::string& clk, const std::string& rst) {
  s.Note(
      "The word read: the syndrome names the flipped bit's code position; odd overall parity "
      "means one flipped bit (corrected: a data bit, a check bit or the parity bit), even "
      "parity with a syndrome two.");
  s.Reg("rvalid_q");
  s.Reg("raddr_q", "16");
  s.Wire("rsyn", "EccBits");
  s.Wire("rodd");
  s.Wire("rflip", "Width");
  s.Wire("rcorr");
  s.Wire("rerr");
  s.Seq(clk, rst, {Set("rvalid_q", "1'b0"), Set("raddr_q", "16'd0")},
        {Set("rvalid_q", "re_i"), If("re_i", {Set("raddr_q", "raddr_i")})});
  {
    Scope g = s.GenLoop("rj", "EccBits", "gen_rsyn");
    g.Assign("rsyn[rj]", "rcode[Width + rj] ^ (^(rcode[Width-1:0] & " +
                             IdxPart("ecc_mask", "rj*Width", "Width") + "))");
  }
  s.Assign("rodd", "^rcode");
  {
    Scope g = s.GenLoop("ri", "Width", "gen_flip");
    g.Assign("rflip[ri]", "rodd && (rsyn == " + IdxPart("ecc_col", "ri*EccBits", "EccBits") + ")");
  }
  s.Assign("rdata_o", "rcode[Width-1:0] ^ rflip");
  s.Note("A syndrome that is 0 or a power of two with odd parity: the parity or a check bit.");
  s.Assign("rcorr",
           "rodd && (((rsyn & (rsyn - {{(EccBits-1){1'b0}}, 1'b1})) == {EccBits{1'b0}}) || "
           "(|rflip))");
  s.Assign("rerr", "!rcorr && (rodd || (rsyn != {EccBits{1'b0}}))");
  s.Assign("ecc_corr_o", "rvalid_q && rcorr");
  s.Assign("ecc_err_o", "rvalid_q && rerr");
  s.Assign("ecc_addr_o", "raddr_q");
}

}  // namespace salsa::blocks
