#include "cli/run.h"

#include <iostream>

namespace salsa::cli {

void AddRunOptions(CLI::App* app, RunOptions* opts) {
  app->add_option("--config", opts->config, "config YAML (default: the embedded default preset)");
}

int Run(const RunOptions& /*opts*/, int /*argc*/, char** /*argv*/) {
  std::cerr << "salsa run: not wired yet\n";
  return 2;
}

}  // namespace salsa::cli
