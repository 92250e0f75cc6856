// `salsa tb-export`: a self-checking Verilog testbench of one layer on a config's RTL, for any
// simulator, with a script for Icarus Verilog (docs/tb-export.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace salsa::cli {

struct TbExportOptions {
  std::string config;     // config YAML (required)
  std::string layer;      // layer YAML, or
  std::string shape;      // MxKxN random layer
  uint64_t seed = 1;      // the random layer's seed (the harness's --seed)
  std::string precision;  // the random layer's precision (int8, w4a8, fp8_e4m3, fp8_e5m2)
  // The harness's random-layer data options (tb/harness/options.h), same meaning.
  bool extremes = false, unit_scale = false, per_channel = false, weights_2of4 = false;
  double sparsity = -1.0;  // < 0: not asked
  std::string sparsity_pattern;
  unsigned mem_latency = 20;
  std::string out;  // output directory
};

void AddTbExportOptions(CLI::App* app, TbExportOptions* opts);

// Writes the testbench directory (replacing an earlier export atomically). Returns 0, or 2 after a
// one-line message on stderr for bad input (nothing written).
int TbExport(const TbExportOptions& opts, const std::string& command);

}  // namespace salsa::cli
