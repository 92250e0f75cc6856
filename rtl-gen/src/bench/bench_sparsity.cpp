// salsa bench's sparsity suite: its cases, the ratios against the dense reference and the issue-5
// targets (its CSV/JSON fields, Markdown section and plot: bench_sparsity_report.cpp).
#include "bench/bench_sparsity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace salsa::bench {

// ---- the suite ----------------------------------------------------------------------------------

namespace {

SparsityCase Case(const BenchCase& shape, double zeros, const std::string& pattern, bool skip,
                  bool dense_reference = false) {
  SparsityCase c;
  c.shape = shape;
  c.run.in_suite = true;
  c.run.zero_fraction = zeros;
  c.run.pattern = pattern;
  c.run.zero_skip = skip;
  c.run.dense_reference = dense_reference;
  return c;
}

SparsityCase Case24(const BenchCase& shape, bool structured) {
  SparsityCase c = Case(shape, 0.0, "uniform", false, !structured);
  c.run.w2of4 = true;
  c.run.structured = structured;
  return c;
}

bool SameFraction(double a, double b) { return std::fabs(a - b) < 1e-9; }

}  // namespace

bool IsPattern(const SparsityRun& s, const std::string& p) {
  return (s.pattern.empty() ? std::string("uniform") : s.pattern) == p;
}

std::string Percent0(double v) { return Fixed(100.0 * v, 0) + "%"; }

const std::vector<double>& SparsityGemvZeroFractions() {
  static const std::vector<double> z = {0.0, 0.25, 0.5, 0.75, 0.9};
  return z;
}

std::vector<SparsityCase> SparsitySuite(bool quick) {
  const BenchCase gemv =
      quick ? GemmCase("sparse decode", 1, 512, 512) : GemmCase("sparse decode", 1, 4096, 4096);
  const BenchCase gemm =
      quick ? GemmCase("sparse prefill", 64, 256, 64) : GemmCase("sparse prefill", 256, 512, 512);
  std::vector<SparsityCase> out;
  out.push_back(Case(gemv, 0.0, "uniform", false, true));
  for (double z : SparsityGemvZeroFractions()) out.push_back(Case(gemv, z, "uniform", true));
  out.push_back(Case(gemm, 0.0, "uniform", false, true));
  out.push_back(Case(gemm, 0.0, "uniform", true));
  out.push_back(Case(gemm, 0.5, "uniform", false));
  out.push_back(Case(gemm, 0.5, "uniform", true));
  out.push_back(Case(gemm, 0.5, "clustered", true));
  return out;
}

std::vector<SparsityCase> Structured24Suite(bool quick) {
  const BenchCase gemm =
      quick ? GemmCase("2:4 prefill", 64, 256, 64) : GemmCase("2:4 prefill", 512, 512, 512);
  const BenchCase gemv =
      quick ? GemmCase("2:4 decode", 1, 512, 512) : GemmCase("2:4 decode", 1, 4096, 4096);
  return {Case24(gemm, false), Case24(gemm, true), Case24(gemv, false), Case24(gemv, true)};
}

std::vector<std::string> SparsityHarnessArgs(const SparsityRun& s) {
  if (s.w2of4) return {"--weights-2of4", "--structured", s.structured ? "on" : "off"};
  char z[32];
  std::snprintf(z, sizeof z, "%g", s.zero_fraction);
  return {"--sparsity",         z,
          "--sparsity-pattern", s.pattern.empty() ? "uniform" : s.pattern,
          "--zero-skip",        s.zero_skip ? "on" : "off"};
}

std::string SparsityLabel(const SparsityRun& s) {
  if (s.w2of4) {
    return std::string("2:4 weights, structured ") + (s.structured ? "on" : "off") +
           (s.dense_reference ? " (dense reference)" : "");
  }
  return Percent0(s.zero_fraction) + " " + (s.pattern.empty() ? "uniform" : s.pattern) +
         " zeros, zero-skip " + (s.zero_skip ? "on" : "off") +
         (s.dense_reference ? " (dense reference)" : "");
}

void FillZeroSkipFields(const nlohmann::json& j, bool hw_zero_skip, CaseResult* r) {
  auto count = [&](const std::string& key) -> uint64_t {
    if (!j.is_object() || !j.contains(key)) {
      if (!hw_zero_skip) return 0;
      throw std::invalid_argument("harness JSON has no '" + key +
                                  "' (the preset has sparsity.zero_skip)");
    }
    const auto& v = j.at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
      throw std::invalid_argument("harness JSON '" + key + "' is not a count");
    }
    return v.get<uint64_t>();
  };
  r->skipped_steps = count("skipped_steps");
  r->skipped_wgt_bytes = count("skipped_wgt_bytes");
  if (j.is_object() && j.contains("zero_skip")) {
    if (!j.at("zero_skip").is_boolean()) {
      throw std::invalid_argument("harness JSON 'zero_skip' is not a boolean");
    }
    r->zero_skip_ran = j.at("zero_skip").get<bool>();
  } else {
    r->zero_skip_ran = hw_zero_skip && (!r->sparsity.in_suite || r->sparsity.zero_skip);
  }
  r->act_zero_fraction = -1;
  if (j.is_object() && j.contains("act_zero_fraction") && j.at("act_zero_fraction").is_number()) {
    r->act_zero_fraction = j.at("act_zero_fraction").get<double>();
  }
}

// ---- ratios -------------------------------------------------------------------------------------

SparsityRatios ComputeSparsityRatios(const CaseResult& run, const CaseResult& dense) {
  SparsityRatios s;
  s.dense_cycles = dense.cycles;
  s.dense_dram_bytes = dense.dram_read_bytes + dense.dram_write_bytes;
  const uint64_t bytes = run.dram_read_bytes + run.dram_write_bytes;
  if (s.dense_cycles == 0 || s.dense_dram_bytes == 0 || run.cycles == 0) return s;
  s.valid = true;
  s.cycles_ratio = static_cast<double>(run.cycles) / static_cast<double>(s.dense_cycles);
  s.dram_ratio = static_cast<double>(bytes) / static_cast<double>(s.dense_dram_bytes);
  s.speedup = static_cast<double>(s.dense_cycles) / static_cast<double>(run.cycles);
  return s;
}

const CaseResult* FindDenseReference(const CaseResult& run,
                                     const std::vector<CaseResult>& results) {
  if (!run.sparsity.in_suite) return nullptr;
  for (const CaseResult& d : results) {
    if (d.sparsity.in_suite && d.sparsity.dense_reference && d.preset == run.preset &&
        d.latency == run.latency && d.bench_case.name == run.bench_case.name) {
      return &d;
    }
  }
  return nullptr;
}

SparsityRatios RatiosFor(const CaseResult& run, const std::vector<CaseResult>& results) {
  const CaseResult* d = FindDenseReference(run, results);
  return d ? ComputeSparsityRatios(run, *d) : SparsityRatios{};
}

// ---- targets ------------------------------------------------------------------------------------

namespace {

// A ratio target of run (the last result `matches` accepts) against its dense reference.
TargetCheck RatioTarget(const std::string& target, const std::string& preset, bool bytes,
                        double max, bool lat100, const std::vector<CaseResult>& results,
                        const std::function<bool(const CaseResult&)>& matches) {
  TargetCheck t;
  t.target = target;
  t.preset = preset;
  t.latency = 100;
  t.metric = bytes ? "DRAM bytes / dense DRAM bytes" : "cycles / dense cycles";
  t.threshold = max;
  const CaseResult* run = nullptr;
  for (const CaseResult& r : results) {
    if (r.sparsity.in_suite && r.preset == preset && r.latency == 100 && matches(r)) run = &r;
  }
  const CaseResult* dense = run ? FindDenseReference(*run, results) : nullptr;
  if (run == nullptr) {
    t.not_run = lat100 ? "not run" : "not run: latency 100 not selected (--latencies)";
    return t;
  }
  t.case_name = run->bench_case.name;
  if (dense == nullptr) {
    t.not_run = "not measured: no dense reference run";
    return t;
  }
  const SparsityRatios s = ComputeSparsityRatios(*run, *dense);
  t.measured = bytes ? s.dram_ratio : s.cycles_ratio;
  t.met = s.valid && run->pass && dense->pass && t.measured <= max;
  return t;
}

}  // namespace

std::vector<TargetCheck> CheckSparsityTargets(const BenchMeta& meta,
                                              const std::vector<CaseResult>& results) {
  const std::vector<SparsityCase> suite = SparsitySuite(meta.quick);
  const std::string gemv_name = suite.front().shape.name;
  std::string gemm_name;
  for (const SparsityCase& c : suite) {
    if (c.shape.M > 1) gemm_name = c.shape.name;
  }
  const bool lat100 =
      std::find(meta.latencies.begin(), meta.latencies.end(), 100u) != meta.latencies.end();
  std::vector<TargetCheck> out;
  bool any24 = false;
  for (const PresetInfo& p : meta.presets) {
    if (p.zero_skip) {
      auto skip = [&](double zeros, bool bytes, double max) {
        TargetCheck t = RatioTarget("zero-skip GEMV, " + Percent0(zeros) +
                                        " zero activations: " + (bytes ? "DRAM bytes" : "cycles") +
                                        " ≤ " + Fixed(max, 2) + "× dense at latency 100",
                                    p.name, bytes, max, lat100, results, [&](const CaseResult& r) {
                                      const SparsityRun& s = r.sparsity;
                                      return !s.dense_reference && s.zero_skip &&
                                             IsPattern(s, "uniform") &&
                                             SameFraction(s.zero_fraction, zeros) &&
                                             !r.bench_case.conv && r.bench_case.M == 1;
                                    });
        if (t.case_name.empty()) t.case_name = gemv_name;
        out.push_back(t);
      };
      skip(0.5, false, kSkip50CyclesMax);
      skip(0.5, true, kSkip50DramMax);
      skip(0.9, false, kSkip90CyclesMax);
    }
    if (p.structured24) {
      any24 = true;
      for (const bool gemv : {false, true}) {
        const double max = gemv ? k2of4GemvDramMax : k2of4GemmCyclesMax;
        out.push_back(RatioTarget(std::string("2:4 structured weights, ") +
                                      (gemv ? "GEMV: DRAM bytes" : "compute-bound GEMM: cycles") +
                                      " ≤ " + Fixed(max, 2) + "× dense at latency 100",
                                  p.name, gemv, max, lat100, results, [&](const CaseResult& r) {
                                    return r.sparsity.w2of4 && r.sparsity.structured &&
                                           (r.bench_case.M == 1) == gemv;
                                  }));
      }
    }
  }
  if (!any24) {
    const std::string none = "not run: no selected preset has sparsity.structured \"2:4\"";
    out.push_back({"2:4 structured weights, compute-bound GEMM: cycles ≤ " +
                       Fixed(k2of4GemmCyclesMax, 2) + "× dense",
                   "none", gemm_name, 100, "cycles / dense cycles", 0, k2of4GemmCyclesMax, false,
                   none});
    out.push_back(
        {"2:4 structured weights, GEMV: DRAM bytes ≤ " + Fixed(k2of4GemvDramMax, 2) + "× dense",
         "none", gemv_name, 100, "DRAM bytes / dense DRAM bytes", 0, k2of4GemvDramMax, false,
         none});
  }
  return out;
}

}  // namespace salsa::bench
