// `salsa regress`: test lists of configs x constrained-random generators x seeds, run in
// parallel with timeouts; junit.xml, summary.json, report.md, FST and repro.sh of failures;
// --coverage, --random-configs, --slurm (docs/regress.md).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace salsa::cli {

struct RegressOptions {
  std::string list = "smoke";  // smoke, nightly, or a list path
  int jobs = 0;                // 0: the number of cores
  std::string out = "regress-out";
  int timeout_s = 0;  // 0: the list's
  int seeds = 0;      // 0: the list's
  uint64_t seed_base = 0;
  int random_configs = 0;
  bool coverage = false;
  bool slurm = false;
  bool dry_run = false;
  std::string filter;
  int run_index = -1;  // --run-index (Slurm array tasks)
  bool collect = false;
};

void AddRegressOptions(CLI::App* app, RegressOptions* opts);
// Returns the exit status: 0 all pass, 1 any failure or timeout; bad input throws (exit 2).
int Regress(const RegressOptions& opts);

}  // namespace salsa::cli
