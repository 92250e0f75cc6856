// Shared by salsa_axi_lanes_rd and salsa_axi_lanes_wr (axi.ports > 1): several AXI4 master
// ports as the byte lanes of one wide data path (docs/axi_ports.md).
#pragma once

#include <string>

#include "blocks/blocks.h"

namespace salsa::blocks::lanes {

// The port-name prefix of port p: m_axi<p>_.
std::string Port(unsigned p);
// Each port's address of a wide-aligned address: lane p of the wide beat at A (a multiple of
// ports * port bytes) is the beat at A / ports of port p.
std::string LocalAddr(const Config& cfg, const std::string& addr);
// The address channel `ch` ("ar" or "aw") offered to every port at once: each port's valid stays
// up until that port has taken it (done bit), and the wide channel is ready once all have.
void BroadcastAddress(const Config& cfg, ir::Scope& s, const std::string& clk,
                      const std::string& rst, const std::string& ch);
// One FIFO (salsa_fifo) per port for the channel that comes back (`ch`: "r" or "b"): a port's
// ready is its FIFO not being full, `entry_of_port` its entry with @ for the port's prefix; wire
// <ch><p>_head is port p's head, <ch>_all is high when every FIFO has an entry, and all pop on
// `pop`.
void LaneFifos(const Config& cfg, const Built& built, ir::Scope& s, const std::string& clk,
               const std::string& rst, const std::string& ch, unsigned width, unsigned depth,
               const std::string& pop, const std::string& entry_of_port);
// The smallest power of two, at least 2, not below `at_least`.
unsigned FifoDepth(unsigned at_least);

}  // namespace salsa::blocks::lanes
