// salsa_gearbox: byte-stream width converter from bus beats to scratchpad words.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildGearboxOf(unsigned out_words) {
  const bool wide = out_words > 1;
  Module m(wide ? "salsa_gearbox_wide" : "salsa_gearbox",
           "Byte-stream width converter. Accepts InBytes-wide beats of which the first in_cnt_i "
           "bytes are valid and emits OutBytes-wide words, in order, for any InBytes/OutBytes "
           "(neither needs to divide the other). Holds up to InBytes + OutBytes bytes; sustains "
           "one beat in per cycle when OutBytes >= InBytes and one word out per cycle otherwise." +
               std::string(wide ? " Wide variant: emits up to " + N(out_words) +
                                      " whole words per cycle (out_n_o of them, oldest at "
                                      "bits OutBytes*8-1:0), so it sustains one beat per cycle "
                                      "when InBytes <= " +
                                      N(out_words) + " * OutBytes."
                                : ""));
  m.Parameter("InBytes", "16");
  m.Parameter("OutBytes", "16");
  m.LocalParam("Cap", "InBytes + OutBytes");
  m.LocalParam("CntBits", "$clog2(Cap + 1)");
  m.LocalParam("OutN", "OutBytes", "CntBits");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("in_valid_i");
  m.Out("in_ready_o");
  m.In("in_data_i", "InBytes*8");
  m.In("in_cnt_i", "CntBits");
  m.Out("out_valid_o");
  m.In("out_ready_i");
  m.Out("out_data_o", wide ? N(out_words) + "*OutBytes*8" : "OutBytes*8");
  if (wide) m.Out("out_n_o", "CntBits");
  m.Out("empty_o");
  Scope s = m.Body();
  s.Reg("buf_q", "Cap*8");
  s.Reg("cnt_q", "CntBits");
  s.Wire("pop");
  s.Wire("push");
  s.Wire("after", "CntBits");
  s.Wire("shifted", "Cap*8");
  s.Wire("ins", "Cap*8");
  s.Wire("in_bytes", "Cap");
  s.Wire("byte_mask", "Cap");
  s.Wire("bit_mask", "Cap*8");
  s.Assign("out_valid_o", "cnt_q >= OutN");
  s.Assign("pop", "out_valid_o && out_ready_i");
  std::string popped = "OutN";  // bytes a pop takes
  if (wide) {
    s.Wire("out_n", "CntBits");
    std::string n = "{CntBits{1'b0}}";
    for (unsigned w = 1; w <= out_words; ++w) {
      // w words: w (OutW<w>) and their bytes (OutB<w>), CntBits wide.
      m.LocalParam("OutW" + N(w), N(w), "CntBits");
      m.LocalParam("OutB" + N(w), N(w) + " * OutBytes", "CntBits");
      n = "(cnt_q >= OutB" + N(w) + ") ? OutW" + N(w) + " : " + n;
    }
    s.Note("Whole words held, at most " + N(out_words) + ": a pop takes them all.");
    s.Assign("out_n", n);
    s.Assign("out_n_o", "out_n");
    popped = "out_n * OutN";
  }
  s.Assign("after", "pop ? (cnt_q - " + popped + ") : cnt_q");
  s.Note("Room for a whole beat once this cycle's word has left: after + InBytes <= Cap.");
  s.Assign("in_ready_o", "after <= OutN");
  s.Assign("push", "in_valid_i && in_ready_o");
  s.Assign("shifted", wide ? "pop ? (buf_q >> ({out_n, 3'b000} * OutBytes)) : buf_q"
                           : "pop ? (buf_q >> (OutBytes*8)) : buf_q");
  s.Assign("ins", "{{(OutBytes*8){1'b0}}, in_data_i} << {after, 3'b000}");
  s.Assign("in_bytes", "({{(Cap-1){1'b0}}, 1'b1} << in_cnt_i) - {{(Cap-1){1'b0}}, 1'b1}");
  s.Assign("byte_mask", "in_bytes << after");
  Scope g = s.GenLoop("j", "Cap", "gen_mask");
  g.Assign(IdxPart("bit_mask", "j*8", "8"), "{8{byte_mask[j]}}");
  s.Seq(clk, rst, {Set("buf_q", "{(Cap*8){1'b0}}"), Set("cnt_q", "{CntBits{1'b0}}")},
        {If("push",
            {Set("buf_q", "(shifted & ~bit_mask) | (ins & bit_mask)"),
             Set("cnt_q", "after + in_cnt_i")},
            {Set("buf_q", "shifted"), Set("cnt_q", "after")})});
  s.Assign("out_data_o",
           Slice("buf_q", wide ? N(out_words) + "*OutBytes*8-1" : "OutBytes*8-1", "0"));
  s.Assign("empty_o", "cnt_q == {CntBits{1'b0}}");
  return m;
}

Module BuildGearbox() { return BuildGearboxOf(1); }

}  // namespace salsa::blocks
