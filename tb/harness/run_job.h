// Harness runs: the GEMMs to run with their golden outputs, one GEMM's run on the Verilated model
// (with its checks), and the totals over the GEMMs. Everything but RunJob (run_job.cpp) is
// Verilator-independent (run_setup.cpp) and shared with the SystemC harness (tb/systemc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks.h"
#include "options.h"
#include "salsa/axi_dram_ports.h"
#include "salsa/driver.h"
#include "salsa/hw_params.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_spec.h"

namespace salsa::harness {

struct Bench;  // bench.h

// The hardware parameters of this build's configuration (salsa_params.h).
salsa::HwParams ParamsFromConfig();

// One GEMM to run on the model: the layer and its bit-exact golden output (FP8 layers:
// golden_fp, the output elements widened to 32 bits; golden stays empty).
struct Job {
  salsa::FcLayer fc;
  std::vector<int8_t> golden;
  std::vector<uint32_t> golden_fp;
};

// The software side of a run: the GEMMs to run and, for --layer, the spec, its lowered GEMMs and
// the layer's golden (and --expected) output tensor.
struct Setup {
  std::vector<Job> jobs;
  salsa::LayerSpec spec;
  std::vector<salsa::LoweredGemm> gemms;
  std::vector<int8_t> layer_golden, layer_expected;
  std::vector<uint32_t> layer_golden_fp, layer_expected_fp;  // FP8 layer files
};

// Throws BadInput for a bad --shape or --vector or a --precision the configuration does not build,
// another std::exception when the layer cannot be read or does not fit the configuration.
Setup SetUpRun(const Options& o, const salsa::HwParams& hw);
// SetUpRun for a harness's main: on bad input or a layer that cannot run, one line on stderr and
// the exit code (kExitBadInput); nothing otherwise.
std::optional<int> SetUpRunOrReport(const Options& o, const salsa::HwParams& hw, Setup* setup);

// What one run of a program on the model produced.
struct JobResult {
  Outcome r;
  double sim_seconds = 0;  // wall clock in RunOnModel
  salsa::Program prog;
  salsa::AxiDram::Stats dram;
  std::vector<std::string> violations;
  std::vector<int8_t> out;
  std::vector<uint32_t> out_fp;  // FP8 layers: ReadOutputFp's elements
};

// A GEMM's run, before it runs: its program (checked on the functional model first, into r), the
// cycle budget, the DRAM image and the DRAM model's options (with --fault injected).
struct JobPlan {
  salsa::Program prog;
  uint64_t timeout = 0;
  uint64_t min_cycles = 0;  // the functional model's bus beats: the run takes at least this long
  std::vector<uint8_t> mem;
  salsa::AxiDram::Options dram;
  salsa::AxiPortOptions ports;  // per-port latency skew, the faulted port
  Fault fault;
};
JobPlan PlanJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Outcome* r);

// After the plan ran with `dram` over `mem` (the DRAM's bytes): reads the output, compares it (or
// checks the injected fault) and the counters, and keeps the program and the DRAM's statistics.
void FinishJob(const Options& opts, const Job& job, JobPlan&& plan, const std::vector<uint8_t>& mem,
               const salsa::AxiDramPorts& dram, JobResult* jr);

// Runs one GEMM on the bench's model (reset first) with a fresh DRAM model, and checks it.
JobResult RunJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Bench* bench);

// Totals over the GEMMs that ran (results[i] ran jobs[i]); failures get a "GEMM i: " prefix when
// the layer has several GEMMs.
struct Totals {
  Outcome r;
  salsa::AxiDram::Stats stats{};
  std::vector<std::string> violations;
  uint64_t macs = 0;
};
Totals SumResults(const std::vector<Job>& jobs, const std::vector<JobResult>& results);

}  // namespace salsa::harness
