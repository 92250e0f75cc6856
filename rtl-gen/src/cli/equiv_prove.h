// salsa equiv's proofs (docs/equiv.md): Yosys scripts run under coreutils `timeout` in a work
// directory, one module's proof (counterexample scan, structural, miter with induction, bounded
// proof) and the hierarchical proof of a top, module by module, children first.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "equiv/equiv.h"

namespace salsa::cli {

namespace fs = std::filesystem;

// Runs Yosys scripts within the time of the whole run and keeps their text for --out.
class EquivRunner {
 public:
  EquivRunner(std::string yosys, std::string timeout, fs::path work, double seconds);
  double Left() const;  // seconds left of the whole run
  // Runs `script` as work/NAME.ys (NAME may hold a directory) with at most `secs` seconds;
  // returns its log, or "" when it ran out of time (a miter's log is returned even then: it
  // says which base cases were proven). Throws when Yosys fails (but for a structural run).
  std::string Run(const std::string& name, const std::string& script, double secs);
  // Runs ABC (yosys-abc) with `command`, its output kept as work/NAME.log; "" when there is no
  // yosys-abc in PATH or it ran out of time.
  std::string RunAbc(const std::string& name, const std::string& command, double secs);
  const fs::path& work() const { return work_; }
  std::vector<std::pair<fs::path, std::string>> kept;  // (name, text) for --out

 private:
  std::string yosys_, timeout_, abc_;
  fs::path work_;
  std::chrono::steady_clock::time_point start_;
  double seconds_;
};

// One module's proof within `budget` seconds: a quick counterexample scan, then structural,
// (for a `combinational` module, the multipliers of split_mul, which Yosys' SAT proves slowly
// against gates: ABC on the miter written as AIGER first), the miter with
// induction and the bounded proof of so.bound cycles, until one concludes. `lowered` (salsa equiv
// --synth): the netlist before ABC, which a multiplier module's gates are proven against when
// its RTL is out of reach. The scripts are
// named `prefix` + scan/structural/miter/bounded, aiger_<file>/abc_<step> for the ABC steps.
equiv::Outcome ProveModule(EquivRunner& r, const std::string& prefix, const equiv::Side& gold,
                           const equiv::Side& gate, equiv::ScriptOptions so, double budget,
                           bool combinational = false, const equiv::Side* lowered = nullptr);

struct ModuleResult {
  std::string module;
  equiv::Outcome outcome;
  double seconds = 0;
};

// The hierarchical proof of so.top: each side elaborated without flattening, the module pairs
// (same name in both) proven children first, each once; a proven child is a black box shared by
// both sides in its parents (its inputs compared outputs, its outputs free inputs matched by
// instance path); a child missing in the gate is proven inside its parent. Children are proven
// from the all-zero state with their reset free; the top from reset. The top's verdict is the
// weakest of all: full only if every module is; bounded to the fewest cycles of any; TIMEOUT
// (naming the unproven modules) if one is unproven. Stops at the first FAIL (the failing
// module's outcome). `modules` gets every module's result; `hierarchical` is false (and
// nothing proven) when the top has no submodules. Each module but the top has at most
// `module_seconds`.
equiv::Outcome ProveHierarchy(EquivRunner& r, const equiv::Side& gold, const equiv::Side& gate,
                              const equiv::ScriptOptions& so, double module_seconds,
                              std::vector<ModuleResult>* modules, bool* hierarchical,
                              const equiv::Side* lowered = nullptr);

}  // namespace salsa::cli
