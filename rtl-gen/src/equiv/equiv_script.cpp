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

// Removes the black-box instances; their ports become ports of the top ("u_x.gen[0].u_bank.we_i").
// Only the instances are selected: every other internal signal stays internal.
std::string Evert(const Side& side, const ScriptOptions& o) {
  std::string s;
  for (const auto& b : o.blackboxes)
    if (b != o.top) s += "expose -evert t:*" + b + "\n";
  for (const auto& m : o.abstracted) s += "expose -evert t:" + Id(side, m) + "\n";
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
    if (o.split_mul) s << "proc\nsetattr -set submod \"mul\" t:$mul\nsubmod t:$mul %m\n";
  }
  s << "hierarchy -top " << top << "\n";
  for (const auto& m : o.abstracted) s << "blackbox " << Id(side, m) << "\n";
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
                            const std::string& boxes) {
  const std::string prep = PrepScript(rtl, "unused", o);
  std::ostringstream r;
  r << prep.substr(0, prep.find("prep -flatten")) << "proc\n"
    << "synth -top " << o.top << "\n"
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
  return BothSides(gold, gate, o) +
         "miter -equiv -flatten gold gate miter\n"
         "hierarchy -top miter\n"
         "techmap\nopt -fast\ndffunmap\naigmap\nsetundef -zero -init\nsetundef -zero\n"
         "write_aiger -zinit " +
         aiger + "\n";
}

std::string AbcCommand(const std::string& aiger) {
  // The miter's output as a BDD without reordering, at most 500,000 live nodes (a 9x8
  // multiplier against its gates: 0.2 s; a 32x32 one exceeds it within a second, and ABC stops
  // there), then proven constant 0 by SAT.
  return "read_aiger " + aiger + "; strash; collapse -r -B 500000; strash; iprove";
}

}  // namespace salsa::equiv
