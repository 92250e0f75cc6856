// salsa_fifo: a small synchronous FIFO (the sequencer's command prefetch buffer).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildFifo() {
  Module m("salsa_fifo",
           "Synchronous FIFO of Depth (a power of two, at least 2) entries of Width bits. The "
           "entries are a memory array without reset (FPGA tools map it to distributed RAM); only "
           "the pointers and the count are reset, so no entry is read before it is written. The "
           "head is visible on data_o while not empty; push and pop may happen in the same "
           "cycle; clear_i empties it.");
  std::string width = m.Parameter("Width", "32");
  std::string depth = m.Parameter("Depth", "8");
  m.LocalParam("PtrBits", "$clog2(Depth)");
  m.LocalParam("CntBits", "$clog2(Depth + 1)");
  m.LocalParam("DepthN", "Depth", "CntBits");
  m.LocalParam("PtrOne", "1", "PtrBits");
  m.LocalParam("CntOne", "1", "CntBits");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("clear_i");
  m.In("push_i");
  m.In("data_i", width);
  m.In("pop_i");
  m.Out("data_o", width);
  m.Out("count_o", "CntBits");
  m.Out("empty_o");
  m.Out("full_o");
  Scope s = m.Body();
  s.Memory("mem_q", width, depth);
  s.Reg("rd_q", "PtrBits");
  s.Reg("wr_q", "PtrBits");
  s.Reg("count_q", "CntBits");
  s.Wire("do_push");
  s.Wire("do_pop");
  s.Assign("do_push", "push_i && !full_o");
  s.Assign("do_pop", "pop_i && !empty_o");
  s.Assign("data_o", "mem_q[rd_q]");
  s.Assign("count_o", "count_q");
  s.Assign("empty_o", "count_q == {CntBits{1'b0}}");
  s.Assign("full_o", "count_q == DepthN");
  s.Note("The storage: written on a push, never reset.");
  s.Seq(clk, "", {}, {If("do_push", {Set("mem_q[wr_q]", "data_i")})});
  s.Seq(clk, rst,
        {Set("rd_q", "{PtrBits{1'b0}}"), Set("wr_q", "{PtrBits{1'b0}}"),
         Set("count_q", "{CntBits{1'b0}}")},
        {If("clear_i",
            {Set("rd_q", "{PtrBits{1'b0}}"), Set("wr_q", "{PtrBits{1'b0}}"),
             Set("count_q", "{CntBits{1'b0}}")},
            {If("do_push", {Set("wr_q", "wr_q + PtrOne")}),
             If("do_pop", {Set("rd_q", "rd_q + PtrOne")}),
             If("do_push && !do_pop", {Set("count_q", "count_q + CntOne")},
                {If("do_pop && !do_push", {Set("count_q", "count_q - CntOne")})})})});
  return m;
}

}  // namespace salsa::blocks
