// salsa regress (docs/regress.md): test lists (parsing, errors, expansion), the constrained-random
// generators against what each preset builds, junit escaping, the Slurm scripts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "regress/execute.h"
#include "regress/random_layer.h"
#include "regress/regress_list.h"
#include "regress/reports.h"
#include "regress/runner.h"
#include "regress/slurm.h"
#include "salsa/config.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_spec.h"
#include "salsa/random_config.h"

namespace salsa::regress {
namespace {
namespace fs = std::filesystem;

std::string ErrorOf(const std::string& yaml) {
  try {
    ParseRegressList(yaml, "l.yaml");
  } catch (const ListError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RegressList, ParsesTheSuites) {
  for (const char* suite : {"smoke", "nightly", "failure"}) {
    const RegressList l =
        LoadRegressList(std::string(SALSA_SOURCE_DIR) + "/tests/regress/" + suite + ".yaml");
    EXPECT_EQ(l.suite, suite);
    EXPECT_FALSE(l.tests.empty());
  }
}

TEST(RegressList, ParsesTestsAndSeeds) {
  const RegressList l = ParseRegressList(
      "suite: s\ntimeout_s: 30\ntests:\n"
      "  - {name: a, configs: [default, small_8x8], generator: fc, seeds: 3}\n"
      "  - {name: b, configs: [x/y.yaml], generator: layer, seeds: [5, 9], timeout_s: 7}\n"
      "  - {name: c, configs: [random], args: \"--shape 1x2x3 --seed 4\"}\n",
      "l.yaml");
  ASSERT_EQ(l.tests.size(), 3u);
  EXPECT_EQ(l.timeout_s, 30);
  EXPECT_EQ(l.tests[0].seeds, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(l.tests[1].seeds, (std::vector<uint64_t>{5, 9}));
  EXPECT_EQ(l.tests[1].timeout_s, 7);
  EXPECT_EQ(l.tests[2].args, "--shape 1x2x3 --seed 4");
  EXPECT_EQ(l.tests[2].seeds, (std::vector<uint64_t>{0}));
}

TEST(RegressList, ErrorsAreOneLineWithPositionAndAccepted) {
  EXPECT_EQ(ErrorOf("tests:\n  - name: a\n    configs: [default]\n    generater: fc\n"),
            "l.yaml:4:5: tests[0].generater: unknown key (did you mean 'generator'?); accepted: "
            "name, configs, generator, seeds, args, equiv, timeout_s");
  const std::map<std::string, std::string> cases = {
      {"tests: []\n", "tests: expected a non-empty list"},
      {"suite: s\n", "tests: missing"},
      {"tests:\n  - {name: a, configs: [default]}\n", "none of generator, args and equiv"},
      {"tests:\n  - {name: a, configs: [default], generator: fc, args: x}\n", "two kinds of run"},
      {"tests:\n  - {name: a, configs: [default], generator: fuzz}\n", "unknown generator 'fuzz'"},
      {"tests:\n  - {name: a, configs: [default], args: x, seeds: 2}\n",
       "a fixed-args test has no seeds"},
      {"tests:\n  - {name: a, configs: [default], args: --json}\n", "--json is added"},
      {"tests:\n  - {name: a, configs: [], generator: fc}\n", "configs: expected a list"},
      {"tests:\n  - {name: a, configs: [default, default], generator: fc}\n", "listed twice"},
      {"tests:\n  - {name: A-1, configs: [default], generator: fc}\n", "is not a test name"},
      {"tests:\n  - {name: a, configs: [default], generator: fc, seeds: 0}\n", "out of range"},
      {"tests:\n  - {name: a, configs: [default], generator: fc, seeds: \"3\"}\n",
       "(remove the quotes)"},
      {"tests:\n  - {name: a, configs: [default], generator: fc, seeds: [2, 2]}\n",
       "seed 2 is listed twice"},
      {"tests:\n  - {name: a, configs: [default], generator: fc}\n"
       "  - {name: a, configs: [default], generator: fc}\n",
       "duplicate test name"},
      {"timeout_s: -1\ntests:\n  - {name: a, configs: [default], generator: fc}\n",
       "timeout_s: expected an integer"},
      {"tests: [\n", "YAML syntax error"},
      {"- a\n", "top level is a sequence"},
  };
  for (const auto& [yaml, want] : cases) {
    const std::string got = ErrorOf(yaml);
    EXPECT_NE(got.find(want), std::string::npos) << yaml << "\n -> " << got;
    EXPECT_EQ(got.rfind("l.yaml:", 0), 0u) << got;
    EXPECT_NE(got.find("; accepted: "), std::string::npos) << got;
    EXPECT_EQ(got.find('\n'), std::string::npos) << got;
  }
}

TEST(RegressList, EquivalenceRunsHaveNoSeedsAndExpandWithTheirArgs) {
  const RegressList l = ParseRegressList(
      "tests:\n  - {name: eq, configs: [default, small_8x8], equiv: \"--synth "
      "{source}/rtl/{config}\"}\n",
      "l.yaml");
  ASSERT_EQ(l.tests.size(), 1u);
  EXPECT_EQ(l.tests[0].equiv, "--synth {source}/rtl/{config}");
  EXPECT_TRUE(l.tests[0].generator.empty());
  const std::vector<RunSpec> runs = Expand(l, {});
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].equiv, "--synth {source}/rtl/{config}");
  EXPECT_EQ(runs[1].Id(), "eq/small_8x8/s0");
  EXPECT_NE(ErrorOf("tests:\n  - {name: a, configs: [default], equiv: x, seeds: 2}\n")
                .find("a fixed-args test has no seeds"),
            std::string::npos);
}

TEST(RegressList, MissingFileIsAListError) {
  EXPECT_THROW(LoadRegressList("/nonexistent/list.yaml"), ListError);
}

// A list of a few KiB asked for billions of runs (1000 configs x 10000 seeds: 10 million, 2.9 GB
// before salsa regress said one config was unknown). At most kMaxRuns, counted before anything is
// expanded; the list and the flags together are counted again by Expand.
TEST(RegressList, RunsAreCapped) {
  auto list = [](int tests, int configs, const std::string& seeds) {
    std::string y = "tests:\n";
    for (int t = 0; t < tests; ++t) {
      y += "  - {name: t" + std::to_string(t) + ", generator: fc, seeds: " + seeds + ", configs: [";
      for (int c = 0; c < configs; ++c) y += (c ? ", c" : "c") + std::to_string(c);
      y += "]}\n";
    }
    return y;
  };
  EXPECT_EQ(ErrorOf(list(1, 1000, "10000")),
            "l.yaml:2:5: tests.t0: the list has 10000000 runs up to this test (1000 configs x "
            "10000 seeds here); accepted: at most 1000000 runs in a list (configs x seeds, summed "
            "over the tests)");
  EXPECT_NE(ErrorOf(list(101, 1, "10000")).find("l.yaml:102:5: tests.t100: the list has 1010000"),
            std::string::npos);
  const RegressList at_cap = ParseRegressList(list(100, 1, "10000"), "l.yaml");
  EXPECT_EQ(Expand(at_cap, {}).size(), kMaxRuns);
  // Within the cap as written, over it with --seeds or `random` x --random-configs.
  const RegressList small = ParseRegressList(list(1, 200, "1"), "l.yaml");
  ExpandOptions o;
  o.seeds = 10000;
  try {
    Expand(small, o);
    ADD_FAILURE() << "expanded";
  } catch (const ListError& e) {
    EXPECT_EQ(std::string(e.what()),
              "l.yaml: tests.t0: the list and flags make 2000000 runs up to this test (200 "
              "configs x 10000 seeds here); accepted: at most 1000000 runs before --filter (fewer "
              "configs or seeds, or a smaller --seeds or --random-configs)");
  }
  const RegressList rnd = ParseRegressList(
      "tests:\n  - {name: r, configs: [random], generator: fc, seeds: 2000}\n", "l.yaml");
  o = ExpandOptions{};
  o.random_configs.assign(500, "rand");
  EXPECT_EQ(Expand(rnd, o).size(), kMaxRuns);
  o.random_configs.push_back("rand_x");
  EXPECT_THROW(Expand(rnd, o), ListError);
}

TEST(RegressExpand, EveryTestConfigSeed) {
  const RegressList l = ParseRegressList(
      "timeout_s: 30\ntests:\n"
      "  - {name: a, configs: [default, cfg/mine.yaml], generator: fc, seeds: 2}\n"
      "  - {name: r, configs: [random], generator: mixed, seeds: [4], timeout_s: 9}\n"
      "  - {name: f, configs: [small_8x8], args: \"--shape 1x2x3\"}\n",
      "l.yaml");
  ExpandOptions o;
  o.random_configs = {"rand_11", "rand_12"};
  std::vector<RunSpec> runs = Expand(l, o);
  std::vector<std::string> ids;
  for (const auto& r : runs) ids.push_back(r.Id());
  EXPECT_EQ(ids, (std::vector<std::string>{"a/default/s1", "a/default/s2", "a/mine/s1", "a/mine/s2",
                                           "r/rand_11/s4", "r/rand_12/s4", "f/small_8x8/s0"}));
  EXPECT_EQ(runs[0].timeout_s, 30);
  EXPECT_EQ(runs[4].timeout_s, 9);
  EXPECT_EQ(runs[6].args, "--shape 1x2x3");
  // --seeds, --seed-base (fixed-args runs keep seed 0), --timeout, --filter.
  o.seeds = 3;
  o.seed_base = 100;
  o.timeout_s = 5;
  o.filter = "^(a/default|f/)";
  runs = Expand(l, o);
  ids.clear();
  for (const auto& r : runs) ids.push_back(r.Id());
  EXPECT_EQ(ids, (std::vector<std::string>{"a/default/s101", "a/default/s102", "a/default/s103",
                                           "f/small_8x8/s0"}));
  for (const auto& r : runs) EXPECT_EQ(r.timeout_s, 5);
  // No random configs: `random` expands to nothing.
  EXPECT_EQ(Expand(l, ExpandOptions{}).size(), 5u);
  o.filter = "(";
  EXPECT_THROW(Expand(l, o), ListError);
}

// ---- the generators against every preset --------------------------------------------------

std::vector<Config> Presets() {
  std::vector<Config> out;
  for (const auto& e : fs::directory_iterator(std::string(SALSA_SOURCE_DIR) + "/configs")) {
    if (e.path().extension() == ".yaml") out.push_back(LoadConfig(e.path().string()));
  }
  return out;
}

// The harness's own rules (tb/harness/options.cpp) for generated fc/timing/fault arguments; ""
// when `args` are valid for `cfg`, else the problem.
std::string CheckArgs(const Config& cfg, const std::vector<std::string>& args, uint64_t* macs) {
  std::map<std::string, std::string> v;
  static const std::set<std::string> kFlags = {"--extremes",     "--unit-scale", "--per-channel",
                                               "--weights-2of4", "--no-overlap", "--axi-strict"};
  static const std::set<std::string> kValued = {
      "--shape",       "--seed",     "--precision",        "--output-dtype", "--output-scale",
      "--saturate",    "--sparsity", "--sparsity-pattern", "--zero-skip",    "--structured",
      "--mem-latency", "--bw-cap",   "--backpressure",     "--fault",        "--layer",
      "--im2col",      "--reset-at", "--abort-at"};
  for (size_t i = 0; i < args.size(); ++i) {
    if (v.count(args[i])) return "repeated " + args[i];
    if (kFlags.count(args[i])) {
      v[args[i]] = "";
    } else if (kValued.count(args[i]) && i + 1 < args.size()) {
      v[args[i]] = args[i + 1];
      ++i;
    } else {
      return "unknown " + args[i];
    }
  }
  if (!v.count("--seed")) return "no --seed";
  const bool im2col_hw = cfg.dataflow == Dataflow::kWeightStationary || cfg.OsConv();
  if (v.count("--im2col") && (!v.count("--layer") || !im2col_hw ||
                              (v["--im2col"] != "always" && v["--im2col"] != "off"))) {
    return "--im2col " + v["--im2col"] + " without a layer run on im2col hardware";
  }
  if (v.count("--layer")) return "";
  std::smatch m;
  static const std::regex kShape(R"(^(\d+)x(\d+)x(\d+)$)");
  if (!std::regex_match(v["--shape"], m, kShape)) return "bad shape " + v["--shape"];
  const uint64_t M = std::stoull(m[1]), K = std::stoull(m[2]), N = std::stoull(m[3]);
  if (M < 1 || K < 1 || N < 1) return "empty shape";
  *macs = M * K * N;
  const std::string prec = v.count("--precision") ? v["--precision"] : "int8";
  const std::map<std::string, Precision> kPrec = {{"w4a8", Precision::kInt4w},
                                                  {"fp8_e4m3", Precision::kFp8E4M3},
                                                  {"fp8_e5m2", Precision::kFp8E5M2}};
  if (prec != "int8" && !cfg.Has(kPrec.at(prec))) return prec + " not built";
  const bool fp8 = prec.rfind("fp8_", 0) == 0;
  for (const char* f : {"--output-dtype", "--output-scale", "--saturate"}) {
    if (v.count(f) && !fp8) return std::string(f) + " without fp8";
  }
  if (fp8) {
    for (const char* f : {"--unit-scale", "--per-channel", "--sparsity", "--weights-2of4"}) {
      if (v.count(f)) return std::string(f) + " with fp8";
    }
  }
  if (prec == "w4a8" && v.count("--weights-2of4")) return "2of4 with w4a8";
  if (v.count("--sparsity-pattern") && !v.count("--sparsity")) return "pattern alone";
  if (v["--sparsity-pattern"] == "relu" && (v.count("--extremes") || v.count("--unit-scale"))) {
    return "relu with extremes/unit-scale";
  }
  if (v.count("--sparsity")) {
    const double z = std::stod(v["--sparsity"]);
    if (z < 0 || z > 1) return "sparsity out of range";
  }
  if (v["--zero-skip"] == "on" && !cfg.zero_skip) return "zero-skip on unbuilt";
  if (v["--structured"] == "on" && !cfg.structured24) return "structured on unbuilt";
  if (v.count("--mem-latency") && std::stoi(v["--mem-latency"]) > 300) return "latency > 300";
  if (v.count("--bw-cap")) {
    const double b = std::stod(v["--bw-cap"]);
    if (!(b > 0 && b <= 1)) return "bw-cap";
  }
  if (v.count("--backpressure")) {
    const double b = std::stod(v["--backpressure"]);
    if (!(b >= 0 && b < 1)) return "backpressure";
  }
  if (v.count("--fault")) {
    static const std::set<std::string> kFaults = {"read", "write", "opcode", "range", "field"};
    if (!kFaults.count(v["--fault"])) return "fault " + v["--fault"];
  }
  if (v.count("--reset-at") + v.count("--abort-at") > 1) return "both --reset-at and --abort-at";
  for (const char* f : {"--reset-at", "--abort-at"}) {
    if (!v.count(f)) continue;
    static const std::regex kPercent(R"(^(\d+)\.(\d)%$)");
    std::smatch pm;
    if (!std::regex_match(v[f], pm, kPercent)) return std::string(f) + " " + v[f];
    const double p = std::stod(v[f].substr(0, v[f].size() - 1));
    if (!(p > 0 && p < 100)) return std::string(f) + " out of (0%, 100%)";
    if (v.count("--fault")) return std::string(f) + " with --fault";
  }
  return "";
}

TEST(RandomLayer, ArgsValidForEveryPresetAndDeterministic) {
  for (const Config& cfg : Presets()) {
    std::set<std::string> precisions;
    int ksplit = 0, m1 = 0;
    for (const char* gen : {"fc", "timing", "fault", "reset", "mixed"}) {
      for (uint64_t seed = 1; seed <= 500; ++seed) {
        const GeneratedRun g = GenerateRun(cfg, gen, seed, "/r");
        if (g.generator == "layer") continue;  // checked below
        uint64_t macs = 0;
        EXPECT_EQ(CheckArgs(cfg, g.args, &macs), "") << cfg.name << " " << gen << " " << seed;
        EXPECT_LE(macs, MacBudget(cfg)) << cfg.name << " " << gen << " " << seed;
        EXPECT_EQ(GenerateRun(cfg, gen, seed, "/r").args, g.args);
        const auto p = std::find(g.args.begin(), g.args.end(), "--precision");
        precisions.insert(p == g.args.end() ? "int8" : *(p + 1));
        const std::string shape = *(std::find(g.args.begin(), g.args.end(), "--shape") + 1);
        const int K = std::stoi(shape.substr(shape.find('x') + 1));
        ksplit += K > KSplitThreshold(cfg);
        m1 += shape.rfind("1x", 0) == 0;
      }
    }
    // Every built precision is drawn, and both the decode and the K-split shapes.
    EXPECT_EQ(precisions.size(), 1 + cfg.Has(Precision::kInt4w) + cfg.Has(Precision::kFp8E4M3) +
                                     cfg.Has(Precision::kFp8E5M2))
        << cfg.name;
    EXPECT_GT(ksplit, 20) << cfg.name;
    EXPECT_GT(m1, 50) << cfg.name;
  }
}

// The reset generator: resets and aborts, at points spread over the whole layer.
TEST(RandomLayer, ResetPointsCoverTheLayer) {
  const Config cfg = LoadConfig(std::string(SALSA_SOURCE_DIR) + "/configs/small_8x8.yaml");
  int resets = 0, aborts = 0;
  std::set<int> deciles;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const GeneratedRun g = GenerateRun(cfg, "reset", seed, "/r");
    EXPECT_EQ(g.generator, "reset");
    auto at = std::find(g.args.begin(), g.args.end(), "--reset-at");
    resets += at != g.args.end();
    if (at == g.args.end()) {
      at = std::find(g.args.begin(), g.args.end(), "--abort-at");
      ++aborts;
    }
    ASSERT_NE(at, g.args.end());
    deciles.insert(static_cast<int>(std::stod(*(at + 1)) / 10));
  }
  EXPECT_GT(resets, 150);
  EXPECT_GT(aborts, 60);
  EXPECT_EQ(deciles.size(), 10u);  // every tenth of the layer
}

// The --random-configs variants (RandomConfigYaml): 1x1 arrays, small scratchpads, every
// precision and sparsity option.
TEST(RandomLayer, ArgsValidForRandomConfigs) {
  for (uint64_t c = 1; c <= 60; ++c) {
    const Config cfg = ParseConfig(RandomConfigYaml(c), "rand_" + std::to_string(c) + ".yaml");
    for (const char* gen : {"fc", "timing", "fault", "reset"}) {
      for (uint64_t seed = 1; seed <= 60; ++seed) {
        const GeneratedRun g = GenerateRun(cfg, gen, seed, "/r");
        uint64_t macs = 0;
        EXPECT_EQ(CheckArgs(cfg, g.args, &macs), "") << cfg.name << " " << gen << " " << seed;
        EXPECT_LE(macs, MacBudget(cfg)) << cfg.name << " " << gen << " " << seed;
      }
    }
  }
}

TEST(RandomLayer, LayerFilesLoadAndLowerForEveryPreset) {
  const fs::path dir =
      fs::temp_directory_path() / ("salsa_regress_test_" + std::to_string(getpid()));
  std::set<std::string> ops;
  for (const Config& cfg : Presets()) {
    int deep = 0;  // conv2d layers whose K passes half the act scratchpad
    for (uint64_t seed = 1; seed <= 150; ++seed) {
      fs::remove_all(dir);
      fs::create_directories(dir);
      const GeneratedRun g = GenerateRun(cfg, "layer", seed, dir.string());
      for (const auto& [name, bytes] : g.files) {
        std::ofstream(dir / name, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
      }
      ASSERT_GE(g.args.size(), 2u);
      ASSERT_EQ(g.args[0], "--layer");
      try {
        const LayerSpec spec = LoadLayerSpec(g.args[1]);
        ops.insert(LayerOpName(spec.op));
        if (IsFp8(spec.dtype)) {
          EXPECT_TRUE(cfg.HasFp8()) << cfg.name << " seed " << seed;
        }
        uint64_t macs = 0;
        for (const LoweredGemm& l : LowerLayer(spec)) {
          macs += uint64_t(l.fc.M) * uint64_t(l.fc.K) * uint64_t(l.fc.N);
          deep += spec.op == LayerOp::kConv2d && uint64_t(l.fc.K) > cfg.act.Words() / 2;
        }
        EXPECT_LE(macs, 2 * MacBudget(cfg)) << cfg.name << " seed " << seed;
      } catch (const std::exception& e) {
        ADD_FAILURE() << cfg.name << " seed " << seed << ": " << e.what();
      }
      uint64_t unused = 0;
      std::vector<std::string> rest(g.args.begin(), g.args.end());
      EXPECT_EQ(CheckArgs(cfg, rest, &unused), "") << cfg.name << " seed " << seed;
    }
    EXPECT_GT(deep, 0) << cfg.name;
  }
  fs::remove_all(dir);
  EXPECT_EQ(ops.size(), 4u);
}

TEST(RandomLayer, UnknownGeneratorThrows) {
  EXPECT_THROW(GenerateRun(Presets()[0], "fuzz", 1, "/r"), std::invalid_argument);
}

// ---- reports, shell quoting, Slurm ----------------------------------------------------------

RunResult Result(const std::string& status, const std::string& message) {
  RunResult r;
  r.id = "fc/default/s1";
  r.test = "fc";
  r.config = "default";
  r.seed = 1;
  r.status = status;
  r.message = message;
  r.seconds = 1.5;
  r.exit_code = status == "pass" ? 0 : 1;
  r.repro = "salsa run --config /c.yaml --shape 1x2x3";
  return r;
}

TEST(RegressReports, XmlEscaping) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'\x01\td"), "a&lt;b&gt;&amp;&quot;c&apos;\td");
}

TEST(RegressReports, JunitHasEveryRunAndEscapedFailures) {
  const std::vector<RunResult> rs = {Result("pass", ""),
                                     Result("fail", "mismatch at y[0][1]: got <5> & \"want\" 6"),
                                     Result("timeout", "killed after 9 s")};
  const std::string x = JunitXml("smoke", rs, 3.25);
  EXPECT_NE(x.find("<testsuite name=\"smoke\" tests=\"3\" failures=\"2\""), std::string::npos);
  EXPECT_NE(x.find("classname=\"fc.default\" name=\"s1\" time=\"1.500\""), std::string::npos);
  EXPECT_NE(x.find("message=\"mismatch at y[0][1]: got &lt;5&gt; &amp; &quot;want&quot; 6\""),
            std::string::npos);
  EXPECT_NE(x.find("message=\"timeout: killed after 9 s\""), std::string::npos);
  EXPECT_EQ(x.find("<5>"), std::string::npos);
  const nlohmann::json j = SummaryJson(SummaryInfo{}, rs);
  EXPECT_EQ(j["pass"], 1);
  EXPECT_EQ(j["fail"], 1);
  EXPECT_EQ(j["timeout"], 1);
  EXPECT_EQ(RunResult::FromJson(rs[1].ToJson()).ToJson(), rs[1].ToJson());
  const std::string md = ReportMarkdown(SummaryInfo{}, rs);
  EXPECT_LT(md.find("## Failures"), md.find("## Runs"));
}

TEST(RegressReports, AbortAndResetPointsAreCountedPerBusPhase) {
  std::vector<RunResult> rs = {Result("pass", ""), Result("pass", ""), Result("pass", ""),
                               Result("pass", "")};
  rs[0].bus_phase = "load+mid-burst";
  rs[1].bus_phase = "quiet";
  rs[2].bus_phase = "fetch";
  EXPECT_EQ(RunResult::FromJson(rs[0].ToJson()).bus_phase, "load+mid-burst");
  EXPECT_FALSE(rs[3].ToJson().contains("bus_phase"));
  const std::string md = ReportMarkdown(SummaryInfo{}, rs);
  EXPECT_NE(md.find("3 runs aborted or reset mid-layer"), std::string::npos) << md;
  for (const char* row :
       {"| fetch | 1 |", "| load | 1 |", "| store | 0 |", "| mid-burst | 1 |", "| quiet | 1 |"}) {
    EXPECT_NE(md.find(row), std::string::npos) << row;
  }
}

TEST(RegressShell, Quoting) {
  EXPECT_EQ(ShellQuote("--shape"), "--shape");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellJoin({"salsa", "run", "x y"}), "salsa run 'x y'");
}

TEST(RegressRunner, ExitCodesAndTimeoutKillsTheProcessGroup) {
  const fs::path dir =
      fs::temp_directory_path() / ("salsa_regress_run_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
  ProcessResult r = RunProcess({"/bin/sh", "-c", "echo hi; exit 3"}, out, err, 10);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "hi");
  // A child in the background must die with the group: the marker file never appears.
  const std::string marker = (dir / "late").string();
  r = RunProcess({"/bin/sh", "-c", "(sleep 1; touch " + marker + ") & sleep 30"}, out, err, 0.3);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.seconds, 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(fs::exists(marker));
  r = RunProcess({"/nonexistent/harness"}, out, err, 10);
  EXPECT_EQ(r.exit_code, 127);
  fs::remove_all(dir);
}

TEST(RegressRunner, FixedArgsAndRunNames) {
  EXPECT_EQ(SplitArgs("  --layer {source}/x.yaml\t--expected {list}/e.npy ", "/s", "/l"),
            (std::vector<std::string>{"--layer", "/s/x.yaml", "--expected", "/l/e.npy"}));
  RunSpec r;
  r.test = "fc";
  r.seed = 7;
  r.config = "small_8x8";
  EXPECT_EQ(r.Id(), "fc/small_8x8/s7");
  r.config = "../cfg/my_variant.yaml";
  EXPECT_EQ(r.Id(), "fc/my_variant/s7");
  EXPECT_EQ(RunDir("/o", r), "/o/runs/fc/my_variant/s7");
}

TEST(RegressSlurm, ArrayAndCollectScripts) {
  SlurmJob job;
  job.salsa = "/b/salsa";
  job.list = "/s/tests/regress/smoke.yaml";
  job.out = "/o";
  job.suite = "smoke";
  job.flags = {"--seeds", "3"};
  job.runs = 40;
  job.jobs = 8;
  job.timeout_s = 120;
  const std::string a = ArrayScript(job);
  EXPECT_NE(a.find("#SBATCH --array=0-39%8\n"), std::string::npos) << a;
  EXPECT_NE(a.find("#SBATCH --time=5\n"), std::string::npos) << a;
  EXPECT_NE(a.find("#SBATCH --output=/o/slurm/%A_%a.out\n"), std::string::npos) << a;
  EXPECT_NE(a.find("exec /b/salsa regress /s/tests/regress/smoke.yaml --out /o --seeds 3 "
                   "--run-index \"$SLURM_ARRAY_TASK_ID\"\n"),
            std::string::npos)
      << a;
  EXPECT_NE(CollectScript(job).find("--seeds 3 --collect\n"), std::string::npos);
  EXPECT_EQ(ParseJobId("1234\n"), "1234");
  EXPECT_EQ(ParseJobId("1234;cluster"), "1234");
  EXPECT_EQ(ParseJobId("sbatch: error"), "");
}

}  // namespace
}  // namespace salsa::regress
