// Verilator harness: runs one fully connected layer (or a layer file's GEMMs) on the generated
// salsa_top and compares the result bit-exactly with the software reference. Built once per
// generated configuration with that configuration's Vsalsa_top and salsa_params.h.
//
// Exit codes: 0 pass; 1 mismatch, hardware error, timeout or AXI protocol violation; 2 bad input.
//
// The pieces: options.h (command line), run_job.h (the GEMMs to run and one GEMM's run),
// bench.h and axi_port.h (the simulation controller and the AXI/CSR port glue), checks.h
// (comparisons, counters, faults), report.h and json_report.h (the text report and --json).
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench.h"
#include "checks.h"
#include "json_report.h"
#include "options.h"
#include "report.h"
#include "run_job.h"
#include "salsa/layer_lower.h"
#include "salsa/npy.h"
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
  try {
    setup = sh::SetUpRun(opts, hw);
  } catch (const sh::BadInput& e) {
    std::cerr << "salsa_harness: " << e.what() << "\n";
    return sh::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "salsa_harness: " << (opts.layer.empty() ? "layer" : opts.layer)
              << " cannot run on config " << salsa_params::kName << ": " << e.what() << "\n";
    return sh::kExitBadInput;
  }
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

  // Totals over the GEMMs; the layer's own output is assembled and compared in full.
  sh::Totals t = sh::SumResults(jobs, results);
  sh::Outcome& total = t.r;
  const salsa::FcLayer& shown = jobs.front().fc;
  const bool fp8 = sh::IsFp8Layer(shown);
  std::vector<int8_t> layer_out;
  std::vector<uint32_t> layer_out_fp;  // FP8 layers
  if (!opts.layer.empty() && results.size() == jobs.size() && total.error.empty()) {
    if (fp8) {
      std::vector<std::vector<uint32_t>> outs;
      for (const auto& jr : results) outs.push_back(jr.out_fp);
      layer_out_fp = salsa::AssembleOutputFp(setup.gemms, outs,
                                             static_cast<int64_t>(setup.layer_golden_fp.size()));
      sh::CompareTensorFp("reference", shown.out_fmt, setup.layer_golden_fp, layer_out_fp, &total);
      if (!setup.layer_expected_fp.empty()) {
        sh::CompareTensorFp(opts.expected, shown.out_fmt, setup.layer_expected_fp, layer_out_fp,
                            &total);
      }
    } else {
      std::vector<std::vector<int8_t>> outs;
      for (const auto& jr : results) outs.push_back(jr.out);
      layer_out =
          salsa::AssembleOutput(setup.gemms, outs, static_cast<int64_t>(setup.layer_golden.size()));
      sh::CompareTensor("reference", setup.layer_golden, layer_out, &total);
      if (!setup.layer_expected.empty())
        sh::CompareTensor(opts.expected, setup.layer_expected, layer_out, &total);
    }
  }
  if (!opts.out.empty()) {
    if (opts.layer.empty() && !results.empty()) {
      if (layer_out.empty()) layer_out = results[0].out;
      if (layer_out_fp.empty()) layer_out_fp = results[0].out_fp;
    }
    if (!layer_out.empty() || !layer_out_fp.empty()) {
      const std::vector<int64_t> shape =
          opts.layer.empty() ? std::vector<int64_t>{shown.M, shown.N} : setup.spec.output_shape;
      try {
        salsa::WriteNpy(opts.out, fp8 ? salsa::FpOutputToNpy({shape, layer_out_fp}, shown.out_fmt)
                                      : salsa::NpyArray::FromInt8(shape, layer_out));
      } catch (const std::exception& e) {
        total.Fail(std::string("--out ") + e.what());
      }
    }
  }

  if (!opts.quiet) {
    sh::PrintReport(opts, shown, results.front().prog, t.stats, t.violations, total, jobs.size(),
                    t.macs);
  }
  if (opts.json) {
    sh::PrintJson(opts, shown, t.stats, total, jobs.size(), t.macs,
                  sh::MeasureRun(opts, jobs, results, setup.spec));
  }
  return total.error.empty() ? sh::kExitPass : sh::kExitFail;
}
