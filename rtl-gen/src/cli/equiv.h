// `salsa equiv`: proves two versions of a design, or a design and its Yosys netlist, equivalent
// with Yosys (structural equiv_*, else a sequential miter with induction, else a bounded proof
// from reset); docs/equiv.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace salsa::cli {

struct EquivOptions {
  std::string a, b;   // RTL dir, salsa.f, netlist .v, or GITREV:PATH (RTL dir of a git revision)
  std::string synth;  // instead of B: the netlist Yosys synthesises from A (config YAML or dir)
  std::string top;    // default: the manifest's top (salsa_top)
  int bound = 20;     // cycles of induction / of the bounded proof
  int timeout = 600;  // seconds for the whole proof
  std::string out;    // report.json, scripts, logs, cex.vcd, repro.sh
  bool keep = false;  // keep the work directory (its path is printed)
  bool no_blackbox = false;         // prove salsa_sram's contents too (small memories only)
  std::vector<std::string> params;  // NAME=VALUE: the top's parameters (e.g. a bank's Depth)
  int module_timeout = 300;         // seconds for each module but the top (hierarchical proof)
  bool flat = false;                // the top flattened, in one proof (default: module by module)
  std::string yosys;                // default: yosys in PATH
};

void AddEquivOptions(CLI::App* app, EquivOptions* opts);

// 0: PASS (full or bounded, as printed); 1: FAIL (first differing output, counterexample VCD,
// the command that reproduces it); 3: TIMEOUT. Bad input throws (main: one line, exit 2).
int Equiv(const EquivOptions& opts);

}  // namespace salsa::cli
