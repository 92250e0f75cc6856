// Verilator harness: runs one fully connected layer on the generated salsa_top and compares the
// result bit-exactly with the software reference. Built once per generated configuration with that
// configuration's Vsalsa_top and salsa_params.h.
//
// Exit codes: 0 pass; 1 mismatch, hardware error, timeout or AXI protocol violation; 2 bad input.
//
// The simulation controller and the AXI/CSR port glue are in bench.h and axi_port.h, the command
// line in options.h, the comparisons, counter and fault checks in checks.h.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench.h"
#include "checks.h"
#include "options.h"
#include "salsa/axi_dram.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/hw_params.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_ref.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"
#include "salsa_params.h"

namespace {

using salsa::AxiDram;
using namespace salsa::harness;  // NOLINT: Bench, Options, checks

// ---------------------------------------------------------------------------------------------
// The run.

salsa::HwParams ParamsFromConfig() {
  salsa::HwParams hw;
  hw.rows = salsa_params::kRows;
  hw.cols = salsa_params::kCols;
  hw.bus_bytes = salsa_params::kBusBytes;
  hw.addr_bits = salsa_params::kAddrBits;
  hw.max_burst = salsa_params::kMaxBurst;
  hw.max_outstanding = salsa_params::kMaxOutstanding;
  hw.act_words = salsa_params::kActWords;
  hw.weight_words = salsa_params::kWeightWords;
  hw.acc_words = salsa_params::kAccWords;
  hw.weight_stationary = salsa_params::kWeightStationary;
  hw.zero_skip = salsa_params::kZeroSkip;
  hw.structured24 = salsa_params::kStructured24;
  return hw;
}

// A generous cycle budget: every beat, command and K step several times over, scaled by the
// DRAM throttling.
uint64_t EstimateTimeout(const salsa::Program& p, const salsa::FuncSimResult& fs,
                         const Options& o) {
  const double beats = static_cast<double>(fs.counters[salsa::contract::CounterIndex("rd_bytes")] +
                                           fs.counters[salsa::contract::CounterIndex("wr_bytes")]) /
                       salsa_params::kBusBytes;
  const double per_cmd =
      4.0 * (o.mem_latency + 2.0 * (salsa_params::kRows + salsa_params::kCols) + 64);
  const double slow = 1.0 / (o.bw_cap * (1.0 - o.backpressure) * (1.0 - o.backpressure));
  const double est =
      (4.0 * beats + p.cmd_count * per_cmd) * slow +
      4.0 * static_cast<double>(fs.counters[salsa::contract::CounterIndex("mac_active")]);
  return 100000 + static_cast<uint64_t>(10.0 * est);
}

// Runs the program on the model; everything observed goes into the outcome.
void RunOnModel(Bench& bench, AxiDram& dram, const salsa::Program& prog, uint64_t timeout,
                Outcome* r) {
  auto& sim = bench.sim;
  auto& csr = bench.csr;
  Vsalsa_top& top = sim.top();
  sim.Reset(8);
  const uint32_t hw_id = csr.Read(salsa::contract::CsrAddr("HW_ID"));
  const uint32_t want_id =
      salsa::contract::HwIdValue(salsa_params::kRows, salsa_params::kCols, salsa_params::kBusBytes);
  if (hw_id != want_id) {
    r->Fail("HW_ID " + Hex32(hw_id) + " does not match salsa_params.h (" + Hex32(want_id) + ")");
    return;
  }
  csr.Write(salsa::contract::CsrAddr("CMD_BASE_LO"), static_cast<uint32_t>(prog.cmd_base));
  csr.Write(salsa::contract::CsrAddr("CMD_BASE_HI"), static_cast<uint32_t>(prog.cmd_base >> 32));
  csr.Write(salsa::contract::CsrAddr("CMD_COUNT"), prog.cmd_count);
  csr.Write(salsa::contract::CsrAddr("IRQ_EN"), salsa::contract::CsrBitMask("IRQ_EN", "done"));
  csr.Write(salsa::contract::CsrAddr("CTRL"), salsa::contract::CsrBitMask("CTRL", "start"));
  const uint64_t start = sim.cycles();
  while (!top.irq_o && sim.cycles() - start < timeout) sim.Tick();
  r->irq = top.irq_o;
  r->cycles = sim.cycles() - start;

  r->status = csr.Read(salsa::contract::CsrAddr("STATUS"));
  r->err_code = csr.Read(salsa::contract::CsrAddr("ERR_CODE"));
  r->err_cmd = csr.Read(salsa::contract::CsrAddr("ERR_CMD"));
  for (unsigned i = 0; i < salsa::contract::kNumCounters; ++i) {
    r->counters[i] = csr.Read64(salsa::contract::CounterAddr(i));
  }
  if (!r->irq) {
    r->Fail("timeout: no interrupt after " + std::to_string(timeout) + " cycles (STATUS " +
            Hex32(r->status) + ")");
  }
  if (r->status & salsa::contract::CsrBitMask("STATUS", "error")) {
    std::string what = "hardware error " + std::to_string(r->err_code) + " (" +
                       ErrName(r->err_code) + ") at command " + std::to_string(r->err_cmd);
    if (r->err_cmd < prog.cmds.size()) {
      what += ": " + salsa::DescribeCommand(prog.cmds[r->err_cmd].data());
    }
    r->Fail(what);
  } else if (r->irq && !(r->status & salsa::contract::CsrBitMask("STATUS", "done"))) {
    r->Fail("irq_o high but STATUS " + Hex32(r->status) + " has no done bit");
  }
  // Let outstanding DRAM traffic (which there should not be) show up before checking.
  for (unsigned i = 0; i < 4 && dram.busy(); ++i) sim.Tick();
  if (dram.busy()) r->Fail("AXI transactions still outstanding after done");
}

void PrintReport(const Options& o, const salsa::FcLayer& l, const salsa::Program& prog,
                 const AxiDram::Stats& stats, const std::vector<std::string>& violations,
                 const Outcome& r, size_t gemms, uint64_t macs) {
  const double util =
      r.cycles ? static_cast<double>(macs) /
                     (static_cast<double>(r.cycles) * salsa_params::kRows * salsa_params::kCols)
               : 0.0;
  std::printf("salsa harness: config %s (%s), %ux%u array, %u-bit AXI\n", salsa_params::kName,
              salsa_params::kConfigHash, salsa_params::kRows, salsa_params::kCols,
              salsa_params::kBusBytes * 8);
  if (!o.layer.empty()) {
    std::printf("layer %s: %zu GEMM(s) on the array, the first %dx%dx%d\n", o.layer.c_str(), gemms,
                l.M, l.K, l.N);
  } else {
    std::printf("layer %s: %dx%dx%d, %u commands (%u m tiles, %u n tiles, K chunk %u)\n",
                l.name.c_str(), l.M, l.K, l.N, prog.cmd_count, prog.m_tiles, prog.n_tiles,
                prog.k_chunk);
  }
  std::printf("dram: latency %u, bandwidth cap %.3f, backpressure %.3f, seed %" PRIu64 "\n",
              o.mem_latency, o.bw_cap, o.backpressure, o.seed);
  if (o.sparsity >= 0.0 || o.weights_2of4) {
    const auto zeros =
        std::count(l.input.begin(), l.input.end(), static_cast<int8_t>(l.input_zero_point));
    const auto wzeros = std::count(l.weights.begin(), l.weights.end(), int8_t{0});
    std::printf("data: %.4f of the activations at the zero point %d",
                static_cast<double>(zeros) / static_cast<double>(l.input.size()),
                l.input_zero_point);
    if (o.sparsity >= 0.0) {
      std::printf(" (--sparsity %g, %s)", o.sparsity,
                  o.sparsity_pattern.empty() ? "uniform" : o.sparsity_pattern.c_str());
    }
    std::printf(", %.4f of the weights zero%s\n",
                static_cast<double>(wzeros) / static_cast<double>(l.weights.size()),
                o.weights_2of4 ? " (2:4, pruned by magnitude)" : "");
  }
  std::printf("cycles %" PRIu64 ", MACs %" PRIu64 ", MAC utilisation %.4f\n", r.cycles, macs, util);
  for (unsigned i = 0; i < salsa::contract::kNumCounters; ++i) {
    std::printf("  counter %-17s %" PRIu64 "\n", salsa::contract::kCounters[i].name, r.counters[i]);
  }
  std::printf("  expected gated %" PRIu64 ", DRAM read beats %" PRIu64 ", write beats %" PRIu64
              ", max reads in flight %u\n",
              r.expected_gated, stats.read_beats, stats.write_beats, stats.max_reads_in_flight);
  if (salsa_params::kZeroSkip) {
    std::printf(
        "  zero-skip tiler %s, expected skipped_steps %" PRIu64 ", skipped_wgt_bytes %" PRIu64 "\n",
        prog.zero_skip ? "on" : "off", r.expected_skipped_steps, r.expected_skipped_wgt_bytes);
  }
  if (salsa_params::kStructured24) {
    std::printf("  2:4 tiler %s, expected mac_active %" PRIu64 "\n", prog.structured ? "on" : "off",
                r.expected_mac_active);
  }
  for (const std::string& v : violations) std::printf("  AXI violation: %s\n", v.c_str());
  for (size_t i = 1; i < r.errors.size(); ++i) std::printf("  also: %s\n", r.errors[i].c_str());
  std::printf("%s%s\n", r.error.empty() ? "PASS" : "FAIL: ", r.error.c_str());
}

// ---------------------------------------------------------------------------------------------
// What --json reports beyond the raw counters: the roofline of the GEMMs that ran and the event
// counts of the energy model (salsa bench, docs/benchmarks.md).

// Wall clock from process start (static initialisation) to the JSON line.
const std::chrono::steady_clock::time_point g_harness_start = std::chrono::steady_clock::now();

// Totals over the GEMMs of a run, from their command programs (rebuilt with the same driver and
// options, so the commands are the ones that were executed).
struct ProgramEvents {
  uint64_t macs = 0;              // sum of M*K*N
  uint64_t compulsory_bytes = 0;  // int8 input, weights and output, int32 bias, each once
  double compute_cycles = 0;      // sum of M*K*N / (rows*cols)
  uint64_t commands = 0, loads = 0, computes = 0, stores = 0, syncs = 0, scans = 0;
  uint64_t k_steps = 0;        // COMPUTE K steps (= the mac_active counter)
  uint64_t act_writes = 0;     // act scratchpad words written by LOADs
  uint64_t weight_writes = 0;  // weight scratchpad words written by LOADs
  uint64_t meta_writes = 0;    // meta scratchpad words written by LOADs (2:4)
  uint64_t acc_writes = 0;     // acc words: LOAD (bias, quantisation) + drains
  uint64_t acc_reads = 0;      // acc words read by STOREs: rows + bias (+2 per-channel)
  uint64_t ppu_rows = 0;       // acc rows through the PPU (cols lanes each)
};

// The GEMMs the run executed: the layer file's lowered GEMMs, else the one layer.
std::vector<salsa::FcLayer> ExecutedGemms(const Options& o, const salsa::FcLayer& l) {
  if (o.layer.empty()) return {l};
  std::vector<salsa::FcLayer> out;
  for (auto& g : salsa::LowerLayer(salsa::LoadLayerSpec(o.layer))) out.push_back(std::move(g.fc));
  return out;
}

ProgramEvents CountProgramEvents(const Options& o, const salsa::FcLayer& l) {
  ProgramEvents e;
  const salsa::HwParams hw = ParamsFromConfig();
  const salsa::DriverOptions dopt = DriverOpts(o);
  for (const salsa::FcLayer& g : ExecutedGemms(o, l)) {
    const uint64_t M = g.M, K = g.K, N = g.N;
    const salsa::Program p = salsa::BuildFcProgram(hw, g, dopt);
    e.macs += M * K * N;
    // A 2:4 run's roofline is the compressed problem's: half the MACs, and per output channel
    // K/2 weights plus their 2-bit positions (5/8 of the dense weight bytes).
    const uint64_t kw = p.structured ? (K + 3) / 4 * 2 : K;
    e.compute_cycles += static_cast<double>(M * kw * N) / (hw.rows * hw.cols);
    e.compulsory_bytes +=
        M * K + (p.structured ? N * kw + N * kw / 4 : N * K) + M * N + (g.bias.empty() ? 0 : 4 * N);
    for (const salsa::Command& c : p.cmds) {
      auto f = [&](const char* name) {
        return static_cast<uint64_t>(salsa::cmd::Get(c.data(), name));
      };
      ++e.commands;
      switch (salsa::cmd::Opcode(c.data())) {
        case salsa::contract::kOpLoad: {
          ++e.loads;
          const uint64_t words = f("words_per_row") * f("rows");
          const uint64_t target = f("target");
          uint64_t* sink = target == salsa::contract::kTargetAct      ? &e.act_writes
                           : target == salsa::contract::kTargetWeight ? &e.weight_writes
                           : target == salsa::contract::kTargetMeta   ? &e.meta_writes
                                                                      : &e.acc_writes;
          *sink += words;
          break;
        }
        case salsa::contract::kOpCompute:
          ++e.computes;
          e.k_steps += f("k");
          if (f("drain") != 0) e.acc_writes += hw.rows;
          break;
        case salsa::contract::kOpStore:
          ++e.stores;
          e.ppu_rows += f("rows");
          e.acc_reads += f("rows") + 1 + (f("per_channel") != 0 ? 2 : 0);
          break;
        case salsa::contract::kOpScan:
          ++e.scans;
          break;
        default:
          ++e.syncs;
          break;
      }
    }
  }
  return e;
}

// What the GEMMs that ran held, and the time spent simulating them.
struct RunData {
  double act_zero_fraction = 0;     // activations equal to their GEMM's input zero point
  double weight_zero_fraction = 0;  // weights equal to 0
  bool weights_2of4 = false;        // --weights-2of4, or a layer file with weights_format: 2of4
  bool zero_skip = false;           // the zero-skip tiler ran (every GEMM's program)
  bool structured = false;          // the 2:4 tiler ran (every GEMM's program)
  bool k_split = false;             // the K-split plan ran (every GEMM's program)
  bool transposed = false;          // the array computed out^T (every GEMM's program)
  double sim_seconds = 0;           // wall clock in the simulation loop (RunOnModel), summed
};

void PrintJson(const Options& o, const salsa::FcLayer& l, const AxiDram::Stats& stats,
               const Outcome& r, size_t gemms, uint64_t macs, const RunData& data) {
  namespace sp = salsa_params;
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_harness_start).count();
  nlohmann::json j;
  j["status"] = r.error.empty() ? "pass" : "fail";
  j["cycles"] = r.cycles;
  j["macs"] = macs;
  j["mac_utilization"] =
      r.cycles ? static_cast<double>(macs) /
                     (static_cast<double>(r.cycles) * salsa_params::kRows * salsa_params::kCols)
               : 0.0;
  j["dram_read_bytes"] = stats.read_beats * salsa_params::kBusBytes;
  j["dram_write_bytes"] = stats.write_beats * salsa_params::kBusBytes;
  j["gated_operands"] = r.counters[salsa::contract::CounterIndex("gated")];
  j["expected_gated_operands"] = r.expected_gated;
  j["zero_skip"] = data.zero_skip;
  j["structured"] = data.structured;
  j["k_split"] = data.k_split;
  j["transposed"] = data.transposed;
  j["skipped_steps"] = r.counters[salsa::contract::CounterIndex("skipped_steps")];
  j["skipped_wgt_bytes"] = r.counters[salsa::contract::CounterIndex("skipped_wgt_bytes")];
  j["expected_skipped_steps"] = r.expected_skipped_steps;
  j["expected_skipped_wgt_bytes"] = r.expected_skipped_wgt_bytes;
  j["busy_cycles"] = r.counters[salsa::contract::CounterIndex("cycles")];
  j["mismatches"] = r.mismatches;
  j["rows"] = salsa_params::kRows;
  j["cols"] = salsa_params::kCols;
  j["axi_data_bits"] = salsa_params::kBusBytes * 8;
  j["config"] = salsa_params::kName;
  j["dataflow"] = salsa_params::kWeightStationary ? "ws" : "os";
  j["config_hash"] = salsa_params::kConfigHash;
  j["seed"] = o.seed;
  j["shape"] = std::to_string(l.M) + "x" + std::to_string(l.K) + "x" + std::to_string(l.N);
  j["layer"] = o.layer.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.layer);
  j["gemms"] = gemms;
  j["vector"] = o.vector.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.vector);
  j["mem_latency"] = o.mem_latency;
  j["bw_cap"] = o.bw_cap;
  j["backpressure"] = o.backpressure;
  j["err_code"] = r.err_code;
  j["axi_violations"] = stats.violations;
  j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);

  // Every hardware counter by name (summed over the GEMMs), and the ones of the stall breakdown
  // at the top level.
  nlohmann::json counters;
  for (unsigned i = 0; i < salsa::contract::kNumCounters; ++i)
    counters[sp::kCounterNames[i]] = r.counters[i];
  j["counters"] = counters;
  j["mac_active"] = r.counters[salsa::contract::CounterIndex("mac_active")];
  j["stall_load"] = r.counters[salsa::contract::CounterIndex("stall_load")];
  j["stall_store"] = r.counters[salsa::contract::CounterIndex("stall_store")];
  j["commands"] = r.counters[salsa::contract::CounterIndex("commands")];

  // Roofline of the GEMMs that ran: max(sum M*K*N / (rows*cols), compulsory bytes / bus bytes).
  const ProgramEvents e = CountProgramEvents(o, l);
  const double memory_cycles = static_cast<double>(e.compulsory_bytes) / sp::kBusBytes;
  const double bound = std::max(e.compute_cycles, memory_cycles);
  j["compulsory_bytes"] = e.compulsory_bytes;
  j["compute_bound_cycles"] = e.compute_cycles;
  j["memory_bound_cycles"] = memory_cycles;
  j["bound_cycles"] = bound;
  j["bound_by"] = e.compute_cycles >= memory_cycles ? "compute" : "memory";
  j["efficiency"] = r.cycles ? bound / static_cast<double>(r.cycles) : 0.0;
  j["wall_seconds"] = wall_seconds;
  j["sim_seconds"] = data.sim_seconds;

  // Sparsity of the data that ran (issue 5).
  j["sparsity"] = o.sparsity >= 0.0 ? nlohmann::json(o.sparsity) : nlohmann::json(nullptr);
  j["sparsity_pattern"] =
      o.sparsity < 0.0
          ? nlohmann::json(nullptr)
          : nlohmann::json(o.sparsity_pattern.empty() ? "uniform" : o.sparsity_pattern);
  j["weights_2of4"] = data.weights_2of4;
  j["act_zero_fraction"] = data.act_zero_fraction;
  j["weight_zero_fraction"] = data.weight_zero_fraction;

  // Event counts for the energy model. act/weight reads are one word each per K step (the
  // mac_active counter, measured); the rest is derived from the command programs.
  nlohmann::json ev;
  // A 2:4 step reads a pair of act words (even and odd bank) and one meta word.
  ev["act_reads"] =
      r.counters[salsa::contract::CounterIndex("mac_active")] * (data.structured ? 2 : 1);
  ev["weight_reads"] = r.counters[salsa::contract::CounterIndex("mac_active")];
  ev["meta_reads"] = data.structured ? r.counters[salsa::contract::CounterIndex("mac_active")] : 0;
  ev["act_writes"] = e.act_writes;
  // Gather LOADs write only the rows they fetch (the program has their unclamped lengths).
  ev["weight_writes"] =
      e.weight_writes - r.counters[salsa::contract::CounterIndex("skipped_wgt_bytes")] / sp::kCols;
  ev["meta_writes"] = e.meta_writes;
  ev["acc_reads"] = e.acc_reads;
  ev["acc_writes"] = e.acc_writes;
  ev["ppu_rows"] = e.ppu_rows;
  ev["program_k_steps"] = e.k_steps;
  ev["program_commands"] = e.commands;
  ev["loads"] = e.loads;
  ev["computes"] = e.computes;
  ev["stores"] = e.stores;
  ev["syncs"] = e.syncs;
  ev["scans"] = e.scans;
  ev["act_word_bytes"] = sp::kRows;
  ev["weight_word_bytes"] = sp::kCols;
  ev["acc_word_bytes"] = 4 * sp::kCols;
  ev["act_words"] = sp::kActWords;
  ev["weight_words"] = sp::kWeightWords;
  ev["acc_words"] = sp::kAccWords;
  ev["gating"] = sp::kGating;
  j["events"] = ev;
  std::cout << j.dump() << std::endl;
}

salsa::FcLayer BuildLayer(const Options& o) {
  if (!o.vector.empty()) {
    try {
      return salsa::LoadTfliteVector(o.vector);
    } catch (const std::invalid_argument& e) {
      throw BadInput(std::string("--vector ") + e.what());
    }
  }
  int M = 0, K = 0, N = 0;
  ParseShape(o.shape, &M, &K, &N);
  const salsa::FcData data = o.extremes     ? salsa::FcData::kExtremes
                             : o.unit_scale ? salsa::FcData::kUnitScale
                                            : salsa::FcData::kRandom;
  salsa::FcLayer layer = salsa::MakeRandomFc(M, K, N, o.seed, data);
  if (o.sparsity >= 0.0) {
    salsa::SparsityPattern pattern = salsa::SparsityPattern::kUniform;
    if (!o.sparsity_pattern.empty()) salsa::ParseSparsityPattern(o.sparsity_pattern, &pattern);
    salsa::ApplyActivationSparsity(&layer, o.sparsity, pattern, o.seed);
  }
  if (o.weights_2of4) salsa::Prune2of4(&layer);
  // New accumulators: bias and output scale chosen again so the outputs still span int8 (the
  // --unit-scale and --extremes quantisations do not depend on the data).
  if ((o.sparsity >= 0.0 || o.weights_2of4) && data == salsa::FcData::kRandom) {
    salsa::ChooseRandomOutputQuant(&layer, o.seed);
  }
  if (o.per_channel) salsa::MakePerChannel(&layer, o.seed);
  return layer;
}

// One GEMM to run on the model: the layer, its bit-exact golden output and, for user layers, where
// its outputs go in the op's output tensor.
struct Job {
  salsa::FcLayer fc;
  std::vector<int8_t> golden;
};

// What one run of a program on the model produced.
struct JobResult {
  Outcome r;
  double sim_seconds = 0;  // wall clock in RunOnModel
  salsa::Program prog;
  AxiDram::Stats dram;
  std::vector<std::string> violations;
  std::vector<int8_t> out;
};

JobResult RunJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Bench* bench) {
  JobResult jr;
  Outcome& r = jr.r;
  jr.prog = salsa::BuildFcProgram(hw, job.fc, DriverOpts(opts));
  const salsa::Program& prog = jr.prog;
  const salsa::FcLayer& layer = job.fc;
  const salsa::FuncSimResult fs = CheckFunctionalModel(hw, prog, layer, job.golden, &r);
  const uint64_t timeout = opts.timeout ? opts.timeout : EstimateTimeout(prog, fs, opts);

  std::vector<uint8_t> mem = prog.dram;
  AxiDram::Options dopts;
  dopts.read_latency = opts.mem_latency;
  dopts.write_latency = opts.mem_latency;
  dopts.bandwidth = opts.bw_cap;
  dopts.backpressure = opts.backpressure;
  dopts.seed = opts.seed;
  const Fault fault = InjectFault(opts.fault, prog, &mem, &dopts);
  AxiDram dram(mem, salsa_params::kBusBytes, dopts);
  bench->mem.set_dram(&dram);
  const auto sim_start = std::chrono::steady_clock::now();
  try {
    RunOnModel(*bench, dram, prog, timeout, &r);
  } catch (const std::runtime_error& e) {
    r.Fail(e.what());
  }
  jr.sim_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sim_start).count();
  jr.out = salsa::ReadOutput(prog, mem, layer.M, layer.N);
  if (opts.fault.empty()) {
    CompareOutput(layer, job.golden, jr.out, opts.seed, &r);
    CheckCounters(prog, dram, &r);
  } else {
    CheckFault(fault, dram, &r);
  }
  jr.dram = dram.stats();
  jr.violations = dram.violations();
  bench->mem.set_dram(nullptr);
  return jr;
}

// The jobs of a user layer: its GEMMs, each with the reference output the hardware must produce.
std::vector<Job> LayerJobs(const salsa::LayerSpec& spec, std::vector<salsa::LoweredGemm>* gemms) {
  *gemms = salsa::LowerLayer(spec);
  std::vector<Job> jobs;
  for (const auto& g : *gemms) jobs.push_back({g.fc, salsa::GemmReference(g.fc)});
  return jobs;
}

RunData MeasureRun(const Options& o, const std::vector<Job>& jobs,
                   const std::vector<JobResult>& results, const salsa::LayerSpec& spec) {
  RunData d;
  uint64_t acts = 0, act_zeros = 0, weights = 0, weight_zeros = 0;
  for (size_t i = 0; i < results.size() && i < jobs.size(); ++i) {
    const salsa::FcLayer& g = jobs[i].fc;
    acts += g.input.size();
    act_zeros +=
        std::count(g.input.begin(), g.input.end(), static_cast<int8_t>(g.input_zero_point));
    weights += g.weights.size();
    weight_zeros += std::count(g.weights.begin(), g.weights.end(), int8_t{0});
    d.sim_seconds += results[i].sim_seconds;
  }
  d.act_zero_fraction = acts ? static_cast<double>(act_zeros) / static_cast<double>(acts) : 0.0;
  d.weight_zero_fraction =
      weights ? static_cast<double>(weight_zeros) / static_cast<double>(weights) : 0.0;
  d.zero_skip = d.structured = d.k_split = d.transposed = !results.empty();
  for (const JobResult& jr : results) {
    d.zero_skip = d.zero_skip && jr.prog.zero_skip;
    d.structured = d.structured && jr.prog.structured;
    d.k_split = d.k_split && jr.prog.k_split;
    d.transposed = d.transposed && jr.prog.transposed;
  }
  d.weights_2of4 =
      o.weights_2of4 || (!o.layer.empty() && spec.weights_format == salsa::WeightsFormat::k2of4);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (const auto code = ParseArgs(argc, argv, &opts)) return *code;

  // Software side: the GEMMs to run and their golden outputs.
  const salsa::HwParams hw = ParamsFromConfig();
  std::vector<Job> jobs;
  salsa::LayerSpec spec;
  std::vector<salsa::LoweredGemm> gemms;
  std::vector<int8_t> layer_golden, layer_expected;
  try {
    if (!opts.layer.empty()) {
      spec = salsa::LoadLayerSpec(opts.layer);
      layer_golden = salsa::ref::LayerReference(spec).data;
      if (!opts.expected.empty())
        layer_expected = salsa::LoadExpectedOutput(opts.expected, spec.output_shape).data;
      jobs = LayerJobs(spec, &gemms);
    } else {
      salsa::FcLayer layer = BuildLayer(opts);
      std::vector<int8_t> golden =
          layer.expected.empty() ? salsa::ReferenceOutput(layer) : layer.expected;
      jobs.push_back({std::move(layer), std::move(golden)});
    }
    for (const Job& j : jobs) salsa::BuildFcProgram(hw, j.fc, DriverOpts(opts));  // all fit
  } catch (const BadInput& e) {
    std::cerr << "salsa_harness: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "salsa_harness: " << (opts.layer.empty() ? "layer" : opts.layer)
              << " cannot run on config " << salsa_params::kName << ": " << e.what() << "\n";
    return kExitBadInput;
  }

  // Hardware side: every GEMM on one model, in order.
  auto contextp = std::make_unique<VerilatedContext>();
  contextp->commandArgs(argc, argv);
  if (!opts.trace.empty()) contextp->traceEverOn(true);
  auto top = std::make_unique<Vsalsa_top>(contextp.get(), "TOP");
  std::vector<JobResult> results;
  {
    Bench bench(contextp.get(), top.get());
    if (!opts.trace.empty() && !bench.sim.OpenTrace(opts.trace)) {
      std::cerr << "salsa_harness: --trace " << opts.trace << ": cannot open for writing\n";
      return kExitBadInput;
    }
    for (const Job& j : jobs) {
      results.push_back(RunJob(opts, hw, j, &bench));
      if (!results.back().r.error.empty()) break;  // the first failing GEMM is the one to debug
    }
    top->final();
  }

  // Totals over the GEMMs; the layer's own output is assembled and compared in full.
  Outcome total;
  salsa::FcLayer shown = jobs.front().fc;
  AxiDram::Stats stats{};
  std::vector<std::string> violations;
  uint64_t macs = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const JobResult& jr = results[i];
    const std::string where =
        results.size() > 1 || jobs.size() > 1 ? "GEMM " + std::to_string(i) + ": " : "";
    for (const auto& e : jr.r.errors) total.Fail(where + e);
    total.cycles += jr.r.cycles;
    total.mismatches += jr.r.mismatches;
    total.expected_gated += jr.r.expected_gated;
    total.expected_mac_active += jr.r.expected_mac_active;
    total.expected_skipped_steps += jr.r.expected_skipped_steps;
    total.expected_skipped_wgt_bytes += jr.r.expected_skipped_wgt_bytes;
    total.status = jr.r.status;
    total.err_code = jr.r.err_code;
    total.err_cmd = jr.r.err_cmd;
    for (unsigned c = 0; c < salsa::contract::kNumCounters; ++c)
      total.counters[c] += jr.r.counters[c];
    stats.read_beats += jr.dram.read_beats;
    stats.write_beats += jr.dram.write_beats;
    stats.violations += jr.dram.violations;
    stats.max_reads_in_flight = std::max(stats.max_reads_in_flight, jr.dram.max_reads_in_flight);
    violations.insert(violations.end(), jr.violations.begin(), jr.violations.end());
    macs += static_cast<uint64_t>(jobs[i].fc.M) * jobs[i].fc.K * jobs[i].fc.N;
  }
  std::vector<int8_t> layer_out;
  if (!opts.layer.empty() && results.size() == jobs.size() && total.error.empty()) {
    std::vector<std::vector<int8_t>> outs;
    for (const auto& jr : results) outs.push_back(jr.out);
    layer_out = salsa::AssembleOutput(gemms, outs, static_cast<int64_t>(layer_golden.size()));
    CompareTensor("reference", layer_golden, layer_out, &total);
    if (!layer_expected.empty()) CompareTensor(opts.expected, layer_expected, layer_out, &total);
  }
  if (!opts.out.empty()) {
    if (layer_out.empty() && opts.layer.empty() && !results.empty()) layer_out = results[0].out;
    if (!layer_out.empty()) {
      const std::vector<int64_t> shape =
          opts.layer.empty() ? std::vector<int64_t>{shown.M, shown.N} : spec.output_shape;
      try {
        salsa::WriteNpy(opts.out, salsa::NpyArray::FromInt8(shape, layer_out));
      } catch (const std::exception& e) {
        total.Fail(std::string("--out ") + e.what());
      }
    }
  }

  const salsa::Program& prog = results.front().prog;
  if (!opts.quiet) {
    PrintReport(opts, shown, prog, stats, violations, total, jobs.size(), macs);
  }
  if (opts.json) {
    PrintJson(opts, shown, stats, total, jobs.size(), macs, MeasureRun(opts, jobs, results, spec));
  }
  return total.error.empty() ? kExitPass : kExitFail;
}
