// `salsa synth`: Yosys resources (per block, hierarchical), logic depth and, on iCE40, place and
// route with nextpnr-ice40 for a config's RTL (docs/synth.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace salsa::cli {

struct SynthOptions {
  std::string config;  // config YAML; its RTL is generated into a temp dir
  std::string rtl;     // or an existing generated RTL directory (salsa.f, manifest.json)
  std::string target = "xilinx";
  bool json = false;    // JSON on stdout (default: Markdown)
  std::string out;      // keeps script, log, netlist, reports here
  int timeout = 3600;   // seconds, per tool run
  std::string yosys;    // default: yosys in PATH
  std::string nextpnr;  // default: nextpnr-ice40 in PATH (ice40 only)
  bool no_pnr = false;  // ice40: fit check only, no nextpnr
  std::string module;   // synthesise this generated module alone (default: the manifest's top)
};

void AddSynthOptions(CLI::App* app, SynthOptions* opts);

// Returns 0 with the report on stdout, or throws (bad input, missing tool, failed tool run):
// main prints the one-line message and exits 2; nothing is written.
int Synth(const SynthOptions& opts);

}  // namespace salsa::cli
