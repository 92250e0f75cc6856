// salsa_axi_lanes_rd: several AXI4 master ports (memory channels) as the byte lanes of one wide
// read channel (axi.ports > 1, docs/axi_ports.md).
#include "blocks/axi_lanes_parts.h"

namespace salsa::blocks {

using namespace ir;
using lanes::Port;

Module BuildAxiLanesRd(const Config& cfg, const Built& built) {
  const unsigned P = cfg.axi_ports, B = cfg.PortBytes(), id = cfg.axi_id_bits;
  Module m("salsa_axi_lanes_rd",
           "AXI4 read: " + N(P) + " master ports as the byte lanes of one " + N(P * B) +
               "-byte read channel. A burst of the wide channel at A (a multiple of " + N(P * B) +
               ") goes to every port at A / " + N(P) +
               " with the same length; port p returns bytes [" + N(B) + "p, " + N(B) + "p + " +
               N(B) +
               ") of each wide beat. Each port's R beats wait in a FIFO of their own, so the "
               "ports run independently; a wide beat leaves when every port has delivered its "
               "lane, its response the worst of theirs.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  AxiRead(cfg).DeclarePorts(m, "s_axi_", /*flip=*/true);
  for (unsigned p = 0; p < P; ++p) AxiRead(cfg, B).DeclarePorts(m, Port(p));
  Scope s = m.Body();
  lanes::BroadcastAddress(cfg, s, clk, rst, "ar");
  const unsigned width = B * 8 + 2 + 1 + id;
  s.Note("R: {rid, rresp, rlast, rdata} per port; popped together.");
  lanes::LaneFifos(cfg, built, s, clk, rst, "r", width, 4, "s_axi_rvalid && s_axi_rready",
                   "{@rid, @rresp, @rlast, @rdata}");
  std::string data, resp;
  for (unsigned p = P; p-- > 0;) {
    const std::string h = "r" + N(p) + "_head";
    data += (data.empty() ? "" : ", ") + Slice(h, N(B * 8 - 1), "0");
    resp += (resp.empty() ? "" : " | ") + Slice(h, N(B * 8 + 2), N(B * 8 + 1));
  }
  s.Assign("s_axi_rvalid", "r_all");
  s.Assign("s_axi_rdata", "{" + data + "}");
  s.Note("Any error response makes the wide beat's an error (SLVERR or DECERR: bit 1 set).");
  s.Assign("s_axi_rresp", resp);
  s.Assign("s_axi_rlast", Slice("r0_head", N(B * 8), N(B * 8)));
  s.Assign("s_axi_rid", Slice("r0_head", N(width - 1), N(B * 8 + 3)));
  s.Note("Every port's size is its own width; the other ports' ids and rlast repeat port 0's.");
  const std::string low = N(Clog2(cfg.BusBytes()) - 1);
  std::string unused = "s_axi_arsize, " + Slice("s_axi_araddr", low, "0");
  for (unsigned p = 0; p < P; ++p) {
    unused += ", unused_r" + N(p) + "_count";
    if (p > 0) unused += ", " + Slice("r" + N(p) + "_head", N(width - 1), N(B * 8));
  }
  s.Wire("unused_r");
  s.Assign("unused_r", "^{" + unused + "}");
  return m;
}

}  // namespace salsa::blocks
