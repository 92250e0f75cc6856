// salsa bench's precision suite (bench_precision.h): cases, ratios, targets and outputs.
#include "bench/bench_precision.h"

#include <gtest/gtest.h>

#include "bench_test_util.h"

namespace salsa::bench {
namespace {

using test::MetaOf;
using test::ParseCsv;
using test::Preset16;

BenchMeta LowpMeta() {
  BenchMeta m = MetaOf("salsa bench --presets llm");
  PresetInfo p = Preset16("llm");
  p.precisions = {"int8", "w4a8", "fp8_e4m3", "fp8_e5m2"};
  m.presets = {p};
  return m;
}

// One run of the suite on preset "llm" at latency 100 with the given cycles, DRAM bytes and
// efficiency / compulsory bandwidth.
CaseResult MakeRun(const PrecisionCase& pc, uint64_t cycles, uint64_t bytes, double eff,
                   double bw) {
  CaseResult r;
  r.preset = "llm";
  r.bench_case = pc.shape;
  r.prec = pc.run;
  r.latency = 100;
  r.pass = true;
  r.cycles = cycles;
  r.dram_read_bytes = bytes;
  r.efficiency = eff;
  r.compulsory_bw = bw;
  return r;
}

TEST(BenchPrecisionSuite, Int8ReferenceFirstThenEachBuiltPrecision) {
  const auto s = PrecisionSuite(false, {"int8", "w4a8", "fp8_e5m2"});
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].shape.name, "gemv_1x4096x4096");
  EXPECT_TRUE(s[0].run.reference);
  EXPECT_EQ(s[0].run.precision, "int8");
  EXPECT_EQ(s[1].run.precision, "w4a8");
  EXPECT_EQ(s[2].run.precision, "fp8_e5m2");
  EXPECT_EQ(s[3].shape.name, "gemm_256x512x512");
  for (const auto& c : s) EXPECT_TRUE(c.run.in_suite);
  EXPECT_EQ(PrecisionSuite(true, {"int8"}).size(), 2u);
  EXPECT_EQ(PrecisionHarnessArgs(s[1].run), (std::vector<std::string>{"--precision", "w4a8"}));
  // A zero-skip preset: the dense runs, then the GEMV again with the zero-skip tiler.
  const auto z = PrecisionSuite(false, {"int8", "w4a8"}, true);
  ASSERT_EQ(z.size(), 6u);
  EXPECT_FALSE(z[0].run.zero_skip);
  EXPECT_TRUE(z[4].run.zero_skip && z[4].run.reference);
  EXPECT_EQ(z[4].shape.name, "gemv_1x4096x4096");
  EXPECT_EQ(PrecisionHarnessArgs(z[5].run, true),
            (std::vector<std::string>{"--precision", "w4a8", "--zero-skip", "on"}));
  EXPECT_EQ(PrecisionHarnessArgs(z[1].run, true),
            (std::vector<std::string>{"--precision", "w4a8", "--zero-skip", "off"}));
}

TEST(BenchPrecisionTargets, RatiosAgainstInt8AndFp8Thresholds) {
  const BenchMeta meta = LowpMeta();
  const auto s = PrecisionSuite(false, meta.presets[0].precisions);
  ASSERT_EQ(s.size(), 8u);
  std::vector<CaseResult> rs = {
      MakeRun(s[0], 1000, 2000, 0.94, 0.94),  // GEMV int8
      MakeRun(s[1], 530, 1000, 0.9, 0.9),     // GEMV w4a8: 0.53 cycles (met), 0.5 bytes
      MakeRun(s[2], 1040, 2000, 0.9, 0.91),   // GEMV e4m3: 0.91 of the bus (met)
      MakeRun(s[3], 1050, 2000, 0.9, 0.89),   // GEMV e5m2: 0.89 (not met)
      MakeRun(s[4], 100, 50, 0.99, 0.1),      // GEMM int8
      MakeRun(s[5], 60, 25, 0.99, 0.1),       // GEMM w4a8 (no GEMM target)
      MakeRun(s[6], 104, 80, 0.951, 0.1),     // GEMM e4m3 (met)
      MakeRun(s[7], 110, 80, 0.949, 0.1)};    // GEMM e5m2 (not met)
  const auto t = CheckPrecisionTargets(meta, rs);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_TRUE(t[0].met) << t[0].target;  // W4A8 cycles 0.53
  EXPECT_DOUBLE_EQ(t[0].measured, 0.53);
  EXPECT_TRUE(t[1].met) << t[1].target;  // W4A8 bytes 0.5
  EXPECT_TRUE(t[2].met) << t[2].target;  // e4m3 GEMM
  EXPECT_TRUE(t[3].met) << t[3].target;  // e4m3 GEMV
  EXPECT_FALSE(t[4].met) << t[4].target;
  EXPECT_FALSE(t[5].met) << t[5].target;
  // A zero-skip run does not count for the targets, nor serve as a dense run's reference.
  CaseResult skip_ref = rs[0];
  skip_ref.prec.zero_skip = true;
  skip_ref.cycles = 10;
  rs.insert(rs.begin(), skip_ref);
  EXPECT_DOUBLE_EQ(CheckPrecisionTargets(meta, rs)[0].measured, 0.53);
  rs.erase(rs.begin());
  rs[1].cycles = 531;
  EXPECT_FALSE(CheckPrecisionTargets(meta, rs)[0].met);
  rs[0].pass = false;  // a failing reference fails the ratio target
  rs[1].cycles = 500;
  EXPECT_FALSE(CheckPrecisionTargets(meta, rs)[0].met);
  // Nothing at latency 100: every target says so.
  BenchMeta m200 = meta;
  m200.latencies = {200};
  for (const auto& x : CheckPrecisionTargets(m200, {})) {
    EXPECT_FALSE(x.met);
    EXPECT_NE(x.not_run.find("latency 100 not selected"), std::string::npos) << x.not_run;
  }
}

TEST(BenchPrecisionOutput, CsvJsonAndMarkdown) {
  const BenchMeta meta = LowpMeta();
  const auto s = PrecisionSuite(true, {"int8", "w4a8"});
  std::vector<CaseResult> rs = {MakeRun(s[0], 1000, 2000, 0.9, 0.9),
                                MakeRun(s[1], 500, 1000, 0.9, 0.9)};
  EXPECT_EQ(PrecisionCsvFields(rs[1], rs),
            (std::vector<std::string>{"w4a8", "1000", "2000", "0.5000", "0.5000"}));
  EXPECT_EQ(ParseCsv(PrecisionCsvHeader() + "\n")[0].size(), 5u);
  CaseResult main_run;
  EXPECT_EQ(PrecisionCsvFields(main_run, rs), (std::vector<std::string>(5, "")));
  nlohmann::json obj;
  AddPrecisionJson(rs[1], rs, &obj);
  EXPECT_EQ(obj["precision"]["cycles_ratio"], 0.5);
  AddPrecisionJson(main_run, rs, &obj);
  EXPECT_TRUE(obj["precision"].is_null());
  const std::string md = PrecisionMarkdown(meta, rs, CheckPrecisionTargets(meta, rs));
  EXPECT_NE(md.find("## Precision suite"), std::string::npos);
  EXPECT_NE(md.find("| llm | gemv_1x512x512 | w4a8 | dense | 100 |"), std::string::npos) << md;
  BenchMeta int8_only = meta;
  int8_only.presets[0].precisions = {"int8"};
  EXPECT_EQ(PrecisionMarkdown(int8_only, {}, {}), "");
}

}  // namespace
}  // namespace salsa::bench
