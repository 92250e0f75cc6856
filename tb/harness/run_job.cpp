// Harness runs on the Verilated C++ model: one GEMM's plan (run_setup.cpp) on the bench.
#include "run_job.h"

#include <chrono>
#include <stdexcept>

#include "bench.h"
#include "run_program.h"
#include "salsa_params.h"

namespace salsa::harness {

using salsa::AxiDram;

namespace {

// The bench as RunProgram drives it.
class BenchControl {
 public:
  explicit BenchControl(Bench& b) : b_(b) {}
  void Reset(unsigned cycles) { b_.sim.Reset(cycles); }
  uint32_t CsrRead(uint32_t addr) { return b_.csr.Read(addr); }
  void CsrWrite(uint32_t addr, uint32_t data) { b_.csr.Write(addr, data); }
  // Clocks until irq_o is high (checked after each cycle, and before the first) or `timeout`
  // cycles passed; returns the cycles.
  uint64_t WaitIrq(uint64_t timeout) {
    Vsalsa_top& top = b_.sim.top();
    const uint64_t start = b_.sim.cycles();
    while (!top.irq_o && b_.sim.cycles() - start < timeout) b_.sim.Tick();
    return b_.sim.cycles() - start;
  }
  bool Irq() { return b_.sim.top().irq_o; }
  void Tick() { b_.sim.Tick(); }

 private:
  Bench& b_;
};

}  // namespace

JobResult RunJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Bench* bench) {
  JobResult jr;
  JobPlan plan = PlanJob(opts, hw, job, &jr.r);
  salsa::AxiDramPorts dram(plan.mem, salsa_params::kBusBytes / Bench::kPorts, Bench::kPorts,
                           plan.dram, plan.ports);
  for (unsigned p = 0; p < Bench::kPorts; ++p) bench->mem[p]->set_dram(&dram.port(p));
  const auto sim_start = std::chrono::steady_clock::now();
  try {
    BenchControl ctl(*bench);
    RunProgram(ctl, dram, plan.prog, plan.timeout, &jr.r, opts.abort_at, opts.reset_at);
  } catch (const std::runtime_error& e) {
    jr.r.Fail(e.what());
  }
  jr.sim_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sim_start).count();
  const std::vector<uint8_t> mem = std::move(plan.mem);
  FinishJob(opts, job, std::move(plan), mem, dram, &jr);
  for (auto& m : bench->mem) m->set_dram(nullptr);
  return jr;
}

}  // namespace salsa::harness
