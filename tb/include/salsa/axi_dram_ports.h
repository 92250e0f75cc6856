// Several AXI4 slave ports over one DRAM (axi.ports > 1): each port is an independent AxiDram
// (its own latency, bandwidth cap, backpressure, protocol checks and faults) and is one byte lane
// of the accelerator's wide data path. Byte a of the DRAM image is byte a % B of beat a / W of
// port (a / B) % P, at that port's address (a / W) * B + a % B (B: port bytes, W = P * B), so a
// wide burst at A is the same burst at A / P on every port (docs/axi_ports.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "salsa/axi_dram.h"

namespace salsa {

// The global byte address of byte `local` of port `port` of `ports` (port_bytes wide).
uint64_t LaneToGlobal(uint64_t local, unsigned port, unsigned ports, unsigned port_bytes);

// What differs between the ports besides their random seeds.
struct AxiPortOptions {
  unsigned latency_step = 0;  // port p's read and write latency: the options' + p * step
  int error_port = -1;        // the error range on this port only (-1: every port)
};

class AxiDramPorts {
 public:
  // `ports` ports of `port_bytes` bytes over `mem`; with one port, exactly AxiDram(mem, ...).
  // opts.seed is varied per port (seed + port); an error range [error_lo, error_hi) of global
  // addresses answers SLVERR on a port's share of every wide beat it touches.
  AxiDramPorts(std::vector<uint8_t>& mem, unsigned port_bytes, unsigned ports,
               AxiDram::Options opts, AxiPortOptions per_port = {});
  // One port over bytes kept elsewhere (the SystemC harness).
  AxiDramPorts(AxiDramBytes& bytes, uint64_t size, unsigned port_bytes, AxiDram::Options opts);
  ~AxiDramPorts();
  AxiDramPorts(const AxiDramPorts&) = delete;
  AxiDramPorts& operator=(const AxiDramPorts&) = delete;

  unsigned ports() const { return static_cast<unsigned>(ports_.size()); }
  AxiDram& port(unsigned p) { return *ports_[p]; }
  const AxiDram& port(unsigned p) const { return *ports_[p]; }

  // Summed over the ports (beats are port beats; in flight: the largest of any port).
  AxiDram::Stats stats() const;
  void ClearStats();
  void ResetProtocol();
  void RestartRandom();  // every port's (AxiDram::RestartRandom)
  // Every port's violations, "port p: " in front when there are several.
  std::vector<std::string> violations() const;
  bool busy() const;

 private:
  class Lane;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<std::unique_ptr<AxiDram>> ports_;
};

}  // namespace salsa
