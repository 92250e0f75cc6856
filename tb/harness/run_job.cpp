// Harness runs on the Verilated C++ model: one GEMM's plan (run_setup.cpp) on the bench.
#include "run_job.h"

#include <chrono>
#include <stdexcept>

#include "bench.h"
#include "run_program.h"
#include "salsa_params.h"
#include "sram_faults.h"

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

// --flip-bits: what the harness saw against what the hardware counted and reported.
void CheckFlips(const Options& opts, const SramFaults& f, Outcome* r) {
  namespace c = salsa::contract;
  r->flips_injected = f.flipped().size();
  for (const FlippedWord& w : f.flipped()) r->flips_read += w.reads > 0 ? 1 : 0;
  r->corrupted_reads = f.corrupted_reads();
  const std::string what =
      "--flip-bits " + std::to_string(opts.flip_bits) + (opts.flip_double ? " --double: " : ": ");
  if (r->corrupted_reads == 0) return;  // FinishRun fails a run where none was read
  if (!opts.flip_double) {
    if (r->ecc_corrected != r->corrupted_reads) {
      r->Fail(what + "ECC_CORRECTED " + std::to_string(r->ecc_corrected) +
              ", but the corrupted words were read " + std::to_string(r->corrupted_reads) +
              " times");
    }
    return;
  }
  const auto& fd = f.first_double();
  if (r->err_code != c::ErrCodeOf("ecc_uncorrectable")) {
    r->Fail(what + "a word with two flipped bits was read at cycle " + std::to_string(fd.cycle) +
            ", but ERR_CODE is " + std::to_string(r->err_code) + " (" + ErrName(r->err_code) +
            "), not ecc_uncorrectable");
    return;
  }
  const unsigned spad = (r->ecc_status >> 16) & 0xFF;
  const std::string got = spad < kBuildInfo.num_ecc_spads ? kBuildInfo.ecc_spads[spad] : "?";
  const unsigned addr = r->ecc_status & 0xFFFF;
  for (const auto& [name, a] : fd.words) {
    if (name == got && a == addr) {
      r->ecc_detected = EccStatusText(r->ecc_status) + ", the first corrupted word read (cycle " +
                        std::to_string(fd.cycle) + ")";
      return;
    }
  }
  r->Fail(what + EccStatusText(r->ecc_status) + ", but the first corrupted word read was " +
          fd.words.front().first + " word " + std::to_string(fd.words.front().second) + " (cycle " +
          std::to_string(fd.cycle) + ")");
}

}  // namespace

JobResult RunJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Bench* bench) {
  JobResult jr;
  JobPlan plan = PlanJob(opts, hw, job, &jr.r);
  salsa::AxiDramPorts dram(plan.mem, salsa_params::kBusBytes / Bench::kPorts, Bench::kPorts,
                           plan.dram, plan.ports);
  for (unsigned p = 0; p < Bench::kPorts; ++p) bench->mem[p]->set_dram(&dram.port(p));
  const auto sim_start = std::chrono::steady_clock::now();
  bench->csr_check.Clear();
  try {
    BenchControl ctl(*bench);
    // --flip-bits: the bench's injector, armed per GEMM with a seed of its own.
    SramFaults* flips = opts.flip_bits != 0 ? &bench->SramFaultHook() : nullptr;
    if (flips) {
      flips->Arm(opts.flip_bits, opts.flip_double, plan.min_cycles, opts.seed + bench->flip_runs++);
    }
    RunProgram(ctl, dram, plan.prog, plan.timeout, &jr.r, opts);
    if (flips) {
      flips->Disarm();
      CheckFlips(opts, *flips, &jr.r);
    }
  } catch (const std::runtime_error& e) {
    jr.r.Fail(e.what());
  }
  jr.sim_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sim_start).count();
  const std::vector<uint8_t> mem = std::move(plan.mem);
  FinishJob(opts, job, std::move(plan), mem, dram, &jr);
  // The CSR port's AXI4-Lite checker (axil_checker.h), beside the DRAM model's AXI4 one.
  const AxiLiteChecker<Vsalsa_top>& lite = bench->csr_check;
  if (lite.count() != 0) {
    jr.r.Fail(
        std::to_string(lite.count()) +
        " AXI4-Lite protocol violation(s) on the CSR port, first: " + lite.violations().front());
    jr.violations.insert(jr.violations.end(), lite.violations().begin(), lite.violations().end());
  }
  for (auto& m : bench->mem) m->set_dram(nullptr);
  return jr;
}

}  // namespace salsa::harness
