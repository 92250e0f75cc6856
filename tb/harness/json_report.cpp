// Harness JSON report: what --json prints, including the roofline and the energy-model events.
#include "json_report.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "build_info.h"
#include "salsa/command.h"
#include "salsa/hw_params.h"
#include "salsa/layer_lower.h"

namespace salsa::harness {

using salsa::AxiDram;

// ---------------------------------------------------------------------------------------------
// What --json reports beyond the raw counters: the roofline of the GEMMs that ran and the event
// counts of the energy model (salsa bench, docs/benchmarks.md).

namespace {

// Wall clock from process start (static initialisation) to the JSON line.
const std::chrono::steady_clock::time_point g_harness_start = std::chrono::steady_clock::now();

// Totals over the GEMMs of a run, from their command programs (rebuilt with the same driver and
// options, so the commands are the ones that were executed).
struct ProgramEvents {
  uint64_t macs = 0;              // sum of M*K*N
  uint64_t compulsory_bytes = 0;  // int8 input, weights and output, int32 bias, each once
  uint64_t layer_bytes = 0;       // the same, a conv2d's input counted as its NHWC tensor
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
  for (auto& g :
       salsa::LowerLayerFor(salsa::LoadLayerSpec(o.layer), ParamsFromConfig(), DriverOpts(o))) {
    out.push_back(std::move(g.fc));
  }
  return out;
}

ProgramEvents CountProgramEvents(const Options& o, const salsa::FcLayer& l) {
  ProgramEvents e;
  const salsa::HwParams hw = ParamsFromConfig();
  const salsa::DriverOptions dopt = DriverOpts(o);
  for (const salsa::FcLayer& g : ExecutedGemms(o, l)) {
    const uint64_t M = g.M, K = g.K, N = g.N;
    const salsa::Program p = salsa::BuildFcProgram(hw, g, dopt);
    // A depthwise conv's block-diagonal GEMM (K = taps * C): an output channel has taps real
    // weights, the others are the zeros of the other channels.
    const uint64_t kd =
        g.conv && g.conv->depth_multiplier > 0 ? K / static_cast<uint64_t>(g.conv->in_c) : K;
    e.macs += M * kd * N;
    // A 2:4 run's roofline is the compressed problem's: half the MACs, and per output channel
    // K/2 weights plus their 2-bit positions (5/8 of the dense weight bytes).
    const uint64_t kw = p.structured() ? (K + 3) / 4 * 2 : kd;
    e.compute_cycles += static_cast<double>(M * kw * N) / (hw.rows * hw.cols);
    // int4 weights: ceil(K/2) bytes per output channel; FP8 outputs: OutFmtBytes each.
    const uint64_t w_bytes = p.structured()                          ? N * kw + N * kw / 4
                             : g.prec == salsa::contract::kPrecInt4w ? N * ((K + 1) / 2)
                                                                     : N * kd;
    const uint64_t out_bytes =
        M * N * (g.out_fmt == salsa::contract::kOutInt8 ? 1 : salsa::OutFmtBytes(g.out_fmt));
    const bool bias = !g.bias.empty() || !g.bias_fp32.empty();
    e.compulsory_bytes += M * K + w_bytes + out_bytes + (bias ? 4 * N : 0);
    const uint64_t in_bytes =
        g.conv ? static_cast<uint64_t>(g.conv->input.size()) : M * K;  // conv: not the im2col rows
    e.layer_bytes += in_bytes + w_bytes + out_bytes + (bias ? 4 * N : 0);
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

}  // namespace

void PrintJson(const Options& o, const salsa::FcLayer& l, const AxiDram::Stats& stats,
               const Outcome& r, size_t gemms, uint64_t macs, const RunData& data) {
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_harness_start).count();
  nlohmann::json j;
  j["status"] = r.error.empty() ? "pass" : "fail";
  j["cycles"] = r.cycles;
  j["macs"] = macs;
  j["mac_utilization"] =
      r.cycles ? static_cast<double>(macs) /
                     (static_cast<double>(r.cycles) * kBuildInfo.hw.rows * kBuildInfo.hw.cols)
               : 0.0;
  // The DRAM model counts each port's beats.
  const uint64_t port_bytes = kBuildInfo.hw.bus_bytes / kBuildInfo.hw.ports;
  j["dram_read_bytes"] = stats.read_beats * port_bytes;
  j["dram_write_bytes"] = stats.write_beats * port_bytes;
  j["gated_operands"] = r.counters[salsa::contract::CounterIndex("gated")];
  j["expected_gated_operands"] = r.expected_gated;
  j["zero_skip"] = data.zero_skip;
  j["structured"] = data.structured;
  j["k_split"] = data.k_split;
  j["transposed"] = data.transposed;
  j["plan"] = data.plan;
  j["slices"] = data.slices;
  j["plan_params"] = data.plan_params;
  j["skipped_steps"] = r.counters[salsa::contract::CounterIndex("skipped_steps")];
  j["skipped_wgt_bytes"] = r.counters[salsa::contract::CounterIndex("skipped_wgt_bytes")];
  j["expected_skipped_steps"] = r.expected_skipped_steps;
  j["expected_skipped_wgt_bytes"] = r.expected_skipped_wgt_bytes;
  j["busy_cycles"] = r.counters[salsa::contract::CounterIndex("cycles")];
  j["mismatches"] = r.mismatches;
  j["rows"] = kBuildInfo.hw.rows;
  j["cols"] = kBuildInfo.hw.cols;
  j["axi_data_bits"] = kBuildInfo.hw.bus_bytes / kBuildInfo.hw.ports * 8;
  j["axi_ports"] = kBuildInfo.hw.ports;
  j["config"] = kBuildInfo.name;
  j["dataflow"] = kBuildInfo.hw.weight_stationary ? "ws" : "os";
  j["config_hash"] = kBuildInfo.config_hash;
  j["seed"] = o.seed;
  j["shape"] = std::to_string(l.M) + "x" + std::to_string(l.K) + "x" + std::to_string(l.N);
  j["layer"] = o.layer.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.layer);
  // The first GEMM's precision (--precision names) and output element type.
  j["precision"] = PrecisionName(l.prec);
  j["output_dtype"] = salsa::OutputDtypeName(l.out_fmt);
  j["gemms"] = gemms;
  j["vector"] = o.vector.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.vector);
  j["mem_latency"] = o.mem_latency;
  j["bw_cap"] = o.bw_cap;
  j["backpressure"] = o.backpressure;
  j["axi_strict"] = o.axi_strict;
  j["err_code"] = r.err_code;
  j["err_name"] = salsa::contract::ErrCodeName(r.err_code);
  if (r.reset_at != 0) {
    j["reset"] = {{"at", r.reset_at}, {"cycles", r.reset_cycles}, {"bus", r.bus_phase}};
    if (r.measured_cycles != 0) {
      j["reset"]["fraction"] = o.reset_frac;
      j["reset"]["measured_cycles"] = r.measured_cycles;
    }
  }
  if (r.abort_at != 0) {
    j["abort"] = {{"at", r.abort_at},
                  {"write_cycles", r.abort_write_cycles},
                  {"stop_cycles", r.abort_stop_cycles},
                  {"err_cmd", r.abort_err_cmd},
                  {"bus", r.bus_phase}};
    if (r.measured_cycles != 0) {
      j["abort"]["fraction"] = o.abort_frac;
      j["abort"]["measured_cycles"] = r.measured_cycles;
    }
  }
  j["err_cmd"] = r.err_cmd;
  if (kBuildInfo.sram_ecc) {
    nlohmann::json unc = nullptr;
    if (r.ecc_status & 0x80000000u) {
      const unsigned spad = (r.ecc_status >> 16) & 0xFF;
      unc = {{"scratchpad", spad < kBuildInfo.num_ecc_spads ? kBuildInfo.ecc_spads[spad] : "?"},
             {"index", spad},
             {"addr", r.ecc_status & 0xFFFF}};
    }
    j["ecc_corrected"] = r.ecc_corrected;
    j["ecc_uncorrectable"] = unc;
  }
  if (o.flip_bits != 0) {
    j["flip_bits"] = {{"asked", o.flip_bits},
                      {"double", o.flip_double},
                      {"injected", r.flips_injected},
                      {"words_read", r.flips_read},
                      {"corrupted_reads", r.corrupted_reads}};
  }
  j["axi_violations"] = stats.violations;
  j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);

  // Every hardware counter by name (summed over the GEMMs), and the ones of the stall breakdown
  // at the top level.
  nlohmann::json counters;
  for (unsigned i = 0; i < salsa::contract::kNumCounters; ++i)
    counters[salsa::contract::kCounters[i].name] = r.counters[i];
  j["counters"] = counters;
  j["mac_active"] = r.counters[salsa::contract::CounterIndex("mac_active")];
  j["stall_load"] = r.counters[salsa::contract::CounterIndex("stall_load")];
  j["stall_store"] = r.counters[salsa::contract::CounterIndex("stall_store")];
  j["commands"] = r.counters[salsa::contract::CounterIndex("commands")];

  // Roofline of the GEMMs that ran: max(sum M*K*N / (rows*cols), compulsory bytes / bus bytes).
  const ProgramEvents e = CountProgramEvents(o, l);
  const double memory_cycles = static_cast<double>(e.compulsory_bytes) / kBuildInfo.hw.bus_bytes;
  const double bound = std::max(e.compute_cycles, memory_cycles);
  j["compulsory_bytes"] = e.compulsory_bytes;
  j["layer_compulsory_bytes"] = e.layer_bytes;
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
      e.weight_writes -
      r.counters[salsa::contract::CounterIndex("skipped_wgt_bytes")] / kBuildInfo.hw.cols;
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
  ev["act_word_bytes"] = kBuildInfo.hw.rows;
  ev["weight_word_bytes"] = kBuildInfo.hw.cols;
  ev["acc_word_bytes"] = 4 * kBuildInfo.hw.cols;
  ev["act_words"] = kBuildInfo.hw.act_words;
  ev["weight_words"] = kBuildInfo.hw.weight_words;
  ev["acc_words"] = kBuildInfo.hw.acc_words;
  ev["gating"] = kBuildInfo.gating;
  j["events"] = ev;
  std::cout << j.dump() << std::endl;
}

nlohmann::json PlanParamsJson(const salsa::Program& p) {
  nlohmann::json j;
  j["m_tiles"] = p.m_tiles;
  j["n_tiles"] = p.n_tiles;
  j["k_chunk"] = p.k_chunk;
  j["commands"] = p.cmd_count;
  if (const auto* c = std::get_if<salsa::OsConvPlanParams>(&p.params)) {
    j["band_rows"] = c->band_rows;
    j["bands"] = c->bands;
    j["act_double"] = c->act_double;
    j["weights_resident"] = c->weights_resident;
    j["resident_n_tiles"] = c->resident_nt;
    j["split"] = c->split;
    j["remainder_last"] = c->remainder_last;
    j["weight_chunks"] = c->chunks;
    j["chunk_taps"] = c->chunk_taps;
    j["pitch"] = c->pitch;
    j["xmask"] = c->xmask;
  } else if (const auto* w = std::get_if<salsa::ConvPlanParams>(&p.params)) {
    j["band_rows"] = w->band_rows;
    j["group_rows"] = w->group_rows;
    j["bands"] = w->bands;
    j["image_resident"] = w->image_resident;
    j["weights_resident"] = w->weights_resident;
    j["n_outer"] = w->n_outer;
    j["chunk_taps"] = w->chunk_taps;
    j["channel_blocks"] = w->cb;
  }
  return j;
}

RunData MeasureRun(const Options& o, const std::vector<Job>& jobs,
                   const std::vector<JobResult>& results, const salsa::LayerSpec& spec) {
  RunData d;
  uint64_t acts = 0, act_zeros = 0, weights = 0, weight_zeros = 0;
  for (size_t i = 0; i < results.size() && i < jobs.size(); ++i) {
    const salsa::FcLayer& g = jobs[i].fc;
    acts += g.input.size();
    // FP8: a zero is +-0 (code & 0x7F == 0), what the gate skips; int8: the input zero point.
    const bool fp8 = IsFp8Layer(g);
    auto fp8_zero = [](int8_t c) { return (static_cast<uint8_t>(c) & 0x7F) == 0; };
    act_zeros +=
        fp8 ? std::count_if(g.input.begin(), g.input.end(), fp8_zero)
            : std::count(g.input.begin(), g.input.end(), static_cast<int8_t>(g.input_zero_point));
    weights += g.weights.size();
    weight_zeros += fp8 ? std::count_if(g.weights.begin(), g.weights.end(), fp8_zero)
                        : std::count(g.weights.begin(), g.weights.end(), int8_t{0});
    d.sim_seconds += results[i].sim_seconds;
  }
  d.act_zero_fraction = acts ? static_cast<double>(act_zeros) / static_cast<double>(acts) : 0.0;
  d.weight_zero_fraction =
      weights ? static_cast<double>(weight_zeros) / static_cast<double>(weights) : 0.0;
  d.zero_skip = d.structured = d.k_split = d.transposed = !results.empty();
  for (const JobResult& jr : results) {
    d.zero_skip = d.zero_skip && jr.prog.zero_skip();
    d.structured = d.structured && jr.prog.structured();
    d.k_split = d.k_split && jr.prog.k_split();
    d.transposed = d.transposed && jr.prog.transposed();
  }
  if (!results.empty()) {
    d.plan = results.front().prog.plan;
    d.slices = results.front().prog.slices();
    d.plan_params = PlanParamsJson(results.front().prog);
  }
  d.weights_2of4 =
      o.weights_2of4 || (!o.layer.empty() && spec.weights_format == salsa::WeightsFormat::k2of4);
  return d;
}

}  // namespace salsa::harness
