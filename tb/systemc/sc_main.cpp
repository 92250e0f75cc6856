// SystemC harness: the C++ harness (tb/harness) with its model verilated with --sc and its DRAM a
// TLM-2.0 target behind a pin-level AXI adapter. The same options, layer setup, checks, report
// and exit codes (0 pass; 1 mismatch, hardware error, timeout or AXI protocol violation; 2 bad
// input), and the same cycle counts for the same DRAM timing and seed.
//
// The pieces: sc_bench.h (the platform), sc_run_job.h (one GEMM's run), axi_pin_adapter.h,
// dram_target.h and csr_master.h; options, setup, checks and reports are tb/harness's.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "finish_run.h"
#include "options.h"
#include "run_job.h"
#include "sc_bench.h"
#include "sc_run_job.h"

namespace sh = salsa::harness;

namespace {

// Runs every GEMM in order on the platform, then stops the simulation.
struct Runner : sc_core::sc_module {
  SC_HAS_PROCESS(Runner);
  Runner(sc_core::sc_module_name name, const sh::Options& opts, const salsa::HwParams& hw,
         const std::vector<sh::Job>& jobs, salsa::sc::ScBench& bench)
      : sc_core::sc_module(name), opts_(opts), hw_(hw), jobs_(jobs), bench_(bench) {
    SC_THREAD(Run);
  }

  std::vector<sh::JobResult> results;

 private:
  void Run() {
    // Start just after a rising edge, once the processes it clocks have run.
    wait(bench_.clk.posedge_event());
    wait(sc_core::SC_ZERO_TIME);
    for (const sh::Job& j : jobs_) {
      results.push_back(salsa::sc::RunScJob(opts_, hw_, j, &bench_));
      if (!results.back().r.error.empty()) break;  // the first failing GEMM is the one to debug
    }
    sc_core::sc_stop();
  }

  const sh::Options& opts_;
  const salsa::HwParams& hw_;
  const std::vector<sh::Job>& jobs_;
  salsa::sc::ScBench& bench_;
};

// SystemC's reports go to stderr (stdout carries the report and --json); info ones not at all.
void ReportToStderr(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (actions & sc_core::SC_DISPLAY) {
    std::cerr << sc_core::sc_report_compose_message(rep) << "\n";
  }
  sc_core::sc_report_handler::default_handler(rep, actions & ~sc_core::SC_DISPLAY);
}

}  // namespace

int sc_main(int argc, char** argv) {
  sc_core::sc_report_handler::set_handler(ReportToStderr);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sh::Options opts;
  if (const auto code = sh::ParseArgs(argc, argv, &opts)) return *code;
  // --trace: ParseArgs refuses it (exit 2), the model is verilated without trace code.
  if (opts.flip_bits != 0) {
    std::cerr << "salsa_harness: --flip-bits: the SystemC harness does not inject SRAM faults; "
                 "accepted: --flip-bits with the C++ harness (salsa run without --systemc)\n";
    return sh::kExitBadInput;
  }

  // Software side: the GEMMs to run and their golden outputs.
  const salsa::HwParams hw = sh::ParamsFromConfig();
  sh::Setup setup;
  if (const auto code = sh::SetUpRunOrReport(opts, hw, &setup)) return *code;

  // Hardware side: every GEMM on one platform, in order.
  Verilated::commandArgs(argc, argv);
  salsa::sc::ScBench bench("bench", opts.mem_latency);
  Runner runner("runner", opts, hw, setup.jobs, bench);
  sc_core::sc_start();
  bench.top.final();
  return sh::FinishRun(opts, setup, runner.results);
}

// SystemC's own main prints a banner on stdout; this one turns it off first.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
