// salsa equiv's pure parts (docs/equiv.md): the Yosys scripts of the two proof methods and the
// reading of their logs into a verdict, the first differing output and the report. No process is
// run here (rtl-gen/src/cli/equiv.cpp does that), so all of it is unit-tested on captured Yosys
// output (tests/equiv_test.cpp).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace salsa::equiv {

// One side of the proof: Verilog files (absolute paths), read with `read_verilog -defer`.
struct Side {
  std::string label;               // as given on the command line (messages, report)
  std::vector<std::string> files;  // RTL files of salsa.f, or one netlist
  bool netlist = false;            // written by Yosys (its $paramod names are public: \$paramod)
  bool elaborated = false;         // files are RTLIL of the elaborated design (HierarchyScript)
};

struct ScriptOptions {
  std::string top;                      // the module proven (same name in both sides)
  std::string design_top;               // elaborated first when top is one of its modules
  std::vector<std::string> abstracted;  // proven modules: black boxes shared like blackboxes
  bool split_mul = false;               // multipliers moved into modules <module>_mul
  bool keep_memories = false;           // no memory_map (structural: equiv_struct merges them)
  std::vector<std::pair<std::string, std::string>> params;  // the top's parameters (--param)
  std::vector<std::string> blackboxes;  // modules kept as black boxes (e.g. salsa_sram)
  std::string reset = "rst_ni";         // low in the first cycle of the miter; "" for none
  std::string clock = "clk_i";          // AigerScript with a reset: the clock of the reset cycle
  bool lower_mul = false;               // AigerScript: multipliers lowered as synth does
  int bound = 20;                       // miter: the most cycles of induction / bounded proof
  int sat_timeout_s = 600;              // sat -timeout
  std::string vcd;                      // miter: the counterexample's path
};

// Reads, elaborates and flattens one side into module `stash` ("gold" or "gate") of the design
// under construction: black boxes are removed and their ports become ports of the top (`expose
// -evert`, instance.port names, so the two sides share them), memories become flip-flops and the
// asynchronous resets synchronous (`async2sync`, for the SAT model) and undefined bits zero on
// both sides (`setundef -zero`: the SAT model has no x, and the miter needs none).
std::string PrepScript(const Side& side, const std::string& stash, const ScriptOptions& o);

// The script that writes the netlist of `salsa equiv --synth` to `netlist`: Yosys `synth` (generic
// gates), flattened, with the black boxes' ports exposed as PrepScript exposes them.
std::string SynthScript(const Side& rtl, const ScriptOptions& o, const std::string& netlist);

// The netlist of the hierarchical proof: Yosys `synth` without flattening, so the netlist has the
// RTL's modules ($paramod$...\\salsa_fifo names included); the black boxes stay instances, their
// (elaborated) module declarations are written to `boxes`. `lowered` gets the design as Yosys
// lowered it to gates before ABC optimised it: the multiplier modules' netlists are proven
// against it (ABC's work checked; Yosys' multiplier lowering trusted: docs/equiv.md).
std::string HierSynthScript(const Side& rtl, const ScriptOptions& o, const std::string& netlist,
                            const std::string& boxes, const std::string& lowered);

// Structural: equiv_make (signals matched by name), equiv_induct, equiv_status -assert.
std::string StructuralScript(const Side& gold, const Side& gate, const ScriptOptions& o);

// Sequential miter: miter -equiv -flatten, then from reset (reset low in cycle 1, every flip-flop
// zero before it) either sat -tempinduct up to o.bound steps (`induction`) or the bounded proof
// sat -seq o.bound; the counterexample goes to o.vcd.
std::string MiterScript(const Side& gold, const Side& gate, const ScriptOptions& o, bool induction);

// A combinational proof by ABC (yosys-abc): the miter written as AIGER to `aiger` (every
// flip-flop zero initially), and the ABC command that proves its output constant 0 (its log
// says "UNSATISFIABLE"; a sequential miter is not proven: "has registers").
std::string AigerScript(const Side& gold, const Side& gate, const ScriptOptions& o,
                        const std::string& aiger);
std::string AbcCommand(const std::string& aiger);
// The same miter by SAT sweeping (&cec), the combinational miter of lowered multipliers
// (lower_mul) against a netlist's: "Networks are equivalent".
std::string AbcCecCommand(const std::string& aiger, int seconds);
// A sequential miter (its initial state all zero, or after the reset cycle when o.reset is
// set): `dprove`, ABC's sequential equivalence flow ("Networks are equivalent" or a
// counterexample), and the bounded check of `frames` cycles (bmc3: "No output asserted in N
// frames").
std::string AbcSequentialCommand(const std::string& aiger, int seconds);
std::string AbcBmcCommand(const std::string& aiger, int frames, int seconds);

enum class Verdict { kPassFull, kPassBounded, kFail, kTimeout, kUnproven };
std::string VerdictName(Verdict v);  // "PASS", "PASS", "FAIL", "TIMEOUT", "UNPROVEN"

struct Outcome {
  Verdict verdict = Verdict::kUnproven;
  std::string method;      // "structural" or "miter"
  int bound = 0;           // kPassBounded: cycles from reset proven
  int induction = 0;       // kPassFull by the miter: the induction length
  std::string first_diff;  // kFail: the first differing output ("acc_o")
  int diff_cycle = 0;      // kFail: its cycle (1 = the reset cycle)
  std::string detail;      // one line from the log (unproven cells, timeout)
};

// The verdict of a structural run's log: kPassFull ("Equivalence successfully proven!"), else
// kUnproven with the count of unproven $equiv cells.
Outcome ParseStructuralLog(const std::string& log);

// The verdict of a miter run's log: kPassFull (induction step proven), kPassBounded (the base
// case held for every step up to the bound, or up to where the run stopped: a log cut by a
// timeout is read too), kFail (model found for the base case: the first output whose gold_ and
// gate_ values differ in the -show-ports table) or kTimeout.
Outcome ParseMiterLog(const std::string& log);

// The verdict of a bounded run's log (sat -seq N): kPassBounded to `bound` cycles ("no model
// found"), kFail with the first differing output, or kTimeout.
Outcome ParseBoundedLog(const std::string& log, int bound);

// The verdict of ABC's log: kPassFull (method "abc") when it proved the miter's output constant
// 0 (iprove's UNSATISFIABLE, &cec's or dprove's "Networks are equivalent", pdr's "Property
// proved"), kPassBounded when bmc3 found no failing output in N frames, else kUnproven (with
// "abc found a counterexample" in detail when it did).
Outcome ParseAbcLog(const std::string& log);

// One stdout line: "PASS full (structural) ...", "PASS bounded to 20 cycles (miter) ...",
// "FAIL: acc_o differs in cycle 3 ...", "TIMEOUT after 600 s ...".
// The hierarchical proof (salsa equiv --hier): the script that elaborates a side without
// flattening and writes it as RTLIL to `rtlil` (which the module proofs read: an `elaborated`
// side); its modules and the modules each instantiates
// (black boxes left out); the order in which they are proven (children first, each once); a
// file-system name for a module ("salsa_fifo_080137ee" for $paramod$080137ee...\\salsa_fifo).
using Hierarchy = std::map<std::string, std::vector<std::string>>;
std::string HierarchyScript(const Side& side, const ScriptOptions& o, const std::string& rtlil);
Hierarchy ParseHierarchy(const std::string& rtlil);
// Each module's ports ("width 9 input 1 \\a_i": width, direction, position, name; sorted): a module
// pair whose ports differ (renamed, resized) is no pair; its parents prove it inside them.
using Ports = std::map<std::string, std::vector<std::string>>;
Ports ParsePorts(const std::string& rtlil);
// The modules without state: no flip-flop, latch, memory or process, and no child module (their
// miters are combinational: a BDD proves them first, as the multipliers).
std::set<std::string> ParseCombinational(const std::string& rtlil);
std::vector<std::string> BottomUp(const Hierarchy& h, const std::string& top);
std::string ShortName(const std::string& module);

std::string Summary(const Outcome& o, const std::string& top, double seconds);

nlohmann::json ToJson(const Outcome& o, const std::string& top, const Side& gold, const Side& gate,
                      double seconds);

}  // namespace salsa::equiv
