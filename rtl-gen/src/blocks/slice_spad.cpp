// salsa_slice_spad: the weight scratchpad of a K-slice build, `ways` words read per cycle.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildSliceSpad(const Built& built, unsigned ways, unsigned wr_words, bool skew, bool ecc) {
  const unsigned wb = Clog2(ways);
  Module m("salsa_slice_spad",
           "Weight scratchpad of a K-slice build: Banks x Depth words of Width bits, "
           "interleaved " +
               N(ways) + " ways: word a lives in way a % " + N(ways) +
               " (a salsa_scratchpad of Depth / " + N(ways) + " words per bank), row a / " +
               N(ways) + ". A write stores wn_i (up to " + N(wr_words) +
               ") consecutive words from waddr_i, each in its own way; a read returns the " +
               N(ways) +
               " words of a's aligned group, rotated so that word a comes first "
               "(rdata_o[Width-1:0]), one cycle after re_i. A read of S words from a multiple "
               "of S (S dividing " +
               N(ways) + ") gets them all in one cycle." +
               (skew ? " With wsk_i (a sliced gather), write word i goes to way (waddr_i + i) % " +
                           N(ways) + " of row waddr_i / " + N(ways) + " + i instead."
                     : std::string()) +
               (ecc ? " With sram.ecc: secded, way w's SECDED flags are bit w of ecc_corr_o and "
                      "ecc_err_o, its word address read (within the way) ecc_addr_o[16*w +: 16]."
                    : ""));
  std::string width = m.Parameter("Width", "32");
  std::string banks = m.Parameter("Banks", "2");
  std::string depth = m.Parameter("Depth", "1024");
  const unsigned nb = CountBits(wr_words);
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("we_i");
  if (skew) m.In("wsk_i");
  m.In("wn_i", N(nb));
  m.In("waddr_i", "16");
  m.In("wdata_i", N(wr_words) + "*Width");
  m.In("re_i");
  m.In("raddr_i", "16");
  m.Out("rdata_o", N(ways) + "*Width");
  if (ecc) {
    m.Out("ecc_corr_o", N(ways));
    m.Out("ecc_err_o", N(ways));
    m.Out("ecc_addr_o", N(16 * ways));
  }
  Scope s = m.Body();
  s.Wire("way_rdata", N(ways) + "*Width");
  s.Wire("way_rdata2", N(2 * ways) + "*Width");
  s.Reg("roff_q", N(wb));
  s.Note("Write word i goes to address waddr_i + i: way (waddr_i + i) % " + N(ways) + ".");
  for (unsigned i = 0; i < wr_words; ++i) {
    s.Wire("wa" + N(i), "16");
    s.Assign("wa" + N(i), "waddr_i + 16'd" + N(i));
  }
  if (skew) {
    s.Note("Sliced gather (wsk_i): word i's row is waddr_i's row + i.");
    for (unsigned i = 0; i < wr_words; ++i) {
      s.Wire("wr" + N(i), "16");
      s.Assign("wr" + N(i), "wsk_i ? (waddr_i >> " + N(wb) + ") + 16'd" + N(i) + " : (wa" + N(i) +
                                " >> " + N(wb) + ")");
    }
  }
  for (unsigned w = 0; w < ways; ++w) {
    std::string we, wa = "16'd0", wd = "{Width{1'b0}}";
    for (unsigned i = wr_words; i-- > 0;) {
      const std::string hit =
          "(" + Slice("wa" + N(i), N(wb - 1), "0") + " == " + N(wb) + "'d" + N(w) + ")";
      const std::string on = "(wn_i > " + N(nb) + "'d" + N(i) + ") && " + hit;
      we = we.empty() ? on : on + " || " + we;
      wa = hit + " ? " + (skew ? "wr" + N(i) : "(wa" + N(i) + " >> " + N(wb) + ")") + " : " + wa;
      wd = hit + " ? " + IdxPart("wdata_i", N(i) + "*Width", "Width") + " : " + wd;
    }
    Conns conns = {{"clk_i", clk},
                   {"rst_ni", rst},
                   {"we_i", "we_i && (" + we + ")"},
                   {"waddr_i", wa},
                   {"wdata_i", wd},
                   {"re_i", "re_i"},
                   {"raddr_i", "raddr_i >> " + N(wb)},
                   {"rdata_o", IdxPart("way_rdata", N(w) + "*Width", "Width")}};
    if (ecc) {
      conns.push_back({"ecc_corr_o", "ecc_corr_o[" + N(w) + "]"});
      conns.push_back({"ecc_err_o", "ecc_err_o[" + N(w) + "]"});
      conns.push_back({"ecc_addr_o", IdxPart("ecc_addr_o", N(16 * w), "16")});
    }
    Instantiate(s, Child(built, "salsa_scratchpad"), "u_way" + N(w),
                {{"Width", width}, {"Banks", banks}, {"Depth", "Depth / " + N(ways)}}, conns);
  }
  s.Note("The read's way, registered: word a of the group comes first.");
  s.Seq(clk, rst, {Set("roff_q", N(wb) + "'d0")},
        {If("re_i", {Set("roff_q", Slice("raddr_i", N(wb - 1), "0"))})});
  s.Assign("way_rdata2", "{way_rdata, way_rdata}");
  s.Assign("rdata_o", IdxPart("way_rdata2", "roff_q*Width", N(ways) + "*Width"));
  return m;
}

}  // namespace salsa::blocks
