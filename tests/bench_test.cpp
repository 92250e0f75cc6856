// salsa bench's pure parts: suite, list parsing, roofline, energy model, harness JSON, targets and
// the CSV / Markdown / SVG writers; and the conv layer file it writes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_layers.h"
#include "bench/bench_model.h"
#include "bench/bench_report.h"
#include "bench_test_util.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_spec.h"

namespace salsa::bench {
namespace {

using test::ExpectWellFormed;
using test::ParseCsv;

// ---- suite and options
// ----------------------------------------------------------------------------

TEST(BenchSuite, FullSuiteIsTheIssuesList) {
  const auto s = Suite(false);
  std::vector<std::string> names;
  for (const auto& c : s) names.push_back(c.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"gemv_1x4096x4096", "gemv_1x2048x2048", "gemm_8x2048x2048",
                                      "gemm_256x512x512", "gemm_512x512x512", "gemm_64x4096x256",
                                      "conv3x3_56x56x64_64"}));
  const BenchCase& conv = s.back();
  EXPECT_TRUE(conv.conv);
  EXPECT_EQ(conv.GemmM(), 56u * 56u);
  EXPECT_EQ(conv.GemmK(), 9u * 64u);
  EXPECT_EQ(conv.GemmN(), 64u);
  EXPECT_EQ(s[0].Describe(), "GEMV 1×4096×4096");
}

TEST(BenchSuite, QuickSuiteIsSmall) {
  const auto s = Suite(true);
  ASSERT_FALSE(s.empty());
  uint64_t macs = 0;
  bool has_conv = false, has_gemv = false;
  for (const auto& c : s) {
    macs += c.GemmM() * c.GemmK() * c.GemmN();
    has_conv |= c.conv;
    has_gemv |= !c.conv && c.M == 1;
  }
  EXPECT_LT(macs, 2'000'000u);
  EXPECT_TRUE(has_conv);
  EXPECT_TRUE(has_gemv);
}

TEST(BenchOptions, Latencies) {
  EXPECT_EQ(ParseLatencies("100,200"), (std::vector<unsigned>{100, 200}));
  EXPECT_EQ(ParseLatencies(" 0 , 7"), (std::vector<unsigned>{0, 7}));
  for (const char* bad : {"", "100,", "1e3", "-5", "abc", "100,100", "100001", "99999999999"}) {
    try {
      ParseLatencies(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("--latencies"), std::string::npos) << m;
      EXPECT_NE(m.find("accepted: comma-separated integers 0..100000"), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
}

TEST(BenchOptions, Presets) {
  const std::vector<std::string> avail = {"default", "rect_12x8", "small_8x8"};
  EXPECT_EQ(ParsePresets("default,small_8x8", avail),
            (std::vector<std::string>{"default", "small_8x8"}));
  for (const char* bad : {"nope", "default,", "default,default", ""}) {
    try {
      ParsePresets(bad, avail);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("--presets"), std::string::npos) << m;
      EXPECT_NE(m.find("default, rect_12x8, small_8x8"), std::string::npos) << m;
    }
  }
}

// ---- roofline
// -------------------------------------------------------------------------------------

TEST(BenchRoofline, GemvIsMemoryBound) {
  // 1x1024x1024 on 16x16, 16 bytes per cycle (docs/performance.md, plus the bias).
  const uint64_t bytes = CompulsoryBytes(1, 1024, 1024, true);
  EXPECT_EQ(bytes, 1024u + 1024u * 1024u + 1024u + 4096u);
  const Roofline r = ComputeRoofline(1 * 1024 * 1024, bytes, 16, 16, 16);
  EXPECT_TRUE(r.memory_bound);
  EXPECT_DOUBLE_EQ(r.compute_cycles, 4096.0);
  EXPECT_DOUBLE_EQ(r.memory_cycles, 1054720.0 / 16);
  EXPECT_DOUBLE_EQ(r.bound, 65920.0);
}

TEST(BenchRoofline, LargeGemmIsComputeBound) {
  const Roofline r =
      ComputeRoofline(256ull * 256 * 256, CompulsoryBytes(256, 256, 256, false), 16, 16, 16);
  EXPECT_FALSE(r.memory_bound);
  EXPECT_DOUBLE_EQ(r.bound, 65536.0);
  EXPECT_DOUBLE_EQ(r.memory_cycles, 3.0 * 65536 / 16);
  EXPECT_THROW(ComputeRoofline(1, 1, 0, 16, 16), std::invalid_argument);
}

TEST(BenchRoofline, Roof) {
  // Ridge at rows*cols / bus = 16 MACs per byte.
  EXPECT_DOUBLE_EQ(RoofMacsPerCycle(1, 16, 16, 16), 16);
  EXPECT_DOUBLE_EQ(RoofMacsPerCycle(16, 16, 16, 16), 256);
  EXPECT_DOUBLE_EQ(RoofMacsPerCycle(100, 16, 16, 16), 256);
  EXPECT_DOUBLE_EQ(RoofMacsPerCycle(0.5, 12, 8, 8), 4);
}

// ---- energy
// ---------------------------------------------------------------------------------------

TEST(BenchEnergy, SramSizes) {
  EXPECT_DOUBLE_EQ(SramPjPer64(2048), 10);
  EXPECT_DOUBLE_EQ(SramPjPer64(8192), 10);
  EXPECT_DOUBLE_EQ(SramPjPer64(8193), 20);
  EXPECT_DOUBLE_EQ(SramPjPer64(32768), 20);
  EXPECT_DOUBLE_EQ(SramPjPer64(65536), 100);
}

EnergyEvents SmallEvents() {
  EnergyEvents ev;
  ev.macs = 2 * 4 * 3;  // a 2x4x3 GEMM on a 2x3 array: 4 K steps
  ev.mac_active = 4;
  ev.rows = 2;
  ev.cols = 3;
  ev.gated_operands = 1;
  ev.act_reads = 4;
  ev.weight_reads = 4;
  ev.act_writes = 4;
  ev.weight_writes = 4;
  ev.acc_reads = 3;   // 2 rows + bias
  ev.acc_writes = 3;  // bias + 2 drained rows
  ev.ppu_rows = 2;
  ev.act_word_bytes = 2;
  ev.weight_word_bytes = 3;
  ev.acc_word_bytes = 12;
  ev.act_bank_bytes = 1024;
  ev.weight_bank_bytes = 16384;
  ev.acc_bank_bytes = 1 << 20;
  ev.dram_bytes = 64;
  return ev;
}

TEST(BenchEnergy, SumsByHand) {
  const Energy e = EstimateEnergy(SmallEvents());
  EXPECT_EQ(e.multiplies, (4u * 2 - 1) * 3);  // 21
  EXPECT_EQ(e.gated_multiplies, 3u);
  EXPECT_NEAR(e.multiply_pj, 21 * 0.2, 1e-9);
  EXPECT_NEAR(e.accumulate_pj, 21 * 0.1, 1e-9);
  EXPECT_NEAR(e.zero_point_pj, 8 * 0.03, 1e-9);
  EXPECT_NEAR(e.ppu_pj, 2 * 3 * 3.3, 1e-9);
  // act: 8 accesses x 16/64 x 10; weight: 8 x 24/64 x 20; acc: 6 x 96/64 x 100.
  EXPECT_NEAR(e.sram_pj, 8 * 0.25 * 10 + 8 * 0.375 * 20 + 6 * 1.5 * 100, 1e-9);
  EXPECT_NEAR(e.dram_pj, 8 * 1300.0, 1e-9);
  const double sum =
      e.multiply_pj + e.accumulate_pj + e.zero_point_pj + e.ppu_pj + e.sram_pj + e.dram_pj;
  EXPECT_NEAR(e.total_pj, sum, 1e-9);
  EXPECT_NEAR(e.pj_per_mac, sum / 24, 1e-9);
  EXPECT_NEAR(e.ungated_total_pj - e.total_pj, 3 * 0.3, 1e-9);
  EXPECT_GT(e.gating_saving, 0);
}

TEST(BenchEnergy, GatingOnlySavesMultiplierAndAccumulatorEnergy) {
  EnergyEvents ev = SmallEvents();
  ev.gated_operands = 0;
  const Energy none = EstimateEnergy(ev);
  ev.gated_operands = 8;  // every operand gated
  const Energy all = EstimateEnergy(ev);
  EXPECT_EQ(all.multiplies, 0u);
  EXPECT_NEAR(none.total_pj - all.total_pj, 24 * 0.3, 1e-9);
  EXPECT_NEAR(all.ungated_total_pj, none.total_pj, 1e-9);
  EXPECT_DOUBLE_EQ(none.gating_saving, 0);
  ev.gated_operands = 1000;  // more than the lanes: clamped, never negative
  EXPECT_EQ(EstimateEnergy(ev).multiplies, 0u);
}

TEST(BenchEnergy, Fp8ComputesPriceTheFp8MultiplyAndTheFp32Add) {
  EnergyEvents ev = SmallEvents();
  ev.fp8 = true;
  const Energy e = EstimateEnergy(ev);
  const EnergyTable t;
  EXPECT_DOUBLE_EQ(t.fp8_mul, 0.2);
  EXPECT_DOUBLE_EQ(t.fp32_add, 0.9);
  EXPECT_NEAR(e.multiply_pj, 21 * 0.2, 1e-9);
  EXPECT_NEAR(e.accumulate_pj, 21 * 0.9, 1e-9);
  EXPECT_DOUBLE_EQ(e.zero_point_pj, 0);  // FP8 has no zero point
  EXPECT_NEAR(e.ungated_total_pj - e.total_pj, 3 * 1.1, 1e-9);
}

// ---- harness JSON and targets
// ---------------------------------------------------------------------

nlohmann::json HarnessJson(uint64_t cycles) {
  return {{"status", "pass"},
          {"error", nullptr},
          {"rows", 16},
          {"cols", 16},
          {"axi_data_bits", 128},
          {"cycles", cycles},
          {"macs", 1024 * 1024},
          {"compulsory_bytes", 1054720},
          {"bound_cycles", 65920.0},
          {"efficiency", 65920.0 / cycles},
          {"dram_read_bytes", 1077280},
          {"dram_write_bytes", 1024},
          {"mac_active", 65536},
          {"stall_load", 70000},
          {"stall_store", 900},
          {"gated_operands", 65536 * 15},
          {"commands", 200},
          {"wall_seconds", 0.5},
          {"events",
           {{"act_reads", 65536},
            {"weight_reads", 65536},
            {"act_writes", 64},
            {"weight_writes", 65536},
            {"acc_reads", 128},
            {"acc_writes", 128},
            {"ppu_rows", 64},
            {"act_word_bytes", 16},
            {"weight_word_bytes", 16},
            {"acc_word_bytes", 64}}}};
}

TEST(BenchJson, FillsAResult) {
  const uint64_t banks[3] = {16384, 16384, 4096};
  CaseResult r;
  FillFromHarnessJson(HarnessJson(73586), banks, &r);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.bus_bytes, 16u);
  EXPECT_TRUE(r.roof.memory_bound);
  EXPECT_NEAR(r.efficiency, 65920.0 / 73586, 1e-12);
  EXPECT_NEAR(r.compulsory_bw, 1054720.0 / (73586.0 * 16), 1e-12);
  EXPECT_NEAR(r.dram_utilization, (1077280.0 + 1024) / (73586.0 * 16), 1e-12);
  EXPECT_EQ(r.seconds_source, "wall_seconds");
  ASSERT_EQ(r.seconds.size(), 1u);
  EXPECT_TRUE(r.has_bound_fields);
  EXPECT_EQ(r.energy.gated_multiplies, 65536u * 15 * 16);  // 15 padded rows of a GEMV
  EXPECT_GT(r.energy.gating_saving, 0);

  nlohmann::json j = HarnessJson(100);
  j["sim_seconds"] = 0.25;
  CaseResult r2;
  FillFromHarnessJson(j, banks, &r2);
  EXPECT_EQ(r2.seconds_source, "sim_seconds");
  EXPECT_DOUBLE_EQ(r2.seconds[0], 0.25);

  j.erase("compulsory_bytes");
  CaseResult r3;
  EXPECT_THROW(FillFromHarnessJson(j, banks, &r3), std::invalid_argument);
}

CaseResult Result(const std::string& preset, const BenchCase& c, unsigned lat, double eff,
                  bool memory, double bw) {
  CaseResult r;
  r.preset = preset;
  r.bench_case = c;
  r.latency = lat;
  r.rows = 16;
  r.cols = 16;
  r.bus_bytes = 16;
  r.pass = true;
  r.efficiency = eff;
  r.roof.memory_bound = memory;
  r.compulsory_bw = bw;
  r.has_bound_fields = true;
  r.cycles = 1000;
  r.macs = 1000;
  r.compulsory_bytes = 100;
  return r;
}

TEST(BenchTargets, ListsEveryQualifyingCaseAndSaysWhetherItIsMet) {
  const auto s = Suite(false);
  std::vector<CaseResult> rs = {
      Result("default", s[0], 100, 0.8, true, 0.91),   // GEMV at 100: met (0.91 >= 0.90)
      Result("default", s[0], 200, 0.8, true, 0.84),   // GEMV at 200: not met (< 0.85)
      Result("default", s[4], 100, 0.95, false, 0.1),  // 512^3 at 100: met
      Result("default", s[4], 200, 0.5, false, 0.1),   // latency 200: not a GEMM target
      Result("default", s[2], 100, 0.5, true, 0.5),    // batched decode, memory-bound: none
  };
  const auto t = CheckTargets(rs);
  ASSERT_EQ(t.size(), 5u);  // 1 GEMM + 2 GEMV + all-pass + JSON fields
  EXPECT_EQ(t[0].case_name, "gemm_512x512x512");
  EXPECT_TRUE(t[0].met);
  EXPECT_EQ(t[1].latency, 100u);
  EXPECT_TRUE(t[1].met);
  EXPECT_EQ(t[2].latency, 200u);
  EXPECT_FALSE(t[2].met);
  EXPECT_DOUBLE_EQ(t[2].threshold, 0.85);
  EXPECT_TRUE(t[3].met);
  EXPECT_TRUE(t[4].met);

  rs[2].efficiency = 0.899;
  rs[3].pass = false;
  const auto t2 = CheckTargets(rs);
  EXPECT_FALSE(t2[0].met);
  EXPECT_FALSE(t2[3].met);
  EXPECT_NEAR(t2[3].measured, 0.8, 1e-12);
}

// ---- writers
// --------------------------------------------------------------------------------------

TEST(BenchWriters, CsvEscaping) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(BenchWriters, Numbers) {
  EXPECT_EQ(Grouped(0), "0");
  EXPECT_EQ(Grouped(999), "999");
  EXPECT_EQ(Grouped(1000), "1,000");
  EXPECT_EQ(Grouped(1234567), "1,234,567");
  EXPECT_EQ(Fixed(0.91249, 3), "0.912");
  EXPECT_EQ(XmlEscape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

BenchMeta Meta() {
  BenchMeta m = test::MetaOf("salsa bench --quick");
  PresetInfo p = test::Preset16("default");
  p.bank_bytes[0] = p.bank_bytes[1] = 16384;
  p.bank_bytes[2] = 4096;
  m.presets.push_back(p);
  return m;
}

std::vector<CaseResult> SomeResults() {
  const uint64_t banks[3] = {16384, 16384, 4096};
  const auto s = Suite(true);
  CaseResult a;
  a.preset = "default";
  a.bench_case = s[0];
  a.latency = 100;
  FillFromHarnessJson(HarnessJson(73586), banks, &a);
  CaseResult b = a;
  b.latency = 200;
  b.pass = false;
  b.error = "output mismatch at (m=0, n=1), \"quoted\" | piped";
  return {a, b};
}

TEST(BenchWriters, CsvHasOneRecordPerResultAndRoundTrips) {
  const auto rs = SomeResults();
  const auto rows = ParseCsv(ToCsv(rs));
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) EXPECT_EQ(r.size(), rows[0].size());
  // The main columns keep their places; the sparsity columns (bench_sparsity_test.cpp) follow.
  ASSERT_GT(rows[0].size(), 46u);
  EXPECT_EQ(rows[0][46], "error");
  EXPECT_EQ(rows[2][46], rs[1].error);
  EXPECT_EQ(rows[1][10], "pass");
  EXPECT_EQ(rows[2][10], "fail");
}

TEST(BenchWriters, MarkdownListsTargetsAndResults) {
  const auto rs = SomeResults();
  const std::string md = ToMarkdown(Meta(), rs, CheckTargets(rs), "bench/roofline.svg");
  EXPECT_EQ(md.rfind("# Benchmarks", 0), 0u);
  EXPECT_NE(md.find("Horowitz"), std::string::npos);
  EXPECT_NE(md.find("not a measurement"), std::string::npos);
  EXPECT_NE(md.find("![roofline](bench/roofline.svg)"), std::string::npos);
  EXPECT_NE(md.find("1 of 2 runs pass"), std::string::npos);
  EXPECT_NE(md.find("| **no** |"), std::string::npos);
  EXPECT_NE(md.find("73,586"), std::string::npos);
  EXPECT_NE(md.find("\\| piped"), std::string::npos);               // a pipe in a cell is escaped
  EXPECT_NE(md.find("| simulated MACs / s |"), std::string::npos);  // simulation speed (issue 15)
}

TEST(BenchWriters, HarnessBuildTimeIsReportedOnlyWhenMeasured) {
  const auto rs = SomeResults();
  BenchMeta meta = Meta();
  EXPECT_EQ(ToMarkdown(meta, rs, CheckTargets(rs), "r.svg").find("Harness build of"),
            std::string::npos);
  EXPECT_FALSE(ToJson(meta, rs, CheckTargets(rs)).contains("harness_build"));
  meta.harness_build_seconds = 23.44;
  meta.harness_build_config = "configs/default.yaml as bench_variant";
  const std::string md = ToMarkdown(meta, rs, CheckTargets(rs), "r.svg");
  EXPECT_NE(md.find("Harness build of a new 16×16 variant (configs/default.yaml as bench_variant"),
            std::string::npos);
  EXPECT_NE(md.find("**23.4 s** wall"), std::string::npos);
  const auto j = ToJson(meta, rs, CheckTargets(rs));
  EXPECT_DOUBLE_EQ(j["harness_build"]["seconds"].get<double>(), 23.44);
}

TEST(BenchWriters, SvgIsWellFormedWithRoofsMarkersAndLabels) {
  const auto rs = SomeResults();
  const std::string svg = RooflineSvg(Meta(), rs);
  ExpectWellFormed(svg);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("MACs per cycle"), std::string::npos);
  EXPECT_NE(svg.find("arithmetic intensity"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);  // the roof
  EXPECT_NE(svg.find("<circle"), std::string::npos);    // latency 100 marker
  EXPECT_NE(svg.find("<rect x=\""), std::string::npos);
  EXPECT_NE(svg.find("default (16×16, 16 B/cycle)"), std::string::npos);  // legend
  // Empty results still give a valid plot.
  ExpectWellFormed(RooflineSvg(Meta(), {}));
}

TEST(BenchWriters, JsonHasResultsAndTargets) {
  const auto rs = SomeResults();
  const auto j = ToJson(Meta(), rs, CheckTargets(rs));
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["cycles"], 73586);
  EXPECT_EQ(j["results"][1]["status"], "fail");
  EXPECT_DOUBLE_EQ(j["energy_table_pj"]["mul8"].get<double>(), 0.2);
  EXPECT_FALSE(j["targets"].empty());
}

// ---- the conv layer file
// ----------------------------------------------------------------------------

TEST(BenchLayers, ConvLayerLoadsAndLowersToTheCaseGemm) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("salsa_bench_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const BenchCase c = Suite(true).back();
  ASSERT_TRUE(c.conv);
  const std::string path = WriteConvLayer(dir.string(), c, 7);
  const LayerSpec spec = LoadLayerSpec(path);
  EXPECT_EQ(spec.op, LayerOp::kConv2d);
  EXPECT_EQ(spec.output_shape,
            (std::vector<int64_t>{1, c.conv_h, c.conv_w, c.conv_out}));  // SAME, stride 1
  const auto gemms = LowerLayer(spec);
  ASSERT_EQ(gemms.size(), 1u);
  EXPECT_EQ(static_cast<uint64_t>(gemms[0].fc.M), c.GemmM());
  EXPECT_EQ(static_cast<uint64_t>(gemms[0].fc.K), c.GemmK());
  EXPECT_EQ(static_cast<uint64_t>(gemms[0].fc.N), c.GemmN());
  // About half the activations sit at the zero point (post-ReLU-like).
  int64_t zeros = 0;
  for (int8_t v : spec.input.data) zeros += v == -128;
  const double share = static_cast<double>(zeros) / spec.input.data.size();
  EXPECT_GT(share, 0.35);
  EXPECT_LT(share, 0.65);
  EXPECT_THROW(WriteConvLayer(dir.string(), Suite(true).front(), 7), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace salsa::bench
