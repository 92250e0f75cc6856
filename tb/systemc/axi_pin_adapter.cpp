// The TLM side of the AXI pin adapter: read and write beats as blocking transport.
#include "axi_pin_adapter.h"

#include <algorithm>
#include <cmath>

namespace salsa::sc {

AxiTlmBridge::AxiTlmBridge(sc_core::sc_module_name name)
    : sc_core::sc_module(name), socket("socket") {}

sc_core::sc_time AxiTlmBridge::Transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data,
                                         unsigned n, const uint8_t* enable) {
  gp_.set_command(cmd);
  gp_.set_address(addr);
  gp_.set_data_ptr(data);
  gp_.set_data_length(n);
  gp_.set_streaming_width(n);
  gp_.set_byte_enable_ptr(const_cast<uint8_t*>(enable));
  gp_.set_byte_enable_length(enable ? n : 0);
  gp_.set_dmi_allowed(false);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(gp_, delay);
  ++transactions_;
  if (gp_.is_response_error() && error_.empty()) {
    error_ = std::string("TLM ") + (cmd == tlm::TLM_READ_COMMAND ? "read" : "write") + " of " +
             std::to_string(n) + " bytes at " + std::to_string(addr) + ": " +
             gp_.get_response_string();
  }
  return delay;
}

void AxiTlmBridge::ReadBeat(uint64_t addr, uint8_t* out, unsigned n) {
  Transport(tlm::TLM_READ_COMMAND, addr, out, n, nullptr);
}

void AxiTlmBridge::WriteBeat(uint64_t addr, const uint8_t* data, uint64_t enable, unsigned n) {
  enable_.resize(n);
  for (unsigned i = 0; i < n; ++i) enable_[i] = ((enable >> i) & 1u) ? TLM_BYTE_ENABLED : 0;
  // The target does not keep the pointer past the call; TLM's data pointer is not const.
  Transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t*>(data), n, enable_.data());
}

unsigned AxiTlmBridge::ProbeLatency(sc_core::sc_time period, bool write, uint64_t addr) {
  uint8_t byte = 0;
  sc_core::sc_time delay = Transport(tlm::TLM_READ_COMMAND, addr, &byte, 1, nullptr);
  if (write) delay = Transport(tlm::TLM_WRITE_COMMAND, addr, &byte, 1, nullptr);
  const double cycles = std::ceil(delay / period - 1e-9);
  return static_cast<unsigned>(std::max(1.0, cycles));
}

}  // namespace salsa::sc
