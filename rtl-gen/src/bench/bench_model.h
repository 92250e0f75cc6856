// The pure parts of `salsa bench` (docs/benchmarks.md): the suite, the roofline, the energy model,
// the parsing of one harness JSON line and the checks against the performance targets. No I/O.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace salsa::bench {

// ---- the suite ----------------------------------------------------------------------------------

// One benchmark case: a random GEMM the harness generates (--shape MxKxN), or a conv2d layer file
// that `salsa bench` writes (3x3 kernel, stride 1, SAME padding, batch 1, NHWC).
struct BenchCase {
  std::string name;         // "gemv_1x4096x4096", "conv3x3_56x56x64_64"
  std::string kind;         // "decode", "batched decode", "prefill", "conv"
  int M = 0, K = 0, N = 0;  // GEMM cases
  bool conv = false;
  int conv_h = 0, conv_w = 0, conv_c = 0, conv_out = 0, conv_k = 3;

  // The GEMM the array runs: the shape, or the conv's im2col GEMM (M = H*W, K = k*k*C, N = out).
  uint64_t GemmM() const;
  uint64_t GemmK() const;
  uint64_t GemmN() const;
  std::string Describe() const;  // "GEMV 1×4096×4096", "conv2d 3×3 56×56×64 → 64"
};

// A GEMM case "gemv_MxKxN" (M = 1) or "gemm_MxKxN" of the given kind.
BenchCase GemmCase(const std::string& kind, int M, int K, int N);

// The suite (quick = false) or a small one that runs in seconds (quick = true).
std::vector<BenchCase> Suite(bool quick);

// "a,b,c" split at commas (whitespace around items trimmed; empty items kept as "").
std::vector<std::string> SplitList(const std::string& s);

// --latencies: comma-separated integers 0..kMaxLatency. Throws std::invalid_argument with a
// one-line message naming the flag and what is accepted.
constexpr unsigned kMaxLatency = 100000;
std::vector<unsigned> ParseLatencies(const std::string& s);

// --presets: comma-separated names, each one of `available`. Throws std::invalid_argument (one line
// naming the flag and the accepted names). Duplicates are an error too.
std::vector<std::string> ParsePresets(const std::string& s,
                                      const std::vector<std::string>& available);

// ---- roofline
// -------------------------------------------------------------------------------------

// Compulsory DRAM bytes of one GEMM: int8 input M*K, int8 weights N*K, int8 output M*N and the
// int32 bias 4*N (when the layer has one), each moved exactly once.
uint64_t CompulsoryBytes(uint64_t M, uint64_t K, uint64_t N, bool bias);

struct Roofline {
  double compute_cycles = 0;  // MACs / (rows * cols)
  double memory_cycles = 0;   // compulsory bytes / bus bytes per cycle
  double bound = 0;           // the larger of the two: no schedule can take fewer cycles
  bool memory_bound = false;  // memory_cycles > compute_cycles
};
Roofline ComputeRoofline(uint64_t macs, uint64_t compulsory_bytes, unsigned rows, unsigned cols,
                         unsigned bus_bytes);

// The roof of the plot: attainable MACs per cycle at arithmetic intensity `macs_per_byte`,
// min(rows * cols, bus_bytes * macs_per_byte).
double RoofMacsPerCycle(double macs_per_byte, unsigned rows, unsigned cols, unsigned bus_bytes);

// ---- energy model
// ---------------------------------------------------------------------------------

// Per-event energies in pJ, 45 nm, from M. Horowitz, "Computing's energy problem (and what we can
// do about it)", ISSCC 2014. A model, not a measurement.
struct EnergyTable {
  double mul8 = 0.2;     // 8-bit integer multiply
  double add8 = 0.03;    // 8-bit integer add
  double add32 = 0.1;    // 32-bit integer add
  double mul32 = 3.1;    // 32-bit integer multiply
  double sram_8k = 10;   // 64-bit access of an 8 KB SRAM
  double sram_32k = 20;  // ... 32 KB
  double sram_1m = 100;  // ... 1 MB
  double dram = 1300;    // 64-bit DRAM access: the low end of the paper's 1.3-2.6 nJ
  // FP8 COMPUTEs (precision fp8_e4m3/fp8_e5m2). fp32_add is the paper's 32-bit FP add. The
  // paper has no FP8 multiply: 0.2 is its 8-bit integer multiply, which bounds a 4x4-bit
  // significand product plus a 5-bit exponent add and a 3-bit normalisation (scaling its 16-bit
  // FP multiply, 1.1 pJ with 11x11-bit significands, by the array area (4/11)^2 gives 0.15).
  double fp8_mul = 0.2;   // FP8 multiply (E4M3 or E5M2, exact FP32 product)
  double fp32_add = 0.9;  // 32-bit floating-point add (the PE's FP32 accumulation)
};

// pJ per 64-bit access of one SRAM bank of `bank_bytes`: the smallest tabulated size that holds
// it (<= 8 KB, <= 32 KB, else the 1 MB figure).
double SramPjPer64(uint64_t bank_bytes, const EnergyTable& t = {});

// The event counts of one run (harness JSON: counters and "events") and the sizes they need.
struct EnergyEvents {
  uint64_t macs = 0;            // useful multiply-accumulates, sum of M*K*N
  uint64_t mac_active = 0;      // K steps fed into the array (counter)
  uint64_t gated_operands = 0;  // activation operands equal to the zero point (counter)
  unsigned rows = 0, cols = 0;
  uint64_t act_reads = 0, act_writes = 0, weight_reads = 0, weight_writes = 0;
  uint64_t acc_reads = 0, acc_writes = 0;
  uint64_t ppu_rows = 0;  // acc rows requantised by the PPU (cols lanes each)
  unsigned act_word_bytes = 0, weight_word_bytes = 0, acc_word_bytes = 0;
  uint64_t act_bank_bytes = 0, weight_bank_bytes = 0, acc_bank_bytes = 0;
  uint64_t dram_bytes = 0;  // bytes actually moved on the bus, read + write
  bool fp8 = false;  // the COMPUTEs are FP8: fp8_mul and fp32_add per multiply, no zero point
};

struct Energy {
  uint64_t multiplies = 0;        // int8 multiplies performed: (mac_active*rows - gated) * cols
  uint64_t gated_multiplies = 0;  // multiplies not performed because the activation was gated
  double multiply_pj = 0;         // multiplies * mul8 (fp8_mul for FP8)
  double accumulate_pj = 0;       // one 32-bit add per performed multiply (fp32_add for FP8)
  double zero_point_pj = 0;       // one 8-bit subtract per activation lane per K step (not FP8)
  double ppu_pj = 0;              // per output lane: bias add, zero-point add (32-bit), multiply
  double sram_pj = 0;             // every scratchpad word access, scaled per 64 bits
  double dram_pj = 0;             // bytes moved / 8 * dram
  double total_pj = 0;
  double pj_per_mac = 0;        // total / useful MACs
  double ungated_total_pj = 0;  // the same run with every gated multiply (and add) performed
  double gating_saving = 0;     // 1 - total / ungated_total
};
Energy EstimateEnergy(const EnergyEvents& ev, const EnergyTable& t = {});

// ---- results
// --------------------------------------------------------------------------------------

// How a run of the sparsity suite (bench_sparsity.h) drew its activations and which tiler ran it.
// Main-suite runs leave it default (in_suite = false).
struct SparsityRun {
  bool in_suite = false;         // a run of the sparsity suite
  double zero_fraction = 0;      // --sparsity Z: exactly round(Z*M*K) activations at the zero point
  std::string pattern;           // --sparsity-pattern: "uniform" or "clustered"
  bool zero_skip = false;        // --zero-skip on (true) or off (the dense tiler)
  bool dense_reference = false;  // the run the ratios of its preset, latency and shape divide by
  // The 2:4 suite (presets with sparsity.structured "2:4"): --weights-2of4, and --structured on
  // (the 2:4 plan) or off (the dense tiler on the same pruned weights: the dense reference).
  bool w2of4 = false;
  bool structured = false;
};

// A run of the precision suite (bench_precision.h): the datapath (`salsa run --precision`) and
// whether it is the int8 run its shape's ratios divide by. Other runs leave it default.
struct PrecisionRun {
  bool in_suite = false;
  std::string precision;   // "int8", "w4a8", "fp8_e4m3", "fp8_e5m2"
  bool reference = false;  // the int8 run of the suite
  // On zero-skip presets: false runs the dense tiler (--zero-skip off: the targets' runs), true
  // the zero-skip tiler (--zero-skip on, GEMV only). Unused elsewhere.
  bool zero_skip = false;
};

// One case on one preset at one DRAM latency.
struct CaseResult {
  std::string preset;
  BenchCase bench_case;
  unsigned latency = 0;
  unsigned rows = 0, cols = 0, bus_bytes = 0;
  bool pass = false;
  std::string error;  // harness error, or why the run could not be measured
  uint64_t cycles = 0, macs = 0, compulsory_bytes = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t mac_active = 0, stall_load = 0, stall_store = 0, gated_operands = 0, commands = 0;
  Roofline roof;
  double efficiency = 0;         // bound / cycles
  double mac_utilization = 0;    // macs / (cycles * rows * cols)
  double dram_utilization = 0;   // bytes moved / (cycles * bus bytes)
  double compulsory_bw = 0;      // compulsory bytes / (cycles * bus bytes)
  std::vector<double> seconds;   // wall-clock seconds of each repeat
  std::string seconds_source;    // "sim_seconds" or "wall_seconds" (what the harness reported)
  double cycles_per_second = 0;  // cycles / median(seconds)
  double macs_per_second = 0;    // macs / median(seconds): the simulation-speed target's unit
  Energy energy;
  bool has_bound_fields = false;  // the harness JSON had bound_cycles and efficiency
  SparsityRun sparsity;           // the sparsity suite's settings (in_suite = false: main suite)
  PrecisionRun prec;              // the precision suite's settings (in_suite = false: other)
  // Zero-skip counters and what the harness reports about the data (bench_sparsity.h).
  uint64_t skipped_steps = 0, skipped_wgt_bytes = 0;
  bool zero_skip_ran = false;     // the harness's "zero_skip": the zero-skip tiler ran
  double act_zero_fraction = -1;  // measured share of zero activations (-1: not reported)
  unsigned slices = 0;            // the harness's "slices": K slices of the plan (0: not reported)
  unsigned ports = 0;             // a run of the ports sweep (bench_ports.h): its AXI ports; else 0
};

// Fills a result from the harness JSON line. bank_bytes = {act, weight, acc} bytes per SRAM bank
// (from the preset's config). Throws std::invalid_argument naming a missing or mistyped field.
void FillFromHarnessJson(const nlohmann::json& j, const uint64_t bank_bytes[3], CaseResult* r);

double Median(std::vector<double> v);  // 0 for an empty vector

// A run of the main suite (neither the sparsity, the precision suite nor the ports sweep).
inline bool InMainSuite(const CaseResult& r) {
  return !r.sparsity.in_suite && !r.prec.in_suite && r.ports == 0;
}

// ---- targets (issue 4) ------------------------------------------------------------------------

struct TargetCheck {
  std::string target;  // what is required
  std::string preset, case_name;
  unsigned latency = 0;
  std::string metric;  // "efficiency", "compulsory bandwidth"
  double measured = 0, threshold = 0;
  bool met = false;
  std::string not_run;  // why nothing was measured ("" when it was); then met is false
};
// One row per (target, qualifying case): compute-bound GEMMs with M >= 4*rows, N >= 4*cols and
// K >= 4*max(rows, cols) at latency 100 (efficiency >= 0.90); GEMV decode (M = 1) at latencies
// 100 (>= 0.90 of the bus's peak) and 200 (>= 0.85); every case bit-exact; the JSON fields.
// Runs of the sparsity suite count for the last two only (their targets: bench_sparsity.h).
std::vector<TargetCheck> CheckTargets(const std::vector<CaseResult>& results);

}  // namespace salsa::bench
