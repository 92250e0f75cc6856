// The DRAM as a TLM-2.0 target.
#include "dram_target.h"

#include <cstring>

namespace salsa::sc {

DramTarget::DramTarget(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time latency)
    : sc_core::sc_module(name), socket("socket"), bytes_(size, 0), latency_(latency) {
  socket.register_b_transport(this, &DramTarget::b_transport);
  socket.register_transport_dbg(this, &DramTarget::transport_dbg);
}

bool DramTarget::Access(tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  unsigned char* data = gp.get_data_ptr();
  const unsigned char* be = gp.get_byte_enable_ptr();
  const unsigned be_len = gp.get_byte_enable_length();
  if (gp.get_streaming_width() != 0 && gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (addr > bytes_.size() || len > bytes_.size() - addr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (gp.is_read()) {
    if (be == nullptr) {
      std::memcpy(data, &bytes_[addr], len);
    } else {
      for (unsigned i = 0; i < len; ++i) {
        if (be[i % be_len]) data[i] = bytes_[addr + i];
      }
    }
  } else if (gp.is_write()) {
    if (be == nullptr) {
      std::memcpy(&bytes_[addr], data, len);
    } else {
      for (unsigned i = 0; i < len; ++i) {
        if (be[i % be_len]) bytes_[addr + i] = data[i];
      }
    }
  } else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void DramTarget::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  ++transactions_;
  Access(gp);
  delay += latency_;
}

unsigned DramTarget::transport_dbg(tlm::tlm_generic_payload& gp) {
  return Access(gp) ? gp.get_data_length() : 0;
}

}  // namespace salsa::sc
