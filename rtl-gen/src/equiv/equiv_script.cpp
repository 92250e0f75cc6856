// The Yosys scripts of salsa equiv's two methods (equiv.h).
#include <sstream>

#include "equiv/equiv.h"

namespace salsa::equiv {
namespace {

// A module's name in a side's scripts: a netlist written by Yosys declares $paramod$...\\x as
// the escaped Verilog identifier \\$paramod$...\\x, which Yosys reads back as a public name.
std::string Id(const Side& side, const std::string& module) {
  return side.netlist && !module.empty() && module[0] == '$' ? "\\" + module : module;
}

// A module name as a selection pattern: a short parameter specialisation is named
// $paramod\\salsa_pe\\RowOdd=s32'0..., whose backslashes (and any [ ] * ?) a pattern would
// read as wildcards or escapes; each becomes `?` (any one character). A leading backslash (a
// public name) stays.
std::string Pattern(const std::string& name) {
  std::string p = name;
  for (size_t i = 1; i < p.size(); ++i)
    if (p[i] == '\\' || p[i] == '[' || p[i] == ']' || p[i] == '*' || p[i] == '?') p[i] = '?';
  return p;
}

// Removes the black-box instances; their ports become ports of the top ("u_x.gen[0].u_bank.we_i").
// Only the instances are selected: every other internal signal stays internal.
std::string Evert(const Side& side, const ScriptOptions& o) {
  std::string s;
  for (const auto& b : o.blackboxes)
    if (b != o.top) s += "expose -evert t:*" + b + "\n";
  for (const auto& m : o.abstracted) s += "expose -evert t:" + Pattern(Id(side, m)) + "\n";
  return s;
}

}  // namespace

std::string PrepScript(const Side& side, const std::string& stash, const ScriptOptions& o) {
  std::ostringstream s;
  s << "# " << stash << ": " << side.label << "\n";
  const std::string design = o.design_top.empty() ? o.top : o.design_top, top = Id(side, o.top);
  if (side.elaborated) {
    for (const auto& f : side.files) s << "read_rtlil " << f << "\n";
  } else {
    for (const auto& f : side.files) {
      bool bb = false;
      for (const auto& b : o.blackboxes)
        if (b != o.top && f.size() >= b.size() + 2 &&
            f.compare(f.size() - b.size() - 2, std::string::npos, b + ".v") == 0)
          bb = true;
      s << "read_verilog -defer " << (bb ? "-lib " : "") << f << "\n";
    }
    // A module of the hierarchy ($paramod$...\\salsa_fifo) exists once the whole design is
    // elaborated; the second `hierarchy` keeps only what is under it.
    // --param: the design's top elaborated with these parameter values.
    std::string chparam;
    for (const auto& [name, value] : o.params) chparam += " -chparam " + name + " " + value;
    if (design != o.top || o.split_mul || !chparam.empty())
      s << "hierarchy -top " << design << chparam << "\n";
    // Each module's multipliers become a module of their own (<module>_mul), in the RTL and so in
    // the netlist synthesised from it: proven alone (ABC), then black boxes in their module.
    // submod names the ports of private nets after them, and private names hold the source path
    // and Yosys' object counter: renamed first to $e<n> in the order the module holds them, so
    // two sides from the same generator get the same ports wherever their files are.
    // submod names the new instance after its module; in a parameter specialisation
    // ($paramod\\salsa_pe\\RowOdd=...) that is a private name, which `expose -evert` skips, so
    // such instances are renamed u_mul<n>.
    // Only multipliers of two signals move: one with a constant operand (an index, a_i[m_i*9
    // +: 9]) stays, since abstracted its product would be free, and an out-of-range part-select
    // it drives is undefined, zero in one side and anything in the other. Selected: $mul cells
    // with a wire on port A and a wire on port B.
    if (o.split_mul)
      s << "proc\nrename -enumerate -pattern $e% w:$* c:$*\n"
        << "setattr -set submod \"mul\" w:* %co1:+[A] w:* %co1:+[B] %i t:$mul %i\n"
        << "submod t:$mul %m\n"
        << "rename -enumerate -pattern u_mul% t:*_mul\n";
  }
  s << "hierarchy -top " << top << "\n";
  for (const auto& m : o.abstracted) s << "blackbox " << Pattern(Id(side, m)) << "\n";
  s << "prep -flatten -top " << top << "\n"
    << (o.keep_memories ? "" : "memory_map\n") << "opt_clean\n";
  s << Evert(side, o);
  s << "async2sync\nsetundef -zero\n"
    << "rename " << top << " " << stash << "\n"
    << "design -stash " << stash << "\n";
  return s.str();
}

// The netlist `salsa equiv --synth` proves against: generic Yosys gates, flattened, black boxes
// removed and their ports exposed as in PrepScript, so the netlist has the same ports.
std::string SynthScript(const Side& rtl, const ScriptOptions& o, const std::string& netlist) {
  const std::string prep = PrepScript(rtl, "unused", o);
  std::ostringstream r;
  r << prep.substr(0, prep.find("prep -flatten")) << "proc\nflatten\n";
  r << Evert(rtl, o);
  r << "synth -top " << o.top << "\n"
    << "write_verilog -noattr " << netlist << "\n";
  return r.str();
}

std::string HierSynthScript(const Side& rtl, const ScriptOptions& o, const std::string& netlist,
                            const std::string& boxes, const std::string& lowered) {
  const std::string prep = PrepScript(rtl, "unused", o);
  std::ostringstream r;
  // Yosys 0.23's `synth` script, its fine section written out so that the design can be saved
  // between Yosys' lowering to gates (techmap) and ABC's optimisation and mapping.
  r << prep.substr(0, prep.find("prep -flatten")) << "proc\n"
    << "synth -top " << o.top << " -run begin:fine\n"
    << "opt -fast -full\nmemory_map\nopt -full\ntechmap\nopt -fast\n"
    << "write_verilog -noattr " << lowered << "\n"
    << "abc -fast\nopt -fast\n"
    << "synth -top " << o.top << " -run check:\n"
    << "write_verilog -noattr " << netlist << "\n"
    << "write_verilog -noattr -blackboxes " << boxes << "\n";
  return r.str();
}

namespace {

std::string BothSides(const Side& gold, const Side& gate, const ScriptOptions& o) {
  return PrepScript(gold, "gold", o) + PrepScript(gate, "gate", o) +
         "design -copy-from gold -as gold gold\n"
         "design -copy-from gate -as gate gate\n";
}

}  // namespace

std::string StructuralScript(const Side& gold, const Side& gate, const ScriptOptions& o) {
  return BothSides(gold, gate, o) +
         "equiv_make gold gate equiv\n"
         "hierarchy -top equiv\n"
         // Multipliers whose inputs are matched become one (a SAT solver cannot prove two
         // multipliers equal); the $equiv cells this adds are proven like the others. So are
         // memories kept as such (keep_memories): one memory shared by both sides.
         "equiv_struct -icells t:$mul t:$mem_v2\n"
         "equiv_induct -seq 1\n"
         "equiv_status -assert\n";
}

std::string MiterScript(const Side& gold, const Side& gate, const ScriptOptions& o,
                        bool induction) {
  std::ostringstream s;
  s << BothSides(gold, gate, o) << "miter -equiv -flatten -make_outputs gold gate miter\n"
    << "hierarchy -top miter\n"
    << "sat" << (induction ? " -tempinduct" : "") << " -prove trigger 0 -set-init-zero";
  if (!o.reset.empty()) s << " -set-at 1 in_" << o.reset << " 0";
  if (induction)
    s << " -seq 1 -maxsteps " << o.bound;
  else
    s << " -seq " << o.bound;
  s << " -timeout " << o.sat_timeout_s;
  if (!o.vcd.empty()) s << " -dump_vcd " << o.vcd;
  s << " -show-ports miter\n";
  return s.str();
}

std::string AigerScript(const Side& gold, const Side& gate, const ScriptOptions& o,
                        const std::string& aiger) {
  std::ostringstream s;
  s << BothSides(gold, gate, o) << "miter -equiv -flatten gold gate miter\n"
    << "hierarchy -top miter\n";
  // Multipliers lowered as `synth` lowers them (its coarse passes, then alumacc's $macc), so
  // that the gates of a netlist meet the same adder tree: ABC's SAT sweeping then matches their
  // internal nodes, where a 32x32 multiplier against any other gates is out of its reach.
  if (o.lower_mul) s << "wreduce\npeepopt\nopt_clean\nalumacc\nopt -fast\n";
  // From reset: every flip-flop zero, then one cycle with reset low; the state it leaves is
  // the AIGER's initial state (a reset later stays possible: it is an input).
  if (!o.reset.empty())
    s << "sim -clock in_" << o.clock << " -resetn in_" << o.reset
      << " -rstlen 1 -n 1 -zinit -w miter\n";
  s << "techmap\nopt -fast\ndffunmap\naigmap\nsetundef -zero -init\nsetundef -zero\n"
    << "write_aiger -zinit " << aiger << "\n";
  return s.str();
}

std::string AbcCommand(const std::string& aiger) {
  // The miter's output as a BDD without reordering, at most 500,000 live nodes (a 9x8
  // multiplier against its gates: 0.2 s; a 32x32 one exceeds it within a second, and ABC stops
  // there), then proven constant 0 by SAT.
  return "read_aiger " + aiger + "; strash; collapse -r -B 500000; strash; iprove";
}

std::string AbcCecCommand(const std::string& aiger, int seconds) {
  // SAT sweeping of the combinational miter (fraiging: equal internal nodes merged).
  return "&r " + aiger + "; &cec -m -T " + std::to_string(seconds);
}

std::string AbcSequentialCommand(const std::string& aiger, int seconds) {
  // ABC's sequential equivalence flow on the miter: CEC, BMC, register correspondence with
  // induction (scorr), retiming, interpolation, then property-directed reachability (IC3) with
  // what is left of the time. None of it needs the two sides' register names to agree.
  return "read_aiger " + aiger + "; strash; dprove -T " + std::to_string(seconds);
}

std::string AbcBmcCommand(const std::string& aiger, int frames, int seconds) {
  return "read_aiger " + aiger + "; strash; bmc3 -F " + std::to_string(frames) + " -T " +
         std::to_string(seconds);
}

}  // namespace salsa::equiv
