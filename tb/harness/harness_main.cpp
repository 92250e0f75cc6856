// Verilator harness: runs one fully connected layer (or a layer file's GEMMs) on the generated
// salsa_top and compares the result bit-exactly with the software reference. Built once per
// generated configuration with that configuration's Vsalsa_top and salsa_params.h.
//
// Exit codes: 0 pass; 1 mismatch, hardware error, timeout or AXI protocol violation; 2 bad input.
//
// The pieces: options.h (command line), run_job.h (the GEMMs to run and one GEMM's run),
// bench.h and axi_port.h (the simulation controller and the AXI/CSR port glue), checks.h
// (comparisons, counters, faults), finish_run.h (the layer's output, the text report and --json).
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench.h"
#include "checks.h"
#include "finish_run.h"
#include "options.h"
#include "run_job.h"
#include "salsa_params.h"
#if defined(VM_COVERAGE) && VM_COVERAGE
#include "verilated_cov.h"
#endif

namespace sh = salsa::harness;

int main(int argc, char** argv) {
  sh::Options opts;
  if (const auto code = sh::ParseArgs(argc, argv, &opts)) return *code;

  // Software side: the GEMMs to run and their golden outputs.
  const salsa::HwParams hw = sh::ParamsFromConfig();
  sh::Setup setup;
  if (const auto code = sh::SetUpRunOrReport(opts, hw, &setup)) return *code;
  const std::vector<sh::Job>& jobs = setup.jobs;

  // Hardware side: every GEMM on one model, in order.
  auto contextp = std::make_unique<VerilatedContext>();
  contextp->commandArgs(argc, argv);
  if (!opts.trace.empty()) contextp->traceEverOn(true);
  auto top = std::make_unique<Vsalsa_top>(contextp.get(), "TOP");
  std::vector<sh::JobResult> results;
  {
    sh::Bench bench(contextp.get(), top.get());
    if (!opts.trace.empty() && !bench.sim.OpenTrace(opts.trace)) {
      std::cerr << "salsa_harness: --trace " << opts.trace << ": cannot open for writing\n";
      return sh::kExitBadInput;
    }
    for (const sh::Job& j : jobs) {
      results.push_back(sh::RunJob(opts, hw, j, &bench));
      if (!results.back().r.error.empty()) break;  // the first failing GEMM is the one to debug
    }
    top->final();
  }
#if defined(VM_COVERAGE) && VM_COVERAGE
  // Also after a failing run: the regression merges what every run reached.
  if (!opts.coverage_out.empty()) contextp->coveragep()->write(opts.coverage_out.c_str());
#endif

  return sh::FinishRun(opts, setup, results);
}
