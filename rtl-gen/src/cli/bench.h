// `salsa bench`: runs the benchmark suite (and, on presets with sparsity.zero_skip, the sparsity
// suite) on the presets' Verilated harnesses and writes benchmarks.md, bench/benchmarks.csv,
// bench/benchmarks.json, bench/roofline.svg and bench/sparsity.svg.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace salsa::cli {

struct BenchOptions {
  std::string presets = "default,small_8x8,rect_12x8,ws_16x16,sparse_16x16,sparse24_16x16";
  std::string latencies = "100,200";
  std::string out_dir = "docs";
  bool quick = false;
  unsigned repeat = 1;
  bool build_time = true;  // time a cold harness build of a new 16x16 variant (not with --quick)
  // The ports sweep's port counts (bench_ports.h); "" the default: 1,2,4,8, none with --quick.
  std::string ports;
};

void AddBenchOptions(CLI::App* app, BenchOptions* opts);

// Exit status: 0 every case passed and the files were written; 1 a case failed its bit-exact
// comparison (the files are written and say so) or a harness could not be found, built or run
// (nothing written); 2 bad input (one line on stderr, nothing written).
int Bench(const BenchOptions& opts);

}  // namespace salsa::cli
