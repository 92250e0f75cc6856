// The harness's simulation bench: one controller driving the generated Vsalsa_top (this config's)
// with its AXI4 master port and its CSR port as hooks.
#pragma once

#include "axi_port.h"

// Verilator's headers are not -Wextra clean; keep their warnings out of the harness build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vsalsa_top.h"
#pragma GCC diagnostic pop

#include "salsa_params.h"

namespace salsa::harness {

// The hooks run in this order: the DRAM port, then the CSR port. Attach a DRAM model to `mem`
// before resetting; the VerilatedContext and the model stay owned by the caller.
struct Bench {
  Bench(VerilatedContext* ctx, Vsalsa_top* top)
      : sim(ctx, top), mem(top, salsa_params::kBusBytes), csr(sim) {
    sim.AddHook(&mem);
    sim.AddHook(&csr);
  }
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  SimCtrl<Vsalsa_top> sim;
  AxiMemPort<Vsalsa_top> mem;
  CsrPort<Vsalsa_top> csr;
};

}  // namespace salsa::harness
