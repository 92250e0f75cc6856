// Harness runs, the Verilator-independent part: the GEMMs to run with their golden outputs, a
// GEMM's plan (program, timeout, DRAM image and timing) and checks after it ran, the totals. The
// C++ harness (run_job.cpp) and the SystemC harness (tb/systemc) run the plans on their models.
#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "build_info.h"
#include "run_job.h"
#include "salsa/command.h"
#include "salsa/func_sim.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_ref.h"

namespace salsa::harness {

using salsa::AxiDram;

namespace {

// A generous cycle budget: every beat, command and K step several times over, scaled by the
// DRAM throttling.
uint64_t EstimateTimeout(const salsa::Program& p, const salsa::FuncSimResult& fs,
                         const Options& o) {
  const double beats = static_cast<double>(fs.counters[salsa::contract::CounterIndex("rd_bytes")] +
                                           fs.counters[salsa::contract::CounterIndex("wr_bytes")]) /
                       kBuildInfo.hw.bus_bytes;
  const double per_cmd =
      4.0 * (o.mem_latency + 2.0 * (kBuildInfo.hw.rows + kBuildInfo.hw.cols) + 64);
  const double slow =
      (o.axi_strict ? 8.0 : 1.0) / (o.bw_cap * (1.0 - o.backpressure) * (1.0 - o.backpressure));
  const double est =
      (4.0 * beats + p.cmd_count * per_cmd) * slow +
      4.0 * static_cast<double>(fs.counters[salsa::contract::CounterIndex("mac_active")]);
  return 100000 + static_cast<uint64_t>(10.0 * est);
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
  const salsa::contract::Prec prec = PrecisionOf(o.precision);
  if (prec == salsa::contract::kPrecFp8E4M3 || prec == salsa::contract::kPrecFp8E5M2) {
    salsa::FcLayer layer = salsa::MakeRandomFp8Fc(
        M, K, N, o.seed, prec, o.extremes ? salsa::Fp8Data::kExtremes : salsa::Fp8Data::kRandom);
    ApplyFpOutputOptions(o, &layer);
    return layer;
  }
  const salsa::FcData data = o.extremes     ? salsa::FcData::kExtremes
                             : o.unit_scale ? salsa::FcData::kUnitScale
                                            : salsa::FcData::kRandom;
  const bool w4 = prec == salsa::contract::kPrecInt4w;
  salsa::FcLayer layer = w4 ? salsa::MakeRandomInt4Fc(M, K, N, o.seed, data)
                            : salsa::MakeRandomFc(M, K, N, o.seed, data);
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

// The jobs of a user layer: its GEMMs, each with the reference output the hardware must produce.
std::vector<Job> LayerJobs(const salsa::LayerSpec& spec, const salsa::HwParams& hw,
                           const salsa::DriverOptions& opts,
                           std::vector<salsa::LoweredGemm>* gemms) {
  *gemms = salsa::LowerLayerFor(spec, hw, opts);
  std::vector<Job> jobs;
  for (const auto& g : *gemms) {
    if (IsFp8Layer(g.fc)) {
      jobs.push_back({g.fc, {}, salsa::GemmReferenceFp(g.fc)});
    } else {
      jobs.push_back({g.fc, salsa::GemmReference(g.fc), {}});
    }
  }
  return jobs;
}

}  // namespace

salsa::HwParams ParamsFromConfig() { return kBuildInfo.hw; }

JobPlan PlanJob(const Options& opts, const salsa::HwParams& hw, const Job& job, Outcome* r) {
  JobPlan p;
  p.prog = salsa::BuildFcProgram(hw, job.fc, DriverOpts(opts));
  const salsa::FuncSimResult fs =
      CheckFunctionalModel(hw, p.prog, job.fc, job.golden, job.golden_fp, r);
  p.timeout = opts.timeout ? opts.timeout : EstimateTimeout(p.prog, fs, opts);
  p.min_cycles = (fs.counters[salsa::contract::CounterIndex("rd_bytes")] +
                  fs.counters[salsa::contract::CounterIndex("wr_bytes")]) /
                 kBuildInfo.hw.bus_bytes;
  p.mem = p.prog.dram;
  p.dram.read_latency = opts.mem_latency;
  p.dram.write_latency = opts.mem_latency;
  p.dram.bandwidth = opts.bw_cap;
  p.dram.backpressure = opts.backpressure;
  p.dram.seed = opts.seed;
  p.dram.strict = opts.axi_strict;
  p.dram.max_in_flight = hw.max_outstanding;  // the protocol check of axi.max_outstanding
  p.fault = InjectFault(opts.fault, p.prog, fs.counters, &p.mem, &p.dram);
  p.ports.latency_step = opts.port_skew;
  p.ports.error_port = opts.fault_port;
  // With one port answering SLVERR, which STORE or LOAD meets it first depends on the interleaving.
  if (opts.fault_port >= 0) p.fault.cmd = -1;
  return p;
}

void FinishJob(const Options& opts, const Job& job, JobPlan&& plan, const std::vector<uint8_t>& mem,
               const salsa::AxiDramPorts& dram, JobResult* jr) {
  Outcome& r = jr->r;
  jr->prog = std::move(plan.prog);
  const salsa::Program& prog = jr->prog;
  const salsa::FcLayer& layer = job.fc;
  const bool fp8 = IsFp8Layer(layer);
  if (fp8) {
    jr->out_fp = salsa::ReadOutputFp(prog, mem, layer.M, layer.N);
  } else {
    jr->out = salsa::ReadOutput(prog, mem, layer.M, layer.N);
  }
  if (opts.fault.empty()) {
    if (fp8) {
      CompareOutputFp(layer, job.golden_fp, jr->out_fp, opts.seed, &r);
    } else {
      CompareOutput(layer, job.golden, jr->out, opts.seed, &r);
    }
    CheckCounters(prog, dram, &r);
  } else {
    CheckFault(plan.fault, dram, &r);
  }
  jr->dram = dram.stats();
  jr->violations = dram.violations();
}

Setup SetUpRun(const Options& o, const salsa::HwParams& hw) {
  Setup s;
  if (!o.layer.empty()) {
    s.spec = salsa::LoadLayerSpec(o.layer);
    if (salsa::IsFp8(s.spec.dtype)) {
      s.layer_golden_fp = salsa::ref::LayerReferenceFp(s.spec).data;
      if (!o.expected.empty()) {
        s.layer_expected_fp =
            salsa::LoadExpectedOutputFp(o.expected, s.spec.output_shape, s.spec.out_fmt).data;
      }
    } else {
      s.layer_golden = salsa::ref::LayerReference(s.spec).data;
      if (!o.expected.empty())
        s.layer_expected = salsa::LoadExpectedOutput(o.expected, s.spec.output_shape).data;
    }
    s.jobs = LayerJobs(s.spec, hw, DriverOpts(o), &s.gemms);
  } else {
    CheckPrecision(o, hw);
    salsa::FcLayer layer = BuildLayer(o);
    if (IsFp8Layer(layer)) {
      std::vector<uint32_t> golden = salsa::GemmReferenceFp(layer);
      s.jobs.push_back({std::move(layer), {}, std::move(golden)});
    } else {
      std::vector<int8_t> golden =
          layer.expected.empty() ? salsa::ReferenceOutput(layer) : layer.expected;
      s.jobs.push_back({std::move(layer), std::move(golden), {}});
    }
  }
  for (const Job& j : s.jobs) {
    if (!hw.Has(j.fc.prec)) {
      throw BadInput(std::string("layer precision ") + PrecisionName(j.fc.prec) + ": config " +
                     kBuildInfo.name + " builds " + PrecisionList(hw) +
                     "; accepted: layers of those precisions");
    }
  }
  // All fit. An FP8 GEMM the gemv plan runs in K slices sums in the slices' order: its golden
  // output is ref::Fp8Gemm's with those slices (docs/numerics.md), and so is the layer's.
  bool sliced = false;
  for (Job& j : s.jobs) {
    const unsigned slices = salsa::BuildFcProgram(hw, j.fc, DriverOpts(o)).slices();
    if (IsFp8Layer(j.fc) && slices > 1) {
      j.golden_fp = salsa::GemmReferenceFp(j.fc, slices);
      sliced = true;
    }
  }
  if (sliced && !o.layer.empty()) {
    std::vector<std::vector<uint32_t>> outs;
    for (const Job& j : s.jobs) outs.push_back(j.golden_fp);
    s.layer_golden_fp =
        salsa::AssembleOutputFp(s.gemms, outs, static_cast<int64_t>(s.layer_golden_fp.size()));
  }
  return s;
}

Totals SumResults(const std::vector<Job>& jobs, const std::vector<JobResult>& results) {
  Totals t;
  for (size_t i = 0; i < results.size(); ++i) {
    const JobResult& jr = results[i];
    const std::string where =
        results.size() > 1 || jobs.size() > 1 ? "GEMM " + std::to_string(i) + ": " : "";
    for (const auto& e : jr.r.errors) t.r.Fail(where + e);
    t.r.cycles += jr.r.cycles;
    t.r.mismatches += jr.r.mismatches;
    t.r.expected_gated += jr.r.expected_gated;
    t.r.expected_mac_active += jr.r.expected_mac_active;
    t.r.expected_skipped_steps += jr.r.expected_skipped_steps;
    t.r.expected_skipped_wgt_bytes += jr.r.expected_skipped_wgt_bytes;
    t.r.status = jr.r.status;
    t.r.err_code = jr.r.err_code;
    t.r.err_cmd = jr.r.err_cmd;
    t.r.abort_write_cycles += jr.r.abort_write_cycles;  // --abort-at / --reset-at: every GEMM's
    t.r.abort_stop_cycles += jr.r.abort_stop_cycles;
    t.r.abort_err_cmd = jr.r.abort_err_cmd;
    t.r.reset_cycles += jr.r.reset_cycles;
    t.r.measured_cycles += jr.r.measured_cycles;
    if (t.r.bus_phase.empty()) {  // the first GEMM's abort or reset
      t.r.bus_phase = jr.r.bus_phase;
      t.r.abort_at = jr.r.abort_at;
      t.r.reset_at = jr.r.reset_at;
    }
    t.r.ecc_corrected += jr.r.ecc_corrected;
    if (t.r.ecc_status == 0) t.r.ecc_status = jr.r.ecc_status;
    t.r.flips_injected += jr.r.flips_injected;
    t.r.flips_read += jr.r.flips_read;
    t.r.corrupted_reads += jr.r.corrupted_reads;
    if (t.r.ecc_detected.empty()) t.r.ecc_detected = jr.r.ecc_detected;
    for (unsigned c = 0; c < salsa::contract::kNumCounters; ++c)
      t.r.counters[c] += jr.r.counters[c];
    t.stats.read_beats += jr.dram.read_beats;
    t.stats.write_beats += jr.dram.write_beats;
    t.stats.violations += jr.dram.violations;
    t.stats.max_reads_in_flight =
        std::max(t.stats.max_reads_in_flight, jr.dram.max_reads_in_flight);
    t.violations.insert(t.violations.end(), jr.violations.begin(), jr.violations.end());
    t.macs += static_cast<uint64_t>(jobs[i].fc.M) * jobs[i].fc.K * jobs[i].fc.N;
  }
  return t;
}

std::optional<int> SetUpRunOrReport(const Options& o, const salsa::HwParams& hw, Setup* setup) {
  try {
    *setup = SetUpRun(o, hw);
  } catch (const BadInput& e) {
    std::cerr << "salsa_harness: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "salsa_harness: " << (o.layer.empty() ? "layer" : o.layer)
              << " cannot run on config " << kBuildInfo.name << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

}  // namespace salsa::harness
