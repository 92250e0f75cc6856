// salsa bench's sparsity suite (rtl-gen/src/bench/bench_sparsity.h): the suite and its harness
// arguments, the zero-skip JSON fields, the ratios to the dense run, the target checks at their
// thresholds, and the CSV, JSON, Markdown and SVG outputs.
#include "bench/bench_sparsity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/bench_model.h"
#include "bench/bench_report.h"
#include "bench_test_util.h"

namespace salsa::bench {
namespace {

using test::ExpectWellFormed;
using test::ParseCsv;

// ---- suite --------------------------------------------------------------------------------------

TEST(BenchSparsitySuite, GemvCurveAndPrefillWithTheirDenseReferences) {
  const auto s = SparsitySuite(false);
  ASSERT_EQ(s.size(), 11u);  // GEMV: reference + 5 fractions; GEMM: reference + 4
  EXPECT_EQ(s[0].shape.name, "gemv_1x4096x4096");
  EXPECT_TRUE(s[0].run.dense_reference);
  EXPECT_FALSE(s[0].run.zero_skip);
  EXPECT_EQ(s[0].run.zero_fraction, 0.0);
  for (size_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(s[i].shape.name, "gemv_1x4096x4096");
    EXPECT_TRUE(s[i].run.zero_skip);
    EXPECT_FALSE(s[i].run.dense_reference);
    EXPECT_EQ(s[i].run.pattern, "uniform");
    EXPECT_DOUBLE_EQ(s[i].run.zero_fraction, SparsityGemvZeroFractions()[i - 1]);
  }
  EXPECT_EQ(SparsityGemvZeroFractions(), (std::vector<double>{0, 0.25, 0.5, 0.75, 0.9}));
  int refs = 0, clustered = 0;
  for (const auto& c : s) {
    EXPECT_TRUE(c.run.in_suite);
    EXPECT_FALSE(c.shape.conv);
    refs += c.run.dense_reference;
    clustered += c.run.pattern == "clustered";
    if (c.shape.M > 1) {
      EXPECT_EQ(c.shape.name, "gemm_256x512x512");
    }
  }
  EXPECT_EQ(refs, 2);
  EXPECT_EQ(clustered, 1);
  EXPECT_EQ(SparsitySuite(true)[0].shape.name, "gemv_1x512x512");
  EXPECT_EQ(SparsitySuite(true).size(), s.size());
}

TEST(BenchSparsitySuite, HarnessArgumentsAndLabel) {
  SparsityRun r;
  r.in_suite = true;
  r.zero_fraction = 0.25;
  r.pattern = "clustered";
  r.zero_skip = true;
  EXPECT_EQ(SparsityHarnessArgs(r),
            (std::vector<std::string>{"--sparsity", "0.25", "--sparsity-pattern", "clustered",
                                      "--zero-skip", "on"}));
  EXPECT_EQ(SparsityLabel(r), "25% clustered zeros, zero-skip on");
  r.zero_fraction = 0;
  r.pattern = "";
  r.zero_skip = false;
  r.dense_reference = true;
  EXPECT_EQ(SparsityHarnessArgs(r),
            (std::vector<std::string>{"--sparsity", "0", "--sparsity-pattern", "uniform",
                                      "--zero-skip", "off"}));
  EXPECT_EQ(SparsityLabel(r), "0% uniform zeros, zero-skip off (dense reference)");
}

// ---- harness JSON -------------------------------------------------------------------------------

TEST(BenchSparsityJson, ZeroSkipCountersAreRequiredOnlyOnZeroSkipHardware) {
  nlohmann::json j = {{"skipped_steps", 120},
                      {"skipped_wgt_bytes", 30720},
                      {"zero_skip", true},
                      {"act_zero_fraction", 0.5}};
  CaseResult r;
  FillZeroSkipFields(j, true, &r);
  EXPECT_EQ(r.skipped_steps, 120u);
  EXPECT_EQ(r.skipped_wgt_bytes, 30720u);
  EXPECT_TRUE(r.zero_skip_ran);
  EXPECT_DOUBLE_EQ(r.act_zero_fraction, 0.5);

  // Absent on a preset without zero_skip: 0.
  const nlohmann::json none = {{"cycles", 1}};
  CaseResult r2;
  r2.skipped_steps = 9;
  FillZeroSkipFields(none, false, &r2);
  EXPECT_EQ(r2.skipped_steps, 0u);
  EXPECT_EQ(r2.skipped_wgt_bytes, 0u);
  EXPECT_FALSE(r2.zero_skip_ran);
  EXPECT_EQ(r2.act_zero_fraction, -1);

  // Absent on zero_skip hardware: an error naming the field.
  for (const char* key : {"skipped_steps", "skipped_wgt_bytes"}) {
    nlohmann::json k = j;
    k.erase(key);
    CaseResult r3;
    try {
      FillZeroSkipFields(k, true, &r3);
      ADD_FAILURE() << "no error for a missing " << key;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
  nlohmann::json bad = j;
  bad["skipped_steps"] = -1;
  CaseResult r4;
  EXPECT_THROW(FillZeroSkipFields(bad, true, &r4), std::invalid_argument);
}

// ---- ratios -------------------------------------------------------------------------------------

CaseResult SuiteRun(const std::string& preset, const BenchCase& c, unsigned lat, double zeros,
                    const std::string& pattern, bool skip, bool ref, uint64_t cycles,
                    uint64_t bytes) {
  CaseResult r;
  r.preset = preset;
  r.bench_case = c;
  r.latency = lat;
  r.rows = r.cols = r.bus_bytes = 16;
  r.pass = true;
  r.has_bound_fields = true;
  r.cycles = cycles;
  r.macs = c.GemmM() * c.GemmK() * c.GemmN();
  r.dram_read_bytes = bytes - 1024;
  r.dram_write_bytes = 1024;
  r.sparsity.in_suite = true;
  r.sparsity.zero_fraction = zeros;
  r.sparsity.pattern = pattern;
  r.sparsity.zero_skip = skip;
  r.sparsity.dense_reference = ref;
  r.zero_skip_ran = skip;
  return r;
}

TEST(BenchSparsityRatios, CyclesBytesAndSpeedup) {
  const BenchCase gemv = SparsitySuite(false)[0].shape;
  const CaseResult dense =
      SuiteRun("sparse_16x16", gemv, 100, 0, "uniform", false, true, 1000000, 16000000);
  const CaseResult half =
      SuiteRun("sparse_16x16", gemv, 100, 0.5, "uniform", true, false, 520000, 8400000);
  const SparsityRatios q = ComputeSparsityRatios(half, dense);
  ASSERT_TRUE(q.valid);
  EXPECT_EQ(q.dense_cycles, 1000000u);
  EXPECT_EQ(q.dense_dram_bytes, 16000000u);
  EXPECT_DOUBLE_EQ(q.cycles_ratio, 0.52);
  EXPECT_DOUBLE_EQ(q.dram_ratio, 8400000.0 / 16000000.0);
  EXPECT_DOUBLE_EQ(q.speedup, 1000000.0 / 520000.0);
  const SparsityRatios self = ComputeSparsityRatios(dense, dense);
  EXPECT_DOUBLE_EQ(self.cycles_ratio, 1.0);
  EXPECT_DOUBLE_EQ(self.speedup, 1.0);

  // A failed run (no cycles) or a reference without cycles gives no ratio.
  CaseResult broken = half;
  broken.cycles = 0;
  EXPECT_FALSE(ComputeSparsityRatios(broken, dense).valid);
  EXPECT_FALSE(ComputeSparsityRatios(half, broken).valid);

  // The reference is found by preset, latency and case; not for main-suite runs.
  std::vector<CaseResult> rs = {
      SuiteRun("sparse_16x16", gemv, 200, 0, "uniform", false, true, 2000000, 16000000), dense,
      half};
  EXPECT_EQ(FindDenseReference(half, rs), &rs[1]);
  EXPECT_DOUBLE_EQ(RatiosFor(half, rs).cycles_ratio, 0.52);
  CaseResult other = half;
  other.preset = "other";
  EXPECT_EQ(FindDenseReference(other, rs), nullptr);
  EXPECT_FALSE(RatiosFor(other, rs).valid);
  CaseResult main_run = half;
  main_run.sparsity = SparsityRun{};
  EXPECT_EQ(FindDenseReference(main_run, rs), nullptr);
}

// ---- targets ------------------------------------------------------------------------------------

BenchMeta SparseMeta(bool with_default = false) {
  BenchMeta m = test::MetaOf("salsa bench");
  PresetInfo p = test::Preset16("sparse_16x16");
  p.zero_skip = true;
  if (with_default) {
    PresetInfo d = p;
    d.name = "default";
    d.zero_skip = false;
    m.presets.push_back(d);
  }
  m.presets.push_back(p);
  return m;
}

// The whole suite on sparse_16x16 at latencies 100 and 200, with cycles and bytes scaled from the
// dense run: GEMV cycles `cyc[z]` and bytes `byt[z]` times dense for each zero fraction index.
std::vector<CaseResult> SuiteResults(const std::vector<double>& cyc,
                                     const std::vector<double>& byt) {
  std::vector<CaseResult> out;
  const uint64_t dc = 1000000, db = 16000000;
  for (unsigned lat : {100u, 200u}) {
    for (const SparsityCase& c : SparsitySuite(false)) {
      double fc = 1, fb = 1;
      if (c.shape.M == 1 && !c.run.dense_reference) {
        size_t i = 0;
        while (SparsityGemvZeroFractions()[i] != c.run.zero_fraction) ++i;
        fc = cyc[i];
        fb = byt[i];
      }
      out.push_back(SuiteRun("sparse_16x16", c.shape, lat, c.run.zero_fraction, c.run.pattern,
                             c.run.zero_skip, c.run.dense_reference,
                             static_cast<uint64_t>(dc * fc + 0.5),
                             static_cast<uint64_t>(db * fb + 0.5)));
    }
  }
  return out;
}

TEST(BenchSparsityTargets, MetAndNotMetAtTheThresholds) {
  // Exactly at the thresholds: met (<=).
  auto rs = SuiteResults({1.0, 0.8, 0.55, 0.3, 0.15}, {1.0, 0.8, 0.55, 0.3, 0.12});
  auto t = CheckSparsityTargets(SparseMeta(), rs);
  ASSERT_EQ(t.size(), 5u);  // 50% cycles, 50% bytes, 90% cycles, two 2:4 rows
  EXPECT_EQ(t[0].preset, "sparse_16x16");
  EXPECT_EQ(t[0].case_name, "gemv_1x4096x4096");
  EXPECT_EQ(t[0].latency, 100u);
  EXPECT_EQ(t[0].metric, "cycles / dense cycles");
  EXPECT_DOUBLE_EQ(t[0].threshold, 0.55);
  EXPECT_NEAR(t[0].measured, 0.55, 1e-9);
  EXPECT_TRUE(t[0].met);
  EXPECT_EQ(t[1].metric, "DRAM bytes / dense DRAM bytes");
  EXPECT_NEAR(t[1].measured, 0.55, 1e-9);
  EXPECT_TRUE(t[1].met);
  EXPECT_DOUBLE_EQ(t[2].threshold, 0.15);
  EXPECT_NEAR(t[2].measured, 0.15, 1e-9);
  EXPECT_TRUE(t[2].met);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(t[i].not_run.empty());
  for (size_t i = 3; i < 5; ++i) {
    EXPECT_FALSE(t[i].met);
    EXPECT_EQ(t[i].not_run, "not run: no selected preset has sparsity.structured \"2:4\"");
    EXPECT_NE(t[i].target.find("2:4"), std::string::npos);
  }
  EXPECT_DOUBLE_EQ(t[3].threshold, 0.55);
  EXPECT_DOUBLE_EQ(t[4].threshold, 0.65);

  // Just above: not met.
  rs = SuiteResults({1.0, 0.8, 0.5501, 0.3, 0.1501}, {1.0, 0.8, 0.5501, 0.3, 0.12});
  t = CheckSparsityTargets(SparseMeta(), rs);
  EXPECT_FALSE(t[0].met);
  EXPECT_FALSE(t[1].met);
  EXPECT_FALSE(t[2].met);

  // A failing run, or a failing dense reference, does not meet its target.
  rs = SuiteResults({1.0, 0.8, 0.5, 0.3, 0.1}, {1.0, 0.8, 0.5, 0.3, 0.1});
  for (auto& r : rs) {
    if (r.latency == 100 && r.bench_case.M == 1 && r.sparsity.zero_fraction == 0.9) r.pass = false;
  }
  t = CheckSparsityTargets(SparseMeta(), rs);
  EXPECT_TRUE(t[0].met);
  EXPECT_FALSE(t[2].met);
  for (auto& r : rs) {
    if (r.latency == 100 && r.bench_case.M == 1 && r.sparsity.dense_reference) r.pass = false;
  }
  t = CheckSparsityTargets(SparseMeta(), rs);
  EXPECT_FALSE(t[0].met);
  EXPECT_FALSE(t[1].met);
}

TEST(BenchSparsityTargets, OnlyZeroSkipPresetsAndMissingRunsSaySo) {
  const auto rs = SuiteResults({1, 0.8, 0.5, 0.3, 0.1}, {1, 0.8, 0.5, 0.3, 0.1});
  // The default preset (no zero_skip) adds no rows.
  EXPECT_EQ(CheckSparsityTargets(SparseMeta(true), rs).size(), 5u);
  // Latency 100 not selected: the rows say so and are not met.
  BenchMeta m = SparseMeta();
  m.latencies = {200};
  std::vector<CaseResult> at200;
  for (const auto& r : rs) {
    if (r.latency == 200) at200.push_back(r);
  }
  const auto t = CheckSparsityTargets(m, at200);
  ASSERT_EQ(t.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(t[i].met);
    EXPECT_NE(t[i].not_run.find("latency 100"), std::string::npos) << t[i].not_run;
  }
  // No zero-skip preset: only the 2:4 rows.
  BenchMeta d = SparseMeta(true);
  d.presets.pop_back();
  EXPECT_EQ(CheckSparsityTargets(d, {}).size(), 2u);
}

// ---- outputs ------------------------------------------------------------------------------------

size_t CountOf(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

TEST(BenchSparsityOutput, CsvKeepsTheMainColumnsAndAddsTheSparsityOnes) {
  auto rs = SuiteResults({1, 0.8, 0.5, 0.3, 0.1}, {1, 0.8, 0.5, 0.3, 0.1});
  CaseResult main_run = rs[0];
  main_run.sparsity = SparsityRun{};
  main_run.error = "a, \"quoted\" error";
  rs.insert(rs.begin(), main_run);
  const auto rows = ParseCsv(ToCsv(rs));
  ASSERT_EQ(rows.size(), rs.size() + 1);
  const size_t main_columns = 47, sparsity_columns = 13, precision_columns = 5;
  for (const auto& r : rows) {
    EXPECT_EQ(r.size(), main_columns + sparsity_columns + precision_columns);
  }
  const size_t last_sparsity = main_columns + sparsity_columns - 1;
  EXPECT_EQ(rows[0][0], "preset");
  EXPECT_EQ(rows[0][main_columns - 1], "error");  // the main columns are unchanged
  EXPECT_EQ(rows[0][main_columns], "suite");
  EXPECT_EQ(rows[0][last_sparsity], "speedup");
  EXPECT_EQ(rows[0].back(), "precision_dram_ratio");
  EXPECT_EQ(ParseCsv(SparsityCsvHeader() + "\n")[0].size(), sparsity_columns);
  EXPECT_EQ(rows[1][main_columns - 1], main_run.error);
  EXPECT_EQ(rows[1][main_columns], "main");
  EXPECT_EQ(rows[1][last_sparsity], "");  // no ratio for a main-suite run
  // rs[4] (row 5): the GEMV at 50%, zero-skip on, latency 100.
  const auto& half = rows[5];
  EXPECT_EQ(half[main_columns], "sparsity");
  EXPECT_EQ(half[main_columns + 1], "0.5000");
  EXPECT_EQ(half[main_columns + 2], "uniform");
  EXPECT_EQ(half[main_columns + 3], "on");
  EXPECT_EQ(half[main_columns + 10], "0.5000");  // cycles_ratio
  EXPECT_EQ(half[last_sparsity], "2.0000");      // speedup
  EXPECT_EQ(half.back(), "");                    // not a precision-suite run
}

TEST(BenchSparsityOutput, JsonHasTheSparsityFieldsAndTheNotRunTargets) {
  const auto rs = SuiteResults({1, 0.8, 0.5, 0.3, 0.1}, {1, 0.8, 0.5, 0.3, 0.1});
  const BenchMeta meta = SparseMeta();
  const auto j = ToJson(meta, rs, CheckSparsityTargets(meta, rs));
  ASSERT_EQ(j["results"].size(), rs.size());
  const auto& half = j["results"][3];
  EXPECT_EQ(half["suite"], "sparsity");
  EXPECT_DOUBLE_EQ(half["sparsity"]["zero_fraction"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(half["sparsity"]["cycles_ratio"].get<double>(), 0.5);
  EXPECT_EQ(half["sparsity"]["dense_cycles"], 1000000);
  EXPECT_EQ(half["skipped_steps"], 0);
  EXPECT_TRUE(j["presets"][0]["zero_skip"].get<bool>());
  const auto& last = j["targets"].back();
  EXPECT_TRUE(last["measured"].is_null());
  EXPECT_EQ(last["not_run"], "not run: no selected preset has sparsity.structured \"2:4\"");
  EXPECT_FALSE(last["met"].get<bool>());
  EXPECT_TRUE(j["targets"][0]["not_run"].is_null());
}

TEST(BenchSparsityOutput, MarkdownSectionInsideBenchmarksMd) {
  auto rs = SuiteResults({1, 0.8, 0.5, 0.3, 0.1}, {1, 0.8, 0.5, 0.3, 0.1});
  const BenchMeta meta = SparseMeta();
  const auto st = CheckSparsityTargets(meta, rs);
  const std::string sec = SparsityMarkdown(meta, rs, st, "bench/sparsity.svg");
  EXPECT_NE(sec.find("## Sparsity results"), std::string::npos);
  EXPECT_NE(sec.find("![speedup against density](bench/sparsity.svg)"), std::string::npos);
  EXPECT_NE(sec.find("not run: no selected preset has sparsity.structured \"2:4\""),
            std::string::npos);
  EXPECT_NE(sec.find("| sparse_16x16 | GEMV 1×4096×4096 | 100 | 50% | on | 500,000 | 0.500 |"),
            std::string::npos);
  EXPECT_NE(sec.find("| 50% clustered | on |"), std::string::npos);
  EXPECT_NE(sec.find("off (dense reference)"), std::string::npos);
  // Inside benchmarks.md: the run count covers the sparsity runs; the main tables do not list them.
  const std::string md = ToMarkdown(meta, rs, CheckTargets(rs), "bench/roofline.svg", sec);
  EXPECT_NE(md.find("22 of 22 runs pass** (22 of them in the sparsity suite)"), std::string::npos);
  EXPECT_NE(md.find("## Sparsity suite (zero-skip)"), std::string::npos);  // the explanation
  EXPECT_LT(md.find("## Energy estimate"), md.find("## Sparsity results"));
  EXPECT_LT(md.find("## Sparsity results"), md.find("## Simulation speed\n\nNoisy"));
  const size_t table = md.find("## Results");
  const std::string results_table =
      md.substr(table, md.find("## Where the cycles go", table) - table);
  EXPECT_EQ(results_table.find("sparse_16x16"), std::string::npos);
  // No zero-skip preset: the section says so and still lists the 2:4 rows.
  BenchMeta d = SparseMeta(true);
  d.presets.pop_back();
  const std::string none = SparsityMarkdown(d, {}, CheckSparsityTargets(d, {}), "x.svg");
  EXPECT_NE(none.find("No selected preset has `sparsity.zero_skip: true`"), std::string::npos);
  EXPECT_NE(none.find("2:4"), std::string::npos);
  EXPECT_EQ(none.find("x.svg"), std::string::npos);
}

TEST(BenchSparsityOutput, SvgHasAPointPerGemvRunAndTheIdealCurve) {
  auto rs = SuiteResults({1, 0.8, 0.5, 0.3, 0.1}, {1, 0.8, 0.5, 0.3, 0.1});
  const std::string svg = SparsitySvg(SparseMeta(), rs);
  ExpectWellFormed(svg);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  // 5 zero-skip GEMV runs at 2 latencies; the dense references and the GEMM are not plotted.
  EXPECT_EQ(CountOf(svg, "<circle"), 10u);
  EXPECT_EQ(CountOf(svg, "<polyline"), 3u);  // two lines + the ideal
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("ideal: 1 / density"), std::string::npos);
  EXPECT_NE(svg.find("sparse_16x16, latency 200"), std::string::npos);
  EXPECT_NE(svg.find("speedup 10.00"), std::string::npos);  // 90% zeros at 0.1x the cycles
  // A run without a dense reference has no point.
  rs.erase(rs.begin());  // the latency-100 GEMV reference
  EXPECT_EQ(CountOf(SparsitySvg(SparseMeta(), rs), "<circle"), 5u);
  // No runs: still a valid plot, with a note.
  const std::string empty = SparsitySvg(SparseMeta(), {});
  ExpectWellFormed(empty);
  EXPECT_EQ(CountOf(empty, "<circle"), 0u);
  EXPECT_NE(empty.find("no zero-skip runs"), std::string::npos);
}

TEST(BenchSparsityTargets, StructuredPresetGetsTwoChecks) {
  BenchMeta meta;
  meta.latencies = {100};
  PresetInfo p;
  p.name = "s24";
  p.structured24 = true;
  meta.presets = {p};
  std::vector<CaseResult> results;
  for (const SparsityCase& c : Structured24Suite(false)) {
    CaseResult r;
    r.preset = "s24";
    r.bench_case = c.shape;
    r.latency = 100;
    r.pass = true;
    r.sparsity = c.run;
    const bool gemv = c.shape.M == 1;
    r.cycles = c.run.structured ? (gemv ? 950 : 540) : 1000;
    r.dram_read_bytes = c.run.structured ? (gemv ? 640 : 700) : 1000;
    results.push_back(r);
  }
  const std::vector<TargetCheck> t = CheckSparsityTargets(meta, results);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_TRUE(t[0].met);  // GEMM cycles 0.54 <= 0.55
  EXPECT_NEAR(t[0].measured, 0.54, 1e-9);
  EXPECT_TRUE(t[1].met);  // GEMV bytes 0.64 <= 0.65
  EXPECT_NEAR(t[1].measured, 0.64, 1e-9);
  results[1].cycles = 560;  // 0.56: not met
  EXPECT_FALSE(CheckSparsityTargets(meta, results)[0].met);
  EXPECT_EQ(SparsityHarnessArgs(results[1].sparsity),
            (std::vector<std::string>{"--weights-2of4", "--structured", "on"}));
}

}  // namespace
}  // namespace salsa::bench
