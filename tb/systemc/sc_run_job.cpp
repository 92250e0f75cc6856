// One GEMM's run on the SystemC platform.
#include "sc_run_job.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#include "run_program.h"

namespace salsa::sc {
namespace {

namespace sh = salsa::harness;

// The platform as RunProgram drives it, from an SC_THREAD: the cycle-level sequence of the C++
// harness's SimCtrl and CsrPort. The thread writes pins just after a rising edge and samples
// outputs at the next one (their values before it), as the C++ harness does between its evals.
class ScControl {
 public:
  explicit ScControl(ScBench& b) : b_(b) {}

  // rst_ni low for `cycles` rising edges (the adapter performs no handshakes then), then four more
  // for salsa_top's reset synchroniser.
  void Reset(unsigned cycles) {
    b_.csr.Idle();
    b_.rst_n.write(false);
    for (unsigned i = 0; i < cycles; ++i) Edge();
    b_.rst_n.write(true);
    for (unsigned i = 0; i < 4; ++i) Edge();
    wait(sc_core::SC_ZERO_TIME);
  }
  uint32_t CsrRead(uint32_t addr) { return b_.csr.Read(addr); }
  void CsrWrite(uint32_t addr, uint32_t data) { b_.csr.Write(addr, data); }
  // irq_o is sampled in the middle of the cycle (at the falling edge), where the C++ harness
  // looks at it after a clock cycle.
  uint64_t WaitIrq(uint64_t timeout) {
    uint64_t n = 0;
    for (;;) {
      wait(b_.clk.negedge_event());
      if (b_.irq.read() || n >= timeout) return n;
      Edge();
      ++n;
    }
  }
  bool Irq() { return b_.irq.read(); }
  void Tick() {
    Edge();
    wait(sc_core::SC_ZERO_TIME);
  }

 private:
  void Edge() { wait(b_.clk.posedge_event()); }
  ScBench& b_;
};

}  // namespace

sh::JobResult RunScJob(const sh::Options& opts, const salsa::HwParams& hw, const sh::Job& job,
                       ScBench* bench) {
  sh::JobResult jr;
  sh::JobPlan plan = sh::PlanJob(opts, hw, job, &jr.r);
  std::vector<uint8_t>& mem = bench->dram.bytes();
  mem = std::move(plan.mem);
  // The timing model schedules the latency the target annotates (the same as --mem-latency).
  plan.dram.read_latency = bench->axi.ProbeLatency(ClockPeriod(), false);
  plan.dram.write_latency = bench->axi.ProbeLatency(ClockPeriod(), true);
  salsa::AxiDramPorts dram(bench->axi, mem.size(), salsa_params::kBusBytes, plan.dram);
  bench->axi.Attach(&dram.port(0));
  const auto sim_start = std::chrono::steady_clock::now();
  try {
    ScControl ctl(*bench);
    sh::RunProgram(ctl, dram, plan.prog, plan.timeout, &jr.r, opts);
  } catch (const std::runtime_error& e) {
    jr.r.Fail(e.what());
  }
  jr.sim_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sim_start).count();
  bench->axi.Attach(nullptr);
  if (!bench->axi.error().empty()) jr.r.Fail(bench->axi.error());
  sh::FinishJob(opts, job, std::move(plan), mem, dram, &jr);
  return jr;
}

}  // namespace salsa::sc
