// `salsa regress` outputs (docs/regress.md, Outputs): junit.xml, summary.json and report.md from
// the results of the runs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "salsa/xml_escape.h"

namespace salsa::regress {

struct RunResult {
  std::string id;            // <test>/<config>/s<seed>
  std::string test, config;  // config: its label
  std::string config_path;   // absolute config YAML
  std::string config_hash;
  std::string generator;  // resolved generator, or "args"
  uint64_t seed = 0;
  std::vector<std::string> args;  // harness arguments (what repro.sh passes to salsa run)
  std::string status;             // pass, fail, timeout (missing: --collect found no result)
  int exit_code = 0;
  double seconds = 0;
  int64_t cycles = -1;  // from the harness JSON; -1 when there is none
  std::string message;  // failures: the harness's first error line
  std::string run_dir;  // absolute
  std::string repro;    // failures: the repro.sh command line
  // --reset-at / --abort-at runs: the bus when it happened (the harness JSON's reset.bus or
  // abort.bus: "fetch", "load", "store", "mid-burst" joined by '+', or "quiet"); else empty.
  std::string bus_phase;

  nlohmann::json ToJson() const;
  static RunResult FromJson(const nlohmann::json& j);
};

struct Totals {
  size_t pass = 0, fail = 0, timeout = 0;
  double run_seconds = 0;  // sum over the runs
};
Totals Count(const std::vector<RunResult>& results);

using salsa::XmlEscape;  // salsa/xml_escape.h

// One testsuite named `suite`, one testcase per run (classname "<test>.<config>", name "s<seed>",
// time); failures and timeouts carry <failure message="...">.
std::string JunitXml(const std::string& suite, const std::vector<RunResult>& results,
                     double wall_seconds);

struct SummaryInfo {
  std::string suite, list_path, salsa_commit, salsa_version, verilator_version, cxx_version;
  std::string command;  // the salsa regress command line
  int jobs = 1;
  uint64_t seed_base = 0;
  int seeds = 0;  // --seeds, 0 when the list's own
  int random_configs = 0;
  double wall_seconds = 0;
  std::optional<nlohmann::json> coverage;  // MergeCoverage's figures
};

nlohmann::json SummaryJson(const SummaryInfo& info, const std::vector<RunResult>& results);
std::string ReportMarkdown(const SummaryInfo& info, const std::vector<RunResult>& results);

}  // namespace salsa::regress
