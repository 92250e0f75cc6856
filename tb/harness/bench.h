// The harness's simulation bench: one controller driving the generated Vsalsa_top (this config's)
// with its AXI4 master port and its CSR port as hooks.
#pragma once

#include <memory>
#include <vector>

#include "axi_port.h"
#include "axil_checker.h"
#include "sram_faults.h"

// Verilator's headers are not -Wextra clean; keep their warnings out of the harness build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vsalsa_top.h"
#pragma GCC diagnostic pop

#include "salsa_params.h"

namespace salsa::harness {

// A one-port build's salsa_params.h has no port list: its port is m_axi_*.
#ifndef SALSA_AXI_PORTS
#define SALSA_AXI_PORTS(X) X(m_axi_)
#endif

// The hooks run in this order: the DRAM ports (one per AXI master port, in port order), then the
// CSR port, then its AXI4-Lite checker. Attach a DRAM model to each of `mem` before resetting; the
// VerilatedContext and the model stay owned by the caller.
struct Bench {
  Bench(VerilatedContext* ctx, Vsalsa_top* top) : sim(ctx, top), csr(sim), csr_check(top) {
    const unsigned port_bytes = salsa_params::kBusBytes / kPorts;
#define SALSA_BENCH_ADD_PORT(prefix)                                      \
  mem.push_back(std::make_unique<AxiMemPort<Vsalsa_top>>(top, port_bytes, \
                                                         SALSA_AXI_PORT_IO(Vsalsa_top, prefix)));
    SALSA_AXI_PORTS(SALSA_BENCH_ADD_PORT)
#undef SALSA_BENCH_ADD_PORT
    for (auto& m : mem) sim.AddHook(m.get());
    sim.AddHook(&csr);
    sim.AddHook(&csr_check);
  }
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  static constexpr unsigned kPorts = 0
#define SALSA_BENCH_COUNT_PORT(prefix) +1
      SALSA_AXI_PORTS(SALSA_BENCH_COUNT_PORT);
#undef SALSA_BENCH_COUNT_PORT

  SimCtrl<Vsalsa_top> sim;
  std::vector<std::unique_ptr<AxiMemPort<Vsalsa_top>>> mem;
  CsrPort<Vsalsa_top> csr;
  AxiLiteChecker<Vsalsa_top> csr_check;  // the CSR port's protocol, in every run

  // --flip-bits: the SRAM fault injector, made and hooked on first use (it needs the model's
  // public banks: sram.ecc builds); flip_runs numbers the GEMMs it was armed for.
  SramFaults& SramFaultHook() {
    if (!flips_) {
      flips_ = std::make_unique<SramFaults>(sim.context());
      sim.AddHook(flips_.get());
    }
    return *flips_;
  }
  uint64_t flip_runs = 0;

 private:
  std::unique_ptr<SramFaults> flips_;
};

}  // namespace salsa::harness
