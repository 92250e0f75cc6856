// One GEMM's run on the SystemC platform: the C++ harness's plan, program sequence and checks
// (tb/harness/run_job.h, run_program.h) with the DRAM behind the AXI pin adapter.
#pragma once

#include "run_job.h"
#include "sc_bench.h"

namespace salsa::sc {

// From the harness's SC_THREAD: loads the plan's DRAM image into the target, resets the model,
// runs the program and checks it. Simulated time passes; the platform is idle again after it.
salsa::harness::JobResult RunScJob(const salsa::harness::Options& opts, const salsa::HwParams& hw,
                                   const salsa::harness::Job& job, ScBench* bench);

}  // namespace salsa::sc
