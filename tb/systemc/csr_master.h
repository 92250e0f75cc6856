// AXI4-Lite master for salsa_top's s_axil_* CSR port, with blocking accesses for an SC_THREAD.
//
// The same cycle behaviour as the C++ harness's CsrPort (tb/harness/axi_port.h): a write offers AW
// and W together and drops each valid after its handshake, then waits for B with BREADY high; a
// read offers AR, then waits for R with RREADY high. Handshakes are sampled at the rising edge
// (the values before it), new pin values are written just after it. Errors are thrown as
// std::runtime_error: a response other than OKAY, or no handshake within kTimeout cycles.
#pragma once

#include <cstdint>
#include <systemc>

namespace salsa::sc {

// clang-format off
// The s_axil_* pins of salsa_top: its inputs, driven by the master ...
#define SALSA_AXIL_MASTER_PINS(X)                                                    \
  X(awaddr) X(awprot) X(awvalid) X(wdata) X(wstrb) X(wvalid) X(bready) X(araddr)    \
  X(arprot) X(arvalid) X(rready)
// ... and its outputs.
#define SALSA_AXIL_SLAVE_PINS(X)                                                     \
  X(awready) X(wready) X(bresp) X(bvalid) X(arready) X(rdata) X(rresp) X(rvalid)
// clang-format on

class CsrMaster : public sc_core::sc_module {
 public:
  static constexpr unsigned kTimeout = 1000;

  sc_core::sc_in<bool> clk;
  // The pins (salsa_top's s_axil_*: 1-bit ones bool, the others up to 32 bits).
  sc_core::sc_signal<uint32_t> awaddr, awprot;
  sc_core::sc_signal<bool> awvalid;
  sc_core::sc_signal<uint32_t> wdata, wstrb;
  sc_core::sc_signal<bool> wvalid, bready;
  sc_core::sc_signal<uint32_t> araddr, arprot;
  sc_core::sc_signal<bool> arvalid, rready;
  sc_core::sc_signal<bool> awready, wready;
  sc_core::sc_signal<uint32_t> bresp;
  sc_core::sc_signal<bool> bvalid, arready;
  sc_core::sc_signal<uint32_t> rdata, rresp;
  sc_core::sc_signal<bool> rvalid;

  explicit CsrMaster(sc_core::sc_module_name name);

  // Binds the model's s_axil_* ports to the master's signals.
  template <class Top>
  void Connect(Top& top) {
#define SALSA_AXIL_BIND(p) top.s_axil_##p(p);
    SALSA_AXIL_MASTER_PINS(SALSA_AXIL_BIND)
    SALSA_AXIL_SLAVE_PINS(SALSA_AXIL_BIND)
#undef SALSA_AXIL_BIND
  }

  // From the calling thread, which must be the only one to use the master. Write and Read end a
  // delta cycle after their last rising edge, when every process clocked by it has run.
  void Idle();  // all valids and readies low
  void Write(uint32_t addr, uint32_t data);
  uint32_t Read(uint32_t addr);

 private:
  void Edge() { wait(clk.posedge_event()); }
};

}  // namespace salsa::sc
