// `salsa run`: generate, build (cached) and run the Verilated harness for a config.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace salsa::cli {

struct RunOptions {
  std::string config;  // empty: the embedded default preset
};

void AddRunOptions(CLI::App* app, RunOptions* opts);
// Resolves the config, finds or builds its harness and replaces this process with it, passing
// every option it does not know itself along. Returns only by throwing.
int Run(const RunOptions& opts, CLI::App* app);

}  // namespace salsa::cli
