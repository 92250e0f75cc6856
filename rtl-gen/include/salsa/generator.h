// From a validated Config to the files of one generated accelerator.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "salsa/config.h"

namespace salsa {

struct GeneratedFile {
  std::string name;  // relative to the output directory
  std::string text;
};

// Builds every file: one Verilog file per module, the filelist salsa.f, manifest.json,
// salsa_params.h and the flow files (salsa_top.xdc, salsa_top.sdc, vivado.tcl, salsa.core); with
// sram.macro: blackbox also the macro's model sim/<macro>.v and salsa_sim.f. `command` is the
// command line that regenerates them (printed in banners). Names may contain one '/'.
std::vector<GeneratedFile> Generate(const Config& cfg, const std::string& command);

// Writes the files into `dir` atomically: into a temporary sibling directory first, then renamed
// over `dir` (replacing an earlier generation). On failure nothing is left behind.
void WriteGenerated(const std::vector<GeneratedFile>& files, const std::string& dir);

}  // namespace salsa
