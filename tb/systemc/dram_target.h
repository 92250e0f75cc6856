// The DRAM as a SystemC module: a TLM-2.0 target (blocking transport) over a byte array.
//
// Every transaction reads or writes the array (byte enables honoured, no streaming) and adds the
// access latency to the caller's delay: loosely timed, it never waits. An access outside the array
// answers TLM_ADDRESS_ERROR_RESPONSE, anything but READ/WRITE TLM_COMMAND_ERROR_RESPONSE.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

namespace salsa::sc {

class DramTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramTarget> socket;

  // `latency` is annotated on every transaction.
  DramTarget(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time latency);

  // The bytes, for loading an image and reading results outside simulated time (a backdoor, as
  // a platform's loader has); resizing them changes the memory size.
  std::vector<uint8_t>& bytes() { return bytes_; }
  sc_core::sc_time latency() const { return latency_; }
  uint64_t transactions() const { return transactions_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);
  // Performs the access without timing; false (and the response status set) when it is bad.
  bool Access(tlm::tlm_generic_payload& gp);

  std::vector<uint8_t> bytes_;
  sc_core::sc_time latency_;
  uint64_t transactions_ = 0;
};

}  // namespace salsa::sc
