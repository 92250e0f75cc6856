// salsa_axi_lanes_wr: several AXI4 master ports (memory channels) as the byte lanes of one wide
// write channel (axi.ports > 1, docs/axi_ports.md).
#include "blocks/axi_lanes_parts.h"

namespace salsa::blocks {

using namespace ir;
using lanes::Port;

Module BuildAxiLanesWr(const Config& cfg, const Built& built) {
  const unsigned P = cfg.axi_ports, B = cfg.PortBytes(), id = cfg.axi_id_bits;
  Module m("salsa_axi_lanes_wr",
           "AXI4 write: " + N(P) + " master ports as the byte lanes of one " + N(P * B) +
               "-byte write channel. A burst at A (a multiple of " + N(P * B) +
               ") goes to every port at A / " + N(P) + "; port p carries bytes [" + N(B) + "p, " +
               N(B) + "p + " + N(B) +
               ") of each wide W beat with their strobes (a lane without any still sends its "
               "beat). A W beat is offered to every port until each has taken it. Each port's B "
               "responses wait in a FIFO as deep as the bursts in flight; a wide response leaves "
               "when every port has answered, the worst of theirs.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  AxiWrite(cfg).DeclarePorts(m, "s_axi_", /*flip=*/true);
  for (unsigned p = 0; p < P; ++p) AxiWrite(cfg, B).DeclarePorts(m, Port(p));
  Scope s = m.Body();
  lanes::BroadcastAddress(cfg, s, clk, rst, "aw");
  s.Reg("w_done_q", N(P));
  s.Wire("w_took", N(P));
  s.Wire("w_all");
  std::string took;
  for (unsigned p = P; p-- > 0;) {
    const std::string w = Port(p) + "w", bit = Slice("w_done_q", N(p), N(p));
    s.Assign(w + "valid", "s_axi_wvalid && !" + bit);
    s.Assign(w + "data", Slice("s_axi_wdata", N(B * 8 * (p + 1) - 1), N(B * 8 * p)));
    s.Assign(w + "strb", Slice("s_axi_wstrb", N(B * (p + 1) - 1), N(B * p)));
    s.Assign(w + "last", "s_axi_wlast");
    took += (took.empty() ? "" : ", ") + bit + " || " + w + "ready";
  }
  s.Assign("w_took", "{" + took + "}");
  s.Assign("w_all", "&w_took");
  s.Assign("s_axi_wready", "w_all");
  s.Seq(clk, rst, {Set("w_done_q", N(P) + "'d0")},
        {If("s_axi_wvalid", {Set("w_done_q", "w_all ? " + N(P) + "'d0 : w_took")})});
  const unsigned width = 2 + id;
  s.Note(
      "B: {bid, bresp} per port; never full, since no port has more bursts in flight than "
      "the write DMA allows.");
  lanes::LaneFifos(cfg, built, s, clk, rst, "b", width, lanes::FifoDepth(cfg.axi_max_outstanding),
                   "s_axi_bvalid && s_axi_bready", "{@bid, @bresp}");
  std::string resp;
  for (unsigned p = 0; p < P; ++p)
    resp += (resp.empty() ? "" : " | ") + Slice("b" + N(p) + "_head", "1", "0");
  s.Assign("s_axi_bvalid", "b_all");
  s.Assign("s_axi_bresp", resp);
  s.Assign("s_axi_bid", Slice("b0_head", N(width - 1), "2"));
  const std::string low = N(Clog2(cfg.BusBytes()) - 1);
  std::string unused = "s_axi_awsize, " + Slice("s_axi_awaddr", low, "0");
  for (unsigned p = 0; p < P; ++p) {
    unused += ", unused_b" + N(p) + "_count";
    if (p > 0) unused += ", " + Slice("b" + N(p) + "_head", N(width - 1), "2");
  }
  s.Wire("unused_b");
  s.Assign("unused_b", "^{" + unused + "}");
  return m;
}

}  // namespace salsa::blocks
