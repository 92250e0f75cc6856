// The SystemC harness's platform: a clock, the Verilated SystemC salsa_top (this configuration's),
// the DRAM (AXI pin adapter + TLM-2.0 target) and the CSR master, wired together.
#pragma once

#include <memory>
#include <systemc>

// Verilator's headers are not -Wextra clean; keep their warnings out of the harness build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vsalsa_top.h"
#pragma GCC diagnostic pop

#include "axi_pin_adapter.h"
#include "csr_master.h"
#include "dram_target.h"
#include "salsa_params.h"

#ifdef SALSA_AXI_PORTS
#error "the SystemC harness drives one AXI4 master port (m_axi_*); this config has axi.ports > 1"
#endif

namespace salsa::sc {

// One clock cycle of the harness: 1 ns (the target's latency annotation is in these units).
inline sc_core::sc_time ClockPeriod() { return sc_core::sc_time(1, sc_core::SC_NS); }

struct ScBench : sc_core::sc_module {
  sc_core::sc_clock clk;
  sc_core::sc_signal<bool> rst_n, irq;
  Vsalsa_top top;
  AxiPinAdapter<Vsalsa_top> axi;
  DramTarget dram;
  CsrMaster csr;

  // The DRAM's size is set per run (dram.bytes()); `latency_cycles` is what the target annotates.
  ScBench(sc_core::sc_module_name name, unsigned latency_cycles)
      : sc_core::sc_module(name),
        clk("clk", ClockPeriod()),
        rst_n("rst_n", true),
        irq("irq"),
        top("salsa_top"),
        axi("axi", salsa_params::kBusBytes),
        dram("dram", 0, latency_cycles * ClockPeriod()),
        csr("csr") {
    top.clk_i(clk);
    top.rst_ni(rst_n);
    top.irq_o(irq);
    axi.Connect(top);
    axi.clk(clk);
    axi.rst_n(rst_n);
    axi.socket.bind(dram.socket);
    csr.Connect(top);
    csr.clk(clk);
  }
};

}  // namespace salsa::sc
