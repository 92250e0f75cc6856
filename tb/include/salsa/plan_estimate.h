// A timing estimate of an output-stationary command list, for choosing between two plans of one
// layer (plan_estimate.cpp has the model). Not a simulation: exact cycles come from the RTL.
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/command.h"
#include "salsa/hw_params.h"

namespace salsa {

// Cycles a conv COMPUTE costs besides its steps (issue and the conv address walk's start):
// measured on default, a stride-2 56x56x32 conv's 784 one-tile COMPUTEs took about 7.9 each.
constexpr uint64_t kComputeStartCycles = 8;

// The same for a plain (GEMM) COMPUTE: the feeder's idle cycle between two and the issue. On
// small_8x8, one 4x4 block of a K-split GEMM 32x4096x32 (128 COMPUTEs of 512 steps) ran in
// 70,156 cycles, estimated 70,158 at 2 and 70,926 at 8.
constexpr uint64_t kGemmComputeStartCycles = 2;

// The DRAM latency (cycles) the estimate assumes when not told (DriverOptions::mem_latency).
constexpr uint64_t kPlanLatency = 100;

// The memory system an estimate assumes: DRAM latency in cycles, and the share of a beat per
// cycle the DRAM delivers (--bw-cap: 0.5 is a beat every other cycle).
struct PlanMemory {
  uint64_t latency = kPlanLatency;
  double bw_cap = 1.0;
};

struct PlanEstimate {
  uint64_t cycles = 0;
  uint64_t bytes = 0;  // DRAM bytes read (commands included) and written, whole beats
};

// Estimated cycles of `cmds` on output-stationary hardware `hw` with memory `mem`.
PlanEstimate EstimateOsCycles(const HwParams& hw, const std::vector<Command>& cmds,
                              const PlanMemory& mem = {});

// Whether plan `a` is the better of two plans of one layer: estimated at least kPlanMargin
// faster, or, when neither is, the one that moves fewer DRAM bytes (ties: `a`).
constexpr double kPlanMargin = 0.02;
bool Better(const PlanEstimate& a, const PlanEstimate& b);

}  // namespace salsa
