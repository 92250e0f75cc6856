// Several AXI4 slave ports over one DRAM image (salsa/axi_dram_ports.h).
#include "salsa/axi_dram_ports.h"

#include <algorithm>
#include <stdexcept>

namespace salsa {

uint64_t LaneToGlobal(uint64_t local, unsigned port, unsigned ports, unsigned port_bytes) {
  const uint64_t beat = local / port_bytes, wide = uint64_t{ports} * port_bytes;
  return beat * wide + uint64_t{port} * port_bytes + local % port_bytes;
}

// One port's view of the image: its beats are port_bytes-aligned runs of the image.
class AxiDramPorts::Lane : public AxiDramBytes {
 public:
  Lane(std::vector<uint8_t>& mem, unsigned port, unsigned ports, unsigned port_bytes)
      : mem_(mem), port_(port), ports_(ports), port_bytes_(port_bytes) {}
  void ReadBeat(uint64_t addr, uint8_t* out, unsigned n) override {
    for (unsigned i = 0; i < n; ++i) {
      const uint64_t g = LaneToGlobal(addr + i, port_, ports_, port_bytes_);
      out[i] = g < mem_.size() ? mem_[g] : 0;
    }
  }
  void WriteBeat(uint64_t addr, const uint8_t* data, uint64_t enable, unsigned n) override {
    for (unsigned i = 0; i < n; ++i) {
      const uint64_t g = LaneToGlobal(addr + i, port_, ports_, port_bytes_);
      if ((enable >> i) & 1u && g < mem_.size()) mem_[g] = data[i];
    }
  }

 private:
  std::vector<uint8_t>& mem_;
  unsigned port_, ports_, port_bytes_;
};

AxiDramPorts::AxiDramPorts(std::vector<uint8_t>& mem, unsigned port_bytes, unsigned ports,
                           AxiDram::Options opts, AxiPortOptions per_port) {
  if (ports == 0 || ports > 16 || (ports & (ports - 1)) != 0) {
    throw std::invalid_argument("AxiDramPorts: ports must be 1, 2, 4, 8 or 16");
  }
  if (ports == 1) {
    ports_.push_back(std::make_unique<AxiDram>(mem, port_bytes, opts));
    return;
  }
  const uint64_t wide = uint64_t{ports} * port_bytes;
  const uint64_t size = (mem.size() + wide - 1) / wide * port_bytes;  // each port's share
  for (unsigned p = 0; p < ports; ++p) {
    AxiDram::Options o = opts;
    o.seed = opts.seed + p;
    o.read_latency += p * per_port.latency_step;
    o.write_latency += p * per_port.latency_step;
    if (per_port.error_port >= 0 && static_cast<unsigned>(per_port.error_port) != p) {
      o.error_lo = o.error_hi = 0;
    } else if (opts.error_lo < opts.error_hi) {
      o.error_lo = opts.error_lo / wide * port_bytes;
      o.error_hi = (opts.error_hi + wide - 1) / wide * port_bytes;
    }
    lanes_.push_back(std::make_unique<Lane>(mem, p, ports, port_bytes));
    ports_.push_back(std::make_unique<AxiDram>(*lanes_.back(), size, port_bytes, o));
  }
}

AxiDramPorts::AxiDramPorts(AxiDramBytes& bytes, uint64_t size, unsigned port_bytes,
                           AxiDram::Options opts) {
  ports_.push_back(std::make_unique<AxiDram>(bytes, size, port_bytes, opts));
}

AxiDramPorts::~AxiDramPorts() = default;

void AxiDramPorts::ResetProtocol() {
  for (auto& d : ports_) d->ResetProtocol();
}

void AxiDramPorts::RestartRandom() {
  for (auto& d : ports_) d->RestartRandom();
}

void AxiDramPorts::ClearStats() {
  for (auto& d : ports_) d->ClearStats();
}

AxiDram::Stats AxiDramPorts::stats() const {
  AxiDram::Stats t;
  for (const auto& d : ports_) {
    const AxiDram::Stats& s = d->stats();
    t.read_beats += s.read_beats;
    t.write_beats += s.write_beats;
    t.read_bursts += s.read_bursts;
    t.write_bursts += s.write_bursts;
    t.max_reads_in_flight = std::max(t.max_reads_in_flight, s.max_reads_in_flight);
    t.max_writes_in_flight = std::max(t.max_writes_in_flight, s.max_writes_in_flight);
    t.violations += s.violations;
  }
  return t;
}

std::vector<std::string> AxiDramPorts::violations() const {
  std::vector<std::string> v;
  for (size_t p = 0; p < ports_.size(); ++p) {
    for (const std::string& s : ports_[p]->violations()) {
      v.push_back(ports_.size() > 1 ? "port " + std::to_string(p) + ": " + s : s);
    }
  }
  return v;
}

bool AxiDramPorts::busy() const {
  return std::any_of(ports_.begin(), ports_.end(), [](const auto& d) { return d->busy(); });
}

}  // namespace salsa
