// Shared by the lanes blocks (axi_lanes_parts.h).
#include "blocks/axi_lanes_parts.h"

namespace salsa::blocks::lanes {

using namespace ir;

std::string Port(unsigned p) { return "m_axi" + N(p) + "_"; }

std::string LocalAddr(const Config& cfg, const std::string& addr) {
  const unsigned aw = cfg.axi_addr_bits, lw = Clog2(cfg.BusBytes()), lp = Clog2(cfg.axi_ports);
  const unsigned lb = Clog2(cfg.PortBytes());
  return "{" + N(lp) + "'d0, " + Slice(addr, N(aw - 1), N(lw)) + ", " + N(lb) + "'d0}";
}

void BroadcastAddress(const Config& cfg, Scope& s, const std::string& clk, const std::string& rst,
                      const std::string& ch) {
  const unsigned P = cfg.axi_ports;
  const std::string done = ch + "_done_q", all = ch + "_all";
  s.Reg(done, N(P));
  s.Wire(ch + "_took", N(P));
  s.Wire(all);
  std::string took;
  for (unsigned p = P; p-- > 0;) {
    const std::string m = Port(p) + ch;
    s.Assign(m + "valid", "s_axi_" + ch + "valid && !" + Slice(done, N(p), N(p)));
    s.Assign(m + "addr", LocalAddr(cfg, "s_axi_" + ch + "addr"));
    s.Assign(m + "len", "s_axi_" + ch + "len");
    s.Assign(m + "size", "3'd" + N(Clog2(cfg.PortBytes())));
    s.Assign(m + "burst", "s_axi_" + ch + "burst");
    s.Assign(m + "id", "s_axi_" + ch + "id");
    for (const char* f : {"cache", "prot", "lock", "qos"}) s.Assign(m + f, "s_axi_" + ch + f);
    took += (took.empty() ? "" : ", ") + Slice(done, N(p), N(p)) + " || " + m + "ready";
  }
  s.Assign(ch + "_took", "{" + took + "}");
  s.Assign(all, "&" + ch + "_took");
  s.Assign("s_axi_" + ch + "ready", all);
  s.Seq(clk, rst, {Set(done, N(P) + "'d0")},
        {If("s_axi_" + ch + "valid", {Set(done, all + " ? " + N(P) + "'d0 : " + ch + "_took")})});
}

void LaneFifos(const Config& cfg, const Built& built, Scope& s, const std::string& clk,
               const std::string& rst, const std::string& ch, unsigned width, unsigned depth,
               const std::string& pop, const std::string& entry_of_port) {
  const unsigned P = cfg.axi_ports;
  std::string any_empty;
  for (unsigned p = 0; p < P; ++p) {
    const std::string q = ch + N(p) + "_";
    s.Wire(q + "head", N(width));
    s.Wire(q + "empty");
    s.Wire(q + "full");
    s.Wire("unused_" + q + "count", N(Clog2(depth + 1)));
    s.Assign(Port(p) + ch + "ready", "!" + q + "full");
    std::string entry = entry_of_port;
    for (size_t at; (at = entry.find('@')) != std::string::npos;) entry.replace(at, 1, Port(p));
    Instantiate(s, Child(built, "salsa_fifo"), "u_" + ch + N(p) + "_fifo",
                {{"Width", N(width)}, {"Depth", N(depth)}},
                {{"clk_i", clk},
                 {"rst_ni", rst},
                 {"clear_i", "1'b0"},
                 {"push_i", Port(p) + ch + "valid"},
                 {"data_i", entry},
                 {"pop_i", pop},
                 {"data_o", q + "head"},
                 {"count_o", "unused_" + q + "count"},
                 {"empty_o", q + "empty"},
                 {"full_o", q + "full"}});
    any_empty += (any_empty.empty() ? "" : " || ") + q + "empty";
  }
  s.Wire(ch + "_all");
  s.Assign(ch + "_all", "!(" + any_empty + ")");
}

unsigned FifoDepth(unsigned at_least) {
  unsigned d = 2;
  while (d < at_least) d *= 2;
  return d;
}

}  // namespace salsa::blocks::lanes
