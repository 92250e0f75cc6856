// The sparsity benchmark of `salsa bench` (issue 5, docs/benchmarks.md#sparsity): the suite run on
// presets with sparsity.zero_skip, the ratios to the dense run, the target checks, and the
// Markdown section, CSV/JSON fields and speedup plot (bench/sparsity.svg). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_model.h"
#include "bench/bench_report.h"

namespace salsa::bench {

// ---- the suite ----------------------------------------------------------------------------------

struct SparsityCase {
  BenchCase shape;  // a GEMM case (not conv)
  SparsityRun run;  // in_suite = true
};

// Per preset with zero_skip and per latency: the GEMV 1x4096x4096 (quick: 1x512x512) dense
// reference (zero fraction 0, --zero-skip off), then zero fractions 0, 0.25, 0.5, 0.75, 0.9
// (uniform) with --zero-skip on; the prefill GEMM 256x512x512 (quick: 64x256x64) dense reference,
// 0 on, 0.5 uniform off and on, 0.5 clustered on.
std::vector<SparsityCase> SparsitySuite(bool quick);

// Per preset with 2:4 hardware and per latency: GEMM 512x512x512 and GEMV 1x4096x4096 (quick:
// 64x256x64, 1x512x512) with 2:4-pruned weights, --structured off (dense reference) and on.
std::vector<SparsityCase> Structured24Suite(bool quick);

// The zero fractions of the GEMV curve.
const std::vector<double>& SparsityGemvZeroFractions();

// The harness arguments of a run: --sparsity Z --sparsity-pattern P --zero-skip on|off.
std::vector<std::string> SparsityHarnessArgs(const SparsityRun& s);

// "50% uniform, zero-skip on" (progress lines, failure lists).
std::string SparsityLabel(const SparsityRun& s);
// Whether the run's activation pattern is `p` (no pattern is "uniform").
bool IsPattern(const SparsityRun& s, const std::string& p);
// 100·v as a whole percentage ("50%").
std::string Percent0(double v);

// Reads the zero-skip fields of the harness JSON into r: skipped_steps and skipped_wgt_bytes
// (counts), zero_skip (bool, the tiler that ran; if absent, r->sparsity.zero_skip for suite runs),
// act_zero_fraction (number, optional). A missing counter is 0 when the preset has no zero_skip
// hardware (`hw_zero_skip` false); with zero_skip hardware it throws std::invalid_argument naming
// the field, as does a mistyped one.
void FillZeroSkipFields(const nlohmann::json& j, bool hw_zero_skip, CaseResult* r);

// ---- ratios -------------------------------------------------------------------------------------

struct SparsityRatios {
  bool valid = false;  // a dense reference with nonzero cycles and bytes, and the run has cycles
  uint64_t dense_cycles = 0, dense_dram_bytes = 0;
  double cycles_ratio = 0;  // cycles / dense cycles
  double dram_ratio = 0;    // DRAM bytes moved (read + write) / the dense run's
  double speedup = 0;       // dense cycles / cycles
};
SparsityRatios ComputeSparsityRatios(const CaseResult& run, const CaseResult& dense);

// The dense reference of a suite run in `results`: same preset, latency and case name, with
// sparsity.dense_reference. nullptr for main-suite runs or when it is missing.
const CaseResult* FindDenseReference(const CaseResult& run, const std::vector<CaseResult>& results);

// FindDenseReference + ComputeSparsityRatios (invalid when there is no reference).
SparsityRatios RatiosFor(const CaseResult& run, const std::vector<CaseResult>& results);

// ---- targets ------------------------------------------------------------------------------------

// Thresholds of issue 5.
constexpr double kSkip50CyclesMax = 0.55, kSkip50DramMax = 0.55, kSkip90CyclesMax = 0.15;
constexpr double k2of4GemmCyclesMax = 0.55, k2of4GemvDramMax = 0.65;

// For every preset in meta with zero_skip: the GEMV at 50% uniform zeros, zero-skip on, latency
// 100 (cycles and DRAM bytes each <= 0.55x dense) and at 90% (cycles <= 0.15x dense); met only if
// the run and its dense reference pass. Rows whose run is missing (latency 100 not selected) say
// so in not_run. Then, for every preset with 2:4 hardware, the 2:4 GEMM (cycles <= 0.55x the
// dense tiler's on the same pruned weights) and GEMV (DRAM bytes <= 0.65x) at latency 100.
std::vector<TargetCheck> CheckSparsityTargets(const BenchMeta& meta,
                                              const std::vector<CaseResult>& results);

// ---- output -------------------------------------------------------------------------------------

// The columns added at the end of benchmarks.csv, for every row (main-suite rows: suite "main",
// the sparsity columns empty, the counters filled).
std::string SparsityCsvHeader();  // "suite,zero_fraction,...", no leading or trailing comma
std::vector<std::string> SparsityCsvFields(const CaseResult& r,
                                           const std::vector<CaseResult>& results);

// Fields added to a result's JSON object: suite, skipped_steps, skipped_wgt_bytes, zero_skip_ran,
// act_zero_fraction, and "sparsity" (null for main-suite runs).
void AddSparsityJson(const CaseResult& r, const std::vector<CaseResult>& results,
                     nlohmann::json* obj);

// The "Sparsity" section of benchmarks.md: targets, the plot, the table of every suite run.
std::string SparsityMarkdown(const BenchMeta& meta, const std::vector<CaseResult>& results,
                             const std::vector<TargetCheck>& targets, const std::string& svg_path);

// Speedup (dense cycles / cycles) against density (1 - zero fraction) of the GEMV runs with
// zero-skip on: one line per preset and latency, one circle per run, the ideal 1/density dashed.
std::string SparsitySvg(const BenchMeta& meta, const std::vector<CaseResult>& results);

}  // namespace salsa::bench
