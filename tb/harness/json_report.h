// Harness JSON report: the one-line --json summary (counters, roofline, energy-model events).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "checks.h"
#include "options.h"
#include "run_job.h"
#include "salsa/axi_dram.h"
#include "salsa/driver.h"
#include "salsa/layer_spec.h"

namespace salsa::harness {

// What the GEMMs that ran held, and the time spent simulating them.
struct RunData {
  double act_zero_fraction = 0;     // activations equal to their GEMM's input zero point
  double weight_zero_fraction = 0;  // weights equal to 0
  bool weights_2of4 = false;        // --weights-2of4, or a layer file with weights_format: 2of4
  bool zero_skip = false;           // the zero-skip tiler ran (every GEMM's program)
  bool structured = false;          // the 2:4 tiler ran (every GEMM's program)
  bool k_split = false;             // the K-split plan ran (every GEMM's program)
  bool transposed = false;          // the array computed out^T (every GEMM's program)
  std::string plan;                 // the first GEMM's plan (driver.cpp, ChoosePlan)
  unsigned slices = 1;              // its K slices (plan "gemv"; 1 for every other plan)
  nlohmann::json plan_params;       // its tiling (PlanParamsJson)
  double sim_seconds = 0;           // wall clock in the simulation loop (RunOnModel), summed
};

// A program's tiling for --json's plan_params: its output tiles, K steps per chunk and commands,
// and for the conv plans their bands and what stays resident.
nlohmann::json PlanParamsJson(const salsa::Program& p);

// The data and the programs of the GEMMs that ran (results[i] ran jobs[i]).
RunData MeasureRun(const Options& o, const std::vector<Job>& jobs,
                   const std::vector<JobResult>& results, const salsa::LayerSpec& spec);

// Prints the JSON object as one line (the last line of stdout). l: the first GEMM.
void PrintJson(const Options& o, const salsa::FcLayer& l, const salsa::AxiDram::Stats& stats,
               const Outcome& r, size_t gemms, uint64_t macs, const RunData& data);

}  // namespace salsa::harness
