// A timing estimate of an output-stationary command list, for choosing between two plans of one
// layer (plan_estimate.cpp has the model). Not a simulation: exact cycles come from the RTL.
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/command.h"
#include "salsa/hw_params.h"

namespace salsa {

// Cycles a COMPUTE costs besides its steps: the feeder's idle cycle between two COMPUTEs (conv
// or not), measured on small_8x8 (a K-split GEMM's 512-step COMPUTEs and a stride-2 conv's
// phase COMPUTEs of 32 to 128 steps start one cycle after the one before ends). The 8 cycles
// measured before on a conv's one-tile COMPUTEs were the command FIFO running dry behind LOAD
// data, which the estimate now times.
constexpr uint64_t kComputeStartCycles = 1;

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
