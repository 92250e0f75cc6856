// `salsa run`: generate, build (cached) and run the Verilated harness for a config.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace salsa {
struct Config;
}

namespace salsa::cli {

struct RunOptions {
  std::string config;  // empty: the embedded default preset
};

// Which harness build: the plain one (FST tracing compiled in), or one verilated with line and
// toggle coverage (issue 15), whose `--coverage-out FILE.dat` writes Verilator coverage data.
enum class HarnessKind { kPlain, kCoverage };

// The Verilated harness of `cfg`: for kPlain, the prebuilt build/tests/harness_<name> when `cfg`
// is exactly that preset (same config hash as rtl/<name>), else the cached build, built on first
// use; kCoverage harnesses are always cached builds (their own cache directory). Throws
// std::runtime_error when the build fails.
std::filesystem::path FindHarness(const Config& cfg, HarnessKind kind = HarnessKind::kPlain);

// Generates `cfg`'s RTL and builds its plain harness from nothing in a new cache directory under
// `root` (ccache off: a cold build, as on a machine that never built a variant), and returns the
// wall seconds of the whole: generate, configure (verilate), compile, link. `salsa bench`'s
// harness build-time figure (issue 15: < 30 s for a new 16x16 variant). Throws
// std::runtime_error when the build fails.
double TimeColdHarnessBuild(const Config& cfg, const std::filesystem::path& root);

void AddRunOptions(CLI::App* app, RunOptions* opts);
// Resolves the config, finds or builds its harness and replaces this process with it, passing
// every option it does not know itself along. Returns only by throwing.
int Run(const RunOptions& opts, CLI::App* app);

}  // namespace salsa::cli
