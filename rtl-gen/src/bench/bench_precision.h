// The precision benchmark of `salsa bench` (issue 14, docs/benchmarks.md#precision-suite): on
// presets that build more than int8, the decode GEMV and the prefill GEMM at every built
// precision, their ratios to the int8 run of the same shape, the targets, and the Markdown
// section and CSV/JSON fields. Pure functions, no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_model.h"
#include "bench/bench_report.h"

namespace salsa::bench {

struct PrecisionCase {
  BenchCase shape;   // a GEMM case
  PrecisionRun run;  // in_suite = true
};

// The `salsa run --precision` spelling of each datapath a preset may build, in suite order.
const std::vector<std::string>& PrecisionNames();

// Per shape (GEMV 1x4096x4096 and GEMM 256x512x512; quick: 1x512x512 and 64x256x64) the int8
// reference, then each of `precisions` (harness spellings, int8 excluded) in PrecisionNames order.
// On a zero-skip preset (`zero_skip_hw`) these run the dense tiler, and the GEMV runs once more
// with the zero-skip tiler (int8 reference first): a W4A8 act word holds two K steps, so it is
// skipped only when both are zero, and the ratio to int8 differs from the dense one.
std::vector<PrecisionCase> PrecisionSuite(bool quick, const std::vector<std::string>& precisions,
                                          bool zero_skip_hw = false);

// The harness arguments of a run: --precision P (and --zero-skip on|off on zero-skip presets).
std::vector<std::string> PrecisionHarnessArgs(const PrecisionRun& p, bool zero_skip_hw = false);

// The int8 reference of a precision-suite run: same preset, latency, case and zero_skip,
// run.reference.
const CaseResult* FindPrecisionReference(const CaseResult& run,
                                         const std::vector<CaseResult>& results);

struct PrecisionRatios {
  bool valid = false;
  uint64_t int8_cycles = 0, int8_dram_bytes = 0;
  double cycles_ratio = 0, dram_ratio = 0;  // run / int8 run
};
PrecisionRatios PrecisionRatiosFor(const CaseResult& run, const std::vector<CaseResult>& results);

// Thresholds of issue 14.
constexpr double kW4a8GemvMax = 0.53, kFp8GemmEfficiency = 0.95, kFp8GemvBus = 0.90;

// For every preset with int4w: the W4A8 GEMV at latency 100, cycles and DRAM bytes each <= 0.53x
// the int8 run; for every FP8 format a preset builds: the compute-bound GEMM's efficiency >= 0.95
// and the GEMV's compulsory bandwidth >= 0.90 of the bus, at latency 100.
std::vector<TargetCheck> CheckPrecisionTargets(const BenchMeta& meta,
                                               const std::vector<CaseResult>& results);

// CSV columns added after the sparsity columns: "precision,int8_cycles,int8_dram_bytes,
// precision_cycles_ratio,precision_dram_ratio" (empty outside the precision suite).
std::string PrecisionCsvHeader();
std::vector<std::string> PrecisionCsvFields(const CaseResult& r,
                                            const std::vector<CaseResult>& results);
// "precision" in a result's JSON object: null outside the suite.
void AddPrecisionJson(const CaseResult& r, const std::vector<CaseResult>& results,
                      nlohmann::json* obj);

// The "Precision suite" section of benchmarks.md ("" when no selected preset builds more than
// int8).
std::string PrecisionMarkdown(const BenchMeta& meta, const std::vector<CaseResult>& results,
                              const std::vector<TargetCheck>& targets);

}  // namespace salsa::bench
