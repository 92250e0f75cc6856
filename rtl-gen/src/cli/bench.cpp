#include "cli/bench.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "bench/bench_layers.h"
#include "bench/bench_model.h"
#include "bench/bench_ports.h"
#include "bench/bench_precision.h"
#include "bench/bench_report.h"
#include "bench/bench_sparsity.h"
#include "cli/bench_io.h"
#include "cli/run.h"
#include "salsa/config.h"

namespace salsa::cli {
namespace fs = std::filesystem;
using bench::BenchCase;
using bench::CaseResult;

namespace {

constexpr uint64_t kSeed = 1;
constexpr int kRetrySeconds = 20;

// Bad command-line input: reported on one line, exit status 2, nothing written.
class BadInput : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::vector<std::string> AvailablePresets() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(SALSA_SOURCE_DIR) / "configs";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The nearest existing ancestor of `p` (p itself if it exists).
fs::path ExistingAncestor(fs::path p) {
  p = fs::absolute(p);
  while (!fs::exists(p) && p.has_parent_path() && p.parent_path() != p) p = p.parent_path();
  return p;
}

// Throws BadInput unless DIR and DIR/bench exist as writable directories or can be created.
void CheckOutDir(const std::string& dir) {
  const std::string accepted =
      "; accepted: a writable directory, or a path that can be created in one";
  if (dir.empty()) throw BadInput("--out-dir '': empty path" + accepted);
  for (const fs::path& p : {fs::path(dir), fs::path(dir) / "bench"}) {
    const fs::path anc = ExistingAncestor(p);
    if (!fs::is_directory(anc)) {
      throw BadInput("--out-dir '" + dir + "': " + anc.string() + " is not a directory" + accepted);
    }
    if (access(anc.c_str(), W_OK | X_OK) != 0) {
      throw BadInput("--out-dir '" + dir + "': " + anc.string() + " is not writable" + accepted);
    }
  }
}

std::string Today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// `git describe --always --dirty` of the source tree, or "unknown".
std::string SourceVersion() {
  const std::string cmd =
      std::string("git -C '") + SALSA_SOURCE_DIR + "' describe --always --dirty 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return "unknown";
  char buf[128] = {0};
  const bool got = std::fgets(buf, sizeof buf, f) != nullptr;
  pclose(f);
  std::string v = got ? buf : "";
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v.empty() ? "unknown" : v;
}

struct Preset {
  bench::PresetInfo info;
  fs::path harness;
};

// What the reports need of a config (its harness still to find), named after the config.
Preset PresetOf(const Config& cfg) {
  Preset p;
  p.info.name = cfg.name;
  p.info.config_hash = ConfigHash(cfg);
  p.info.rows = cfg.rows;
  p.info.cols = cfg.cols;
  p.info.bus_bytes = cfg.BusBytes();
  p.info.bank_bytes[0] = static_cast<uint64_t>(cfg.act.depth) * cfg.rows;
  p.info.bank_bytes[1] = static_cast<uint64_t>(cfg.weight.depth) * cfg.cols;
  p.info.bank_bytes[2] = static_cast<uint64_t>(cfg.acc.depth) * 4 * cfg.cols;
  p.info.zero_skip = cfg.zero_skip;
  p.info.structured24 = cfg.structured24;
  if (cfg.Has(Precision::kInt4w)) p.info.precisions.push_back("w4a8");
  if (cfg.Has(Precision::kFp8E4M3)) p.info.precisions.push_back("fp8_e4m3");
  if (cfg.Has(Precision::kFp8E5M2)) p.info.precisions.push_back("fp8_e5m2");
  return p;
}

// One run of one case (`sp`: a sparsity-suite run, `prec`: a precision-suite run, else nullptr):
// the parsed result (pass = false and error set when the harness produced no usable JSON).
CaseResult RunCase(const Preset& p, const BenchCase& c, unsigned latency,
                   const std::string& layer_file, const fs::path& tmp, const bench::SparsityRun* sp,
                   const bench::PrecisionRun* prec) {
  std::vector<std::string> args = {
      p.harness.string(),     "--json", "--quiet", "--seed", std::to_string(kSeed), "--mem-latency",
      std::to_string(latency)};
  if (c.conv) {
    args.insert(args.end(), {"--layer", layer_file});
  } else {
    args.insert(args.end(), {"--shape", std::to_string(c.M) + "x" + std::to_string(c.K) + "x" +
                                            std::to_string(c.N)});
  }
  if (sp != nullptr) {
    const auto extra = bench::SparsityHarnessArgs(*sp);
    args.insert(args.end(), extra.begin(), extra.end());
  }
  if (prec != nullptr) {
    const auto extra = bench::PrecisionHarnessArgs(*prec, p.info.zero_skip);
    args.insert(args.end(), extra.begin(), extra.end());
  }
  CaseResult r;
  if (sp != nullptr) r.sparsity = *sp;
  if (prec != nullptr) r.prec = *prec;
  r.preset = p.info.name;
  r.bench_case = c;
  r.latency = latency;
  r.rows = p.info.rows;
  r.cols = p.info.cols;
  r.bus_bytes = p.info.bus_bytes;
  // A harness that prints no JSON may be being rebuilt (the binary is replaced while the build
  // tree is shared): retry twice after a pause before reporting the run as failed.
  ProcResult pr;
  double secs = 0;
  nlohmann::json j;
  for (int attempt = 1;; ++attempt) {
    const auto t0 = std::chrono::steady_clock::now();
    pr = RunProcess(args, tmp);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    try {
      j = nlohmann::json::parse(LastLine(pr.out));
      break;
    } catch (const std::exception&) {
      const std::string why =
          "harness exit status " + std::to_string(pr.status) + ", no JSON: " + FirstLine(pr.err);
      if (attempt < 3 && pr.status != 2) {
        std::printf("    %s; retrying in %d s (the harness may be being rebuilt)\n", why.c_str(),
                    kRetrySeconds);
        std::fflush(stdout);
        sleep(kRetrySeconds);
        continue;
      }
      r.pass = false;
      r.error = why;
      r.seconds.push_back(secs);
      r.seconds_source = "process";
      return r;
    }
  }
  try {
    bench::FillFromHarnessJson(j, p.info.bank_bytes, &r);
    bench::FillZeroSkipFields(j, p.info.zero_skip, &r);
  } catch (const std::exception& e) {
    r.pass = false;
    r.error = std::string(e.what()) + " (" + p.harness.string() +
              " predates the fields salsa bench reads? rebuild it)";
    r.seconds = {secs};
    r.seconds_source = "process";
    return r;
  }
  if (pr.status != 0 && r.pass) {
    r.pass = false;
    r.error = "harness exit status " + std::to_string(pr.status);
  }
  return r;
}

// `repeat` runs of one case, merged: the first run's result with every run's seconds, failed if
// any run failed or the cycle counts differ; cycles_per_second and macs_per_second from the median
// seconds.
CaseResult RunRepeated(const Preset& p, const BenchCase& c, unsigned latency,
                       const std::string& layer_file, const fs::path& tmp, unsigned repeat,
                       const bench::SparsityRun* sp, const bench::PrecisionRun* pr = nullptr) {
  CaseResult r;
  for (unsigned rep = 0; rep < repeat; ++rep) {
    CaseResult one = RunCase(p, c, latency, layer_file, tmp, sp, pr);
    if (rep == 0) {
      r = one;
    } else {
      r.seconds.insert(r.seconds.end(), one.seconds.begin(), one.seconds.end());
      if (one.cycles != r.cycles && r.error.empty()) {
        r.pass = false;
        r.error = "cycles differ between repeats: " + std::to_string(r.cycles) + " and " +
                  std::to_string(one.cycles);
      }
      if (!one.pass && r.pass) r.pass = false, r.error = one.error;
    }
  }
  const double med = bench::Median(r.seconds);
  r.cycles_per_second = med > 0 ? static_cast<double>(r.cycles) / med : 0;
  r.macs_per_second = med > 0 ? static_cast<double>(r.macs) / med : 0;
  return r;
}

std::string CommandLine(const BenchOptions& o, const std::vector<std::string>& presets,
                        const std::vector<unsigned>& latencies) {
  std::string s = "salsa bench --presets ";
  for (size_t i = 0; i < presets.size(); ++i) s += (i ? "," : "") + presets[i];
  s += " --latencies ";
  for (size_t i = 0; i < latencies.size(); ++i) s += (i ? "," : "") + std::to_string(latencies[i]);
  if (o.quick) s += " --quick";
  if (!o.build_time) s += " --no-build-time";
  if (!o.ports.empty()) s += " --ports " + o.ports;
  s += " --repeat " + std::to_string(o.repeat) + " --out-dir " + o.out_dir;
  return s;
}

}  // namespace

void AddBenchOptions(CLI::App* app, BenchOptions* opts) {
  app->add_option("--presets", opts->presets, "comma-separated preset names from configs/")
      ->capture_default_str();
  app->add_option("--latencies", opts->latencies, "comma-separated DRAM latencies in cycles")
      ->capture_default_str();
  app->add_option("--out-dir", opts->out_dir,
                  "writes DIR/benchmarks.md and DIR/bench/{benchmarks.csv,benchmarks.json,"
                  "roofline.svg,sparsity.svg,ports.svg}")
      ->capture_default_str();
  app->add_flag("--quick", opts->quick, "a small suite that runs in seconds (CTest smoke test)");
  app->add_flag("!--no-build-time", opts->build_time,
                "skip the cold harness build of a new 16x16 variant (timed by default, not with "
                "--quick)");
  app->add_option("--ports", opts->ports,
                  "the AXI port counts of the ports sweep (16x16 on 128-bit ports, GEMV): a "
                  "comma-separated list of 1, 2, 4, 8, 16, or none (default 1,2,4,8; none with "
                  "--quick)");
  app->add_option("--repeat", opts->repeat,
                  "runs per case; simulation speed is the median (cycles are exact anyway)")
      ->check(CLI::Range(1u, 100u))
      ->capture_default_str();
  app->footer(
      "Suite: GEMV 1x4096x4096 and 1x2048x2048, 8x2048x2048, 256x512x512, 512x512x512,\n"
      "64x4096x256 (K = 4096, beyond an os tile's act scratchpad half) and a 3x3 conv\n"
      "56x56x64 -> 64, at each DRAM latency on each preset; on presets with\n"
      "sparsity.zero_skip also GEMV 1x4096x4096 at 0-90% zero activations and GEMM 256x512x512,\n"
      "zero-skip on and off; on presets that build more than int8 (precision) also\n"
      "GEMV 1x4096x4096 and GEMM 256x512x512 at int8 and at each built precision (salsa run\n"
      "--precision; docs/benchmarks.md); and the ports sweep: GEMV 1x4096x4096 on a 16x16 array\n"
      "on 1, 2, 4 and 8 128-bit AXI ports (--ports; configs built here, harnesses cached).\n"
      "Exit status: 0 all pass, 1 a case failed or a harness could not run, 2 bad input.");
}

int Bench(const BenchOptions& opts) {
  std::vector<std::string> presets;
  std::vector<unsigned> latencies, port_counts;
  try {
    presets = bench::ParsePresets(opts.presets, AvailablePresets());
    latencies = bench::ParseLatencies(opts.latencies);
    port_counts = bench::ParsePortCounts(!opts.ports.empty() ? opts.ports
                                         : opts.quick        ? "none"
                                                             : "1,2,4,8");
    CheckOutDir(opts.out_dir);
  } catch (const std::invalid_argument& e) {
    std::cerr << "salsa bench: " << e.what() << "\n";
    return 2;
  }

  try {
    bench::BenchMeta meta;
    meta.command = CommandLine(opts, presets, latencies);
    meta.date = Today();
    meta.source = SourceVersion();
    meta.repeat = opts.repeat;
    meta.quick = opts.quick;
    meta.seed = kSeed;
    meta.latencies = latencies;

    std::vector<Preset> ps;
    for (const std::string& name : presets) {
      const Config cfg =
          LoadConfig((fs::path(SALSA_SOURCE_DIR) / "configs" / (name + ".yaml")).string());
      Preset p = PresetOf(cfg);
      p.info.name = name;
      p.harness = FindHarness(cfg);
      meta.presets.push_back(p.info);
      ps.push_back(p);
    }

    TempDir tmp;
    if (opts.build_time && !opts.quick) {
      Config variant =
          LoadConfig((fs::path(SALSA_SOURCE_DIR) / "configs" / "default.yaml").string());
      variant.name = "bench_variant";
      meta.harness_build_config = "configs/default.yaml as " + variant.name;
      std::printf("harness build of a new 16x16 variant (%s, ccache off) ...\n",
                  meta.harness_build_config.c_str());
      std::fflush(stdout);
      meta.harness_build_seconds = TimeColdHarnessBuild(variant, tmp.path() / "cache");
      std::printf("  %.1f s\n", meta.harness_build_seconds);
    }
    const std::vector<BenchCase> suite = bench::Suite(opts.quick);
    std::vector<std::string> layer_files;
    for (const BenchCase& c : suite) {
      layer_files.push_back(c.conv ? bench::WriteConvLayer(tmp.path().string(), c, kSeed) : "");
    }

    // The sparsity suite runs on the presets with zero-skip hardware.
    const std::vector<bench::SparsityCase> sparse_suite = bench::SparsitySuite(opts.quick);
    const std::vector<bench::SparsityCase> suite24 = bench::Structured24Suite(opts.quick);
    size_t total = ps.size() * suite.size() * latencies.size();
    total += port_counts.size() * latencies.size();
    for (const Preset& p : ps) {
      if (p.info.zero_skip) total += sparse_suite.size() * latencies.size();
      if (p.info.structured24) total += suite24.size() * latencies.size();
      if (p.info.precisions.size() > 1) {
        total += bench::PrecisionSuite(opts.quick, p.info.precisions, p.info.zero_skip).size() *
                 latencies.size();
      }
    }
    std::vector<CaseResult> results;
    size_t done = 0;
    // One progress line per run: efficiency for the main suite; for the sparsity suite cycles as
    // a ratio to the dense reference (which runs first), the settings and the skip counters.
    auto report = [&](const Preset& p, const CaseResult& r) {
      ++done;
      char measure[64];
      if (r.prec.in_suite && !r.prec.reference) {
        const bench::PrecisionRatios q = bench::PrecisionRatiosFor(r, results);
        std::snprintf(measure, sizeof measure,
                      q.valid ? "%s %.3fx int8 cycles" : "%s no int8 ratio",
                      r.prec.precision.c_str(), q.cycles_ratio);
      } else if (!r.sparsity.in_suite) {
        std::snprintf(measure, sizeof measure,
                      r.prec.in_suite ? "int8 efficiency %.3f" : "efficiency %.3f", r.efficiency);
      } else {
        const bench::SparsityRatios q = bench::RatiosFor(r, results);
        std::snprintf(measure, sizeof measure, q.valid ? "%.3fx dense cycles" : "no dense ratio",
                      q.cycles_ratio);
      }
      std::printf("[%zu/%zu] %-12s %-22s latency %-4u %10s cycles  %s  %s  %.1f s\n", done, total,
                  p.info.name.c_str(), r.bench_case.name.c_str(), r.latency,
                  bench::Grouped(r.cycles).c_str(), measure, r.pass ? "pass" : "FAIL",
                  bench::Median(r.seconds));
      if (r.sparsity.in_suite) {
        // The counters only when the harness gave a result to read them from.
        const std::string counters =
            r.cycles == 0 ? ""
                          : ": skipped_steps " + bench::Grouped(r.skipped_steps) +
                                ", skipped_wgt_bytes " + bench::Grouped(r.skipped_wgt_bytes);
        std::printf("    %s%s\n", bench::SparsityLabel(r.sparsity).c_str(), counters.c_str());
      }
      if (!r.error.empty()) std::printf("    %s\n", r.error.c_str());
      std::fflush(stdout);
    };
    for (const Preset& p : ps) {
      for (size_t ci = 0; ci < suite.size(); ++ci) {
        for (unsigned lat : latencies) {
          results.push_back(
              RunRepeated(p, suite[ci], lat, layer_files[ci], tmp.path(), opts.repeat, nullptr));
          report(p, results.back());
        }
      }
    }
    for (const Preset& p : ps) {
      if (!p.info.zero_skip && !p.info.structured24) continue;
      for (const bench::SparsityCase& sc : p.info.zero_skip ? sparse_suite : suite24) {
        for (unsigned lat : latencies) {
          results.push_back(RunRepeated(p, sc.shape, lat, "", tmp.path(), opts.repeat, &sc.run));
          report(p, results.back());
        }
      }
    }

    for (const Preset& p : ps) {
      if (p.info.precisions.size() <= 1) continue;
      for (const bench::PrecisionCase& pc :
           bench::PrecisionSuite(opts.quick, p.info.precisions, p.info.zero_skip)) {
        for (unsigned lat : latencies) {
          results.push_back(
              RunRepeated(p, pc.shape, lat, "", tmp.path(), opts.repeat, nullptr, &pc.run));
          report(p, results.back());
        }
      }
    }

    // The ports sweep: configs that exist only here, their harnesses built (cached) on demand.
    for (unsigned ports : port_counts) {
      const Config cfg = ParseConfig(bench::PortsConfigYaml(ports), "salsa bench --ports");
      Preset p = PresetOf(cfg);
      std::printf("ports sweep: %s (harness built if not cached) ...\n", cfg.name.c_str());
      std::fflush(stdout);
      p.harness = FindHarness(cfg);
      for (unsigned lat : latencies) {
        results.push_back(RunRepeated(p, bench::PortsCase(opts.quick), lat, "", tmp.path(),
                                      opts.repeat, nullptr));
        results.back().ports = ports;
        report(p, results.back());
      }
    }

    const auto targets = bench::CheckTargets(results);
    const auto ports_targets = bench::CheckPortsTargets(results);
    const auto sparse_targets = bench::CheckSparsityTargets(meta, results);
    const auto prec_targets = bench::CheckPrecisionTargets(meta, results);
    std::vector<bench::TargetCheck> all_targets = targets;
    all_targets.insert(all_targets.end(), sparse_targets.begin(), sparse_targets.end());
    all_targets.insert(all_targets.end(), prec_targets.begin(), prec_targets.end());
    all_targets.insert(all_targets.end(), ports_targets.begin(), ports_targets.end());
    const fs::path out = opts.out_dir;
    WriteAllAtomically({
        {out / "benchmarks.md",
         bench::ToMarkdown(
             meta, results, targets, "bench/roofline.svg",
             bench::SparsityMarkdown(meta, results, sparse_targets, "bench/sparsity.svg") +
                 bench::PrecisionMarkdown(meta, results, prec_targets) +
                 bench::PortsMarkdown(results, ports_targets, "bench/ports.svg"))},
        {out / "bench" / "benchmarks.csv", bench::ToCsv(results)},
        {out / "bench" / "benchmarks.json",
         bench::ToJson(meta, results, all_targets).dump(2) + "\n"},
        {out / "bench" / "roofline.svg", bench::RooflineSvg(meta, results)},
        {out / "bench" / "sparsity.svg", bench::SparsitySvg(meta, results)},
        {out / "bench" / "ports.svg", bench::PortsSvg(results)},
    });
    size_t passed = 0, met = 0;
    for (const auto& r : results) passed += r.pass;
    for (const auto& t : all_targets) met += t.met;
    std::printf("salsa bench: %zu of %zu runs pass; %zu of %zu target checks met; wrote %s\n",
                passed, results.size(), met, all_targets.size(),
                (out / "benchmarks.md").string().c_str());
    return passed == results.size() ? 0 : 1;
  } catch (const ConfigError& e) {
    std::cerr << "salsa bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "salsa bench: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace salsa::cli
