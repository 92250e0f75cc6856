// `salsa regress`: one run in its directory: generate, run the harness, keep the outputs, and on
// failure re-run it with an FST trace and write repro.sh.
#pragma once

#include <functional>
#include <string>

#include "regress/regress_list.h"
#include "regress/reports.h"
#include "salsa/config.h"

namespace salsa::regress {

struct RunContext {
  std::string out;         // absolute --out
  std::string salsa;       // absolute salsa executable (repro.sh)
  std::string source_dir;  // {source} in fixed args
  std::string list_dir;    // {list} in fixed args
  std::string harness;     // the harness the run uses (coverage build with --coverage)
  bool coverage = false;
  // The plain (FST-tracing) harness for the re-run of a failure; called only on failure.
  std::function<std::string()> trace_harness;
};

struct RunConfig {
  std::string label, path, hash;  // path: absolute YAML
  Config cfg;
};

// The run's directory: <out>/runs/<id>.
std::string RunDir(const std::string& out, const RunSpec& run);

// Fixed args split at whitespace, {source} and {list} replaced.
std::vector<std::string> SplitArgs(const std::string& args, const std::string& source_dir,
                                   const std::string& list_dir);

// Runs `run` and writes cmd.txt, stdout.txt, stderr.txt, result.json, the generator's files,
// outcome.json (the RunResult, for --collect) and, for a failure, wave.fst and repro.sh.
RunResult ExecuteRun(const RunSpec& run, const RunConfig& config, const RunContext& ctx);

}  // namespace salsa::regress
