// `salsa run`: generate, build (cached) and run the Verilated harness for a config.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace salsa::cli {

struct RunOptions {
  std::string config;  // empty: the embedded default preset
  std::vector<std::string> passthrough;
};

void AddRunOptions(CLI::App* app, RunOptions* opts);
int Run(const RunOptions& opts, int argc, char** argv);

}  // namespace salsa::cli
