// `salsa regress` (regress.h): flags, list resolution, harness builds, then the runs (locally,
// one of them for a Slurm array task, or none with --collect) and the reports.
#include "cli/regress.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/coverage.h"
#include "cli/run.h"
#include "regress/execute.h"
#include "regress/regress_list.h"
#include "regress/reports.h"
#include "regress/runner.h"
#include "regress/slurm.h"
#include "salsa/config.h"
#include "salsa/random_config.h"

namespace salsa::cli {
namespace fs = std::filesystem;
using regress::ListError;

void AddRegressOptions(CLI::App* app, RegressOptions* o) {
  app->add_option("list", o->list,
                  "suite smoke or nightly (tests/regress/<suite>.yaml), or a test list YAML")
      ->capture_default_str();
  app->add_option("-j,--jobs", o->jobs, "parallel runs (default: the number of cores)");
  app->add_option("--out", o->out, "output directory")->capture_default_str();
  app->add_option("--timeout", o->timeout_s, "per-run timeout in seconds (default: the list's)");
  app->add_option("--seeds", o->seeds, "seeds 1..N for every generator test (default: the list's)");
  app->add_option("--seed-base", o->seed_base,
                  "added to every generator seed and random-config seed")
      ->capture_default_str();
  app->add_option("--random-configs", o->random_configs,
                  "N random valid configs (seeds seed-base+1..N) for the tests listing `random`")
      ->capture_default_str();
  app->add_flag("--coverage", o->coverage,
                "Verilator line and toggle coverage, merged into OUT/coverage (lcov, HTML)");
  app->add_flag("--slurm", o->slurm,
                "write OUT/regress.sbatch (a job array) and OUT/collect.sbatch and submit them");
  app->add_flag("--dry-run", o->dry_run, "with --slurm: print the scripts, submit nothing");
  app->add_option("--filter", o->filter, "only runs whose <test>/<config>/s<seed> matches REGEX");
  app->add_option("--run-index", o->run_index, "run only run I of the expanded list (Slurm tasks)")
      ->group("");
  app->add_flag("--collect", o->collect, "only write the reports from OUT/runs (Slurm)")->group("");
}

namespace {

const char* kSuites[] = {"smoke", "nightly"};

std::string Capture(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  const size_t nl = out.find('\n');
  return nl == std::string::npos ? out : out.substr(0, nl);
}

std::string SelfExe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("salsa") : p.string();
}

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error(p.string() + ": cannot write");
}

// --out must be a writable directory, or creatable. Probed by creating (and removing) the first
// missing directory of the path, or a file in an existing one: nothing is left behind.
void CheckOutWritable(const fs::path& out) {
  fs::path missing;
  fs::path p = out;
  while (!p.empty() && !fs::exists(p)) {
    missing = p;
    p = p.parent_path();
  }
  std::string problem;
  if (!p.empty() && !fs::is_directory(p)) {
    problem = p.string() + " is not a directory";
  } else if (!missing.empty()) {
    if (mkdir(missing.c_str(), 0755) != 0) {
      problem = "cannot create " + missing.string() + ": " + std::strerror(errno);
    } else {
      rmdir(missing.c_str());
    }
  } else {
    const fs::path probe = out / ".salsa-regress-probe";
    std::ofstream f(probe);
    if (!f) {
      problem = out.string() + " is not writable";
    } else {
      f.close();
      fs::remove(probe);
    }
  }
  if (!problem.empty()) {
    throw ListError("--out " + out.string() + ": " + problem +
                    "; accepted: a writable directory (created if missing)");
  }
}

struct Plan {
  regress::RegressList list;
  std::string list_path;  // absolute
  std::vector<regress::RunSpec> runs;
  std::map<std::string, regress::RunConfig> configs;  // by the RunSpec's config token
  std::map<std::string, std::string> random_yaml;     // rand_<seed> -> YAML text
  std::vector<std::string> flags;                     // the expansion flags, for Slurm tasks
};

Plan MakePlan(const RegressOptions& o, const fs::path& out) {
  Plan plan;
  std::string path = o.list;
  for (const char* s : kSuites) {
    if (o.list == s) path = std::string(SALSA_SOURCE_DIR) + "/tests/regress/" + s + ".yaml";
  }
  plan.list_path = fs::absolute(path).lexically_normal().string();
  plan.list = regress::LoadRegressList(path);
  if (o.jobs < 0 || o.jobs > 256)
    throw ListError("-j " + std::to_string(o.jobs) + ": accepted: 1..256");
  if (o.timeout_s < 0 || o.timeout_s > 86400) {
    throw ListError("--timeout " + std::to_string(o.timeout_s) + ": accepted: 1..86400 seconds");
  }
  if (o.seeds < 0 || o.seeds > 10000) {
    throw ListError("--seeds " + std::to_string(o.seeds) + ": accepted: 1..10000");
  }
  if (o.random_configs < 0 || o.random_configs > 1000) {
    throw ListError("--random-configs " + std::to_string(o.random_configs) + ": accepted: 0..1000");
  }
  if (o.dry_run && !o.slurm) throw ListError("--dry-run: accepted: only with --slurm");
  if ((o.slurm ? 1 : 0) + (o.collect ? 1 : 0) + (o.run_index >= 0 ? 1 : 0) > 1) {
    throw ListError("--slurm, --collect and --run-index: accepted: at most one of them");
  }
  regress::ExpandOptions ex;
  ex.seeds = o.seeds;
  ex.seed_base = o.seed_base;
  ex.timeout_s = o.timeout_s;
  ex.filter = o.filter;
  for (int i = 1; i <= o.random_configs; ++i) {
    const uint64_t seed = o.seed_base + static_cast<uint64_t>(i);
    const std::string name = "rand_" + std::to_string(seed);
    ex.random_configs.push_back(name);
    plan.random_yaml[name] = RandomConfigYaml(seed);
  }
  plan.runs = regress::Expand(plan.list, ex);
  if (plan.runs.empty()) {
    throw ListError(plan.list_path + ": no runs" +
                    (o.filter.empty()
                         ? std::string(" (no `random` configs without --random-configs)")
                         : " match --filter '" + o.filter + "'") +
                    "; accepted: a list and flags that select at least one run");
  }
  std::set<std::string> ids;
  for (const auto& r : plan.runs) {
    if (!ids.insert(r.Id()).second) {
      throw ListError(plan.list_path + ": tests." + r.test + ": two runs named " + r.Id() +
                      " (two configs with the same file name); accepted: distinct config names");
    }
  }
  const fs::path list_dir = fs::path(plan.list_path).parent_path();
  for (const auto& r : plan.runs) {
    if (plan.configs.count(r.config)) continue;
    regress::RunConfig rc;
    rc.label = r.ConfigLabel();
    if (plan.random_yaml.count(r.config)) {
      rc.path = (out / "configs" / (r.config + ".yaml")).string();
      rc.cfg = ParseConfig(plan.random_yaml[r.config], rc.path);
    } else {
      const bool preset = r.config == rc.label;
      fs::path p = preset ? fs::path(SALSA_SOURCE_DIR) / "configs" / (r.config + ".yaml")
                          : fs::path(r.config);
      if (p.is_relative()) p = list_dir / p;
      if (preset && !fs::exists(p)) {
        std::string names;
        for (const auto& e : fs::directory_iterator(fs::path(SALSA_SOURCE_DIR) / "configs")) {
          if (e.path().extension() == ".yaml")
            names += (names.empty() ? "" : ", ") + e.path().stem().string();
        }
        throw ListError(plan.list_path + ": tests." + r.test + ".configs: unknown preset '" +
                        r.config + "'; accepted: " + names + ", random, or a config path");
      }
      rc.path = p.lexically_normal().string();
      rc.cfg = LoadConfig(rc.path);
    }
    rc.hash = ConfigHash(rc.cfg);
    plan.configs[r.config] = rc;
  }
  if (o.seeds > 0) plan.flags.insert(plan.flags.end(), {"--seeds", std::to_string(o.seeds)});
  if (o.seed_base > 0)
    plan.flags.insert(plan.flags.end(), {"--seed-base", std::to_string(o.seed_base)});
  if (o.timeout_s > 0)
    plan.flags.insert(plan.flags.end(), {"--timeout", std::to_string(o.timeout_s)});
  if (o.random_configs > 0) {
    plan.flags.insert(plan.flags.end(), {"--random-configs", std::to_string(o.random_configs)});
  }
  if (o.coverage) plan.flags.push_back("--coverage");
  if (!o.filter.empty()) plan.flags.insert(plan.flags.end(), {"--filter", o.filter});
  return plan;
}

std::string CommandLine(const RegressOptions& o, const Plan& plan, const fs::path& out, int jobs) {
  std::vector<std::string> argv = {"salsa", "regress",   o.list, "-j", std::to_string(jobs),
                                   "--out", out.string()};
  argv.insert(argv.end(), plan.flags.begin(), plan.flags.end());
  return regress::ShellJoin(argv);
}

regress::SummaryInfo Info(const RegressOptions& o, const Plan& plan, const fs::path& out,
                          int jobs) {
  regress::SummaryInfo info;
  info.suite = plan.list.suite;
  info.list_path = plan.list_path;
  info.command = CommandLine(o, plan, out, jobs);
  info.salsa_commit =
      Capture("git -C '" + std::string(SALSA_SOURCE_DIR) + "' rev-parse HEAD 2>/dev/null");
  if (info.salsa_commit.empty()) info.salsa_commit = "unknown";
  info.salsa_version = "salsa " + info.salsa_commit.substr(0, 12);
  info.verilator_version = Capture("verilator --version 2>/dev/null");
  if (info.verilator_version.empty()) info.verilator_version = "verilator unknown";
  // The compiler the harnesses of this build tree were built with (its CMake cache), else c++.
  std::string cxx = "c++";
  std::ifstream cache(std::string(SALSA_BINARY_DIR) + "/CMakeCache.txt");
  for (std::string line; std::getline(cache, line);) {
    if (line.rfind("CMAKE_CXX_COMPILER:", 0) == 0) cxx = line.substr(line.find('=') + 1);
  }
  info.cxx_version = Capture("'" + cxx + "' --version 2>/dev/null");
  if (info.cxx_version.empty()) info.cxx_version = "c++ unknown";
  info.jobs = jobs;
  info.seed_base = o.seed_base;
  info.seeds = o.seeds;
  info.random_configs = o.random_configs;
  return info;
}

// Writes junit.xml, summary.json and report.md; returns the exit status.
int Report(regress::SummaryInfo info, const std::vector<regress::RunResult>& results,
           const fs::path& out) {
  WriteFile(out / "junit.xml", regress::JunitXml(info.suite, results, info.wall_seconds));
  WriteFile(out / "summary.json", regress::SummaryJson(info, results).dump(2) + "\n");
  WriteFile(out / "report.md", regress::ReportMarkdown(info, results));
  const regress::Totals t = regress::Count(results);
  std::cout << "salsa regress " << info.suite << ": " << t.pass << " pass, " << t.fail << " fail, "
            << t.timeout << " timeout of " << results.size() << " runs in " << info.wall_seconds
            << " s; " << (out / "report.md").string() << "\n";
  for (const auto& r : results) {
    if (r.status != "pass")
      std::cout << "  " << r.status << " " << r.id << ": " << r.message << "\n";
  }
  return t.fail + t.timeout > 0 ? 1 : 0;
}

// Merges the runs' coverage.dat into OUT/coverage; the figures for summary.json and report.md.
nlohmann::json MergeRunCoverage(const std::vector<regress::RunResult>& results,
                                const fs::path& out) {
  std::vector<fs::path> dats;
  for (const auto& r : results) {
    const fs::path d = fs::path(r.run_dir) / "coverage.dat";
    if (fs::exists(d)) dats.push_back(d);
  }
  if (dats.empty()) throw std::runtime_error("--coverage: no run wrote a coverage.dat");
  const CoverageSummary s = MergeCoverage(dats, out / "coverage");
  std::cerr << "salsa regress: " << CoverageSummaryLine(s) << " (" << dats.size() << " runs)\n";
  return {{"dat_files", dats.size()},
          {"points", s.points},
          {"covered", s.covered},
          {"line_points", s.line_points},
          {"line_covered", s.line_covered},
          {"toggle_points", s.toggle_points},
          {"toggle_covered", s.toggle_covered},
          {"lines_found", s.lines_found},
          {"lines_hit", s.lines_hit},
          {"summary", CoverageSummaryLine(s)},
          {"html", (out / "coverage/html/index.html").string()}};
}

}  // namespace

int Regress(const RegressOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path out = fs::absolute(o.out).lexically_normal();
  Plan plan = MakePlan(o, out);
  CheckOutWritable(out);
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::string salsa = SelfExe();
  const HarnessKind kind = o.coverage ? HarnessKind::kCoverage : HarnessKind::kPlain;

  if (o.collect) {
    std::vector<regress::RunResult> results;
    for (const auto& r : plan.runs) {
      const fs::path f = fs::path(regress::RunDir(out.string(), r)) / "outcome.json";
      std::ifstream in(f);
      nlohmann::json j;
      if (in && (in >> j, true)) {
        results.push_back(regress::RunResult::FromJson(j));
      } else {
        regress::RunResult m;
        m.id = r.Id();
        m.test = r.test;
        m.config = r.ConfigLabel();
        m.seed = r.seed;
        m.status = "missing";
        m.message = f.string() + ": no result (the task did not finish)";
        m.run_dir = regress::RunDir(out.string(), r);
        results.push_back(m);
      }
    }
    regress::SummaryInfo info = Info(o, plan, out, jobs);
    for (const auto& r : results) info.wall_seconds += r.seconds;
    if (o.coverage) info.coverage = MergeRunCoverage(results, out);
    return Report(info, results, out);
  }

  if (o.run_index >= static_cast<int>(plan.runs.size())) {
    throw ListError("--run-index " + std::to_string(o.run_index) + ": accepted: 0.." +
                    std::to_string(plan.runs.size() - 1));
  }

  regress::SlurmJob slurm;
  if (o.slurm) {
    slurm.salsa = salsa;
    slurm.list = plan.list_path;
    slurm.out = out.string();
    slurm.suite = plan.list.suite;
    slurm.flags = plan.flags;
    slurm.runs = plan.runs.size();
    slurm.jobs = jobs;
    for (const auto& r : plan.runs) slurm.timeout_s = std::max(slurm.timeout_s, r.timeout_s);
    const std::string sbatch = "sbatch --parsable " + (out / "regress.sbatch").string();
    if (o.dry_run) {
      std::cout << "# " << (out / "regress.sbatch").string() << "\n"
                << regress::ArrayScript(slurm) << "\n# " << (out / "collect.sbatch").string()
                << "\n"
                << regress::CollectScript(slurm)
                << "\n# submission (not run: --dry-run), after building the harnesses of "
                << plan.configs.size() << " config(s) on this host\n"
                << "jobid=$(" << sbatch << ")\n"
                << "sbatch --parsable --dependency=afterany:${jobid%%;*} "
                << (out / "collect.sbatch").string() << "\n";
      return 0;
    }
  }

  // Harnesses: each distinct config once, serially, before any run (a cache hit is quick).
  std::map<std::string, std::string> harness;  // config hash -> harness
  std::set<std::string> needs_harness;         // configs of runs that are not equivalence runs
  for (const auto& r : plan.runs)
    if (r.equiv.empty()) needs_harness.insert(r.config);
  for (const auto& [token, rc] : plan.configs) {
    if (harness.count(rc.hash) || !needs_harness.count(token)) continue;
    // A Slurm task needs its own run's harness only (built on the submit host: a cache hit).
    if (o.run_index >= 0 && token != plan.runs[static_cast<size_t>(o.run_index)].config) continue;
    if (o.run_index < 0) {
      std::cerr << "salsa regress: harness of " << rc.label << " (" << rc.hash << ")"
                << (o.coverage ? ", coverage build" : "") << "\n";
    }
    harness[rc.hash] = FindHarness(rc.cfg, kind).string();
  }

  if (o.run_index < 0) {
    // A fresh output directory: the runs and reports of an earlier regression go.
    for (const char* old : {"runs", "configs", "coverage", "slurm", "junit.xml", "summary.json",
                            "report.md", "regress.sbatch", "collect.sbatch"}) {
      fs::remove_all(out / old);
    }
  }
  fs::create_directories(out / "configs");
  for (const auto& [name, yaml] : plan.random_yaml) {
    WriteFile(out / "configs" / (name + ".yaml"), yaml);
  }

  std::mutex trace_mu;
  std::map<std::string, std::string> trace_harness;  // hash -> plain harness
  auto context = [&](const regress::RunConfig& rc) {
    regress::RunContext ctx;
    ctx.out = out.string();
    ctx.salsa = salsa;
    ctx.source_dir = SALSA_SOURCE_DIR;
    ctx.list_dir = fs::path(plan.list_path).parent_path().string();
    ctx.harness = harness.count(rc.hash) ? harness.at(rc.hash) : "";
    ctx.coverage = o.coverage;
    ctx.trace_harness = [&, cfg = rc.cfg, hash = rc.hash]() {
      if (!o.coverage) return harness.at(hash);
      std::lock_guard<std::mutex> lock(trace_mu);
      auto it = trace_harness.find(hash);
      if (it == trace_harness.end())
        it = trace_harness.emplace(hash, FindHarness(cfg).string()).first;
      return it->second;
    };
    return ctx;
  };

  if (o.run_index >= 0) {
    const auto& r = plan.runs[static_cast<size_t>(o.run_index)];
    const auto& rc = plan.configs.at(r.config);
    const regress::RunResult res = regress::ExecuteRun(r, rc, context(rc));
    std::cout << res.status << " " << res.id << (res.message.empty() ? "" : ": " + res.message)
              << "\n";
    return res.status == "pass" ? 0 : 1;
  }

  if (o.slurm) {
    fs::create_directories(out / "slurm");
    WriteFile(out / "regress.sbatch", regress::ArrayScript(slurm));
    WriteFile(out / "collect.sbatch", regress::CollectScript(slurm));
    const std::string submitted =
        Capture("sbatch --parsable '" + (out / "regress.sbatch").string() + "' 2>&1");
    const std::string array_id = regress::ParseJobId(submitted);
    if (array_id.empty()) {
      throw std::runtime_error(
          "sbatch " + (out / "regress.sbatch").string() +
          " failed: " + (submitted.empty() ? "no output (is slurm-client installed?)" : submitted));
    }
    const std::string collect_id =
        regress::ParseJobId(Capture("sbatch --parsable --dependency=afterany:" + array_id + " '" +
                                    (out / "collect.sbatch").string() + "' 2>&1"));
    std::cout << "salsa regress: submitted array job " << array_id << " (" << plan.runs.size()
              << " runs) and collect job " << (collect_id.empty() ? "(failed)" : collect_id)
              << "; results in " << out.string() << "\n";
    return collect_id.empty() ? 2 : 0;
  }

  std::vector<regress::RunResult> results(plan.runs.size());
  regress::Progress progress(plan.runs.size());
  regress::InstallStopHandlers();
  regress::ParallelFor(
      plan.runs.size(), jobs,
      [&](size_t i) {
        const auto& r = plan.runs[i];
        const auto& rc = plan.configs.at(r.config);
        results[i] = regress::ExecuteRun(r, rc, context(rc));
      },
      [&](size_t i) { progress.Finished(results[i].status, results[i].id); });
  progress.End();
  if (const int sig = regress::StopSignal(); sig != 0) {
    std::cerr << "salsa regress: stopped by signal " << sig
              << ": the running harnesses and their process groups were killed, no further run "
                 "was started and no report was written; the finished runs are in "
              << (out / "runs").string() << "\n";
    return 128 + sig;
  }
  regress::SummaryInfo info = Info(o, plan, out, jobs);
  info.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.coverage) info.coverage = MergeRunCoverage(results, out);
  return Report(info, results, out);
}

}  // namespace salsa::cli
